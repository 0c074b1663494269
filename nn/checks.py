"""Argument checks shared by nn's optimizers, schedules, MLP and fit: one message style everywhere.

Each check returns the checked value, or raises naming the function (`who`), the argument and the
bad value, and says what to pass. They run before anything changes, so a refused call leaves the
model and the optimizer as they were.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd import Batch, Value

from . import losses
from .losses import Loss
from .module import Module

Metric = Callable[[Any, np.ndarray], float]  # (scores: floats, one row per sample; targets) -> a number

RULES: dict[str, Callable[[float], bool]] = {
    "> 0": lambda x: x > 0, ">= 0": lambda x: x >= 0,
    "in [0, 1)": lambda x: 0 <= x < 1, "in (0, 1)": lambda x: 0 < x < 1, "in (0, 1]": lambda x: 0 < x <= 1,
}


def real(who: str, name: str, value: Any, rule: str) -> float:
    """`value` as a float if it is a finite real number (ints and numpy scalars too, not bools) that
    satisfies `rule` (a key of RULES); otherwise a ValueError naming `who`, `name` and the value."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not (ok and RULES[rule](float(value))):
        raise ValueError(f"{who}: {name} must be a finite number {rule}, got {value!r}")
    return float(value)


def whole(who: str, name: str, value: Any, minimum: int = 1) -> int:
    """`value` as an int if it is a whole number >= minimum (ints and numpy integers, not bools or floats)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{who}: {name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def flag(who: str, name: str, value: object) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{who}: {name} must be True or False, got {value!r}")
    return bool(value)


def real_array(who: str, name: str, data: ArrayLike) -> np.ndarray:
    """data as a numpy array of real numbers (bools, ints or floats); complex numbers, strings and other
    objects are refused (a cast to float would drop imaginary parts or fail half-way)."""
    try:
        array = np.asarray(data)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{who}: {name} must be a rectangular array of numbers ({error})") from None
    if array.dtype.kind == "c":
        raise TypeError(f"{who}: {name} holds complex numbers, and the model takes real ones (a float cast would "
                        f"drop the imaginary parts); pass real features, e.g. np.c_[{name}.real, {name}.imag]")
    if array.dtype.kind == "O":
        try:
            array = array.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{who}: {name} must hold real numbers, got objects such as "
                            f"{type(array.flat[0]).__name__ if array.size else '?'}") from None
    elif array.dtype.kind not in "biuf":
        raise TypeError(f"{who}: {name} must hold real numbers, got an array of dtype {array.dtype}")
    return array


def samples(X: ArrayLike, model: Module, name: str = "X", who: str = "fit") -> np.ndarray:
    """X as a 2-D float array, checked (real numbers, non-empty, finite, the model's input width)."""
    array = real_array(who, name, X).astype(float)
    if array.ndim != 2 or not len(array):
        raise ValueError(f"{who}: {name} must be a non-empty 2-D array (samples x features), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{who}: {name} has NaN or inf values (row {int(np.argwhere(~np.isfinite(array))[0][0])})")
    width = model.config().get("nin")
    if width is not None and array.shape[1] != width:
        raise ValueError(f"{who}: {type(model).__name__} expects {width} features per sample, "
                         f"{name} has {array.shape[1]}")
    return array


def function_name(fn: object) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def module(who: str, model: object) -> Module:
    if not isinstance(model, Module):
        raise TypeError(f"{who}: model must be an nn Module such as MLP(2, [16, 16, 1]), got {type(model).__name__}")
    return model


def loss_function(who: str, loss: str | Loss) -> Loss:
    try:
        return losses.get(loss)
    except (TypeError, ValueError) as error:  # TypeError: an unhashable loss such as a list
        raise ValueError(f"{who}: {error}" if isinstance(error, ValueError) else
                         f"{who}: loss must be a name ({', '.join(losses.LOSSES)}) or a function, "
                         f"got {loss!r}") from None


def loss_value(who: str, loss_fn: Loss, outputs: Any, targets: np.ndarray) -> Value:
    """The loss on these outputs, which must be one scalar Value (what backward() and the history need)."""
    value = loss_fn(outputs, targets)
    if isinstance(value, Value) and not isinstance(value, Batch):
        return value
    if isinstance(value, Batch):
        got, fix = f"a Batch of {len(value)} per-sample losses", "reduce it to one Value with .mean() (or .sum())"
    elif isinstance(value, (list, tuple, np.ndarray)):
        kind = "numpy array" if isinstance(value, np.ndarray) else type(value).__name__
        got, fix = f"a {kind} of {np.size(value)} items", "reduce them to one Value, e.g. their mean"
    else:
        got = f"{value!r} ({type(value).__name__})"
        fix = "return a Value computed from the model's outputs (not from their .data), so backward() reaches the model"
    raise TypeError(f"{who}: the loss {function_name(loss_fn)} returned {got}, not one scalar Value; {fix}; "
                    "no parameter was changed")


def metric_list(who: str, metrics: object) -> list[Metric]:
    if callable(metrics):
        raise TypeError(f"{who}: metrics must be a list of functions, got the function {function_name(metrics)}: "
                        f"write metrics=[{function_name(metrics)}]")
    if isinstance(metrics, (str, bytes)) or not isinstance(metrics, Iterable):
        raise TypeError(f"{who}: metrics must be a list of functions such as [accuracy], got {metrics!r}")
    found = list(metrics)
    for i, m in enumerate(found):
        if not callable(m):
            raise TypeError(f"{who}: metrics[{i}] must be a function (scores, targets) -> number, got {m!r}")
    return found


def metric_value(who: str, metric: Metric, scores: Any, targets: np.ndarray) -> float:
    value = metric(scores, targets)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: metric {function_name(metric)} returned {value!r} ({type(value).__name__}), "
                        "not a number; make it return a float")
    return float(value)
