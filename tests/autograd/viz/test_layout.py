"""Layout: Module frames and boxes in the model's order (layers.2 before layers.10, and so drawn), the roles
and names that come from the Modules that made the nodes, and the names legend under the picture."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from autograd_models import Net

from autograd import Value, draw_dot
from autograd.viz.layout import Layout

SVG = "{http://www.w3.org/2000/svg}"


def batch_output(sizes: list[int]) -> tuple[Net, Value]:
    net = Net(sizes, act="relu", bias=0.0)
    X = np.random.default_rng(0).normal(size=(4, sizes[0]))
    out = net([Value(X[:, k], requires_grad=False) for k in range(sizes[0])]).mean()
    out.backward()
    return net, out


def test_boxes_and_frames_come_in_the_models_order_not_by_their_names_as_strings():
    net, out = batch_output([2, 12, 1])
    layout = Layout(out, group="collapse")
    titles = [box.name for box in layout.boxes.values()]
    assert titles == [f"layers.0.neurons.{j}" for j in range(12)] + ["layers.1.neurons.0"]
    frames = re.findall(r'label="?(layers\.[\d.a-z]+)"?', draw_dot(out, group="cluster", max_nodes=1000).source)
    assert frames[:3] == ["layers.0", "layers.0.neurons.0", "layers.0.neurons.1"]
    assert frames.index("layers.0.neurons.10") == frames.index("layers.0.neurons.9") + 1
    assert frames.index("layers.1") > frames.index("layers.0.neurons.11")


def test_without_model_the_modules_that_ran_name_the_frames_and_their_weights_are_parameters():
    net, out = batch_output([2, 2, 1])
    layout = Layout(out, group="cluster")
    assert {"layers.0", "layers.1.neurons.0"} <= set(layout.names.values())
    assert layout.role(net.layers[0][1].w[0]) == "parameter"
    assert Layout(out, model=object()).role(net.layers[0][1].w[0]) == "input"  # model= given: it alone counts


@pytest.mark.needs_dot
def test_sixteen_units_are_drawn_top_to_bottom_in_order():
    """Graphviz's crossing minimisation used to rotate a frame of equal boxes (12-15 drawn above 0-11)."""
    _, out = batch_output([2, 16, 16, 1])
    svg = ET.fromstring(draw_dot(out, group="collapse").pipe(format="svg"))
    ys: dict[float, list[tuple[float, int]]] = {}  # a column (x of the box titles) -> (y, unit) in it
    for text in svg.iter(f"{SVG}text"):
        if text.text and re.fullmatch(r"neurons\.\d+", text.text):
            column = round(float(text.get("x")) / 100)
            ys.setdefault(column, []).append((float(text.get("y")), int(text.text.split(".")[1])))
    columns = [[unit for _, unit in sorted(found)] for _, found in sorted(ys.items())]
    assert columns == [list(range(16)), list(range(16)), [0]]


def test_the_legend_explains_the_textbook_names_when_the_drawing_uses_them():
    _, out = batch_output([2, 2, 1])
    source = draw_dot(out).source
    assert "names as in the textbooks, counted from 1:" in source
    assert "w1_1,1 is layers.0.neurons.0.w.0" in source and "{ a1_2 | data" in source
    lecture = Value(2.0, label="a") * Value(-3.0, label="b")
    assert "textbooks" not in draw_dot(lecture).source
    assert "textbooks" not in draw_dot(out, legend=False).source
