"""The backward pass: micrograd's examples, accumulation, ordering, deep graphs, memory, cycles."""

from __future__ import annotations

import gc
import math
import sys
import weakref

import numpy as np
import pytest
from autograd_cases import lecture

from autograd import (
    GraphCycleError,
    Stepper,
    Value,
    backward_order,
    detect_anomaly,
    grad,
    gradients,
    local_derivatives,
    topological_sort,
)

# --- micrograd's examples ------------------------------------------------------------------------


def test_micrograd_readme_sanity_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert round(g.data, 4) == 24.7041
    g.backward()
    assert round(a.grad, 4) == 138.8338
    assert round(b.grad, 4) == 645.5773


def test_micrograd_lecture_example():
    n = lecture()
    a, b, c, d, e, f, L = (n[k] for k in "abcdefL")
    assert L.data == -8.0
    L.backward()
    assert L.grad == 1.0
    assert (a.grad, b.grad, c.grad, f.grad, d.grad, e.grad) == (6.0, -4.0, -2.0, 4.0, -2.0, -2.0)


def test_lecture_neuron_with_tanh():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-4)


@pytest.mark.parametrize(("build", "expected"), [
    (lambda a: a * a, 6.0),  # 2a
    (lambda a: a + a, 2.0),
    (lambda a: a - a, 0.0),
    (lambda a: a / a, 0.0),
    (lambda a: a**a, 27.0 * (np.log(3.0) + 1.0)),
    (lambda a: (a * a) * a + a, 28.0),
])
def test_an_input_used_twice_gets_both_contributions(build, expected):
    a = Value(3.0)
    build(a).backward()
    assert a.grad == pytest.approx(expected, rel=1e-12)


def test_shared_subexpression_gradient():
    x, y = Value(1.5), Value(-0.5)
    s = x * y
    out = s * s + s.exp() * x
    out.backward()
    # d/dx = 2 s y + e^s (y x + 1), d/dy = 2 s x + e^s x^2
    e = np.exp(-0.75)
    assert x.grad == pytest.approx(2 * -0.75 * -0.5 + e * (-0.75 + 1.0))
    assert y.grad == pytest.approx(2 * -0.75 * 1.5 + e * 2.25)


# --- accumulation, seeds, zero_grad ----------------------------------------------------------------


def test_repeated_backward_doubles_leaf_grads_but_not_intermediates():
    x = Value(3.0)
    xx = x * x
    y = xx * x
    y.backward()
    assert x.grad == 27.0
    assert xx.grad == 3.0
    y.backward()
    assert x.grad == 54.0
    assert xx.grad == 3.0, "an intermediate node shows the gradient of the latest pass"
    assert y.grad == 1.0


def test_intermediate_grads_are_fresh_for_each_root():
    x = Value(2.0)
    s = x * x
    (s * 2.0).backward()
    (s * 3.0).backward()
    assert s.grad == 3.0
    assert x.grad == 2.0 * 4.0 + 3.0 * 4.0


def test_backward_on_a_leaf_root_accumulates_one():
    v = Value(3.0)
    v.backward()
    assert v.grad == 1.0
    v.backward()
    assert v.grad == 2.0


@pytest.mark.parametrize("path", ["backward", "backward_in_detect_anomaly", "create_graph"])
def test_a_constant_root_gets_no_grad_on_any_path(path):
    c = Value(3.0, requires_grad=False)
    if path == "backward":
        c.backward()
    elif path == "create_graph":
        c.backward(create_graph=True)
    else:
        with detect_anomaly():
            c.backward()
    assert c.grad == 0.0, f"{path} gave a constant the grad {c.grad!r}"


@pytest.mark.parametrize("seed", [2.0, 2, np.float32(2.0), np.float64(2.0)])
def test_backward_with_a_custom_seed(seed):
    x = Value(2.0)
    y = x * 3.0
    y.backward(grad=seed)
    assert y.grad == 2.0
    assert x.grad == 6.0


@pytest.mark.parametrize("seed", ["x", None, [1.0], complex(1, 0)])
def test_backward_with_a_non_number_seed_raises_type_error(seed):
    x = Value(2.0)
    with pytest.raises(TypeError):
        (x * 3.0).backward(grad=seed)
    assert x.grad == 0.0


def test_zero_grad_on_a_leaf():
    x = Value(2.0)
    (x * x).backward()
    assert x.grad == 4.0
    x.zero_grad()
    assert x.grad == 0.0


