"""notation.Names: labels, Module names (dotted, or the textbook's w1_4,2 for an MLP), gapless v1, v2, ...;
and that draw_dot, tape, explain and the Stepper all write a node the same way.

The Modules here are built as nn's are (autograd_models.Net: each call inside `scope(self)`,
`named_parameters` and `named_modules` as nn.Module has them), so autograd is tested without importing nn.
"""

from __future__ import annotations

import pytest
from autograd_models import Net

from autograd import Stepper, Value, draw_dot, explain, tape
from autograd.names import ModelNames, modules_of, textbook
from autograd.notation import Names, is_atom


def names_of(root: Value, **options) -> dict[str, Value]:
    found = Names(root, **options)
    return {found(v): v for v in found.nodes}


def test_auto_names_count_only_unnamed_nodes_and_skip_a_label_in_use():
    x = Value(0.5, label="x")
    y = ((x * 2.0).tanh() + 1.0) * Value(3.0, label="v2")
    names = Names(y)
    assert [names(v) for v in names.nodes] == ["x", "2.0", "v1", "v3", "1.0", "v4", "v2", "v5"]
    assert names.data(names.nodes[1]) == "2.0" and names.data(x) == "x.data"


def test_textbook_names_count_from_one_and_refuse_other_names():
    assert textbook("layers.0.neurons.3.w.1") == "w1_4,2" and textbook("layers.11.neurons.0.b") == "b12_1"
    with pytest.raises(ValueError, match="not an MLP parameter name"):
        textbook("encoder.w.0")
    assert is_atom("w1_4,2.data") and not is_atom("w1_4,2 * x")


def test_an_mlp_gets_the_textbooks_names_from_the_scopes_that_made_its_nodes():
    net = Net([2, 2, 1])
    x = [Value(0.5), Value(-1.0)]  # inputs the caller made: unlabelled leaves
    out = net(x)
    names = names_of(out)
    assert {"w1_1,1", "w1_2,2", "b1_2", "w2_1,2", "b2_1", "z1_1", "a1_1", "z1_2", "a1_2", "z2_1", "x1", "x2"} \
        <= set(names)
    assert names["w1_2,1"] is net.layers[0][1].w[0] and names["x2"] is x[1]
    assert names["a1_2"].inputs == (names["z1_2"],) and names["z2_1"] is out  # a linear unit's output is z
    v_names = sorted((n for n in names if n.startswith("v")), key=lambda n: int(n[1:]))
    assert v_names == [f"v{k}" for k in range(1, len(v_names) + 1)]  # the partial sums, without gaps
    assert Names(out).full(net.layers[1][0].w[1]) == "w2_1,2 = layers.1.neurons.0.w.1"
    legend = ModelNames(Names(out).nodes).legend()
    assert "wL_j,k: the weight of layer L's unit j on its input k (w1_1,1 is layers.0.neurons.0.w.0)" in legend


def test_a_label_wins_and_other_modules_keep_their_dotted_names():
    net = Net([2, 1], names="enc.{}.{}.")
    net.layers[0][0].b.label = "bias"
    out = net([Value(0.5), Value(-1.0)])
    names = names_of(out)
    assert {"enc.0.0.w.0", "enc.0.0.w.1", "bias"} <= set(names) and "z1_1" not in names
    assert ModelNames(Names(out).nodes).legend() == ""  # no textbook names: nothing to explain
    assert not any(n.startswith("enc.") for n in names_of(out, model=object()))  # model= given: it alone names


def test_a_second_model_in_the_graph_gets_a_prefix_so_no_two_nodes_share_a_name():
    first, second = Net([1, 1]), Net([1, 1])
    out = second([first([Value(1.0)])])
    names = Names(out)
    assert names(first.layers[0][0].w[0]) == "w1_1,1"
    assert names(second.layers[0][0].w[0]) == "Net1.layers.0.neurons.0.w.0"
    assert len({names(v) for v in names.nodes}) == len(names.nodes)


def test_a_model_called_twice_names_its_parameters_but_not_its_two_z1_1():
    net = Net([1, 1])
    loss = net([Value(1.0)]) + net([Value(2.0)])
    names = names_of(loss)
    assert "w1_1,1" in names and "b1_1" in names and not {"z1_1", "x1"} & set(names)
    assert modules_of(Names(loss).nodes) == [net]


def test_draw_dot_tape_explain_and_the_stepper_all_use_the_same_names():
    net = Net([2, 2, 1])
    out = net([Value(0.5), Value(-1.0)])
    w = net.layers[0][1].w[0]
    listing = str(tape(out)).splitlines()
    assert listing[-1].startswith("z2_1 = v5 + v9") and "v6 = w1_2,1 * x1" in [line[:16] for line in listing]
    text = str(explain(out, w))
    assert text.startswith("dz2_1/dw1_2,1: 1 path from z2_1 to w1_2,1")
    assert "da1_2/dz1_2 = 1 - tanh(z1_2)**2 = 0.784455   (tanh)" in text
    step = Stepper(out).run().steps[1]
    assert step.headline == "step 2/14  v9 = w2_1,2 * a1_2"
    assert "a1_2.grad += w2_1,2.data * v9.grad" in str(step)
    record = next(line for line in draw_dot(out).source.splitlines() if "{ w1_2,1 |" in line)
    assert 'tooltip="w1_2,1 = layers.0.neurons.1.w.0: parameter"' in record  # found from the scopes: a parameter
