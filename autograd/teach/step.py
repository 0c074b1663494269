"""One step of a step-through backward pass: the chain-rule terms it applied, as data and as text.

A learner reads a step as arithmetic they could do by hand: the op table's formula for each local
derivative with the node names filled in, its value, the upstream grad, the product, and the
input's running total. The text is made when the step is applied, so it records that moment.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..core import Node, SummedOverSamples
from ..notation import CUSTOM, Names, equation, is_atom, num
from .views import step_html

if TYPE_CHECKING:
    from .stepper import Stepper


class Term(NamedTuple):
    """One `input.grad += local * node.grad` of a step, with the grad before and after."""

    input: Node
    formula: str  # the op table's formula in node names; for a hand-written `_backward`, the number it applies
    local: Any  # floats; arrays in a batch graph (a scalar input's local derivative is a SummedOverSamples)
    upstream: Any
    contribution: Any
    before: Any
    after: Any
    custom: bool = False  # the local derivative comes from a hand-written `_backward` closure (no formula)


class Step:
    """One applied chain rule: a node, its grad (complete by now), and the terms it added to its inputs.

    The text is written when first shown (stepping through a big graph stays fast), from numbers
    recorded when the step was applied.
    """

    def __init__(self, index: int, total: int, node: Node, terms: list[Term], names: Names, root: Node,
                 stepper: Stepper | None = None) -> None:
        self.index, self.total, self.node, self.terms = index, total, node, terms
        self.grad, self._names, self.root, self._text = node.grad, names, root, ""
        self._stepper = None if stepper is None else weakref.ref(stepper)  # weak: no reference cycle
        self._order = None if stepper is None else stepper.order  # (the Stepper's list, not a copy)

    @property
    def headline(self) -> str:
        """"step 1/3  L = d * f": which node, computed how."""
        name = self._names
        return f"step {self.index}/{self.total}  {name(self.node)} = {equation(self.node, name)}"

    def __repr__(self) -> str:
        if not self._text:
            self._text = describe(self, self._names, self.root)
        return self._text

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """In Jupyter: the step's text beside the graph as it stood after the step, its node highlighted."""
        stepper = None if self._stepper is None else self._stepper()
        applied = [self.node] if self._order is None else self._order[: self.index]
        return step_html(self, stepper, applied)


def describe(step: Step, name: Names, root: Node) -> str:
    """The step's headline, d root / d node, and one aligned line per term: formula, numbers, running total
    (and, for a node made by hand, that its local derivative is the number its `_backward` closure applies)."""
    node = step.node
    lines = [f"{step.headline:<30}  d{name(root)}/d{name(node)} = {num(step.grad)}"]
    rows = [(f"{name(t.input)}.grad += {product(t.formula, name(node), isinstance(t.local, SummedOverSamples))}",
             num(t.local), num(t.upstream), num(t.contribution), f"{name(t.input)}.grad = {running_total(t)}",
             f"   ({CUSTOM})" if t.custom else "")
            for t in step.terms]
    widths = [max((len(row[k]) for row in rows), default=0) for k in range(4)]
    indent = " " * len(f"step {step.index}/{step.total}  ")
    for text, local, upstream, term, total, note in rows:
        lines.append(f"{indent}{text:<{widths[0]}} = {local:>{widths[1]}} * {upstream:>{widths[2]}} = "
                     f"{term:>{widths[3]}}   → {total}{note}")
    for x in node.inputs:
        if x.is_constant:
            lines.append(f"{indent}({name(x)} is a constant: it gets no gradient)")
    return "\n".join(lines)


def product(formula: str, node: str, summed: bool) -> str:
    """ "f * L.grad", or for a scalar input of a batch node the sum over the samples, "sum(x.data * L.grad)"."""
    text = f"{formula if is_atom(formula) else f'({formula})'} * {node}.grad"
    return f"sum({text})" if summed else text


def running_total(term: Term) -> str:
    """An input's grad after the term, with enough digits to show that adding the term changed it
    (6 digits would print 6.0 for 6.0 + 7.3e-07). A batch's grad is summarised."""
    if any(isinstance(x, np.ndarray) for x in (term.after, term.before, term.contribution)):
        return num(term.after)
    for digits in (6, 9, 12, 17):
        text = num(term.after, digits)
        if all(term.after == x or text != num(x, digits) for x in (term.before, term.contribution)):
            return text
    return text
