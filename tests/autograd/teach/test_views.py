"""The Stepper and its Steps in Jupyter: the player inline (unique ids, or its text and why when it cannot be
drawn), a Step's still frame replayed or drawn from the grads it left, and no reference cycle from either."""

from __future__ import annotations

import gc
import re
import shutil
import weakref
import xml.etree.ElementTree as ET

import pytest
from autograd_cases import lecture

from autograd import GraphvizNotFoundError, Stepper, Value
from autograd.viz import svg as svg_module

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (apt-get install graphviz)")
SVG = "{http://www.w3.org/2000/svg}"


def grad_field(html: str, name: str) -> tuple[str, str]:
    """(text, state) of the grad field of the value called `name` in the picture."""
    svg = ET.fromstring(html[html.index("<svg"): html.index("</svg>") + 6])
    for g in svg.iter(f"{SVG}g"):
        texts = list(g.iter(f"{SVG}text"))
        if "node" in g.get("class", "").split() and texts[0].text == name:
            grad = next(t for t in texts if "grad" in t.get("class", "").split())
            return grad.text or "", grad.get("class", "").split()[-1]
    raise AssertionError(f"no value {name} in the picture")


def test_the_stepper_in_jupyter_is_the_player_or_its_text_and_why(monkeypatch):
    g = lecture()
    s = Stepper(g["L"])
    one, two = s._repr_html_(), s._repr_html_()
    ids = [re.search(r'class="cr-player" id="([^"]+)"', html).group(1) for html in (one, two)]
    assert ids[0] != ids[1] and "<!DOCTYPE" not in one and 'class="cr-slider"' in one
    big = Value(1.0, label="x")
    for _ in range(200):
        big = big * 1.01
    text = Stepper(big)._repr_html_()
    assert "<svg" not in text and "0 of 200 steps applied" in text and "more than max_nodes=300" in text

    def missing(graph, format="svg"):
        raise GraphvizNotFoundError("Graphviz's `dot` program was not found on PATH")

    monkeypatch.setattr(svg_module, "render", missing)
    assert "(no graph: Graphviz&#x27;s `dot` program was not found on PATH)" in s._repr_html_()


def test_a_step_in_jupyter_is_its_text_beside_the_graph_after_it():
    g = lecture()
    s = Stepper(g["L"])
    first, second = s.step(), s.step()
    html = first._repr_html_()  # the Stepper has moved on: the frame is replayed
    assert "cr-still" in html and "1 of 3 steps applied" in html and "<script" not in html
    assert grad_field(html, "e") == ("grad —", "unreached") and s.position == 2 and s.steps[1] is second
    gc.collect()
    lone = Stepper(g["L"]).step()  # its Stepper is gone: drawn from the grads as they stand
    gc.collect()
    html = lone._repr_html_()
    assert "<svg" in html and "after step 1/3 &#160;L = d * f" in html  # the graph's title (Graphviz's text)
    assert "<pre" in html and "step 1/3  L = d * f" in html
    Stepper(g["L"])  # a new pass clears the grads that step left
    html = lone._repr_html_()
    assert "<svg" not in html and "the grads have changed since this step" in html


def test_showing_a_stepper_and_its_steps_keeps_no_reference_cycle_alive():
    gc.collect()
    gc.disable()  # freed by reference counting alone, as the engine promises for a graph
    try:
        g = lecture()
        root = weakref.ref(g["L"])
        s = Stepper(g["L"])
        step = s.step()
        assert "<svg" in step._repr_html_() and "<svg" in s._repr_html_()
        del g, s, step
        assert root() is None
    finally:
        gc.enable()
