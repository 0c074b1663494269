"""nn's optimizers on stored parameters (those a compiled program keeps in a Storage): the same steps as eager."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd
import nn
from autograd import Storage, StoredValue, Value
from autograd.core import UNREACHED

optimizer_module = importlib.import_module("nn.optimizer")

OPTIMIZERS: dict[str, Callable[[list[Value]], nn.Optimizer]] = {
    "sgd": lambda p: nn.SGD(p, lr=0.1),
    "sgd-nesterov": lambda p: nn.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "sgd-weight-decay": lambda p: nn.SGD(p, lr=0.1, weight_decay=0.01),
    "adam": lambda p: nn.Adam(p, lr=0.01),
    "adamw": lambda p: nn.AdamW(p, lr=0.01),
    "rmsprop-centered-momentum": lambda p: nn.RMSprop(p, lr=0.01, centered=True, momentum=0.5),
}
STEPS = 20


def data(n: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), rng.normal(size=n)


def mse_of(model: nn.MLP) -> Callable[[Any, Any], Value]:
    """A mean squared error over the model's two outputs (targets y and -y / 2), written with Batch ops: the
    same function runs eagerly on numpy arrays (batch mode) or is compiled."""

    def loss(X: Any, y: Any) -> Value:
        a, b = model(X)
        return ((a - y) ** 2).mean() + ((b + 0.5 * y) ** 2).mean()

    return loss


def params_of(model: nn.MLP) -> np.ndarray:
    return np.array([p.data for p in model.parameters()])


def train(compiled: bool, make: Callable[[list[Value]], nn.Optimizer], before: bool = True,
          order: Callable[[list[Value]], list[Value]] = list, steps: int = STEPS) -> tuple[nn.MLP, nn.Optimizer]:
    """`steps` of the usual loop on MLP(3, [4, 2], seed=0); the optimizer made before the first call or after."""
    X, y = data()
    model = nn.MLP(3, [4, 2], seed=0)
    loss_fn = autograd.compile(mse_of(model)) if compiled else mse_of(model)
    opt = make(order(model.parameters())) if before else None
    for _ in range(steps):
        loss = loss_fn(X, y)
        if opt is None:
            opt = make(order(model.parameters()))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert opt is not None
    return model, opt


def no_per_value_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading grads one Value at a time fail, so a test sees the storage path was taken."""
    original = optimizer_module.grad_vector

    def stored_only(who: str, params: list[Value], placement: Any = None) -> Any:
        found = None if placement is None else placement.find()
        if found is None or not found[0].floats(found[1]):
            raise AssertionError("the per-Value path was taken")
        return original(who, params, placement)

    monkeypatch.setattr(optimizer_module, "grad_vector", stored_only)


def assert_close(got: np.ndarray, expected: np.ndarray, rtol: float = 1e-12) -> None:
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=0.0)


