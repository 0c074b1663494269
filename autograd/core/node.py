"""Value: one scalar in the computation graph. Its operators are compiled from the op table.

A node keeps, in slots, its value (`data`), gradient (`grad`), op, at most two inputs (`_a`,
`_b`), their local derivatives (`_da`, `_db`, computed in the forward pass) and the Module calls
it was made in (`_scope`, for drawing). No tuple, set or closure per node: a node is small,
allocation is cheap, the backward loop makes no call per node, and a graph holds no reference
cycles, so reference counting frees it the moment it is dropped.

`Value(np.array([...]))` (a 1-D float array) gives a `Batch` (autograd/batch.py): the same kind
of node, with one entry per sample in `data`, so one graph evaluates a whole batch.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import mode
from .arraymath import finite, where_bad
from .errors import AnomalyError, describe
from .numerics import FloatMath
from .ops import CONST, LEAF, Op, lookup

_new = object.__new__
_ERRORS = (ArithmeticError, ValueError)


class Unreached(float):
    """The grad of a node no backward pass has reached: equal to 0.0, but drawn as "—"."""

    __slots__ = ()


UNREACHED = Unreached(0.0)


def _scalar(x: Any) -> float | None:
    """x as a float if it is a real number (int, float, bool, numpy scalar or 0-d array), else None."""
    kind = type(x)
    if kind is float or kind is int or kind is bool:  # the common cases, before any ABC check
        return float(x)
    if isinstance(x, (numbers.Real, np.bool_)):
        return float(x)
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "biuf":
        return float(x)
    return None


def _constant(x: Any) -> Value | None:
    data = _scalar(x)
    return None if data is None else _leaf(data, CONST)


def _leaf(data: float, op: Op) -> Value:
    out = _new(Value)
    out.data, out.grad, out._op = data, UNREACHED, op
    out._a = out._b = out._da = out._db = None
    out._pending, out._scope = 0, mode.scope_path
    return out


def _link(out: Value, op: Op, a: Value, b: Value | None, m: type = FloatMath) -> Value:
    """The slow path of every op (Value's, and Batch's with `m` = numpy's namespace): no_grad, constant
    inputs, anomaly checks (see `mode`)."""
    inputs = (a,) if b is None else (a, b)
    if mode.recording and any(x._op is not CONST for x in inputs):
        out._op, out._a, out._b = op, a, b
        args = [x.data for x in inputs] + [out.data]
        locals_ = [out._stored(x, rule(*args)) for x, rule in zip(inputs, op.rules(m)[1])]
        out._da, out._db = (locals_ + [None])[:2]
    else:
        out._op, out._a, out._b, out._da, out._db = CONST, None, None, None, None
    if mode.anomaly and not finite(out.data):
        raise AnomalyError(f"{op.name}({', '.join(map(describe, inputs))}) gave {where_bad(out.data)} (forward pass)")
    return out


class Value:
    """A scalar that remembers how it was computed, so `backward()` can apply the chain rule.

    `Value(data, _children=(), _op='', label='')` is micrograd's signature; `requires_grad=False`
    makes a constant, which never receives a gradient (numbers in expressions become constants).
    A 1-D float64 array as `data` makes a `Batch`: one entry per sample.
    """

    __slots__ = ("data", "grad", "_label", "_op", "_a", "_b", "_da", "_db", "_pending", "_scope", "__weakref__")
    __array_ufunc__ = None  # numpy on the left of an operator defers to Value's reflected method

    def __init__(self, data: Any, _children: tuple = (), _op: str = "", label: str = "",
                 requires_grad: bool = True) -> None:
        value = _scalar(data)
        if value is None:
            if isinstance(data, np.ndarray) and data.ndim and type(self) is Value:  # a batch: one entry per sample
                self.__class__ = _batch.Batch  # the same slots, so a Value becomes a Batch in place
                _batch.Batch.__init__(self, data, _children, _op, label, requires_grad)
                return
            raise TypeError(f"Value needs a real number (int, float, bool or numpy scalar) or, for a batch, a 1-D "
                            f"float64 numpy array; got {type(data).__name__}: {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data, self.grad, self._label, self._pending, self._scope = value, UNREACHED, label, 0, mode.scope_path
        self._a = self._b = self._da = self._db = None
        self._op = LEAF if requires_grad else CONST
        if _children:
            inputs = [c if isinstance(c, Value) else _constant(c) for c in _children]
            op = lookup(_op, len(inputs))
            _link(self, op, inputs[0], inputs[1] if len(inputs) == 2 else None)

    @property
    def label(self) -> str:
        """A name for drawings and messages ('' unless given; op results get none, which saves a store)."""
        try:
            return self._label
        except AttributeError:
            return ""

    @label.setter
    def label(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Value label must be a str, got {type(name).__name__}: {name!r}")
        self._label = name

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

    def _stored(self, x: Value, d: Any) -> Any:
        """How this node keeps its local derivative `d` for input `x` (a Batch sums a scalar's)."""
        return d

    def _backward(self) -> None:
        """micrograd's per-node step: add this node's chain-rule terms to its inputs' grads."""
        _engine.apply_chain_rule(self)

    def __pos__(self) -> Value:
        return self

    def leaky_relu(self, slope: float | Value = 0.01) -> Value:
        """a if a > 0 else slope * a. A Value slope is learnable (PReLU); a number is a constant."""
        out = self._leaky_relu(slope)
        if out is NotImplemented and isinstance(slope, Value):  # a batch of slopes: the batch's method
            out = slope._rleaky_relu(self)
        if out is NotImplemented:
            raise TypeError(f"leaky_relu: slope must be a number or a Value, got {type(slope).__name__}: {slope!r}")
        return out


from .methods import Flavor, install  # noqa: E402  (the methods are compiled for Value itself)

_LIFT = """
    if other.__class__ is not Value:
        other = _constant(other)
        if other is None:
            return NotImplemented"""
install(Value, Flavor("Value", FloatMath, _LIFT, {"Value": Value, "_new": _new, "_constant": _constant, "_link": _link,
                                                  "_ERRORS": _ERRORS, "UNREACHED": UNREACHED}))

from . import batch as _batch  # noqa: E402  (Batch is a Value)
from . import engine as _engine  # noqa: E402  (engine imports Value and its methods)
