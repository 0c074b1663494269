"""explain_layers: backpropagation in the textbook's matrix form, for an MLP, checked against the scalars.

The books (Nielsen's chapter 2, Goodfellow et al. 6.5) write backprop for a layered network as four
equations on vectors: z^l = W^l a^(l-1) + b^l and a^l = act(z^l) forwards; the output error
delta^L = dC/da^L * act'(z^L); delta^l = (W^(l+1))^T delta^(l+1) * act'(z^l) backwards; and
dC/dW^l = delta^l (a^(l-1))^T, dC/db^l = delta^l. chainrule's MLP computes the same numbers one scalar
at a time. `backprop` computes them the books' way with numpy, from the weights (`diagnose` uses it too);
`explain_layers` then runs backward() on the scalar graph and checks every number against what it left
on the Values (z against the nodes' data, delta against the z nodes' grads, dC/dW and dC/db against the
parameters' grads): the matrix equations *are* the chain rule, summed in bulk. For a batch each row is
one sample and delta carries the loss's 1/n (C is a mean), so dC/dW^l = (delta^l)^T A^(l-1) sums over the
samples as backward() does. Names are the textbook's, as in chainrule's drawings: w1_2,1 is the weight of
layer 1's unit 2 on its input 1 (`layers.0.neurons.1.w.0`), z1_2 and a1_2 that unit's sum and activation.
"""

from __future__ import annotations

import inspect
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd import Value

from . import checks as check
from .losses import Loss, binary_cross_entropy, cross_entropy, hinge, mse
from .module import Module

TOLERANCE = 1e-12  # relative to the largest entry compared: a matmul and the scalar sums differ in order only
MAX_PATHS = 4  # paths from C down to a weight written out one by one; beyond, the delta form alone
LEAKY = inspect.signature(Value.leaky_relu).parameters["slope"].default  # the slope a leaky_relu Neuron uses


def activate(activation: str, z: np.ndarray) -> np.ndarray:
    """act(z) with numpy, for the activations a Neuron has (a sigmoid that cannot overflow)."""
    if activation == "sigmoid":
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0, e) / (1.0 + e)
    return {"relu": lambda: np.maximum(z, 0.0), "tanh": lambda: np.tanh(z), "linear": lambda: z,
            "leaky_relu": lambda: np.where(z > 0, z, LEAKY * z)}[activation]()


def slope(activation: str, z: np.ndarray) -> np.ndarray:
    """act'(z), in the stable forms the op table uses (1 - tanh^2 would be 0 where the truth is 1e-20)."""
    if activation in ("tanh", "sigmoid"):
        t = np.exp(-2.0 * np.abs(z)) if activation == "tanh" else np.exp(-np.abs(z))
        return (4.0 * t if activation == "tanh" else t) / (1.0 + t) ** 2
    return {"relu": lambda: (z > 0).astype(float), "linear": lambda: np.ones_like(z),
            "leaky_relu": lambda: np.where(z > 0, 1.0, LEAKY)}[activation]()


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
    W = [np.array([[w.data for w in n.w] for n in layer.neurons], dtype=float) for layer in layers]
    b = [np.array([n.b.data for n in layer.neurons], dtype=float) for layer in layers]
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
        onehot = np.eye(out.shape[1])[y.astype(int)]
        return float(-np.mean(log_p[np.arange(n), y.astype(int)])), (np.exp(log_p) - onehot) / n
    C.backward()
    return float(C.data), np.stack([np.broadcast_to(np.asarray(v.grad, dtype=float), (n,)) for v in leaves], axis=1)


def weight_name(layer: int, unit: int, k: int | None) -> str:
    """The textbook's name, from 0-based indices: (0, 1, 0) -> "w1_2,1"; a bias (k None) -> "b1_2"."""
    return f"w{layer + 1}_{unit + 1},{k + 1}" if k is not None else f"b{layer + 1}_{unit + 1}"


class BackpropMismatch(AssertionError):
    """numpy's matrix-form backprop and backward() on the scalars disagree: an op's derivative is wrong."""


