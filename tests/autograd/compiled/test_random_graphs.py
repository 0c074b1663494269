"""Property tests: random graphs mixing batch inputs, shared parameters, sums and every kind of op,
compiled and run eagerly (batch mode): the same loss and the same gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
from compiled_cases import eager
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, gradients

# No shrinking: every example traces and compiles a program, so shrinking a failure took minutes; the failing
# example (a small graph: its steps, sizes and seed) is printed as it was generated, which is enough to replay it.
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None, phases=[Phase.generate])
UNARY = ["neg", "tanh", "sigmoid", "relu", "softplus", "sin", "cos", "abs", "square", "leaky_relu"]
BINARY = ["add", "sub", "mul"]


def unary(name: str, x: Any) -> Any:
    if name == "neg":
        return -x
    if name == "abs":
        return abs(x)
    if name == "square":
        return x ** 2.0
    if name == "leaky_relu":
        return x.leaky_relu(0.1)
    return getattr(x, name)()


@st.composite
def graphs(draw: Any) -> tuple[int, int, list[float], list[tuple]]:
    columns = draw(st.integers(1, 3))
    weights = draw(st.lists(st.floats(-1.5, 1.5, allow_nan=False), min_size=1, max_size=4))
    steps: list[tuple] = []
    nodes = columns + len(weights)  # inputs first, then parameters; each step adds a node
    for _ in range(draw(st.integers(2, 10))):
        kind = draw(st.sampled_from(["unary", "binary", "linear", "constant"]))
        pick = st.integers(0, nodes - 1)
        if kind == "unary":
            steps.append((kind, draw(st.sampled_from(UNARY)), draw(pick)))
        elif kind == "binary":
            steps.append((kind, draw(st.sampled_from(BINARY)), draw(pick), draw(pick)))
        elif kind == "linear":  # b + sum of w * x: becomes a matmul row
            steps.append((kind, draw(st.lists(st.tuples(pick, pick), min_size=1, max_size=4)), draw(pick)))
        else:
            steps.append((kind, draw(st.sampled_from(BINARY)), draw(pick), draw(st.sampled_from([-1.5, 0.5, 2.0]))))
        nodes += 1
    n = draw(st.integers(1, 6))
    return columns, n, weights, steps


def build(steps: list[tuple], params: list[Value]):
    def fn(X):
        nodes: list[Any] = [*X, *params]
        for step in steps:
            if step[0] == "unary":
                nodes.append(unary(step[1], nodes[step[2]]))
            elif step[0] == "binary":
                a, b = nodes[step[2]], nodes[step[3]]
                nodes.append(a + b if step[1] == "add" else a - b if step[1] == "sub" else a * b)
            elif step[0] == "linear":
                nodes.append(sum((nodes[w] * nodes[x] for w, x in step[1]), nodes[step[2]]))
            else:
                a, c = nodes[step[2]], step[3]
                nodes.append(a + c if step[1] == "add" else c - a if step[1] == "sub" else a * c)
        batch = [v for v in nodes[len(X):] if isinstance(v, autograd.Batch)]
        scalars = [v for v in nodes[len(X):] if not isinstance(v, autograd.Batch)]
        loss = sum((v.mean() for v in batch[-2:]), Value(0.0, requires_grad=False))
        return loss + sum(scalars[-2:], Value(0.0, requires_grad=False)) + 0.5 * X[0].sum()

    return fn


@SETTINGS
@given(graphs(), st.integers(0, 2**31))
def test_random_graphs_compile_to_the_eager_loss_and_gradients(graph: tuple, seed: int) -> None:
    columns, n, weights, steps = graph
    params = [Value(w) for w in weights]
    fn = build(steps, params)
    X = np.random.default_rng(seed).uniform(-2, 2, size=(n, columns))
    loss = eager(fn, X)
    assume(np.isfinite(loss.data) and abs(loss.data) < 1e12)
    expected = gradients(loss, params)
    assume(all(np.isfinite(g) for g in expected))
    for p in params:
        p.grad = 0.0
    out = autograd.compile(fn)(X)
    assert abs(out.data - loss.data) <= 1e-12 * max(1.0, abs(loss.data))
    out.backward()
    scale = max([abs(g) for g in expected] + [1.0])
    for p, g in zip(params, expected):
        assert abs(p.grad - g) <= 1e-12 * scale, (p.grad, g)
