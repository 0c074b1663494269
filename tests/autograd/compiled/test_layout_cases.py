"""Programs the layout writes in a special form: shared terms broadcast, layers read as rows of P, lines
computed once from the seed. Each against eager (regressions found by review and by the random graphs)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from compiled_cases import assert_same_gradients

import autograd
from autograd import Storage, StoredValue, Value
from nn import MLP, SGD


def test_a_term_in_one_member_only_is_not_broadcast_to_the_others() -> None:
    """y twice in the first member's sum, none in the second's: not a node shared by every member."""
    w0, w1, w2 = Value(0.5), Value(-1.5), Value(2.0)

    def fn(X, y):
        return ((w0 * X[0] + y + y) * (w1 * X[0] + w2 * X[1])).mean()

    assert_same_gradients(fn, [w0, w1, w2], np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([10.0, 20.0]))


def test_a_node_in_every_members_sum_is_broadcast() -> None:
    model = MLP(3, [4, 2], seed=0)

    def fn(X, y):
        return sum(((o - y) ** 2).mean() for o in model(X))

    X, y = np.random.default_rng(0).normal(size=(6, 3)), np.arange(6.0)
    assert_same_gradients(fn, model.parameters(), X, y)
    assert " - y + b2" in autograd.compile(fn).trace(X, y).source


def test_a_loss_that_is_a_parameter_has_gradient_one() -> None:
    a = Value(3.0)
    f = autograd.compile(lambda X: a, check_every=1)
    out = f(np.ones((2, 1)))
    a.grad = 0.0
    out.backward()
    assert a.grad == 1.0


def test_model_layers_are_rows_of_p_in_parameter_order() -> None:
    model = MLP(3, [4, 2], seed=0)
    f = autograd.compile(lambda X, y: sum(((o - y) ** 2).mean() for o in model(X)))
    f(np.ones((5, 3)), np.zeros(5))
    storage = Storage.bind(model.parameters())  # (already one storage: returned as it is)
    assert [p._home[1] for p in model.parameters()] == list(range(26)) and storage.members == model.parameters()


def test_a_model_and_its_optimizer_deep_copied_after_compiled_steps_train_on() -> None:
    X, y = np.random.default_rng(1).normal(size=(8, 2)), np.linspace(-1, 1, 8)
    model = MLP(2, [3, 1], seed=2)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = autograd.compile(lambda X, y: ((model(X) - y) ** 2).mean())
    for _ in range(2):
        loss = loss_fn(X, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model2, opt2 = copy.deepcopy((model, opt))
    assert all(type(p) is StoredValue for p in model.parameters())
    assert all(type(p) is Value for p in model2.parameters())  # (copies: plain Values)
    for m, o in ((model, opt), (model2, opt2)):
        loss = ((m(X) - y) ** 2).mean()
        o.zero_grad()
        loss.backward()
        o.step()
    assert [p.data for p in model2.parameters()] == [p.data for p in model.parameters()]


def test_a_reduction_of_ones_own_is_refused_by_name() -> None:
    """Only sum and mean over the samples are compiled: another reducing op would be written as a mean."""
    if "sum_of_squares_test" not in autograd.OPS:  # (the op table is process-wide)
        autograd.define_op("sum_of_squares_test", "total(a * a)", ("2.0 * a",), reduces=True)
    w = Value(1.5)
    f = autograd.compile(lambda X: (w * X[0]).sum_of_squares_test())
    with pytest.raises(autograd.CompileError, match="sum_of_squares_test, a reduction over the samples of your own"):
        f(np.array([[1.0], [2.0]]))