def test_zero_grad_on_a_root_resets_every_node_below_it():
    x, w = Value(2.0), Value(-1.0)
    y = (x * w).tanh() + x**2
    y.backward()
    assert x.grad != 0.0
    y.zero_grad()
    assert all(v.grad == 0.0 for v in topological_sort(y))
    y.backward()
    first = x.grad
    y.zero_grad()
    y.backward()
    assert x.grad == first


# --- order ----------------------------------------------------------------------------------------


def _graph():
    x, y, z = Value(1.0, label="x"), Value(2.0, label="y"), Value(-1.0, label="z")
    a = x * y
    a.label = "a"
    b = a + z
    b.label = "b"
    c = a.tanh()
    c.label = "c"
    d = b * c + a
    d.label = "d"
    e = (d - x).exp()
    e.label = "e"
    return e, [x, y, z, a, b, c, d, e]


def _reachable(root):
    seen, stack = {}, [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen[id(v)] = v
            stack.extend(v._prev)
    return seen


def test_topological_sort_lists_every_node_once_after_its_inputs():
    root, _ = _graph()
    order = topological_sort(root)
    position = {id(v): i for i, v in enumerate(order)}
    assert len(position) == len(order), "a node is listed twice"
    assert set(position) == set(_reachable(root))
    assert order[-1] is root
    for v in order:
        for x in v._prev:
            assert position[id(x)] < position[id(v)]


def test_backward_order_lists_computed_nodes_root_first_each_before_its_inputs():
    root, nodes = _graph()
    order = backward_order(root)
    assert order[0] is root
    assert all(v._prev for v in order), "backward_order lists only computed nodes"
    assert {id(v) for v in order} == {k for k, v in _reachable(root).items() if v._prev}
    position = {id(v): i for i, v in enumerate(order)}
    assert len(position) == len(order)
    for v in order:
        for x in v._prev:
            if x._prev:
                assert position[id(v)] < position[id(x)]


def test_orders_are_deterministic():
    labels = [[v.label for v in f(_graph()[0])] for f in (topological_sort, topological_sort, backward_order)]
    again = [[v.label for v in f(_graph()[0])] for f in (topological_sort, topological_sort, backward_order)]
    assert labels == again
    assert labels[0] == labels[1]
    root, _ = _graph()
    assert backward_order(root) == backward_order(root)


def test_orders_of_a_leaf():
    v = Value(1.0)
    assert backward_order(v) == []
    assert topological_sort(v) == [v]


# --- micrograd's per-node step and local derivatives -------------------------------------------------


def test_node_backward_applies_one_chain_rule_step():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    c.grad = 2.0
    c._backward()
    assert (a.grad, b.grad) == (-6.0, 4.0)


@pytest.mark.parametrize("requires_grad", [True, False], ids=["variable", "constant"])
def test_node_backward_on_a_leaf_does_nothing(requires_grad):
    """micrograd's loop calls `_backward()` on every node of the topological order, leaves included."""
    leaf = Value(2.0, requires_grad=requires_grad)
    leaf.grad = 1.0
    leaf._backward()
    assert leaf.grad == 1.0


def test_micrograds_backward_loop_gives_the_same_grads():
    root, nodes = _graph()
    root.backward()
    expected = [v.grad for v in nodes[:3]]
    root2, nodes2 = _graph()
    topo = topological_sort(root2)
    root2.grad = 1.0
    for v in reversed(topo):
        v._backward()
    assert [v.grad for v in nodes2[:3]] == pytest.approx(expected, rel=1e-12)


def test_local_derivatives():
    a, b = Value(2.0), Value(-3.0)
    pairs = local_derivatives(a * b)
    assert [x for x, _ in pairs] == [a, b]
    assert [d for _, d in pairs] == [-3.0, 2.0]
    (x, d), = local_derivatives(a * 5.0)  # a constant input takes no gradient
    assert x is a and d == 5.0
    t = a.tanh()
    (x, d), = local_derivatives(t)
    assert x is a and d == pytest.approx(1 - t.data**2)


# --- deep graphs -----------------------------------------------------------------------------------


def test_a_million_node_chain_at_the_default_recursion_limit():
    limit = sys.getrecursionlimit()
    x0 = Value(1.0)
    c, z = Value(1.0000001, requires_grad=False), Value(0.0, requires_grad=False)
    x = x0
    for _ in range(500_000):  # two computed nodes per step
        x = x * c + z
    x.backward()
    assert x0.grad == pytest.approx(1.0000001**500_000, rel=1e-9)
    assert x.data == pytest.approx(1.0000001**500_000, rel=1e-9)
    del x  # freeing the chain must not overflow the C stack either
    assert sys.getrecursionlimit() == limit


def test_deep_chain_other_traversals_and_second_order():
    limit = sys.getrecursionlimit()
    x0 = Value(0.5)
    c, k = Value(1.00001, requires_grad=False), Value(0.0001, requires_grad=False)
    x = x0
    for i in range(30_000):
        x = x * c if i % 2 else x + k
    assert len(backward_order(x)) == 30_000
    assert len(topological_sort(x)) == 30_003
    x.backward()
    x.zero_grad()
    assert x0.grad == 0.0
    assert gradients(x, [x0])[0] == pytest.approx(1.00001**15_000, rel=1e-9)

    def f(v):
        for _ in range(5_000):
            v = (v * 0.9999).tanh() + 0.001 * v
        return v

    assert np.isfinite(grad(grad(f))(0.3))
    assert sys.getrecursionlimit() == limit


# --- memory: no reference cycles --------------------------------------------------------------------


def _build_and_run():
    x, y = Value(1.5, label="x"), Value(-2.0, label="y")
    inner = x * y
    out = (inner + x).tanh() ** 2 + inner.exp() / y
    out.backward()
    gradients(out, [x, y])
    grad(grad(lambda t: (t * y).sin() * t))(0.7)
    out.zero_grad()
    topological_sort(out)
    return x, inner, out


def test_a_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x, inner, out = _build_and_run()
        refs = [weakref.ref(x), weakref.ref(inner), weakref.ref(out)]
        del x, inner, out
        assert [r() for r in refs] == [None, None, None]
    finally:
        gc.enable()


def test_the_cycle_collector_finds_no_values():
    gc.collect()
    gc.disable()
    old = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(3):
            _build_and_run()
        gc.collect()
        leaked = [o for o in gc.garbage if isinstance(o, Value)]
    finally:
        gc.set_debug(old)
        gc.garbage.clear()
        gc.enable()
    assert leaked == []


# --- cycles made by hand ---------------------------------------------------------------------------


def _cyclic(kind):
    """x -> a -> b -> c -> d (times a second leaf w); then one edge is bent back to make a cycle."""
    x, w = Value(1.0, label="x"), Value(5.0, label="w")
    a = x * 2.0
    b = a + 1.0
    c = b * 3.0
    d = c * w
    nodes = [x, w, a, b, c, d]
    if kind == "root_in_cycle":
        a._a = d
    elif kind == "cycle_below_root":
        a._a = c
    else:  # self loop
        a._a = a
    return nodes, lambda: setattr(a, "_a", x)


ENTRY_POINTS = {
    "backward": lambda d: d.backward(),
    "backward_in_detect_anomaly": lambda d: _in_anomaly(d.backward),
    "create_graph": lambda d: d.backward(create_graph=True),
    "backward_order": backward_order,
    "topological_sort": topological_sort,
    "zero_grad": lambda d: d.zero_grad(),
    "gradients": lambda d: gradients(d, [d]),
}


def _in_anomaly(f):
    with detect_anomaly():
        f()


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("kind", ["root_in_cycle", "cycle_below_root", "self_loop"])
def test_a_cycle_raises_and_the_graph_is_usable_after_fixing_it(kind, entry):
    nodes, fix = _cyclic(kind)
    x, w, *_, d = nodes
    with pytest.raises(GraphCycleError):
        ENTRY_POINTS[entry](d)
    computed = nodes[2:]  # (a leaf's count is of the users it had in the forward pass)
    assert [v._pending for v in computed] == [0] * len(computed), "no count left half done"
    fix()
    d.zero_grad()
    d.backward()
    assert (x.grad, w.grad) == (30.0, 9.0)
    assert [v._pending for v in nodes] == [0] * len(nodes)


def test_a_checked_backward_that_finds_a_cycle_changes_no_leaf_grad():
    """The checked path (detect_anomaly) raises before touching any leaf: fixing the graph and
    calling backward() again gives the right gradients without zero_grad(). (The eager path
    documents that it may have touched leaves; the test above covers it with zero_grad().)"""
    nodes, fix = _cyclic("cycle_below_root")
    x, w = nodes[0], nodes[1]
    with pytest.raises(GraphCycleError):
        _in_anomaly(nodes[-1].backward)
    assert (x.grad, w.grad) == (0.0, 0.0)
    fix()
    nodes[-1].backward()
    assert (x.grad, w.grad) == (30.0, 9.0)


def test_the_user_counts_are_used_up_by_a_pass_and_made_again_by_new_users():
    """Ops count their users (`_pending`); a backward pass counts them down to 0, and no traversal
    leaves one half done. A second pass, or one after create_graph added users, counts again."""
    root, nodes = _graph()
    assert [v._pending for v in nodes] == [2, 1, 1, 3, 1, 1, 1, 0]  # x is used by a and by d - x
    root.backward()
    first = [v.grad for v in nodes]
    assert [v._pending for v in nodes] == [0] * len(nodes)
    backward_order(root)
    topological_sort(root)
    gradients(root, nodes[:3])
    assert [v._pending for v in nodes] == [0] * len(nodes)
    root.zero_grad()
    root.backward(create_graph=True)  # the grads' graph uses these nodes: they count those users
    assert [g.data for g in (v.grad for v in nodes)] == first
    root.zero_grad()
    root.backward()
    assert [v.grad for v in nodes] == first


# --- a pass's terms are summed apart, then added to the leaf (PyTorch's rule) ------------------------


@pytest.mark.parametrize("path", ["eager", "checked", "stepper"])
def test_a_second_backward_adds_exactly_the_first_passs_total(path):
    """x*0.1 + x*0.2: the pass's total is 0.30000000000000004, so two passes give 0.6000000000000001
    (adding the terms one by one into the running grad would give 0.6 on the second pass)."""
    x = Value(1.0)
    y = x * 0.1 + x * 0.2
    run = {"eager": y.backward, "checked": lambda: _in_anomaly(y.backward), "stepper": lambda: Stepper(y).run()}[path]
    run()
    assert x.grad == 0.30000000000000004
    run()
    assert x.grad == 0.6000000000000001


def test_a_batch_pass_is_summed_apart_too():
    w = Value(1.0)
    x = Value(np.array([1.0, 1.0]))
    y = (x * w * 0.1 + x * w * 0.2).sum()
    y.backward()
    first = w.grad
    y.backward()
    assert w.grad == first + first


# --- the eager pass's counts: made by the forward pass, counted again where they do not fit ----------


def _reference(root, leaves):
    """d root / d leaf by the checked path, which counts the users below the root itself."""
    return gradients(root, leaves)


def test_a_node_with_users_outside_the_graph_gets_its_full_grad():
    x, w = Value(0.5), Value(-1.5)
    h = (x * w).tanh()
    loss = h * h + h
    other = h * 3.0  # a user of h that is not below `loss`
    expected = _reference(loss, [x, w])
    loss.backward()
    assert [x.grad, w.grad] == expected
    x.grad = w.grad = 0.0
    expected_other = _reference(other, [x, w])
    other.backward()  # the other root: its own counts are made again
    assert [x.grad, w.grad] == expected_other


def test_backward_from_an_inner_node_then_from_the_root():
    x = Value(0.7)
    h = x.exp() * x
    root = h.sin() + h
    h.backward()
    assert x.grad == _reference(h, [x])[0]
    x.grad = 0.0
    root.backward()
    assert x.grad == _reference(root, [x])[0]


def test_a_batch_node_with_users_elsewhere():
    w = Value(0.3)
    xs = Value(np.array([1.0, -2.0, 0.5]))
    h = (xs * w).tanh()
    loss = (h * h).sum()
    unused = h * 2.0  # noqa: F841  (a user of h outside loss's graph)
    loss.backward()
    assert w.grad == pytest.approx(float(np.sum(2 * np.tanh(0.3 * xs.data) * (1 - np.tanh(0.3 * xs.data) ** 2)
                                               * xs.data)), rel=1e-14)


def test_a_hand_written_node_with_users_elsewhere():
    x = Value(0.4)
    t = math.tanh(x.data)
    out = Value(t, (x,), "mytanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    loss = out * out
    other = out + 1.0  # noqa: F841
    loss.backward()
    assert x.grad == pytest.approx(2 * t * (1 - t * t), rel=1e-15)
