"""draw_dot and save_svg: micrograd's picture, roles, gradient flow, highlighting, grouping, size limit, files."""

from __future__ import annotations

import os
import random
import shutil
import time
import xml.etree.ElementTree as ET

import graphviz
import pytest
from autograd_cases import hand_written_tanh, lecture

from autograd import GraphvizNotFoundError, Stepper, Value, draw_dot, save_svg, scope
from autograd.core import Unreached
from autograd.viz.layout import Layout
from autograd.viz.styles import BANDS, HIGHLIGHT, ROLES, ZERO

SVG = "{http://www.w3.org/2000/svg}"


# --- an MLP built as nn's Modules would build it: every call inside scope(module) -------------------


class Neuron:
    def __init__(self, nin: int, rng: random.Random, nonlin: bool = True) -> None:
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b, self.nonlin = Value(0.0), nonlin

    def __call__(self, x: list) -> Value:
        with scope(self):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def named_modules(self, prefix: str = ""):
        yield prefix, self


class Layer:
    def __init__(self, nin: int, nout: int, rng: random.Random, nonlin: bool) -> None:
        self.neurons = [Neuron(nin, rng, nonlin) for _ in range(nout)]

    def __call__(self, x: list):
        with scope(self):
            out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def named_modules(self, prefix: str = ""):
        yield prefix, self
        for i, n in enumerate(self.neurons):
            yield from n.named_modules(f"{prefix}.neurons.{i}")


class MLP:
    def __init__(self, nin: int, nouts: list[int], seed: int = 0) -> None:
        rng, sizes = random.Random(seed), [nin, *nouts]
        self.layers = [Layer(sizes[i], sizes[i + 1], rng, i < len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x: list):
        with scope(self):
            for layer in self.layers:
                x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def named_modules(self):
        yield "", self
        for i, layer in enumerate(self.layers):
            yield from layer.named_modules(f"layers.{i}")


def mlp_output(sizes: list[int] = (16, 16, 1), backward: bool = True) -> tuple[MLP, Value]:
    model = MLP(2, list(sizes))
    out = model([Value(0.5, label="x1"), Value(-1.2, label="x2")])
    if backward:
        out.backward()
    return model, out


# --- reading SVG ------------------------------------------------------------------------------------


def svg_of(graph: graphviz.Digraph) -> ET.Element:
    return ET.fromstring(graph.pipe(format="svg"))


def groups(svg: ET.Element, kind: str) -> dict[str, ET.Element]:
    """Graphviz's <g class="node|edge|cluster"> elements, by their <title> (the DOT id)."""
    return {g.find(f"{SVG}title").text: g for g in svg.iter(f"{SVG}g") if g.get("class") == kind}


def texts(element: ET.Element) -> list[str]:
    """The text lines of an SVG element, with runs of (non-breaking) spaces as one space."""
    return [" ".join(t.text.split()) for t in element.iter(f"{SVG}text") if t.text and t.text.strip()]


def colours(element: ET.Element, attribute: str) -> set[str]:
    return {e.get(attribute) for e in element.iter() if e.get(attribute)}


def legend_of(svg: ET.Element) -> ET.Element:
    """The graph's own label (the legend): drawn directly in the top <g class="graph">, outside any node."""
    top = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "graph")
    legend = ET.Element("legend")
    legend.extend(child for child in top if child.tag != f"{SVG}g")
    return legend


def node_named(svg: ET.Element, name: str) -> ET.Element:
    """The record node whose first field is `name`."""
    matches = [g for g in groups(svg, "node").values() if texts(g)[:1] == [name]]
    assert len(matches) == 1, f"{len(matches)} nodes named {name}"
    return matches[0]


# --- micrograd's picture ----------------------------------------------------------------------------


@pytest.mark.needs_dot
def test_lecture_graph_after_backward_has_records_with_data_and_grad():
    g = lecture()
    g["L"].backward()
    graph = draw_dot(g["L"], format="svg", rankdir="LR")
    assert isinstance(graph, graphviz.Digraph) and graph.format == "svg"
    assert "rankdir=LR" in graph.source
    assert '"{ a | data 2.0000 | grad 6.0000 }"' in graph.source
    svg = svg_of(graph)
    expected = {"a": (2.0, 6.0), "b": (-3.0, -4.0), "c": (10.0, -2.0), "e": (-6.0, -2.0), "d": (4.0, -2.0),
                "f": (-2.0, 4.0), "L": (-8.0, 1.0)}
    for name, (data, grad) in expected.items():
        assert texts(node_named(svg, name)) == [name, f"data {data:.4f}", f"grad {grad:.4f}"]
    ops = [texts(g) for g in groups(svg, "node").values() if texts(g) in (["*"], ["+"])]
    assert sorted(map(tuple, ops)) == [("*",), ("*",), ("+",)]
    assert len(groups(svg, "edge")) == 9  # 6 inputs into op nodes + 3 op nodes into their values


