"""Neuron, Layer, MLP: micrograd's nn, with activations, init schemes and seeds.

`Neuron(nin, nonlin=True)`, `Layer(nin, nout)` and `MLP(nin, nouts)` keep micrograd's signatures
and behaviour (weights uniform(-1, 1), bias 0, ReLU hidden, linear output; a width-1 output
is a bare Value). A `seed` makes a model reproducible without touching the global `random`.

Called with one sample (a list of numbers or Values) they build that sample's graph; called with
a 2-D array X of shape (n, nin) they evaluate the whole batch in one graph of Batches (see
`autograd.batch`): the same nodes, each carrying n samples, so the output is a Batch (or a list
of Batches, one per output).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

from autograd import Value

from . import init as inits
from . import torch_bridge as bridge
from .checks import real, whole
from .dropout import Dropout
from .mlp_parts import ACTIVATIONS, check_activation, check_count, columns, layer_sizes
from .module import Module

__all__ = ["ACTIVATIONS", "MAX_PARAMETERS", "MLP", "Layer", "Neuron", "columns"]

# Each parameter is a Python Value of about 350 bytes, and a forward pass makes more nodes per weight: past
# ten million parameters (~3.5 GB before any graph) a model would exhaust an ordinary machine's memory, and a
# scalar engine could not train it anyway. Raise this if you have the memory.
MAX_PARAMETERS = 10**7
M = TypeVar("M", bound="MLP")


def _check_count(who: str, shape: str, count: int) -> None:
    check_count(who, shape, count, MAX_PARAMETERS)  # read at each call, so that raising the limit works


def _dropout(who: str, p: float) -> float:
    return real(who, "dropout (the probability of zeroing each output while training)", p, "in [0, 1)")


class Neuron(Module):
    """act(w · x + b). micrograd's `Neuron(nin, nonlin=True)`: ReLU unless nonlin=False."""

    def __init__(self, nin: int, nonlin: bool = True, *, activation: str | None = None, init: str = "uniform",
                 fan_out: int = 1, seed: int | None = None, rng: random.Random | None = None) -> None:
        nin = whole("Neuron", "nin (its number of inputs)", nin)
        _check_count("Neuron", f"a neuron with {nin} inputs", nin + 1)
        self.activation = check_activation("Neuron", activation or ("relu" if nonlin else "linear"))
        self.nonlin = self.activation != "linear"
        source: inits.RandomSource = rng or (random.Random(seed) if seed is not None else random)
        self.init = init
        self.w = [Value(x) for x in inits.weights(init, nin, fan_out, source)]
        self.b = Value(0.0)

    def forward(self, x: Sequence[Any] | np.ndarray) -> Value:
        x = columns(x, len(self.w), type(self).__name__)
        if len(x) != len(self.w):
            raise ValueError(f"{type(self).__name__} expects {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()

    def config(self) -> dict[str, Any]:
        return {"nin": len(self.w), "activation": self.activation, "init": self.init}

    def __repr__(self) -> str:  # micrograd's: ReLUNeuron(2)
        name = {"relu": "ReLU", "linear": "Linear"}.get(self.activation, self.activation.capitalize())
        return f"{name}Neuron({len(self.w)})"

    def _details(self) -> str:
        return f"{len(self.w)} inputs, {self.activation}"


class Layer(Module):
    """nout Neurons on the same inputs. Returns a Value when nout == 1 (as micrograd), else a list.
    With `dropout=p`, its outputs go through `self.dropout`, a Dropout(p) (None without dropout)."""

    def __init__(self, nin: int, nout: int, *, dropout: float = 0.0, seed: int | None = None,
                 rng: random.Random | None = None, **neuron_options: Any) -> None:
        nin = whole("Layer", "nin (its number of inputs)", nin)
        nout = whole("Layer", "nout (its number of neurons)", nout)
        p = _dropout("Layer", dropout)
        _check_count("Layer", f"a layer of {nout} neurons with {nin} inputs each", (nin + 1) * nout)
        rng = rng or (random.Random(seed) if seed is not None else None)
        self.neurons = [Neuron(nin, fan_out=nout, rng=rng, **neuron_options) for _ in range(nout)]
        self.dropout: Dropout | None = Dropout(p, seed=seed) if p else None

    def forward(self, x: Sequence[Any] | np.ndarray) -> Value | list[Value]:
        x = columns(x, len(self.neurons[0].w), type(self).__name__)
        out = [n(x) for n in self.neurons]
        if self.dropout is not None:
            out = self.dropout(out)
        return out[0] if len(out) == 1 else out

    def config(self) -> dict[str, Any]:
        first = self.neurons[0].config()
        dropout = {"dropout": self.dropout.p} if self.dropout is not None else {}
        return {"nin": first["nin"], "nout": len(self.neurons), "activation": first["activation"], **dropout}

    def _details(self) -> str:
        c = self.config()
        dropout = f", dropout {c['dropout']}" if "dropout" in c else ""
        return f"{c['nin']} -> {c['nout']}, {c['activation']}{dropout}"

    def __repr__(self) -> str:
        return f"Layer({self._details()}, {len(self.parameters())} parameters)"


class MLP(Module):
    """micrograd's `MLP(nin, nouts)`: hidden layers use `activation` (ReLU), the last layer is linear.
    `dropout=p` puts a Dropout(p) after each hidden activation (`layers[i].dropout`), as torch's
    Linear, ReLU, Dropout, ...; the weights are the same as without it, and `seed` seeds the masks too."""

    def __init__(self, nin: int, nouts: Sequence[int], *, activation: str = "relu", init: str = "uniform",
                 dropout: float = 0.0, seed: int | None = None) -> None:
        sizes = layer_sizes(nin, nouts)
        _check_count("MLP", f"a {' -> '.join(map(str, sizes))} network",
                     sum((a + 1) * b for a, b in zip(sizes, sizes[1:])))
        nouts = sizes[1:]
        check_activation("MLP", activation)
        inits.check(init)
        p = _dropout("MLP", dropout)
        rng = random.Random(seed) if seed is not None else None
        self.activation = activation
        self.layers = [Layer(sizes[i], sizes[i + 1], activation=activation if i < len(nouts) - 1 else "linear",
                             init=init, rng=rng) for i in range(len(nouts))]
        if p:  # one mask stream per layer, seeded apart from the weights (so these are the same as without p)
            root = np.random.SeedSequence(random.Random(seed).getrandbits(64) if seed is not None else None)
            for layer, stream in zip(self.layers[:-1], root.spawn(len(nouts) - 1)):
                layer.dropout = Dropout(p, seed=np.random.default_rng(stream))

    def forward(self, x: Sequence[Any] | np.ndarray) -> Value | list[Value]:
        inputs = columns(x, len(self.layers[0].neurons[0].w), type(self).__name__)
        out: Value | list[Value] = []
        for layer in self.layers:
            out = layer(inputs)
            inputs = [out] if isinstance(out, Value) else out  # a width-1 hidden layer gives a bare Value
        return out

    def config(self) -> dict[str, Any]:
        """nin, nouts, activation, init, and dropout if any (so files saved before dropout existed still load)."""
        p = next((layer.dropout.p for layer in self.layers if layer.dropout is not None), 0.0)
        return {"nin": self.layers[0].config()["nin"], "nouts": [len(layer.neurons) for layer in self.layers],
                "activation": self.activation, "init": self.layers[0].neurons[0].init, **({"dropout": p} if p else {})}

    def _details(self) -> str:
        c = self.config()
        dropout = f"dropout {c['dropout']}, " if "dropout" in c else ""
        return f"{' -> '.join(str(n) for n in [c['nin'], *c['nouts']])}, {self.activation} hidden, {dropout}linear out"

    def __repr__(self) -> str:
        return f"MLP({self._details()}, {len(self.parameters())} parameters)"

    def summary(self) -> str:
        """The repr, then one line per layer."""
        return "\n".join([repr(self), *(f"  layers.{i}: {layer!r}" for i, layer in enumerate(self.layers))])

    # The way on to PyTorch (nn.torch_bridge): numpy arrays in torch.nn.Linear's layout, and torch.nn.Sequential.
    def to_arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer, copies of (W of shape (out, in), b of shape (out,)): layer k computes act(W @ x + b)."""
        return bridge.to_arrays(self)

    def to_torch(self) -> Any:
        """An equivalent torch.nn.Sequential (float64 Linear, activation, Dropout, ...), in this model's mode."""
        return bridge.to_torch(self)

    @classmethod
    def from_torch(cls: type[M], module: Any, *, seed: int | None = None) -> M:
        """The MLP equal to a torch.nn.Sequential of Linear layers, each hidden one followed by the same activation
        and optionally Dropout; anything else is refused, naming the layer. `seed` seeds the dropout masks."""
        return bridge.from_torch(cls, module, seed)
