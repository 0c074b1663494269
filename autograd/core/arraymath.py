"""Array math for the op table: the numpy namespace that batch rules are evaluated in.

The mirror of `autograd.core.floatmath.FloatMath` for `Batch` nodes, whose data is a 1-D float64 array
(one entry per sample); either input of a binary function may be a plain float instead (a
scalar Value or a number broadcast over the batch). Forward functions check their domain over the
whole batch and raise FloatMath's error types, naming the first bad entry and its index; the op
method adds the op's name. Functions used only inside derivative rules follow IEEE 754 as in
FloatMath (inf/NaN, never an exception).

No function here lets numpy warn: where the scalar engine gives inf or NaN silently (1e308 * 10, inf -
inf, 1 / 5e-324), so does a batch, per sample (`quiet`). Per-sample results equal FloatMath's, except
that numpy's exp, log, log1p and power may differ from the C library's (math's) by 1 ulp and
its tanh by 3 (`NUMPY_ULPS`, measured over dense grids by tests/autograd/core/test_numpy_ulps.py;
sqrt, sin, cos and + - * / agree bit for bit); an op's batch result is within the bounds that
test_precision.py lists (BATCH_BOUNDS) of its scalar result.

`summary` is the one place an array is turned into text ("[100] mean 0.42"), for error
messages, graph labels, the Stepper and explain alike: a batch is never printed in full.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from .floatmath import EXP_MAX, LN2, LN2_LO, MIN_NORMAL, SCALE, two_diff

# The most numpy's functions differ from math's (ulps), on this project's machines (x86-64, numpy 2):
# numpy has SIMD versions of its own for these; sqrt, sin and cos are the C library's or exact.
NUMPY_ULPS = {"exp": 1, "log": 1, "log1p": 1, "power": 1, "tanh": 3, "sqrt": 0, "sin": 0, "cos": 0}

try:  # numpy >= 2 keeps its error state in a context variable: setting it costs ~0.1 us, np.errstate ~1 us
    _config = importlib.import_module("numpy._core._ufunc_config")
    # silence(): stop numpy's floating-point warnings in this context; restore(its result) ends that.
    silence: Callable[[], Any] = partial(_config._extobj_contextvar.set, _config._make_extobj(all="ignore"))
    restore: Callable[[Any], Any] = _config._extobj_contextvar.reset
except (ImportError, AttributeError):  # numpy 1.x: a per-thread setting
    def _restore(token: Any) -> Any:
        return np.seterr(**token)

    silence, restore = partial(np.seterr, all="ignore"), _restore


class quiet:
    """`with quiet():` numpy gives inf and NaN silently, as Python's float arithmetic does (np.errstate, faster)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = silence()

    def __exit__(self, *exc: object) -> None:
        restore(self._token)


_f64 = np.float64
_ndarray = np.ndarray
_greater, _less = np.greater, np.less
_empty = np.empty
_inf, _nan = float("inf"), float("nan")


def _short(x: float) -> str:
    return f"{x:.6g}"


def summary(x: Any, style: Callable[[float], str] = _short) -> str:
    """An array as its length and mean ("[100] mean 0.42", the mean written by `style`)."""
    x = np.asarray(x)
    if not x.size:
        return f"[{x.size}] empty"
    with quiet():
        mean = float(x.mean())
    return f"[{x.size}] mean {style(mean)}"


def first(mask: Any) -> int:
    """The index of the first true entry of a 1-D boolean mask (0 for a 0-d one)."""
    mask = np.asarray(mask)
    return int(np.argmax(mask)) if mask.ndim else 0


def entry(x: Any, i: int, shape: tuple) -> float:
    """Entry i of x broadcast to `shape` (x may be a plain float)."""
    return float(np.broadcast_to(x, shape).flat[i]) if np.ndim(x) else float(x)


def finite(x: Any) -> bool:
    """True if x (a float or an array) has no NaN or inf."""
    if x.__class__ is _ndarray:
        return bool(np.isfinite(x).all())
    return bool(np.isfinite(x))


def where_bad(x: Any) -> str:
    """ "nan at index 3" for the first NaN/inf entry of an array, or repr(x) for a float."""
    if x.__class__ is _ndarray and x.ndim:
        i = first(~np.isfinite(x))
        return f"{float(x.flat[i])!r} at index {i} (of {x.size})"
    return repr(float(x))


def whole(y: Any) -> Any:
    """Entries of y that are whole numbers (inf and NaN are not, as float.is_integer says)."""
    with quiet():
        return np.isfinite(y) & (np.floor(y) == y)


def _finite_for(name: str, x: Any) -> None:
    bad = np.isinf(x)
    if bad.any():
        i = first(bad)
        raise ValueError(f"{name} is defined for finite inputs, got {entry(x, i, np.shape(x))!r} at index {i}")