@dataclass
class LayerExplanation:
    """What `explain_layers` found: `numbers` (z, a, delta, dW, db per layer, see Backprop), the weight whose
    chain rule is written out and its dC/dw, each check against backward() as a relative difference, the text."""

    numbers: Backprop
    weight: str
    gradient: float
    differences: dict[str, float]
    text: str = ""

    @property
    def worst(self) -> float:
        """The largest relative difference between numpy and backward() over everything compared."""
        return max(self.differences.values())

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # short: explain_layers has printed the text already
        return (f"LayerExplanation(dC/d{self.weight} = {self.gradient:.6g}, largest difference from backward() "
                f"{self.worst:.1e}; print() it for the text)")


def explain_layers(model: Module, X: ArrayLike, y: ArrayLike, loss: str | Loss = "mse", *,
                   weight: str | Value | None = None, strict: bool = True, show: bool = True) -> LayerExplanation:
    """z^l, a^l, the deltas and dC/dW^l of an MLP on one sample x (1-D, y a number) or a batch X (2-D), each
    computed with numpy from the weights and checked against backward(); and `weight`'s chain rule (default
    w1_1,1, or "w2_1,3", "layers.1.neurons.0.w.2" or the Value) as the books write it. Prints the text if
    `show`. A difference over TOLERANCE raises BackpropMismatch (`strict=False`: marked in the text instead).
    The parameters' grads are left as they were; dropout is not applied (the books' equations have none)."""
    model = check.module("explain_layers", model)
    samples = check.real_array("explain_layers", "X", X)
    samples = check.samples(samples.reshape(1, -1) if samples.ndim == 1 else samples, model, who="explain_layers")
    targets = check.real_array("explain_layers", "y", y).astype(float).reshape(-1)
    if len(samples) != len(targets):
        raise ValueError(f"explain_layers: X has {len(samples)} samples but y has {len(targets)}")
    numbers = backprop(model, samples, targets, loss, "explain_layers")
    where = _find(model, weight)
    paths = _paths(numbers, *where)
    total = sum(float(np.sum(p)) for _, p in paths) if paths else float(numbers.dW[where[0]][where[1], where[2]])
    result = LayerExplanation(numbers, weight_name(*where), total, {})
    result.differences = _compare(model, numbers, targets, loss, where, total)
    bad = [name for name, d in result.differences.items() if not d <= TOLERANCE]
    if bad and strict:
        raise BackpropMismatch(f"explain_layers: numpy and backward() differ by more than {TOLERANCE:g} (relative) "
                               f"in {', '.join(f'{n} ({result.differences[n]:.1e})' for n in bad)}: an op's "
                               "derivative is wrong; check your own ops with autograd.gradcheck, or pass "
                               "strict=False to see the numbers")
    result.text = _describe(model, numbers, result, paths, where, bad)
    if show:
        print(result.text)
    return result


def _find(model: Any, weight: str | Value | None) -> tuple[int, int, int]:
    """(layer, unit, input), 0-based, of a weight given by textbook name, dotted name or Value."""
    for i, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                if weight is None or weight is w or weight in (weight_name(i, j, k), f"layers.{i}.neurons.{j}.w.{k}"):
                    return i, j, k
    raise ValueError(f"explain_layers: {weight!r} is not a weight of this {type(model).__name__}; give a name "
                     "such as 'w1_1,1' (layer 1, unit 1, input 1) or 'layers.0.neurons.0.w.0', or the Value")


