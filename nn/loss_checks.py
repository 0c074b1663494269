"""What a loss is given, checked before any arithmetic: a wrong label is a ValueError, not a wrong gradient.

A loss takes predictions (a list of Values, one per sample; a list of lists for cross-entropy's logits;
in batch mode one Batch, or k of them) and targets (a sequence or array of labels; in compiled mode a
Batch of them, or k one-hot Batches). These checks say, naming the loss, when the counts differ, the
batch is empty, a label is not finite, a class label is out of 0..k-1 or a row of class probabilities
does not sum to 1. nn/losses.py holds the formulas; hinge's and binary cross-entropy's label sets
(-1/+1, 0/1) are checked there, in a line each.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd import Batch, Value


def checked_inputs(name: str, predictions: Any, targets: ArrayLike) -> tuple[Any, Any]:
    """(predictions, labels as floats): a Batch stays one (batch mode), anything else becomes a list."""
    if isinstance(predictions, Batch):
        return predictions, labels(name, len(predictions), targets)
    preds = [predictions] if isinstance(predictions, Value) else list(predictions)
    if preds and all(isinstance(p, Batch) for p in preds):
        raise ValueError(f"{name}: takes one score per sample (one Batch), got {len(preds)} outputs per sample")
    return preds, labels(name, len(preds), targets)


def labels(name: str, n: int, targets: Any) -> Any:
    """The targets as a float array (or, as given, a Batch of them: compiled mode's traced targets), checked."""
    if isinstance(targets, Batch):
        labels(name, n, targets.data)
        return targets
    y = np.asarray(targets, dtype=float).reshape(-1)
    if n != len(y):
        raise ValueError(f"{name}: {n} predictions but {len(y)} targets")
    if not n:
        raise ValueError(f"{name}: empty batch (no samples)")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name}: targets must be finite numbers")
    return y


def stack_columns(columns: Iterable[Any], n: int) -> np.ndarray:
    """Numbers or arrays of n samples (a number counts for every sample) as the columns of an (n, k) array."""
    return np.stack([np.broadcast_to(np.asarray(c, dtype=float), (n,)) for c in columns], axis=1)


def check_probabilities(columns: list[Any], k: int, n: int) -> None:
    """Targets given per class (k columns of n: one-hot or soft, as PyTorch's cross_entropy takes them)."""
    if len(columns) != k:
        raise ValueError(f"cross_entropy: {k} logits per sample but targets for {len(columns)} classes")
    data = stack_columns([label_data(t) for t in columns], n)
    if not (np.all(np.isfinite(data)) and np.all(data >= 0) and np.allclose(data.sum(axis=1), 1.0)):
        raise ValueError("cross_entropy: targets given per class must be probabilities (>= 0, each row summing "
                         "to 1), such as nn.data.one_hot(y, k)")


def label_data(y: Any) -> np.ndarray:
    """The numbers of labels that may be a Value (a traced Batch in compiled mode), to check them."""
    return y.data if isinstance(y, Value) else np.asarray(y, dtype=float)


def check_classes(y: np.ndarray, k: int, who: str = "cross_entropy") -> None:
    """Class labels for k classes: whole numbers 0..k-1 (the error names `who` and up to 5 bad labels)."""
    ok = (y == np.round(y)) & (y >= 0) & (y < k)
    if not np.all(ok):
        raise ValueError(f"{who}: labels must be integers 0..{k - 1}, got {sorted(set(y[~ok].tolist()))[:5]}")
