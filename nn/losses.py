"""Losses built from Values, numerically stable, each the mean over a batch of samples.

`predictions` is a list of Values (one per sample) or, for softmax cross-entropy, a list of
lists of Values (one logit per class); `targets` a sequence or numpy array of labels. In batch
mode `predictions` is one Batch (one entry per sample) or, for cross-entropy, a list of k Batches
(one per class), and the loss is computed with batch ops (the same formulas, vectorized). Labels
are checked first (nn/loss_checks.py): a wrong label set is a clear ValueError, not a silently wrong
gradient. This file holds the formulas, the penalties l1 and l2, and the losses by name (`get`).

Inside `autograd.compile` the targets are a Batch too (or, for cross-entropy, k one-hot Batches:
`nn.data.one_hot`), so every loss is a graph of ops on its arguments, with nothing computed from
the data outside it: log-softmax uses `logaddexp` rather than subtracting a data-dependent max.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd import Batch, Value

from .loss_checks import check_classes, check_probabilities, checked_inputs, label_data, labels

Loss = Callable[[Any, np.ndarray], Value]  # (predictions, targets as an array) -> the loss, a scalar Value


def _sum(terms: Iterable[Value]) -> Value:
    """sum(terms) as a Value: the same graph as the builtin's `0 + t0 + t1 + ...` (a constant 0 first)."""
    return sum(terms, Value(0.0, requires_grad=False))


def _mean(terms: list[Value]) -> Value:
    return _sum(terms) * (1.0 / len(terms))


def mse(predictions: Any, targets: ArrayLike) -> Value:
    """Mean squared error: mean((p - y)^2)."""
    preds, y = checked_inputs("mse", predictions, targets)
    if isinstance(preds, Batch):
        return ((preds - y) ** 2).mean()
    return _mean([(p - t) ** 2 for p, t in zip(preds, y.tolist())])


def hinge(predictions: Any, targets: ArrayLike) -> Value:
    """Max-margin loss mean(relu(1 - y * score)) for labels -1/+1 (micrograd's demo)."""
    preds, y = checked_inputs("hinge", predictions, targets)
    if not np.all(np.isin(label_data(y), (-1.0, 1.0))):
        raise ValueError(f"hinge: labels must be -1 or +1, got {sorted(set(label_data(y).tolist()))[:5]} "
                         "(use y * 2 - 1 for 0/1)")
    if isinstance(preds, Batch):
        return (1 + -y * preds).relu().mean()
    return _mean([(1 + -t * p).relu() for p, t in zip(preds, y.tolist())])


def binary_cross_entropy(logits: Any, targets: ArrayLike) -> Value:
    """BCE from logits, stable for any logit: softplus(z) - y * z, labels 0/1."""
    preds, y = checked_inputs("binary_cross_entropy", logits, targets)
    if not np.all(np.isin(label_data(y), (0.0, 1.0))):
        raise ValueError(f"binary_cross_entropy: labels must be 0 or 1, got {sorted(set(label_data(y).tolist()))[:5]}")
    if isinstance(preds, Batch):
        return (preds.softplus() - y * preds).mean()
    return _mean([z.softplus() - t * z for z, t in zip(preds, y.tolist())])


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """log(softmax(z)) = z - logsumexp(z), where logsumexp combines the logits pairwise with logaddexp, as a
    tree: logaddexp(logaddexp(z0, z1), logaddexp(z2, z3))... It never overflows (each logaddexp is
    max + log1p(e^-|a-b|)); unlike subtracting max(z) it computes nothing from the data outside the graph,
    so it compiles; and a tree is log2(k) deep, so compiled mode does each level in one numpy call."""
    values = [z if isinstance(z, Value) else Value(float(z), requires_grad=False) for z in logits]
    level = values
    while len(level) > 1:
        level = [a.logaddexp(b) for a, b in zip(level[::2], level[1::2])] + level[len(level) - len(level) % 2:]
    return [z - level[0] for z in values]


def softmax(logits: Sequence[Value]) -> list[Value]:
    return [z.exp() for z in log_softmax(logits)]


def cross_entropy(logits: Any, targets: ArrayLike) -> Value:
    """Softmax cross-entropy, mean(-log_softmax(z)[y]), labels 0..k-1 (k = logits per sample). In batch
    mode `logits` is a list of k Batches, one per class; the label's log-probability is picked with
    one-hot constants."""
    if isinstance(logits, (list, tuple)) and logits and all(isinstance(z, Batch) for z in logits):
        return _cross_entropy_batch(list(logits), targets)
    if isinstance(logits, Batch):
        raise ValueError("cross_entropy: needs k >= 2 logits per sample (k Batches, one per class), got one Batch")
    preds, y = checked_inputs("cross_entropy", logits, targets)
    k = len(preds[0]) if isinstance(preds[0], (list, tuple)) else 0
    if k < 2 or any(not isinstance(z, (list, tuple)) or len(z) != k for z in preds):
        raise ValueError("cross_entropy: each prediction must be a list of k >= 2 logits, the same k for all")
    check_classes(y, k)
    return _mean([-log_softmax(z)[int(t)] for z, t in zip(preds, y.tolist())])


def _cross_entropy_batch(logits: list[Batch], targets: Any) -> Value:
    """Batch mode: labels (n,), or class probabilities (one-hot or soft, as PyTorch's cross_entropy takes
    them) as an (n, k) array or k Batches, which is how compiled mode passes them."""
    k, n = len(logits), len(logits[0])
    if k < 2 or any(len(z) != n for z in logits):
        raise ValueError("cross_entropy: give k >= 2 Batches of logits (one per class), all of the same length")
    if isinstance(targets, Batch):
        raise ValueError("cross_entropy: got the labels as one Batch (inside autograd.compile?); a graph cannot "
                         "turn labels into the one-hot columns it needs, so pass the targets one-hot: "
                         "nn.data.one_hot(y, k), which arrives as k Batches")
    if isinstance(targets, (list, tuple)) or np.ndim(targets) == 2:
        columns = list(targets) if isinstance(targets, (list, tuple)) else list(np.asarray(targets, float).T)
        check_probabilities(columns, k, n)
    else:
        y = labels("cross_entropy", n, targets)
        check_classes(y, k)
        columns = [(y == j).astype(float) for j in range(k)]  # one-hot
    picked: list[Value] = [t * z for t, z in zip(columns, log_softmax(logits))]
    return -sum(picked[1:], picked[0]).mean()


def l2(parameters: Sequence[Value], alpha: float = 1e-4) -> Value:
    """The L2 penalty alpha * sum(p^2) (micrograd's demo uses 1e-4)."""
    return alpha * _sum(p * p for p in parameters)


def l1(parameters: Sequence[Value], alpha: float = 1e-4) -> Value:
    """The L1 penalty alpha * sum(|p|) (lasso): its gradient alpha * sign(p) pulls every weight to 0 by the
    same amount, so small weights reach 0 and stay near it, where L2's 2 * alpha * p fades out."""
    return alpha * _sum(abs(p) for p in parameters)


LOSSES = {"mse": mse, "hinge": hinge, "bce": binary_cross_entropy, "binary_cross_entropy": binary_cross_entropy,
          "cross_entropy": cross_entropy}


def get(loss: str | Loss) -> Loss:
    """A loss function from its name, or the callable itself."""
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)} or pass a function")
    return LOSSES[loss]
