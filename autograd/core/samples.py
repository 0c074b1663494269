"""Batch: a Value whose data is a column of samples, so one scalar graph evaluates a whole batch.

Each node still means one quantity (one neuron's pre-activation, one loss term), only it carries
a 1-D float64 array with one entry per sample. `Value(np.array([...]))` makes one. Its operators
are compiled from the same op table and template as Value's (`autograd.methods`), evaluated with
numpy (`autograd.arraymath.ArrayMath`); they broadcast over the batch with scalar Values, numbers
and 1-D float arrays of the same length (constants). `sum()` and `mean()` reduce a batch to a
scalar Value.

Backward needs no change to the engine's loop (`a.grad += v._da * g`): a batch input's local
derivative is an array (or a number), so its grad becomes an array; a *scalar* input's (a weight)
is stored wrapped in `Summed`, whose product with the node's grad array is the float sum of the
per-sample contributions, so a weight's grad stays a float: the sum over the batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import mode
from .arraymath import ArrayMath, summary
from .ops import CONST, LEAF, Op
from .value import _ERRORS, UNREACHED, Value, _constant, _leaf, _new, _scalar
from .value import _link as _value_link

_ndarray, _sum, _float64 = np.ndarray, np.add.reduce, np.float64


class Summed:
    """The local derivative `d` of a batch node with respect to a scalar input, for backward.

    `Summed(d) * g` is sum(d * g) over the samples: the scalar's share of the node's gradient
    (a float for arrays; a Value, via `.sum()`, for the Values of create_graph).
    """

    __slots__ = ("d",)

    def __init__(self, d: Any) -> None:
        self.d = d

    def __mul__(self, g: Any) -> Any:
        d = self.d
        if g.__class__ is _ndarray:
            if d.__class__ is _ndarray:
                return float(d.dot(g))
            if d.__class__ is float:
                return d * float(_sum(g))
        return total(d * g)

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"Summed({summary(self.d) if isinstance(self.d, _ndarray) else self.d!r})"


class One(float):
    """The local derivative 1.0 (of add, sub) as a batch op stores it for a batch input: equal to 1.0 in
    every way, except that `one * g` is g itself rather than a copy (backward adds it, never changes it)."""

    __slots__ = ()

    def __mul__(self, other: Any) -> Any:
        return other

    __rmul__ = __mul__


ONE = One(1.0)


def _summed(d: Any) -> Summed:
    s = _new(Summed)
    s.d = d
    return s


def total(x: Any) -> Any:
    """x summed over its samples: a float for an array, a scalar Value for a Batch, x itself otherwise."""
    if x.__class__ is _ndarray:
        return float(x.sum())
    if isinstance(x, Batch):
        return x.sum()
    return x


def _column(data: Any) -> np.ndarray:
    """A batch's data: a copy of a non-empty 1-D float array, as float64."""
    if not isinstance(data, _ndarray):
        raise TypeError(f"a Batch needs a 1-D float64 numpy array, got {type(data).__name__}")
    if data.ndim != 1:
        raise ValueError(f"a batch is 1-D (one entry per sample), got an array of shape {data.shape}; give each "
                         f"column its own Batch, e.g. [Value(X[:, j]) for j in range(X.shape[1])]")
    if data.dtype.kind != "f":
        raise TypeError(f"batch data must be a float64 array, got dtype {data.dtype}: use np.asarray(x, dtype=float)")
    if not data.size:
        raise ValueError("a batch needs at least one sample, got an empty array")
    return np.array(data, dtype=_float64)


def _batch_leaf(data: np.ndarray, op: Op) -> Batch:
    out = _new(Batch)
    out.data, out.grad, out._op = data, UNREACHED, op
    out._a = out._b = out._da = out._db = None
    out._pending, out._scope = 0, mode.scope_path
    return out


def _operand(x: Any, batch: Batch, op: Op) -> Value | None:
    """The other operand of a batch op: a number becomes a constant, a 1-D array of the batch's length a
    constant Batch; a scalar Value (of a subclass) stays itself. None if x cannot take part."""
    kind = type(x)
    if kind is float or kind is int or kind is bool:
        return _leaf(float(x), CONST)
    if isinstance(x, Value):
        return x
    if isinstance(x, _ndarray) and x.ndim:
        if x.ndim != 1:
            raise ValueError(f"{op.name}: a batch takes numbers, Values and 1-D arrays of its length, "
                             f"got an array of shape {x.shape}")
        if x.dtype.kind not in "biuf":
            return None
        if x.size != batch.data.size:
            raise ValueError(f"{op.name}: a batch of {batch.data.size} samples and an array of {x.size} entries")
        return _batch_leaf(np.array(x, dtype=_float64), CONST)
    return _constant(x)


