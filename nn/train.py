"""fit: the training loop the textbooks describe, plus predict and evaluate.

Each epoch: shuffle, and for each minibatch run the forward pass, the loss, `zero_grad`,
`backward`, optional clipping and the optimizer's `step`; then evaluate on the validation data
under `no_grad`, record the history (loss, metrics, per-layer gradient norms, learning rate) and
stop early when the validation loss has not improved for `patience` epochs.

By default each minibatch is evaluated as one graph of Batches (batch mode: every node carries the
minibatch's samples), which is what makes training fast; `batch_mode=False` builds one graph per
sample instead. Both compute the same gradients (up to the order floating-point sums are taken in).
`compile` runs that batch graph as a numpy program traced once (autograd.compile; nn/compiled.py says
when it is the default), another ~50x faster, with the same gradients to ~1e-13.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from autograd import Value, no_grad

from . import checks as check
from . import compiled as compiled_mode
from . import losses
from .checks import Metric
from .data import Seed, train_test_split
from .diagnose import check_epoch
from .history import History
from .losses import Loss
from .metrics import accuracy
from .mlp import columns
from .module import Module, in_mode
from .optim import Adam, Optimizer, clip_grad_norm
from .progress import progress_bar


class Scheduler(Protocol):
    """What `fit(schedule=...)` needs: a `step()` called once per epoch (LinearDecay, StepDecay, CosineDecay)."""

    def step(self) -> object: ...


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


def predict(model: Module, X: ArrayLike, batch_mode: bool = True, compile: bool | None = None) -> np.ndarray:
    """Model outputs as floats, shape (n,) or (n, k), computed under no_grad and in eval mode (Dropout off;
    the model's modes are put back after), in one batch graph, or sample by sample with batch_mode=False;
    `compile` as in `fit`."""
    model = check.module("predict", model)
    samples, batch_mode = check.samples(X, model, who="predict"), check.flag("predict", "batch_mode", batch_mode)
    compiled = compiled_mode.wanted("predict", compile, model, None, batch_mode)
    with no_grad(), in_mode(model, training=False):
        if compiled:
            return compiled_mode.predict(model, samples)
        return np.asarray(_forward(model, samples, batch_mode)[1])


def evaluate(model: Module, X: ArrayLike, y: ArrayLike, loss: str | Loss = "mse",
             metrics: Sequence[Metric] = (accuracy,), batch_mode: bool = True,
             compile: bool | None = None) -> dict[str, float]:
    """{'loss': ..., 'accuracy': ...} on (X, y), under no_grad and in eval mode (batch_mode and compile as in
    `predict`)."""
    model = check.module("evaluate", model)
    loss_fn, batch_mode = check.loss_function("evaluate", loss), check.flag("evaluate", "batch_mode", batch_mode)
    return _evaluate("evaluate", model, check.samples(X, model, who="evaluate"), check.real_array("evaluate", "y", y),
                     loss_fn, check.metric_list("evaluate", metrics), batch_mode,
                     compiled_mode.wanted("evaluate", compile, model, loss_fn, batch_mode))


def _evaluate(who: str, model: Module, samples: np.ndarray, targets: np.ndarray, loss_fn: Loss,
              metrics: list[Metric], batch_mode: bool, compiled: bool = False) -> dict[str, float]:
    """evaluate on checked arguments; errors name `who` (fit uses this to check everything up front). Compiled,
    the model's outputs come from its program and the loss is computed on them as constant Batches."""
    if len(samples) != len(targets):
        raise ValueError(f"{who}: X has {len(samples)} samples but y has {len(targets)}")
    with no_grad(), in_mode(model, training=False):
        if compiled:
            scores = compiled_mode.predict(model, samples)
            outputs = (Value(scores) if scores.ndim == 1 else [Value(np.array(c)) for c in scores.T])
            scores = scores.tolist()
        else:
            outputs, scores = _forward(model, samples, batch_mode)
        result = {"loss": float(check.loss_value(who, loss_fn, outputs, targets).data)}
    return result | {check.function_name(m): check.metric_value(who, m, scores, targets) for m in metrics}


def _layer_groups(model: Module) -> list[tuple[str, list[Value]]]:
    children = [(n, c) for n, c in model.named_children() if isinstance(c, Module)]
    return [(n, c.parameters()) for n, c in children] or [("model", model.parameters())]


def fit(model: Module, X: ArrayLike, y: ArrayLike, *, loss: str | Loss = "mse", optimizer: Optimizer | None = None,
        epochs: int = 100, batch_size: int | None = None,
        validation: float | tuple[ArrayLike, ArrayLike] | None = None, early_stopping: int | None = None,
        restore_best: bool = True, metrics: Sequence[Metric] = (accuracy,), progress: bool = True,
        seed: Seed = 0, l1: float = 0.0, l2: float = 0.0, schedule: Scheduler | None = None,
        clip_norm: float | None = None, batch_mode: bool = True, compile: bool | None = None,
        diagnose: bool = False) -> History:
    """Train `model` on (X, y); return the History. Everything is checked before a parameter changes.

    Each minibatch is one graph of Batches (batch mode: the model gets its input columns as Batches and
    the loss gets a Batch, or k Batches for cross_entropy); `batch_mode=False` builds a graph per sample,
    as micrograd does, for models or losses written for scalar Values only. `l1` and `l2` add the penalties
    l1 * sum(|p|) and l2 * sum(p^2) over all parameters to every minibatch's loss (the recorded loss is
    without them). The History counts epochs from 1: `history.best_epoch` is 1-based, as the progress bar.

    `compile=True` runs each minibatch's graph as a numpy program traced once per batch size
    (autograd.compile): the same gradients, tens of times faster. The default (None) compiles nn's own
    models with built-in losses, whose graphs never depend on the data; a Module or loss of your own runs
    eagerly unless you pass compile=True, since a trace would freeze any branch it takes on values.

    `diagnose=True` checks the network's health before training and after every epoch (nn.diagnose: dead
    ReLUs, saturated units, vanishing or exploding gradients, the first NaN), prints what is new with what
    to try, and records each report in `history.health` and their number in history["problems"].
    """
    model = check.module("fit", model)
    loss_fn = check.loss_function("fit", loss)
    X, targets = check.samples(X, model), check.real_array("fit", "y", y)
    if len(X) != len(targets):
        raise ValueError(f"fit: X has {len(X)} samples but y has {len(targets)}")
    epochs = check.whole("fit", "epochs", epochs)
    batch_size = None if batch_size is None else check.whole("fit", "batch_size (or None: all samples)", batch_size)
    if early_stopping is not None:
        early_stopping = check.whole("fit", "early_stopping (a patience in epochs, or None)", early_stopping)
    restore_best, progress = check.flag("fit", "restore_best", restore_best), check.flag("fit", "progress", progress)
    batch_mode = check.flag("fit", "batch_mode", batch_mode)
    compiled = compiled_mode.wanted("fit", compile, model, loss_fn, batch_mode)
    diagnose = check.flag("fit", "diagnose", diagnose)
    l1, l2 = check.real("fit", "l1", l1, ">= 0"), check.real("fit", "l2", l2, ">= 0")
    if clip_norm is not None:
        clip_norm = check.real("fit", "clip_norm (or None: no clipping)", clip_norm, "> 0")
    metrics = check.metric_list("fit", metrics)
    _unique_names(metrics)
    if seed is not None and not isinstance(seed, np.random.Generator):
        seed = check.whole("fit", "seed (or None, or a numpy Generator)", seed, minimum=0)
    if not model.parameters():
        raise ValueError(f"fit: {type(model).__name__} has no parameters to train")
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.01)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be made for the model, such as SGD(model.parameters(), lr=0.1), "
                        f"got {optimizer!r}")
    elif not {id(p) for p in model.parameters()} & {id(p) for p in optimizer.params}:
        raise ValueError("fit: the optimizer holds none of the model's parameters (made for another model?); "
                         "make it with model.parameters()")
    if schedule is not None:
        if not callable(getattr(schedule, "step", None)):
            raise TypeError(f"fit: schedule must have a step() method, such as LinearDecay(optimizer, total=epochs); "
                            f"got {schedule!r}")
        if getattr(schedule, "optimizer", optimizer) is not optimizer:
            raise ValueError("fit: the schedule drives a different optimizer than the one fit steps; pass that "
                             "optimizer too: fit(..., optimizer=opt, schedule=LinearDecay(opt, ...))")
    if isinstance(validation, (tuple, list)):
        if len(validation) != 2:
            raise ValueError(f"fit: validation must be a fraction in (0, 1) such as 0.2, or a pair (X_val, y_val); "
                             f"got a {type(validation).__name__} of {len(validation)} items")
        validation = (check.samples(validation[0], model, "X_val"), check.real_array("fit", "y_val", validation[1]))
    elif validation is not None:
        fraction = check.real("fit", "validation (a fraction to hold out, or a pair (X_val, y_val))", validation,
                        "in (0, 1)")
        held = round(fraction * len(X))
        if not 0 < held < len(X):
            raise ValueError(f"fit: validation={validation!r} holds out {held} of {len(X)} samples, which leaves "
                             f"{'no validation' if not held else 'no training'} samples; pass a pair (X_val, y_val)")
        X, Xv, targets, yv = train_test_split(X, targets, test_size=fraction, seed=seed)
        validation = (Xv, yv)
    history = History()
    # the loss (labels, return type) and the metrics, checked on the data before any update
    baseline = _evaluate("fit", model, X, targets, loss_fn, metrics, batch_mode, compiled)["loss"]
    if validation is not None:
        _evaluate("fit", model, validation[0], validation[1], loss_fn, metrics, batch_mode, compiled)
    params, groups = model.parameters(), _layer_groups(model)

    def penalized(value: Value) -> Value:
        if l1:
            value = value + losses.l1(params, l1)
        if l2:
            value = value + losses.l2(params, l2)
        return value

    trainer = compiled_mode.Trainer(model, loss_fn, penalized) if compiled else None
    n = len(X)
    rng, size = np.random.default_rng(seed), batch_size or n
    best, best_state, waited = math.inf, None, 0
    bar = progress_bar(range(epochs), desc="fit", unit="epoch", disable=not progress, leave=True)
    health = check_epoch(model, (X, targets), history, loss=loss_fn, out=bar.write) if diagnose else None
    for epoch in bar:
        order = rng.permutation(n) if batch_size else np.arange(n)
        total, scores, norms = 0.0, [None] * n, {name: 0.0 for name, _ in groups}
        with in_mode(model, training=True):  # Dropout on; the validation passes run in eval mode
            for start in range(0, n, size):
                batch = order[start:start + size]
                if trainer is not None:
                    value, data_loss, rows = trainer(X[batch], targets[batch])
                    outputs, batch_rows = None, rows.tolist()
                else:
                    outputs, batch_rows = _forward(model, X[batch], batch_mode)
                    value = check.loss_value("fit", loss_fn, outputs, targets[batch])
                    data_loss = value.data
                    value = penalized(value)
                total += data_loss * len(batch)
                optimizer.zero_grad()
                value.backward()
                if clip_norm is not None:
                    clip_grad_norm(params, clip_norm)
                for name, group in groups:
                    grads = np.array([p.grad for p in group], dtype=float)
                    norms[name] += math.sqrt(float(np.dot(grads, grads))) * len(batch) / n
                optimizer.step()
                for i, o in zip(batch.tolist(), batch_rows):
                    scores[i] = o
                del outputs, value  # free this batch's graph before the next one is built
        row = {"loss": total / n} | {check.function_name(m): check.metric_value("fit", m, scores, targets)
                                      for m in metrics}
        if validation is not None:
            checked = _evaluate("fit", model, validation[0], validation[1], loss_fn, metrics, batch_mode, compiled)
            row |= {f"val_{key}": v for key, v in checked.items()}
        if diagnose:
            health = check_epoch(model, (X, targets), history, loss=loss_fn, previous=health, out=bar.write)
            history.health.append(health)
            row["problems"] = len(health.findings)
        history.add_epoch(row | {"lr": optimizer.lr}, norms)  # the lr this epoch's steps used
        if schedule is not None:
            schedule.step()
        monitored = row["val_loss" if validation is not None else "loss"]
        bar.set_postfix({k: f"{v:.4g}" for k, v in row.items()}, refresh=False)
        if monitored < best:
            best, waited, history.best_epoch = monitored, 0, epoch + 1  # epochs count from 1
            best_state = model.state_dict() if early_stopping is not None and restore_best else None
        elif early_stopping is not None:
            waited += 1
            if waited >= early_stopping:
                history.stopped_early = True
                break
    bar.close()
    if best_state is not None and history.stopped_early:
        model.load_state_dict(best_state)
    history.initial_loss = baseline
    return history


def _unique_names(metrics: list[Metric]) -> None:
    """Every series of the History needs a name of its own: a metric named like another (or like the loss)
    would mix two series in one list."""
    names = ["loss", *(check.function_name(m) for m in metrics)]
    seen: set[str] = set()
    for key in [*names, *(f"val_{name}" for name in names), "lr"]:
        if key in seen:
            raise ValueError(f"fit: two series of the History would both be named {key!r} (the loss, 'lr', the "
                             f"metrics {names[1:]} and their 'val_' forms); give each metric a __name__ of its own")
        seen.add(key)
