"""A Value in Jupyter: a card (data, grad, op, label, inputs) through the core's one hook; the repr is unchanged."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from autograd_cases import hand_written_tanh, lecture

from autograd import Value
from autograd.core import Node
from autograd.teach import value_card


def card(v: Node) -> str:
    html = v._repr_html_()
    assert html is not None
    ET.fromstring(html.replace("&nbsp;", "&#160;"))  # well formed: nothing a label holds can break it
    return html


def test_a_computed_value_shows_its_equation_numbers_and_inputs_and_keeps_its_repr():
    g = lecture()
    g["L"].backward()
    html = card(g["L"])
    assert 'class="cr-card"' in html and "Value <b>L</b>" in html and "= d * f &nbsp;(mul)" in html
    assert ">-8.0<" in html and ">1.0<" in html
    for name, data, grad in (("d", "4.0", "-2.0"), ("f", "-2.0", "4.0")):
        assert f"<b>{name}</b></td><td" in html and f">{data}</td>" in html and f">{grad}</td>" in html
    assert repr(g["L"]) == "Value(data=-8.0, grad=1.0, label='L', op='mul')"


def test_leaves_constants_unreached_grads_and_unlabelled_inputs():
    x = Value(2.0)
    html = card(x)
    assert "a leaf (a variable: it takes a gradient)" in html and "<td" in html and ">—<" in html
    assert "a constant (it takes no gradient)" in card(Value(1.0, requires_grad=False))
    html = card(x * x)  # no labels: the op's own input names
    assert "= a * a" in html and html.count("<b>a</b>") == 2
    html = card(Value(3.0, label="w") * 2.0)
    assert "= w * 2.0" in html and ">no grad<" in html  # a number is written as itself and takes no gradient


def test_a_batch_a_hand_written_node_and_a_hostile_label():
    batch = Value(np.array([1.0, 2.0, 3.0]), label="x") * 2.0
    assert "Batch" in card(batch) and "[3] mean 4" in card(batch)
    out, _ = hand_written_tanh(Value(0.5, label="x"))
    assert "= mytanh(x)" in card(out) and "with a hand-written _backward" in card(out)
    html = card(Value(1.0, label="<b>&"))
    assert "&lt;b&gt;&amp;" in html and "<b><b>" not in html


def test_the_core_hook_is_set_by_teach_and_can_be_unset(monkeypatch):
    v = Value(1.0, label="v")
    assert Node.html_display is value_card and card(v) == value_card(v)
    monkeypatch.setattr(Node, "html_display", None)
    assert v._repr_html_() is None  # IPython then shows the plain repr


def test_ipython_shows_the_card_and_the_plain_text():
    formatters = pytest.importorskip("IPython.core.formatters", reason="needs IPython (the dev group's ipykernel)")
    L = lecture()["L"]
    data, _ = formatters.DisplayFormatter().format(L)
    assert data["text/plain"] == repr(L) and data["text/html"] == value_card(L)
