"""The way on to PyTorch: an MLP as numpy arrays or a torch.nn.Sequential, and back.

A chainrule Layer is torch's Linear followed by its activation (and Dropout), so the mapping is exact:
Linear's weight is (out, in), row j holding neuron j's weights `w`, and its bias holds the neurons' `b`.
Layers are float64, so outputs agree to rounding (~1e-15). torch is imported on first use only, here and
nowhere else in chainrule, so `import nn` never needs it.
"""

from __future__ import annotations

import importlib
import random
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

if TYPE_CHECKING:
    from .mlp import MLP

M = TypeVar("M", bound="MLP")
ACTIVATION_TO_TORCH = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU"}
TORCH_TO_ACTIVATION = {name: activation for activation, name in ACTIVATION_TO_TORCH.items()}
LEAKY_SLOPE = 0.01  # Value.leaky_relu's slope, and torch.nn.LeakyReLU's default negative_slope
SUPPORTED = "Linear, ReLU, Tanh, Sigmoid, LeakyReLU(negative_slope=0.01) and Dropout"


def _torch(who: str) -> Any:
    """The torch module, imported now (not when nn is imported), or an ImportError that says how to get it."""
    try:
        return importlib.import_module("torch")
    except ImportError as error:
        raise ImportError(f"{who} needs PyTorch, which is not installed: pip install torch "
                          "(in a chainrule checkout: uv sync --group bench)") from error


def to_arrays(model: MLP) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per layer, (W, b): W of shape (out, in) with W[j] = neuron j's weights, b of shape (out,)."""
    return [(np.array([[w.data for w in n.w] for n in layer.neurons], dtype=np.float64),
             np.array([n.b.data for n in layer.neurons], dtype=np.float64)) for layer in model.layers]


def to_torch(model: MLP) -> Any:
    """torch.nn.Sequential(Linear, activation, [Dropout], ..., Linear), float64, in the model's mode."""
    torch = _torch("MLP.to_torch")
    modules = []
    for layer, (W, b) in zip(model.layers, to_arrays(model)):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        activation = layer.neurons[0].activation
        if activation != "linear":
            modules.append(getattr(torch.nn, ACTIVATION_TO_TORCH[activation])())
        if layer.dropout is not None:
            modules.append(torch.nn.Dropout(layer.dropout.p))
    return torch.nn.Sequential(*modules).train(model.training)


def _groups(torch: Any, module: Any) -> list[tuple[Any, str, float]]:
    """The Sequential read as (Linear, activation name, dropout p) per layer, or a ValueError naming the layer."""
    groups: list[tuple[Any, str, float]] = []
    for index, layer in enumerate(module):
        kind = type(layer).__name__
        where = f"MLP.from_torch: layer {index} ({layer!r})"
        if type(layer) is torch.nn.Linear:  # exact types: a subclass may compute something else
            groups.append((layer, "linear", 0.0))
            continue
        if not groups:
            raise ValueError(f"{where} comes before any Linear layer; an MLP starts with a Linear layer")
        linear, activation, p = groups[-1]
        if type(layer) is torch.nn.Dropout:
            if p:
                raise ValueError(f"{where} is a second Dropout after one Linear layer; keep one")
            if not 0 <= layer.p < 1:
                raise ValueError(f"{where} has p={layer.p}; chainrule's Dropout takes p in [0, 1)")
            groups[-1] = (linear, activation, float(layer.p))
        elif kind in TORCH_TO_ACTIVATION and type(layer) is getattr(torch.nn, kind):
            if activation != "linear" or p:
                raise ValueError(f"{where} follows {'a Dropout' if p else 'an activation'}; an MLP layer is "
                                 "Linear, then one activation, then optionally Dropout")
            if kind == "LeakyReLU" and layer.negative_slope != LEAKY_SLOPE:
                raise ValueError(f"{where} has negative_slope={layer.negative_slope}; chainrule's leaky_relu "
                                 f"has slope {LEAKY_SLOPE} (torch's default)")
            groups[-1] = (linear, TORCH_TO_ACTIVATION[kind], p)
        else:
            raise ValueError(f"{where} is a {kind}, which an MLP cannot hold; it supports {SUPPORTED}")
    return groups


def _check_shape(groups: list[tuple[Any, str, float]]) -> tuple[str, float]:
    """The hidden activation and dropout p, after checking that the layers form one MLP."""
    if not groups:
        raise ValueError("MLP.from_torch: the Sequential holds no Linear layer")
    hidden, last = groups[:-1], groups[-1]
    if last[1] != "linear" or last[2]:
        raise ValueError(f"MLP.from_torch: the last Linear layer is followed by "
                         f"{'an activation' if last[1] != 'linear' else 'Dropout'}, but an MLP's output layer is "
                         "linear; remove it from the Sequential and apply it to the outputs (or in the loss)")
    for k in range(1, len(groups)):
        a, b = groups[k - 1][0], groups[k][0]
        if a.out_features != b.in_features:
            raise ValueError(f"MLP.from_torch: Linear layer {k - 1} has {a.out_features} outputs but Linear "
                             f"layer {k} takes {b.in_features} inputs")
    kinds = {(activation, p) for _, activation, p in hidden}
    if len(kinds) > 1:
        raise ValueError(f"MLP.from_torch: the hidden layers differ in activation or dropout ({sorted(kinds)}), "
                         "but an MLP uses one activation and one dropout p for all of them")
    return next(iter(kinds), ("relu", 0.0))


def from_torch(cls: type[M], module: Any, seed: int | None) -> M:
    """An MLP (of class `cls`) with the Sequential's weights, architecture and train/eval mode."""
    torch = _torch("MLP.from_torch")
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"MLP.from_torch expects a torch.nn.Sequential of {SUPPORTED}, got "
                        f"{type(module).__name__} (wrap a single layer: torch.nn.Sequential(linear))")
    groups = _groups(torch, module)
    activation, p = _check_shape(groups)
    arrays = []
    for k, (linear, _, _) in enumerate(groups):
        W = linear.weight.detach().to("cpu", torch.float64).numpy()
        b = linear.bias.detach().to("cpu", torch.float64).numpy() if linear.bias is not None else np.zeros(len(W))
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(f"MLP.from_torch: Linear layer {k} has NaN or inf weights")
        arrays.append((W, b))
    sizes = [groups[0][0].in_features, *(linear.out_features for linear, _, _ in groups)]
    # a fresh seed when none is given: the weights are overwritten, and global random state is left alone
    model = cls(sizes[0], sizes[1:], activation=activation, dropout=p,
                seed=seed if seed is not None else random.Random().getrandbits(63))
    for layer, (W, b) in zip(model.layers, arrays):
        for neuron, row, bias in zip(layer.neurons, W.tolist(), b.tolist()):
            for w, x in zip(neuron.w, row):
                w.data = x
            neuron.b.data = bias
    return model.train(bool(module.training))
