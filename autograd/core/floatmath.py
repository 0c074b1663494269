"""Scalar math for the op table: the float namespace that rules are evaluated in.

Every rule in `autograd.core.builtin_ops` is written once against a namespace `m` (``m.exp(a)``,
``m.step(a)``...). This module is the float namespace: the eager engine evaluates values and
local derivatives with it. Forward functions check their domain and raise the precise Python
error (ValueError, ZeroDivisionError, OverflowError); the Value method adds the op's name and
the inputs. Functions used only inside derivative rules follow IEEE 754 instead (``ipow`` gives
inf for 0 to a negative power), because a derivative may be infinite where the value is fine.
"""

from __future__ import annotations

import math

EXP_MAX = 709.782712893384  # math.log(sys.float_info.max)
MIN_NORMAL = 2.2250738585072014e-308  # sys.float_info.min: below it a float has fewer than 53 bits
_exp, _sin, _cos = math.exp, math.sin, math.cos
_INFINITIES = (math.inf, -math.inf)
SCALE = 120  # ratio2 scales by 2**SCALE so that an underflowed quotient keeps its bits
LN2, LN2_LO = 0.6931471805599453, 2.3190468138462996e-17  # log(2) = LN2 + LN2_LO to ~107 bits


def exponent_residual(y: float, d: float) -> float:
    """(y - 1) - d exactly, where d = fl(y - 1): what rounding dropped from the exponent (Fast2Sum)."""
    return (y - d) - 1.0 if abs(y) >= 1.0 else y - (d + 1.0)


def two_diff(x: float, y: float) -> tuple[float, float]:
    """(s, e) with s = fl(x - y) and s + e = x - y exactly (Knuth's TwoSum; e is NaN where s is infinite)."""
    s = x - y
    t = s - x
    return s, (x - (s - t)) - (y + t)


