"""fit: the training loop the textbooks describe, plus predict and evaluate.

Each epoch: shuffle, and for each minibatch run the forward pass, the loss, `zero_grad`,
`backward`, optional clipping and the optimizer's `step`; then evaluate on the validation data
under `no_grad`, record the history (loss, metrics, per-layer gradient norms, learning rate) and
stop early when the validation loss has not improved for `patience` epochs.

By default each minibatch is evaluated as one graph of Batches (batch mode: every node carries the
minibatch's samples), which is what makes training fast; `batch_mode=False` builds one graph per
sample instead. Both compute the same gradients (up to the order floating-point sums are taken in).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from autograd import Value, no_grad

from . import losses
from .data import Seed, train_test_split
from .losses import Loss
from .metrics import accuracy
from .mlp import columns
from .module import Module
from .optim import Adam, Optimizer, clip_grad_norm

Metric = Callable[[Any, np.ndarray], float]  # (scores: floats, one row per sample; targets) -> a number


class Scheduler(Protocol):
    """What `fit(schedule=...)` needs: a `step()` called once per epoch (LinearDecay, StepDecay, CosineDecay)."""

    def step(self) -> object: ...


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


def as_array(X: ArrayLike, model: Module, name: str = "X") -> np.ndarray:
    """X as a 2-D float array, checked (non-empty, finite, the model's input width)."""
    array = np.asarray(X, dtype=float)
    if array.ndim != 2 or not len(array):
        raise ValueError(f"{name} must be a non-empty 2-D array (samples x features), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has NaN or inf values (row {int(np.argwhere(~np.isfinite(array))[0][0])})")
    width = model.config().get("nin")
    if width is not None and array.shape[1] != width:
        raise ValueError(f"{type(model).__name__} expects {width} features per sample, {name} has {array.shape[1]}")
    return array


def _scores(outputs: list[Any]) -> list[Any]:
    return [o.data if isinstance(o, Value) else [v.data for v in o] for o in outputs]


def batch_scores(output: Value | Sequence[Value], n: int) -> np.ndarray:
    """A batch-mode model output as floats: (n,) for one Batch, (n, k) for k of them (a scalar Value,
    which does not depend on the inputs, counts for every sample)."""
    def column(o: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(o.data if isinstance(o, Value) else o, dtype=float), (n,))

    if isinstance(output, Value):
        return np.array(column(output))
    return np.stack([column(o) for o in output], axis=1)


def _call(model: Module, columns: list[Value] | np.ndarray) -> Any:
    """The model on a batch; a TypeError (a model written for scalar Values only) says what to do."""
    try:
        return model(columns)
    except TypeError as error:
        raise TypeError(f"{error} (in batch mode {type(model).__name__} is called with its inputs as Batches, one "
                        f"per feature; pass batch_mode=False to call it on one sample at a time)") from error


def _forward(model: Module, X: np.ndarray, batch_mode: bool) -> tuple[Any, list[Any]]:
    """The model's outputs on X (one batch graph, or one graph per sample) and the scores as rows."""
    if batch_mode:
        outputs = _call(model, columns(X, X.shape[1]))  # one constant Batch per feature: one graph
        return outputs, batch_scores(outputs, len(X)).tolist()
    outputs = [model(x) for x in X.tolist()]
    return outputs, _scores(outputs)


def predict(model: Module, X: ArrayLike, batch_mode: bool = True) -> np.ndarray:
    """Model outputs as floats, shape (n,) or (n, k), computed under no_grad (in one batch graph, or
    sample by sample with batch_mode=False)."""
    with no_grad():
        return np.asarray(_forward(model, as_array(X, model), batch_mode)[1])


def evaluate(model: Module, X: ArrayLike, y: ArrayLike, loss: str | Loss = "mse",
             metrics: Sequence[Metric] = (accuracy,), batch_mode: bool = True) -> dict[str, float]:
    """{'loss': ..., 'accuracy': ...} on (X, y), under no_grad (batch_mode as in `predict`)."""
    samples, targets = as_array(X, model), np.asarray(y)
    if len(samples) != len(targets):
        raise ValueError(f"evaluate: X has {len(samples)} samples but y has {len(targets)}")
    with no_grad():
        outputs, scores = _forward(model, samples, batch_mode)
        result = {"loss": losses.get(loss)(outputs, targets).data}
    return result | {m.__name__: m(scores, targets) for m in metrics}


def _layer_groups(model: Module) -> list[tuple[str, list[Value]]]:
    children = [(n, c) for n, c in model.named_children() if isinstance(c, Module)]
    return [(n, c.parameters()) for n, c in children] or [("model", model.parameters())]


def fit(model: Module, X: ArrayLike, y: ArrayLike, *, loss: str | Loss = "mse", optimizer: Optimizer | None = None,
        epochs: int = 100, batch_size: int | None = None,
        validation: float | tuple[ArrayLike, ArrayLike] | None = None, early_stopping: int | None = None,
        restore_best: bool = True, metrics: Sequence[Metric] = (accuracy,), progress: bool = True,
        seed: Seed = 0, l2: float = 0.0, schedule: Scheduler | None = None, clip_norm: float | None = None,
        batch_mode: bool = True) -> History:
    """Train `model` on (X, y); return the History. Everything is checked before a parameter changes.

    Each minibatch is one graph of Batches (batch mode: the model gets its input columns as Batches and
    the loss gets a Batch, or k Batches for cross_entropy); `batch_mode=False` builds a graph per sample,
    as micrograd does, for models or losses written for scalar Values only.
    """
    loss_fn = losses.get(loss)
    if validation is not None and not isinstance(validation, tuple):
        X, Xv, y, yv = train_test_split(X, y, test_size=float(validation), seed=seed)
        validation = (Xv, yv)
    X, targets = as_array(X, model), np.asarray(y)
    if len(X) != len(targets):
        raise ValueError(f"fit: X has {len(X)} samples but y has {len(targets)}")
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a whole number >= 1, got {epochs!r}")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a whole number >= 1 or None, got {batch_size!r}")
    if early_stopping is not None and (not isinstance(early_stopping, int) or early_stopping < 1):
        raise ValueError(f"fit: early_stopping is a patience in epochs (>= 1), got {early_stopping!r}")
    optimizer = optimizer or Adam(model.parameters(), lr=0.01)
    history = History()
    baseline = evaluate(model, X, targets, loss_fn, (), batch_mode)["loss"]  # checks the labels before any update
    if validation is not None:
        evaluate(model, validation[0], validation[1], loss_fn, (), batch_mode)
    params, groups = model.parameters(), _layer_groups(model)
    n = len(X)
    rng, size = np.random.default_rng(seed), batch_size or n
    best, best_state, waited = math.inf, None, 0
    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress, leave=True)
    for epoch in bar:
        order = rng.permutation(n) if batch_size else np.arange(n)
        total, scores, norms = 0.0, [None] * n, {name: 0.0 for name, _ in groups}
        for start in range(0, n, size):
            batch = order[start:start + size]
            outputs, batch_rows = _forward(model, X[batch], batch_mode)
            value = loss_fn(outputs, targets[batch])
            total += value.data * len(batch)
            if l2:
                value = value + losses.l2(params, l2)
            optimizer.zero_grad()
            value.backward()
            if clip_norm is not None:
                clip_grad_norm(params, clip_norm)
            for name, group in groups:
                norms[name] += math.sqrt(sum(float(p.grad) ** 2 for p in group)) * len(batch) / n
            optimizer.step()
            for i, o in zip(batch.tolist(), batch_rows):
                scores[i] = o
            del outputs, value  # free this batch's graph before the next one is built
        history.add("loss", total / n)
        history.add("lr", optimizer.lr)
        for m in metrics:
            history.add(m.__name__, m(scores, targets))
        for name, norm in norms.items():
            history.grad_norms.setdefault(name, []).append(norm)
        if validation is not None:
            for key, v in evaluate(model, validation[0], validation[1], loss_fn, metrics, batch_mode).items():
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
