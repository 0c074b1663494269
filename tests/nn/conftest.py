"""Fixtures for the nn tests: small seeded datasets and models; the engine's mode is left as found."""

from __future__ import annotations

import pytest

from autograd import Value
from nn import MLP
from nn.data import make_moons


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: the end-to-end training targets (several seconds each)")


def _recording() -> bool:
    """Whether ops build a graph right now, observed from behaviour (no_grad makes constants)."""
    return (Value(1.0) * 2.0).requires_grad


@pytest.fixture(autouse=True)
def _grad_mode_is_restored():
    assert _recording(), "an earlier test left no_grad switched on"
    yield
    assert _recording(), "this test left no_grad switched on (fit/predict/evaluate must restore it)"


@pytest.fixture
def moons_pm():
    """24 two-moons points with labels mapped to -1/+1 (micrograd's demo, smaller)."""
    X, y = make_moons(24, noise=0.1, seed=0)
    return X, y * 2 - 1


@pytest.fixture
def small_mlp():
    return MLP(2, [4, 1], seed=0)