def _paths(nb: Backprop, i: int, j: int, k: int) -> list[tuple[list[tuple[str, str, np.ndarray]], np.ndarray]]:
    """Each path from C down to w^l_jk as (symbol, textbook factor, per-sample value) and the per-sample
    product; [] if there are more than MAX_PATHS. The sums inside each z are collapsed: dz/dw is the input
    the weight multiplies, dz/da the weight; a linear unit has no da/dz (it would be a factor 1.0)."""
    later = [range(len(nb.b[m])) for m in range(i + 1, len(nb.W))]
    if np.prod([len(r) for r in later]) > MAX_PATHS:
        return []
    found = []
    x = f"x{k + 1}" if i == 0 else f"a{i}_{k + 1}"
    for units in itertools.product(*later):
        chain = [(j, i), *zip(units, range(i + 1, len(nb.W)))]
        top_unit, top = chain[-1]
        output = f"dC/d{'z' if nb.activations[top] == 'linear' else 'a'}{top + 1}_{top_unit + 1}"  # a linear a is z
        factors = [(output, output, nb.dC_da[:, top_unit])]
        for (unit, m), below in zip(reversed(chain), [*reversed(chain[:-1]), None]):
            z, act = f"z{m + 1}_{unit + 1}", nb.activations[m]
            if act != "linear":
                factors.append((f"da{m + 1}_{unit + 1}/d{z}", f"{act}'({z})", slope(act, nb.z[m][:, unit])))
            if below is None:
                factors.append((f"d{z}/dw{m + 1}_{unit + 1},{k + 1}", x, nb.a[m][:, k]))
            else:
                name = f"a{below[1] + 1}_{below[0] + 1}"
                factors.append((f"d{z}/d{name}", weight_name(m, unit, below[0]),
                                np.full(len(nb.dC_da), nb.W[m][unit, below[0]])))
        found.append((factors, np.prod([f for _, _, f in factors], axis=0)))
    return found


def _compare(model: Any, nb: Backprop, y: np.ndarray, loss: str | Loss, where: tuple[int, int, int],
             total: float) -> dict[str, float]:
    """Build the scalar graph (one Batch per unit: the neurons called directly, so no dropout), run
    backward() and compare; the parameters' grads are put back as they were."""
    params = model.parameters()
    saved = [p.grad for p in params]
    n = len(y)
    try:
        for p in params:
            p.zero_grad()
        inputs = [Value(nb.a[0][:, k].copy(), requires_grad=False) for k in range(nb.a[0].shape[1])]
        zs = []
        for layer in model.layers:
            outs = [neuron(inputs) for neuron in layer.neurons]
            zs.append([o if nr.activation == "linear" else o.inputs[0] for o, nr in zip(outs, layer.neurons)])
            inputs = outs
        C = check.loss_value("explain_layers", check.loss_function("explain_layers", loss),
                             inputs[0] if len(inputs) == 1 else inputs, y)
        C.backward()
        diffs = {"C": _relative(nb.loss, C.data)}
        for i, (layer, nodes) in enumerate(zip(model.layers, zs)):
            def column(v: Value, what: str) -> np.ndarray:
                return np.broadcast_to(np.asarray(getattr(v, what), dtype=float), (n,))
            diffs[f"z^{i + 1}"] = _relative(nb.z[i], np.stack([column(v, "data") for v in nodes], axis=1))
            diffs[f"delta^{i + 1}"] = _relative(nb.delta[i], np.stack([column(v, "grad") for v in nodes], axis=1))
            diffs[f"dC/dW^{i + 1}"] = _relative(nb.dW[i], [[float(w.grad) for w in nr.w] for nr in layer.neurons])
            diffs[f"dC/db^{i + 1}"] = _relative(nb.db[i], [float(nr.b.grad) for nr in layer.neurons])
        i, j, k = where
        diffs[f"dC/d{weight_name(i, j, k)}"] = _relative(total, float(model.layers[i].neurons[j].w[k].grad))
    finally:
        for p, g in zip(params, saved):
            p.grad = g
    return diffs


def _relative(mine: Any, theirs: Any) -> float:
    """max |difference| over the largest |entry|: relative to the array's scale, as a 0 entry has none."""
    a, b = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return 0.0 if np.array_equal(a, b, equal_nan=True) else float("inf")
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return float(np.max(np.abs(a - b))) / scale if scale else 0.0


def _array(x: np.ndarray, indent: int, single: bool) -> str:
    """A vector for one sample, else a matrix with one row per sample (long ones cut with "..."); + 0.0
    turns a dead unit's -0.0 into the 0.0 a reader expects."""
    return np.array2string((x[0] if single and x.ndim == 2 else x) + 0.0, precision=4, threshold=30, edgeitems=3,
                           max_line_width=120, prefix=" " * indent)


