"""Backpropagation in the textbook's matrix form, for an MLP, with numpy: what explain_layers and diagnose read.

The books (Nielsen's chapter 2, Goodfellow et al. 6.5) write backprop for a layered network as four
equations on vectors: z^l = W^l a^(l-1) + b^l and a^l = act(z^l) forwards; the output error
delta^L = dC/da^L * act'(z^L); delta^l = (W^(l+1))^T delta^(l+1) * act'(z^l) backwards; and
dC/dW^l = delta^l (a^(l-1))^T, dC/db^l = delta^l. chainrule's MLP computes the same numbers one scalar
at a time; `backprop` computes them the books' way from the weights, in one numpy pass, so that
`explain_layers` can check them against backward() and `diagnose` can read them every epoch. For a batch
each row is one sample and delta carries the loss's 1/n (C is a mean), so dC/dW^l = (delta^l)^T A^(l-1)
sums over the samples as backward() does. `weight_name` writes a weight as chainrule's drawings do:
w1_2,1 is the weight of layer 1's unit 2 on its input 1 (`layers.0.neurons.1.w.0`).
Kept apart from both readers, so that diagnose does not depend on explain_layers' text.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from autograd import OPS, ArrayMath, Value

from . import checks as check
from .data import one_hot
from .loss_checks import stack_columns
from .losses import Loss, binary_cross_entropy, cross_entropy, hinge, mse
from .module import Module
from .torch_bridge import to_arrays

LEAKY = inspect.signature(Value.leaky_relu).parameters["slope"].default  # the slope a leaky_relu Neuron uses


def activate(activation: str, z: np.ndarray) -> np.ndarray:
    """act(z) on arrays: the op table's value rule for the activation (the one eager backward runs)."""
    if activation == "linear":
        return z
    value, _ = OPS[activation].rules(ArrayMath)
    return value(z, LEAKY) if activation == "leaky_relu" else value(z)


def slope(activation: str, z: np.ndarray) -> np.ndarray:
    """act'(z) on arrays: the op table's derivative rule, in its stable form (1 - tanh^2 would be 0 where the
    truth is 1e-20), so the books' deltas here and backward()'s agree by construction."""
    if activation == "linear":
        return np.ones_like(z)
    value, (d, *_) = OPS[activation].rules(ArrayMath)
    if activation == "leaky_relu":
        return d(z, LEAKY, value(z, LEAKY))
    return d(z, value(z))


@dataclass
class Backprop:
    """The books' quantities, one entry per layer l = 1..L (at index l - 1): z, delta, dW, db, and a (whose
    a[0] is X itself, so a[l] is a^l); rows are samples. W, b, activations: the model's; the loss C and
    dC_da = dC/da^L."""

    W: list[np.ndarray]
    b: list[np.ndarray]
    activations: list[str]
    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]
    loss: float
    dC_da: np.ndarray


def backprop(model: Module, X: np.ndarray, y: np.ndarray, loss: str | Loss = "mse", who: str = "backprop") -> Backprop:
    """The four equations with numpy on samples X (n, nin). dC/da^L: the books' formula for mse, hinge, bce and
    cross_entropy; for another loss, backward() through the loss alone (on the outputs as leaves)."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list) or not all(hasattr(layer, "neurons") for layer in layers):
        raise TypeError(f"{who}: needs an MLP (layers of neurons with w, b and an activation), got "
                        f"{type(model).__name__}; build it with nn.MLP(nin, [sizes])")
    W, b = (list(arrays) for arrays in zip(*to_arrays(cast(Any, model))))  # (an MLP's layers: checked above)
    acts = [layer.neurons[0].activation for layer in layers]
    z, a = [], [X]
    with np.errstate(all="ignore"):  # a NaN or an overflow is reported by `diagnose`, not as a warning
        for Wl, bl, act in zip(W, b, acts):
            z.append(a[-1] @ Wl.T + bl)
            a.append(activate(act, z[-1]))
        loss_value, dC_da = output_gradient(check.loss_function(who, loss), a[-1], y, who)
        delta = [dC_da * slope(acts[-1], z[-1])]
        for i in range(len(W) - 2, -1, -1):
            delta.insert(0, (delta[0] @ W[i + 1]) * slope(acts[i], z[i]))
        dW = [d.T @ a_prev for d, a_prev in zip(delta, a)]
    return Backprop(W, b, acts, z, a, delta, dW, [d.sum(axis=0) for d in delta], loss_value, dC_da)


def output_gradient(loss_fn: Loss, out: np.ndarray, y: np.ndarray, who: str) -> tuple[float, np.ndarray]:
    """(C, dC/da^L) for outputs `out` (n, k). The loss also runs once on the outputs as leaf Values, so
    that its label checks apply (and its gradient is the answer for a loss with no formula here)."""
    leaves = [Value(out[:, i].copy()) for i in range(out.shape[1])]
    C = check.loss_value(who, loss_fn, leaves[0] if len(leaves) == 1 else leaves, y)
    n, s = len(out), out[:, 0]
    if loss_fn is mse:
        return float(np.mean((s - y) ** 2)), (2.0 * (s - y) / n)[:, None]
    if loss_fn is hinge:
        return float(np.mean(np.maximum(1.0 - y * s, 0.0))), (-y * (1.0 - y * s > 0) / n)[:, None]
    if loss_fn is binary_cross_entropy:
        return float(np.mean(np.logaddexp(0.0, s) - y * s)), ((activate("sigmoid", s) - y) / n)[:, None]
    if loss_fn is cross_entropy:
        shifted = out - out.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        onehot = one_hot(y, out.shape[1])
        return float(-np.mean(log_p[np.arange(n), y.astype(int)])), (np.exp(log_p) - onehot) / n
    C.backward()
    return float(C.data), stack_columns([v.grad for v in leaves], n)


def weight_name(layer: int, unit: int, k: int | None) -> str:
    """The textbook's name, from 0-based indices: (0, 1, 0) -> "w1_2,1"; a bias (k None) -> "b1_2"."""
    return f"w{layer + 1}_{unit + 1},{k + 1}" if k is not None else f"b{layer + 1}_{unit + 1}"