def _mismatch(op: Op, a: Batch, b: Batch) -> ValueError:
    return ValueError(f"{op.name}: the batches have different lengths, {a.data.size} and {b.data.size} samples")


def _link(out: Value, op: Op, a: Value, b: Value | None) -> Value:
    """The slow path of every batch op: Value's, with the rules evaluated by numpy."""
    return _value_link(out, op, a, b, ArrayMath)


class Batch(Value):
    """A Value holding one entry per sample: a 1-D float64 array in `data`, and after backward an
    array of the same shape in `grad`. Made by `Value(array)` (or `Batch(array)`); ops on it give
    Batches, `sum()` and `mean()` give a scalar Value.
    """

    __slots__ = ()

    def __init__(self, data: Any, _children: tuple = (), _op: str = "", label: str = "",
                 requires_grad: bool = True) -> None:
        if _children or _op:
            raise TypeError("a Batch is made from data (Value(array, label=...)); its ops build the graph")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data, self.grad, self._label, self._pending, self._scope = _column(data), UNREACHED, label, 0, \
            mode.scope_path
        self._a = self._b = self._da = self._db = None
        self._op = LEAF if requires_grad else CONST

    def _stored(self, x: Value, d: Any) -> Any:
        """A scalar input (a weight) keeps its derivative wrapped, so backward sums it over the samples."""
        return d if x.__class__ is Batch else _summed(d)

    def __len__(self) -> int:
        """The number of samples."""
        return self.data.size

    def item(self) -> float:
        raise TypeError(f"a Batch holds {self.data.size} values, not one: read .data, or reduce with .sum()/.mean()")

    def __repr__(self) -> str:
        grad = "—" if self.grad is UNREACHED else summary(getattr(self.grad, "data", self.grad))
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self._op.name!r}" if self._op.name else ", constant" if self._op is CONST else ""
        return f"Batch(data={summary(self.data)}, grad={grad}{label}{op})"


def seed(root: Value, grad: Any, create_graph: bool) -> Any:
    """The gradient a backward pass starts `root` (a Batch) with: `grad` (a number or an array of the
    batch's length) for every sample, as an array (a constant Batch with create_graph)."""
    if isinstance(grad, Batch):
        if grad.data.size != root.data.size:
            raise ValueError(f"backward: grad has {grad.data.size} entries for a batch of {root.data.size}")
        return grad
    if isinstance(grad, _ndarray) and grad.ndim:
        if grad.shape != root.data.shape or grad.dtype.kind not in "biuf":
            raise ValueError(f"backward: grad must be a number or a real array of shape {root.data.shape}, "
                             f"got {grad.dtype} shape {grad.shape}")
        array = np.array(grad, dtype=_float64)
    else:
        number = grad.data if isinstance(grad, Value) else _scalar(grad)
        if number is None:
            raise TypeError(f"backward: grad must be a number or an array, got {type(grad).__name__}: {grad!r}")
        array = np.full(root.data.shape, number)
    return _batch_leaf(array, CONST) if create_graph else array


from .methods import Flavor, install  # noqa: E402  (the methods are compiled for Batch itself)

_LIFT = """
    if other.__class__ is not Batch:
        if other.__class__ is not Value:
            other = _operand(other, self, op)
            if other is None:
                return NotImplemented
    elif other.data.size != self.data.size:
        raise _mismatch(op, {A}, {B})"""
install(Batch, Flavor("Batch", ArrayMath, _LIFT, {"Batch": Batch, "Value": Value, "_new": _new, "_operand": _operand,
                                                  "_mismatch": _mismatch, "_link": _link, "_summed": _summed,
                                                  "_ERRORS": _ERRORS, "UNREACHED": UNREACHED, "ONE": ONE},
                      reduces=True, wrap="{own} if {X}.__class__ is Batch else _summed({d})", literals={"1.0": "ONE"}))
