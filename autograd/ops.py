"""The op table: every primitive declared once, with its value, local derivatives and formulas.

Everything else reads this table: the eager float backward, `create_graph=True` (the same
rules evaluated on Values), the graph labels, the Stepper and `explain`. A rule is a function of
a math namespace ``m`` and the op's inputs ``a`` (and ``b``) and output ``out``; the namespace
decides whether it computes with floats (`autograd.numerics.FloatMath`) or builds more graph
(`autograd.engine.ValueMath`). Rules use only arithmetic operators and ``m.*`` functions, so one
definition serves all of them.

An `Op` is a `str` (its symbol): micrograd code that reads ``node._op`` as a string keeps working.
"""

from __future__ import annotations

from collections.abc import Callable


class Op(str):
    """A primitive: its symbol (the str value), name, value rule and one derivative rule per input."""

    name: str
    arity: int
    value: Callable
    derivatives: tuple[Callable, ...]
    formulas: tuple[str, ...]

    def __new__(cls, symbol: str, name: str, value: Callable, derivatives: tuple, formulas: tuple) -> Op:
        op = super().__new__(cls, symbol)
        op.name = name
        op.value = value
        op.derivatives = derivatives
        op.formulas = formulas
        op.arity = len(derivatives)
        op.d0 = derivatives[0] if derivatives else None
        op.d1 = derivatives[1] if op.arity == 2 else None
        return op

    def __repr__(self) -> str:
        return f"<op {self.name} {str(self)!r}>" if self.name else "<leaf>"

    def __copy__(self) -> Op:  # ops are singletons: copying a Value keeps its op's identity
        return self

    def __deepcopy__(self, memo: dict) -> Op:
        return self


# Leaves carry one of these two in `_op`: both are '' like micrograd's leaves, `is` tells them apart.
LEAF = Op("", "", None, (), ())  # a variable: receives gradients
CONST = Op("", "", None, (), ())  # a constant (a number lifted into a Value, or requires_grad=False)

UNARY = (
    Op("neg", "neg", lambda m, a: -a, (lambda m, a, out: -1.0,), ("-1",)),
    Op("abs", "abs", lambda m, a: m.abs(a), (lambda m, a, out: m.sign(a),), ("sign(a)",)),
    Op("exp", "exp", lambda m, a: m.exp(a), (lambda m, a, out: out,), ("exp(a)",)),
    Op("log", "log", lambda m, a: m.log(a), (lambda m, a, out: 1.0 / a,), ("1/a",)),
    Op("sqrt", "sqrt", lambda m, a: m.sqrt(a), (lambda m, a, out: 0.5 * m.ipow(out, -1.0),), ("1/(2*sqrt(a))",)),
    Op("tanh", "tanh", lambda m, a: m.tanh(a), (lambda m, a, out: 1.0 - out * out,), ("1 - tanh(a)^2",)),
    Op("sigmoid", "sigmoid", lambda m, a: m.sigmoid(a), (lambda m, a, out: out * (1.0 - out),),
       ("sigmoid(a)*(1 - sigmoid(a))",)),
    Op("ReLU", "relu", lambda m, a: m.relu(a), (lambda m, a, out: m.step(a),), ("1 if a > 0 else 0",)),
    Op("softplus", "softplus", lambda m, a: m.softplus(a), (lambda m, a, out: m.sigmoid(a),), ("sigmoid(a)",)),
    Op("sin", "sin", lambda m, a: m.sin(a), (lambda m, a, out: m.cos(a),), ("cos(a)",)),
    Op("cos", "cos", lambda m, a: m.cos(a), (lambda m, a, out: -m.sin(a),), ("-sin(a)",)),
)

BINARY = (
    Op("+", "add", lambda m, a, b: a + b, (lambda m, a, b, out: 1.0, lambda m, a, b, out: 1.0), ("1", "1")),
    Op("-", "sub", lambda m, a, b: a - b, (lambda m, a, b, out: 1.0, lambda m, a, b, out: -1.0), ("1", "-1")),
    Op("*", "mul", lambda m, a, b: a * b, (lambda m, a, b, out: b, lambda m, a, b, out: a), ("b", "a")),
    Op("/", "div", lambda m, a, b: m.div(a, b),
       (lambda m, a, b, out: 1.0 / b, lambda m, a, b, out: -out / b), ("1/b", "-a/b^2")),
    Op("**", "pow", lambda m, a, b: m.pow(a, b),
       (lambda m, a, b, out: b * m.ipow(a, b - 1.0), lambda m, a, b, out: m.xlog(out, a)),
       ("b*a^(b-1)", "a^b*log(a)")),
    # The slope is an input, so a Value slope is learnable (PReLU); a number becomes a constant.
    Op("leaky_relu", "leaky_relu", lambda m, a, b: m.leaky_relu(a, b),
       (lambda m, a, b, out: m.step(a) + (1.0 - m.step(a)) * b, lambda m, a, b, out: (1.0 - m.step(a)) * a),
       ("1 if a > 0 else b", "0 if a > 0 else a")),
)

OPS: dict[str, Op] = {op.name: op for op in UNARY + BINARY}


def lookup(name: str, arity: int | None = None) -> Op:
    """The op called `name` (or with that symbol, such as '+' or 'ReLU'), for micrograd's constructor."""
    if name in ("", None):
        return LEAF
    for op in OPS.values():
        if (op.name == name or str(op) == name) and arity in (None, op.arity):
            return op
    known = ", ".join(sorted(OPS))
    raise ValueError(f"unknown op {name!r} with {arity} inputs; the op table has: {known}")
