"""diagnose: why a network does not learn, found in its numbers and said plainly, with what to try.

Five problems stop an MLP from learning, and each is plain in the textbook's quantities (`backprop`):
- a dead ReLU unit: z <= 0 on every sample, so relu'(z) = 0 and its weights never get a gradient again;
- a saturated sigmoid or tanh unit: |z| so large on most samples that act'(z) is nearly 0;
- vanishing gradients: delta^l = (W^(l+1))^T delta^(l+1) * act'(z^l) shrinks at every layer (a sigmoid's
  slope is at most 1/4), so the layers near the input hardly learn;
- exploding gradients: the same product grows instead, and one step of gradient descent overshoots;
- NaN or inf: after the first one everything downstream is NaN too, so only the first says where.
Everything is computed with numpy from the weights (fast enough to run every epoch, see `check_epoch`).
This file finds the problems; what it returns, a Diagnosis of Findings, is in nn/diagnosis.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import checks as check
from .backprop import Backprop, backprop, slope, weight_name
from .diagnosis import Diagnosis, Finding, counted
from .losses import Loss
from .module import Module

SATURATED_SLOPE = 0.05  # act'(z) under 5% of its top (sigmoid |z| > 4.4, tanh |z| > 2.3) ...
SATURATED_SHARE = 0.75  # ... on at least 75% of the samples: a saturated unit
VANISHING = 0.01  # layer 1 gets under 1% of the last layer's gradient norm: vanishing (100x more: exploding)
EXPLODING = 10.0  # a layer's gradient norm over 10: the losses are means, so a healthy one is about 0.01 to 1,
#                   and one step with lr=0.1 would move that layer's weights by more than 1
TOP_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}
ADVICE = {
    "nonfinite": "lower the learning rate 10x, clip the gradients (fit(..., clip_norm=1.0)) and check the inputs' "
                 "scale; `with autograd.detect_anomaly():` names the op that makes the first NaN",
    "dead": "use init='he' (weights scaled for ReLU), a lower learning rate, or activation='leaky_relu', whose "
            "units cannot die",
    "saturated": "scale the inputs to about unit size, use init='xavier' (weights scaled for tanh and sigmoid), "
                 "or a lower learning rate",
    "vanishing": "use tanh or ReLU instead of sigmoid, weights scaled to the activation (init='xavier' for tanh, "
                 "init='he' for ReLU), or fewer layers",
    "exploding": "use smaller initial weights (init='he' or 'xavier'), a lower learning rate, or clipping "
                 "(fit(..., clip_norm=1.0))",
}


def diagnose(model: Module, X: ArrayLike, y: ArrayLike, loss: str | Loss = "mse", *, show: bool = True) -> Diagnosis:
    """Dead ReLU units, saturated sigmoid/tanh units, vanishing or exploding gradient norms and the first NaN
    or inf of an MLP on (X, y), each named (layers.0.neurons.3, a1_4, w2_1,4) with what to try. Prints the
    report if `show`; returns it (`print(report)` again, or read its fields)."""
    model = check.module("diagnose", model)
    samples = check.samples(X, model, who="diagnose")
    targets = check.real_array("diagnose", "y", y).astype(float).reshape(-1)
    if len(samples) != len(targets):
        raise ValueError(f"diagnose: X has {len(samples)} samples but y has {len(targets)}")
    nb = backprop(model, samples, targets, loss, "diagnose")
    norms = [float(np.sqrt(np.sum(dW**2) + np.sum(db**2))) for dW, db in zip(nb.dW, nb.db)]
    report = Diagnosis(len(samples), nb.loss, norms)
    where, report.nonfinite = _first_nonfinite(nb) or (None, None)
    if where is not None:
        report.findings.append(Finding("nonfinite", [where], f"first NaN or inf: {report.nonfinite}",
                                       ADVICE["nonfinite"]))
    for i, (act, z) in enumerate(zip(nb.activations, nb.z)):
        if act == "relu":
            report.dead += [_unit(i, int(j)) for j in np.flatnonzero(np.all(z <= 0, axis=0))]
        elif act in TOP_SLOPE:
            flat = slope(act, z) < SATURATED_SLOPE * TOP_SLOPE[act]
            report.saturated += [_unit(i, int(j)) for j in np.flatnonzero(flat.mean(axis=0) >= SATURATED_SHARE)]
    if report.dead:
        report.findings.append(Finding("dead", report.dead, f"{counted(report.dead, 'ReLU unit')} never active on "
                                       f"these samples (z <= 0 on all): {_names(report.dead)}", ADVICE["dead"]))
    if report.saturated:
        report.findings.append(Finding("saturated", report.saturated, f"{counted(report.saturated, 'unit')} "
                                       f"saturated (act'(z) under {SATURATED_SLOPE:.0%} of its top on at least "
                                       f"{SATURATED_SHARE:.0%} of the samples): {_names(report.saturated)}",
                                       ADVICE["saturated"]))
    if not report.nonfinite and len(norms) > 1 and norms[-1] > 0:
        _gradient_findings(report, norms)
    if show:
        print(report)
    return report


def _gradient_findings(report: Diagnosis, norms: list[float]) -> None:
    overall, L = norms[0] / norms[-1], len(norms)
    if overall < VANISHING:  # (layers named 0-based as in the model: layers.0 is layer 1)
        report.findings.append(Finding("vanishing", [f"layers.{k}" for k, n in enumerate(norms) if n < norms[-1]
                                                     * VANISHING], f"layer 1's gradient norm ({norms[0]:.2e}) is "
                                       f"{1 / overall:,.0f} times smaller than layer {L}'s ({norms[-1]:.2e}): the "
                                       "layers near the input hardly learn", ADVICE["vanishing"]))
    big = [f"layers.{k}" for k, n in enumerate(norms) if n > EXPLODING]
    if big or overall > 1 / VANISHING:
        what = f"gradient norms over {EXPLODING:g}: {', '.join(big)}" if big else \
            f"layer 1's gradient norm is {overall:.3g} times layer {L}'s"
        report.findings.append(Finding("exploding", big or ["layers.0"], f"{what} (norms per layer: "
                                       + ", ".join(f"{n:.2e}" for n in norms) + ")", ADVICE["exploding"]))


def _first_nonfinite(nb: Backprop) -> tuple[str, str] | None:
    """(where, what) of the first NaN or inf in the order the numbers are made: weights, forward, the loss,
    backward (top down). Every number after it depends on it, so it is the one that says where to look."""
    for i, (W, b) in enumerate(zip(nb.W, nb.b)):
        for j, k in np.argwhere(~np.isfinite(np.column_stack([W, b])))[:1]:
            w = k < W.shape[1]
            dotted = f"layers.{i}.neurons.{j}.{f'w.{k}' if w else 'b'}"
            name = weight_name(i, j, k if w else None)
            return name, (f"{name} ({dotted}) is {W[j, k] if w else b[j]}: a parameter, so the model itself is "
                          "broken (reload it, or train it again from the start)")
    for i, z in enumerate(nb.z):
        for s, j in np.argwhere(~np.isfinite(z))[:1]:
            return f"z{i + 1}_{j + 1}", f"z{i + 1}_{j + 1} (layers.{i}.neurons.{j}) is {z[s, j]} on sample {s}: " \
                "its weighted sum overflowed"
    if not np.isfinite(nb.loss):
        return "loss", f"the loss is {nb.loss} though the outputs are finite: it overflowed"
    for i in range(len(nb.dW) - 1, -1, -1):
        for j, k in np.argwhere(~np.isfinite(nb.dW[i]))[:1]:
            return f"dC/d{weight_name(i, j, k)}", f"dC/d{weight_name(i, j, k)} is {nb.dW[i][j, k]}: the gradient " \
                "overflowed on its way down"
    return None


def _unit(i: int, j: int) -> str:
    return f"layers.{i}.neurons.{j} (a{i + 1}_{j + 1})"


def _names(items: list[str], shown: int = 6) -> str:
    return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")


def check_epoch(model: Module, batch: tuple[ArrayLike, ArrayLike], history: Any, *, loss: str | Loss = "mse",
                previous: Diagnosis | None = None, out: Callable[[str], Any] = print) -> Diagnosis:
    """fit's opt-in health check after each epoch: `diagnose` on `batch` = (X, y) (the training data: numpy
    makes it cheap) without printing; then, through `out`, the findings that `previous` (this check's
    result for the epoch before) did not have, headed by the epoch number. Pass the result back as
    `previous` next epoch, so a dead unit is reported once, not every epoch."""
    report = diagnose(model, batch[0], batch[1], loss, show=False)
    old = {(f.kind, tuple(f.where)) for f in previous.findings} if previous is not None else set()
    new = [f for f in report.findings if (f.kind, tuple(f.where)) not in old]
    if new:
        epoch = getattr(history, "epochs", None)
        out("\n".join([f"diagnose after epoch {epoch}:" if epoch else "diagnose:", *(str(f) for f in new)]))
    return report