@pytest.mark.needs_dot
def test_before_backward_grads_are_dashes_not_zeros():
    g = lecture()
    assert isinstance(g["a"].grad, Unreached)
    svg = svg_of(draw_dot(g["L"]))
    for name in "abcdefL":
        assert texts(node_named(svg, name))[2] == "grad —"
    everything = " ".join(texts(svg))
    assert "grad 0.0000" not in everything
    assert "grad not reached by a backward pass yet" in texts(legend_of(svg))  # the legend explains the dash
    assert not [g for g in groups(svg, "edge").values() if texts(g)]  # no gradient flow labels yet


@pytest.mark.needs_dot
def test_roles_are_coloured_and_explained_in_the_legend():
    g = lecture()
    out = g["L"] * 2.0
    out.label = "out"
    out.backward()
    svg = svg_of(draw_dot(out, parameters=[g["f"]]))
    fill = {name: colours(node_named(svg, name), "fill") for name in ("a", "f", "d", "out", "2.0")}
    assert ROLES["input"][0] in fill["a"]
    assert ROLES["parameter"][0] in fill["f"]
    assert ROLES["intermediate"][0] in fill["d"]
    assert ROLES["output"][0] in fill["out"]
    assert ROLES["constant"][0] in fill["2.0"]
    assert "no grad" in texts(node_named(svg, "2.0"))
    legend = legend_of(svg)
    assert {"input (leaf)", "parameter", "intermediate", "output (root)", "constant (no grad)"} <= set(texts(legend))
    for role in ("input", "parameter", "constant", "intermediate", "output"):
        assert ROLES[role][0] in colours(legend, "fill")


@pytest.mark.needs_dot
def test_edges_show_gradient_flow_by_label_colour_and_width():
    x = Value(1.0, label="x")
    small, big, dead = x * 1e-5, x * 1e4, (x * -1.0).relu()
    small.label, big.label, dead.label = "small", "big", "dead"
    y = small + big + dead
    y.label = "y"
    y.backward()
    graph = draw_dot(y)
    svg = svg_of(graph)
    labels = [texts(e) for e in groups(svg, "edge").values()]
    strokes = colours(svg, "stroke")
    assert BANDS[-1][1] in strokes  # 1e-5 flows into x along x * 1e-5: vanishing
    assert BANDS[0][1] in strokes  # 1e4 along x * 1e4: exploding
    assert ZERO in strokes  # nothing flows through the dead ReLU
    assert ["1e-05"] in labels and ["1e+04"] in labels and ["0.0"] in labels
    widths = {texts(e)[0]: float(e.find(f"{SVG}path").get("stroke-width", 1.0))
              for e in groups(svg, "edge").values() if texts(e)}
    assert widths["1e+04"] > widths["1.0"] > widths["1e-05"]


@pytest.mark.needs_dot
def test_highlighting_a_leaf_emphasises_every_path_from_the_root():
    g = lecture()
    g["L"].backward()
    svg = svg_of(draw_dot(g["L"], highlight=g["a"]))
    for name in "aedL":
        assert HIGHLIGHT in colours(node_named(svg, name), "stroke"), name
    for name in "bcf":
        assert HIGHLIGHT not in colours(node_named(svg, name), "stroke"), name
    red = [e for e in groups(svg, "edge").values() if HIGHLIGHT in colours(e, "stroke")]
    assert len(red) == 6  # a->*, *->e, e->+, +->d, d->*, *->L


@pytest.mark.needs_dot
def test_highlighting_an_inner_node_emphasises_only_it():
    g = lecture()
    svg = svg_of(draw_dot(g["L"], highlight=g["d"]))
    assert HIGHLIGHT in colours(node_named(svg, "d"), "stroke")
    assert not any(HIGHLIGHT in colours(node_named(svg, n), "stroke") for n in "abcefL")
    assert "highlighted" in texts(legend_of(svg))


