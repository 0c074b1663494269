"""Paths from a root down to one of its inputs: counted, differentiated, listed or grouped.

The engine's backward pass sums the chain rule over all paths at once; `explain` wants them one by
one. Their number can be exponential (each `x + x`-like diamond doubles it), so everything here is
dynamic programming over the nodes in topological order: path counts and d node / d wrt first,
and the paths themselves only when `explain` has decided there are few enough to list.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ..core import Batch, Node, SummedOverSamples, local_derivatives, topological_sort
from ..notation import CUSTOM, INPUT_NAMES, Names, formula, num, rule

MAX_WHERE = 40  # lines explaining local derivatives (in explain's text and its typeset form)


class Path(NamedTuple):
    """One path root -> ... -> wrt: its nodes, the local derivative along each edge, their product."""

    nodes: tuple[Node, ...]
    factors: tuple[Any, ...]  # floats; per-sample arrays (or SummedOverSamples) in a batch graph
    symbols: tuple[str, ...]
    product: float
    positions: tuple[int, ...]  # which input of each node the path goes down (a * a has two edges to a)


@dataclass(frozen=True)
class Group:
    """The paths through one edge at a cut: how many, and their summed products (a chain of total derivatives)."""

    via: Node
    count: int
    symbols: tuple[str, ...]
    factors: tuple[Any, ...]
    subtotal: float
    links: tuple[tuple[Node, Node], ...] = ()  # (top, bottom) of each symbol d top / d bottom


class PathGraph:
    """The part of the graph between root and wrt, with path counts and derivatives by dynamic programming."""

    def __init__(self, root: Node, wrt: Node) -> None:
        self.root, self.wrt, self.nodes = root, wrt, topological_sort(root)
        self.name = Names(root, self.nodes)
        self.edges: dict[int, list[tuple[int, Node, Any]]] = {}  # node -> (position, input, local) towards wrt
        self.count: dict[int, int] = {}  # paths from node down to wrt
        self.down: dict[int, Any] = {}  # d node / d wrt (per sample for a batch node)
        self.batched = any(isinstance(v, Batch) for v in self.nodes)
        if isinstance(wrt, Batch):
            raise ValueError(f"explain: {self.name(wrt)} is a batch; explain the gradient of a scalar Value (a "
                             f"parameter, say), or read the per-sample gradients in {self.name(wrt)}.grad after "
                             f"backward()")
        if wrt.is_constant:
            return
        count, down, batched = self.count, self.down, self.batched
        for v in self.nodes:  # inputs first
            if v is wrt:
                count[id(v)], down[id(v)] = 1, 1.0
                continue
            inputs = v.inputs
            if not inputs or not any(id(x) in count for x in inputs):
                continue
            positions = [i for i, x in enumerate(inputs) if not x.is_constant]
            edges = [(i, x, local) for i, (x, local) in zip(positions, local_derivatives(v)) if id(x) in count]
            self.edges[id(v)] = edges
            if len(edges) == 1 and not batched:  # the common case, and all of a long chain: kept cheap
                _, x, local = edges[0]
                count[id(v)], down[id(v)] = count[id(x)], local * down[id(x)]
                continue
            count[id(v)] = sum(count[id(x)] for _, x, _ in edges)
            down[id(v)] = _add([tangent(v, local, down[id(x)]) for _, x, local in edges])

    def symbol(self, top: Node, bottom: Node) -> str:
        return f"d{self.name(top)}/d{self.name(bottom)}"

    def paths(self) -> list[Path]:
        """Every path, depth first with inputs in order (only called when there are few). A partial path is
        a linked list (its last edge and the rest), so extending it costs O(1): one long path is linear."""
        found: list[Path] = []
        stack: list[tuple[Node, Any]] = [(self.root, None)]
        while stack:
            v, link = stack.pop()
            if v is self.wrt:
                found.append(self._path(link))
                continue
            for position, x, local in reversed(self.edges[id(v)]):
                stack.append((x, (link, v, x, local, position)))
        return found

    def _path(self, link: Any) -> Path:
        """A Path from its linked list of edges (last edge first)."""
        edges = []
        while link is not None:
            link, top, bottom, local, position = link
            edges.append((top, bottom, local, position))
        edges.reverse()
        nodes = (self.root, *(bottom for _, bottom, _, _ in edges))
        factors = tuple(local for _, _, local, _ in edges)
        symbols = tuple(self.symbol(top, bottom) for top, bottom, _, _ in edges)
        return Path(nodes, factors, symbols, self._product(nodes, factors), tuple(p for *_, p in edges))

    def _product(self, nodes: tuple[Node, ...], factors: tuple[Any, ...]) -> float:
        """A path's product of local derivatives; through a batch, per sample and summed where it rejoins
        a scalar (or at a batch root, whose every sample is seeded with 1)."""
        if not self.batched:
            return math.prod(factors, start=1.0)
        t: Any = 1.0
        for top, local in reversed(list(zip(nodes, factors))):
            t = tangent(top, local, t)
        return _total(t)

    def length(self) -> int:
        """The number of edges on the longest path from root to wrt."""
        longest = {id(self.wrt): 0}
        for v in self.nodes:
            if id(v) in self.edges:
                longest[id(v)] = 1 + max(longest[id(x)] for _, x, _ in self.edges[id(v)])
        return longest[id(self.root)]

    def where(self, path: Path) -> Iterator[str]:
        """Each local derivative of a path as the op table writes it ("dL/dd = f = -2.0"), except plain
        numbers such as add's 1.0; for a node made by hand, the number its `_backward` closure applies."""
        for top, bottom, text, local in self.formulas(path):
            if text is None:
                yield f"{self.symbol(top, bottom)} = {num(local)}   ({top.op.name}: {CUSTOM})"
                continue
            shown = f" = {num(local)}" if text != num(local) else ""
            yield f"{self.symbol(top, bottom)} = {text}{shown}   ({top.op.name})"

    def formulas(self, path: Path) -> Iterator[tuple[Node, Node, str | None, Any]]:
        """(top, bottom, the op table's formula in node names, local derivative) for `where`'s lines;
        the formula is None for a node made by hand (its derivative is only a number)."""
        for top, bottom, local, position in zip(path.nodes, path.nodes[1:], path.factors, path.positions):
            if top.has_custom_backward:
                yield top, bottom, None, local
            elif INPUT_NAMES.search(rule(top, position)):
                yield top, bottom, formula(top, position, self.name), local

    def groups(self) -> tuple[list[Group], Node]:
        """Group the paths where they first split below the root, or where they last join above wrt,
        whichever gives more groups (an MLP's paths fan out just above a weight, not at the loss)."""
        top, prefix = self.root, 1.0
        while top is not self.wrt and len(self.edges[id(top)]) == 1:
            _, x, local = self.edges[id(top)][0]
            top, prefix = x, local * prefix  # the backward rule: a SummedOverSamples local sums over the samples
        down = [self._group(x, [(self.root, top, prefix), (top, x, local), (x, self.wrt, self.down[id(x)])])
                for _, x, local in self.edges.get(id(top), ())]
        up = self._groups_above_wrt()
        return (up[0], up[1]) if len(up[0]) > len(down) else (down, top)

    def _groups_above_wrt(self) -> tuple[list[Group], Node]:
        users: dict[int, list[tuple[Node, Any]]] = {}
        for v in self.nodes:
            for _, x, local in self.edges.get(id(v), ()):
                users.setdefault(id(x), []).append((v, local))
        bottom, suffix = self.wrt, 1.0
        while len(users.get(id(bottom), ())) == 1 and bottom is not self.root:
            v, local = users[id(bottom)][0]
            bottom, suffix = v, tangent(v, local, suffix)
        paths_to, adjoint = {id(self.root): 1}, {id(self.root): 1.0}  # from root: count and d root / d node
        for v in reversed(self.nodes):
            if id(v) not in paths_to:
                continue
            for _, x, local in self.edges.get(id(v), ()):
                paths_to[id(x)] = paths_to.get(id(x), 0) + paths_to[id(v)]
                adjoint[id(x)] = adjoint.get(id(x), 0.0) + local * adjoint[id(v)]
            if v is bottom:
                break
        groups = [self._group(v, [(self.root, v, adjoint[id(v)]), (v, bottom, local), (bottom, self.wrt, suffix)],
                              paths_to[id(v)])
                  for v, local in users.get(id(bottom), ())]
        return groups, bottom

    def _group(self, via: Node, chain: list[tuple[Node, Node, Any]], count: int | None = None) -> Group:
        """A group's chain of (total) derivatives root -> top -> x -> wrt (d root/d top, the edge's local
        derivative, d x/d wrt); links from a node to itself are left out."""
        (_, top, adjoint), (_, _, local), (_, _, down) = chain
        chain = [(a, b, d) for a, b, d in chain if a is not b]
        factors = tuple(d for _, _, d in chain)
        subtotal = _total(adjoint * tangent(top, local, down)) if self.batched else math.prod(factors, start=1.0)
        return Group(via, self.count[id(via)] if count is None else count,
                     tuple(self.symbol(a, b) for a, b, _ in chain), factors, subtotal,
                     tuple((a, b) for a, b, _ in chain))


def tangent(node: Node, local: Any, down: Any) -> Any:
    """d node / d wrt along one edge: the local derivative times the input's d input / d wrt. Per sample
    into a batch node; summed over the samples where a batch enters a scalar node (sum, mean)."""
    if isinstance(local, SummedOverSamples):  # a scalar input of a batch node: each sample's own derivative
        local = local.d
    t = local * down
    if isinstance(node, Batch):
        return t if isinstance(t, np.ndarray) else np.full(node.data.shape, t)
    return _total(t)


def _total(x: Any) -> Any:
    return float(x.sum()) if isinstance(x, np.ndarray) else x


def _add(terms: list[Any]) -> Any:
    """The sum of the paths' terms: exactly rounded for floats, entry by entry for batches."""
    if any(isinstance(t, np.ndarray) for t in terms):
        return sum(terms[1:], terms[0])
    return math.fsum(terms)
