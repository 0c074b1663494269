"""Value's operator methods, compiled from the op table: one template, every op.

Each method inlines its op's float value and derivative expressions (so the hot path makes no
call per op beyond the method itself) and falls back to `value._link` for the slow cases:
no_grad, constant inputs, anomaly checks.
"""

from __future__ import annotations

from . import mode
from .errors import op_error
from .numerics import FloatMath
from .ops import CONST, OPS, Op, namespace
from .value import _ERRORS, UNREACHED, Value, _constant, _link, _new

_TEMPLATE = """
def _method(self{params}):{lift}
    {unpack}
    a = A.data{load_b}
    try:
        out = {value}
    except _ERRORS as error:
        raise op_error(op, error, {inputs}) from None
    node = _new(Value)
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
           "needs_grad": "(A._op is not CONST or B._op is not CONST)", "B": "B", "lift": """
    if other.__class__ is not Value:
        other = _constant(other)
        if other is None:
            return NotImplemented"""}


def _compile(op: Op, method: str, reflected: bool = False):
    """Value's method for `op`: the template with the op's value and derivative expressions inlined."""
    parts = dict(_UNARY if op.arity == 1 else _BINARY, value=op.value, d0=op.derivatives[0],
                 store_db=f"\n        node._db = {op.derivatives[1]}" if op.arity == 2 else "")
    if reflected:
        parts["unpack"] = "B, A = self, other"
    scope = namespace(FloatMath) | {"Value": Value, "_new": _new, "_constant": _constant, "_link": _link,
                                    "_ERRORS": _ERRORS, "op_error": op_error, "mode": mode, "CONST": CONST, "op": op,
                                    "UNREACHED": UNREACHED}
    exec(_TEMPLATE.format(**parts), scope)
    function = scope["_method"]
    function.__name__, function.__qualname__ = method, f"Value.{method}"
    function.__doc__ = f"{op.name}({', '.join(op.inputs)}) = {op.value}; " + "; ".join(op.formulas)
    return function



_METHODS = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__",
            "neg": "__neg__", "abs": "__abs__", "leaky_relu": "_leaky_relu"}


def install(cls: type) -> None:
    """Give `cls` one method per op (and the reflected form of each binary operator)."""
    for op in OPS.values():
        name = _METHODS.get(op.name, op.name)
        setattr(cls, name, _compile(op, name))
        if name.startswith("__") and op.arity == 2:
            reflected = name.replace("__", "__r", 1)
            setattr(cls, reflected, _compile(op, reflected, reflected=True))
