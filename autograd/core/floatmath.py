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


class FloatMath:
    """Plain-float implementations of the functions the op table's rules call."""

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
        if x < 0.0 and not float(y).is_integer():
            raise ValueError(f"a negative base to a non-integer power is complex: {x!r} ** {y!r}")
        if x == 0.0 and y < 0.0:
            raise ZeroDivisionError(f"0.0 to a negative power ({y!r}) divides by zero")
        try:
            return x**y
        except OverflowError:
            raise OverflowError(f"{x!r} ** {y!r} is larger than the largest float") from None

    @staticmethod
    def ipow(x: float, y: float) -> float:
        """IEEE power for derivative rules: 0 to a negative power is inf, never an exception."""
        if x == 0.0 and y < 0.0:
            return math.inf
        if x < 0.0 and not float(y).is_integer():
            return math.nan
        try:
            return x**y
        except OverflowError:
            return math.inf if x > 0.0 or float(y) % 2.0 == 0.0 else -math.inf

    @staticmethod
    def power_rule(x: float, y: float) -> float:
        """d(x ** y)/dx = y * x ** (y - 1), and 0 where y is 0 (x ** 0 is constant, even at x = 0)."""
        return 0.0 if y == 0.0 else y * FloatMath.ipow(x, y - 1.0)

    @staticmethod
    def xlog(z: float, x: float) -> float:
        """z * log(x), taken as 0 where z is 0 (the exponent's derivative of 0 ** y)."""
        if z == 0.0:
            return 0.0
        return z * math.log(x) if x > 0.0 else math.nan

    tanh = staticmethod(math.tanh)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)

    @staticmethod
    def sigmoid(x: float) -> float:
        """1 / (1 + e^-x) without overflow for any finite x."""
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)

    @staticmethod
    def softplus(x: float) -> float:
        """log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for any finite x."""
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))

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
