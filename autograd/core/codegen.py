"""The operator methods of Value and Batch, compiled from the op table: one template, every op.

Each method inlines its op's value and derivative expressions (so the hot path makes no call per
op beyond the method itself and the math it does) and falls back to a `_link` function for the
slow cases: no_grad, constant inputs, anomaly checks. A `Flavor` says what differs between the
classes: the math namespace the expressions run in (floats for Value, numpy arrays for Batch),
how the other operand is lifted, the class of each op's result, and, for Batch, how the local
derivative of a scalar input is stored (wrapped, so that backward sums it over the samples).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from . import mode
from .errors import op_error
from .ops import CONST, OPS, REDUCTIONS, Op, namespace

_TEMPLATE = """
def _method(self{params}):{lift}
    {unpack}
    a = A.data{load_b}
    try:
        out = {value}
    except _ERRORS as error:
        raise op_error(op, error, {inputs}) from None
    node = _new({result})
    node.data = out
    node.grad = UNREACHED
    node._pending = 0
    node._scope = mode.scope_path
    if mode.fast and {needs_grad}:
        node._op = op
        node._a = A
        node._b = {B}
        node._da = {d0}{store_db}
        return node
    return _link(node, op, A, {B})
"""
_UNARY = {"params": "", "lift": "", "unpack": "A = self", "load_b": "", "inputs": "(A,)",
          "needs_grad": "A._op is not CONST", "B": "None"}
_BINARY = {"params": ", other", "unpack": "A, B = self, other", "load_b": "\n    b = B.data", "inputs": "(A, B)",
           "needs_grad": "(A._op is not CONST or B._op is not CONST)", "B": "B"}


class Flavor(NamedTuple):
    """What one class's compiled methods differ in (see the module docstring)."""

    name: str  # the class, as the generated code names it
    math: type  # the namespace the op table's expressions are evaluated in
    lift: str  # code that turns `other` into an operand (or returns NotImplemented); {A}, {B} = the order
    scope: dict[str, Any]  # the names the generated code uses besides the namespace
    reduces: bool = False  # the REDUCTIONS ops give a scalar Value (else the op's result is of this class)
    wrap: str = ""  # how the derivative {d} of `other` ({X}) is stored when `other` may be a scalar Value
    literals: dict[str, str] = {}  # derivative expressions stored as another object for an input of this class


def source(op: Op, flavor: Flavor, reflected: bool = False) -> str:
    """The method's Python source: the template with the op's value and derivative expressions inlined."""
    own = [flavor.literals.get(d, d) for d in op.derivatives]  # for an input of the flavor's class
    d0 = own[0]
    d1 = own[1] if op.arity == 2 else ""
    if op.arity == 2 and flavor.wrap:  # the operand that may be a scalar Value is `other`: A if reflected, else B
        if reflected:
            d0 = flavor.wrap.format(own=d0, d=op.derivatives[0], X="A")
        else:
            d1 = flavor.wrap.format(own=d1, d=op.derivatives[1], X="B")
    parts = dict(_UNARY if op.arity == 1 else _BINARY, value=op.value, d0=d0,
                 store_db=f"\n        node._db = {d1}" if op.arity == 2 else "",
                 result="Value" if flavor.reduces and op in REDUCTIONS else flavor.name)
    if op.arity == 2:
        parts["lift"] = flavor.lift.format(A="other" if reflected else "self", B="self" if reflected else "other")
    if reflected:
        parts["unpack"] = "B, A = self, other"
    return _TEMPLATE.format(**parts)


def _compile(op: Op, method: str, flavor: Flavor, reflected: bool = False):
    scope = namespace(flavor.math) | flavor.scope | {"op_error": op_error, "mode": mode, "CONST": CONST, "op": op}
    exec(source(op, flavor, reflected), scope)
    function = scope["_method"]
    function.__name__, function.__qualname__ = method, f"{flavor.name}.{method}"
    function.__doc__ = f"{op.name}({', '.join(op.inputs)}) = {op.value}; " + "; ".join(op.formulas)
    return function


_METHODS = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__",
            "neg": "__neg__", "abs": "__abs__", "leaky_relu": "_leaky_relu"}


def install(cls: type, flavor: Flavor) -> None:
    """Give `cls` one method per op (and the reflected form of each binary operator)."""
    for op in OPS.values():
        name = _METHODS.get(op.name, op.name)
        setattr(cls, name, _compile(op, name, flavor))
        if op.arity == 2:  # __radd__..., and _rleaky_relu for a scalar with a batch slope
            reflected = name.replace("__", "__r", 1) if name.startswith("__") else name.replace("_", "_r", 1)
            setattr(cls, reflected, _compile(op, reflected, flavor, reflected=True))
