"""Compiled mode for fit, predict and evaluate: a model's minibatch graph traced once per shape.

`autograd.compile` traces the same graph batch mode builds (the model on the input columns as
Batches, then the loss) and runs it as a numpy program. The default, `compile=None`, compiles
when that is safe to do silently: the model is made only of nn's own modules (MLP, Layer, Neuron,
Dropout: their graphs never branch on the data) and the loss is a built-in. A Module or a loss of
your own might branch on values (`if x.data > 0`), which a trace would freeze, so those run in
eager batch mode unless you pass `compile=True` (see autograd.compile's `check_every` to verify).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

import autograd
from autograd import Value

from . import checks as check
from . import losses
from .data import one_hot
from .loss_checks import stack_columns
from .losses import Loss
from .module import Module


def wanted(who: str, compile: bool | None, model: Module, loss_fn: Loss | None, batch_mode: bool) -> bool:
    """Whether to compile: `compile` as given (checked), or for None the safe default described above."""
    if compile is None:
        own = all(type(m).__module__.split(".")[0] == "nn" for _, m in model.named_modules())
        return batch_mode and own and (loss_fn is None or loss_fn in losses.LOSSES.values())
    compile = check.flag(who, "compile (True, False, or None: decide)", compile)
    if compile and not batch_mode:
        raise ValueError(f"{who}: compile=True needs batch_mode=True (a compiled program evaluates the whole "
                         "batch at once); pass compile=False to build a graph per sample")
    return compile


def targets_for(loss_fn: Loss, targets: np.ndarray, outputs: int) -> np.ndarray:
    """The targets as the traced loss reads them: one-hot columns for cross-entropy, else as they are."""
    if loss_fn is losses.cross_entropy and outputs >= 2:
        return one_hot(targets, outputs)
    return targets


def batch_scores(output: Any, n: int) -> np.ndarray:
    """A batch-mode model output as floats: (n,) for one output (a Batch, or a compiled program's Output),
    (n, k) for a list of k of them (a scalar, which does not depend on the inputs, counts for every sample)."""
    if isinstance(output, (list, tuple)):
        return stack_columns([getattr(o, "data", o) for o in output], n)
    return stack_columns([getattr(output, "data", output)], n)[:, 0]


class Trainer:
    """The compiled training graph of one `fit` on (X, targets): (loss + penalties, loss, outputs) for the
    minibatch of the given rows (the targets are made the way the traced loss reads them once, not per batch)."""

    def __init__(self, model: Module, loss_fn: Loss, penalty: Any, X: np.ndarray, targets: np.ndarray) -> None:
        with autograd.no_grad():
            out = model(X[:1])
        outputs = len(out) if isinstance(out, (list, tuple)) else 1
        self.X, self.targets = X, targets_for(loss_fn, targets, outputs)

        def train_graph(X: Any, T: Any) -> tuple[Value, Value, Any]:
            outputs = model(X)
            loss = check.loss_value("fit", loss_fn, outputs, T)
            return penalty(loss), loss, outputs

        self.program = autograd.compile(train_graph)

    def __call__(self, rows: np.ndarray) -> tuple[Any, float, np.ndarray]:
        """(the total loss, with .backward(); the loss's value; the scores) for the minibatch of these rows."""
        total, loss, outputs = self.program(self.X[rows], self.targets[rows])
        return total, float(loss.data), batch_scores(outputs, len(rows))


_predictors: weakref.WeakKeyDictionary[Module, tuple[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


def predict(model: Module, X: np.ndarray) -> np.ndarray:
    """The model's outputs on X, from a program traced once per model (and traced again if its parameters
    are no longer the same Values, e.g. after layers were added)."""
    key = (getattr(model, "training", True), *map(id, model.parameters()))
    cached = _predictors.get(model)
    if cached is None or cached[0] != key:
        owner = weakref.ref(model)  # (the cache must not keep the model alive)

        def forward(X: Any) -> Any:
            traced = owner()
            assert traced is not None  # (the model is alive: it is being called)
            return traced(X)

        cached = (key, autograd.compile(forward))
        _predictors[model] = cached
    return batch_scores(cached[1](X), len(X))
