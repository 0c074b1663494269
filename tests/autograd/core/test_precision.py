"""Every built-in op's value and local derivatives, to the last bit: checked against mpmath at 50 digits.

For each op of the table (autograd.core.builtin_ops.TABLE) a dense grid with the extremes (tiny and huge
magnitudes, both signs, subnormals, saturation, domain edges) is run through the engine; the value
(`.data`) and each local derivative (`local_derivatives(node)`: the floats backward() uses, and the
Values create_graph=True builds) are compared with the exact result rounded to a float, in ulps: the
distance between the two floats' positions in the ordered list of all floats (0 = correctly rounded).
Batch mode runs the same grid as one Batch and is compared with the scalar results entry by entry.

    uv run python tests/autograd/core/test_precision.py     # prints the max error per op and derivative
"""

from __future__ import annotations

import math
import struct
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

mpmath = pytest.importorskip("mpmath") if __name__ != "__main__" else __import__("mpmath")
mp = mpmath.mp
mp.dps = 50

from autograd import Value, grad  # noqa: E402
from autograd.core import Batch, local_derivatives  # noqa: E402
from autograd.core.builtin_ops import TABLE  # noqa: E402
from autograd.core.valuemath import ValueMath  # noqa: E402

TINY = 5e-324  # the smallest subnormal
MIN_NORMAL = sys.float_info.min
MAX = sys.float_info.max


def ordinal(x: float) -> int:
    """x's position among all floats (-0.0 and 0.0 share 0; inf is one past the largest float)."""
    n = struct.unpack("<q", struct.pack("<d", x))[0]
    return n if n >= 0 else -(n & 0x7FFFFFFFFFFFFFFF)


def ulps(x: float, y: float) -> int:
    """How many floats apart x and y are (0 if equal; both NaN count as equal)."""
    if x != x or y != y:
        return 0 if x != x and y != y else 1 << 62
    return abs(ordinal(x) - ordinal(y))


def to_float(v: Any) -> float:
    """An mpmath number rounded to the nearest float (inf beyond the largest, as IEEE rounding gives), also
    where it is subnormal (float(v) would round twice there: to 53 bits, then to the subnormal grid)."""
    v = mp.mpf(v)
    if mp.isnan(v) or mp.isinf(v) or abs(v) >= MIN_NORMAL:
        return float(v)
    return float(mp.nint(v * mp.mpf(2) ** 1074)) * TINY  # nint rounds ties to even


# ---------------------------------------------------------------------------------------------- grids
def _spread(lo: float, hi: float, n: int) -> list[float]:
    return [float(x) for x in np.linspace(lo, hi, n)]


def _log_spread(lo_exp: float, hi_exp: float, n: int) -> list[float]:
    return [float(x) for x in np.logspace(lo_exp, hi_exp, n)]


def _signed(xs: Sequence[float]) -> list[float]:
    return sorted({*xs, *(-x for x in xs)})


MAGNITUDES = [TINY, 3e-320, 1e-310, MIN_NORMAL, 1e-300, 1e-200, 1e-100, 1e-30, 1e-16, 1e-8, 1e-3, 0.1, 0.25, 0.5,
              0.7, 1.0 - 2**-53, 1.0, 1.0 + 2**-52, 1.5, 2.0, math.pi, 10.0, 123.456, 1e8, 1e16, 1e30, 1e100, 1e200,
              1e300, MAX]
GENERAL = _signed([0.0, *MAGNITUDES, *_log_spread(-320, 308, 120)])
PAIR = _signed([0.0, *MAGNITUDES])  # binary ops: every pair of these
POSITIVE = sorted({*MAGNITUDES, *_log_spread(-323, 308, 400), *(1.0 + k * 2**-52 for k in range(-8, 9)),
                   *_spread(0.5, 2.0, 101)})
SATURATING = sorted({*_signed([*_spread(0.0, 40.0, 801), *_spread(40.0, 800.0, 381), *_log_spread(-320, -1, 60),
                               14.2, 19.1, 30.0, 36.7, 354.0, 354.5, 360.0, 373.0, 373.3, 708.4, 709.7, 744.0,
                               745.0, 745.2, 1e5, 1e300, MAX])})
EXP_GRID = sorted({*_spread(-746.0, 709.78, 2000), *_signed(_log_spread(-320, 0, 60)), 0.0, 709.782712893384})
TRIG = _signed([0.0, *_spread(0.0, 10.0, 401), *_log_spread(-320, -1, 40), *_log_spread(1, 22, 60), 1e100, 1e300,
                math.pi, math.pi / 2, 3 * math.pi / 2])
