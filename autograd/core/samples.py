"""Batch support: what a node holding one entry per sample does differently from a scalar node.

Each Batch node still means one quantity (one neuron's pre-activation, one loss term), only it
carries a 1-D float64 array with one entry per sample, so one scalar graph evaluates a whole
batch. `Batch` itself (autograd/core/batch.py) is generated: its operators come from the same op
table as Value's, evaluated with numpy (`ArrayMath`). This module holds the hand-written rest.

Backward needs no change to the engine's loop (`a.grad += v._da * g`): a batch input's local
derivative is an array (or a number), so its grad becomes an array; a *scalar* input's (a weight)
is stored wrapped in `SummedOverSamples`, whose product with the node's grad array is the float
sum of the per-sample contributions, so a weight's grad stays a float: the sum over the batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import modes
from .arraymath import summary
from .node import CONST, LEAF, UNREACHED, Node, leaf, real, scalar_constant
from .op import Op

_ndarray, _sum, _float64 = np.ndarray, np.add.reduce, np.float64
_new = object.__new__


class SummedOverSamples:
    """The local derivative `d` of a batch node with respect to a scalar input, for backward.

    `SummedOverSamples(d) * g` is sum(d * g) over the samples: the scalar's share of the node's
    gradient (a float for arrays; a Value, via `.sum()`, for the Values of create_graph).
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
        return f"SummedOverSamples({summary(self.d) if isinstance(self.d, _ndarray) else self.d!r})"


def summed(d: Any) -> SummedOverSamples:
    """`SummedOverSamples(d)`, made without a call to __init__ (on the hot path of batch ops)."""
    s = _new(SummedOverSamples)
    s.d = d
    return s


class UncopiedOne(float):
    """The local derivative 1.0 (of add, sub) as a batch op stores it for a batch input: equal to 1.0 in
    every way, except that `one * g` is g itself rather than a copy (backward adds it, never changes it)."""

    __slots__ = ()

    def __mul__(self, other: Any) -> Any:
        return other

    __rmul__ = __mul__


ONE = UncopiedOne(1.0)


def total(x: Any) -> Any:
    """x summed over its samples: a float for an array, a scalar Value for a Batch, x itself otherwise."""
    if x.__class__ is _ndarray:
        return float(x.sum())
    if isinstance(x, BatchNode):
        return x.sum()  # type: ignore[attr-defined]  # (Batch's generated reduction)
    return x


def column(data: Any) -> np.ndarray:
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


def batch_operand(x: Any, batch: Node, op: Op) -> Node | None:
    """The other operand of a batch op: a number becomes a constant, a 1-D array of the batch's length a
    constant Batch; a scalar Value stays itself. None if x cannot take part."""
    if isinstance(x, Node):
        return x
    if isinstance(x, _ndarray) and x.ndim:
        if x.ndim != 1:
            raise ValueError(f"{op.name}: a batch takes numbers, Values and 1-D arrays of its length, "
                             f"got an array of shape {x.shape}")
        if x.dtype.kind not in "biuf":
            if x.dtype.kind == "c":
                raise TypeError(f"{op.name}: a batch takes real numbers, got a {x.dtype} array")
            return None
        if x.size != batch.data.size:
            raise ValueError(f"{op.name}: a batch of {batch.data.size} samples and an array of {x.size} entries")
        return leaf(type(batch), np.array(x, dtype=_float64), CONST)
    return scalar_constant(x, op)


def mismatch(op: Op, a: Node, b: Node) -> ValueError:
    return ValueError(f"{op.name}: the batches have different lengths, {a.data.size} and {b.data.size} samples")


class BatchNode(Node):
    """The hand-written part of `Batch`: made from an array, sized, summarised (never printed in full)."""

    __slots__ = ()

    def __init__(self, data: Any, _children: tuple[Any, ...] = (), _op: str = "", label: str = "",
                 requires_grad: bool = True) -> None:
        if _children or _op:
            raise TypeError("a Batch is made from data (Value(array, label=...)); its ops build the graph")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data, self.grad, self._pending, self._scope = column(data), UNREACHED, 0, modes.scope_path
        if label:
            self._label = label
        self._a = self._b = self._da = self._db = None
        self._op = LEAF if requires_grad else CONST

    @staticmethod
    def check_lengths(op: Op, inputs: list[Node]) -> None:
        """Raise ValueError if two batch inputs of `op` have different numbers of samples."""
        batches = [x for x in inputs if isinstance(x, BatchNode)]
        for x in batches[1:]:
            if x.data.size != batches[0].data.size:
                raise mismatch(op, batches[0], x)

    def _stored(self, x: Node, d: Any) -> Any:
        """A scalar input (a weight) keeps its derivative wrapped, so backward sums it over the samples."""
        return d if isinstance(x, BatchNode) else summed(d)

    def __len__(self) -> int:
        """The number of samples."""
        return int(self.data.size)

    def item(self) -> float:
        raise TypeError(f"a Batch holds {self.data.size} values, not one: read .data, or reduce with .sum()/.mean()")

    def __repr__(self) -> str:
        grad = "—" if self.grad is UNREACHED else summary(getattr(self.grad, "data", self.grad))
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self._op.name!r}" if self._op.name else ", constant" if self._op is CONST else ""
        return f"Batch(data={summary(self.data)}, grad={grad}{label}{op})"


def seed(root: Node, grad: Any, create_graph: bool) -> Any:
    """The gradient a backward pass starts `root` (a Batch) with: `grad` (a number or an array of the
    batch's length) for every sample, as an array (a constant Batch with create_graph)."""
    if isinstance(grad, BatchNode):
        if grad.data.size != root.data.size:
            raise ValueError(f"backward: grad has {grad.data.size} entries for a batch of {root.data.size}")
        return grad
    if isinstance(grad, _ndarray) and grad.ndim:
        if grad.shape != root.data.shape or grad.dtype.kind not in "biuf":
            raise ValueError(f"backward: grad must be a number or a real array of shape {root.data.shape}, "
                             f"got {grad.dtype} shape {grad.shape}")
        array = np.array(grad, dtype=_float64)
    else:
        number = grad.data if isinstance(grad, Node) else real(grad)
        if number is None:
            raise TypeError(f"backward: grad must be a number or an array, got {type(grad).__name__}: {grad!r}")
        array = np.full(root.data.shape, number)
    return leaf(type(root), array, CONST) if create_graph else array
