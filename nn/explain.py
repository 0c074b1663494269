"""explain_layers: backpropagation in the textbook's matrix form, for an MLP, checked against the scalars.

The books write backprop for a layered network as four equations on vectors (nn/backprop.py states them
and computes them with numpy); chainrule's MLP computes the same numbers one scalar at a time.
`explain_layers` takes `backprop`'s numbers, checks every one against what backward() on the scalar graph
left on the Values (nn/backprop_check.py: z against the nodes' data, delta against the z nodes' grads,
dC/dW and dC/db against the parameters' grads): the matrix equations *are* the chain rule, summed in bulk.
This file holds explain_layers, its result and its text: the equations written out with the numbers, and
one weight's chain rule path by path (`_paths`, `_describe`). Names are the
textbook's, as in chainrule's drawings: w1_2,1 is the weight of layer 1's unit 2 on its input 1
(`layers.0.neurons.1.w.0`), z1_2 and a1_2 that unit's sum and activation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd import Value

from . import checks as check
from .backprop import Backprop, backprop, slope, weight_name
from .backprop_check import compare_with_backward
from .losses import Loss
from .module import Module

TOLERANCE = 1e-12  # relative to the largest entry compared: a matmul and the scalar sums differ in order only
MAX_PATHS = 4  # paths from C down to a weight written out one by one; beyond, the delta form alone


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
    result.differences = compare_with_backward(model, numbers, targets, loss, where, total)
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
