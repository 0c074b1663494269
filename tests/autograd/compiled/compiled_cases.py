"""Shared helpers for the compiled-mode tests: a small MLP written with scalars, and the eager reference."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd import Value, gradients


def mlp(sizes: list[int], seed: int = 0, activation: str = "relu") -> list[list[tuple[list[Value], Value]]]:
    """Layers of neurons (weights, bias), micrograd style, without nn (autograd's tests stay inside autograd)."""
    rng = random.Random(seed)
    return [[([Value(rng.uniform(-1, 1)) for _ in range(a)], Value(rng.uniform(-0.1, 0.1))) for _ in range(b)]
            for a, b in zip(sizes, sizes[1:])]


def parameters(layers: list[list[tuple[list[Value], Value]]]) -> list[Value]:
    return [p for layer in layers for w, b in layer for p in (*w, b)]


def forward(layers: list[list[tuple[list[Value], Value]]], x: list[Any], activation: str = "relu") -> list[Value]:
    for k, layer in enumerate(layers):
        out = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
        x = out if k == len(layers) - 1 else [getattr(z, activation)() for z in out]
    return x


def hinge_l2(layers: list[list[tuple[list[Value], Value]]]) -> Callable[..., Value]:
    """micrograd's demo loss: mean(relu(1 - y * score)) + 1e-4 * sum(p * p)."""
    params = parameters(layers)

    def loss_fn(X: Any, y: Any) -> Value:
        score = forward(layers, X)[0]
        return (1 + -y * score).relu().mean() + 1e-4 * sum((p * p for p in params), Value(0.0, requires_grad=False))

    return loss_fn


def eager(fn: Callable[..., Any], *arrays: np.ndarray) -> Any:
    """fn on the arrays in batch mode, as the trace calls it (columns as Batches, a 1-D array as one Batch)."""
    args = [[Value(np.array(a[:, j]), requires_grad=False) for j in range(a.shape[1])] if a.ndim == 2
            else Value(np.array(a, dtype=float), requires_grad=False) for a in arrays]
    return fn(*args)


def assert_same_gradients(fn: Callable[..., Value], params: list[Value], *arrays: np.ndarray,
                          rtol: float = 1e-12) -> None:
    """compile(fn)'s loss and the grads its backward() adds equal eager batch mode's within rtol."""
    loss = eager(fn, *arrays)
    expected = gradients(loss, params)
    for p in params:
        p.grad = 0.0
    out = autograd.compile(fn)(*arrays)
    assert_close(out.data, loss.data, rtol)
    out.backward()
    scale = max(abs(g) for g in expected) or 1.0
    for i, (p, g) in enumerate(zip(params, expected)):
        assert abs(p.grad - g) <= rtol * max(abs(g), 1e-3 * scale), (i, p.grad, g)


def assert_close(a: float, b: float, rtol: float) -> None:
    assert abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300), (a, b)
