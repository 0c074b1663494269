"""The player page without a browser: one self-contained file written atomically, the first picture painted
in the SVG itself, the Stepper left as it was, big graphs refused. (test_player_browser.py clicks through it in
chromium; test_views.py checks the Stepper's and the Steps' HTML in Jupyter.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from autograd_cases import hand_written_tanh, lecture

from autograd import GraphTooBigError, GraphvizRenderError, Stepper, Value
from autograd.viz import svg as svg_module

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (apt-get install graphviz)")
SVG = "{http://www.w3.org/2000/svg}"


def picture(html: str) -> ET.Element:
    return ET.fromstring(html[html.index("<svg"): html.index("</svg>") + 6])


def painted(html: str) -> dict[str, tuple[str, str]]:
    """name -> (grad field, its state) as the SVG in the page shows it before any script runs."""
    found = {}
    for g in picture(html).iter(f"{SVG}g"):
        if "node" not in g.get("class", "").split():
            continue
        grad = [t for t in g.iter(f"{SVG}text") if "grad" in (t.get("class") or "").split()]
        if grad:
            found[next(g.iter(f"{SVG}text")).text] = (grad[0].text, grad[0].get("class").split()[-1])
    return found


def current(html: str) -> list[str]:
    return [g.get("data-node") for g in picture(html).iter(f"{SVG}g") if "current" in g.get("class", "").split()]


def test_save_html_writes_one_self_contained_page_at_exactly_the_path(tmp_path):
    g = lecture()
    s = Stepper(g["L"])
    path = s.save_html(tmp_path / "backward")
    assert path == tmp_path / "backward" and os.listdir(tmp_path) == ["backward"]  # no extension, no temp file
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1 and "<style>" in page
    assert not re.search(r"""(src|href)\s*=|url\(|@import|<link""", page)  # nothing is fetched
    assert "<title>Backward pass of L (chainrule)</title>" in page
    data = json.loads(re.search(r'<script type="application/json" class="cr-data">(.*?)</script>', page).group(1))
    assert data["position"] == 0 and len(data["steps"]) == 3 and data["steps"][0][1] == str(Stepper(g["L"]).step())


def test_a_failed_render_leaves_the_old_file_as_it_was(tmp_path, monkeypatch):
    g = lecture()
    path = tmp_path / "player.html"
    path.write_text("old", encoding="utf-8")

    def broken(graph, format="svg"):
        raise GraphvizRenderError("dot failed", 1, "boom")

    monkeypatch.setattr(svg_module, "render", broken)
    with pytest.raises(GraphvizRenderError):
        Stepper(g["L"]).save_html(path)
    assert path.read_text(encoding="utf-8") == "old" and os.listdir(tmp_path) == ["player.html"]


def bits(v: Value) -> tuple[type, bytes]:
    return type(v.grad), struct.pack("<d", v.grad)


def test_the_stepper_is_left_where_it_stood_bit_for_bit(tmp_path):
    g = lecture()
    g["L"].backward()  # leaves start with grads from an earlier pass
    s = Stepper(g["L"])
    first = s.step()
    before = {k: bits(v) for k, v in g.items()}
    page = s.save_html(tmp_path / "p.html").read_text(encoding="utf-8")
    assert s.position == 1 and s.steps[0] is first and {k: bits(v) for k, v in g.items()} == before
    assert s.run().done and g["a"].grad == 12.0  # the pass goes on from there as if nothing had happened
    assert 'data-position="1"' in page


def test_the_first_picture_is_painted_into_the_svg_for_viewers_without_javascript(tmp_path):
    g = lecture()
    g["a"].grad = 0.5  # a leaf's grad from an earlier pass is there from the start, and accumulates
    s = Stepper(g["L"])
    s.step()
    html = s.save_html(tmp_path / "p.html").read_text(encoding="utf-8")
    assert painted(html) == {
        "L": ("grad 1.0000", "final"), "d": ("grad -2.0000", "final"), "f": ("grad 4.0000", "final"),
        "e": ("grad —", "unreached"), "c": ("grad —", "unreached"), "a": ("grad 0.5000", "partial"),
        "b": ("grad —", "unreached")}
    assert len(current(html)) == 2 and all(c.startswith(current(html)[0][:2]) for c in current(html))  # L, its op
    pending = [e for e in picture(html).iter(f"{SVG}g") if "pending" in e.get("class", "").split()]
    assert len(pending) == 4  # into e's and d's op nodes, not yet applied
    assert '<pre class="cr-text">step 1/3  L = d * f' in html


def test_a_graph_bigger_than_max_nodes_is_refused_with_what_to_do(tmp_path):
    g = lecture()  # 7 values and 3 op nodes
    with pytest.raises(GraphTooBigError) as error:
        Stepper(g["L"]).save_html(tmp_path / "p.html", max_nodes=9)
    message = str(error.value)
    assert message.startswith("Stepper.save_html: this graph has 7 values (10 Graphviz nodes")
    assert "max_nodes=9" in message and "anyway with s.save_html(path, max_nodes=10)" in message
    assert os.listdir(tmp_path) == []
    assert Stepper(g["L"]).save_html(tmp_path / "p.html", max_nodes=10).exists()
    with pytest.raises(ValueError, match="seconds_per_step must be positive, got 0"):
        Stepper(g["L"]).save_html(tmp_path / "p.html", seconds_per_step=0)


def test_a_leaf_a_hand_written_node_a_batch_and_a_hostile_label(tmp_path):
    leaf = Value(2.0, label="x")
    page = Stepper(leaf).save_html(tmp_path / "leaf.html").read_text(encoding="utf-8")
    assert 'max="0"' in page and "x is a leaf: its grad was seeded, there is nothing to step through" in page
    out, _ = hand_written_tanh(Value(0.5, label="x"))
    page = Stepper(out).save_html(tmp_path / "hand.html").read_text(encoding="utf-8")
    assert "(hand-written _backward)" in page
    w = Value(0.5, label="w")
    loss = (w * Value(np.array([1.0, 2.0, 3.0]), requires_grad=False)).mean()
    s = Stepper(loss)
    s.run()
    assert "grad [3] mean" in " ".join(t for t, _ in painted(s._repr_html_()).values())
    evil = Value(1.0, label="</script><script>alert(1)</script>")
    page = Stepper(evil * 2.0).save_html(tmp_path / "evil.html").read_text(encoding="utf-8")
    assert page.count("<script") == 2 and "<script>alert(1)" not in page
