"""Storage, StoredValue, Placement: parameters whose numbers live in numpy arrays behave as plain Values."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import autograd
from autograd import Placement, Storage, StoredValue, Value
from autograd.core import UNREACHED


class MyValue(Value):
    """A Value subclass of the user's own: never stored."""


def stored(*values: float) -> tuple[Storage, list[Value]]:
    params = [Value(x) for x in values]
    return Storage.bind(params), params


def same(x: object, y: object) -> bool:
    """Bit-for-bit equality of two floats or arrays (NaN equals NaN, 0.0 differs from -0.0)."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


# --- a StoredValue is the same object, and reads back what was written ---------------------------------------

def test_bind_keeps_the_objects_and_makes_them_stored_values() -> None:
    a, b = Value(0.1, label="a"), Value(2.0)
    storage = Storage.bind([a, b])
    assert storage.members[0] is a and storage.members[1] is b
    assert type(a) is StoredValue and type(b) is StoredValue
    assert isinstance(a, Value) and isinstance(a, autograd.Value)
    assert repr(a).startswith("Value(data=") and "label='a'" in repr(a)
    assert repr(b) == repr(Value(2.0))
    assert a.label == "a" and a.is_leaf and a.requires_grad


@pytest.mark.parametrize("x", [0.1, -2.5e-300, 1e308, math.inf, -math.inf, math.nan, -0.0, 5e-324])
def test_data_reads_back_exactly(x: float) -> None:
    storage, (a, b) = stored(x, 1.0)
    assert same(a.data, x) and type(a.data) is float
    assert same(storage.data[0], x)
    b.data = x
    assert same(b.data, x) and same(storage.data[1], x)


def test_negative_zero_keeps_its_sign() -> None:
    _, (a,) = stored(-0.0)
    assert math.copysign(1.0, a.data) == -1.0
    a.data = 0.0
    assert math.copysign(1.0, a.data) == 1.0
    a.data = -0.0
    assert math.copysign(1.0, a.data) == -1.0
    a.grad = -0.0
    assert math.copysign(1.0, a.grad) == -1.0


@pytest.mark.parametrize("g", [0.1, -2.5e-300, 1e308, math.inf, math.nan, -0.0, 0.0])
def test_grad_reads_back_exactly(g: float) -> None:
    storage, (a,) = stored(1.0)
    a.grad = g
    assert same(a.grad, g) and type(a.grad) is float and a.grad is not UNREACHED
    assert storage.reached[0] and same(storage.grad[0], g)


def test_data_setter_takes_ints_and_numpy_numbers() -> None:
    _, (a,) = stored(1.0)
    a.data = 3
    assert a.data == 3.0 and type(a.data) is float
    a.data = np.float64(0.25)
    assert a.data == 0.25 and type(a.data) is float
    a.data = np.float32(0.5)
    assert a.data == 0.5
    a.data = np.int64(-7)
    assert a.data == -7.0 and type(a.data) is float
    a.data = True
    assert a.data == 1.0
    a.data = np.array(2.5)  # a 0-d array is a number
    assert a.data == 2.5


@pytest.mark.parametrize("bad", ["x", np.array([1.0, 2.0]), None, [1.0], 1 + 2j])
def test_data_setter_refuses_what_is_not_a_real_number(bad: object) -> None:
    storage, (a,) = stored(1.5)
    with pytest.raises(TypeError, match="real number"):
        a.data = bad
    assert a.data == 1.5 and storage.data[0] == 1.5


def test_grad_is_unreached_until_a_backward_reaches_it() -> None:
    _, (a, b) = stored(2.0, 3.0)
    assert a.grad is UNREACHED and b.grad is UNREACHED
    (b * 4.0).backward()  # a is not in this graph
    assert a.grad is UNREACHED and b.grad == 4.0
    (a * b).backward()
    assert a.grad == 3.0 and b.grad == 6.0
    a.zero_grad()
    assert a.grad is UNREACHED and b.grad == 6.0
    b.grad = UNREACHED
    assert b.grad is UNREACHED


def test_bind_keeps_the_grads_the_values_had() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    a.grad = 0.5
    (b * 2.0).backward(create_graph=True)  # b.grad is a Value
    grad_b = b.grad
    storage = Storage.bind([a, b, c])
    assert a.grad == 0.5 and b.grad is grad_b and c.grad is UNREACHED
    assert storage.other == {1: grad_b}
    assert storage.reached.tolist() == [True, True, False]


def test_detach_gives_a_plain_constant_value() -> None:
    _, (a,) = stored(1.25)
    a.label = "w"
    d = a.detach()
    assert type(d) is Value and d.data == 1.25 and d.is_constant and d.label == "w"
    a.data = 9.0
    assert d.data == 1.25


def test_stored_value_is_not_made_directly() -> None:
    with pytest.raises(TypeError, match="Storage.bind"):
        StoredValue(1.0)


# --- eager ops on stored operands: the same numbers as on plain Values -----------------------------------------

BINARY = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "truediv": lambda x, y: x / y,
    "pow": lambda x, y: x ** y,
}

UNARY = {
    "tanh": lambda z: z.tanh(),
    "exp": lambda z: z.exp(),
    "relu": lambda z: z.relu(),
    "relu of a negative": lambda z: (-z).relu(),
    "log": lambda z: z.log(),
}

# (which leaves are stored, the two operands made from the leaves a, b and the batch X)
COMBINATIONS = {
    "stored*plain": ("a", lambda a, b, X: (a, b)),
    "plain*stored": ("b", lambda a, b, X: (a, b)),
    "stored*stored": ("ab", lambda a, b, X: (a, b)),
    "stored+number": ("a", lambda a, b, X: (a, 1.5)),
    "number-stored": ("a", lambda a, b, X: (1.5, a)),
    "stored*batch": ("a", lambda a, b, X: (a, X)),
    "batch*stored": ("a", lambda a, b, X: (X, a)),
    "a*a": ("a", lambda a, b, X: (a, a)),
}


def run(store: str, graph, twice: bool = False) -> tuple[list[object], list[Value]]:
    """Build `graph` on fresh leaves (those named in `store` stored), backward, and read every number."""
    a, b, X = Value(0.8), Value(1.7), Value(np.array([0.5, 1.25, 2.0]))
    leaves = {"a": a, "b": b}
    if store:
        Storage.bind([leaves[name] for name in store])
        assert all(type(leaves[name]) is StoredValue for name in store)
    out = graph(a, b, X)
    root = out.sum() if isinstance(out.data, np.ndarray) else out
    root.backward()
    if twice:
        root.backward()
    return [out.data, root.data, a.grad, b.grad, X.grad], [a, b]


def assert_runs_agree(store: str, graph, twice: bool = False) -> None:
    expected, plain = run("", graph, twice)
    got, params = run(store, graph, twice)
    for name, e, g in zip(["out", "root", "a.grad", "b.grad", "X.grad"], expected, got):
        if e is UNREACHED:
            assert g is UNREACHED, name
        else:
            assert same(g, e), (name, g, e)
    assert all(type(p) is Value for p in plain)


@pytest.mark.parametrize("combo", COMBINATIONS)
@pytest.mark.parametrize("op", BINARY)
def test_binary_ops_on_stored_operands_equal_plain(op: str, combo: str) -> None:
    store, operands = COMBINATIONS[combo]
    assert_runs_agree(store, lambda a, b, X: BINARY[op](*operands(a, b, X)))


@pytest.mark.parametrize("combo", COMBINATIONS)
@pytest.mark.parametrize("op", UNARY)
def test_unary_ops_after_stored_operands_equal_plain(op: str, combo: str) -> None:
    store, operands = COMBINATIONS[combo]

    def graph(a, b, X):
        x, y = operands(a, b, X)
        return UNARY[op](x * y - 0.3)  # every x * y here is above 0.3: log's input is positive

    assert_runs_agree(store, graph)


@pytest.mark.parametrize("op", UNARY)
def test_unary_ops_on_a_stored_leaf_equal_plain(op: str) -> None:
    assert_runs_agree("a", lambda a, b, X: UNARY[op](a) * b)


def test_a_longer_graph_equals_plain() -> None:
    def graph(a, b, X):
        h = (a * X + b).tanh() * (X / a) - (b ** 2.0) * X.exp() / 7.0
        return (h * h).log() + a.relu() * (1.0 - b).exp()

    assert_runs_agree("ab", graph)
    assert_runs_agree("a", graph)


@pytest.mark.parametrize("combo", ["stored*plain", "stored*stored", "stored*batch", "a*a"])
def test_backward_twice_accumulates_as_for_plain_values(combo: str) -> None:
    store, operands = COMBINATIONS[combo]

    def graph(a, b, X):
        x, y = operands(a, b, X)
        return (x * y).tanh() + a.exp()

    assert_runs_agree(store, graph, twice=True)
    once, _ = run(store, graph)
    doubled, _ = run(store, graph, twice=True)
    assert doubled[2] == 2 * once[2]


def second_order(store: bool) -> tuple[list[float], list[Value], Storage | None]:
    a, b = Value(0.6), Value(-1.3)
    storage = Storage.bind([a, b]) if store else None
    y = (a * a * b).tanh() + a.exp() * b
    y.backward(create_graph=True)
    ga, gb = a.grad, b.grad
    first = [ga.data, gb.data]
    kinds = [type(ga), type(gb)]
    a.grad = UNREACHED
    b.grad = UNREACHED
    ga.backward()  # d/da and d/db of dy/da, into the leaves' grads
    return [*first, a.grad, b.grad], kinds, storage


def test_create_graph_gives_value_grads_kept_in_other() -> None:
    a, b = Value(0.6), Value(-1.3)
    storage = Storage.bind([a, b])
    y = (a * a * b).tanh() + a.exp() * b
    y.backward(create_graph=True)
    assert type(a.grad) is Value and type(b.grad) is Value
    assert storage.other[0] is a.grad and storage.other[1] is b.grad
    assert storage.reached.all() and not storage.floats(slice(0, 2))
    a.grad = 2.0  # a float again: out of `other`
    assert 0 not in storage.other and a.grad == 2.0 and storage.floats(slice(0, 1))
    assert not storage.floats(np.array([1]))


def test_second_order_equals_plain() -> None:
    expected, kinds_plain, _ = second_order(store=False)
    got, kinds_stored, storage = second_order(store=True)
    assert kinds_plain == kinds_stored == [Value, Value]
    assert [type(x) for x in got] == [type(x) for x in expected] == [float] * 4
    assert got == expected
    assert storage is not None and not storage.other
    a = 0.6  # d/da of dy/da, with y = tanh(a^2 b) + e^a b, as a check of the numbers themselves
    bb = -1.3
    t = math.tanh(a * a * bb)
    s2 = 1 - t * t
    d2 = 2 * bb * s2 + (2 * a * bb) ** 2 * (-2 * t * s2) + math.exp(a) * bb
    assert got[2] == pytest.approx(d2, rel=1e-12)


def test_second_order_without_reset_adds_to_the_value_grad_as_for_plain() -> None:
    results = []
    for store in (False, True):
        a, b = Value(0.6), Value(-1.3)
        if store:
            Storage.bind([a, b])
        ((a * a * b).tanh() + a.exp() * b).backward(create_graph=True)
        a.grad.backward()
        assert isinstance(a.grad, Value) and isinstance(b.grad, Value)
        results.append((a.grad.data, b.grad.data))
    assert results[0] == results[1]


# --- binding: members fixed for a storage's life --------------------------------------------------------------

def test_merging_two_storages_keeps_every_member_and_retires_them() -> None:
    s1, (a, b) = stored(1.0, 2.0)
    s2, (c, d) = stored(3.0, 4.0)
    a.grad, d.grad = 0.5, -0.25
    e = Value(5.0)
    epoch = Storage.epoch
    merged = Storage.bind([c, a, e])
    assert Storage.epoch == epoch + 1
    assert merged.members == [c, d, a, b, e]  # storages in the order met, then the loose ones
    assert [m.__class__ for m in merged.members] == [StoredValue] * 5
    assert s1.retired and s2.retired and not merged.retired
    assert merged.data.tolist() == [3.0, 4.0, 1.0, 2.0, 5.0]
    assert [m.data for m in (a, b, c, d, e)] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert a.grad == 0.5 and d.grad == -0.25 and b.grad is UNREACHED and e.grad is UNREACHED
    assert merged.reached.tolist() == [False, True, True, False, False]
    a.data = 10.0  # the new storage holds the numbers now
    assert merged.data[2] == 10.0 and s1.data[0] == 1.0


def test_binding_some_members_of_a_storage_with_a_loose_value_moves_all_of_them() -> None:
    s1, (a, b) = stored(1.0, 2.0)
    x = Value(7.0)
    merged = Storage.bind([x, a])
    assert merged.members == [a, b, x] and s1.retired
    assert b._home == (merged, 1)


def test_binding_values_already_stored_together_returns_their_storage() -> None:
    s1, (a, b, c) = stored(1.0, 2.0, 3.0)
    epoch = Storage.epoch
    assert Storage.bind([c, a]) is s1
    assert Storage.bind([b]) is s1
    assert Storage.bind([a, b, c]) is s1
    assert Storage.epoch == epoch and not s1.retired and s1.members == [a, b, c]


def test_epoch_counts_each_real_binding_once() -> None:
    epoch = Storage.epoch
    _, (a,) = stored(1.0)
    _, (b,) = stored(2.0)
    assert Storage.epoch == epoch + 2
    Storage.bind([a, b])
    assert Storage.epoch == epoch + 3
    Storage.bind([b, a])
    assert Storage.epoch == epoch + 3


def test_bindable() -> None:
    a, b = Value(1.0), Value(2.0)
    assert Storage.bindable([a, b])
    Storage.bind([a])
    assert Storage.bindable([a, b])  # a StoredValue and a plain Value
    assert Storage.bindable([Value(1.0, requires_grad=False)])
    assert not Storage.bindable([Value(np.array([1.0, 2.0]))])
    assert not Storage.bindable([a * b])
    assert not Storage.bindable([Value(1.0), a * b])
    assert not Storage.bindable([MyValue(1.0)])
    assert not Storage.bindable([b, MyValue(1.0)])


# --- Placement: where a fixed list of parameters lives ------------------------------------------------------

def test_placement_is_a_slice_for_contiguous_ascending_params() -> None:
    storage, (a, b, c, d) = stored(1.0, 2.0, 3.0, 4.0)
    assert Placement([a, b, c, d]).find() == (storage, slice(0, 4))
    found = Placement([b, c]).find()
    assert found is not None and found[0] is storage and found[1] == slice(1, 3)
    assert storage.data[found[1]].tolist() == [2.0, 3.0]


@pytest.mark.parametrize("order, positions", [("dcba", [3, 2, 1, 0]), ("ac", [0, 2]), ("bad", [1, 0, 3])])
def test_placement_is_an_int_array_otherwise(order: str, positions: list[int]) -> None:
    storage, params = stored(1.0, 2.0, 3.0, 4.0)
    named = dict(zip("abcd", params))
    found = Placement([named[k] for k in order]).find()
    assert found is not None and found[0] is storage
    index = found[1]
    assert isinstance(index, np.ndarray) and index.dtype.kind == "i" and index.tolist() == positions
    assert storage.data[index].tolist() == [named[k].data for k in order]


@pytest.mark.parametrize("bind", [False, True])
def test_placement_is_none_when_nothing_is_stored(bind: bool) -> None:
    a, b = Value(1.0), Value(2.0)
    epoch = Storage.epoch
    assert Placement([a, b], bind=bind).find() is None
    assert type(a) is Value and type(b) is Value and Storage.epoch == epoch


def test_placement_of_partly_stored_params() -> None:
    storage, (a,) = stored(1.0)
    b = Value(2.0)
    assert Placement([a, b]).find() is None
    assert type(b) is Value
    found = Placement([a, b], bind=True).find()
    assert type(b) is StoredValue and storage.retired
    assert found is not None and found[0] is b._home[0] and found[1] == slice(0, 2)


def test_placement_of_params_in_two_storages() -> None:
    s1, (a,) = stored(1.0)
    s2, (b,) = stored(2.0)
    assert Placement([b, a]).find() is None
    found = Placement([b, a], bind=True).find()
    assert found is not None and s1.retired and s2.retired
    assert found[0].members == [b, a] and found[1] == slice(0, 2)


def test_placement_with_bind_does_not_bind_what_cannot_be_stored() -> None:
    _, (a,) = stored(1.0)
    mine = MyValue(2.0)
    assert Placement([a, mine], bind=True).find() is None
    assert type(mine) is MyValue


def test_placement_find_is_cached_until_the_epoch_changes() -> None:
    storage, (a, b) = stored(1.0, 2.0)
    place = Placement([b, a])
    looks = []
    look = place._look
    place._look = lambda: looks.append(1) or look()  # type: ignore[method-assign]
    first = place.find()
    assert place.find() is first and place.find() is first and len(looks) == 1
    stored(3.0)  # another binding, elsewhere
    again = place.find()
    assert len(looks) == 2 and again is not None and again[0] is storage
    assert again[1].tolist() == [1, 0]
    assert place.find() is again and len(looks) == 2


def test_placement_follows_a_merge() -> None:
    s1, (a, b) = stored(1.0, 2.0)
    place = Placement([a, b])
    assert place.find() == (s1, slice(0, 2))
    s2, (c,) = stored(3.0)
    merged = Storage.bind([c, a])
    found = place.find()
    assert found is not None and found[0] is merged and found[1] == slice(1, 3)


# --- the storage's array operations -----------------------------------------------------------------------------

def test_storage_zero_grad_at_an_index() -> None:
    storage, params = stored(1.0, 2.0, 3.0, 4.0)
    for k, p in enumerate(params):
        p.grad = float(k + 1)
    storage.zero_grad(slice(1, 3))
    assert [p.grad for p in params] == [1.0, 0.0, 0.0, 4.0]
    assert params[1].grad is UNREACHED and params[2].grad is UNREACHED
    storage.zero_grad(np.array([3, 0]))
    assert all(p.grad is UNREACHED for p in params)
    assert storage.grad.tolist() == [0.0] * 4 and not storage.reached.any()


def test_storage_zero_grad_drops_value_grads() -> None:
    storage, (a, b, c) = stored(1.0, 2.0, 3.0)
    (a * b * c).backward(create_graph=True)
    assert set(storage.other) == {0, 1, 2}
    storage.zero_grad(np.array([2, 0]))
    assert set(storage.other) == {1} and a.grad is UNREACHED and c.grad is UNREACHED
    assert isinstance(b.grad, Value) and b.grad.data == 3.0


def test_storage_add_grads_with_a_slice() -> None:
    storage, (a, b, c) = stored(1.0, 2.0, 3.0)
    a.grad = 1.0
    storage.add_grads(slice(0, 2), np.array([0.5, -0.25]))
    assert a.grad == 1.5 and b.grad == -0.25 and c.grad is UNREACHED
    storage.add_grads(slice(0, 2), np.array([0.5, -0.25]))
    assert a.grad == 2.0 and b.grad == -0.5


def test_storage_add_grads_with_an_int_array() -> None:
    storage, (a, b, c) = stored(1.0, 2.0, 3.0)
    storage.add_grads(np.array([2, 0]), np.array([4.0, 5.0]))
    assert c.grad == 4.0 and a.grad == 5.0 and b.grad is UNREACHED
    assert storage.reached.tolist() == [True, False, True]


def test_storage_add_grads_with_a_value_grad_adds_per_member() -> None:
    storage, (a, b, c) = stored(1.0, 2.0, 3.0)
    (a * 2.0).backward(create_graph=True)
    grad_a = a.grad
    assert type(grad_a) is Value and not storage.floats(slice(0, 3)) and storage.floats(np.array([1, 2]))
    storage.add_grads(slice(0, 2), np.array([0.5, 0.25]))
    assert isinstance(a.grad, Value) and a.grad is not grad_a and a.grad.data == 2.5  # a Value + a float
    assert b.grad == 0.25 and type(b.grad) is float and c.grad is UNREACHED
    storage.add_grads(np.array([2, 1]), np.array([1.0, 1.0]))
    assert c.grad == 1.0 and b.grad == 1.25


def test_storage_floats() -> None:
    storage, (a, b) = stored(1.0, 2.0)
    assert storage.floats(slice(0, 2))
    b.grad = Value(3.0)
    assert not storage.floats(slice(0, 2)) and storage.floats(slice(0, 1)) and not storage.floats(np.array([1, 0]))
    b.grad = 3.0
    assert storage.floats(slice(0, 2))


# --- copies and compiled programs ---------------------------------------------------------------------------

def test_deepcopy_gives_independent_plain_values() -> None:
    storage, params = stored(0.1, -2.5)
    params[0].grad = 0.75
    params[0].label = "w"
    copies = copy.deepcopy(params)
    assert all(type(c) is Value for c in copies)  # (a copy has no place in the storage)
    assert copies[0].label == "w" and "_home" not in vars(copies[0])
    assert [c.data for c in copies] == [0.1, -2.5]
    assert copies[0].grad == 0.75 and copies[1].grad is UNREACHED
    copies[0].data = 9.0
    copies[1].grad = 1.0
    assert params[0].data == 0.1 and params[1].grad is UNREACHED
    params[1].data = 4.0
    assert copies[1].data == -2.5


def test_deepcopy_of_plain_values_for_reference() -> None:
    params = [Value(0.1), Value(-2.5)]
    params[0].grad = 0.75
    copies = copy.deepcopy(params)
    copies[0].data = 9.0
    assert params[0].data == 0.1 and copies[0].grad == 0.75


def test_shallow_copy_is_independent_as_for_a_plain_value() -> None:
    _, (a,) = stored(1.0)
    c = copy.copy(a)
    c.data = 7.0
    assert a.data == 1.0 and c.data == 7.0 and type(c) is Value


def test_compile_stores_its_parameters_and_keeps_working_after_a_merge() -> None:
    a, b, c = Value(0.5), Value(-1.5), Value(2.0)
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    f = autograd.compile(lambda X: ((a * X[0] + b * X[1]).tanh() * a).sum())
    g = autograd.compile(lambda X: (c * X[1] + b * X[0]).exp().mean())
    out = f(X)
    assert type(a) is StoredValue and type(b) is StoredValue and type(c) is Value
    first = a._home[0]
    out.backward()
    out2 = g(X)  # b is in f's storage, c is loose: one new storage with all three
    assert first.retired and a._home[0] is b._home[0] is c._home[0]
    out2.backward()
    got = [out.data, out2.data, a.grad, b.grad, c.grad]

    pa, pb, pc = Value(0.5), Value(-1.5), Value(2.0)
    cols = [Value(X[:, j], requires_grad=False) for j in range(2)]
    e1 = ((pa * cols[0] + pb * cols[1]).tanh() * pa).sum()
    e1.backward()
    e2 = (pc * cols[1] + pb * cols[0]).exp().mean()
    e2.backward()
    expected = [e1.data, e2.data, pa.grad, pb.grad, pc.grad]
    assert got == pytest.approx(expected, rel=1e-13)
    a.data = 1.0  # the programs read the merged storage
    assert f(X).data == pytest.approx(np.tanh(X[:, 0] - 1.5 * X[:, 1]).sum(), rel=1e-13)
