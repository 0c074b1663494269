"""Node: what one value in the computation graph keeps, and how an op links a new node into the graph.

A node keeps, in slots, its value (`data`), gradient (`grad`), op, at most two inputs (`_a`,
`_b`), their local derivatives (`_da`, `_db`, computed in the forward pass), how many ops use it
(`_pending`: each op that links it adds one; the backward pass counts them down, see
autograd/core/eager.py) and the Module calls it was made in (`_scope`, for drawing). No tuple,
set or closure per node: a node is small, allocation is cheap, the backward loop makes no call
per node, and a graph holds no reference cycles, so reference counting frees it the moment it is
dropped. A `__dict__` is made only for a node given attributes of its own (a label, or `v.m = 0.0`
as optimizers written for micrograd keep their moments).

`Value` (a scalar) and `Batch` (one entry per sample) are the two kinds of node; their operator
methods are generated from the op table (autograd/core/value.py and batch.py). `apply` here is
the same thing written once for every op: the reference those methods are specialised from,
and the method of every op a user defines.
"""

from __future__ import annotations

import numbers
from typing import Any, ClassVar, TypeVar, Union

import numpy as np

from . import modes
from .errors import check_finite, op_error
from .op import CONST, LEAF, Op, custom, lookup

_new = object.__new__
N = TypeVar("N", bound="Node")
Scalar = Union[float, np.floating[Any], np.integer[Any], np.bool_]  # noqa: UP007  (a number operand; a runtime alias)
ARITHMETIC_ERRORS = (ArithmeticError, ValueError)
SCALARS: set[type] = set()  # the scalar node classes an op takes as they are: Value and StoredValue


