"""The Value namespace for the op table's rules: derivatives built as graph, for create_graph=True.

Each function mirrors one in `autograd.core.floatmath.FloatMath`, but takes and returns Values, so a
derivative computed with it can be differentiated again (grad of grad). Piecewise-constant
pieces (step, sign) are constants: their own derivative is zero. Batches work too (the methods
dispatch on the class; constants are computed with `ArrayMath`), except where a batch would need
a graph through a pole for some samples and not others: that raises a ValueError saying so.
"""

from __future__ import annotations

import math
from operator import methodcaller
from typing import Any

import numpy as np

from .arraymath import ArrayMath, first, whole
from .floatmath import MIN_NORMAL, SCALE, FloatMath, exponent_residual
from .node import Node, constant

Value = Any  # every function here takes and returns Values (or Batches): their operators are generated


def _const(x: Any) -> Value:
    return constant(x)  # a constant Batch for an array


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Node) else float(x)


def _batched(*xs: Any) -> bool:
    return any(isinstance(x, np.ndarray) for x in xs)


def _mixed(what: str, bad: np.ndarray) -> ValueError:
    return ValueError(f"create_graph: {what} at sample {first(bad)} but not at every sample; a batch graph cannot "
                      f"take that derivative for some samples only: differentiate those samples in scalar mode")


def _sech2_tails(a: Value) -> Value:
    t = (abs(a) * -2.0).exp()
    return 4.0 * t / (1.0 + t * (2.0 + t))


def _sech2_near_zero(a: Value) -> Value:
    t = a.tanh()
    return 1.0 - t * t


