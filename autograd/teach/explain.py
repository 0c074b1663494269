"""The chain rule written out: `explain(root, wrt)`, every path from root to wrt as a product.

`explain` computes d root / d wrt on its own (no backward pass needed, no grad touched): the sum,
over every path from root down to wrt, of the product of the local derivatives along it. Paths
can be exponentially many, so they are counted first (dynamic programming) and, past `limit`,
shown in groups that meet at one node, each a product of total derivatives (the chain rule at a cut).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..core import Node
from ..notation import Text, num, require_node
from .paths import MAX_WHERE, Group, Path, PathGraph
from .typeset import explanation_html

MAX_FACTORS = 300  # listing more factors than this (paths x length) is unreadable: group instead
SHOWN_FACTORS = 4  # a longer product is written as its first and last 4 factors and how many are left out


class Explanation:
    """What `explain` found: `total` (= wrt.grad after backward), `count`, `paths` or `groups`, and the text."""

    def __init__(self, root: Node, wrt: Node, count: int, paths: list[Path], groups: list[Group],
                 total: float, text: str, graph: PathGraph | None = None) -> None:
        self.root, self.wrt, self.count, self.paths, self.groups, self.total = root, wrt, count, paths, groups, total
        self.text, self.graph = Text(text), graph

    def __float__(self) -> float:
        return self.total

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """In Jupyter: the products typeset (MathML, which browsers draw without a script)."""
        return explanation_html(self)


def explain(root: Node, wrt: Node, limit: int = 20) -> Explanation:
    """d root / d wrt as the sum over paths of products of local derivatives, in symbols and numbers.

    Up to `limit` paths are listed one by one; beyond that they are grouped where they split.
    """
    require_node("explain", "root", root)
    require_node("explain", "wrt", wrt)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    graph = PathGraph(root, wrt)
    name, head = graph.name, f"d{graph.name(root)}/d{graph.name(wrt)}"
    count = graph.count.get(id(root), 0)
    if not count:
        why = "it is a constant" if wrt.is_constant else f"{name(root)} does not depend on it"
        return Explanation(root, wrt, 0, [], [], 0.0, f"{head} = 0.0: no gradient flows to {name(wrt)} ({why})",
                           graph)
    if wrt is root:
        path = Path((root,), (), (), 1.0, ())
        return Explanation(root, wrt, 1, [path], [], 1.0, f"{head} = 1.0 (the seed: d x/d x = 1)", graph)
    if count <= limit and (count == 1 or graph.length() * count <= MAX_FACTORS):
        return _listed(graph, head, count)
    return _grouped(graph, head, count, limit)


def _listed(graph: PathGraph, head: str, count: int) -> Explanation:
    """Every path on its own line, their sum, and each local derivative as the op table writes it."""
    paths, name = graph.paths(), graph.name
    total = math.fsum(p.product for p in paths)
    lines = [f"{head}: {_plural(count, 'path')} from {name(graph.root)} to {name(graph.wrt)}"]
    for k, p in enumerate(paths, 1):
        if len(p.factors) > 1:
            chain = f"{product_text(p.symbols)} = {product_text(p.factors, num)} = "
        else:  # one edge: its symbol, unless the line already starts with it
            chain = "" if count == 1 else f"{p.symbols[0]} = "
        lines.append(f"  {f'{head} = ' if count == 1 else f'path {k}: '}{chain}{num(p.product)}")
    if count > 1:
        lines.append(f"  {head} = {' + '.join(f'path {k}' for k in range(1, count + 1))} = "
                     f"{' + '.join(num(p.product) for p in paths)} = {num(total)}")
    where: dict[str, None] = {}
    for line in (w for p in paths for w in graph.where(p)):  # lazily: a long path formats only what is shown
        if line not in where and len(where) == MAX_WHERE:
            where[f"... and more (the first {MAX_WHERE} local derivatives that are formulas are shown)"] = None
            break
        where[line] = None
    if where:
        lines.append("  where " + "\n        ".join(where))
    return Explanation(graph.root, graph.wrt, count, paths, [], total, "\n".join(lines), graph)


def _grouped(graph: PathGraph, head: str, count: int, limit: int) -> Explanation:
    """The paths grouped where they split, largest contributions first, at most `limit` lines of them."""
    groups, cut = graph.groups()
    name, total = graph.name, math.fsum(g.subtotal for g in groups)
    why = f"more than limit={limit}" if count > limit else "too long to list one by one"
    lines = [f"{head}: {_plural(count, 'path')} from {name(graph.root)} to {name(graph.wrt)}, {why}; "
             f"grouped at {name(cut)}, where they split {len(groups)} ways:"]
    shown = sorted(groups, key=lambda g: -abs(g.subtotal))[:limit]
    for g in shown:
        lines.append(f"  via {name(g.via)} ({_plural(g.count, 'path')}): {' * '.join(g.symbols)} = "
                     f"{' * '.join(map(num, g.factors))} = {num(g.subtotal)}")
    if len(groups) > len(shown):
        rest = [g for g in groups if all(g is not s for s in shown)]
        lines.append(f"  ... and {len(rest)} more groups, together {num(math.fsum(g.subtotal for g in rest))}")
    lines.append(f"  {head} = sum of the {len(groups)} groups = {num(total)}")
    return Explanation(graph.root, graph.wrt, count, [], groups, total, "\n".join(lines), graph)


def product_text(factors: Sequence[Any], show: Callable[[Any], str] = str) -> str:
    """ "a * b * c", or for a long path "a * b * ... (k more factors) ... * y * z": the text stays short
    however long the path (only the factors shown are formatted), the product itself is computed in full."""
    k = SHOWN_FACTORS
    if len(factors) <= 2 * k + 1:
        return " * ".join(map(show, factors))
    middle = f"... ({len(factors) - 2 * k:,} more factors) ..."
    return " * ".join([*map(show, factors[:k]), middle, *map(show, factors[-k:])])


def _plural(n: int, word: str) -> str:
    text = f"{n:,}" if n < 10**12 else f"about 10^{len(str(n)) - 1}"
    return f"{text} {word}{'' if n == 1 else 's'}"
