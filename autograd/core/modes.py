"""The switches every op reads: no_grad, detect_anomaly (per thread, as PyTorch's grad mode) and Module scopes.

`no_grad` turns recording off (results are constants, nothing is linked); `detect_anomaly` turns on
NaN/inf checks. Both are per thread. The hot path reads one module flag, `plain_recording`: true
while no thread has either switched on, so an op pays one attribute load for both features; while
some thread has, every op takes its slow path (`node.link`), which reads its own thread's switches
(`records()`, `checks_anomalies()`), so another thread's no_grad never changes this thread's graph.
`scope_path`, the Module calls new nodes are made in, only groups nodes in drawings; it is process-wide.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

plain_recording: bool = True  # no thread is in no_grad or detect_anomaly: the only flag the hot path reads
scope_path: tuple[Any, ...] = ()  # the Module calls (outermost first) that new nodes are made in, for drawing

_this_thread = threading.local()  # .recording, .anomaly: this thread's switches (unset: the defaults)
_lock = threading.Lock()
_switched_threads = 0  # threads whose switches are not the defaults (recording, no anomaly checks)


def records() -> bool:
    """True unless this thread is inside no_grad: ops link their results into the graph."""
    return getattr(_this_thread, "recording", True)


def checks_anomalies() -> bool:
    """True inside detect_anomaly (in this thread): ops and backward check for NaN/inf."""
    return getattr(_this_thread, "anomaly", False)


def set_flags(*, recording: bool | None = None, anomaly: bool | None = None) -> tuple[bool, bool]:
    """Change this thread's switches; return the previous (recording, anomaly)."""
    global plain_recording, _switched_threads
    previous = (records(), checks_anomalies())
    now = (previous[0] if recording is None else recording, previous[1] if anomaly is None else anomaly)
    _this_thread.recording, _this_thread.anomaly = now
    was_default, is_default = previous == (True, False), now == (True, False)
    if was_default != is_default:
        with _lock:
            _switched_threads += -1 if is_default else 1
            plain_recording = _switched_threads == 0
    return previous


class _Switch:
    """Set some mode flags inside a `with` block or a decorated function; restore them after."""

    flags: dict[str, bool] = {}

    def __enter__(self) -> None:
        saved = _this_thread.__dict__.setdefault("saved", [])  # this thread's stack of switches to restore
        saved.append(set_flags(**self.flags))

    def __exit__(self, *exc: object) -> None:
        recording, anomaly = _this_thread.saved.pop()
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
