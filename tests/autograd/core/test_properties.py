"""Property tests: random expression graphs built from the op table, checked against finite differences.

A program is a list of steps; each applies an op (any op in OPS) to earlier nodes (so nodes get
several users) or to constants on either side. The strategy evaluates the closed forms as it draws
and skips steps that would leave a safe domain (log/sqrt of small numbers, tiny denominators,
huge values), so few examples are rejected. Finite differences are taken on the closed forms, and
an example is rejected if a perturbed point crosses a kink (relu/abs/leaky_relu change branch).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from autograd_cases import KINKS, REFERENCE, apply, data
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import OPS, Value, detect_anomaly, grad, gradients

SETTINGS = settings(max_examples=250, deadline=None, derandomize=True, database=None)

# Constants mixed in, per op: (left-operand choices, right-operand choices).
CONSTANTS = {
    "pow": ((0.5, 2.0, 3.0), (2.0, 3.0, -1.0, 0.5, 1.5, -2.0)),
    "ipow": ((0.5, 2.0, 3.0), (2.0, 3.0, -1.0, 0.5, 1.5, -2.0)),
    "div": ((-1.5, 2.0), (2.0, -0.5, 3.0)),
    "leaky_relu": ((), (0.01, 0.2)),
}
DEFAULT_CONSTANTS = ((-1.5, 0.5, 2.0), (-1.5, 0.5, 2.0))
ERRORS = (ValueError, ZeroDivisionError, OverflowError)


def safe(name: str, spec: tuple, args: list[float]) -> bool:
    """Whether an op's inputs sit comfortably inside its domain (so finite differences are accurate)."""
    if name in KINKS and abs(args[0]) < 1e-2:
        return False
    if name in ("log", "sqrt"):
        return args[0] > 0.05
    if name == "div":
        return abs(args[1]) > 0.05
    if name == "exp":
        return args[0] < 8.0
    if name in ("pow", "ipow"):
        a, b = args
        exponent_is_node = spec[1][0] == "node"
        if exponent_is_node or not float(b).is_integer():
            return a > 0.05 and abs(b) <= 4.0
        return abs(a) > 0.05 or b > 0
    return True


@st.composite
def programs(draw: Any) -> tuple[list[float], list[tuple]]:
    leaves = draw(st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=1, max_size=3))
    values = list(leaves)  # every node's value so far, from the closed forms
    steps = []
    for _ in range(draw(st.integers(2, 12))):
        name = draw(st.sampled_from(sorted(REFERENCE)))  # the built-in ops (tests may have defined others)
        arity = OPS[name].arity
        const_side = draw(st.sampled_from((None, None, 0, 1))) if arity == 2 else None
        spec, args = [], []
        for position in range(arity):
            choices = CONSTANTS.get(name, DEFAULT_CONSTANTS)[position]
            if position == const_side and choices:
                c = draw(st.sampled_from(choices))
                spec.append(("const", c))
                args.append(c)
            else:
                latest = len(values) - 1  # chain on the newest node half the time: deeper graphs
                i = draw(st.one_of(st.just(latest), st.integers(0, latest)))
                spec.append(("node", i))
                args.append(values[i])
        if not safe(name, spec, args):
            continue
        try:
            out = REFERENCE[name](*args)
        except ERRORS:
            continue
        if abs(out) < 1e4:
            values.append(out)
            steps.append((name, tuple(spec)))
    assume(steps)
    return leaves, steps


def _sinks(n_leaves: int, steps: list[tuple]) -> list[int]:
    used = {i for _, spec in steps for kind, i in spec if kind == "node"}
    return [i for i in range(n_leaves + len(steps)) if i not in used]


def evaluate(xs: list[float], steps: list[tuple]) -> tuple[float, tuple[bool, ...]]:
    """The program's value on floats (closed forms), and which side of each kink it is on."""
    values, branches = list(xs), []
    for name, spec in steps:
        args = [v if kind == "const" else values[v] for kind, v in spec]
        if name in KINKS:
            branches.append(args[0] > 0)
        values.append(REFERENCE[name](*args))
    return sum(values[i] for i in _sinks(len(xs), steps)), tuple(branches)


def build(xs: list[Any], steps: list[tuple]) -> Any:
    """The program on the engine: xs are Values (or anything the ops accept)."""
    nodes = list(xs)
    for name, spec in steps:
        nodes.append(apply(name, *[v if kind == "const" else nodes[v] for kind, v in spec]))
    sinks = [nodes[i] for i in _sinks(len(xs), steps)]
    out = sinks[0]
    for s in sinks[1:]:
        out = out + s
    return out


def finite_difference(func: Any, xs: list[float], i: int, steps: list[tuple]) -> float:
    """d func / d xs[i], central differences + Richardson; rejects the example if a kink is crossed."""
    h = 1e-4 * max(1.0, abs(xs[i]))
    branches = evaluate(xs, steps)[1]

    def at(dx: float) -> float:
        p = list(xs)
        p[i] += dx
        try:
            same_side = evaluate(p, steps)[1] == branches
            value = data(func(p))
        except ERRORS:
            same_side = False
        assume(same_side)
        return value

    def central(d: float) -> float:
        return (at(d) - at(-d)) / (2.0 * d)

    return (4.0 * central(h / 2.0) - central(h)) / 3.0


def assert_close(analytic: float, numeric: float, what: str) -> None:
    assert math.isfinite(analytic), f"{what}: analytic {analytic}"
    assert abs(analytic - numeric) <= 1e-6 + 1e-4 * abs(numeric), f"{what}: analytic {analytic}, numeric {numeric}"


def backward_grads(xs: list[float], steps: list[tuple], **kwargs: Any) -> list[float]:
    leaves = [Value(x) for x in xs]
    build(leaves, steps).backward(**kwargs)
    return [data(v.grad) for v in leaves]


@SETTINGS
@given(programs())
def test_backward_matches_finite_differences_and_every_path_agrees(program):
    xs, steps = program
    expected = backward_grads(xs, steps)
    for i, g in enumerate(expected):
        numeric = finite_difference(lambda p: evaluate(p, steps)[0], xs, i, steps)
        assert_close(g, numeric, f"d/dx{i} of {steps} at {xs}")

    same = {"rel": 1e-9, "abs": 1e-12}
    leaves = [Value(x) for x in xs]
    assert gradients(build(leaves, steps), leaves) == pytest.approx(expected, **same)
    everyone = tuple(range(len(xs)))
    assert list(grad(lambda *v: build(list(v), steps), argnums=everyone)(*xs)) == pytest.approx(expected, **same)
    assert backward_grads(xs, steps, create_graph=True) == pytest.approx(expected, **same)
    with detect_anomaly():
        assert backward_grads(xs, steps) == pytest.approx(expected, **same)


@settings(SETTINGS, max_examples=80)
@given(programs())
def test_second_derivatives_match_finite_differences_of_the_gradient(program):
    xs, steps = program

    def f(*v: Any) -> Any:
        return build(list(v), steps)

    n = len(xs)
    for i in range(n):
        first = grad(f, argnums=i)
        row = grad(first, argnums=tuple(range(n)))(*xs)
        for j in range(n):
            numeric = finite_difference(lambda p, d=first: d(*p), xs, j, steps)
            assert_close(row[j], numeric, f"d2/dx{i}dx{j} of {steps} at {xs}")