SLOPES = [0.0, 0.01, 0.2, -0.5, 3.0, 1e-300, 1.1]
EXPONENTS = [-3.5, -2.0, -1.0, -0.5, -0.3, 1e-20, 0.1, 0.3, 0.5, 1.0 - 2**-53, 1.0, 1.0 + 2**-52, 1.5, 2.0, 3.0, 7.5,
             2.0**53 + 2.0, 40.0]


INF = math.inf
# logaddexp: every pair of PAIR and the infinities, and where m + log1p(e^-d) cancels (max(a, b) in (-1.39, 0),
# the result near 0: the inputs on and near the curve e^a + e^b = 1), and a = b, a = b + 1 ulp.
_BAND = [(a, float(np.log1p(-np.exp(a))) + k * 1e-3) for a in _spread(-0.69, -1e-3, 120) for k in (-2, 0, 3)]
LOGADDEXP_GRID = sorted({*((a, b) for a in [*PAIR, INF, -INF] for b in [*PAIR, INF, -INF]), *_BAND,
                         *((b, a) for a, b in _BAND), (-1e-20, -46.0), (-0.6931471805599453,) * 2,
                         *((x, x) for x in _spread(-40.0, 40.0, 81)),
                         *((x, math.nextafter(x, INF)) for x in _spread(-40.0, 40.0, 81)),
                         *((x, x - d) for x in (-700.0, -3.0, 0.0, 1e-300, 2.0, 800.0)
                           for d in _spread(0.0, 800.0, 161))})


def grid(name: str) -> list[tuple[float, ...]]:
    """The inputs each op is checked at (tuples of one or two floats)."""
    if name in ("add", "sub", "mul", "div"):
        return [(a, b) for a in PAIR for b in PAIR]
    if name == "pow":
        bases = sorted({*POSITIVE[::4], 0.0, 1.0 + 5e-14, 1.0 - 5e-14})
        pairs = [(a, b) for a in bases for b in EXPONENTS]
        pairs += [(-a, b) for a in bases for b in EXPONENTS if float(b).is_integer()]
        return pairs
    if name == "ipow":  # pow's grid, and where pow raises: poles, complex powers, overflows
        poles = [(z, b) for z in (0.0, -0.0) for b in EXPONENTS if b < 0.0]
        complex_ = [(-a, b) for a in (1e-300, 0.5, 2.0, 1e300) for b in EXPONENTS if not float(b).is_integer()]
        over = [(a, b) for a in (1e-200, 1e-310, 1e200, MAX, -1e200) for b in (-3.0, -2.0, 2.0, 3.0, 7.5, 40.0)]
        return grid("pow") + poles + complex_ + over
    if name == "logaddexp":
        return LOGADDEXP_GRID
    if name == "leaky_relu":
        return [(a, s) for a in GENERAL for s in SLOPES]
    if name in ("exp",):
        return [(x,) for x in EXP_GRID]
    if name in ("log", "sqrt"):
        return [(x,) for x in POSITIVE]
    if name in ("tanh", "sigmoid", "softplus"):
        return [(x,) for x in SATURATING]
    if name in ("sin", "cos"):
        return [(x,) for x in TRIG]
    return [(x,) for x in GENERAL]


# ------------------------------------------------------------------------------------------- references
def _sigmoid(x: Any) -> Any:
    return 1 / (1 + mp.exp(-x))


def _sign(x: Any) -> Any:
    return mp.mpf(1) if x > 0 else (mp.mpf(-1) if x < 0 else mp.mpf(0))


def _step(x: Any) -> Any:
    return mp.mpf(1) if x > 0 else mp.mpf(0)


def _pow_da(a: Any, b: Any) -> Any:
    if b == 0:
        return mp.mpf(0)
    if a == 0:
        return mp.mpf(0) if b > 1 else (b if b == 1 else b * mp.inf)
    if a < 0 and not _whole(b):
        return mp.nan  # complex (ipow only: pow raises there)
    return b * mp.power(a, b - 1)


def _pow_db(a: Any, b: Any) -> Any:
    if a == 0:
        return mp.mpf(0) if b >= 0 else mp.nan  # (ipow's pole: 0 ** b is inf for every b < 0: no derivative)
    if a < 0:
        return mp.nan  # complex: the engine gives NaN
    return mp.power(a, b) * mp.log(a)


def _whole(b: Any) -> bool:
    return mp.isfinite(b) and b == mp.floor(b)


