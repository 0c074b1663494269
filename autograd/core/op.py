"""Op: one primitive of the op table, and the table itself (`OPS`).

An op is declared once, by `define_op` (autograd/core/define.py), with its value and one local
derivative per input written as Python expressions in the inputs `a` (and `b`) and the output
`out`, calling only arithmetic and the helpers of a math namespace (`exp`, `step`, `ipow`...).
The same text is evaluated for floats (`FloatMath`: the eager engine), numpy arrays (`ArrayMath`:
batch mode) and Values (`ValueMath`: `create_graph=True`), and shown to people as the formula.

An `Op` is a `str` (its symbol): micrograd code that reads ``node._op`` as a string keeps working.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import Any

INPUT_NAMES = ("a", "b")


class Op(str):
    """A primitive: its symbol (the str value), name, value expression and one derivative per input."""

    name: str
    value: str
    derivatives: tuple[str, ...]
    notation: tuple[str, ...]
    inputs: tuple[str, ...]
    method: str  # the Value method that applies it ('__mul__', 'tanh', ...), '' for none
    reduces: bool  # a batch in, one scalar out (sum, mean)
    _compiled: dict[type, tuple[Callable[..., Any], tuple[Callable[..., Any], ...]]]
    custom: bool  # a node made by hand whose `_backward` closure is its derivative (the micrograd lecture's way)

    def __new__(cls, symbol: str, name: str, value: str = "", derivatives: tuple[str, ...] = (),
                notation: tuple[str, ...] = (), method: str = "", reduces: bool = False, custom: bool = False) -> Op:
        op = super().__new__(cls, symbol)
        op.name, op.value, op.derivatives = name, value, tuple(derivatives)
        op.notation = tuple(notation) or op.derivatives
        op.inputs = INPUT_NAMES[: len(op.derivatives)]
        op.method, op.reduces, op.custom = method, reduces, custom
        op._compiled = {}
        return op

    @property
    def arity(self) -> int:
        return len(self.inputs)

    @property
    def formulas(self) -> tuple[str, ...]:
        """'d/da = b' style text, one per input (the textbook form where the table gives one)."""
        return tuple(f"d/d{x} = {d}" for x, d in zip(self.inputs, self.notation))

    def rules(self, math: type) -> tuple[Callable[..., Any], tuple[Callable[..., Any], ...]]:
        """(value(a[, b]), (d/da(a[, b], out), ...)) for the math namespace `math` (compiled once, cached).

        Each rule is compiled under a file name such as ``<op cube: d/da>`` whose one line is the
        rule, so a traceback through a rule shows the rule's text.
        """
        if math not in self._compiled:
            scope = namespace(math)
            args = ", ".join(self.inputs)
            value = _compile(f"lambda {args}: {self.value}", f"<op {self.name}: value>", scope)
            derivatives = tuple(_compile(f"lambda {args}, out: {d}", f"<op {self.name}: d/d{x}>", scope)
                                for x, d in zip(self.inputs, self.derivatives))
            self._compiled[math] = (value, derivatives)
        return self._compiled[math]

    def __repr__(self) -> str:
        if self.custom:
            return f"<custom op {self.name!r} (a hand-written _backward)>"
        return f"<op {self.name} {str(self)!r}>" if self.name else "<leaf>"

    def __copy__(self) -> Op:  # ops are singletons: copying a Value keeps its op's identity
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Op:
        return self


def _compile(source: str, filename: str, scope: dict[str, Any]) -> Callable[..., Any]:
    linecache.cache[filename] = (len(source), None, [source + "\n"], filename)
    return eval(compile(source, filename, "eval"), scope)


def namespace(math: type) -> dict[str, Any]:
    """The public functions of a math namespace class, as the globals rules are evaluated in."""
    return {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}


# Leaves carry one of these two in `_op`: both are '' like micrograd's leaves, `is` tells them apart.
LEAF = Op("", "")  # a variable: receives gradients
CONST = Op("", "")  # a constant (a number lifted into a Value, or requires_grad=False)

OPS: dict[str, Op] = {}  # name -> op, in the order they were defined (filled by define_op)


def lookup(name: str, arity: int | None = None) -> Op | None:
    """The op called `name` (or with that symbol, such as '+' or 'ReLU') taking `arity` inputs, or None."""
    if not name:
        return LEAF
    for op in OPS.values():
        if name in (op.name, str(op)) and arity in (None, op.arity):
            return op
    return None


def custom(name: str) -> Op:
    """The op of a node made by hand with an op name the table does not know (micrograd's constructor)."""
    return Op(name, name, custom=True)