def _describe(model: Any, nb: Backprop, result: LayerExplanation, paths: list, where: tuple[int, int, int],
              bad: list[str]) -> str:
    n, single, L = len(nb.a[0]), len(nb.a[0]) == 1, len(nb.W)

    def row(name: str, x: np.ndarray, width: int = 0, per_sample: bool = True) -> str:  # continuation aligned
        head = f"  {name:>{width}} = "
        return head + _array(x, len(head), single and per_sample)

    check = (f"every number below is computed with numpy from the weights and agrees with what backward() left "
             f"on the Values\n(largest relative difference {result.worst:.1e} over C and each layer's z, delta, "
             "dC/dW and dC/db)" if not bad else f"MISMATCH with backward() in {', '.join(bad)}: see .differences")
    lines = [f"explain_layers: {model!r} on {'1 sample' if single else f'{n} samples (a row each)'}: "
             f"C = {nb.loss:.6g}", check, "", "forward: z^l = W^l a^(l-1) + b^l, a^l = act(z^l)",
             row("a^0 = x", nb.a[0])]
    for i, act in enumerate(nb.activations):
        lines.append(row(f"z^{i + 1}", nb.z[i], 7) + f"   (layer {i + 1}: {act})")
        lines.append(row(f"a^{i + 1}", nb.a[i + 1], 7) if act != "linear" else f"  {f'a^{i + 1}':>7} = z^{i + 1}")
    mean = "" if single else f"; C is a mean, so dC/da^{L} carries its 1/{n}"
    lines += ["", f"backward: the output error, then each layer's from the one above{mean}",
              row(f"dC/da^{L}", nb.dC_da, 9), row(f"act'(z^{L})", slope(nb.activations[-1], nb.z[-1]), 9)]
    for i in range(L - 1, -1, -1):
        upstream = f"dC/da^{L}" if i == L - 1 else f"(W^{i + 2})^T delta^{i + 2}"
        lines.append(row(f"delta^{i + 1} = {upstream} * act'(z^{i + 1})", nb.delta[i]))
    lines += ["", "gradients: dC/dW^l = delta^l (a^(l-1))^T, dC/db^l = delta^l"
              + ("" if single else " (each summed over the samples)")]
    for i in range(L - 1, -1, -1):
        lines += [row(f"dC/dW^{i + 1}", nb.dW[i], 7, False), row(f"dC/db^{i + 1}", nb.db[i], 7, False)]
    i, j, k = where
    w, x = result.weight, f"x{k + 1}" if i == 0 else f"a{i}_{k + 1}"
    lines += ["", f"one weight as the books write it: dC/d{w} is the product of the local derivatives along each path "
              "from C,\nthe sums inside each z collapsed (dz/dw is the input the weight multiplies, dz/da the weight)"]
    for number, (factors, product) in enumerate(paths, 1):
        head = f"  dC/d{w} = " if len(paths) == 1 else f"  path {number}: "
        numbers = " * ".join(f"{float(f[0]):.6g}" for _, _, f in factors) + " = " if single else "summed over samples: "
        lines += [head + " * ".join(s for s, _, _ in factors),
                  " " * (len(head) - 2) + "= " + " * ".join(t for _, t, _ in factors),
                  " " * (len(head) - 2) + f"= {numbers}{float(np.sum(product)):.6g}"]
    if len(paths) > 1:
        lines.append(f"  dC/d{w} = {' + '.join(f'path {p}' for p in range(1, len(paths) + 1))} = {result.gradient:.6g}")
    elif not paths:
        lines.append(f"  (more than {MAX_PATHS} paths: one through each unit of every layer above; grouped instead)")
    lines.append(f"  grouped by layer, as backward() sums them: dC/d{w} = delta{i + 1}_{j + 1} * {x}"
                 f"{'' if single else ', summed over the samples,'} = {nb.dW[i][j, k]:.6g} (dC/dW^{i + 1} row {j + 1}, "
                 f"column {k + 1})")
    return "\n".join(lines)