def _ipow(a: Any, b: Any) -> Any:
    """IEEE's power: inf at 0 to a negative power, NaN for a complex one (overflow: to_float gives inf)."""
    if a == 0 and b < 0:
        return mp.inf
    if a < 0 and not _whole(b):
        return mp.nan
    return mp.power(a, b)


def _logaddexp(a: Any, b: Any) -> Any:
    m, n = max(a, b), min(a, b)
    if mp.isinf(m) or mp.isinf(n) and n < 0:
        return m
    return m + mp.log1p(mp.exp(n - m))  # (not log(e^a + e^b): e^1e-300 + 1 would keep no digit of 1e-300)


def _dlogaddexp(a: Any, b: Any) -> Any:
    return mp.nan if mp.isinf(a) and a == b else _sigmoid(a - b)


REFERENCE: dict[str, tuple[Callable[..., Any], tuple[Callable[..., Any], ...]]] = {
    "add": (lambda a, b: a + b, (lambda a, b: 1, lambda a, b: 1)),
    "sub": (lambda a, b: a - b, (lambda a, b: 1, lambda a, b: -1)),
    "mul": (lambda a, b: a * b, (lambda a, b: b, lambda a, b: a)),
    "div": (lambda a, b: a / b, (lambda a, b: 1 / b, lambda a, b: -a / (b * b))),
    "pow": (lambda a, b: mp.power(a, b), (_pow_da, _pow_db)),
    "ipow": (_ipow, (_pow_da, _pow_db)),
    "logaddexp": (_logaddexp, (_dlogaddexp, lambda a, b: _dlogaddexp(b, a))),
    "leaky_relu": (lambda a, b: a if a > 0 else b * a,
                   (lambda a, b: 1 if a > 0 else b, lambda a, b: 0 if a > 0 else a)),
    "neg": (lambda a: -a, (lambda a: -1,)),
    "abs": (lambda a: abs(a), (_sign,)),
    "exp": (mp.exp, (mp.exp,)),
    "log": (mp.log, (lambda a: 1 / a,)),
    "sqrt": (mp.sqrt, (lambda a: 1 / (2 * mp.sqrt(a)),)),
    "tanh": (mp.tanh, (lambda a: mp.sech(a) ** 2,)),
    "sigmoid": (_sigmoid, (lambda a: _sigmoid(a) * _sigmoid(-a),)),
    "relu": (lambda a: a if a > 0 else 0, (_step,)),
    "softplus": (lambda a: mp.log1p(mp.exp(a)), (_sigmoid,)),
    "sin": (mp.sin, (mp.cos,)),
    "cos": (mp.cos, (lambda a: -mp.sin(a),)),
    "sum": (lambda a: a, (lambda a: 1,)),
    "mean": (lambda a: a, (lambda a: 1,)),
}

