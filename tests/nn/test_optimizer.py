"""The Optimizer base class and clip_grad_norm: the parameter list and every gradient checked before anything
changes, zero_grad, step, the lr between steps, the parameter count in repr, clip_grad_norm's scaling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value
from nn import MLP, SGD, Adam, AdamW, Optimizer, RMSprop, clip_grad_norm


def test_step_uses_backward_gradients():
    p = Value(1.0)
    opt = SGD([p], lr=0.25)
    opt.zero_grad()
    ((p - 3.0) ** 2).backward()  # d/dp = 2 (p - 3) = -4
    assert p.grad == -4.0
    opt.step()
    assert p.data == 1.0 - 0.25 * -4.0 == 2.0


def test_zero_grad():
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    before = model.state_dict()
    opt.step()  # a step with zero gradients changes nothing
    assert model.state_dict() == before


def test_accepts_any_iterable_of_values():
    model = MLP(2, [3, 1], seed=0)
    opt = Adam(p for p in model.parameters())
    assert len(opt.params) == len(model.parameters())


def test_lr_may_be_changed_between_steps():
    p = Value(1.0)
    opt = SGD([p], lr=0.5)
    p.grad = 1.0
    opt.step()
    opt.lr = 0.25
    opt.step()
    assert p.data == 1.0 - 0.5 - 0.25


@pytest.mark.parametrize("opt_class", [SGD, Adam, AdamW, RMSprop])
def test_empty_parameters_raise(opt_class):
    with pytest.raises(ValueError):
        opt_class([], lr=0.1)
    with pytest.raises(ValueError):
        opt_class(iter([]), lr=0.1)


def test_non_values_are_rejected():
    with pytest.raises(TypeError):
        SGD([1.0, 2.0], lr=0.1)


def test_clip_grad_norm_scales_to_max_norm_and_returns_the_norm_before():
    params = [Value(0.0), Value(0.0), Value(0.0)]
    for p, g in zip(params, (3.0, 4.0, 0.0)):
        p.grad = g
    total = clip_grad_norm(params, 1.0)
    assert total == 5.0
    grads = [p.grad for p in params]
    assert grads == pytest.approx([0.6, 0.8, 0.0], rel=1e-5)  # the direction is kept
    assert math.sqrt(sum(g * g for g in grads)) == pytest.approx(1.0, rel=1e-5)
    assert math.sqrt(sum(g * g for g in grads)) <= 1.0


def test_clip_grad_norm_leaves_small_gradients_alone():
    params = [Value(1.0), Value(2.0)]
    params[0].grad, params[1].grad = 0.3, -0.4
    assert clip_grad_norm(params, 1.0) == pytest.approx(0.5, rel=1e-15)
    assert [p.grad for p in params] == [0.3, -0.4]


def test_clip_grad_norm_on_a_model():
    model = MLP(2, [4, 1], seed=0)
    (model([3.0, -2.0]) * 10.0).backward()
    norm = math.sqrt(sum(p.grad**2 for p in model.parameters()))
    assert clip_grad_norm(model.parameters(), 0.5) == pytest.approx(norm, rel=1e-15)
    assert math.sqrt(sum(p.grad**2 for p in model.parameters())) == pytest.approx(0.5, rel=1e-5)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, float("nan")])
def test_clip_grad_norm_rejects_bad_max_norm(max_norm):
    p = Value(1.0)
    p.grad = 2.0
    with pytest.raises(ValueError):
        clip_grad_norm([p], max_norm)
    assert p.grad == 2.0


def test_the_same_parameter_twice_is_refused_with_its_index():
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match=r"SGD: parameter 2 is the same Value as parameter 0.*once"):
        SGD([a, b, a], lr=0.1)
    with pytest.raises(ValueError, match="clip_grad_norm: parameter 1"):
        clip_grad_norm([a, a], 1.0)


@pytest.mark.parametrize("opt_class", [SGD, Adam, AdamW, RMSprop])
def test_batch_parameters_are_refused_before_any_step(opt_class):
    a = Value(1.0)
    with pytest.raises(TypeError, match=rf"{opt_class.__name__}: parameter 1 must be a scalar Value, got a Batch"):
        opt_class([a, Value(np.array([1.0, 2.0]))])
    with pytest.raises(TypeError, match=r"parameter 0 must be a scalar Value, got str"):
        opt_class(["a"])


def test_a_model_or_named_parameters_say_pass_model_parameters():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match=r"SGD: got the model itself \(MLP\).*pass model.parameters\(\)"):
        SGD(model, lr=0.1)
    with pytest.raises(TypeError, match=r"Adam: parameter 0 is a \(name, Value\) pair: pass model.parameters\(\)"):
        Adam(model.named_parameters())
    with pytest.raises(TypeError, match="RMSprop: params must be an iterable of Values"):
        RMSprop(Value(1.0))




def test_lr_set_between_steps_is_checked():
    opt = SGD([Value(1.0)], lr=0.1)
    opt.lr = 0.0  # a schedule may decay to 0
    opt.lr = np.float64(0.5)
    with pytest.raises(ValueError, match="SGD: lr must be a finite number >= 0, got nan"):
        opt.lr = float("nan")
    assert opt.lr == 0.5


@pytest.mark.parametrize(("opt_class", "kwargs"), [
    (SGD, {"lr": 0.1, "momentum": 0.9}), (Adam, {"lr": 0.1, "amsgrad": True}), (AdamW, {"lr": 0.1}),
    (RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
])


@pytest.mark.parametrize("bad_grad", ["0.5", None, Value(0.5)])
def test_a_step_with_a_bad_grad_changes_nothing(opt_class, kwargs, bad_grad):
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    opt = opt_class([a, b, c], **kwargs)
    a.grad, b.grad, c.grad = 0.5, -1.0, 0.25
    opt.step()
    state = [p.data for p in (a, b, c)], {k: list(v) for k, v in vars(opt).items() if isinstance(v, list)}
    c.grad = bad_grad
    with pytest.raises(TypeError, match=rf"{opt_class.__name__}.step: parameter 2 has grad .* not a number"):
        opt.step()
    assert ([p.data for p in (a, b, c)], {k: list(v) for k, v in vars(opt).items() if isinstance(v, list)}) == state
    assert opt.steps == 1


def test_clip_grad_norm_with_a_bad_grad_changes_nothing():
    a, b = Value(1.0), Value(2.0)
    a.grad, b.grad = 30.0, "x"
    with pytest.raises(TypeError, match="clip_grad_norm: parameter 1 has grad 'x'"):
        clip_grad_norm([a, b], 1.0)
    assert a.grad == 30.0


def test_repr_shows_the_lr_as_it_is_now():
    opt = SGD([Value(1.0), Value(2.0)], lr=0.5)
    opt.lr = 0.125  # as a schedule sets it
    assert repr(opt).startswith("SGD(lr=0.125, ") and repr(opt).endswith(", 2 parameters)")


def test_optimizer_is_abstract():
    with pytest.raises(TypeError, match="abstract"):
        Optimizer([Value(1.0)], lr=0.1)  # type: ignore[abstract]
