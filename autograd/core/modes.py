"""Global recording state, read by every op on the hot path with a single attribute check.

`no_grad` turns recording off (results are constants, nothing is linked); `detect_anomaly`
turns on NaN/inf checks. `plain_recording` is true only when neither applies, so an op pays one
module attribute load for both features, and takes its slow path (`node.link`) otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

recording: bool = True  # ops link their results into the graph
anomaly: bool = False  # ops and backward check for NaN/inf
plain_recording: bool = True  # recording and not anomaly: the only flag the hot path reads
scope_path: tuple[Any, ...] = ()  # the Module calls (outermost first) that new nodes are made in, for drawing


def set_flags(*, recording: bool | None = None, anomaly: bool | None = None) -> tuple[bool, bool]:
    """Change the switches (process-wide, not per thread); return the previous (recording, anomaly)."""
    global plain_recording
    previous = (globals()["recording"], globals()["anomaly"])
    if recording is not None:
        globals()["recording"] = recording
    if anomaly is not None:
        globals()["anomaly"] = anomaly
    plain_recording = globals()["recording"] and not globals()["anomaly"]
    return previous


class _Switch:
    """Set some mode flags inside a `with` block or a decorated function; restore them after."""

    flags: dict[str, bool] = {}

    def __init__(self) -> None:
        self._saved: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._saved.append(set_flags(**self.flags))

    def __exit__(self, *exc: object) -> None:
        recording, anomaly = self._saved.pop()
        set_flags(recording=recording, anomaly=anomaly)

    def __call__(self, func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_Switch):
    """Record nothing inside: results are constants, no graph is built (context manager or decorator).

    >>> with no_grad():
    ...     y = w * x          # y is a constant
    """

    flags = {"recording": False}


class enable_grad(_Switch):
    """Record again inside a `no_grad` block."""

    flags = {"recording": True}


class detect_anomaly(_Switch):
    """Inside, the first op whose value or gradient is NaN or inf raises AnomalyError naming it.

    Costs speed (every op checks its result; backward takes the checked path), so use it to debug.
    """

    flags = {"anomaly": True}


class scope:
    """Tag the nodes made inside with `owner` (nested in the enclosing scopes), e.g. a Module call.

    Drawing groups nodes by these tags (a cluster per layer, a box per neuron).
    """

    def __init__(self, owner: Any) -> None:
        self.owner = owner
        self._saved: list[tuple] = []

    def __enter__(self) -> None:
        global scope_path
        self._saved.append(scope_path)
        scope_path = scope_path + (self.owner,)

    def __exit__(self, *exc: object) -> None:
        global scope_path
        scope_path = self._saved.pop()
