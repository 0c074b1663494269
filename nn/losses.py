"""Losses built from Values, numerically stable, each the mean over a batch of samples.

`predictions` is a list of Values (one per sample) or, for softmax cross-entropy, a list of
lists of Values (one logit per class); `targets` a sequence or numpy array of labels. Labels are
checked first: a wrong label set is a clear ValueError, not a silently wrong gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Value


def _batch(name: str, predictions: Any, targets: Any) -> tuple[list, np.ndarray]:
    preds = [predictions] if isinstance(predictions, Value) else list(predictions)
    y = np.asarray(targets, dtype=float).reshape(-1)
    if len(preds) != len(y):
        raise ValueError(f"{name}: {len(preds)} predictions but {len(y)} targets")
    if not len(preds):
        raise ValueError(f"{name}: empty batch (no samples)")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name}: targets must be finite numbers")
    return preds, y


def _mean(terms: list[Value]) -> Value:
    return sum(terms) * (1.0 / len(terms))


def mse(predictions: Any, targets: Any) -> Value:
    """Mean squared error: mean((p - y)^2)."""
    preds, y = _batch("mse", predictions, targets)
    return _mean([(p - t) ** 2 for p, t in zip(preds, y.tolist())])


def hinge(predictions: Any, targets: Any) -> Value:
    """Max-margin loss mean(relu(1 - y * score)) for labels -1/+1 (micrograd's demo)."""
    preds, y = _batch("hinge", predictions, targets)
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError(f"hinge: labels must be -1 or +1, got {sorted(set(y.tolist()))[:5]} (use y * 2 - 1 for 0/1)")
    return _mean([(1 + -t * p).relu() for p, t in zip(preds, y.tolist())])


def binary_cross_entropy(logits: Any, targets: Any) -> Value:
    """BCE from logits, stable for any logit: softplus(z) - y * z, labels 0/1."""
    preds, y = _batch("binary_cross_entropy", logits, targets)
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ValueError(f"binary_cross_entropy: labels must be 0 or 1, got {sorted(set(y.tolist()))[:5]}")
    return _mean([z.softplus() - t * z for z, t in zip(preds, y.tolist())])


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """log(softmax(z)) = z - logsumexp(z), with the max subtracted so e^z never overflows."""
    top = max(float(getattr(z, "data", z)) for z in logits)
    shifted = [z - top for z in logits]
    lse = sum(s.exp() for s in shifted).log()
    return [s - lse for s in shifted]


def softmax(logits: Sequence[Value]) -> list[Value]:
    return [z.exp() for z in log_softmax(logits)]


def cross_entropy(logits: Any, targets: Any) -> Value:
    """Softmax cross-entropy, mean(-log_softmax(z)[y]), labels 0..k-1 (k = logits per sample)."""
    preds, y = _batch("cross_entropy", logits, targets)
    k = len(preds[0]) if isinstance(preds[0], (list, tuple)) else 0
    if k < 2 or any(not isinstance(z, (list, tuple)) or len(z) != k for z in preds):
        raise ValueError("cross_entropy: each prediction must be a list of k >= 2 logits, the same k for all")
    if not np.all((y == np.round(y)) & (y >= 0) & (y < k)):
        raise ValueError(f"cross_entropy: labels must be integers 0..{k - 1}, got {sorted(set(y.tolist()))[:5]}")
    return _mean([-log_softmax(z)[int(t)] for z, t in zip(preds, y.tolist())])


def l2(parameters: Sequence[Value], alpha: float = 1e-4) -> Value:
    """The L2 penalty alpha * sum(p^2) (micrograd's demo uses 1e-4)."""
    return alpha * sum(p * p for p in parameters)


LOSSES = {"mse": mse, "hinge": hinge, "bce": binary_cross_entropy, "binary_cross_entropy": binary_cross_entropy,
          "cross_entropy": cross_entropy}


def get(loss: Any) -> Any:
    """A loss function from its name, or the callable itself."""
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)} or pass a function")
    return LOSSES[loss]
