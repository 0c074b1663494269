"""fit's arguments, checked and normalised before a parameter changes: what `fit` trains with.

fit takes twenty arguments, and a mistake in any of them (a label set the loss refuses, an optimizer
made for another model, a validation fraction that leaves no samples) should stop it before the first
update rather than after an hour, with a message naming the argument and what to pass. So every
check runs here, up front, and returns the arguments as the loop uses them (`FitArguments`): the data
as arrays, the validation set split off, the loss as a function, a default Adam, and the loss and
metrics already run once on the data (`evaluate_checked`), which is also the loss before training.
That keeps nn/train.py's `fit` to the training loop itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from . import checks as check
from . import compiled as compiled_mode
from .checks import Metric
from .data import Seed, train_test_split
from .inference import evaluate_checked
from .losses import Loss
from .module import Module
from .optim import Adam, Optimizer


class Scheduler(Protocol):
    """What `fit(schedule=...)` needs: a `step()` called once per epoch (LinearDecay, StepDecay, CosineDecay)."""

    def step(self) -> object: ...


@dataclass(frozen=True)
class FitArguments:
    """fit's arguments after the checks: X and targets are the training samples (validation held out),
    `validation` the (X_val, y_val) arrays or None, `compiled` whether the minibatches run compiled, and
    `initial_loss` the loss on the training samples before any update."""

    model: Module
    X: np.ndarray
    targets: np.ndarray
    validation: tuple[np.ndarray, np.ndarray] | None
    loss_fn: Loss
    optimizer: Optimizer
    schedule: Scheduler | None
    metrics: list[Metric]
    epochs: int
    batch_size: int | None
    early_stopping: int | None
    restore_best: bool
    progress: bool
    seed: Seed
    l1: float
    l2: float
    clip_norm: float | None
    batch_mode: bool
    compiled: bool
    diagnose: bool
    initial_loss: float


def check_fit(model: Module, X: ArrayLike, y: ArrayLike, *, loss: str | Loss, optimizer: Optimizer | None,
              epochs: int, batch_size: int | None, validation: float | tuple[ArrayLike, ArrayLike] | None,
              early_stopping: int | None, restore_best: bool, metrics: Sequence[Metric], progress: bool,
              seed: Seed, l1: float, l2: float, schedule: Scheduler | None, clip_norm: float | None,
              batch_mode: bool, compile: bool | None, diagnose: bool) -> FitArguments:
    """fit's arguments (see `fit`) checked in the order given there, each error naming fit and the argument."""
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
    params = model.parameters()
    if not params:
        raise ValueError(f"fit: {type(model).__name__} has no parameters to train")
    if optimizer is None:
        optimizer = Adam(params, lr=0.01)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be made for the model, such as SGD(model.parameters(), lr=0.1), "
                        f"got {optimizer!r}")
    elif not {id(p) for p in params} & {id(p) for p in optimizer.params}:
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
    # the loss (labels, return type) and the metrics, checked on the data before any update
    initial_loss = evaluate_checked("fit", model, X, targets, loss_fn, metrics, batch_mode, compiled)["loss"]
    if validation is not None:
        evaluate_checked("fit", model, validation[0], validation[1], loss_fn, metrics, batch_mode, compiled)
    return FitArguments(model=model, X=X, targets=targets, validation=validation, loss_fn=loss_fn, optimizer=optimizer,
                        schedule=schedule, metrics=metrics, epochs=epochs, batch_size=batch_size,
                        early_stopping=early_stopping, restore_best=restore_best, progress=progress, seed=seed,
                        l1=l1, l2=l2, clip_norm=clip_norm, batch_mode=batch_mode, compiled=compiled,
                        diagnose=diagnose, initial_loss=initial_loss)


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