class FloatMath:
    """Plain-float implementations of the functions the op table's rules call."""

    @staticmethod
    def recip(x: float) -> float:
        """1 / x for derivative rules (div's and log's), IEEE at zero: +-inf, where Python raises."""
        return 1.0 / x if x else math.copysign(math.inf, x)

    @staticmethod
    def exp(x: float) -> float:
        if x > EXP_MAX:
            raise OverflowError(f"exp({x!r}) is larger than the largest float (inputs up to ~709.78 work)")
        return math.exp(x)

    @staticmethod
    def log(x: float) -> float:
        if not x > 0.0:
            raise ValueError(f"log is defined for inputs > 0, got {x!r}")
        return math.log(x)

    @staticmethod
    def sqrt(x: float) -> float:
        if x < 0.0:
            raise ValueError(f"sqrt is defined for inputs >= 0, got {x!r}")
        return math.sqrt(x)

    @staticmethod
    def div(x: float, y: float) -> float:
        if y == 0.0:
            raise ZeroDivisionError(f"division by zero ({x!r} / {y!r})")
        return x / y

    @staticmethod
    def pow(x: float, y: float) -> float:
        """x ** y, with Python's (IEEE's) answers where they are real: (-0.5) ** inf is 0.0, (-1) ** inf is 1.0."""
        if x < 0.0 and not float(y).is_integer() and y not in _INFINITIES:
            raise ValueError(f"a negative base to a non-integer power is complex: {x!r} ** {y!r}")
        if x == 0.0 and y < 0.0:
            raise ZeroDivisionError(f"0.0 to a negative power ({y!r}) divides by zero")
        try:
            return x**y
        except OverflowError:
            raise OverflowError(f"{x!r} ** {y!r} is larger than the largest float") from None

    @staticmethod
    def ipow(x: float, y: float) -> float:
        """IEEE power, for derivative rules and the `ipow` op: never an exception. 0 (either zero) to a negative
        power is inf, a negative base to a non-integer power NaN, an overflow +-inf; elsewhere Python's x ** y."""
        if x == 0.0 and y < 0.0:
            return math.inf
        if -math.inf < x < 0.0 and not float(y).is_integer() and y not in _INFINITIES:  # ((-0.5) ** inf is 0.0,
            return math.nan  # (-inf) ** 0.5 is inf: real)
        try:
            return x**y
        except OverflowError:
            return math.inf if x > 0.0 or float(y) % 2.0 == 0.0 else -math.inf

    @staticmethod
    def power_rule(x: float, y: float) -> float:
        """d(x ** y)/dx = y * x ** (y - 1), and 0 where y is 0 (x ** 0 is constant, even at x = 0).

        y - 1 is rounded when y has bits below 2**-53 (0 < |y| < 0.5, say 0.1) or |y| >= 2**53: the dropped
        part r then changes x ** (y - 1) by a factor x ** r = 1 + r * log|x| (|r * log|x|| < 1e-13, so
        the first term is exact to the last bit), which is put back; for x < 0 (an integer y >= 2**53,
        always even) the rounded exponent is even where the true one is odd, so the sign is put back too.
        Where x ** (y - 1) overflows (|y| < 1, tiny x) it is (y / x) * x ** y; where it underflows to a
        subnormal or 0, y * h * h with the normal h = |x| ** ((y - 1) / 2).
        """
        if y == 0.0:
            return 0.0
        d = y - 1.0
        p = FloatMath.ipow(x, d)
        r = (y - d) - 1.0 if y >= 1.0 or y <= -1.0 else y - (d + 1.0)  # exponent_residual(y, d), inline
        if r == 0.0 and MIN_NORMAL <= abs(p) < math.inf:  # the common case
            return y * p
        if (p == math.inf or p == -math.inf) and x != 0.0 and abs(y) < 1.0:  # x ** (y - 1) overflows, y * it need not
            return (y / x) * FloatMath.ipow(x, y)
        if abs(p) < MIN_NORMAL and 0.0 < abs(x) < math.inf:  # x ** (y - 1) underflowed (few bits), y * it need not:
            h = abs(x) ** (d * 0.5)  # from the normal half power, rounding once at the end
            if r != 0.0:
                h += h * (r * 0.5 * math.log(abs(x)))
            return (-y if x < 0.0 and (d % 2.0 == 1.0 or r != 0.0) else y) * h * h
        if r != 0.0 and 0.0 < abs(p) < math.inf:
            if x > 0.0:
                p += p * (r * math.log(x))
            else:  # x < 0, y an even integer: x ** (y - 1) < 0
                p = -abs(p + p * (r * math.log(-x)))
        elif r != 0.0 and x < 0.0:  # x ** (y - 1) overflowed (the ipow op): odd, so -inf
            p = -abs(p)
        return y * p

    @staticmethod
    def ratio2(x: float, y: float, q: float) -> float:
        """x / y**2 given q = x / y (the derivative of a division by its divisor, negated): q / y, except
        where q underflowed below MIN_NORMAL and lost bits that x / y**2 (larger when |y| < 1) keeps:
        then (x * 2**SCALE / y / y) / 2**SCALE, whose intermediate quotients are normal floats."""
        if q >= MIN_NORMAL or q <= -MIN_NORMAL or q == 0.0 and x == 0.0 or q != q:  # (no abs(): the hot path)
            return q / y
        return math.ldexp(math.ldexp(x, SCALE) / y / y, -SCALE)

    @staticmethod
    def xlog(z: float, x: float, y: float | None = None) -> float:
        """z * log(x), taken as 0 where z is 0 (the exponent's derivative of 0 ** y). Given the exponent y
        of z = x ** y, a z that underflowed (subnormal: few bits left, which |log x| up to 745 would
        multiply) is rebuilt from the normal x ** (y / 2), so the product rounds once."""
        if z == 0.0 and (y is None or not x > 0.0 or x == math.inf):
            return 0.0
        if not x > 0.0:
            return math.nan
        if y is not None and abs(z) < MIN_NORMAL:  # (z = 0 too: x ** y underflowed, x > 0 here)
            h = x ** (y * 0.5)
            return h * math.log(x) * h
        return z * math.log(x)

    tanh = staticmethod(math.tanh)

    @staticmethod
    def sin(x: float) -> float:
        if x in _INFINITIES:
            raise ValueError(f"sin is defined for finite inputs, got {x!r}")
        return _sin(x)

    @staticmethod
    def cos(x: float) -> float:
        if x in _INFINITIES:
            raise ValueError(f"cos is defined for finite inputs, got {x!r}")
        return _cos(x)

    @staticmethod
    def sigmoid(x: float) -> float:
        """1 / (1 + e^-x) without overflow for any finite x."""
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)

    @staticmethod
    def sech2(x: float) -> float:
        """1 - tanh(x)**2 (tanh's derivative) to full precision for every x, without overflow.

        1 - tanh(x)**2 cancels: at x = 14.2 it keeps 3 correct digits, from x = 19.1 none (0.0 for ~1e-16).
        Here sech(x)**2 = 4t / (1 + t)**2 with t = e^(-2|x|): -2|x| is exact, exp is correct to < 1 ulp and
        every later step is a well-conditioned product or sum of positives, (1 + t)**2 written as
        1 + t * (2 + t) to round once where t is small (error <= 2 ulp, tested in test_precision.py;
        up to 2 subnormal ulps where the result is below MIN_NORMAL, |x| > ~354, as 4t is then rounded
        to 4 times the subnormal grid).
        """
        t = _exp(-2.0 * x if x > 0.0 else 2.0 * x)  # e^(-2|x|) (the hot path: no abs() call)
        return 4.0 * t / (1.0 + t * (2.0 + t))  # (1 + t)**2 with one rounding where t is small

    @staticmethod
    def dsigmoid(x: float) -> float:
        """sigmoid(x) * (1 - sigmoid(x)) = sigmoid(x) * sigmoid(-x) (sigmoid's derivative), to full precision.

        With s = sigmoid(x), s * (1 - s) cancels for x > 0 (at x = 30 it keeps 2 digits, from x = 36.7
        none: 0.0); here it is e / (1 + e)**2 = e / (1 + e * (2 + e)) with e = e^(-|x|): no cancellation,
        no overflow, and e itself where e underflows (x < -708: the subnormal e^x, as sigmoid's own value).
        """
        e = _exp(-x if x > 0.0 else x)
        return e / (1.0 + e * (2.0 + e))

    @staticmethod
    def softplus(x: float) -> float:
        """log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for any finite x."""
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))

    @staticmethod
    def logaddexp(x: float, y: float) -> float:
        """log(e^x + e^y) = m + log1p(e^-d), m = max(x, y), d = m - min(x, y): no overflow, numpy's answers at
        the infinities (-inf for -inf and -inf, inf for inf and anything but NaN).

        d is rounded, by e (two_diff): e^-(d + e) = e^-d * (1 - e) puts it back, else |d| * 2**-53 of the
        log1p term would be lost (~|d| ulps where it counts). Within 2 ulp where m >= 0 or m + log1p(...)
        does not cancel; where it does (m < 0 and the result smaller than |m|: log(e^x + e^y) near 0, both
        inputs in (-1.39, 0)), within 2 ulp of m: the last bits there would need e^x to twice a float's
        precision (test_precision.py measures both).
        """
        if x == y:  # (also both infinite, where d is NaN) log(2 e^x)
            return (x + LN2) + LN2_LO
        m, n = (x, y) if x > y else (y, x)
        d, e = two_diff(m, n)
        if d == math.inf:  # m = inf, n = -inf, or d overflowed (m and n huge, opposite signs): e^-d = 0
            return m
        t = _exp(-d)  # (a NaN input gives NaN from here on)
        return m + math.log1p(t - t * e)

    @staticmethod
    def dlogaddexp(x: float, y: float) -> float:
        """e^x / (e^x + e^y) = sigmoid(x - y) (logaddexp's derivative), to a few ulps: x - y = d + e exactly
        (two_diff), and sigmoid(d + e) = s + s * (1 - s) * e, s = sigmoid(d); 1 - s is t * s (d >= 0, with
        t = e^-d) or 1 / (1 + t) (d < 0, t = e^d) with no cancellation. NaN where x - y is (inf and inf)."""
        d, e = two_diff(x, y)
        if d >= 0.0:
            t = _exp(-d)
            s = 1.0 / (1.0 + t)
            c = s * t * s
        else:
            t = _exp(d)  # (NaN for NaN)
            s = t / (1.0 + t)
            c = s / (1.0 + t)
        return s if e != e else s + c * e  # (e is NaN where d is infinite or NaN)

    @staticmethod
    def relu(x: float) -> float:
        return 0.0 if x <= 0.0 else x  # NaN stays NaN

    @staticmethod
    def leaky_relu(x: float, slope: float) -> float:
        return x if x > 0.0 else slope * x

    @staticmethod
    def step(x: float) -> float:
        """Heaviside step, 0 at 0: the subgradient PyTorch uses for relu and abs."""
        return 1.0 if x > 0.0 else 0.0

    @staticmethod
    def sign(x: float) -> float:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)

    abs = staticmethod(abs)

    # Reductions over a batch (the `sum` and `mean` ops): a scalar is a batch of one sample.
    @staticmethod
    def total(x: float) -> float:
        return x

    @staticmethod
    def average(x: float) -> float:
        return x

    @staticmethod
    def ones(x: float) -> float:
        return 1.0

    @staticmethod
    def count(x: float) -> float:
        return 1.0
