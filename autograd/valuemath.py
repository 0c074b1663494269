"""The Value namespace for the op table's rules: derivatives built as graph, for create_graph=True.

Each function mirrors one in `autograd.numerics.FloatMath`, but takes and returns Values, so a
derivative computed with it can be differentiated again (grad of grad). Piecewise-constant
pieces (step, sign) are constants: their own derivative is zero.
"""

from __future__ import annotations

import math
from typing import Any

from .numerics import FloatMath
from .value import Value


def _const(x: float) -> Value:
    return Value(x, requires_grad=False)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


class ValueMath:
    """Value implementations of the functions the op table's rules call."""

    exp = staticmethod(Value.exp)
    log = staticmethod(Value.log)
    sqrt = staticmethod(Value.sqrt)
    tanh = staticmethod(Value.tanh)
    sigmoid = staticmethod(Value.sigmoid)
    softplus = staticmethod(Value.softplus)
    relu = staticmethod(Value.relu)
    sin = staticmethod(Value.sin)
    cos = staticmethod(Value.cos)
    abs = staticmethod(Value.__abs__)

    @staticmethod
    def leaky_relu(a: Value, slope: Any) -> Value:
        return a.leaky_relu(slope)

    @staticmethod
    def div(a: Any, b: Any) -> Value:
        return a / b

    @staticmethod
    def pow(a: Any, b: Any) -> Value:
        return a**b

    @staticmethod
    def ipow(a: Any, b: Any) -> Value:
        """a ** b, or a constant inf/nan where FloatMath.ipow gives one (no graph through a pole)."""
        x, y = _data(a), _data(b)
        if (x == 0.0 and y < 0.0) or (x < 0.0 and not y.is_integer()):
            return _const(FloatMath.ipow(x, y))
        return a**b

    @staticmethod
    def power_rule(a: Any, b: Any) -> Value:
        """b * a ** (b - 1); a constant 0 where b is a constant 0 (as FloatMath.power_rule). A variable
        exponent that is 0 here keeps its graph: the value is 0, its derivatives need not be."""
        if _data(b) == 0.0 and not (isinstance(b, Value) and b.requires_grad):
            return _const(0.0)
        return b * ValueMath.ipow(a, b - 1.0)

    @staticmethod
    def xlog(z: Value, a: Value) -> Value:
        """z * log(a), 0 where z is 0, a constant NaN where a < 0 (as FloatMath.xlog)."""
        if _data(z) == 0.0:
            return _const(0.0)
        if _data(a) <= 0.0:
            return _const(math.nan)
        return z * ValueMath.log(a)

    @staticmethod
    def step(a: Any) -> Value:
        return _const(FloatMath.step(_data(a)))

    @staticmethod
    def sign(a: Any) -> Value:
        return _const(FloatMath.sign(_data(a)))
