"""The op table: every primitive declared once, with its value and local derivatives.

Each rule is a Python expression in the op's inputs `a` (and `b`) and its output `out`, calling
only arithmetic and the functions of a math namespace (`exp`, `step`, `ipow`...). The same text
is compiled for every namespace that needs it: plain floats (`autograd.numerics.FloatMath`, the
eager engine, also inlined into Value's operators), numpy arrays (`autograd.arraymath.ArrayMath`,
inlined into Batch's operators: batch mode), Values (`autograd.valuemath.ValueMath`, for
`create_graph=True`), and is shown to people as the formula (graph labels, Stepper, explain).

An `Op` is a `str` (its symbol): micrograd code that reads ``node._op`` as a string keeps working.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Op(str):
    """A primitive: its symbol (the str value), name, value expression and one derivative per input."""

    name: str
    value: str
    derivatives: tuple[str, ...]
    notation: tuple[str, ...]
    inputs: tuple[str, ...]

    def __new__(cls, symbol: str, name: str, value: str = "", derivatives: tuple[str, ...] = (),
                notation: tuple[str, ...] = ()) -> Op:
        op = super().__new__(cls, symbol)
        op.name, op.value, op.derivatives = name, value, derivatives
        op.notation = notation or derivatives
        op.inputs = ("a", "b")[: len(derivatives)]
        op._compiled = {}
        return op

    @property
    def arity(self) -> int:
        return len(self.inputs)

    @property
    def formulas(self) -> tuple[str, ...]:
        """'d/da = b' style text, one per input (the textbook form where the rule needs a helper)."""
        return tuple(f"d/d{x} = {d}" for x, d in zip(self.inputs, self.notation))

    def rules(self, m: type) -> tuple[Callable, tuple[Callable, ...]]:
        """(value(a[, b]), (d/da(a[, b], out), ...)) compiled for math namespace `m` (cached)."""
        if m not in self._compiled:
            scope = namespace(m)
            args = ", ".join(self.inputs)
            value = eval(f"lambda {args}: {self.value}", scope)
            derivatives = tuple(eval(f"lambda {args}, out: {d}", scope) for d in self.derivatives)
            self._compiled[m] = (value, derivatives)
        return self._compiled[m]

    def __repr__(self) -> str:
        return f"<op {self.name} {str(self)!r}>" if self.name else "<leaf>"

    def __copy__(self) -> Op:  # ops are singletons: copying a Value keeps its op's identity
        return self

    def __deepcopy__(self, memo: dict) -> Op:
        return self


def namespace(m: type) -> dict[str, Any]:
    """The public functions of a math namespace class, as globals for compiling rules."""
    return {name: getattr(m, name) for name in dir(m) if not name.startswith("_")}


# Leaves carry one of these two in `_op`: both are '' like micrograd's leaves, `is` tells them apart.
LEAF = Op("", "")  # a variable: receives gradients
CONST = Op("", "")  # a constant (a number lifted into a Value, or requires_grad=False)

TABLE = (
    Op("+", "add", "a + b", ("1.0", "1.0")),
    Op("-", "sub", "a - b", ("1.0", "-1.0")),
    Op("*", "mul", "a * b", ("b", "a")),
    Op("/", "div", "div(a, b)", ("1.0 / b", "-out / b")),
    Op("**", "pow", "pow(a, b)", ("power_rule(a, b)", "xlog(out, a)"), ("b * a**(b - 1)", "a**b * log(a)")),
    # The slope is an input, so a Value slope is learnable (PReLU); a number becomes a constant.
    Op("leaky_relu", "leaky_relu", "leaky_relu(a, b)", ("step(a) + (1.0 - step(a)) * b", "(1.0 - step(a)) * a")),
    Op("neg", "neg", "-a", ("-1.0",)),
    Op("abs", "abs", "abs(a)", ("sign(a)",)),
    Op("exp", "exp", "exp(a)", ("out",)),
    Op("log", "log", "log(a)", ("1.0 / a",)),
    Op("sqrt", "sqrt", "sqrt(a)", ("0.5 * ipow(out, -1.0)",)),
    Op("tanh", "tanh", "tanh(a)", ("1.0 - out * out",)),
    Op("sigmoid", "sigmoid", "sigmoid(a)", ("out * (1.0 - out)",)),
    Op("ReLU", "relu", "relu(a)", ("step(a)",)),
    Op("softplus", "softplus", "softplus(a)", ("sigmoid(a)",)),
    Op("sin", "sin", "sin(a)", ("cos(a)",)),
    Op("cos", "cos", "cos(a)", ("-sin(a)",)),
    # Reductions: a batch's samples summed or averaged into one scalar (the identity on a scalar).
    Op("sum", "sum", "total(a)", ("ones(a)",)),
    Op("mean", "mean", "average(a)", ("ones(a) / count(a)",)),
)

REDUCTIONS = frozenset(op for op in TABLE if op.name in ("sum", "mean"))  # a batch in, a scalar out

OPS: dict[str, Op] = {op.name: op for op in TABLE}


def lookup(name: str, arity: int | None = None) -> Op:
    """The op called `name` (or with that symbol, such as '+' or 'ReLU'), for micrograd's constructor."""
    if not name:
        return LEAF
    for op in TABLE:
        if name in (op.name, str(op)) and arity in (None, op.arity):
            return op
    raise ValueError(f"unknown op {name!r} with {arity} inputs; the op table has: {', '.join(OPS)}")
