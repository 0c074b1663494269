"""predict and evaluate: a trained model on new samples, under no_grad and in eval mode.

Both run the model as fit does (one graph of Batches per call in batch mode, a graph per sample with
`batch_mode=False`, or the compiled program: nn/compiled.py) but build nothing to train: no_grad
records no graph for backward, and eval mode turns Dropout off (the modes are put back after). fit
uses the same pieces: `forward` for each minibatch, and `evaluate_checked` for its validation data
and for the check, before any update, that the loss and the metrics accept the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd import Value, no_grad

from . import checks as check
from . import compiled as compiled_mode
from .checks import Metric
from .compiled import batch_scores
from .losses import Loss
from .metrics import accuracy
from .mlp import columns
from .module import Module, in_mode


def _scores(outputs: list[Any]) -> list[Any]:
    return [o.data if isinstance(o, Value) else [v.data for v in o] for o in outputs]


def _call(model: Module, columns: list[Value] | np.ndarray) -> Any:
    """The model on a batch; a TypeError (a model written for scalar Values only) says what to do."""
    try:
        return model(columns)
    except TypeError as error:
        raise TypeError(f"{error} (in batch mode {type(model).__name__} is called with its inputs as Batches, one "
                        f"per feature; pass batch_mode=False to call it on one sample at a time)") from error


def forward(model: Module, X: np.ndarray, batch_mode: bool) -> tuple[Any, list[Any]]:
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
        return np.asarray(forward(model, samples, batch_mode)[1])


def evaluate(model: Module, X: ArrayLike, y: ArrayLike, loss: str | Loss = "mse",
             metrics: Sequence[Metric] = (accuracy,), batch_mode: bool = True,
             compile: bool | None = None) -> dict[str, float]:
    """{'loss': ..., 'accuracy': ...} on (X, y), under no_grad and in eval mode (batch_mode and compile as in
    `predict`)."""
    model = check.module("evaluate", model)
    loss_fn, batch_mode = check.loss_function("evaluate", loss), check.flag("evaluate", "batch_mode", batch_mode)
    return evaluate_checked("evaluate", model, check.samples(X, model, who="evaluate"),
                            check.real_array("evaluate", "y", y), loss_fn, check.metric_list("evaluate", metrics),
                            batch_mode, compiled_mode.wanted("evaluate", compile, model, loss_fn, batch_mode))


def evaluate_checked(who: str, model: Module, samples: np.ndarray, targets: np.ndarray, loss_fn: Loss,
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
            outputs, scores = forward(model, samples, batch_mode)
        result = {"loss": float(check.loss_value(who, loss_fn, outputs, targets).data)}
    return result | {check.function_name(m): check.metric_value(who, m, scores, targets) for m in metrics}