class ValueMath:
    """Value implementations of the functions the op table's rules call."""

    exp = staticmethod(methodcaller("exp"))
    log = staticmethod(methodcaller("log"))
    sqrt = staticmethod(methodcaller("sqrt"))
    tanh = staticmethod(methodcaller("tanh"))
    sigmoid = staticmethod(methodcaller("sigmoid"))
    softplus = staticmethod(methodcaller("softplus"))
    relu = staticmethod(methodcaller("relu"))
    sin = staticmethod(methodcaller("sin"))
    cos = staticmethod(methodcaller("cos"))
    total = staticmethod(methodcaller("sum"))
    average = staticmethod(methodcaller("mean"))
    abs = staticmethod(abs)

    @staticmethod
    def leaky_relu(a: Any, slope: Any) -> Any:
        return a.leaky_relu(slope)

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        return a / b

    @staticmethod
    def pow(a: Any, b: Any) -> Any:
        return a**b

    @staticmethod
    def ipow(a: Any, b: Any) -> Value:
        """a ** b, or a constant inf/nan where FloatMath.ipow gives one (no graph through a pole)."""
        x, y = _data(a), _data(b)
        if _batched(x, y):
            pole = (np.equal(x, 0.0) & np.less(y, 0.0)) | (np.less(x, 0.0) & ~whole(y))
            if pole.all():
                return _const(ArrayMath.ipow(x, y))
            if pole.any():
                raise _mixed("the derivative has a pole (0 to a negative power, or a complex power)", pole)
            return a**b
        p = FloatMath.ipow(x, y)
        if not math.isfinite(p):  # a pole, a complex power, or an overflow (inf, as FloatMath.ipow)
            return _const(p)
        return a**b

    @staticmethod
    def power_rule(a: Any, b: Any) -> Value:
        """b * a ** (b - 1); a constant 0 where b is a constant 0 (as FloatMath.power_rule). A variable
        exponent that is 0 here keeps its graph: the value is 0, its derivatives need not be. Where
        rounding b - 1 dropped bits, FloatMath's correction p + p * (r * log|a|) is applied as a constant
        factor's worth (its own derivative, ~r / a, is below the rounding of the rest). A scalar takes
        FloatMath's other exact forms too (where a ** (b - 1) over- or underflows); a batch keeps
        b * a ** (b - 1) there."""
        x, y = _data(a), _data(b)
        if (np.all(np.equal(y, 0.0)) if _batched(y) else y == 0.0) and not getattr(b, "requires_grad", False):
            return _const(0.0)
        d = b - 1.0
        p = ValueMath.ipow(a, d)
        pd = _data(p)
        if _batched(x, y, pd):
            with np.errstate(all="ignore"):
                dd = np.asarray(_data(d))
                r = np.where(np.abs(y) >= 1.0, (y - dd) - 1.0, y - (dd + 1.0))
                fix = (r != 0.0) & (np.abs(pd) > 0.0) & (np.abs(pd) < math.inf)
                if fix.any() and np.isfinite(pd).all():
                    c = np.where(fix, r * np.log(np.abs(np.broadcast_to(x, fix.shape))), 0.0)
                    p = (p + p * _const(c)) * _const(np.where(fix & np.less(x, 0.0), -1.0, 1.0))
            return b * p
        if abs(pd) == math.inf and x != 0.0 and abs(y) < 1.0:  # as FloatMath.power_rule
            return (b / a) * ValueMath.ipow(a, b)
        r = exponent_residual(y, _data(d))
        if abs(pd) < MIN_NORMAL and x != 0.0:  # as FloatMath.power_rule: from the normal half power
            h = ValueMath.ipow(abs(a) if x < 0.0 else a, d * 0.5)
            if r != 0.0:
                h = h + h * _const(r * 0.5 * math.log(abs(x)))
            return (-b if x < 0.0 and (_data(d) % 2.0 == 1.0 or r != 0.0) else b) * h * h
        if r != 0.0 and 0.0 < abs(pd) < math.inf:
            p = p + p * _const(r * math.log(abs(x)))
            if x < 0.0:
                p = -p
        return b * p

    @staticmethod
    def ratio2(a: Any, b: Any, out: Any) -> Value:
        """a / b**2 given out = a / b: out / b, or where out underflowed (as FloatMath.ratio2) the scaled
        (a * 2**SCALE / b / b) / 2**SCALE, whose graph keeps the bits too."""
        x, q = _data(a), _data(out)
        if _batched(x, q):
            with np.errstate(all="ignore"):
                low = (np.abs(q) < MIN_NORMAL) & ~(np.equal(q, 0.0) & np.equal(x, 0.0))
            if not low.any():
                return out / b
            if low.all():
                return a * 2.0**SCALE / b / b * 2.0**-SCALE
            mask = low.astype(np.float64)  # each sample through its own branch; the other's term is 0
            return out * _const(1.0 - mask) / b + a * _const(mask * 2.0**SCALE) / b / b * 2.0**-SCALE
        if abs(q) >= MIN_NORMAL or q == 0.0 and x == 0.0 or q != q:
            return out / b
        return a * 2.0**SCALE / b / b * 2.0**-SCALE

    @staticmethod
    def sech2(a: Any) -> Value:
        """1 - tanh(a)**2 as a graph whose value and derivative (-2 tanh(a) sech(a)**2) are both accurate.

        For |a| >= 0.5 FloatMath.sech2's graph, 4t / (1 + t)**2 with t = exp(-2|a|) (the same value, bit for
        bit): its derivative sums two terms whose ratio is 2t / (1 + t) <= 0.54 there, so it cancels at most
        a bit. For |a| < 0.5 that ratio nears 1 (the derivative nears 0), so there the graph is
        1 - tanh(a) * tanh(a) (no cancellation while tanh(a)**2 < 0.22): its derivative is a product.
        """
        x = _data(a)
        small = np.abs(x) < 0.5 if _batched(x) else abs(x) < 0.5
        if not _batched(x):
            return _sech2_near_zero(a) if small else _sech2_tails(a)
        if small.all():
            return _sech2_near_zero(a)
        if not small.any():
            return _sech2_tails(a)
        mask = small.astype(np.float64)  # both graphs are finite everywhere: blend them per sample
        return _const(mask) * _sech2_near_zero(a) + _const(1.0 - mask) * _sech2_tails(a)

    @staticmethod
    def dsigmoid(a: Any) -> Value:
        """sigmoid(a) * sigmoid(-a) = sech(a / 2)**2 / 4, so ValueMath.sech2's graph (accurate value and
        derivative); where |a| >= 1 its value equals FloatMath.dsigmoid's bit for bit."""
        return 0.25 * ValueMath.sech2(0.5 * a)

    @staticmethod
    def xlog(z: Value, a: Value, b: Value | None = None) -> Value:
        """z * log(a), 0 where z is 0, a constant NaN where a < 0 (as FloatMath.xlog; a scalar z = a ** b that
        underflowed is rebuilt from a ** (b / 2) as there; a batch keeps z * log(a))."""
        zd, ad = _data(z), _data(a)
        if _batched(zd, ad, _data(b) if b is not None else 0.0):
            if np.all(np.equal(zd, 0.0)):
                return _const(0.0)
            bad = ~np.greater(ad, 0.0)
            if bad.any():
                if (bad | np.equal(zd, 0.0)).all():
                    return _const(ArrayMath.xlog(zd, ad))
                raise _mixed("the base of a power is <= 0", bad)
            return z * ValueMath.log(a)
        rebuild = b is not None and abs(zd) < MIN_NORMAL and 0.0 < ad < math.inf  # as FloatMath.xlog
        if zd == 0.0 and not rebuild:
            return _const(0.0)
        if ad <= 0.0:
            return _const(math.nan)
        if rebuild and b is not None:
            h = a ** (b * 0.5)
            return h * ValueMath.log(a) * h
        return z * ValueMath.log(a)

    @staticmethod
    def step(a: Any) -> Value:
        x = _data(a)
        return _const(ArrayMath.step(x) if _batched(x) else FloatMath.step(x))

    @staticmethod
    def sign(a: Any) -> Value:
        x = _data(a)
        return _const(ArrayMath.sign(x) if _batched(x) else FloatMath.sign(x))

    @staticmethod
    def ones(a: Any) -> Value:
        x = _data(a)
        return _const(ArrayMath.ones(x) if _batched(x) else 1.0)

    @staticmethod
    def count(a: Any) -> Value:
        x = _data(a)
        return _const(ArrayMath.count(x) if _batched(x) else 1.0)
