"""Metrics on plain float predictions: what `fit` and `evaluate` report besides the loss."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def accuracy(predictions: ArrayLike, targets: ArrayLike) -> float:
    """Fraction right. Rows of k scores: argmax. One score per sample: its sign against -1/+1 labels,
    or score > 0 against 0/1 labels (a logit or a margin)."""
    p, y = np.asarray(predictions, dtype=float), np.asarray(targets, dtype=float).reshape(-1)
    if len(p) != len(y) or not len(y):
        raise ValueError(f"accuracy: {len(p)} predictions for {len(y)} targets")
    if p.ndim == 2 and p.shape[1] > 1:
        return float(np.mean(np.argmax(p, axis=1) == y))
    p = p.reshape(-1)
    if np.any(y < 0):
        return float(np.mean((p > 0) == (y > 0)))
    return float(np.mean((p > 0).astype(float) == y))