@pytest.mark.parametrize("before", [True, False], ids=["optimizer-first", "compile-first"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_compiled_training_on_stored_params_follows_eager(name: str, before: bool,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    eager_model, eager_opt = train(False, OPTIMIZERS[name], before)
    assert all(type(p) is Value for p in eager_model.parameters())
    assert eager_opt._placement.find() is None
    with monkeypatch.context() as patch:
        no_per_value_path(patch)
        model, opt = train(True, OPTIMIZERS[name], before)
    assert all(type(p) is StoredValue for p in model.parameters())
    found = opt._placement.find()
    assert found is not None and found[0] is model.parameters()[0]._home[0]
    assert opt.steps == eager_opt.steps == STEPS
    assert_close(params_of(model), params_of(eager_model))
    assert not np.array_equal(params_of(model), params_of(nn.MLP(3, [4, 2], seed=0)))  # it did train


def test_compiled_training_with_parameters_in_another_order_follows_eager(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("sgd-nesterov", "adam"):
        eager_model, _ = train(False, OPTIMIZERS[name], order=lambda p: list(reversed(p)))
        with monkeypatch.context() as patch:
            no_per_value_path(patch)
            model, opt = train(True, OPTIMIZERS[name], order=lambda p: list(reversed(p)))
        found = opt._placement.find()
        assert found is not None and isinstance(found[1], np.ndarray)
        assert found[1].tolist() == [p._home[1] for p in reversed(model.parameters())]
        assert_close(params_of(model), params_of(eager_model))


def in_storage_order(params: list[Value]) -> list[Value]:
    return sorted(params, key=lambda p: p._home[1])  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_compiled_training_with_parameters_in_storage_order_follows_eager(name: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The optimizer's parameters as the storage holds them: its index is a slice, so its reads are views of the
    storage's arrays (a momentum or moment kept from them must not change when the grads are zeroed)."""
    eager_model, _ = train(False, OPTIMIZERS[name])
    with monkeypatch.context() as patch:
        no_per_value_path(patch)
        model, opt = train(True, OPTIMIZERS[name], before=False, order=in_storage_order)
    found = opt._placement.find()
    assert found is not None and found[1] == slice(0, len(model.parameters()))
    assert_close(params_of(model), params_of(eager_model))


def test_an_optimizer_over_some_of_a_storage_steps_only_those() -> None:
    model = nn.MLP(3, [4, 2], seed=0)
    X, y = data()
    loss_fn = autograd.compile(mse_of(model))
    params = model.parameters()
    some = params[::3]
    opt = nn.SGD(some, lr=0.1)
    loss = loss_fn(X, y)
    loss.backward()
    before = params_of(model)
    grads = [p.grad for p in params]
    opt.step()
    found = opt._placement.find()
    assert found is not None and isinstance(found[1], np.ndarray)
    after = params_of(model)
    expected = before.copy()
    expected[::3] = before[::3] - 0.1 * np.array(grads[::3])
    assert after.tolist() == expected.tolist()
    opt.zero_grad()
    assert all(p.grad is UNREACHED for p in some)
    assert [p.grad for k, p in enumerate(params) if k % 3] == [g for k, g in enumerate(grads) if k % 3]


@pytest.mark.parametrize("before", [True, False], ids=["optimizer-first", "compile-first"])
def test_an_optimizer_over_more_params_than_the_program_binds_them_all(before: bool) -> None:
    model = nn.MLP(3, [4, 2], seed=0)
    extra, fixed = Value(0.75, label="extra"), Value(-0.5)
    X, y = data()
    loss_fn = autograd.compile(mse_of(model))
    params = [*model.parameters(), extra, fixed]
    opt = nn.SGD(params, lr=0.1) if before else None
    loss = loss_fn(X, y)
    program_storage = model.parameters()[0]._home[0]
    assert type(extra) is Value and type(fixed) is Value
    opt = opt or nn.SGD(params, lr=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
    storage = extra._home[0]
    assert all(type(p) is StoredValue and p._home[0] is storage for p in params)
    assert program_storage.retired and storage.members[-2:] == [extra, fixed]
    assert extra.data == 0.75 and fixed.data == -0.5 and extra.grad is UNREACHED
    found = opt._placement.find()  # (the program orders the parameters its own way: not always a slice)
    assert found is not None and found[0] is storage
    assert np.arange(len(params))[found[1]].tolist() == [p._home[1] for p in params]
    eager_model, _ = train(False, OPTIMIZERS["sgd"], steps=1)
    assert_close(params_of(model), params_of(eager_model))
    for _ in range(3):  # the program reads the new storage
        loss = loss_fn(X, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    eager_model, _ = train(False, OPTIMIZERS["sgd"], steps=4)
    assert_close(params_of(model), params_of(eager_model))
    assert extra.data == 0.75 and fixed.data == -0.5


def test_weight_decay_moves_an_unused_stored_param_as_it_does_a_plain_one() -> None:
    results = []
    for compiled in (False, True):
        model = nn.MLP(3, [4, 2], seed=0)
        extra = Value(0.75)
        loss_fn = autograd.compile(mse_of(model)) if compiled else mse_of(model)
        opt = nn.SGD([*model.parameters(), extra], lr=0.1, weight_decay=0.01)
        for _ in range(3):
            loss = loss_fn(*data())
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert (type(extra) is StoredValue) == compiled
        results.append(extra.data)
    assert results[0] == results[1] == 0.75 * (1 - 0.1 * 0.01) ** 3


def create_graph_grads(compiled_first: bool) -> tuple[nn.MLP, nn.Optimizer]:
    model = nn.MLP(3, [4, 2], seed=0)
    X, y = data()
    if compiled_first:
        autograd.compile(mse_of(model))(X, y)  # stores the parameters
    opt = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad()
    mse_of(model)(X, y).backward(create_graph=True)  # eager: the grads are Values
    return model, opt


def test_step_refuses_value_grads_on_stored_params_as_on_plain_ones() -> None:
    errors = []
    for compiled_first in (False, True):
        model, opt = create_graph_grads(compiled_first)
        params = model.parameters()
        assert all(type(p) is (StoredValue if compiled_first else Value) for p in params)
        assert all(isinstance(p.grad, Value) for p in params)
        before = params_of(model)
        grads = [p.grad for p in params]
        with pytest.raises(TypeError, match="create_graph") as error:
            opt.step()
        assert params_of(model).tolist() == before.tolist()
        assert [p.grad for p in params] == grads and all(p.grad is g for p, g in zip(params, grads))
        assert opt.steps == 0 and opt.buffer is None
        errors.append(str(error.value))
    assert errors[0] == errors[1]


def test_zero_grad_after_value_grads_lets_training_go_on() -> None:
    model, opt = create_graph_grads(compiled_first=True)
    storage = model.parameters()[0]._home[0]
    assert storage.other
    opt.zero_grad()
    assert not storage.other and all(p.grad is UNREACHED for p in model.parameters())
    X, y = data()
    autograd.compile(mse_of(model))(X, y).backward()
    opt.step()
    eager_model = nn.MLP(3, [4, 2], seed=0)
    eager_opt = nn.SGD(eager_model.parameters(), lr=0.1, momentum=0.9)
    mse_of(eager_model)(X, y).backward()
    eager_opt.step()
    assert_close(params_of(model), params_of(eager_model))


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_zero_grad_on_stored_params_leaves_every_grad_unreached(name: str) -> None:
    model, opt = train(True, OPTIMIZERS[name], steps=2)
    params = model.parameters()
    assert any(p.grad is not UNREACHED for p in params)
    storage = params[0]._home[0]
    opt.zero_grad()
    assert all(p.grad is UNREACHED for p in params)
    assert not storage.reached.any() and not storage.grad.any()


def test_zero_grad_on_stored_params_is_reached_again_by_the_next_backward() -> None:
    model, opt = train(True, OPTIMIZERS["sgd"], steps=1)
    X, y = data()
    loss_fn = autograd.compile(mse_of(model))
    opt.zero_grad()
    loss_fn(X, y).backward()
    once = [p.grad for p in model.parameters()]
    opt.zero_grad()
    loss_fn(X, y).backward()
    assert [p.grad for p in model.parameters()] == once  # not added to the grads of before


@pytest.mark.parametrize("max_norm", [1e-3, 0.5, 1e6])
def test_clip_grad_norm_on_stored_params_equals_plain(max_norm: float) -> None:
    X, y = data()
    results = []
    for compiled in (False, True):
        model = nn.MLP(3, [4, 2], seed=0)
        loss_fn = autograd.compile(mse_of(model)) if compiled else mse_of(model)
        loss_fn(X, y).backward()
        total = nn.clip_grad_norm(model.parameters(), max_norm)
        grads = [p.grad for p in model.parameters()]
        assert all(type(g) is float for g in grads)
        assert all(type(p) is (StoredValue if compiled else Value) for p in model.parameters())
        results.append((total, np.array(grads)))
    (plain_total, plain_grads), (total, grads) = results
    assert total == pytest.approx(plain_total, rel=1e-12)
    assert_close(grads, plain_grads)
    if plain_total > max_norm:
        assert np.linalg.norm(grads) == pytest.approx(max_norm, rel=1e-5)


def test_clip_grad_norm_then_step_on_stored_params() -> None:
    X, y = data()
    models = []
    for compiled in (False, True):
        model = nn.MLP(3, [4, 2], seed=0)
        loss_fn = autograd.compile(mse_of(model)) if compiled else mse_of(model)
        opt = nn.Adam(model.parameters(), lr=0.01)
        for _ in range(5):
            loss = loss_fn(X, y)
            opt.zero_grad()
            loss.backward()
            nn.clip_grad_norm(model.parameters(), 0.1)
            opt.step()
        models.append(model)
    assert_close(params_of(models[1]), params_of(models[0]))


class MyValue(Value):
    """A Value subclass of the user's own: a compiled program leaves it unstored."""


def test_params_of_a_user_value_subclass_stay_unstored_and_train_the_same() -> None:
    X, y = data()
    results = []
    for compiled in (False, True):
        w = [MyValue(0.3), MyValue(-0.2), MyValue(0.1)]
        b = MyValue(0.05)

        def loss(X: Any, y: Any, w: list[MyValue] = w, b: MyValue = b) -> Value:
            cols = nn.mlp.columns(X, 3) if isinstance(X, np.ndarray) else X
            z = w[0] * cols[0] + w[1] * cols[1] + w[2] * cols[2] + b
            return ((z - y) ** 2).mean()

        loss_fn = autograd.compile(loss) if compiled else loss
        opt = nn.SGD([*w, b], lr=0.1, momentum=0.9)
        for _ in range(5):
            out = loss_fn(X, y)
            opt.zero_grad()
            out.backward()
            opt.step()
        assert all(type(p) is MyValue for p in [*w, b])
        assert opt._placement.find() is None
        results.append(np.array([p.data for p in [*w, b]]))
    assert_close(results[1], results[0])


def test_stored_params_can_still_be_stepped_by_hand() -> None:
    model, _ = train(True, OPTIMIZERS["sgd"], steps=1)
    X, y = data()
    loss_fn = autograd.compile(mse_of(model))
    for p in model.parameters():
        p.grad = UNREACHED
    loss_fn(X, y).backward()
    before = params_of(model)
    grads = np.array([p.grad for p in model.parameters()])
    for p in model.parameters():
        p.data -= 0.1 * p.grad  # micrograd's loop
    assert params_of(model).tolist() == (before - 0.1 * grads).tolist()
    assert isinstance(model.parameters()[0]._home[0], Storage)


def test_a_model_trained_compiled_can_be_deep_copied() -> None:
    model, _ = train(True, OPTIMIZERS["adam"], steps=2)
    copied = copy.deepcopy(model)
    assert params_of(copied).tolist() == params_of(model).tolist()
    copied.parameters()[0].data += 1.0
    assert params_of(copied)[0] != params_of(model)[0]
