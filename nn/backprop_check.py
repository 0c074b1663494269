"""explain_layers' check: numpy's matrix-form backprop against backward() on the scalar graph.

`backprop` (nn/backprop.py) computes z, delta, dC/dW and dC/db from the weights with matrix products;
the MLP's own graph computes them one scalar at a time. If an op's derivative in the op table were wrong,
only the second would be, so comparing them checks the engine: here the MLP's scalar graph is built on the
same samples, backward() is run, and each of numpy's numbers is compared with what it left on the Values.
The differences are relative to each array's largest entry (the two sum in different orders, so they
agree to rounding, not bit for bit); explain_layers decides what is too large.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Value

from . import checks as check
from .backprop import Backprop, weight_name
from .loss_checks import stack_columns
from .losses import Loss


def compare_with_backward(model: Any, nb: Backprop, y: np.ndarray, loss: str | Loss, where: tuple[int, int, int],
                          total: float) -> dict[str, float]:
    """The relative difference of each of `nb`'s numbers from backward()'s, by name ("C", "z^1", "delta^1",
    "dC/dW^1", "dC/db^1", ..., and dC/dw for the weight at `where`, whose path sum is `total`). Builds the
    scalar graph (one Batch per unit: the neurons called directly, so no dropout) and runs backward(); the
    parameters' grads are put back as they were."""
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
        diffs = {"C": relative(nb.loss, C.data)}
        for i, (layer, nodes) in enumerate(zip(model.layers, zs)):
            diffs[f"z^{i + 1}"] = relative(nb.z[i], stack_columns([v.data for v in nodes], n))
            diffs[f"delta^{i + 1}"] = relative(nb.delta[i], stack_columns([v.grad for v in nodes], n))
            diffs[f"dC/dW^{i + 1}"] = relative(nb.dW[i], [[float(w.grad) for w in nr.w] for nr in layer.neurons])
            diffs[f"dC/db^{i + 1}"] = relative(nb.db[i], [float(nr.b.grad) for nr in layer.neurons])
        i, j, k = where
        diffs[f"dC/d{weight_name(i, j, k)}"] = relative(total, float(model.layers[i].neurons[j].w[k].grad))
    finally:
        for p, g in zip(params, saved):
            p.grad = g
    return diffs


def relative(mine: Any, theirs: Any) -> float:
    """max |difference| over the largest |entry|: relative to the array's scale, as a 0 entry has none."""
    a, b = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return 0.0 if np.array_equal(a, b, equal_nan=True) else float("inf")
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return float(np.max(np.abs(a - b))) / scale if scale else 0.0
