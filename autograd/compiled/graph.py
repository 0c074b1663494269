"""From the traced scalar graph to groups of nodes that one numpy operation can compute together.

Three rewrites, each what a person does when turning scalar backprop into matrix backprop:

1. **Sums.** A chain of additions (`b + w0*x0 + w1*x1 + ...`, each partial sum used once) is
   one n-ary sum of terms, each with a sign (+1, or -1 for a subtraction).
2. **Linear forms.** In a sum over samples, a term `w * x` (a parameter times a batch node,
   the product used nowhere else) is a weight on an input: such a sum is `x @ w + rest`.
3. **Groups.** Nodes at the same depth (longest path from the leaves) doing the same thing (the
   same op, or both a linear form) are one group (DyNet's on-the-fly operation batching): a layer's
   16 pre-activations become one matmul, its 16 ReLUs one `relu` of a matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core import OPS, Batch, Op, Value

ADD, SUB, MUL = OPS["add"], OPS["sub"], OPS["mul"]


@dataclass
class Item:
    """A node of the rewritten graph: a leaf, an op node, or a sum (with its linear part)."""

    node: Value
    kind: str  # "input", "param", "const", "op", "sum"
    batch: bool  # one entry per sample (else one number)
    op: Op | None = None
    args: list[Item] = field(default_factory=list)  # an op's inputs
    terms: list[tuple[Item, float]] = field(default_factory=list)  # a sum's plain terms and their signs
    pairs: list[tuple[Item, Item]] = field(default_factory=list)  # a sum's (weight, x) terms
    level: int = 0
    needs_grad: bool = False
    group: Any = None  # the Group computing it (set by `groups`)
    column: int = 0  # its place in that group

    @property
    def linear(self) -> bool:
        return bool(self.pairs)

    def sources(self) -> list[Item]:
        """The items its value is computed from (for depth and gradients)."""
        return [*self.args, *(t for t, _ in self.terms), *(x for pair in self.pairs for x in pair)]


def rewrite(nodes: list[Value], outputs: list[Value], inputs: set[int]) -> list[Item]:
    """Items for the graph, in topological order; additions folded into sums, products into linear forms."""
    uses: dict[int, int] = {id(v): 0 for v in nodes}
    for v in nodes:
        for x in v.inputs:
            uses[id(x)] += 1
    for out in outputs:
        uses[id(out)] += 2  # an output is never folded into another node
    folded: set[int] = set()
    plain: dict[int, tuple[list[tuple[Value, float]], list[tuple[Value, Value]]]] = {}
    for v in reversed(nodes):  # from the outputs down, so each chain is folded from its top
        if id(v) in folded or (v.op is not ADD and v.op is not SUB):
            continue
        terms = _terms(v, uses, folded)
        pairs, xs = [], set()  # products of a weight and an x, each x once (a weight matrix has one entry per x)
        for t, s in terms if isinstance(v, Batch) else []:
            if s > 0 and _weighted(t, uses) and id(_split(t)[1]) not in xs:
                pairs.append(t)
                xs.add(id(_split(t)[1]))
        if len(terms) > 2 or pairs:
            weighted = {id(t) for t in pairs}
            plain[id(v)] = ([(t, s) for t, s in terms if id(t) not in weighted], [_split(t) for t in pairs])
            folded.update(id(t) for t in pairs)
    items: dict[int, Item] = {}
    for v in nodes:
        if id(v) in folded:
            continue
        item = Item(v, _kind(v, inputs), isinstance(v, Batch))
        if id(v) in plain:
            terms, pairs = plain[id(v)]
            item.kind = "sum"
            item.terms = [(items[id(t)], s) for t, s in terms]
            item.pairs = [(items[id(w)], items[id(x)]) for w, x in pairs]
        elif item.kind == "op":
            item.op, item.args = v.op, [items[id(x)] for x in v.inputs]
        sources = item.sources()
        item.level = 1 + max((s.level for s in sources), default=-1)
        item.needs_grad = item.kind == "param" or any(s.needs_grad for s in sources)
        items[id(v)] = item
    return list(items.values())


def _kind(v: Value, inputs: set[int]) -> str:
    if not v.is_leaf:
        return "op"
    if id(v) in inputs:
        return "input"
    return "const" if v.is_constant else "param"


def _terms(top: Value, uses: dict[int, int], folded: set[int]) -> list[tuple[Value, float]]:
    """The terms of the chain of additions under `top`, left to right, with their signs."""
    terms: list[tuple[Value, float]] = []
    stack: list[tuple[Value, float]] = [(top, 1.0)]
    while stack:
        v, sign = stack.pop()
        if (v.op is ADD or v.op is SUB) and (v is top or uses[id(v)] == 1):
            a, b = v.inputs
            stack.append((b, -sign if v.op is SUB else sign))
            stack.append((a, sign))
            if v is not top:
                folded.add(id(v))
        else:
            terms.append((v, sign))
    return terms


def _is_parameter(v: Value) -> bool:
    return v.is_leaf and not v.is_constant and not isinstance(v, Batch)


def _weighted(t: Value, uses: dict[int, int]) -> bool:
    """True for a product of one parameter and one batch node, used only in this sum."""
    if t.op is not MUL or uses[id(t)] != 1:
        return False
    a, b = t.inputs
    return (_is_parameter(a) and isinstance(b, Batch)) or (_is_parameter(b) and isinstance(a, Batch))


def _split(t: Value) -> tuple[Value, Value]:
    a, b = t.inputs
    return (a, b) if _is_parameter(a) else (b, a)


@dataclass
class Group:
    """Items one numpy expression computes: the same level and kind of work, stored as one array."""

    name: str
    kind: str  # "input", "param", "const", "op", "sum"
    batch: bool
    items: list[Item]
    op: Op | None = None

    @property
    def size(self) -> int:
        return len(self.items)


def group_key(item: Item) -> tuple[Any, ...]:
    if item.kind == "op":
        assert item.op is not None
        return (item.level, "op", item.op.name, item.batch, tuple(a.batch for a in item.args))
    if item.kind == "sum":
        return (item.level, "sum", item.batch, item.linear)
    return (0, item.kind)


def groups(items: list[Item]) -> list[Group]:
    """Op and sum items grouped by (level, work), in order of level; leaves are grouped by the caller."""
    found: dict[tuple[Any, ...], Group] = {}
    for item in items:
        if item.kind in ("op", "sum"):
            key = group_key(item)
            if key not in found:
                found[key] = Group("", item.kind, item.batch, [], item.op)
            found[key].items.append(item)
    ordered = sorted(found.values(), key=lambda g: g.items[0].level)
    for g in ordered:
        for column, item in enumerate(g.items):
            item.group, item.column = g, column
    return ordered
