"""Computation graphs as pictures: `draw_dot` (as in the micrograd lecture, and more) and `save_svg`.

`draw_dot` only builds DOT text (a `graphviz.Digraph`), so it works without Graphviz installed;
rendering (`.render()`, `save_svg`, Jupyter's inline display) runs the `dot` program. What is
drawn is decided in `layout` (roles, Module groups, size limit), how it looks in `styles`, and
files are written by `files`. Here is the walk over the graph: which element goes in which frame,
the edges with the chain-rule term along each, and what is highlighted; each element's DOT (a
value's record, a collapsed Module call, a frame, the legend) is written by `elements`.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterable
from typing import Any

import graphviz

from ..core import Node, local_derivatives
from ..notation import Names, grad_of, magnitude, num, require_node
from .elements import draw_box, draw_value, frame, legend_label
from .files import GraphvizError, GraphvizNotFoundError, GraphvizRenderError, write_svg
from .labels import plain
from .layout import Layout, Path
from .styles import EDGE, GRAPH, MAX_TITLE, NODE, edge_style

EDGE_LABELS_UP_TO = 100  # values; beyond this edge labels are clutter, colour and width still show the flow


def draw_dot(root: Node, format: str = "svg", rankdir: str = "LR", *, parameters: Iterable[Node] | None = None,
             model: Any = None, highlight: Node | Iterable[Node] | None = None, group: str | None = "auto",
             max_nodes: int = 300, flow: bool | Iterable[Node] = True, legend: bool = True,
             title: str = "") -> graphviz.Digraph:
    """The graph below `root`: a `{ label | data | grad }` record per Value and an op node per computed one.

    parameters: leaves drawn as parameters (default `model.parameters()` if a model is given).
    model: names Module groups via `model.named_modules()`. highlight: a node, or several, drawn
    emphasised; for a leaf, every path from root to it is emphasised too. group: None (flat),
    "cluster" (a frame around each Module call's nodes), "collapse" (one summary box per Module
    call) or "auto" (flat if it fits in `max_nodes`, else collapse). flow: label and colour the
    edges by the gradient flowing back along them (True: wherever grads are set; or the nodes
    whose chain rule has been applied, as the Stepper does). Unreached grads show as "—".
    """
    require_node("draw_dot", "root", root)
    layout = Layout(root, parameters=parameters, model=model, group=group, max_nodes=max_nodes)
    names = Names(root, layout.nodes, model)
    marked, marked_edges = _highlights(layout, highlight)
    applied = None if flow is True else set() if flow is False else {id(v) for v in flow}
    graph = graphviz.Digraph(format=format, graph_attr={**GRAPH, "rankdir": rankdir}, node_attr=NODE, edge_attr=EDGE)
    clusters: dict[Path, graphviz.Digraph] = {(): graph}
    if layout.mode:  # frames in the model's order, and a short mincross: a long one rotates them (12-15 above 0-11)
        graph.attr(mclimit="0.1")
    if layout.mode == "cluster":  # frames made in the model's order (boxes come in that order already)
        for path in sorted({layout.home[id(v)] for v in layout.nodes} - {()}, key=layout.rank):
            frame(clusters, layout, path)
    ids = dot_names(layout.nodes)
    for k, box in enumerate(layout.boxes.values()):
        ids[id(box)] = f"m{k}"
        draw_box(frame(clusters, layout, box.cluster), box, ids[id(box)], layout, marked, names)
    edges: dict[tuple, list[tuple[float | None, bool]]] = {}
    for v in layout.nodes:
        box = layout.box_of.get(id(v))
        if box is None:
            where = frame(clusters, layout, layout.home[id(v)] if layout.mode == "cluster" else ())
            draw_value(where, v, ids[id(v)], layout.role(v), names, id(v) in marked)
        terms = _terms(v) if applied is None or id(v) in applied else [None, None]
        target = ids[id(box)] if box else ids[id(v)] + "op"
        for position, x in enumerate(v.inputs):
            source = layout.box_of.get(id(x))
            unit = ids[id(x) if source is None else id(source)]
            key = (unit, target) if source is not None or box is not None else (unit, target, position)
            if key[0] != target:
                edges.setdefault(key, []).append((terms[position], (id(x), id(v)) in marked_edges))
    for path in sorted(clusters, key=len, reverse=True)[:-1]:  # innermost first: a subgraph is copied when added
        frame(clusters, layout, path[:-1]).subgraph(clusters[path])
    labels = len(layout.nodes) <= EDGE_LABELS_UP_TO
    for key, items in edges.items():  # after the clusters, so that no edge declares a node outside its cluster
        terms = [t for t, _ in items if t is not None]
        label = num(terms[0], 4) if labels and len(key) == 3 and terms else ""
        graph.edge(key[0], key[1], **edge_style([magnitude(t) for t in terms], any(hot for _, hot in items), label))
    if legend:
        flows = any(t is not None for items in edges.values() for t, _ in items)
        graph.attr(label=legend_label(layout, flows, bool(marked), title, names.model.legend()), labelloc="b",
                   labeljust="l")
    elif title:
        graph.attr(label=plain(title, MAX_TITLE), labelloc="t", fontsize="14")
    return graph


def dot_names(nodes: list[Node]) -> dict[int, str]:
    """The Graphviz name of each value's record: `n<k>` for the k-th node in topological order (its op node is
    that + "op"). `autograd.viz.svg` finds the rendered elements by these names."""
    return {id(v): f"n{k}" for k, v in enumerate(nodes)}


def _terms(v: Node) -> list[Any]:
    """The chain-rule term along each input edge of v (local derivative x v.grad; an array along an edge into
    a batch), None where none flows. For a node with a hand-written `_backward` the local derivatives are the
    numbers its closure applies (`local_derivatives` runs it once to find them)."""
    g = grad_of(v)
    if v.is_leaf or g is None:
        return [None, None]
    local = iter(local_derivatives(v))
    return [None if x.is_constant else next(local)[1] * g for x in v.inputs]


def _highlights(layout: Layout, highlight: Any) -> tuple[set[int], set[tuple[int, int]]]:
    """Emphasised node ids, and the edges on every path from the root to each highlighted leaf."""
    targets: list[Any] = []
    if isinstance(highlight, Node) or (highlight is not None and not isinstance(highlight, Iterable)):
        targets = [highlight]
    elif highlight is not None:
        targets = list(highlight)
    for t in targets:
        require_node("draw_dot", "highlight", t)
    nodes, edges = {id(t) for t in targets}, set()
    for leaf in (t for t in targets if t.is_leaf):
        reaches = {id(leaf)}
        for v in layout.nodes:  # inputs come first, so a node's inputs are settled before it
            for x in v.inputs:
                if id(x) in reaches:
                    reaches.add(id(v))
                    edges.add((id(x), id(v)))
        nodes |= reaches
    return nodes, edges


def save_svg(root: Node | graphviz.Digraph, path: str | os.PathLike, **options: Any) -> pathlib.Path:
    """Render `root` (a Value, drawn with `draw_dot(root, **options)`, or a ready Digraph) to exactly
    `path`, atomically; GraphvizNotFoundError says how to install `dot` if it is missing."""
    if not isinstance(root, graphviz.Digraph):
        require_node("save_svg", "root (or a graphviz.Digraph)", root)
        root = draw_dot(root, **{**options, "format": "svg"})
    graph = root
    return write_svg(graph, path)


__all__ = ["draw_dot", "save_svg", "GraphvizError", "GraphvizNotFoundError", "GraphvizRenderError"]