# The largest error allowed, in ulps: (value, d/da[, d/db]). Why each bound is what the math can deliver:
#  - 0: exact results (add/sub/mul/neg/abs/relu/leaky_relu/sum/mean values and derivatives; the
#    derivatives 1/b, b, a, -1, sign, step): IEEE arithmetic rounds each correctly.
#  - 1: one call into the C math library (exp, log, sqrt, sin, cos, tanh: glibc's are correctly
#    rounded but for rare hard cases, < 1 ulp), or one library call and one exact operation
#    (exp' = exp's value, cos' = -sin, softplus' = sigmoid's value...), or two correctly rounded
#    operations (sqrt' = 0.5 / sqrt(a): two roundings; div's d/db = (a / b) / b).
#  - 2: formulas of a few roundings: sigmoid = 1 / (1 + e) or e / (1 + e) (exp, a sum, a quotient),
#    softplus = max(a, 0) + log1p(e^-|a|); pow's rules (pow is < 1 ulp, then a product:
#    y * x ** (y - 1) and x ** y * log(x)); tanh' = 4t / (1 + t)**2 and sigmoid' = e / (1 + e)**2
#    (exp, a sum, a square, a quotient: each error is damped by t / (1 + t) <= 1/2, so they
#    add up to <= 2 ulp in the worst case found, and 2 subnormal ulps where the result is subnormal:
#    4t is 4 times a float rounded to the subnormal grid). ipow: pow's rules, and IEEE's inf/NaN at the
#    poles, complex powers and overflows (all exact). logaddexp = m + log1p(t - t * e) (exp, log1p, a sum:
#    <= 2 ulp; where it cancels, 2 ulps of max(a, b): see `cancels`) and its derivatives sigmoid(a - b)
#    with a - b's rounding put back (as sigmoid's, <= 2 ulp).
BOUNDS: dict[str, tuple[int, ...]] = {
    "add": (0, 0, 0), "sub": (0, 0, 0), "mul": (0, 0, 0), "div": (0, 0, 1), "pow": (1, 2, 2), "ipow": (1, 2, 2),
    "logaddexp": (2, 2, 2),
    "leaky_relu": (0, 0, 0), "neg": (0, 0), "abs": (0, 0), "exp": (1, 1), "log": (1, 0), "sqrt": (0, 1),
    "tanh": (1, 2), "sigmoid": (2, 2), "relu": (0, 0), "softplus": (2, 2), "sin": (1, 1), "cos": (1, 1),
    "sum": (0, 0), "mean": (0, 0),
}
# create_graph's derivatives (ValueMath graphs) are the same formulas built from ops, except tanh'
# and sigmoid' near 0 (|a| < 0.5 for tanh, |a| < 1 for sigmoid), where the graph is 1 - tanh(a)**2 (so
# that the *second* derivative does not cancel): one more rounding there, bounded by 2 ulp again.
GRAPH_EXTRA = {"tanh": 0, "sigmoid": 1}
# Batch mode evaluates the same formulas with numpy, whose exp, log1p, log and power differ from the C
# library's (math.exp...) by <= 1 ulp (power(x, -1.0) too, in sqrt's rule) and whose tanh by <= 3 ulp
# (numpy's own SIMD tanh; 1 on this grid, 3 on test_numpy_ulps.py's: arraymath.NUMPY_ULPS); sqrt, sin, cos,
# + - * / match bit for bit. pow's d/db = x**y * log(x) adds both (power and log: <= 3), logaddexp's
# exp and log1p (<= 2). So batch results equal the scalar engine's within these bounds (value,
# derivatives), observed on the grids here, and numpy warns about none of the grids' overflows.
BATCH_BOUNDS: dict[str, tuple[int, int]] = {
    "exp": (1, 1), "log": (1, 0), "tanh": (3, 2), "sigmoid": (1, 2), "softplus": (2, 1), "pow": (1, 3), "sqrt": (0, 1),
    "ipow": (1, 3), "logaddexp": (2, 2)}


def _skip(name: str, args: tuple[float, ...]) -> bool:
    """Points outside an op's domain (the engine raises there: tested elsewhere)."""
    if name == "div":
        return args[1] == 0.0
    return False


class Point:
    """One input of one op: the engine's node (or None where it raises) and the exact results."""

    def __init__(self, op: Any, args: tuple[float, ...]) -> None:
        self.args = args
        values = [Value(x) for x in args]
        try:
            self.node: Any = getattr(values[0], op.method)(*values[1:])
        except (ValueError, ZeroDivisionError, OverflowError):
            self.node = None
            return
        value, derivatives = REFERENCE[op.name]
        exact = [mp.mpf(x) for x in args]
        self.value = to_float(value(*exact))
        self.derivatives = []
        for rule in derivatives:
            try:
                self.derivatives.append(to_float(mp.mpf(rule(*exact))))
            except ZeroDivisionError:
                self.derivatives.append(math.inf)


def cancels(name: str, args: tuple[float, ...], exact: float) -> bool:
    """Where logaddexp's m + log1p(e^-d) cancels (m = max(a, b) < 0, the result below |m| / 2): the error is
    measured in ulps of m there, as a - b's would be if a and b came rounded (see FloatMath.logaddexp)."""
    return name == "logaddexp" and abs(exact) < abs(max(args)) / 2


def distance(name: str, args: tuple[float, ...], got: float, exact: float) -> int:
    """ulps(got, exact), or where the op's result cancels, |got - exact| in ulps of max(a, b), rounded up."""
    if cancels(name, args, exact):
        return math.ceil(abs(got - exact) / math.ulp(max(args)))
    return ulps(got, exact)