class ArrayMath:
    """numpy implementations of the functions the op table's rules call (see FloatMath), without warnings."""

    @staticmethod
    def recip(x: Any) -> Any:
        """1 / x, +-inf at +-0 (IEEE, as FloatMath.recip)."""
        with quiet():
            return 1.0 / x

    @staticmethod
    def exp(x: Any) -> Any:
        top = x.max()
        if top > EXP_MAX or top != top:  # NaN hides the max: look entry by entry
            bad = x > EXP_MAX
            if bad.any():
                i = first(bad)
                raise OverflowError(f"exp({float(x.flat[i])!r}) at index {i} is larger than the largest float "
                                    f"(inputs up to ~709.78 work)")
        return np.exp(x)

    @staticmethod
    def log(x: Any) -> Any:
        if not x.min() > 0.0:  # a NaN makes the min NaN, which also fails
            i = first(~(x > 0.0))
            raise ValueError(f"log is defined for inputs > 0, got {float(x.flat[i])!r} at index {i}")
        return np.log(x)

    @staticmethod
    def sqrt(x: Any) -> Any:
        bad = x < 0.0
        if bad.any():
            i = first(bad)
            raise ValueError(f"sqrt is defined for inputs >= 0, got {float(x.flat[i])!r} at index {i}")
        return np.sqrt(x)

    @staticmethod
    def div(x: Any, y: Any) -> Any:
        if y.__class__ is _ndarray:
            if not y.all():
                i = first(y == 0.0)
                raise ZeroDivisionError(f"division by zero ({entry(x, i, y.shape)!r} / {float(y.flat[i])!r} "
                                        f"at index {i})")
        elif y == 0.0:
            raise ZeroDivisionError(f"division by zero (every entry / {y!r})")
        with quiet():
            return x / y

    @staticmethod
    def pow(x: Any, y: Any) -> Any:
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        bad = _less(x, 0.0) & ~whole(y) & ~np.isinf(y)  # (a negative base to an infinite power is real)
        if bad.any():
            i = first(bad)
            raise ValueError(f"a negative base to a non-integer power is complex: {entry(x, i, shape)!r} ** "
                             f"{entry(y, i, shape)!r} at index {i}")
        bad = np.equal(x, 0.0) & _less(y, 0.0)
        if bad.any():
            i = first(bad)
            raise ZeroDivisionError(f"0.0 to a negative power ({entry(y, i, shape)!r}) divides by zero at index {i}")
        with quiet():
            out = np.power(x, y)
        bad = np.isinf(out) & np.isfinite(x) & np.isfinite(y)
        if bad.any():
            i = first(bad)
            raise OverflowError(f"{entry(x, i, shape)!r} ** {entry(y, i, shape)!r} at index {i} is larger than "
                                f"the largest float")
        return out

    @staticmethod
    def ipow(x: Any, y: Any) -> Any:
        """IEEE power (FloatMath.ipow): inf for 0 to a negative power (either zero), NaN for complex."""
        with quiet():
            out = np.power(x, y)
        return np.where(np.equal(x, 0.0) & _less(y, 0.0), _inf, out)

    @staticmethod
    def power_rule(x: Any, y: Any) -> Any:
        """y * x ** (y - 1), and 0 where y is 0, exact where y - 1 rounds, x ** (y - 1) overflows or
        underflows (the same cases and formulas as FloatMath.power_rule, per entry)."""
        with quiet():
            d = y - 1.0
            p = ArrayMath.ipow(x, d)
            shape = np.shape(p)
            x_ = np.broadcast_to(x, shape)
            r = np.where(np.abs(y) >= 1.0, (y - d) - 1.0, y - (d + 1.0))
            negative = _less(x_, 0.0)
            fix = (r != 0.0) & (np.abs(p) > 0.0) & (np.abs(p) < _inf)
            out = y * p
            if fix.any():
                fixed = p + p * (r * np.log(np.abs(x_)))
                out = np.where(fix, y * np.where(negative, -np.abs(fixed), fixed), out)
            tiny = (np.abs(p) < MIN_NORMAL) & ~np.equal(x_, 0.0) & np.isfinite(x_)  # (inf ** (y - 1) is 0: exact)
            if tiny.any():  # x ** (y - 1) underflowed
                h = np.abs(x_) ** (d * 0.5)
                h = np.where(r != 0.0, h + h * (r * 0.5 * np.log(np.abs(x_))), h)
                odd = negative & (np.equal(np.mod(d, 2.0), 1.0) | (r != 0.0))
                out = np.where(tiny, np.where(odd, -y, y) * h * h, out)
            flip = negative & (r != 0.0) & np.isinf(p)  # x ** (y - 1) overflowed: the true exponent is odd
            if flip.any():
                out = np.where(flip, y * -np.abs(p), out)
            over = np.isinf(p) & ~np.equal(x_, 0.0) & _less(np.abs(y), 1.0)
            if over.any():  # x ** (y - 1) overflows, y * it need not
                out = np.where(over, (y / x) * ArrayMath.ipow(x, y), out)
        return np.where(np.equal(y, 0.0), 0.0, out)

    @staticmethod
    def ratio2(x: Any, y: Any, q: Any) -> Any:
        """x / y**2 given q = x / y, keeping the bits an underflowed q lost (as FloatMath.ratio2)."""
        with quiet():
            out = q / y
            low = (np.abs(q) < MIN_NORMAL) & ~(np.equal(q, 0.0) & np.equal(x, 0.0))
            if low.any():
                out = np.where(low, np.ldexp(np.ldexp(x, SCALE) / y / y, -SCALE), out)
        return out

    @staticmethod
    def xlog(z: Any, x: Any, y: Any = None) -> Any:
        """z * log(x), 0 where z is 0, NaN where x <= 0, rebuilt where z = x ** y underflowed (as FloatMath.xlog)."""
        with quiet():
            out = np.where(_greater(x, 0.0), z * np.log(x), _nan)
            zero = np.equal(z, 0.0)
            if y is not None:  # z = x ** y underflowed (to 0 too: x > 0 and finite here)
                tiny = (np.abs(z) < MIN_NORMAL) & _greater(x, 0.0) & np.less(x, _inf)
                if tiny.any():
                    h = np.power(x, y * 0.5)
                    out = np.where(tiny, h * np.log(x) * h, out)
                    zero = zero & ~tiny
        return np.where(zero, 0.0, out)

    tanh = staticmethod(np.tanh)

    @staticmethod
    def sin(x: Any) -> Any:
        """np.sin, refusing an infinite entry as FloatMath.sin does (numpy would give nan and a warning)."""
        _finite_for("sin", x)
        return np.sin(x)

    @staticmethod
    def cos(x: Any) -> Any:
        _finite_for("cos", x)
        return np.cos(x)
    abs = staticmethod(np.abs)

    @staticmethod
    def sigmoid(x: Any) -> Any:
        """1 / (1 + e^-x) without overflow for any finite x (the same two branches as FloatMath)."""
        e = np.exp(-np.abs(x))
        return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    @staticmethod
    def sech2(x: Any) -> Any:
        """1 - tanh(x)**2 as 4t / (1 + t * (2 + t)), t = e^(-2|x|) (FloatMath.sech2's formula, step for step; per
        entry it equals FloatMath's up to numpy's exp, which differs from math.exp by <= 1 ulp: tested)."""
        with quiet():  # -2|x| is -inf for |x| > 9e307: t = 0, as in FloatMath
            t = np.exp(-2.0 * np.abs(x))
        return 4.0 * t / (1.0 + t * (2.0 + t))

    @staticmethod
    def dsigmoid(x: Any) -> Any:
        """sigmoid(x) * sigmoid(-x) as e / (1 + e * (2 + e)), e = e^(-|x|) (FloatMath.dsigmoid's formula)."""
        e = np.exp(-np.abs(x))
        return e / (1.0 + e * (2.0 + e))

    @staticmethod
    def softplus(x: Any) -> Any:
        """max(x, 0) + log1p(e^-|x|), stable for any finite x."""
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))

    @staticmethod
    def logaddexp(x: Any, y: Any) -> Any:
        """log(e^x + e^y): FloatMath.logaddexp's formula and edges, per entry."""
        with quiet():
            m, n = np.maximum(x, y), np.minimum(x, y)  # (NaN propagates)
            d, e = two_diff(m, n)
            t = np.exp(-d)
            out = np.where(d == _inf, m, m + np.log1p(t - t * e))
            return np.where(np.equal(x, y), (x + LN2) + LN2_LO, out)

    @staticmethod
    def dlogaddexp(x: Any, y: Any) -> Any:
        """sigmoid(x - y) with x - y's rounding put back: FloatMath.dlogaddexp's formula, per entry."""
        with quiet():
            d, e = two_diff(x, y)
            t = np.exp(-np.abs(d))
            up = d >= 0.0
            s = np.where(up, 1.0 / (1.0 + t), t / (1.0 + t))
            c = np.where(up, s * t * s, s / (1.0 + t))
            return np.where(e == e, s + c * e, s)

    @staticmethod
    def relu(x: Any) -> Any:
        return np.maximum(x, 0.0)  # NaN stays NaN

    @staticmethod
    def leaky_relu(x: Any, slope: Any) -> Any:
        with quiet():
            return np.where(_greater(x, 0.0), x, slope * x)

    @staticmethod
    def step(x: Any) -> Any:
        """Heaviside step, 0 at 0 and at NaN (as FloatMath.step)."""
        if x.__class__ is _ndarray:  # the comparison written straight into a float array: one pass, not two
            return _greater(x, 0.0, out=_empty(x.shape))
        return _greater(x, 0.0).astype(_f64)

    @staticmethod
    def sign(x: Any) -> Any:
        """1, -1 or 0 (also 0 for NaN, as FloatMath.sign)."""
        return _greater(x, 0.0).astype(_f64) - _less(x, 0.0)

    @staticmethod
    def total(x: Any) -> float:
        """The sum over the batch (the `sum` op's value)."""
        with quiet():
            return float(x.sum())

    @staticmethod
    def average(x: Any) -> float:
        """The mean over the batch (the `mean` op's value)."""
        with quiet():
            return float(x.sum()) / x.size

    @staticmethod
    def ones(x: Any) -> Any:
        return np.ones(x.shape)

    @staticmethod
    def count(x: Any) -> float:
        return float(x.size)
