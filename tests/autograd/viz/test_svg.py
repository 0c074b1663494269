"""marked_svg: one render whose elements say which node they draw (for the player), with ids unique per page."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from autograd_cases import lecture

from autograd import Value, draw_dot
from autograd.viz import svg as svg_module
from autograd.viz.svg import add_class, marked_svg

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (apt-get install graphviz)")
SVG = "{http://www.w3.org/2000/svg}"


def first_text(g: ET.Element) -> str:
    return next(g.iter(f"{SVG}text")).text or ""


def test_every_value_op_and_edge_is_marked_with_the_node_it_draws():
    g = lecture()
    y = g["L"] * 2.0  # a constant input: drawn, but it has no grad field
    y.label = "y"
    picture = marked_svg(y, "p1")
    assert sorted(picture.names.values()) == sorted(f"n{k}" for k in range(9))  # 9 values, the 2.0 too
    for v in [*g.values(), y]:
        name = picture.names[id(v)]
        assert picture.nodes[name].get("data-node") == name and first_text(picture.nodes[name]) == v.label
        assert picture.grads[name].text == "grad —" and picture.grads[name].get("data-node") == name
        assert picture.grads[name].get("class") == "grad"
        if not v.is_leaf:
            assert picture.nodes[name + "op"].get("data-node") == name + "op"
    assert len(picture.grads) == 8  # the constant 2.0 takes no gradient
    ends = {(e.get("data-from"), e.get("data-to")) for e in picture.edges}
    d, e = picture.names[id(g["d"])], picture.names[id(g["e"])]
    assert (e, d + "op") in ends and (d + "op", d) in ends
    assert len(ends) == len(picture.edges) == 8 + 4  # inputs into op nodes, op nodes into their values


def test_ids_get_the_prefix_and_the_text_is_inline_svg():
    picture = marked_svg(lecture()["L"], "player7")
    ids = [el.get("id") for el in picture.svg.iter() if el.get("id")]
    assert ids and all(i.startswith("player7-") for i in ids) and len(set(ids)) == len(ids)
    text = picture.text()
    assert text.startswith("<svg") and "<?xml" not in text and "DOCTYPE" not in text
    assert ET.fromstring(text).tag == f"{SVG}svg"
    add_class(picture.grads["n0"], "final", "grad")
    assert picture.grads["n0"].get("class") == "grad final"


def test_a_change_in_draw_dots_naming_is_caught(monkeypatch):
    other = Value(1.0, label="other")
    monkeypatch.setattr(svg_module, "draw_dot", lambda root, **options: draw_dot(other, **options))
    with pytest.raises(RuntimeError, match="draw_dot drew no node named 'n1'.*update autograd/viz/svg.py"):
        marked_svg(lecture()["L"], "p")