def measure(op: Any, points: list[Point] | None = None) -> dict[str, Any]:
    """Max ulp error of the value, of each local derivative (floats), and of create_graph's derivatives.
    ("value, cancelling": logaddexp's value where it cancels, in ulps of max(a, b).)"""
    points = points if points is not None else [Point(op, args) for args in grid(op.name)]
    worst: dict[str, Any] = {"value": (0, None)}
    for p in points:
        if p.node is None:
            continue
        e = distance(op.name, p.args, p.node.data, p.value)
        key = "value, cancelling" if cancels(op.name, p.args, p.value) else "value"
        if e > worst.setdefault(key, (0, None))[0]:
            worst[key] = (e, p.args)
        for i, ((_, d), (_, g)) in enumerate(zip(local_derivatives(p.node), local_derivatives(p.node, ValueMath))):
            if p.derivatives[i] != p.derivatives[i]:
                continue  # undefined (d/db of a negative base's power: complex): the engine's NaN is tested elsewhere
            for key, got in ((f"d{i}", d), (f"graph d{i}", getattr(g, "data", g))):
                e = ulps(float(got), p.derivatives[i])
                if e > worst.setdefault(key, (0, None))[0]:
                    worst[key] = (e, p.args)
    return worst


def batch_gap(op: Any, points: list[Point]) -> dict[str, Any]:
    """Max ulp distance between batch mode (the grid as one Batch per input) and the scalar engine."""
    live = [p for p in points if p.node is not None]
    if op.reduces:  # sum and mean reduce a batch to one number: the identity per sample is checked above
        return {}
    inputs = [Batch(np.array([p.args[i] for p in live])) for i in range(op.arity)]
    node = getattr(inputs[0], op.method)(*inputs[1:])
    gaps = {"value": max(distance(op.name, p.args, float(x), p.node.data) for x, p in zip(node.data, live))}
    scalar = [local_derivatives(p.node) for p in live]
    for i, (_, d) in enumerate(local_derivatives(node)):
        gaps[f"d{i}"] = max(ulps(float(x), float(s[i][1])) for x, s in zip(np.broadcast_to(d, node.data.shape), scalar))
    return gaps


_CACHE: dict[str, list[Point]] = {}


def points_of(op: Any) -> list[Point]:
    if op.name not in _CACHE:
        _CACHE[op.name] = [Point(op, args) for args in grid(op.name) if not _skip(op.name, args)]
    return _CACHE[op.name]


# ------------------------------------------------------------------------------------------------ tests
@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
def test_value_and_local_derivatives_are_exact_to_a_few_ulps(op):
    worst = measure(op, points_of(op))
    bounds = BOUNDS[op.name]
    assert worst["value"][0] <= bounds[0], (op.name, "value", worst["value"])
    assert worst.get("value, cancelling", (0,))[0] <= bounds[0], (op.name, "value", worst["value, cancelling"])
    for i in range(op.arity):
        assert worst[f"d{i}"][0] <= bounds[1 + i], (op.name, f"d/d{'ab'[i]}", worst[f"d{i}"])
        graph_bound = bounds[1 + i] + GRAPH_EXTRA.get(op.name, 0)
        assert worst[f"graph d{i}"][0] <= graph_bound, (op.name, f"create_graph d/d{'ab'[i]}", worst[f"graph d{i}"])


# The grid's overflowing entries (MAX + MAX, 1 / 5e-324...) give inf per sample, as in the scalar engine, and
# no warning either (any warning fails the test).
@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
def test_batch_mode_gives_the_scalar_engines_numbers(op):
    gaps = batch_gap(op, points_of(op))
    value_bound, derivative_bound = BATCH_BOUNDS.get(op.name, (0, 0))
    for key, gap in gaps.items():
        assert gap <= (value_bound if key == "value" else derivative_bound), (op.name, key, gap)


def test_every_op_of_the_table_has_a_reference_and_bounds():
    assert {op.name for op in TABLE} <= set(REFERENCE) & set(BOUNDS)


def _relative(got: float, exact: Any) -> float:
    return float(abs((mp.mpf(got) - exact) / exact))


@pytest.mark.parametrize("x", [14.2, -14.2, -20.0, 20.0, 100.0, 354.7, 0.3])
def test_tanh_derivative_in_saturation(x):
    (_, d), = local_derivatives(Value(x).tanh())
    exact = mp.sech(mp.mpf(x)) ** 2
    assert ulps(d, to_float(exact)) <= 2
    assert d > 0.0 and (_relative(d, exact) < 5e-16 or abs(x) > 354)  # (beyond 354 the result is subnormal)


@pytest.mark.parametrize("x", [30.0, -30.0, 40.0, -745.0, 700.0, -0.5])
def test_sigmoid_derivative_in_saturation(x):
    (_, d), = local_derivatives(Value(x).sigmoid())
    exact = _sigmoid(mp.mpf(x)) * _sigmoid(-mp.mpf(x))
    assert ulps(d, to_float(exact)) <= 2
    assert d > 0.0


