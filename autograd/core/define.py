"""define_op: how every op is declared, built-in or yours, and checked when it is declared.

    define_op("cube", value="a ** 3", derivatives=("3.0 * a * a",), notation=("3a^2",))

gives `Value.cube()` (and `Batch.cube()`), its derivative in `backward()`, `create_graph=True`
and higher orders, batch mode, gradcheck, and the text of the Stepper, `explain`, `tape` and the
graph labels: all of them read the op table, so there is nothing else to edit. The method added
here calls `apply` (autograd/core/node.py), which evaluates the rules; the built-in ops also get
a version of it with their rules inlined, generated into Value's and Batch's class bodies.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from .arraymath import ArrayMath
from .floatmath import FloatMath
from .node import Node, apply
from .op import INPUT_NAMES, OPS, Op, namespace
from .valuemath import ValueMath

NAMESPACES = (FloatMath, ArrayMath, ValueMath)  # a rule must run in each: floats, batches, create_graph
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant, ast.Load, ast.operator,
            ast.unaryop)


class OpDefinitionError(ValueError):
    """A `define_op` declaration that cannot work; the message says which part and what to change."""


def define_op(name: str, value: str, derivatives: Sequence[str], *, symbol: str = "", notation: Sequence[str] = (),
              method: str | None = None, reflected: str | None = None, reduces: bool = False) -> Op:
    """Add a primitive op to the table and a method for it to Value and Batch; return the op.

    `value` is a Python expression in the inputs `a` (and `b`); `derivatives` holds one expression
    per input, d out/d a (and d out/d b), which may also use `out`, the op's result. Expressions
    use arithmetic, numbers and the helpers every math namespace has (exp, log, sqrt, tanh,
    sigmoid, softplus, relu, step, sign, ipow, abs, sin, cos...). `notation` is the textbook form
    of each derivative, shown to learners (default: the expression itself). `method` names the
    Value method (default: `name`); a binary operator method such as '__add__' also gets its
    reflected form ('__radd__', or `reflected`). Everything is checked here, not when first used.
    """
    derivatives, notation = tuple(derivatives), tuple(notation)
    where = f"define_op({name!r})"
    if not isinstance(name, str) or not name.isidentifier():
        raise OpDefinitionError(f"define_op: the name must be an identifier such as 'cube', got {name!r}")
    if name in OPS:
        raise OpDefinitionError(f"{where}: an op called {name!r} exists already ({OPS[name]!r}); choose another name")
    if len(derivatives) not in (1, 2):
        raise OpDefinitionError(f"{where}: give one derivative per input (1 or 2 inputs), got {len(derivatives)}")
    inputs = INPUT_NAMES[: len(derivatives)]
    _check_rule(where, "value", value, inputs)
    for x, rule in zip(inputs, derivatives):
        _check_rule(where, f"d/d{x}", rule, (*inputs, "out"))
    if notation and len(notation) != len(derivatives):
        raise OpDefinitionError(f"{where}: notation needs one entry per derivative ({len(derivatives)}), "
                                f"got {len(notation)}")
    method = name if method is None else method
    if reflected is None and len(inputs) == 2 and method.startswith("__"):
        reflected = "__r" + method[2:]
    for attribute in filter(None, (method, reflected)):
        _check_free(where, attribute)
    op = Op(symbol or name, name, value, derivatives, notation, method, reduces)
    for math in NAMESPACES:
        op.rules(math)  # compiles now: a rule that cannot compile fails here
    OPS[name] = op
    _install(op, method, reflected)
    return op


def _check_rule(where: str, part: str, rule: Any, names: tuple[str, ...]) -> None:
    """A rule must be an expression in `names` and helpers that every math namespace has."""
    if not isinstance(rule, str):
        raise OpDefinitionError(f"{where}: {part} must be an expression written as a str, got {rule!r}")
    try:
        tree = ast.parse(rule, mode="eval")
    except SyntaxError as error:
        raise OpDefinitionError(f"{where}: {part} = {rule!r} is not a Python expression ({error.msg})") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED) or isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
            raise OpDefinitionError(f"{where}: {part} = {rule!r} uses {ast.unparse(node)!r}; a rule may use "
                                    f"arithmetic, numbers, {', '.join(names)} and helper calls such as exp(a)")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise OpDefinitionError(f"{where}: {part} = {rule!r}: only numbers can be constants, not {node.value!r}")
        if isinstance(node, ast.Name) and node.id not in names:
            missing = [m.__name__ for m in NAMESPACES if node.id not in namespace(m)]
            if missing:
                raise OpDefinitionError(f"{where}: {part} = {rule!r} uses {node.id!r}, which is not an input "
                                        f"({', '.join(names)}) nor a helper of {', '.join(missing)}; add it to "
                                        f"every math namespace ({', '.join(m.__name__ for m in NAMESPACES)})")


def _check_free(where: str, attribute: str) -> None:
    for cls in (Node, *Node.kinds.values()):
        if hasattr(cls, attribute):
            raise OpDefinitionError(f"{where}: {cls.__name__}.{attribute} exists already; pass method= (and "
                                    f"reflected=) with names that are free")


def _install(op: Op, method: str, reflected: str | None) -> None:
    """Give Node (so Value and Batch) the method `method` (and its reflected form) that applies `op`."""
    if op.arity == 1:
        def unary(self: Node) -> Any:
            return apply(op, self)

        _attach(unary, op, method)
        return

    def binary(self: Node, other: Any) -> Any:
        return apply(op, self, other)

    def binary_reflected(self: Node, other: Any) -> Any:
        return apply(op, other, self)

    _attach(binary, op, method)
    if reflected:
        _attach(binary_reflected, op, reflected)


def _attach(function: Callable[..., Any], op: Op, name: str) -> None:
    function.__name__, function.__qualname__ = name, f"Node.{name}"
    function.__doc__ = describe(op)
    setattr(Node, name, function)


def describe(op: Op) -> str:
    """An op's docstring: what it computes and its derivatives in textbook form."""
    args = ", ".join(op.inputs)
    lines = [f"{op.name}({args}) = {op.value}", ""]
    lines += [f"d/d{x} = {n}" + (f"    (computed as {d})" if not _same(n, d) else "")
              for x, n, d in zip(op.inputs, op.notation, op.derivatives)]
    return "\n".join(lines)


def _same(notation: str, rule: str) -> bool:
    """True if the textbook form says no more than the rule ('1' and '1.0')."""
    try:
        return notation == rule or float(notation) == float(rule)
    except ValueError:
        return False
