"""Stepper: the backward pass one chain rule at a time, ending bit for bit where backward() does."""

from __future__ import annotations

import math
import struct

import pytest
from autograd_cases import hand_written_tanh, lecture
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Stepper, Value, backward_order
from autograd.core import Unreached
from autograd.viz.styles import HIGHLIGHT

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)


# A random graph is a recipe: leaf values, then ops that each pick their inputs among earlier nodes.
UNARY = ("tanh", "sigmoid", "sin", "relu", "neg", "abs", "square", "half")
BINARY = ("add", "sub", "mul", "leaky")
APPLY = {"tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(), "sin": lambda a: a.sin(),
         "relu": lambda a: a.relu(), "neg": lambda a: -a, "abs": abs, "square": lambda a: a**2,
         "half": lambda a: a / 2.0, "add": lambda a, b: a + b, "sub": lambda a, b: a - b,
         "mul": lambda a, b: a * b, "leaky": lambda a, b: a.leaky_relu(b)}
recipes = st.tuples(
    st.lists(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(UNARY + BINARY), st.integers(0, 10**6), st.integers(0, 10**6)),
             min_size=1, max_size=14),
)


def build(recipe: tuple) -> tuple[list[Value], list[Value]]:
    """(leaves, all nodes) for a recipe; the last node is the root. Fresh Values on every call."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(recipe[0])]
    nodes = list(leaves)
    for op, i, j in recipe[1]:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(APPLY[op](a, b) if op in BINARY else APPLY[op](a))
    return leaves, nodes


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


# --- the lecture example ----------------------------------------------------------------------------


def test_each_step_shows_one_chain_rule_application():
    g = lecture()
    s = Stepper(g["L"])
    assert len(s) == 3 and s.position == 0 and not s.done and s.current is None
    assert "0 of 3 steps applied" in repr(s) and "next: step 1/3  L = d * f" in repr(s)
    first = s.step()
    assert repr(first).splitlines() == [
        "step 1/3  L = d * f             dL/dL = 1.0",
        "          d.grad += f.data * L.grad = -2.0 * 1.0 = -2.0   → d.grad = -2.0",
        "          f.grad += d.data * L.grad =  4.0 * 1.0 =  4.0   → f.grad = 4.0",
    ]
    assert [t.input for t in first.terms] == [g["d"], g["f"]]
    assert first.terms[0].local == -2.0 and first.terms[0].upstream == 1.0 and first.terms[0].contribution == -2.0
    second = next(s)
    assert "e.grad += 1.0 * d.grad = 1.0 * -2.0 = -2.0" in str(second)
    third = s.step()
    assert "a.grad += b.data * e.grad = -3.0 * -2.0 =  6.0   → a.grad = 6.0" in str(third)
    assert s.done and "every grad is final" in repr(s)
    assert (g["a"].grad, g["b"].grad, g["c"].grad, g["f"].grad) == (6.0, -4.0, -2.0, 4.0)
    with pytest.raises(StopIteration, match="all 3 steps are done"):
        s.step()


def test_grads_start_unreached_and_fill_in_step_by_step():
    g = lecture()
    g["L"].backward()  # grads from an earlier pass: computed nodes start fresh, leaves accumulate
    s = Stepper(g["L"])
    assert g["L"].grad == 1.0 and isinstance(g["d"].grad, Unreached) and isinstance(g["e"].grad, Unreached)
    assert g["a"].grad == 6.0  # a leaf keeps its grad and will accumulate
    s.step()
    assert g["d"].grad == -2.0 and isinstance(g["e"].grad, Unreached)
    s.run()
    assert g["a"].grad == 12.0 and g["e"].grad == -2.0  # exactly what a second backward() gives


def test_back_restores_grads_exactly_and_goto_moves_both_ways():
    g = lecture()
    s = Stepper(g["L"])
    s.run()
    assert s.back() is s and s.position == 2
    assert isinstance(g["a"].grad, Unreached) and isinstance(g["b"].grad, Unreached) and g["e"].grad == -2.0
    s.goto(0)
    assert all(isinstance(g[n].grad, Unreached) for n in "abcdef") and g["L"].grad == 1.0
    with pytest.raises(IndexError, match="no step to undo"):
        s.back()
    assert s.goto(g["e"]).current is g["e"] and s.position == 3  # just after e's step
    assert s.goto(g["d"]).position == 2
    assert s.goto(g["c"]).position == 2 and g["c"].grad == -2.0  # a leaf: where its grad is complete
    assert s.goto(g["L"]).position == 1 and s.goto(3).done
    with pytest.raises(IndexError):
        s.goto(4)
    with pytest.raises(ValueError, match="not part of the graph"):
        s.goto(Value(1.0, label="elsewhere"))


def test_iteration_walks_the_remaining_steps():
    g = lecture()
    s = Stepper(g["L"])
    s.step()
    assert [step.index for step in s] == [2, 3]
    assert [step.node for step in s.steps] == [g["L"], g["d"], g["e"]]
    assert list(s) == []


def test_draw_highlights_the_current_node_and_shows_dashes_for_the_rest():
    g = lecture()
    s = Stepper(g["L"])
    start = s.draw().source
    assert "before step 1" in start and "{ L | data -8.0000 | grad 1.0000 }" in start
    s.step()
    source = s.draw().source
    assert "after step 1/3  L = d * f" in source
    assert "{ d | data 4.0000 | grad -2.0000 }" in source and "{ a | data 2.0000 | grad — }" in source
    lines = [line for line in source.splitlines() if "{ L |" in line]
    assert HIGHLIGHT in lines[0]  # the node just applied is highlighted
    flows = [line for line in source.splitlines() if "->" in line and "label=" in line]
    assert len(flows) == 2  # only the edges whose chain-rule term has been applied: into d and f


def test_constant_inputs_are_mentioned_and_get_nothing():
    x = Value(3.0, label="x")
    y = x * 2.0
    step = Stepper(y).step()
    assert "x.grad += 2.0 * v1.grad = 2.0 * 1.0 = 2.0" in str(step)  # v1: the first unlabelled node
    assert "(2.0 is a constant: it gets no gradient)" in str(step)


def test_formulas_come_from_the_op_table_with_names_filled_in():
    x = Value(0.5, label="x")
    y = x.tanh()
    y.label = "y"
    z = y**3
    z.label = "z"
    s = Stepper(z)
    assert "y.grad += (3.0 * y.data**(3.0 - 1)) * z.grad" in str(s.step())
    assert "x.grad += (1 - tanh(x.data)**2) * y.grad" in str(s.step())


def test_a_leaf_root_has_no_steps_but_is_seeded_like_backward():
    x = Value(2.0, label="x")
    s = Stepper(x)
    assert len(s) == 0 and s.done and x.grad == 1.0 and "is a leaf" in repr(s)


def test_the_order_is_backward_order_rearranged_as_the_engine_walks_it():
    _, nodes = build(([0.3, -1.2], [("mul", 0, 1), ("tanh", 2, 0), ("add", 3, 2), ("mul", 4, 3), ("sub", 5, 1)]))
    root = nodes[-1]
    assert Stepper(root).order[0] is root
    assert sorted(map(id, Stepper(root).order)) == sorted(map(id, backward_order(root)))


# --- against backward() on random graphs ------------------------------------------------------------


@SETTINGS
@given(recipes, st.integers(0, 3))
def test_stepping_to_the_end_gives_backwards_grads_bit_for_bit(recipe, earlier_passes):
    leaves, nodes = build(recipe)
    reference_leaves, reference_nodes = build(recipe)
    for _ in range(earlier_passes):  # leaves accumulate across passes in both
        nodes[-1].backward()
        reference_nodes[-1].backward()
    reference_nodes[-1].backward()
    s = Stepper(nodes[-1])
    half = len(s) // 2
    s.goto(half)
    s.goto(max(0, half - 2))  # back and forth on the way
    s.run()
    for mine, theirs in zip(nodes, reference_nodes):
        assert bits(float(mine.grad)) == bits(float(theirs.grad))


@SETTINGS
@given(recipes)
def test_back_undoes_each_step_exactly(recipe):
    _, nodes = build(recipe)
    s = Stepper(nodes[-1])
    snapshots = [[(type(v.grad), bits(v.grad)) for v in nodes]]
    for _ in s:
        snapshots.append([(type(v.grad), bits(v.grad)) for v in nodes])
    while s.position:
        s.back()
        assert [(type(v.grad), bits(v.grad)) for v in nodes] == snapshots[s.position]


def test_running_totals_show_enough_digits_to_see_each_term():
    x = Value(3.0, label="x")
    y = (x * x).tanh() * 2 + x**2  # tanh'(9) is 6e-08: a vanishing term added to 6.0
    s = Stepper(y).run()
    lines = [line for step in s.steps for line in str(step).splitlines()]
    assert any(line.endswith("→ x.grad = 6.00000073") for line in lines)  # not rounded to 6.0


# --- a node made by hand with a `_backward` closure (the micrograd lecture's tanh) --------------------


def test_a_hand_written_backward_is_applied_with_its_closures_number():
    x = Value(0.5, label="x")
    out, t = hand_written_tanh(x)
    assert out.has_custom_backward
    out.backward()
    assert x.grad == 1 - t**2  # core calls the closure

    x.grad = 0.0
    s = Stepper(out)
    assert len(s) == 1 and "next: step 1/1  v1 = mytanh(x)" in repr(s)
    step = s.step()
    (term,) = step.terms
    assert term.input is x and term.custom and term.local == 1 - t**2 and term.formula == "0.786448"
    assert x.grad == 1 - t**2 and out.grad == 1.0
    assert str(step).splitlines() == [
        "step 1/1  v1 = mytanh(x)        dv1/dv1 = 1.0",
        "          x.grad += 0.786448 * v1.grad = 0.786448 * 1.0 = 0.786448   → x.grad = 0.786448   "
        "(hand-written _backward)",
    ]
    s.back()
    assert x.grad == 0.0


def test_a_hand_written_node_inside_a_graph_steps_to_backwards_grads_bit_for_bit():
    def graph() -> tuple[Value, Value, Value]:
        x, w = Value(0.5, label="x"), Value(-1.5, label="w")
        h, _ = hand_written_tanh(x * w)
        h.label = "h"
        a, b = h, Value(0.25, label="b")  # a two-input node made by hand too: a * b with its closure
        prod = Value(a.data * b.data, (a, b), "mymul")

        def _backward():
            a.grad += b.data * prod.grad
            b.grad += a.data * prod.grad

        prod._backward = _backward
        return x, w, prod + x * 3.0

    reference = graph()
    reference[-1].backward()
    mine = graph()
    s = Stepper(mine[-1])
    lines = [line for step in s for line in str(step).splitlines()]
    assert [bits(v.grad) for v in mine] == [bits(v.grad) for v in reference]
    custom = [line for line in lines if line.endswith("(hand-written _backward)")]
    assert len(custom) == 3  # h and b from mymul, the product x * w from mytanh
    assert any(line.lstrip().startswith("h.grad += 0.25 * v") for line in custom)  # b.data, as a number
    tanh_local = 1 - math.tanh(-0.75) ** 2
    assert any(f"+= {tanh_local:.6g} * h.grad" in line for line in custom)
    dot = s.draw().source
    assert "mytanh\\n(custom _backward)" in dot and "mymul\\n(custom _backward)" in dot
