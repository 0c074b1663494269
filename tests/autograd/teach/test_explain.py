"""explain (chain-rule paths as products, counted, grouped past a limit) and tape (the graph as equations)."""

from __future__ import annotations

import math
import random

import pytest
from autograd_cases import hand_written_tanh, lecture
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Explanation, Value, explain, scope, tape
from autograd.core import Unreached

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)


UNARY = {"tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(), "sin": lambda a: a.sin(),
         "relu": lambda a: a.relu(), "neg": lambda a: -a, "square": lambda a: a**2, "half": lambda a: a / 2.0}
BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}
recipes = st.tuples(
    st.lists(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(sorted(UNARY) + sorted(BINARY)), st.integers(0, 10**6), st.integers(0, 10**6)),
             min_size=1, max_size=14),
)


def build(recipe: tuple) -> tuple[list[Value], Value]:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(recipe[0])]
    nodes = list(leaves)
    for op, i, j in recipe[1]:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(BINARY[op](a, b) if op in BINARY else UNARY[op](a))
    return leaves, nodes[-1]


def brute_force_paths(root: Value, wrt: Value) -> int:
    """Paths counted by walking them all (only for small graphs)."""
    count, stack = 0, [root]
    while stack:
        v = stack.pop()
        if v is wrt:
            count += 1
            continue
        stack.extend(x for x in v._prev if x.requires_grad)
    return count


# --- the lecture example ----------------------------------------------------------------------------


def test_one_path_is_written_as_a_product_in_symbols_and_numbers():
    g = lecture()
    ex = explain(g["L"], g["a"])
    assert isinstance(ex, Explanation) and ex.count == 1 and ex.total == 6.0 and float(ex) == 6.0
    assert "dL/da = dL/dd * dd/de * de/da = -2.0 * 1.0 * -3.0 = 6.0" in str(ex)
    assert "dL/dd = f = -2.0   (mul)" in str(ex) and "de/da = b = -3.0   (mul)" in str(ex)
    assert repr(ex) == str(ex)
    (path,) = ex.paths
    assert path.nodes == (g["L"], g["d"], g["e"], g["a"])
    assert path.symbols == ("dL/dd", "dd/de", "de/da") and path.factors == (-2.0, 1.0, -3.0) and path.product == 6.0
    assert isinstance(g["a"].grad, Unreached)  # no backward pass needed, and none run


def test_every_leaf_of_the_lecture_matches_backward():
    g = lecture()
    explained = {name: explain(g["L"], g[name]).total for name in "abcdef"}
    g["L"].backward()
    assert explained == {name: g[name].grad for name in "abcdef"}


def test_several_paths_are_listed_and_summed():
    x = Value(3.0, label="x")
    sq = x * x
    sq.label = "sq"
    y = sq + x
    y.label = "y"
    ex = explain(y, x)
    assert ex.count == 3 and len(ex.paths) == 3 and ex.total == 7.0
    text = str(ex)
    assert "path 1: dy/dsq * dsq/dx = 1.0 * 3.0 = 3.0" in text and "path 3: dy/dx = 1.0" in text
    assert "dy/dx = path 1 + path 2 + path 3 = 3.0 + 3.0 + 1.0 = 7.0" in text


def test_no_path_self_and_constants():
    g = lecture()
    assert explain(g["L"], Value(1.0)).total == 0.0
    assert "does not depend on it" in str(explain(g["L"], Value(1.0, label="z")))
    k = Value(4.0, label="k", requires_grad=False)
    assert "it is a constant" in str(explain(g["L"] * k, k)) and explain(g["L"] * k, k).count == 0
    assert explain(g["L"], g["L"]).total == 1.0
    with pytest.raises(ValueError, match="limit"):
        explain(g["L"], g["a"], limit=0)


# --- many paths -------------------------------------------------------------------------------------


def test_exponentially_many_paths_are_counted_and_grouped_not_enumerated():
    z = Value(0.3, label="z")
    h = z
    for _ in range(60):  # each level doubles the paths: 2**60 of them
        h = h * 0.5 + h.sin()
    ex = explain(h, z)
    assert ex.count == 2**60 and ex.paths == [] and len(ex.groups) == 2
    assert "more than limit=20" in str(ex) and "1,152,921,504,606,846,976 paths" not in str(ex)
    assert "about 10^18 paths" in str(ex)
    assert sum(g.count for g in ex.groups) == ex.count
    assert ex.total == math.fsum(g.subtotal for g in ex.groups)
    h.backward()
    assert math.isclose(ex.total, z.grad, rel_tol=1e-12)


