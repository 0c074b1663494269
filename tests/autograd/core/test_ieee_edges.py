"""Higher orders agree with first order at IEEE edges: an infinite or NaN derivative has derivatives too.

A derivative rule evaluated on Values (create_graph, grad of grad) used to turn an infinite or NaN local
derivative into a constant, whose own derivative is 0: grad(grad(lambda x: x**-1))(1e-200) gave 0.0
where the first derivative is -inf. Each helper that can give inf or NaN is checked here: ipow through
power_rule (pow, and sqrt's 0.5 * ipow(out, -1)), recip (log's and div's 1 / b), ratio2 (div's d/db), xlog
(pow's d/db), and logaddexp at the infinities. Infinite answers are PyTorch's (its derivatives are the
IEEE products of the same formulas: checked against torch itself where it is installed); finite ones
are checked against central differences of the first derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from autograd_cases import close, partial

from autograd import Value, grad, gradients

INF, NAN = math.inf, math.nan


def derivatives(f: Callable[[Any], Any], x: float, orders: int = 3) -> list[float]:
    """[f'(x), f''(x), ...]: grad applied again and again."""
    found = []
    for _ in range(orders):
        f = grad(f)
        found.append(f(x))
    return found


def same(got: list[float], expected: list[float]) -> bool:
    """Equal, NaN equal to NaN, and 0.0 equal to -0.0 (IEEE's signs of zero are not at stake here)."""
    return all(g == e or (g != g and e != e) for g, e in zip(got, expected, strict=True))


def _logaddexp_with(other: float) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        if isinstance(x, Value):
            return x.logaddexp(other)
        import torch

        return x.logaddexp(torch.tensor(other, dtype=torch.float64))

    return f


# (what, f, x, [f', f'', f''']): each f runs on a Value and on a torch tensor alike.
INFINITE = [
    ("x**-1 where x**-2 overflows", lambda x: x**-1.0, 1e-200, [-INF, INF, -INF]),
    ("x**-2 where x**-3 overflows", lambda x: x**-2.0, 1e-150, [-INF, INF, -INF]),
    ("x**-0.5 where x**-1.5 overflows", lambda x: x**-0.5, 1e-300, [-INF, INF, -INF]),
    ("sqrt at 0: 0.5 * ipow(out, -1)", lambda x: x.sqrt(), 0.0, [INF, -INF, INF]),
    ("x**0.5 at 0", lambda x: x**0.5, 0.0, [INF, -INF, INF]),
    ("x**1.5 at 0: the pole one order later", lambda x: x**1.5, 0.0, [0.0, INF, -INF]),
    ("x**2.5 at 0: two orders later", lambda x: x**2.5, 0.0, [0.0, 0.0, INF]),
    ("sqrt of a subnormal: finite, then overflows", lambda x: x.sqrt(), 5e-324, [2.2494568972715982e161, -INF, INF]),
    ("log of a subnormal: recip(a) overflows", lambda x: x.log(), 5e-324, [INF, -INF, INF]),
    ("1 / x: recip and ratio2 overflow", lambda x: 1.0 / x, 1e-200, [-INF, INF, -INF]),
    ("(-2) ** b: xlog's NaN (log of a negative base)", lambda b: (-2.0) ** b, 3.0, [NAN, NAN, NAN]),
    ("logaddexp(inf, 5)", _logaddexp_with(5.0), INF, [1.0, 0.0, 0.0]),
    ("logaddexp(-inf, -inf): sigmoid(-inf - -inf)", _logaddexp_with(-INF), -INF, [NAN, NAN, NAN]),
    ("x * 1e300 * 1e300: an overflowed product", lambda x: x * 1e300 * 1e300, 1.0, [INF, 0.0, 0.0]),
]


@pytest.mark.parametrize(("what", "f", "x", "expected"), INFINITE, ids=[c[0] for c in INFINITE])
def test_higher_orders_carry_inf_and_nan(what, f, x, expected):
    assert same(derivatives(f, x), expected), (what, derivatives(f, x))


def torch_derivatives(f: Callable[[Any], Any], x: float, orders: int = 3) -> list[float]:
    torch = pytest.importorskip("torch")
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y, found = f(t), []
    for _ in range(orders):
        if not y.requires_grad:  # a constant derivative: the next ones are 0
            found.append(0.0)
            continue
        (y,) = torch.autograd.grad(y, t, create_graph=True)
        found.append(y.item())
    return found


@pytest.mark.parametrize(("what", "f", "x", "expected"), INFINITE, ids=[c[0] for c in INFINITE])
def test_the_ieee_answers_are_pytorchs(what, f, x, expected):
    assert same(torch_derivatives(f, x), expected), (what, torch_derivatives(f, x))


# (what, f, x, h): finite second derivatives where a rule takes one of its exact special forms; h is the
# finite-difference step (small against x, and against the scale on which f's derivatives change).
FINITE = [
    ("pow's rounded exponent (0.1 - 1)", lambda x: x**0.1, 1e-100, 1e-104),
    ("pow's rounded exponent (0.3 - 1), x ** (y - 2) near overflow", lambda x: x**0.3, 1e-180, 1e-184),
    ("ratio2 where a / b underflowed (d/db of a / b)", lambda b: 7.6601705789e-313 / b, 0.005903393330965587, 1e-6),
    ("xlog where a ** b is subnormal (d/db)", lambda b: 1e-10 ** b, 30.9, 1e-4),
    ("logaddexp saturated (d/db = e^(b - a) / ...)", lambda b: Value(30.0).logaddexp(b), -5.0, 1e-3),
    ("logaddexp where a - b rounds", lambda a: a.logaddexp(-3.0000000000000004), 0.1, 1e-3),
]


@pytest.mark.parametrize(("what", "f", "x", "h"), FINITE, ids=[c[0] for c in FINITE])
def test_finite_second_derivatives_at_the_edges_match_finite_differences(what, f, x, h):
    second = grad(grad(f))(x)
    numeric = partial(grad(f), [x], 0, h)
    assert math.isfinite(second) and close(second, numeric, rtol=1e-7, atol=0.0), (what, second, numeric)


def test_a_batch_carries_the_infinities_per_sample():
    xs = np.array([1e-200, 1.0, 0.5])
    x = Value(xs)
    (g,) = gradients((x**-1.0).sum(), [x], create_graph=True)
    (h,) = gradients(g.sum(), [x])
    assert g.data.tolist() == [-INF, -1.0, -4.0]
    assert h.tolist() == [INF, 2.0, 16.0]


def test_leaky_relus_slope_derivative_at_infinity_is_zero():
    """d/dslope = min(a, 0): 0 at a = inf (the rule (1 - step(a)) * a gave 0 * inf = NaN), a at -inf."""
    for a, expected in ((INF, 0.0), (-INF, -INF), (2.0, 0.0), (-3.0, -3.0)):
        slope = Value(0.1)
        Value(a).leaky_relu(slope).backward()
        assert slope.grad == expected, a


def test_a_users_rule_with_recip_at_zero_has_infinite_higher_orders():
    """recip(0) is inf (IEEE) in every namespace; on Values it is ipow(a, -1), a graph, so its derivative is
    -inf rather than a constant's 0."""
    from autograd import OPS, define_op

    if "ieee_reciprocal" not in OPS:
        define_op("ieee_reciprocal", "recip(a)", ("-recip(a) * recip(a)",), notation=("-1 / a**2",))
    f = lambda v: v.ieee_reciprocal()  # noqa: E731
    assert same(derivatives(f, 0.0, 2), [-INF, INF])
    assert same(derivatives(f, 0.5, 2), [-4.0, 16.0])
