"""Value: one scalar in the computation graph. Its operators are thin calls into the op table.

A node stores its value (`data`), its gradient (`grad`), its op and at most two inputs in
slots (`_a`, `_b`): no tuple, set or closure per node, so a node is small, allocation is cheap
and a graph holds no reference cycles (reference counting frees it at once).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .errors import AnomalyError, describe, op_error
from .mode import Mode
from .numerics import FloatMath
from .ops import CONST, LEAF, OPS, Op, lookup

_new = object.__new__
_ERRORS = (ArithmeticError, ValueError)


def _scalar(x: Any) -> float | None:
    """x as a float if it is a real number (int, float, bool, numpy scalar or 0-d array), else None."""
    if isinstance(x, (numbers.Real, np.bool_)):
        return float(x)
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "biuf":
        return float(x)
    return None


def _constant(x: Any) -> Value | None:
    data = _scalar(x)
    if data is None:
        return None
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = CONST
    out._a = out._b = None
    out._pending = 0
    return out


def _link(out: Value, op: Op, a: Value, b: Value | None) -> Value:
    """Record `out = op(a, b)` in the graph, unless recording is off or no input needs a gradient."""
    if Mode.recording and (a._op is not CONST or (b is not None and b._op is not CONST)):
        out._op, out._a, out._b = op, a, b
    else:
        out._op, out._a, out._b = CONST, None, None
    if Mode.anomaly and not math.isfinite(out.data):
        inputs = (a,) if b is None else (a, b)
        raise AnomalyError(f"{op.name}({', '.join(map(describe, inputs))}) gave {out.data!r} (forward pass)")
    return out


def _unary(op: Op):
    value = op.value

    def method(self: Value) -> Value:
        try:
            data = value(FloatMath, self.data)
        except _ERRORS as error:
            raise op_error(op, error, (self,)) from None
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out._pending = 0
        if Mode.fast and self._op is not CONST:
            out._op = op
            out._a = self
            out._b = None
            return out
        return _link(out, op, self, None)

    method.__name__ = op.name
    method.__doc__ = f"{op.name}(a), with local derivative d/da = {op.formulas[0]}."
    return method


def _binary(op: Op, reflected: bool = False):
    value = op.value

    def method(self: Value, other: Any) -> Value:
        if other.__class__ is not Value:
            other = _constant(other)
            if other is None:
                return NotImplemented
        a, b = (other, self) if reflected else (self, other)
        try:
            data = value(FloatMath, a.data, b.data)
        except _ERRORS as error:
            raise op_error(op, error, (a, b)) from None
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out._pending = 0
        if Mode.fast and (a._op is not CONST or b._op is not CONST):
            out._op = op
            out._a = a
            out._b = b
            return out
        return _link(out, op, a, b)

    method.__name__ = op.name
    method.__doc__ = f"{op.name}(a, b), with d/da = {op.formulas[0]} and d/db = {op.formulas[1]}."
    return method


class Value:
    """A scalar that remembers how it was computed, so `backward()` can apply the chain rule.

    `Value(data, _children=(), _op='', label='')` is micrograd's signature; `requires_grad=False`
    makes a constant, which never receives a gradient (numbers in expressions become constants).
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_pending", "__weakref__")
    __array_ufunc__ = None  # numpy on the left of an operator defers to Value's reflected method

    def __init__(self, data: Any, _children: tuple = (), _op: str = "", label: str = "",
                 requires_grad: bool = True) -> None:
        value = _scalar(data)
        if value is None:
            raise TypeError(f"Value needs a real number (int, float, bool or numpy scalar), "
                            f"got {type(data).__name__}: {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data, self.grad, self.label, self._pending = value, 0.0, label, 0
        self._a = self._b = None
        self._op = LEAF if requires_grad else CONST
        if _children:
            inputs = [c if isinstance(c, Value) else Value(c, requires_grad=False) for c in _children]
            self._op = lookup(_op, len(inputs))
            self._a, self._b = inputs[0], (inputs[1] if len(inputs) == 2 else None)

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The inputs in order (micrograd's name; a tuple here, so `a*a` lists `a` twice)."""
        return () if self._a is None else (self._a,) if self._b is None else (self._a, self._b)

    @property
    def requires_grad(self) -> bool:
        return self._op is not CONST

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._a is not None:
            raise ValueError(f"requires_grad can only be set on a leaf; this Value comes from {self._op.name}")
        self._op = LEAF if flag else CONST

    @property
    def is_leaf(self) -> bool:
        return self._a is None

    def item(self) -> float:
        return self.data

    def detach(self) -> Value:
        """A constant with the same data: gradients stop here."""
        return Value(self.data, label=self.label, requires_grad=False)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self._op.name!r}" if self._op.name else ", constant" if self._op is CONST else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    def backward(self, grad: float = 1.0, create_graph: bool = False) -> None:
        """Fill in `grad` on every node this Value depends on (leaves accumulate; see engine.backward)."""
        _engine.backward(self, grad, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Reset the grad of this Value and of every node it was computed from."""
        _engine.zero_grad(self)

    def _backward(self) -> None:
        """micrograd's per-node step: add this node's chain-rule terms to its inputs' grads."""
        _engine.apply_chain_rule(self)

    def __pos__(self) -> Value:
        return self

    __add__, __radd__ = _binary(OPS["add"]), _binary(OPS["add"], reflected=True)
    __sub__, __rsub__ = _binary(OPS["sub"]), _binary(OPS["sub"], reflected=True)
    __mul__, __rmul__ = _binary(OPS["mul"]), _binary(OPS["mul"], reflected=True)
    __truediv__, __rtruediv__ = _binary(OPS["div"]), _binary(OPS["div"], reflected=True)
    __pow__, __rpow__ = _binary(OPS["pow"]), _binary(OPS["pow"], reflected=True)
    _leaky_relu = _binary(OPS["leaky_relu"])
    __neg__ = _unary(OPS["neg"])
    __abs__ = _unary(OPS["abs"])
    exp, log, sqrt = _unary(OPS["exp"]), _unary(OPS["log"]), _unary(OPS["sqrt"])
    tanh, sigmoid, relu = _unary(OPS["tanh"]), _unary(OPS["sigmoid"]), _unary(OPS["relu"])
    softplus, sin, cos = _unary(OPS["softplus"]), _unary(OPS["sin"]), _unary(OPS["cos"])

    def leaky_relu(self, slope: float | Value = 0.01) -> Value:
        """a if a > 0 else slope * a. A Value slope is learnable (PReLU); a number is a constant."""
        return self._leaky_relu(slope)


from . import engine as _engine  # noqa: E402  (engine imports Value: import it once Value exists)
