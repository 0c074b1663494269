"""How nodes are written as text: names, numbers, equations and derivative formulas.

The graph picture, the Stepper, `explain` and `tape` all describe the same nodes, so they share
one naming (a node's label, else its Module's name for it, from autograd/names.py, else `v<k>` by its
place on the tape: see `Names`) and one number format: what a learner reads in the text is what they find in the
picture; a batch is always summarised ("[100] mean 0.42", see `_number`), never printed in full.
Equations and formulas come from the op table (`op.name`, its symbol, its derivative expressions),
never from a per-op case here.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .core import Batch, Node, SummedOverSamples, Unreached, summary, topological_sort
from .names import ModelNames, is_inline

DASH = "—"  # a gradient no backward pass has reached
CUSTOM = "hand-written _backward"  # where a node made by hand gets its local derivatives (no formula in the table)
INPUT_NAMES = re.compile(r"\b(a|b|out)\b")


class Text(str):
    """A str that shows as itself at the REPL prompt (no quotes, no escaped newlines)."""

    def __repr__(self) -> str:
        return str(self)


_MORE_ARGUMENTS = {"explain": ", x", "save_svg": ", 'graph.svg'"}  # for the example call in require_node's error


def require_node(function: str, argument: str, x: Any) -> None:
    """A clear TypeError for a non-Value where `function` needs a graph node (not an AttributeError later)."""
    if not isinstance(x, Node):
        shown = repr(x)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise TypeError(f"{function}: {argument} must be a Value (a node of a computation graph), got "
                        f"{type(x).__name__} {shown}; pass a Value, e.g. x = Value(2.0), y = x * x, "
                        f"then {function}(y{_MORE_ARGUMENTS.get(function, '')})")


def num(x: Any, digits: int = 6) -> str:
    """A float, short: 6 significant digits, always with a decimal point or exponent ("-2.0", "0.546")."""
    return _number(x, lambda x: _short(x, digits))


def _short(x: float, digits: int) -> str:
    text = f"{x + 0.0:.{digits}g}"  # + 0.0 turns -0.0 into 0.0, which is what a reader expects
    return text + ".0" if text.lstrip("-").isdigit() else text


def fixed(x: Any) -> str:
    """A float for a graph node: 4 decimals as in micrograd, scientific where 4 decimals would hide it."""
    return _number(x, _fixed)


def _fixed(x: float) -> str:
    return f"{x:.4f}" if x == 0.0 or 1e-3 <= abs(x) < 1e6 else f"{x:.3e}"


def _number(x: Any, style: Any) -> str:
    """The one place numbers become text: a float in `style`; a batch (a Value's array, a grad array, the
    per-sample derivatives a scalar input sums) as its length and mean, "[100] mean 0.42", never in full."""
    if isinstance(x, Node):
        x = x.data
    elif isinstance(x, SummedOverSamples):
        x = x.d
    if isinstance(x, np.ndarray):
        return summary(x, style)
    return style(x)


def magnitude(x: Any) -> float:
    """|x|, for colouring an edge by its chain-rule term: the largest |entry| of a batch."""
    x = x.data if isinstance(x, Node) else x
    return float(np.max(np.abs(x))) if isinstance(x, np.ndarray) else abs(x)


def grad_of(v: Node) -> Any:
    """v's gradient (a float, or an array for a batch), or None if no backward pass has reached v."""
    g = v.grad
    if isinstance(g, Unreached):
        return None
    g = g.data if isinstance(g, Node) else g
    return g if isinstance(g, np.ndarray) else float(g)


def grad_text(v: Node, style: Any = num) -> str:
    g = grad_of(v)
    return DASH if g is None else style(g)


def is_batch(v: Node) -> bool:
    return isinstance(v, Batch)


class Names:
    """Display names for the nodes below `root`: the label; else a Module's name for its parameters (and,
    for an MLP, the textbook's z, a and x, see `ModelNames`); else `v1, v2, ...` in topological order.

    The Module is `model`, or found from the Module calls that made the nodes (`autograd.scope`), so
    draw_dot, tape, explain and the Stepper all write a weight the same way. An unlabelled scalar constant
    is written as its number, since that is all it is (a constant batch gets a name like any node: its
    numbers do not fit in a formula); it takes no `v` number, so the numbers have no gaps.
    """

    def __init__(self, root: Node, nodes: list[Node] | None = None, model: Any = None) -> None:
        self.nodes = topological_sort(root) if nodes is None else nodes
        self.model = ModelNames(self.nodes, model)
        labels = [v.label for v in self.nodes]
        taken = set(filter(None, labels))
        self._names: dict[int, str] = {}
        k = 0
        for v, label in zip(self.nodes, labels):
            name = label or self.model.names.get(id(v))
            if not name:
                if is_inline(v):
                    continue
                k += 1
                while f"v{k}" in taken:  # a label such as "v2" keeps its name; the count goes on past it
                    k += 1
                name = f"v{k}"
            self._names[id(v)] = name

    def __call__(self, v: Node) -> str:
        if is_inline(v):
            return num(v.data)
        return self._names.get(id(v)) or v.label or self.model.names.get(id(v)) or "?"

    def data(self, v: Node) -> str:
        """How a node's value appears inside a formula: `a.data`, or the number for a constant."""
        return self(v) if is_inline(v) else f"{self(v)}.data"

    def full(self, v: Node) -> str:
        """The name, and for a parameter shown in the textbook's short form its dotted Module name too."""
        dotted = self.model.dotted.get(id(v))
        return f"{self(v)} = {dotted}" if dotted and dotted != self(v) else self(v)


def equation(node: Node, name: Any) -> str:
    """The right-hand side that computed `node`: "d * f" for a symbol op, "tanh(e)" otherwise (also for an op
    made by hand with a `_backward` closure: its name and inputs are all that is known of it)."""
    op, args = node.op, [name(x) for x in node.inputs]
    if len(args) == 2 and not str(op).isidentifier():
        return f"{args[0]} {op} {args[1]}"
    return f"{op}({', '.join(args)})"


def formula(node: Node, position: int, name: Any) -> str:
    """The op table's local derivative of `node` with respect to input `position`, in node names.

    `name(v)` writes a node (e.g. `Names.data`); a, b and out are replaced by the inputs and the node.
    A node with a hand-written `_backward` has no formula (check `node.has_custom_backward` first).
    """
    inputs = dict(zip(("a", "b"), node.inputs), out=node)
    return INPUT_NAMES.sub(lambda m: name(inputs[m.group(1)]), rule(node, position))


def rule(node: Node, position: int) -> str:
    """The op table's derivative of `node` for one input, in its textbook notation where the table has one."""
    if node.has_custom_backward:
        raise ValueError(f"{node.op!s} has a {CUSTOM}: its local derivatives are numbers, not a formula")
    op = node.op
    return (op.notation or op.derivatives)[position]


def is_atom(text: str) -> bool:
    """True if `text` needs no parentheses as a factor of a product (a name, number or one call)."""
    head = re.match(r"-?[\w.,]+", text)  # a name may hold commas: w1_4,2
    if head is None or head.end() == len(text):
        return head is not None
    depth = 0
    for i, char in enumerate(text[head.end():], head.end()):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return text[head.end()] == "(" and i == len(text) - 1
    return False
