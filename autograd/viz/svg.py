"""A graph picture as inline SVG whose elements say which node they draw: for pages that change it.

A page that steps through the backward pass (autograd.teach's player) highlights one node after
another and rewrites grads as they fill in. Running `dot` once per step would be slow, so the
picture is rendered once and every element is marked with the node it draws. `draw_dot` names the
Graphviz node of the k-th value in topological order `n<k>` (its op node `n<k>op`: `draw.dot_names`), and Graphviz
writes that name into each element's <title>: here it becomes `data-node` on the node's <g> (and on
its grad <text>, which gets class "grad"), and `data-from`/`data-to` on an edge's <g>. Graphviz's
own element ids ("node1", ...) get a prefix, so that several pictures can share one page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, NamedTuple

from ..core import Node, topological_sort
from .draw import dot_names, draw_dot
from .files import render

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
G, TITLE, TEXT = f"{{{SVG_NS}}}g", f"{{{SVG_NS}}}title", f"{{{SVG_NS}}}text"


class MarkedSvg(NamedTuple):
    """A rendered picture and its marked elements, by the Graphviz name of what they draw."""

    svg: ET.Element
    names: dict[int, str]  # id(node) -> its Graphviz name, "n<k>" (its op node: that + "op")
    nodes: dict[str, ET.Element]  # Graphviz name -> the node's <g>, for values and op nodes
    grads: dict[str, ET.Element]  # Graphviz name of a value that takes a gradient -> its "grad ..." <text>
    edges: list[ET.Element]  # every edge's <g>, marked with data-from and data-to

    def text(self) -> str:
        """The SVG as text to put inside an HTML page (no XML declaration or DOCTYPE)."""
        return ET.tostring(self.svg, encoding="unicode")


def marked_svg(root: Node, prefix: str, **options: Any) -> MarkedSvg:
    """`draw_dot(root, group=None, **options)` rendered by `dot`, with every node and edge marked (see the
    module docstring). Every value is drawn (no Module boxes), so that each one can be highlighted."""
    nodes = topological_sort(root)
    svg = ET.fromstring(render(draw_dot(root, **{**options, "group": None}), "svg"))
    names = dot_names(nodes)
    drawn: dict[str, ET.Element] = {}
    edges: list[ET.Element] = []
    for g in svg.iter(G):
        title = g.find(TITLE)
        name = (title.text or "") if title is not None else ""
        if g.get("class") == "node":
            g.set("data-node", name)
            drawn[name] = g
        elif g.get("class") == "edge" and "->" in name:
            tail, head = name.split("->", 1)
            g.set("data-from", tail)
            g.set("data-to", head)
            edges.append(g)
    grads = {}
    for v in nodes:
        name = names[id(v)]
        if name not in drawn:
            raise RuntimeError(f"marked_svg: draw_dot drew no node named {name!r} for the value at place "
                               f"{name[1:]} of the graph; draw_dot's naming changed, update autograd/viz/svg.py")
        if not v.is_constant:
            grad = [t for t in drawn[name].iter(TEXT) if (t.text or "").startswith("grad ")][-1]
            grad.set("class", "grad")
            grad.set("data-node", name)
            grads[name] = grad
    for element in svg.iter():
        if element.get("id"):
            element.set("id", f"{prefix}-{element.get('id')}")
    return MarkedSvg(svg, names, drawn, grads, edges)


def add_class(element: ET.Element, *names: str) -> None:
    """Add CSS classes to an element, as `classList.add` does in a page."""
    have = (element.get("class") or "").split()
    element.set("class", " ".join(have + [n for n in names if n not in have]))
