"""fit: the training loop the textbooks describe (predict and evaluate, from nn/inference.py, are re-exported).

Each epoch: shuffle, and for each minibatch run the forward pass, the loss, `zero_grad`,
`backward`, optional clipping and the optimizer's `step`; then evaluate on the validation data
under `no_grad`, record the history (loss, metrics, per-layer gradient norms, learning rate) and
stop early when the validation loss has not improved for `patience` epochs. Every argument is
checked before that, in nn/fit_checks.py, so that this file is the loop alone.

By default each minibatch is evaluated as one graph of Batches (batch mode: every node carries the
minibatch's samples), which is what makes training fast; `batch_mode=False` builds one graph per
sample instead. Both compute the same gradients (up to the order floating-point sums are taken in).
`compile` runs that batch graph as a numpy program traced once (autograd.compile; nn/compiled.py says
when it is the default), another ~50x faster, with the same gradients to ~1e-13.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from autograd import Placement, Value

from . import checks as check
from . import compiled as compiled_mode
from . import losses
from .checks import Metric
from .data import Seed
from .diagnose import check_epoch
from .fit_checks import Scheduler, check_fit
from .history import History
from .inference import batch_scores, evaluate, evaluate_checked, forward, predict
from .losses import Loss
from .metrics import accuracy
from .mlp import columns
from .module import Module, in_mode
from .optim import Optimizer
from .optimizer import clip_checked, grad_vector
from .progress import progress_bar

__all__ = ["History", "Scheduler", "batch_scores", "columns", "evaluate", "fit", "predict"]


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
    args = check_fit(model, X, y, loss=loss, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
                     validation=validation, early_stopping=early_stopping, restore_best=restore_best, metrics=metrics,
                     progress=progress, seed=seed, l1=l1, l2=l2, schedule=schedule, clip_norm=clip_norm,
                     batch_mode=batch_mode, compile=compile, diagnose=diagnose)
    model, X, targets, validation = args.model, args.X, args.targets, args.validation
    loss_fn, optimizer, metrics = args.loss_fn, args.optimizer, args.metrics
    history = History()
    params = model.parameters()
    everything = Placement(params)  # (once compiled, the parameters are stored: their grads are read as arrays)
    groups = [(name, group, Placement(group)) for name, group in _layer_groups(model)]

    def penalized(value: Value) -> Value:
        if args.l1:
            value = value + losses.l1(params, args.l1)
        if args.l2:
            value = value + losses.l2(params, args.l2)
        return value

    trainer = compiled_mode.Trainer(model, loss_fn, penalized, X, targets) if args.compiled else None
    n = len(X)
    rng, size = np.random.default_rng(args.seed), args.batch_size or n
    best, best_state, waited = math.inf, None, 0
    bar = progress_bar(range(args.epochs), desc="fit", unit="epoch", disable=not args.progress, leave=True)
    health = check_epoch(model, (X, targets), history, loss=loss_fn, out=bar.write) if args.diagnose else None
    for epoch in bar:
        order = rng.permutation(n) if args.batch_size else np.arange(n)
        total, scores, norms = 0.0, [None] * n, {name: 0.0 for name, _, _ in groups}
        with in_mode(model, training=True):  # Dropout on; the validation passes run in eval mode
            for start in range(0, n, size):
                batch = order[start:start + size]
                if trainer is not None:
                    value, data_loss, rows = trainer(batch)
                    outputs, batch_rows = None, rows.tolist()
                else:
                    outputs, batch_rows = forward(model, X[batch], args.batch_mode)
                    value = check.loss_value("fit", loss_fn, outputs, targets[batch])
                    data_loss = value.data
                    value = penalized(value)
                total += data_loss * len(batch)
                optimizer.zero_grad()
                value.backward()
                if args.clip_norm is not None:
                    clip_checked(params, args.clip_norm, everything)  # both checked once, before the loop
                for name, group, placement in groups:
                    grads = grad_vector("fit", group, placement)
                    norms[name] += math.sqrt(float(np.dot(grads, grads))) * len(batch) / n
                optimizer.step()
                for i, o in zip(batch.tolist(), batch_rows):
                    scores[i] = o
                del outputs, value  # free this batch's graph before the next one is built
        row = {"loss": total / n} | {check.function_name(m): check.metric_value("fit", m, scores, targets)
                                      for m in metrics}
        if validation is not None:
            checked = evaluate_checked("fit", model, validation[0], validation[1], loss_fn, metrics, args.batch_mode,
                                       args.compiled)
            row |= {f"val_{key}": v for key, v in checked.items()}
        if args.diagnose:
            health = check_epoch(model, (X, targets), history, loss=loss_fn, previous=health, out=bar.write)
            history.health.append(health)
            row["problems"] = len(health.findings)
        history.add_epoch(row | {"lr": optimizer.lr}, norms)  # the lr this epoch's steps used
        if args.schedule is not None:
            args.schedule.step()
        monitored = row["val_loss" if validation is not None else "loss"]
        bar.set_postfix({k: f"{v:.4g}" for k, v in row.items()}, refresh=False)
        if monitored < best:
            best, waited, history.best_epoch = monitored, 0, epoch + 1  # epochs count from 1
            best_state = model.state_dict() if args.early_stopping is not None and args.restore_best else None
        elif args.early_stopping is not None:
            waited += 1
            if waited >= args.early_stopping:
                history.stopped_early = True
                break
    bar.close()
    if best_state is not None and history.stopped_early:
        model.load_state_dict(best_state)
    history.initial_loss = args.initial_loss
    return history

