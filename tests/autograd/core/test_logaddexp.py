"""logaddexp(a, b) = log(e^a + e^b): numpy's answers, full-precision derivatives, a log-sum-exp with no max shift.

Its value and derivatives are also in the op table's parametrized tests (finite differences, first to third
order: autograd_cases.py) and in test_precision.py (mpmath, to the ulp); here: what it is for and its edges.
"""

from __future__ import annotations

import functools
import math
import sys
import warnings

import numpy as np
import pytest

from autograd import Batch, Value, grad, gradients
from autograd.core import local_derivatives

mpmath = pytest.importorskip("mpmath")
mp = mpmath.mp
INF, MAX = math.inf, sys.float_info.max
EDGES = [-INF, -MAX, -1e300, -746.0, -1.0, -5e-324, 0.0, 5e-324, 0.5, 1.0, 40.0, 710.0, 1e300, MAX, INF, math.nan]


def equal(x: float, y: float) -> bool:
    return x == y or (x != x and y != y)


def test_the_method_and_its_docstring():
    x = Value(1.0)
    out = x.logaddexp(2.0)
    assert out._op.name == "logaddexp" and out._prev[0] is x and not out._prev[1].requires_grad
    assert out.data == pytest.approx(math.log(math.e + math.e**2), rel=1e-15)
    assert "d/da = e^a / (e^a + e^b)" in Value.logaddexp.__doc__
    assert Value(2.0)._rlogaddexp(1.0).data == out.data  # a number on the left: the reflected form


@pytest.mark.parametrize("a", EDGES)
def test_values_are_numpys_at_every_edge_pair(a):
    """Both infinities, NaN, overflow of a - b (MAX and -MAX), subnormals: numpy's answer, per pair, in both
    modes and without a warning."""
    bs = np.array(EDGES)
    with np.errstate(all="ignore"):
        expected = np.logaddexp(a, bs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = Value(np.full(len(EDGES), a)).logaddexp(Value(bs))
    for b, want, got in zip(EDGES, expected, batch.data):
        scalar = Value(a).logaddexp(b).data
        assert equal(scalar, float(want)) or abs(scalar - want) <= 2 * math.ulp(want), (a, b, scalar, want)
        assert equal(float(got), scalar), (a, b, got, scalar)


@pytest.mark.parametrize(("a", "b", "da", "db"), [
    (INF, 5.0, 1.0, 0.0), (5.0, INF, 0.0, 1.0), (-INF, 5.0, 0.0, 1.0), (INF, -INF, 1.0, 0.0),
    (-INF, -INF, math.nan, math.nan), (INF, INF, math.nan, math.nan),  # a - b is NaN: PyTorch's NaN too
    (MAX, -MAX, 1.0, 0.0),  # a - b overflows: sigmoid(inf)
])
def test_derivatives_at_the_infinities(a, b, da, db):
    (_, got_a), (_, got_b) = local_derivatives(Value(a).logaddexp(Value(b)))
    assert equal(got_a, da) and equal(got_b, db)


@pytest.mark.parametrize(("a", "b"), [(0.1, -3.0000000000000004), (30.0, -700.0), (-700.3, 1e-300), (1.0, 1.0),
                                      (2.0**-40, -2.0**-40), (37.5, 0.0)])
def test_derivatives_to_full_relative_precision_where_a_minus_b_rounds(a, b):
    """sigmoid(fl(a - b)) would be ~|a - b| ulps off (e^-730 when a - b = 730 loses 730 * 2**-53 relative)."""
    (_, da), (_, db) = local_derivatives(Value(a).logaddexp(Value(b)))
    with mp.workdps(50):
        for got, x, y in ((da, a, b), (db, b, a)):
            exact = 1 / (1 + mp.exp(mp.mpf(y) - mp.mpf(x)))
            assert abs(mp.mpf(got) - exact) <= 2 * mp.mpf(math.ulp(got)), (x, y, got)


def log_sum_exp(zs: list) -> object:
    return functools.reduce(lambda s, z: s.logaddexp(z), zs[1:], zs[0])


@pytest.mark.parametrize("logits", [[1000.0, 1000.5, -1000.0], [-800.0, -801.0, -799.5], [2.0, -1.0, 0.5]])
def test_a_log_sum_exp_without_a_max_shift(logits):
    """What softmax cross-entropy needs: log sum e^z for logits far beyond exp's range, its gradient softmax(z),
    and the batch of several samples giving each sample's answer, silently."""
    zs = [Value(z) for z in logits]
    out = log_sum_exp(zs)
    out.backward()
    with mp.workdps(50):
        exact = mp.log(mp.fsum(mp.exp(mp.mpf(z)) for z in logits))
        softmax = [float(mp.exp(mp.mpf(x) - exact)) for x in logits]
    assert abs(out.data - float(exact)) <= 2 * math.ulp(float(exact))
    # Each partial log-sum-exp is a float of the logits' size, so softmax is as exact as the logits are at that
    # size (an ulp of 1000 moves e^z by 1000 * 2**-53 relative), as with a max shift.
    rel = 8 * max(1.0, *map(abs, logits)) * 2.0**-53
    for z, p in zip(zs, softmax):
        assert z.grad == pytest.approx(p, rel=rel, abs=1e-300)
    columns = [Value(np.array([x, x - 3.0])) for x in logits]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        total = log_sum_exp(columns)
        total.sum().backward()
    assert total.data[0] == out.data
    assert [c.grad[0] for c in columns] == [z.grad for z in zs]


def test_second_derivatives_are_the_softmax_jacobian():
    """d2/da db logaddexp = -s(1 - s), s = sigmoid(a - b): from the same rules evaluated on Values."""
    a, b = 0.3, -1.2
    s = 1 / (1 + math.exp(-(a - b)))
    assert grad(grad(lambda x, y: x.logaddexp(y), argnums=0), argnums=1)(a, b) == pytest.approx(-s * (1 - s), rel=1e-14)
    assert grad(grad(lambda x: x.logaddexp(b)))(a) == pytest.approx(s * (1 - s), rel=1e-14)


def test_a_batch_on_either_side_and_create_graph_per_sample():
    xs = np.array([0.5, -3.0, 700.0])
    x, w = Value(xs), Value(1.5)
    for out in (x.logaddexp(w), x.logaddexp(1.5), x._rlogaddexp(w)):  # (the last: logaddexp(w, x))
        assert isinstance(out, Batch)
        assert out.data.tolist() == [Value(v).logaddexp(1.5).data for v in xs]
    (g,) = gradients(x.logaddexp(w).sum(), [x], create_graph=True)
    (h,) = gradients(g.sum(), [x])
    for i, v in enumerate(xs):
        assert g.data[i] == grad(lambda t: t.logaddexp(1.5))(v)
        assert h[i] == pytest.approx(grad(grad(lambda t: t.logaddexp(1.5)))(v), rel=1e-14, abs=1e-300)


def test_a_scalar_value_with_a_batch_on_the_right():
    out = Value(1.5).logaddexp(Value(np.array([0.5, -3.0])))
    assert isinstance(out, Batch)


def test_logaddexp_refuses_what_is_not_a_number_or_a_value():
    with pytest.raises(TypeError, match="logaddexp: takes a number or a Value, got str"):
        Value(1.0).logaddexp("2")  # type: ignore[arg-type]