class Unreached(float):
    """The grad of a node no backward pass has reached: equal to 0.0, but drawn as "—"."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "UNREACHED"  # a copy of a Value keeps the one UNREACHED (copy and deepcopy return it as it is)


UNREACHED = Unreached(0.0)


def real(x: Any) -> float | None:
    """x as a float if it is a real number (int, float, bool, numpy scalar or 0-d array), else None.
    An int too large for a float raises OverflowError saying so."""
    kind = type(x)
    try:
        if kind is float or kind is int or kind is bool:  # the common cases, before any ABC check
            return float(x)
        if isinstance(x, (numbers.Real, np.bool_)):
            return float(x)
        if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "biuf":
            return float(x)
    except OverflowError:
        text = f"{str(x)[:12]}...({len(str(x))} digits)" if isinstance(x, int) else repr(x)
        raise OverflowError(f"{text} is too large for a float (the largest is about 1.8e308)") from None
    return None


def not_real(x: Any) -> str:
    """Why x cannot be an operand of a scalar op, for the kinds that would otherwise get a confusing
    message from the other side (numpy); '' for anything else (the other operand may know how)."""
    if isinstance(x, np.ndarray) and x.ndim:
        if x.dtype.kind == "c":
            return f"a complex array (dtype {x.dtype}): chainrule works with real numbers"
        return (f"a numpy array of shape {x.shape}: make it a batch, Value(array), for one entry per sample, or "
                f"use its entries one at a time")
    if isinstance(x, (complex, np.complexfloating)):
        return f"the complex number {x!r}: chainrule works with real numbers"
    return ""


class Node:
    """The graph structure shared by Value and Batch; see the module docstring."""

    __slots__ = ("data", "grad", "_op", "_a", "_b", "_da", "_db", "_pending", "_scope", "__weakref__", "__dict__")
    __array_ufunc__ = None  # numpy on the left of an operator defers to the node's reflected method
    kinds: ClassVar[dict[str, Any]] = {}  # "scalar" -> Value, "batch" -> Batch (see __init_subclass__)
    repr_name: ClassVar[str] = ""  # the class name repr shows, if not the class's own (a StoredValue is a Value)
    html_display: ClassVar[Any] = None  # node -> HTML for Jupyter, set by autograd.teach (the core draws nothing)

    data: Any
    grad: Any
    _op: Op
    _a: Any  # the first input (a Node), None for a leaf; typed Any for the traversal loops, which check
    _b: Any  # the second input, None for a leaf or a one-input op
    _scope: tuple[Any, ...]

    def __init_subclass__(cls, kind: str = "", **kwargs: Any) -> None:
        """`class Value(Node, kind="scalar")` registers the class that leaves of that kind are made of."""
        super().__init_subclass__(**kwargs)
        if kind:
            Node.kinds[kind] = cls
        if kind in ("scalar", "stored"):
            SCALARS.add(cls)

    def __init__(self, data: Any, _children: tuple[Any, ...] = (), _op: str = "", label: str = "",
                 requires_grad: bool = True) -> None:
        try:
            value = real(data)
        except OverflowError as error:
            raise OverflowError(f"Value: {error}") from None
        if value is None:
            if isinstance(data, np.ndarray) and data.ndim and type(self) is Node.kinds["scalar"]:
                batch = Node.kinds["batch"]  # a batch, one entry per sample: a Value becomes a Batch in place
                self.__class__ = batch  # (the same slots)
                batch.__init__(self, data, _children, _op, label, requires_grad)
                return
            raise TypeError(f"Value needs a real number (int, float, bool or numpy scalar) or, for a batch, a 1-D "
                            f"float64 numpy array; got {type(data).__name__}: {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data, self.grad, self._pending, self._scope = value, UNREACHED, 0, modes.scope_path
        if label:
            self._label = label
        self._a = self._b = self._da = self._db = None
        self._op = LEAF if requires_grad else CONST
        if _children or _op:
            _made_by_hand(self, tuple(_children), _op)

    @property
    def label(self) -> str:
        """A name for drawings and messages ('' unless given; kept in the node's `__dict__`, made only then)."""
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
    def op(self) -> Op:
        """The op that computed this node (an `Op`, a str such as '*' or 'tanh'); '' for a leaf."""
        return self._op

    @property
    def inputs(self) -> tuple[Any, ...]:  # (Values, or Batches: Any keeps user code such as build_topo simple)
        """The inputs in order (a tuple, so `a*a` lists `a` twice); () for a leaf."""
        return () if self._a is None else (self._a,) if self._b is None else (self._a, self._b)

    @property
    def _prev(self) -> tuple[Any, ...]:
        """micrograd's name for `inputs`."""
        return self.inputs

    @property
    def requires_grad(self) -> bool:
        """False for a constant (a number in an expression, or made with requires_grad=False)."""
        return self._op is not CONST

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._a is not None:
            raise ValueError(f"requires_grad can only be set on a leaf; this Value comes from {self._op.name}")
        self._op = LEAF if flag else CONST

    @property
    def is_leaf(self) -> bool:
        """True for a node no op computed (a variable or a constant)."""
        return self._a is None

    @property
    def is_constant(self) -> bool:
        return self._op is CONST

    @property
    def has_custom_backward(self) -> bool:
        """True for a node whose derivative is a hand-written `_backward` closure, not an op-table rule."""
        return self._a is not None and self._da is None

    @property
    def scope(self) -> tuple[Any, ...]:
        """The Module calls this node was made in, outermost first (for drawing one box per layer)."""
        return self._scope

    @scope.setter
    def scope(self, owners: tuple[Any, ...]) -> None:
        self._scope = tuple(owners)

    def item(self) -> float:
        return self.data

    def detach(self: N) -> N:
        """A constant with the same data: gradients stop here."""
        return type(self)(self.data, label=self.label, requires_grad=False)

    def __pos__(self: N) -> N:
        return self

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self._op.name!r}" if self._op.name else ", constant" if self._op is CONST else ""
        return f"{self.repr_name or type(self).__name__}(data={self.data!r}, grad={self.grad!r}{label}{op})"

    def _repr_html_(self) -> str | None:
        """Jupyter's rich display: what `Node.html_display` draws (None, the plain repr, if nothing set it)."""
        return None if Node.html_display is None else Node.html_display(self)

    def _stored(self, x: Node, d: Any) -> Any:
        """How this node keeps its local derivative `d` for input `x` (a Batch sums a scalar input's)."""
        return d


def leaf(cls: type, data: Any, op: Op) -> Any:
    """A new leaf of class `cls` (a variable if `op` is LEAF, a constant if CONST), made without __init__."""
    out = _new(cls)
    out.data, out.grad, out._op = data, UNREACHED, op
    out._a = out._b = out._da = out._db = None
    out._pending, out._scope = 0, modes.scope_path
    return out


def scalar_operand(x: Any, op: Op) -> Any:
    """The other operand of a scalar op when it is not a Value: a StoredValue (a Value whose numbers live in
    an array) as it is, anything else through scalar_constant."""
    return x if type(x) in SCALARS else scalar_constant(x, op)


