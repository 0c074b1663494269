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
from .floatmath import FloatMath
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
        if (x == 0.0 and y < 0.0) or (x < 0.0 and not y.is_integer()):
            return _const(FloatMath.ipow(x, y))
        return a**b

    @staticmethod
    def power_rule(a: Any, b: Any) -> Value:
        """b * a ** (b - 1); a constant 0 where b is a constant 0 (as FloatMath.power_rule). A variable
        exponent that is 0 here keeps its graph: the value is 0, its derivatives need not be."""
        y = _data(b)
        if (np.all(np.equal(y, 0.0)) if _batched(y) else y == 0.0) and not getattr(b, "requires_grad", False):
            return _const(0.0)
        return b * ValueMath.ipow(a, b - 1.0)

    @staticmethod
    def xlog(z: Value, a: Value) -> Value:
        """z * log(a), 0 where z is 0, a constant NaN where a < 0 (as FloatMath.xlog)."""
        zd, ad = _data(z), _data(a)
        if _batched(zd, ad):
            if np.all(np.equal(zd, 0.0)):
                return _const(0.0)
            bad = ~np.greater(ad, 0.0)
            if bad.any():
                if (bad | np.equal(zd, 0.0)).all():
                    return _const(ArrayMath.xlog(zd, ad))
                raise _mixed("the base of a power is <= 0", bad)
            return z * ValueMath.log(a)
        if zd == 0.0:
            return _const(0.0)
        if ad <= 0.0:
            return _const(math.nan)
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