def test_the_textbook_forms_would_have_failed_here():
    """What the old rules gave: the reason for the new ones (1 - out * out and out * (1 - out))."""
    t, s = math.tanh(14.2), 1.0 / (1.0 + math.exp(-30.0))
    assert _relative(1.0 - t * t, mp.sech(mp.mpf(14.2)) ** 2) > 1e-5  # ~4 correct digits of 16
    assert _relative(s * (1.0 - s), _sigmoid(mp.mpf(30)) * _sigmoid(mp.mpf(-30))) > 1e-3  # ~2 digits
    assert 1.0 - math.tanh(19.1) ** 2 == 0.0 and s * (1.0 - s) != 0.0  # none from 19.1 on (true: 1.1e-16)


@pytest.mark.parametrize("x", [14.2, -14.2, 20.0, 100.0, 0.7, 1e-8, -3e-5])
def test_second_derivative_of_tanh_is_accurate(x):
    got = grad(grad(lambda v: v.tanh()))(x)
    exact = -2 * mp.tanh(mp.mpf(x)) * mp.sech(mp.mpf(x)) ** 2
    assert _relative(got, exact) < 1e-15


@pytest.mark.parametrize("x", [30.0, -30.0, 50.0, 2.5, 1e-8])
def test_second_derivative_of_sigmoid_is_accurate(x):
    got = grad(grad(lambda v: v.sigmoid()))(x)
    a = mp.mpf(x)
    exact = _sigmoid(a) * _sigmoid(-a) * (_sigmoid(-a) - _sigmoid(a))
    assert _relative(got, exact) < 1e-15


def test_third_derivative_of_tanh_in_saturation():
    got = grad(grad(grad(lambda v: v.tanh())))(15.0)
    a = mp.mpf(15)
    exact = mp.diff(mp.tanh, a, 3)
    assert _relative(got, exact) < 1e-14


def test_div_derivative_where_the_quotient_underflows():
    """-a / b**2 when a / b is subnormal but a / b**2 is not: -(a / b) / b would keep ~15 bits."""
    a, b = 7.6601705789e-313, 0.005903393330965587  # -(a / b) / b is 79 ulps off here
    exact = to_float(-mp.mpf(a) / mp.mpf(b) ** 2)
    assert ulps(-(a / b) / b, exact) > 50
    (_, da), (_, db) = local_derivatives(Value(a) / Value(b))
    assert ulps(db, exact) <= 1


def test_pow_derivative_where_the_exponent_minus_one_rounds():
    """y - 1 drops bits of y = 0.1 (and of y >= 2**53): x ** (y - 1) then misses by x ** r."""
    for x, y in [(1e-300, 0.1), (1e300, -0.3), (1.0 + 5e-14, 2.0**53 + 2.0), (-(1.0 + 5e-14), 2.0**53 + 2.0)]:
        (_, da), _ = local_derivatives(Value(x) ** Value(y))
        assert ulps(da, to_float(_pow_da(mp.mpf(x), mp.mpf(y)))) <= 2, (x, y)


# ------------------------------------------------------------------------------------------------ table
def table() -> str:
    """The max ulp error per op: value, each local derivative, create_graph's, and batch vs scalar."""
    rows = [f"{'op':<11}{'value':>6}{'d/da':>6}{'d/db':>6}{'graph d/da':>12}{'graph d/db':>12}{'batch':>14}"]
    notes = []
    for op in TABLE:
        points = points_of(op)
        worst = measure(op, points)
        gaps = batch_gap(op, points)

        def cell(key: str, width: int, worst: dict[str, Any] = worst) -> str:
            return f"{worst[key][0]:>{width}}" if key in worst else f"{'':>{width}}"

        batch = "/".join(str(gaps[k]) for k in ("value", "d0", "d1") if k in gaps) or "-"
        rows.append(f"{op.name:<11}{cell('value', 6)}{cell('d0', 6)}{cell('d1', 6)}{cell('graph d0', 12)}"
                    f"{cell('graph d1', 12)}{batch:>14}")
        if "value, cancelling" in worst:
            notes.append(f"{op.name}'s value where it cancels (|result| < |max(a, b)| / 2): "
                         f"{worst['value, cancelling'][0]} ulps of max(a, b)")
    count = sum(len(points_of(op)) for op in TABLE)
    rows.append(f"(max ulps vs mpmath at {mp.dps} digits over {count} points; batch: value/d/da/d/db vs scalar)")
    return "\n".join(rows + notes)


if __name__ == "__main__":
    print(table())