def scalar_constant(x: Any, op: Op | None = None) -> Any:
    """A number as a constant Value: how `w * 2` lifts the 2. None if x cannot take part (Python then
    asks x's own operator); an array or a complex number raises TypeError naming `op`."""
    if type(x) is float:  # (the common case, before real()'s checks)
        return leaf(Node.kinds["scalar"], x, CONST)
    try:
        data = real(x)
    except OverflowError as error:
        raise OverflowError(f"{op.name if op else 'Value'}: {error}") from None
    if data is None:
        why = not_real(x)
        if why:
            raise TypeError(f"{op.name if op else 'Value'}: a Value cannot be combined with {why}")
        return None
    return leaf(Node.kinds["scalar"], data, CONST)


def constant(x: Any) -> Any:
    """A number as a constant Value, a 1-D float array as a constant Batch; None if x is neither."""
    if isinstance(x, np.ndarray) and x.ndim:
        return Node.kinds["batch"](x, requires_grad=False)
    return scalar_constant(x)


def link(out: N, op: Op, a: Node, b: Node | None) -> N:
    """The slow path of every op: record `out = op(a, b)` with its local derivatives from the op table, in
    the math of out's class; or make `out` a constant in no_grad mode or when no input takes a gradient.
    In anomaly mode a NaN or inf value raises AnomalyError naming the op."""
    inputs = (a,) if b is None else (a, b)
    if modes.records() and any(x._op is not CONST for x in inputs):
        out._op, out._a, out._b = op, a, b
        args = [x.data for x in inputs] + [out.data]
        rules = op.rules(math_of(inputs))[1]
        try:
            local = [out._stored(x, rule(*args)) for x, rule in zip(inputs, rules)]
        except ARITHMETIC_ERRORS as error:
            raise op_error(op, error, inputs, "its derivative") from None
        out._da, out._db = (local + [None])[:2]
        for x in inputs:
            x._pending += 1  # one more user (the backward pass counts them down)
    else:
        out._op, out._a, out._b, out._da, out._db = CONST, None, None, None, None
    if modes.checks_anomalies():
        check_finite(op, inputs, out.data)
    return out


def math_of(inputs: Any) -> type:
    """The math namespace an op on these inputs runs in: numpy's if any input is a Batch, else floats'."""
    batch = Node.kinds["batch"]
    return batch.math if any(x.__class__ is batch for x in inputs) else Node.kinds["scalar"].math


def apply(op: Op, *operands: Any) -> Any:
    """op(*operands) as a new node: numbers become constants, and if any operand is a Batch the op runs
    on every sample (numpy), giving a Batch (a scalar Value for a reduction such as sum)."""
    batch = Node.kinds["batch"]
    batched = any(isinstance(x, batch) for x in operands)
    inputs = [x if isinstance(x, Node) else constant(x) for x in operands]
    for x, given in zip(inputs, operands):
        if x is None:
            raise TypeError(f"{op.name}: takes Values and numbers, got {type(given).__name__}: {given!r}")
    if batched:
        batch.check_lengths(op, inputs)
    cls = Node.kinds["scalar" if op.reduces or not batched else "batch"]
    try:
        out = op.rules(math_of(inputs))[0](*[x.data for x in inputs])
    except ARITHMETIC_ERRORS as error:
        raise op_error(op, error, tuple(inputs)) from None
    if isinstance(out, np.ndarray) and cls is not batch:
        out = float(out)
    return link(leaf(cls, out, CONST), op, inputs[0], inputs[1] if len(inputs) == 2 else None)


def _made_by_hand(node: Node, children: tuple[Any, ...], name: str) -> None:
    """micrograd's `Value(data, (a, b), '+')`: link `node` to its children by the table's op of that name,
    or, for a name the table does not know, as a custom node whose `_backward` the caller sets next."""
    inputs = [c if isinstance(c, Node) else constant(c) for c in children]
    if None in inputs or not 1 <= len(inputs) <= 2:
        raise TypeError(f"Value(..., _children={children!r}, _op={name!r}): a node has one or two inputs, each a "
                        f"Value or a number")
    op = lookup(name, len(inputs))
    a, b = inputs[0], inputs[1] if len(inputs) == 2 else None
    if op is not None and op is not LEAF:
        link(node, op, a, b)
        return
    node._op, node._a, node._b = custom(name or "custom"), a, b  # _da stays None: the mark of a custom node
    for x in inputs:
        x._pending += 1
