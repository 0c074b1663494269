"""How nodes are written as text: names, numbers, equations and derivative formulas.

The graph picture, the Stepper, `explain` and `tape` all describe the same nodes, so they share
one naming (a node's label, else its Module's name for it, else `v<k>` by its place on the tape:
see `Names`) and one number format: what a learner reads in the text is what they find in the
picture; a batch is always summarised ("[100] mean 0.42", see `_number`), never printed in full.
Equations and formulas come from the op table (`op.name`, its symbol, its derivative expressions),
never from a per-op case here.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .core import Batch, Node, SummedOverSamples, Unreached, summary, topological_sort

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
                if _inline(v):
                    continue
                k += 1
                while f"v{k}" in taken:  # a label such as "v2" keeps its name; the count goes on past it
                    k += 1
                name = f"v{k}"
            self._names[id(v)] = name

    def __call__(self, v: Node) -> str:
        if _inline(v):
            return num(v.data)
        return self._names.get(id(v)) or v.label or self.model.names.get(id(v)) or "?"

    def data(self, v: Node) -> str:
        """How a node's value appears inside a formula: `a.data`, or the number for a constant."""
        return self(v) if _inline(v) else f"{self(v)}.data"

    def full(self, v: Node) -> str:
        """The name, and for a parameter shown in the textbook's short form its dotted Module name too."""
        dotted = self.model.dotted.get(id(v))
        return f"{self(v)} = {dotted}" if dotted and dotted != self(v) else self(v)


def _inline(v: Node) -> bool:
    return v.is_constant and not v.label and not is_batch(v)


MLP_PARAMETER = re.compile(r"layers\.(\d+)\.neurons\.(\d+)\.(?:w\.(\d+)|b)")
MLP_UNIT = re.compile(r"layers\.(\d+)\.neurons\.(\d+)")
LEGEND = """names as in the textbooks, counted from 1:
wL_j,k: the weight of layer L's unit j on its input k ({0} is {1})
bL_j: the bias of layer L's unit j
zL_j: its weighted sum, the sum over k of wL_j,k * a(L-1)_k, plus bL_j
aL_j: its activation act(zL_j); the inputs x1, x2, ... are a0_1, a0_2, ..."""


class ModelNames:
    """Names from Modules (anything with `named_parameters()` and `named_modules()`, as nn's Module).

    `dotted`: a parameter's node id -> its name in the Module ("layers.0.neurons.3.w.1"); `names`: what is
    shown. For an MLP (every parameter is `layers.L.neurons.j.w.k` or `.b`) that is the textbook's short
    form, counted from 1 as the books do (w1_4,2, b1_4), and a unit's weighted sum, activation and inputs
    get z1_4, a1_4 and x2 where that name fits one node (a model called twice has two z1_4: they stay `v`s).
    A second model in the same graph gets its type name and place as a prefix ("MLP1.layers.0...").
    """

    def __init__(self, nodes: list[Node], model: Any = None) -> None:
        self.dotted: dict[int, str] = {}
        self.names: dict[int, str] = {}
        models = [m for m in ([model] if model is not None else modules_of(nodes)) if is_module(m)]
        for k, m in enumerate(models):
            self._add(nodes, m, f"{type(m).__name__}{k}." if k else "")

    def legend(self) -> str:
        """What the textbook names mean ("" if none is used)."""
        weights = [(self.names[k], name) for k, name in self.dotted.items() if self.names[k][0] == "w"]
        return LEGEND.format(*weights[0]) if weights and weights[0][0] != weights[0][1] else ""

    def _add(self, nodes: list[Node], model: Any, prefix: str) -> None:
        params = [(name, p) for name, p in model.named_parameters() if isinstance(p, Node) and id(p) not in self.dotted]
        short = not prefix and bool(params) and all(MLP_PARAMETER.fullmatch(name) for name, _ in params)
        for name, p in params:
            self.dotted[id(p)], self.names[id(p)] = prefix + name, textbook(name) if short else prefix + name
        if short:
            self._units(nodes, {id(m): f"{int(u[1]) + 1}_{int(u[2]) + 1}" for name, m in model.named_modules()
                                if (u := MLP_UNIT.fullmatch(name))})

    def _units(self, nodes: list[Node], units: dict[int, str]) -> None:
        """z, a and x for each unit call's nodes (found by their scope), where a name fits one node only."""
        members: dict[int, list[Node]] = {}
        inside: set[int] = set()  # nodes used by a node of their own unit
        for v in nodes:
            owners = v.scope
            if owners and id(owners[-1]) in units:
                members.setdefault(id(owners[-1]), []).append(v)
                for x in v.inputs:
                    if x.scope and x.scope[-1] is owners[-1]:
                        inside.add(id(x))
        found: dict[str, dict[int, Node]] = {}
        for owner, group in members.items():
            unit, ids = units[owner], {id(v) for v in group}
            for v in (v for v in group if id(v) not in inside):  # the unit's output: act(z), or z if linear
                first, *rest = v.inputs  # act(z) (leaky_relu's slope is a constant input), or z's last `+`
                z = first if id(first) in ids and all(x.is_constant for x in rest) else None
                found.setdefault(f"z{unit}", {})[id(z or v)] = z or v
                if z is not None:
                    found.setdefault(f"a{unit}", {})[id(v)] = v
            for v in group if unit.startswith("1_") else ():  # w1_j,k * x: x is the input x_k
                for w, x in zip(v.inputs, v.inputs[::-1]) if len(v.inputs) == 2 else ():
                    if self.names.get(id(w), "").startswith("w1_") and not x.scope and not _inline(x):
                        found.setdefault(f"x{self.names[id(w)].rsplit(',')[1]}", {})[id(x)] = x
        for name, candidates in found.items():
            if len(candidates) == 1 and next(iter(candidates)) not in self.names:
                self.names[next(iter(candidates))] = name


def textbook(dotted: str) -> str:
    """An MLP parameter's short name: "layers.0.neurons.3.w.1" -> "w1_4,2", "layers.0.neurons.3.b" -> "b1_4"."""
    match = MLP_PARAMETER.fullmatch(dotted)
    if match is None:
        raise ValueError(f"textbook: {dotted!r} is not an MLP parameter name such as 'layers.0.neurons.3.w.1'")
    layer, unit, weight = match.groups()
    head = f"{int(layer) + 1}_{int(unit) + 1}"
    return f"w{head},{int(weight) + 1}" if weight is not None else f"b{head}"


def is_module(m: Any) -> bool:
    return callable(getattr(m, "named_parameters", None)) and callable(getattr(m, "named_modules", None))


def modules_of(nodes: list[Node]) -> list[Any]:
    """The outermost Module of each call the nodes were made in, first seen first: what `model=` would be."""
    seen: dict[int, Any] = {}  # id -> the owner, or None if it is not a Module (asked once per owner)
    for v in nodes:
        if v.scope and id(v.scope[0]) not in seen:
            seen[id(v.scope[0])] = v.scope[0] if is_module(v.scope[0]) else None
    return [m for m in seen.values() if m is not None]


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
