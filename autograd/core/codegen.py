"""Writes Value's and Batch's operator methods from the op table: `python -m autograd.core.codegen`.

Like PyTorch's code generated from derivatives.yaml, the output is checked in (autograd/core/
value.py and batch.py), so every operator is real source: `inspect.getsource(Value.__mul__)`
shows it and a traceback points at its line. Each method is `node.apply(op, self, other)`
specialised to one op, with the op's value and local derivative expressions written inline:
the hot path makes no call beyond the method itself and the math the expressions do.
`--check` exits 1 if the files are stale (a test runs it). Edit the table (builtin_ops.py), the
heads of the classes (templates.py) or the method template below, never the generated files. (If
an edit leaves the package unable to import, `git checkout` the two generated files, then run
this again: it imports the package, generated files included.)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import NamedTuple

from . import templates as headers
from .builtin_ops import TABLE
from .builtin_ops import __name__ as _table_module
from .define import describe
from .op import Op

HERE = Path(__file__).resolve().parent


class Kind(NamedTuple):
    """What the methods of one node class differ in."""

    cls: str  # the class the methods are written into
    math: str  # the math namespace the rules' helpers come from
    operand: str  # the annotation of `other`
    lift: str  # code that turns `other` into a node, `operand`, or returns NotImplemented ({A}, {B}: the inputs)
    scalar_result: bool = False  # a reduction's result is a scalar Value (else the op's result is of this class)
    wrap: str = ""  # how the derivative of `operand` is stored when it may be a scalar node ({own}, {raw}, {X})
    literals: tuple[tuple[str, str], ...] = ()  # derivative expressions stored as another object for own-class inputs
    quiet: bool = False  # compute the value with numpy's warnings off (1e308 * 10 is inf, silently, as for floats)


SCALAR = Kind("Value", "FloatMath", "Value | Scalar", """
        operand = other if type(other) is Value else scalar_operand(other, {OP})  # a number: a constant
        if operand is None:
            return NotImplemented""")
BATCH = Kind("Batch", "ArrayMath", "Node | Scalar | np.ndarray", """
        operand = other if type(other) is Batch or type(other) is Value else batch_operand(other, self, {OP})
        if operand is None:  # (a number or an array became a constant; anything else cannot take part)
            return NotImplemented
        if type(operand) is Batch and operand.data.size != self.data.size:
            raise mismatch({OP}, {A}, {B})""", scalar_result=True,
             wrap="{own} if {X}.__class__ is Batch else summed({raw})", literals=(("1.0", "ONE"),), quiet=True)

METHOD = '''
    def {method}(self{params}) -> {result}:
        """{doc}"""{lift}
        a = {A}.data{load_b}
        {quiet}try:
            out = {value}
        except ARITHMETIC_ERRORS as error:
            raise op_error({OP}, error, {inputs}) from None{loud}
        node = _new({result})
        node.data = out
        node.grad = UNREACHED
        node._pending = 0
        node._scope = modes.scope_path
        if modes.plain_recording and {needs_grad}:
            node._op = {OP}
            node._a = {A}
            node._b = {B}
            {A}._pending += 1  # one more user (the backward pass counts them down){count_b}
            try:
                node._da = {d0}{store_db}
            except ARITHMETIC_ERRORS as error:
                raise op_error({OP}, error, {inputs}, "its derivative") from None
            return node
        return link(node, {OP}, {A}, {B})
'''


def method_source(op: Op, kind: Kind, reflected: bool = False) -> str:
    """One method: the template with the op's value and derivative expressions inlined."""
    A, B = ("operand", "self") if reflected else ("self", "operand")
    own = [dict(kind.literals).get(d, d) for d in op.derivatives]  # for an input of the kind's own class
    d = list(own)
    if op.arity == 2 and kind.wrap:  # `operand` may be a scalar node: its derivative is stored summed
        i = 0 if reflected else 1
        d[i] = kind.wrap.format(own=own[i], raw=op.derivatives[i], X="operand")
    result = "Value" if kind.scalar_result and op.reduces else kind.cls
    doc = "\n".join(f"        {line}" if line else "" for line in describe(op).splitlines()).lstrip()
    if reflected:
        doc = doc.replace("\n", f"\n\n        (the reflected form: {A} is a, {B} is b)", 1)
    doc += "\n        "
    name = _reflected(op) if reflected else op.method
    OP = op.name.upper()
    binary = op.arity == 2
    lift = kind.lift.format(OP=OP, A=A, B=B) if binary else ""
    if binary and not reflected and kind is SCALAR and not name.startswith("_"):  # a method, not an operator
        lift = lift.replace("\n            return NotImplemented", PLAIN_FALLBACK.format(
            name=op.name, reflected=_reflected(op)), 1)
    return METHOD.format(
        method=name, params=f", other: {kind.operand}" if binary else "", result=result, doc=doc, OP=OP,
        lift=lift, A=A, B=B if binary else "None",
        load_b=f"\n        b = {B}.data" if binary else "", value=op.value,
        quiet="token = silence()  # numpy as quiet as floats are\n        " if kind.quiet else "",
        loud="\n        finally:\n            restore(token)" if kind.quiet else "",
        inputs=f"({A}, {B})" if binary else f"({A},)",
        needs_grad=f"({A}._op is not CONST or {B}._op is not CONST)" if binary else f"{A}._op is not CONST",
        d0=d[0], count_b=f"\n            {B}._pending += 1" if binary else "",
        store_db=f"\n                node._db = {d[1]}" if binary else "")


