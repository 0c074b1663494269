"""Global recording state, read by every op on the hot path with a single attribute check.

`no_grad` turns recording off (results are constants, nothing is linked); `detect_anomaly`
turns on NaN/inf checks. `Mode.fast` is true only when neither applies, so an op pays one
attribute load for both features.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


class Mode:
    """Process-wide switches (like PyTorch's, but not thread-local: one model, one thread)."""

    recording: bool = True
    anomaly: bool = False
    fast: bool = True

    @classmethod
    def set(cls, *, recording: bool | None = None, anomaly: bool | None = None) -> tuple[bool, bool]:
        """Change the switches; return the previous (recording, anomaly) for restoring."""
        previous = (cls.recording, cls.anomaly)
        if recording is not None:
            cls.recording = recording
        if anomaly is not None:
            cls.anomaly = anomaly
        cls.fast = cls.recording and not cls.anomaly
        return previous


class _Switch:
    """Set some Mode flags inside a `with` block or a decorated function; restore them after."""

    flags: dict[str, bool] = {}

    def __init__(self) -> None:
        self._saved: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._saved.append(Mode.set(**self.flags))

    def __exit__(self, *exc: object) -> None:
        recording, anomaly = self._saved.pop()
        Mode.set(recording=recording, anomaly=anomaly)

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper


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
