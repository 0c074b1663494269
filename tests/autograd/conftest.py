"""Every test must leave the engine's global mode as it found it: recording on, anomaly checks off."""

from __future__ import annotations

import pytest

from autograd import AnomalyError, Value


def _mode() -> tuple[bool, bool]:
    """(recording, anomaly checking), observed from behaviour rather than the engine's internal flags."""
    recording = (Value(1.0) * 2.0).requires_grad
    try:
        Value(1e308) * 10.0
    except AnomalyError:
        return recording, True
    return recording, False


@pytest.fixture(autouse=True)
def _mode_is_restored():
    assert _mode() == (True, False), "an earlier test left no_grad or detect_anomaly switched on"
    yield
    assert _mode() == (True, False), "this test left no_grad or detect_anomaly switched on"
