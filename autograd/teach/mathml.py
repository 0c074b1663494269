"""MathML for the chain rule: derivatives as fractions, products, numbers, and the op table's formulas.

MathML is drawn by every current browser without a script or a network (Jupyter, nbconvert's HTML,
a page on disk), where LaTeX needs MathJax. A formula from the op table ("1 - tanh(x)**2",
"b * a**(b - 1)") is Python syntax, so it is read with `ast` and written with superscripts,
fractions and square roots; anything else (a label that is not a Python name, say) is shown as the
text it is, never dropped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from html import escape

MINUS = "\u2212"
ATOM, POWER, UNARY, PRODUCT, SUM = 9, 4, 3, 2, 1  # how tightly a piece binds (Python's precedence)


def mi(name: str) -> str:
    return f"<mi>{escape(name)}</mi>"


def mo(symbol: str) -> str:
    return f"<mo>{escape(symbol)}</mo>"


def mtext(text: str) -> str:
    return f"<mtext>{escape(text)}</mtext>"


def row(*parts: str) -> str:
    return f"<mrow>{''.join(parts)}</mrow>"


def math(*parts: str) -> str:
    """A formula in display style (full-size fractions) but inline, so that a table cell can align it left."""
    return f'<math displaystyle="true">{"".join(parts)}</math>'


def derivative(top: str, bottom: str) -> str:
    """d top / d bottom as a fraction, upright d as in the text ("dL/da")."""
    d = '<mi mathvariant="normal">d</mi>'
    return f"<mfrac>{row(d, mi(top))}{row(d, mi(bottom))}</mfrac>"


def number(text: str, factor: bool = False) -> str:
    """A number as `num` writes it; as a factor, a negative one in parentheses. A batch ("[3] mean 1") is text."""
    try:
        float(text)
    except ValueError:
        return mtext(text)
    if not text.startswith("-"):
        return f"<mn>{escape(text)}</mn>"
    negative = row(mo(MINUS), f"<mn>{escape(text[1:])}</mn>")
    return row(mo("("), negative, mo(")")) if factor else negative


def product(factors: Iterable[str]) -> str:
    return mo("\u00b7").join(factors)


def formula(text: str) -> str:
    """A Python expression in node names as MathML; the text itself if it is not one we can typeset."""
    try:
        return _typeset(ast.parse(text, mode="eval").body)[0]
    except (SyntaxError, ValueError):
        return mtext(text)


def _typeset(node: ast.expr) -> tuple[str, int]:
    """(markup, binding) of an expression node; ValueError for a kind of expression not typeset."""
    if isinstance(node, ast.Name):
        return mi(node.id), ATOM
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return number(repr(node.value)), ATOM
    if isinstance(node, ast.Attribute) and node.attr == "data":  # x.data: the value of x
        return _typeset(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = MINUS if isinstance(node.op, ast.USub) else "+"
        return row(mo(sign), _wrapped(node.operand, UNARY)), UNARY
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        args = [_typeset(a)[0] for a in node.args]
        if node.func.id == "sqrt" and len(args) == 1:
            return f"<msqrt>{args[0]}</msqrt>", ATOM
        if node.func.id == "abs" and len(args) == 1:
            return row(mo("|"), args[0], mo("|")), ATOM
        return row(mi(node.func.id), mo("("), mo(",").join(args), mo(")")), ATOM
    if isinstance(node, ast.BinOp):
        return _binary(node)
    raise ValueError(f"formula: {type(node).__name__} is not typeset")


def _binary(node: ast.BinOp) -> tuple[str, int]:
    op = node.op
    if isinstance(op, ast.Div):
        return f"<mfrac>{row(_typeset(node.left)[0])}{row(_typeset(node.right)[0])}</mfrac>", ATOM
    if isinstance(op, ast.Pow):
        return f"<msup>{row(_wrapped(node.left, ATOM))}{row(_typeset(node.right)[0])}</msup>", POWER
    if isinstance(op, ast.Mult):
        return row(_wrapped(node.left, PRODUCT), mo("\u00b7"), _wrapped(node.right, PRODUCT)), PRODUCT
    if isinstance(op, (ast.Add, ast.Sub)):
        right = _wrapped(node.right, SUM + 1 if isinstance(op, ast.Sub) else SUM)  # a - (b - c) keeps its ()
        return row(_wrapped(node.left, SUM), mo("+" if isinstance(op, ast.Add) else MINUS), right), SUM
    raise ValueError(f"formula: the operator {type(op).__name__} is not typeset")


def _wrapped(node: ast.expr, binding: int) -> str:
    """A piece, in parentheses if it binds less tightly than its place needs."""
    markup, own = _typeset(node)
    return row(mo("("), markup, mo(")")) if own < binding else markup
