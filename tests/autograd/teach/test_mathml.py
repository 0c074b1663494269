"""The op table's formulas as MathML: powers, fractions, roots, parentheses only where they are needed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from autograd.teach.mathml import derivative, formula, math, number


def flat(markup: str) -> str:
    """The formula as a reader sees it: its leaves' text in order, ^ before a superscript, / between a
    fraction's parts, √ before a root."""

    def walk(node: ET.Element) -> str:
        parts = [walk(child) for child in node]
        if node.tag == "msup":
            return "^".join(parts)
        if node.tag == "mfrac":
            return "/".join(parts)
        if node.tag == "msqrt":
            return "√" + "".join(parts)
        return (node.text or "") + "".join(parts) if node.tag in ("mi", "mn", "mo", "mtext") else "".join(parts)

    return walk(ET.fromstring(f"<r>{markup}</r>"))


@pytest.mark.parametrize(("text", "shown"), [
    ("1 - tanh(x)**2", "1−tanh(x)^2"),
    ("b * a**(b - 1)", "b·a^b−1"),
    ("(a + b) * c", "(a+b)·c"),
    ("a - (b - c)", "a−(b−c)"),
    ("a - b - c", "a−b−c"),
    ("-(a * b)", "−(a·b)"),
    ("x.data * L.data", "x·L"),
    ("sqrt(x)", "√x"),
    ("abs(x)", "|x|"),
    ("sigmoid(a) * (1 - sigmoid(a))", "sigmoid(a)·(1−sigmoid(a))"),
])
def test_formulas_are_typeset_with_the_parentheses_they_need(text, shown):
    assert flat(formula(text)) == shown


def test_a_quotient_is_a_fraction_and_what_is_not_python_stays_text():
    assert formula("a / b").startswith("<mfrac>") and flat(formula("a / (b + 1)")) == "a/b+1"
    assert formula("1.0 if a > 0 else 0.0") == "<mtext>1.0 if a &gt; 0 else 0.0</mtext>"
    assert formula("my weight * 2") == "<mtext>my weight * 2</mtext>"
    assert formula("f(x=1)") == "<mtext>f(x=1)</mtext>"


def test_numbers_derivatives_and_the_math_element():
    assert number("-2.0", factor=True) == "<mrow><mo>(</mo><mrow><mo>−</mo><mn>2.0</mn></mrow><mo>)</mo></mrow>"
    assert number("-2.0") == "<mrow><mo>−</mo><mn>2.0</mn></mrow>" and number("6.0") == "<mn>6.0</mn>"
    assert number("[3] mean 1") == "<mtext>[3] mean 1</mtext>"
    assert re.fullmatch(r"<mfrac><mrow><mi mathvariant=\"normal\">d</mi><mi>L</mi></mrow>"
                        r"<mrow><mi mathvariant=\"normal\">d</mi><mi>a&lt;</mi></mrow></mfrac>", derivative("L", "a<"))
    assert math("<mn>1</mn>") == '<math displaystyle="true"><mn>1</mn></math>'