@pytest.mark.needs_dot
def test_awkward_labels_are_escaped_and_grads_that_are_values_are_shown():
    x = Value(3.0, label='odd {label} | <with> "quotes"')
    y = x * x
    y.backward(create_graph=True)
    svg = svg_of(draw_dot(y))
    assert 'odd {label} | <with> "quotes"' in texts(svg)
    assert "grad 6.0000" in texts(svg)


# --- big graphs -------------------------------------------------------------------------------------


def test_a_long_chain_without_modules_is_refused_with_advice():
    x = Value(0.5, label="x")
    y = x
    for _ in range(200):
        y = y.tanh() + x
    with pytest.raises(ValueError) as error:
        draw_dot(y)
    message = str(error.value)
    assert "401 values: 801 Graphviz nodes" in message
    assert "max_nodes=300" in message and "max_nodes=801" in message
    assert 'group="collapse"' in message
    assert draw_dot(y, max_nodes=801).source.count("[label=") == 801


@pytest.mark.needs_dot
def test_the_mlp_default_view_is_collapsed_and_renders_fast(tmp_path):
    model, out = mlp_output()
    layout = Layout(out)
    assert len(layout.nodes) > 900 and layout.mode == "collapse"
    with pytest.raises(ValueError, match='group="collapse"') as error:
        draw_dot(out, group=None)
    assert "979 values: 1619 Graphviz nodes with their op nodes, 35 with one box per Module call" in str(error.value)
    graph = draw_dot(out, model=model)
    start = time.perf_counter()
    svg = ET.fromstring(graph.pipe(format="svg"))
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"dot took {elapsed:.2f} s"
    boxes = [g for g in groups(svg, "node").values() if "nodes hidden" in " ".join(texts(g))]
    assert len(boxes) == 33
    words = " ".join(texts(svg))
    assert "neurons.3" in words and "8 nodes hidden (3 parameters)" in words
    assert "50 nodes hidden (17 parameters)" in words
    assert {"layers.0", "layers.1", "layers.2"} <= {texts(c)[0] for c in groups(svg, "cluster").values()}
    assert "x1" in words and "Module call (collapsed)" in words


@pytest.mark.needs_dot
def test_collapsed_boxes_show_their_outputs_and_fall_back_to_type_names():
    model, out = mlp_output([3, 1])
    svg = svg_of(draw_dot(out, group="collapse"))
    boxes = {texts(g)[0]: texts(g) for g in groups(svg, "node").values() if "nodes hidden" in " ".join(texts(g))}
    assert sorted(boxes) == ["Neuron0", "Neuron1", "Neuron2", "Neuron3"]
    relu = model.layers[0].neurons[0]([Value(0.5), Value(-1.2)])  # same weights, same input: same value
    assert boxes["Neuron0"][1] == f"out (ReLU): data {relu.data:.4f} grad {model.layers[1].neurons[0].w[0].data:.4f}"
    assert boxes["Neuron3"][1] == f"out (+): data {out.data:.4f} grad 1.0000"
    clusters = {texts(c)[0] for c in groups(svg, "cluster").values()}
    assert clusters == {"MLP0", "Layer0", "Layer1"}
    edges = groups(svg, "edge")
    assert len(edges) == 2 * 3 + 3  # x1, x2 into each first-layer neuron; each of those into the output neuron


@pytest.mark.needs_dot
def test_cluster_mode_frames_each_module_call_and_keeps_every_node():
    model, out = mlp_output([2, 1])
    graph = draw_dot(out, model=model, group="cluster")
    svg = svg_of(graph)
    clusters = {texts(c)[0]: c for c in groups(svg, "cluster").values()}
    assert set(clusters) == {"MLP", "layers.0", "layers.1", "layers.0.neurons.0", "layers.0.neurons.1",
                             "layers.1.neurons.0"}
    records = [g for g in groups(svg, "node").values() if any(t.startswith("data ") for t in texts(g))]
    assert len(records) == len(Layout(out).nodes)
    assert graph.source.count("subgraph cluster_") == 6
    # a neuron's weights are drawn inside its frame: the only user of a weight is that neuron
    weight = model.layers[0].neurons[1].w[0]
    assert Layout(out).home[id(weight)] == tuple(map(id, (model, model.layers[0], model.layers[0].neurons[1])))


