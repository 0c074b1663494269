"""fit: the training loop the textbooks describe, plus predict and evaluate.

Each epoch: shuffle, and for each minibatch run the forward pass, the loss, `zero_grad`,
`backward`, optional clipping and the optimizer's `step`; then evaluate on the validation data
under `no_grad`, record the history (loss, metrics, per-layer gradient norms, learning rate) and
stop early when the validation loss has not improved for `patience` epochs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from autograd import Value, no_grad

from . import losses
from .data import train_test_split
from .metrics import accuracy
from .module import Module
from .optim import Adam, Optimizer, clip_grad_norm


@dataclass
class History:
    """Per-epoch records: history["loss"], history["val_accuracy"], history.grad_norms["layers.0"]..."""

    records: dict[str, list[float]] = field(default_factory=dict)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    def add(self, name: str, value: float) -> None:
        self.records.setdefault(name, []).append(value)

    def __getitem__(self, name: str) -> list[float]:
        return self.records[name]

    def __contains__(self, name: str) -> bool:
        return name in self.records

    @property
    def epochs(self) -> int:
        return len(self.records.get("loss", []))


def as_rows(X: Any, model: Module, name: str = "X") -> list[list[float]]:
    """X as a list of float rows, checked against the model's input width."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not len(X):
        raise ValueError(f"{name} must be a non-empty 2-D array (samples x features), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} has NaN or inf values (row {int(np.argwhere(~np.isfinite(X))[0][0])})")
    width = model.config().get("nin")
    if width is not None and X.shape[1] != width:
        raise ValueError(f"{type(model).__name__} expects {width} features per sample, {name} has {X.shape[1]}")
    return X.tolist()


def _scores(outputs: list) -> list:
    return [o.data if isinstance(o, Value) else [v.data for v in o] for o in outputs]


def predict(model: Module, X: Any) -> np.ndarray:
    """Model outputs as floats, shape (n,) or (n, k), computed under no_grad."""
    with no_grad():
        return np.asarray(_scores([model(x) for x in as_rows(X, model)]))


def evaluate(model: Module, X: Any, y: Any, loss: Any = "mse",
             metrics: Sequence[Callable] = (accuracy,)) -> dict[str, float]:
    """{'loss': ..., 'accuracy': ...} on (X, y), under no_grad."""
    rows, targets = as_rows(X, model), np.asarray(y)
    if len(rows) != len(targets):
        raise ValueError(f"evaluate: X has {len(rows)} samples but y has {len(targets)}")
    with no_grad():
        outputs = [model(x) for x in rows]
        result = {"loss": losses.get(loss)(outputs, targets).data}
    scores = _scores(outputs)
    return result | {m.__name__: m(scores, targets) for m in metrics}


def _layer_groups(model: Module) -> list[tuple[str, list[Value]]]:
    children = [(n, c) for n, c in model.named_children() if isinstance(c, Module)]
    return [(n, c.parameters()) for n, c in children] or [("model", model.parameters())]


def fit(model: Module, X: Any, y: Any, *, loss: Any = "mse", optimizer: Optimizer | None = None, epochs: int = 100,
        batch_size: int | None = None, validation: Any = None, early_stopping: int | None = None,
        restore_best: bool = True, metrics: Sequence[Callable] = (accuracy,), progress: bool = True,
        seed: Any = 0, l2: float = 0.0, schedule: Any = None, clip_norm: float | None = None) -> History:
    """Train `model` on (X, y); return the History. Everything is checked before a parameter changes."""
    loss_fn = losses.get(loss)
    if validation is not None and not isinstance(validation, tuple):
        X, Xv, y, yv = train_test_split(X, y, test_size=float(validation), seed=seed)
        validation = (Xv, yv)
    rows, targets = as_rows(X, model), np.asarray(y)
    if len(rows) != len(targets):
        raise ValueError(f"fit: X has {len(rows)} samples but y has {len(targets)}")
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a whole number >= 1, got {epochs!r}")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a whole number >= 1 or None, got {batch_size!r}")
    if early_stopping is not None and (not isinstance(early_stopping, int) or early_stopping < 1):
        raise ValueError(f"fit: early_stopping is a patience in epochs (>= 1), got {early_stopping!r}")
    optimizer = optimizer or Adam(model.parameters(), lr=0.01)
    history = History()
    baseline = evaluate(model, rows, targets, loss_fn, ())["loss"]  # checks the labels before any update
    if validation is not None:
        evaluate(model, validation[0], validation[1], loss_fn, ())
    params, groups = model.parameters(), _layer_groups(model)
    rng, size = np.random.default_rng(seed), batch_size or len(rows)
    best, best_state, waited = math.inf, None, 0
    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress, leave=True)
    for epoch in bar:
        order = rng.permutation(len(rows)) if batch_size else np.arange(len(rows))
        total, scores, norms = 0.0, [None] * len(rows), {name: 0.0 for name, _ in groups}
        for start in range(0, len(rows), size):
            batch = order[start:start + size].tolist()
            outputs = [model(rows[i]) for i in batch]
            value = loss_fn(outputs, targets[batch])
            total += value.data * len(batch)
            if l2:
                value = value + losses.l2(params, l2)
            optimizer.zero_grad()
            value.backward()
            if clip_norm is not None:
                clip_grad_norm(params, clip_norm)
            for name, group in groups:
                norms[name] += math.sqrt(sum(float(p.grad) ** 2 for p in group)) * len(batch) / len(rows)
            optimizer.step()
            for i, o in zip(batch, _scores(outputs)):
                scores[i] = o
            del outputs, value  # free this batch's graph before the next one is built
        history.add("loss", total / len(rows))
        history.add("lr", optimizer.lr)
        for m in metrics:
            history.add(m.__name__, m(scores, targets))
        for name, norm in norms.items():
            history.grad_norms.setdefault(name, []).append(norm)
        if validation is not None:
            for key, v in evaluate(model, validation[0], validation[1], loss_fn, metrics).items():
                history.add(f"val_{key}", v)
        if schedule is not None:
            schedule.step()
        monitored = history["val_loss" if validation is not None else "loss"][-1]
        bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in history.records.items() if k != "lr"}, refresh=False)
        if monitored < best:
            best, waited, history.best_epoch = monitored, 0, epoch
            best_state = model.state_dict() if early_stopping is not None and restore_best else None
        elif early_stopping is not None:
            waited += 1
            if waited >= early_stopping:
                history.stopped_early = True
                break
    bar.close()
    if best_state is not None and history.stopped_early:
        model.load_state_dict(best_state)
    history.records.setdefault("initial_loss", [baseline])
    return history
