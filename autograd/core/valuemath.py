"""The Value namespace for the op table's rules: derivatives built as graph, for create_graph=True.

Each function mirrors one in `autograd.core.floatmath.FloatMath`, but takes and returns Values, so a
derivative computed with it can be differentiated again (grad of grad). Piecewise-constant
pieces (step, sign) are constants: their own derivative is zero. Batches work too (the methods
dispatch on the class; constants are computed with `ArrayMath`), except where a batch would need
a graph through a pole for some samples and not others: that raises a ValueError saying so.

Where a local derivative is infinite or NaN (x ** -1 at 1e-200, sqrt' at 0, d/db of (-2) ** b), it is
still a graph, never a constant: a constant's derivatives are 0, so grad(grad(f)) would give 0 where
the first order gave inf. A power that would raise is built with the `ipow` op (IEEE: inf at a pole,
whose derivatives are the IEEE infinities again) and an undefined value as NaN times its inputs.
"""

from __future__ import annotations

import math
from operator import methodcaller
from typing import Any

import numpy as np

from .arraymath import ArrayMath, first, quiet
from .floatmath import MIN_NORMAL, SCALE, FloatMath, exponent_residual
from .node import Node, apply, constant
from .op import OPS

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


def _undefined(*inputs: Value) -> Value:
    """NaN as a graph of `inputs`: its derivatives are NaN too (a constant NaN's would be 0)."""
    return sum(inputs[1:], inputs[0]) * math.nan


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
    def recip(a: Any) -> Value:
        """1 / a; where a is 0, ipow(a, -1) (inf, with the derivative -inf: a graph, as ipow's)."""
        x = _data(a)
        if not (np.equal(x, 0.0).any() if _batched(x) else x == 0.0):
            return 1.0 / a
        return ValueMath.ipow(a, -1.0)

    @staticmethod
    def logaddexp(a: Any, b: Any) -> Value:
        """The logaddexp op itself: its graph has the op's derivatives, and theirs (any order)."""
        return apply(OPS["logaddexp"], a, b)

    @staticmethod
    def dlogaddexp(a: Any, b: Any) -> Value:
        """sigmoid(a - b), plus what rounding a - b lost (a constant, FloatMath.dlogaddexp's value minus the
        graph's: exact, so the value is FloatMath's bit for bit; its own derivative is below the rounding)."""
        s = ValueMath.sigmoid(a - b)
        x, y = _data(a), _data(b)
        with quiet():
            lost = (ArrayMath if _batched(x, y) else FloatMath).dlogaddexp(x, y) - s.data
        return s + _const(lost) if np.any(lost) else s

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
        """a ** b (the pow op) where that is finite; elsewhere (a pole, a complex power, an overflow) the ipow
        op, whose value is FloatMath.ipow's inf or NaN and whose derivatives are IEEE's too."""
        x, y = _data(a), _data(b)
        p = ArrayMath.ipow(x, y) if _batched(x, y) else FloatMath.ipow(x, y)
        if np.isfinite(p).all() if _batched(p) else math.isfinite(p):
            return a**b
        return apply(OPS["ipow"], a, b)

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
            with quiet():
                dd = np.asarray(_data(d))
                r = np.where(np.abs(y) >= 1.0, (y - dd) - 1.0, y - (dd + 1.0))
                fix = (r != 0.0) & (np.abs(pd) > 0.0) & (np.abs(pd) < math.inf)
                if fix.any() and np.isfinite(pd).all():  # (p * 0 would be NaN at an infinite sample)
                    c = np.where(fix, r * np.log(np.abs(np.broadcast_to(x, fix.shape))), 0.0)
                    p = p + p * _const(c)
                flip = (r != 0.0) & np.less(x, 0.0)  # the rounded exponent is even, the true one odd
                if flip.any():
                    p = p * _const(np.where(flip, -1.0, 1.0))
            return b * p
        if abs(pd) == math.inf and x != 0.0 and abs(y) < 1.0:  # as FloatMath.power_rule
            return (b / a) * ValueMath.ipow(a, b)
        r = exponent_residual(y, _data(d))
        if abs(pd) < MIN_NORMAL and 0.0 < abs(x) < math.inf:  # as FloatMath.power_rule: from the normal half power
            h = ValueMath.ipow(abs(a) if x < 0.0 else a, d * 0.5)
            if r != 0.0:
                h = h + h * _const(r * 0.5 * math.log(abs(x)))
            return (-b if x < 0.0 and (_data(d) % 2.0 == 1.0 or r != 0.0) else b) * h * h
        if r != 0.0 and 0.0 < abs(pd) < math.inf:
            p = p + p * _const(r * math.log(abs(x)))
        if r != 0.0 and x < 0.0:  # the rounded exponent is even, the true one odd (also where p is inf)
            p = -p
        return b * p

    @staticmethod
    def ratio2(a: Any, b: Any, out: Any) -> Value:
        """a / b**2 given out = a / b: out / b, or where out underflowed (as FloatMath.ratio2) the scaled
        (a * 2**SCALE / b / b) / 2**SCALE, whose graph keeps the bits too."""
        x, q = _data(a), _data(out)
        if _batched(x, q):
            with quiet():
                low = (np.abs(q) < MIN_NORMAL) & ~(np.equal(q, 0.0) & np.equal(x, 0.0))
            if not low.any():
                return out / b
            if low.all():
                return a * 2.0**SCALE / b / b * 2.0**-SCALE
            if not (np.isfinite(x).all() and np.isfinite(q).all()):  # a blend would be inf * 0 = NaN there:
                return out / b  # keep the infinities, not the bits of the underflowed quotients (first order has)
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
        """z * log(a), 0 where z is 0 (a zero base: PyTorch's 0 too), NaN where a < 0 (as FloatMath.xlog: NaN
        whose derivatives are NaN, as log(a)'s; a scalar z = a ** b that underflowed is rebuilt from
        a ** (b / 2) as there; a batch keeps z * log(a))."""
        zd, ad = _data(z), _data(a)
        if _batched(zd, ad, _data(b) if b is not None else 0.0):
            if np.all(np.equal(zd, 0.0)):
                return _const(0.0)
            bad = ~np.greater(ad, 0.0)
            if bad.all() and not np.equal(zd, 0.0).any():
                return _undefined(z, a)
            infinite = np.equal(ad, math.inf) & np.equal(zd, 0.0)  # inf ** -b: 0, where z * log(a) would be 0 * inf
            if infinite.any():  # (not every z is 0: see above)
                raise _mixed("the base of a power is inf (the derivative 0 * log(inf) is 0)", infinite)
            if bad.any():
                if (bad | np.equal(zd, 0.0)).all():  # NaN at some samples, 0 at the others: no one graph
                    return _const(ArrayMath.xlog(zd, ad))
                raise _mixed("the base of a power is <= 0", bad)
            return z * ValueMath.log(a)
        rebuild = b is not None and abs(zd) < MIN_NORMAL and 0.0 < ad < math.inf  # as FloatMath.xlog
        if zd == 0.0 and not rebuild:
            return _const(0.0)
        if not ad > 0.0:  # (NaN too)
            return _undefined(z, a)
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
