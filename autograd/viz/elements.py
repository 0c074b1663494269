"""The DOT statements for each element of a graph picture: a value, a collapsed Module call, a frame, the legend.

`draw_dot` (draw.py) walks the graph and decides what goes where; each function here writes one kind of
element into a `graphviz.Digraph`: a value's `{ name | data | grad }` record with its op node, a Module
call collapsed into one summary box, the frame (cluster) around a Module call's nodes, and the legend
for what is actually drawn. Their colours come from `styles` and their text passes through `labels`.
"""

from __future__ import annotations

from typing import Any

import graphviz

from ..core import Node, Unreached
from ..notation import DASH, Names, fixed, grad_of, grad_text
from .labels import html, plain, tooltip
from .layout import Box, Layout, Path
from .styles import ARROW, CLUSTER, HIGHLIGHT, ROLES, box_label, node_style, op_style, record
from .styles import legend as legend_table


def frame(clusters: dict[Path, graphviz.Digraph], layout: Layout, path: Path) -> graphviz.Digraph:
    """The frame (a cluster subgraph) for a scope path, created on first use with the frames around it;
    draw_dot attaches each to its parent at the end."""
    if path not in clusters:
        frame(clusters, layout, path[:-1])
        label = plain(layout.names[path[-1]])
        clusters[path] = graphviz.Digraph(name=f"cluster_{len(clusters)}", graph_attr={**CLUSTER, "label": label})
    return clusters[path]


def draw_box(graph: graphviz.Digraph, box: Box, node_id: str, layout: Layout, marked: set[int],
             names: Names) -> None:
    """A collapsed Module call: its name (relative to the frame it sits in), outputs and hidden count."""
    hot = any(id(v) in marked for v in box.members)
    style = node_style("module", hot, "rounded,filled")
    if any(v is layout.root for v in box.outputs) and not hot:
        style.update(color=ROLES["output"][1], penwidth="2.5")
    outer = layout.names[box.cluster[-1]] + "." if box.cluster and box.cluster != box.path else ""
    title = box.name[len(outer):] if outer and box.name.startswith(outer) else box.name  # the frame shows the rest
    outputs = [(v.label or f"{names.model.names.get(id(v), 'out')} ({v.op})", fixed(v.data), grad_text(v, fixed))
               for v in box.outputs]
    params = sum(layout.role(v) == "parameter" for v in box.members)
    graph.node(node_id, box_label(title, outputs, len(box.members), params), shape="box", **style)


def legend_label(layout: Layout, flows: bool, highlight: bool, title: str, names: str) -> str:
    """The legend for what is actually drawn: roles of visible nodes, "—" if a visible grad is unreached,
    and under it what the textbook's names (w1_4,2, z1_4, ...) mean, if the drawing uses them."""
    drawn = [v for v in layout.nodes if id(v) not in layout.box_of]
    roles = {layout.role(v) for v in drawn} | ({"module"} if layout.boxes else set())
    shown = drawn + [v for box in layout.boxes.values() for v in box.outputs]
    unreached = any(grad_of(v) is None and not v.is_constant for v in shown)
    table = legend_table(roles, flows, unreached, highlight, title)
    if not names:
        return table
    note = "".join(f'{html(line, len(line))}<BR ALIGN="LEFT"/>' for line in names.splitlines())
    return (f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2"><TR><TD ALIGN="LEFT" VALIGN="BOTTOM">{table[1:-1]}'
            f'</TD><TD ALIGN="LEFT" VALIGN="BOTTOM">{note}</TD></TR></TABLE>>')  # beside it: stacked, both stretch


def grad_field(grad: Any) -> str:
    """A grad as a value's record field shows it: "grad -2.0000", or "grad —" before it is reached (the
    player, autograd.teach.frames, rewrites this field at each step with the same text)."""
    return f"grad {DASH if isinstance(grad, Unreached) else fixed(grad)}"


def draw_value(graph: graphviz.Digraph, v: Node, node_id: str, role: str, names: Names, hot: bool) -> None:
    """A value's record `{ name | data | grad }`, and for a computed value its op node and the edge between;
    hovering shows a parameter's full Module name (w1_4,2 = layers.0.neurons.3.w.1)."""
    grad = "no grad" if role == "constant" else grad_field(v.grad)
    label = record(names(v), f"data {fixed(v.data)}", grad)
    graph.node(node_id, label, shape="record", tooltip=tooltip(names.full(v), f": {role}"), **node_style(role, hot))
    if not v.is_leaf:
        graph.node(node_id + "op", **op_style(v.op, hot, custom=v.has_custom_backward))
        graph.edge(node_id + "op", node_id, color=HIGHLIGHT if hot else ARROW)