# x.logaddexp(y) is a method call, not an operator: Python will not try y's reflected method for it, so the
# generated method does (a Value with a Batch: the Batch's method), and refuses anything else by name.
PLAIN_FALLBACK = """
            if isinstance(other, Node):
                return other.{reflected}(self)
            raise TypeError(f"{name}: takes a number or a Value, got {{type(other).__name__}}: {{other!r}}")"""


def _reflected(op: Op) -> str:
    method = op.method
    return "__r" + method[2:] if method.startswith("__") else "_r" + method.lstrip("_")


def helpers(kind_ops: list[Op]) -> list[str]:
    """The math helpers the rules call, sorted: bound at module level to the names the rules use."""
    names = set()
    for op in kind_ops:
        for rule in (op.value, *op.derivatives):
            names |= {n.id for n in ast.walk(ast.parse(rule, mode="eval")) if isinstance(n, ast.Name)}
    return sorted(names - {"a", "b", "out"})


def module_source(kind: Kind, header: str) -> str:
    """A whole generated module: the header (imports and the hand-written head of the class), then a
    method per op, and the reflected form of each binary op."""
    ops = list(TABLE)
    used = helpers(ops)
    lines = [header.rstrip("\n")]
    for op in ops:
        lines.append(method_source(op, kind).rstrip("\n"))
        if op.arity == 2:
            lines.append(method_source(op, kind, reflected=True).rstrip("\n"))
    body = "\n".join(lines) + "\n"
    binding = "\n".join(f"{name} = {kind.math}.{name}" for name in used)
    op_names = "".join(f"    {name},\n" for name in sorted(op.name.upper() for op in ops))
    return body.replace("{HELPERS}", binding).replace("{OPS}", f"(\n{op_names})")


def outputs() -> dict[Path, str]:
    """The generated files and their text."""
    return {HERE / "value.py": module_source(SCALAR, headers.VALUE),
            HERE / "batch.py": module_source(BATCH, headers.BATCH)}


def main(argv: list[str]) -> int:
    stale = [path for path, text in outputs().items() if not path.exists() or path.read_text() != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path} is stale: run `python -m autograd.core.codegen` (the table is {_table_module})")
        return 1 if stale else 0
    for path, text in outputs().items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