# --- files, notebooks and a missing Graphviz --------------------------------------------------------


@pytest.mark.needs_dot
def test_save_svg_writes_exactly_the_path_given(tmp_path):
    g = lecture()
    g["L"].backward()
    target = tmp_path / "lecture.svg"
    assert save_svg(g["L"], target) == target
    assert "grad 6.0000" in texts(ET.parse(target).getroot())
    bare = save_svg(g["L"], tmp_path / "no_extension", highlight=g["a"])
    assert bare.name == "no_extension" and ET.parse(bare).getroot().tag == f"{SVG}svg"
    assert sorted(os.listdir(tmp_path)) == ["lecture.svg", "no_extension"]  # no temp files left behind
    assert save_svg(draw_dot(g["L"]), target) == target  # a Digraph works too


@pytest.mark.needs_dot
def test_render_and_jupyter_display_work_as_in_graphviz(tmp_path):
    graph = draw_dot(lecture()["L"])
    written = graph.render(tmp_path / "graph")
    assert written.endswith("graph.svg") and ET.parse(written).getroot().tag == f"{SVG}svg"
    bundle = graph._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_without_graphviz_save_svg_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere on PATH
    g = lecture()
    graph = draw_dot(g["L"])  # drawing never needs dot
    assert "digraph" in graph.source
    with pytest.raises(GraphvizNotFoundError) as error:
        save_svg(g["L"], tmp_path / "out.svg")
    assert isinstance(error.value, RuntimeError) and isinstance(error.value.__cause__, graphviz.ExecutableNotFound)
    for advice in ("apt-get install graphviz", "brew install graphviz", "conda", ".source"):
        assert advice in str(error.value)
    assert not (tmp_path / "out.svg").exists()


@pytest.mark.needs_dot
def test_small_cases_a_leaf_a_bad_group_and_a_highlight_inside_a_box():
    x = Value(2.0, label="x")
    assert texts(node_named(svg_of(draw_dot(x)), "x")) == ["x", "data 2.0000", "grad —"]
    with pytest.raises(ValueError, match="group must be one of"):
        draw_dot(x, group="boxes")
    model, out = mlp_output([3, 1])
    weight = model.layers[0].neurons[2].w[1]
    svg = svg_of(draw_dot(out, model=model, group="collapse", highlight=weight))
    hot = [texts(g)[0] for g in groups(svg, "node").values() if HIGHLIGHT in colours(g, "stroke")]
    assert hot == ["neurons.2", "neurons.0"]  # the weight's box and every box on its way to the root
    assert draw_dot(out, group="collapse").source == draw_dot(out, group="collapse").source  # deterministic


# --- a node made by hand with a `_backward` closure (the micrograd lecture's tanh) --------------------


def test_a_hand_written_backward_is_drawn_with_its_op_name_and_a_marker():
    x = Value(0.5, label="x")
    out, t = hand_written_tanh(x)
    out.label = "out"
    out.backward()
    assert x.grad == 1 - t**2
    graph = draw_dot(out)
    op_line = next(line for line in graph.source.splitlines() if line.strip().startswith("n1op ["))
    assert 'label="mytanh\\n(custom _backward)"' in op_line and "hand-written _backward" in op_line
    if shutil.which("dot") is None:  # no Graphviz to render with: the DOT text above is what there is
        assert 'n0 -> n1op [label=0.7864' in graph.source
        return
    svg = svg_of(graph)
    assert texts(groups(svg, "node")["n1op"]) == ["mytanh", "(custom _backward)"]
    assert texts(node_named(svg, "x")) == ["x", "data 0.5000", "grad 0.7864"]  # the closure's number
    assert texts(node_named(svg, "out")) == ["out", "data 0.4621", "grad 1.0000"]
    assert texts(groups(svg, "edge")["n0->n1op"]) == ["0.7864"]  # the chain-rule term: local x out.grad


def test_a_hand_written_node_is_drawn_before_backward_and_by_the_stepper():
    x = Value(0.5, label="x")
    out, _ = hand_written_tanh(x * 2.0)
    y = out + x
    assert "(custom _backward)" in draw_dot(y).source  # no grads yet: the marker, and dashes
    source = Stepper(y).run().draw().source
    assert source.count("(custom _backward)") == 1