def test_an_mlp_weight_is_grouped_where_its_paths_fan_out():
    rng = random.Random(1)

    class Unit:  # a neuron as nn calls it: inside scope(unit)
        def __init__(self, nin: int) -> None:
            self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]

        def __call__(self, xs: list) -> Value:
            with scope(self):
                return sum((w * x for w, x in zip(self.w, xs)), Value(0.0)).tanh()

    hidden = [Unit(2) for _ in range(16)]
    out_unit = Unit(16)
    xs = [Value(0.5, label="x1"), Value(-1.2, label="x2")]
    out = out_unit([u(xs) for u in hidden])
    w = hidden[3].w[0]
    w.label = "w"
    ex = explain(out, w, limit=5)
    assert ex.count == 1 and "dv" in str(ex)  # one path: through hidden unit 3 only
    x1 = xs[0]
    ex = explain(out, x1, limit=5)
    assert ex.count == 16 and len(ex.groups) == 16 and "split 16 ways" in str(ex)
    out.backward()
    assert math.isclose(ex.total, x1.grad, rel_tol=1e-12)
    shown = str(ex).splitlines()
    assert sum(line.lstrip().startswith("via ") for line in shown) == 5
    assert "... and 11 more groups, together" in str(ex)


# --- against backward() on random graphs ------------------------------------------------------------


@SETTINGS
@given(recipes)
def test_explained_totals_match_backward_on_random_graphs(recipe):
    leaves, root = build(recipe)
    explained = [explain(root, leaf, limit=5) for leaf in leaves]
    root.backward()
    for leaf, ex in zip(leaves, explained):
        assume(math.isfinite(leaf.grad))
        assert math.isclose(ex.total, leaf.grad, rel_tol=1e-9, abs_tol=1e-12)
        assert ex.count == brute_force_paths(root, leaf)
        if ex.paths:
            assert len(ex.paths) == ex.count
            assert all(math.isclose(p.product, math.prod(p.factors)) for p in ex.paths)
        elif ex.count:
            assert sum(g.count for g in ex.groups) == ex.count


# --- tape -------------------------------------------------------------------------------------------


def test_tape_lists_the_graph_as_equations_in_order():
    g = lecture()
    before = tape(g["L"])
    assert before.splitlines()[2].split() == ["e", "=", "a", "*", "b", "data=-6.0", "grad=—"]
    g["L"].backward()
    lines = str(tape(g["L"])).splitlines()
    assert [line.split()[0] for line in lines] == ["a", "b", "e", "c", "d", "f", "L"]
    assert lines[0].split() == ["a", "=", "leaf", "data=2.0", "grad=6.0"]
    assert lines[-1].split() == ["L", "=", "d", "*", "f", "data=-8.0", "grad=1.0", "(output)"]
    assert repr(tape(g["L"])) == str(tape(g["L"]))  # shows as text at the prompt


def test_tape_names_unlabelled_nodes_and_inlines_constants():
    x = Value(0.5, label="x")
    y = (x * 2.0).tanh() + 1.0
    lines = str(tape(y)).splitlines()
    assert [line.split("   ")[0].strip() for line in lines] == ["x = leaf", "v1 = x * 2.0", "v2 = tanh(v1)",
                                                                    "v3 = v2 + 1.0"]  # no gaps
    assert str(tape(Value(5.0, requires_grad=False))).split() == ["5.0", "=", "constant", "data=5.0", "grad=—",
                                                                  "(output)"]


# --- a node made by hand with a `_backward` closure (the micrograd lecture's tanh) --------------------


def test_explain_uses_the_number_a_hand_written_backward_applies():
    x = Value(0.5, label="x")
    out, t = hand_written_tanh(x)
    ex = explain(out, x)
    assert ex.count == 1 and ex.total == 1 - t**2
    assert str(ex).splitlines() == [
        "dv1/dx: 1 path from v1 to x",
        "  dv1/dx = 0.786448",
        "  where dv1/dx = 0.786448   (mytanh: hand-written _backward)",
    ]
    assert isinstance(x.grad, Unreached) and isinstance(out.grad, Unreached)  # explain touches no grad
    out.backward()
    assert x.grad == 1 - t**2 == ex.total


def test_explain_through_a_hand_written_node_multiplies_its_number_into_the_path():
    x = Value(0.5, label="x")
    h, t = hand_written_tanh(x * 3.0)
    h.label = "h"
    y = h * h
    y.label = "y"
    ex = explain(y, x)
    local = 1 - t**2
    assert ex.count == 2 and ex.total == pytest.approx(2 * t * local * 3.0)
    assert f"dh/dv1 = {local:.6g}   (mytanh: hand-written _backward)" in str(ex)  # v1 = x * 3.0
    y.backward()
    assert x.grad == pytest.approx(ex.total)


def test_tape_marks_a_node_with_a_hand_written_backward():
    x = Value(0.5, label="x")
    out, _ = hand_written_tanh(x)
    lines = str(tape(out)).splitlines()
    assert lines[1].split("   ")[0] == "v1 = mytanh(x)" and lines[1].endswith("(output)   (hand-written _backward)")
