"""Batch and scalar modes agree at the edges: where floats overflow (1e308 * 10), meet inf - inf or a subnormal,
a batch gives per sample what the scalar engine gives, and numpy warns about none of it.

Every op of the table runs on every pair of extreme values (0, subnormals, 1e+-200, the largest float, the
infinities, NaN), forward, backward and with create_graph, under warnings-as-errors; each sample is
compared with the scalar engine on that sample (within the bounds numpy's functions allow, see
test_numpy_ulps.py). Samples where the scalar op raises (log(-1), 1 / 0...) are left out: a batch raises
there too (test_batch.py).
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest
from autograd_cases import apply

from autograd import OPS, Value, gradients
from autograd.core.arraymath import NUMPY_ULPS
from autograd.core.builtin_ops import TABLE
from autograd.core.floatmath import FloatMath

EXTREMES = [0.0, -0.0, 5e-324, -5e-324, 1e-200, -1e-200, 0.5, -2.0, 3.0, 1e200, -1e200, sys.float_info.max,
            -sys.float_info.max, math.inf, -math.inf, math.nan]
ERRORS = (ValueError, ArithmeticError)
ULPS = 2 * max(NUMPY_ULPS.values())  # a rule of a few numpy calls: their differences from math's, added


def ordinal(x: float) -> int:
    n = int(np.float64(x).view(np.int64))
    return n if n >= 0 else -(n & 0x7FFFFFFFFFFFFFFF)


def agree(batch: float, scalar: float) -> bool:
    """Equal within ULPS (both NaN, or the same infinity, count as equal)."""
    if batch != batch or scalar != scalar:
        return batch != batch and scalar != scalar
    if math.isinf(batch) or math.isinf(scalar):
        return batch == scalar
    return abs(ordinal(batch) - ordinal(scalar)) <= ULPS


def scalar_run(name: str, args: tuple[float, ...]) -> tuple[float, list[float], list[float]] | None:
    """The scalar engine on one sample: value, first derivatives, and the create_graph derivatives' values;
    None if the op raises there."""
    try:
        xs = [Value(x) for x in args]
        out = apply(name, *xs)
        firsts = gradients(out, xs)
        graphs = [g.data for g in gradients(apply(name, *xs), xs, create_graph=True)]
    except ERRORS:
        return None
    return out.data, firsts, graphs


def samples(name: str) -> list[tuple[tuple[float, ...], tuple[float, list[float], list[float]]]]:
    arity = OPS[name].arity
    inputs = [(a,) for a in EXTREMES] if arity == 1 else [(a, b) for a in EXTREMES for b in EXTREMES]
    runs = [(args, scalar_run(name, args)) for args in inputs]
    return [(args, run) for args, run in runs if run is not None]


ELEMENTWISE = [op.name for op in TABLE if not op.reduces]  # every built-in op but sum and mean (below)


def groups(name: str) -> list[list]:
    """The samples as batches: for a power, finite positive bases, infinite ones and the others apart
    (create_graph cannot take d/db = a ** b * log(a), NaN where a <= 0 and 0 where a ** b = inf ** -b, at some
    samples only: test_batch.py)."""
    live = samples(name)
    if name not in ("pow", "ipow"):
        return [live]
    kinds = (lambda a, b: 0.0 < a < math.inf, lambda a, b: a == math.inf and b < 0.0,
             lambda a, b: a == math.inf and not b < 0.0, lambda a, b: not a > 0.0)
    return [[s for s in live if kind(*s[0])] for kind in kinds]


@pytest.mark.filterwarnings("error")  # any numpy warning fails
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_a_batch_of_extreme_values_gives_the_scalar_engines_answers_silently(name):
    for live in groups(name):
        check_batch(name, live)


def check_batch(name: str, live: list) -> None:
    assert live, f"{name}: no extreme input works in scalar mode"
    columns = [Value(np.array([args[i] for args, _ in live])) for i in range(OPS[name].arity)]
    out = apply(name, *columns)
    firsts = gradients(out.sum(), columns)
    graphs = gradients(apply(name, *columns).sum(), columns, create_graph=True)
    for k, (args, (value, scalar_firsts, scalar_graphs)) in enumerate(live):
        assert agree(float(out.data[k]), value), (name, args, "value", out.data[k], value)
        for i, (first, graph) in enumerate(zip(firsts, graphs)):
            assert agree(float(first[k]), scalar_firsts[i]), (name, args, f"d/dx{i}", first[k], scalar_firsts[i])
            if not textbook_form(name, args, i):
                assert agree(float(graph.data[k]), scalar_graphs[i]), (name, args, f"graph d/dx{i}")


def textbook_form(name: str, args: tuple[float, ...], i: int) -> bool:
    """Where create_graph on a batch keeps pow's d/da = b * a ** (b - 1) although a ** (b - 1) overflows (the
    scalar engine's (b / a) * a ** b there is finite: ValueMath.power_rule says so): 0 * inf = NaN at b = 0."""
    if name not in ("pow", "ipow") or i != 0:
        return False
    a, b = args
    return a != 0.0 and abs(b) < 1.0 and FloatMath.ipow(abs(a), b - 1.0) == math.inf


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_reductions_that_overflow_give_inf_silently(reduction):
    x = Value(np.array([sys.float_info.max, sys.float_info.max, 1.0]))
    out = getattr(x, reduction)()
    assert out.data == math.inf
    out.backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0] if reduction == "sum" else [1 / 3] * 3


@pytest.mark.filterwarnings("error")
def test_the_issues_example_and_a_backward_pass_that_overflows():
    """Value(np.array([1e308])) * 10 is [inf] as 1e308 * 10 is inf; products in backward overflow silently too."""
    assert (Value(np.array([1e308])) * 10).data.tolist() == [math.inf]
    x, w = Value(np.array([1e10, 1.0])), Value(1e300)
    ((x * w) * 1e300).sum().backward()
    assert x.grad.tolist() == [math.inf, math.inf] and w.grad == math.inf
    for x_, w_ in ((1e10, 1e300), (1.0, 1e300)):
        xs, ws = Value(x_), Value(w_)
        ((xs * ws) * 1e300).backward()
        assert xs.grad == math.inf and ws.grad == (math.inf if x_ > 1.0 else 1e300)


def test_batch_ops_leave_numpys_error_state_as_they_found_it():
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Value(np.array([1e308])) * 10.0
    assert np.geterr() == before
    with pytest.warns(RuntimeWarning, match="overflow"):
        np.array([1e308]) * 10.0  # the user's own numpy still warns
