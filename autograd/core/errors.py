"""Error types and the wording that names an op and its inputs, shared by all error paths."""

from __future__ import annotations

from typing import Any

import numpy as np

from .arraymath import finite, summary, where_bad


class AnomalyError(FloatingPointError):
    """Raised inside `detect_anomaly()` by the first op whose value or gradient is NaN or inf."""


class GradcheckError(AssertionError):
    """Analytic and finite-difference gradients disagree; the message is a table of both."""


class GraphCycleError(ValueError):
    """The graph is not a DAG: some node's inputs were edited so that it depends on itself."""


def describe(v: Any) -> str:
    """One input as an error message shows it: its label, its value (a batch as a summary), and where
    it came from."""
    data = v if isinstance(v, np.ndarray) else getattr(v, "data", v)
    data = summary(data) if isinstance(data, np.ndarray) else repr(data)
    label = getattr(v, "label", "")
    text = f"{label} = {data}" if label else data
    op = getattr(v, "_op", None)
    if op is not None and op.name:
        text += f" (from {op.name})"
    return text


def op_error(op: Any, error: Exception, inputs: tuple[Any, ...], part: str = "") -> Exception:
    """The same kind of exception, with a message that starts with the op and its inputs (and `part`, such
    as "its derivative", when the error came from a rule other than the value)."""
    args = ", ".join(describe(x) for x in inputs)
    where = f" {part}" if part else ""
    return type(error)(f"{op.name}({args}){where}: {error}")


def check_finite(op: Any, inputs: tuple[Any, ...], out: Any) -> None:
    """detect_anomaly's forward check: raise AnomalyError if `out` (a float or an array) has a NaN or inf."""
    if not finite(out):
        raise AnomalyError(f"{op.name}({', '.join(map(describe, inputs))}) gave {where_bad(out)} (forward pass)")
