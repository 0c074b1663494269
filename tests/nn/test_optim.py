"""Optimizers: two steps of each update worked by hand from PyTorch's documented formulas, exact to a few
ulps; zero_grad/step; hyperparameter checks; clip_grad_norm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_cases import close

from autograd import Value
from nn import MLP, SGD, Adam, RMSprop, clip_grad_norm

X0, G1, G2 = 2.0, 0.5, -1.5  # a parameter's start value and the gradients of the two steps


def two_steps(opt_class, **kwargs) -> tuple[float, float]:
    """Run two steps on one parameter with the gradients G1 then G2; return its value after each."""
    p = Value(X0)
    opt = opt_class([p], **kwargs)
    p.grad = G1
    opt.step()
    x1 = p.data
    p.grad = G2
    opt.step()
    return x1, p.data


def assert_exact(got: float, want: float) -> None:
    assert close(got, want), f"got {got!r}, want {want!r} (difference {got - want:.3g})"


# --- SGD --------------------------------------------------------------------------------------------------


def test_sgd_plain():
    # x <- x - lr * g
    x1, x2 = two_steps(SGD, lr=0.1)
    assert_exact(x1, 2.0 - 0.1 * 0.5)  # 1.95
    assert_exact(x2, (2.0 - 0.1 * 0.5) - 0.1 * -1.5)  # 2.1
    assert x2 == pytest.approx(2.1, rel=1e-15)


def test_sgd_momentum():
    # PyTorch: b_1 = g_1; b_t = mu * b_{t-1} + g_t; x <- x - lr * b_t
    x1, x2 = two_steps(SGD, lr=0.1, momentum=0.9)
    b1 = 0.5
    want1 = 2.0 - 0.1 * b1  # 1.95
    b2 = 0.9 * b1 + -1.5  # -1.05
    want2 = want1 - 0.1 * b2  # 2.055
    assert_exact(x1, want1)
    assert_exact(x2, want2)
    assert x2 == pytest.approx(2.055, rel=1e-15)


def test_sgd_nesterov():
    # PyTorch: b_t as with momentum, then the step uses g_t + mu * b_t
    x1, x2 = two_steps(SGD, lr=0.1, momentum=0.9, nesterov=True)
    b1 = 0.5
    want1 = 2.0 - 0.1 * (0.5 + 0.9 * b1)  # 2 - 0.1 * 0.95 = 1.905
    b2 = 0.9 * b1 + -1.5  # -1.05
    want2 = want1 - 0.1 * (-1.5 + 0.9 * b2)  # 1.905 - 0.1 * -2.445 = 2.1495
    assert_exact(x1, want1)
    assert_exact(x2, want2)
    assert x2 == pytest.approx(2.1495, rel=1e-15)


def test_sgd_weight_decay():
    # PyTorch: g <- g + wd * x, then the plain step
    x1, x2 = two_steps(SGD, lr=0.1, weight_decay=0.01)
    want1 = 2.0 - 0.1 * (0.5 + 0.01 * 2.0)  # 2 - 0.1 * 0.52 = 1.948
    want2 = want1 - 0.1 * (-1.5 + 0.01 * want1)  # 1.948 - 0.1 * -1.48052 = 2.096052
    assert_exact(x1, want1)
    assert_exact(x2, want2)
    assert x2 == pytest.approx(2.096052, rel=1e-15)


def test_sgd_nesterov_momentum_and_weight_decay():
    x1, x2 = two_steps(SGD, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    d1 = 0.5 + 0.01 * 2.0  # 0.52
    b1 = d1
    want1 = 2.0 - 0.1 * (d1 + 0.9 * b1)  # 2 - 0.1 * 0.988 = 1.9012
    d2 = -1.5 + 0.01 * want1  # -1.480988
    b2 = 0.9 * b1 + d2  # -1.012988
    want2 = want1 - 0.1 * (d2 + 0.9 * b2)  # 2.14046772
    assert_exact(x1, want1)
    assert_exact(x2, want2)
    assert x2 == pytest.approx(2.14046772, rel=1e-15)


# --- Adam ---------------------------------------------------------------------------------------------------


def test_adam():
    # PyTorch: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; m^ = m / (1 - b1^t); v^ = v / (1 - b2^t);
    # x <- x - lr * m^ / (sqrt(v^) + eps), with lr 0.1, betas (0.9, 0.999), eps 1e-8
    x1, x2 = two_steps(Adam, lr=0.1)
    m1 = (1 - 0.9) * 0.5  # 0.05
    v1 = (1 - 0.999) * 0.5 * 0.5  # 0.00025
    want1 = 2.0 - 0.1 * (m1 / (1 - 0.9**1)) / (math.sqrt(v1 / (1 - 0.999**1)) + 1e-8)  # 2 - 0.1 * 0.5 / 0.50000001
    m2 = 0.9 * m1 + (1 - 0.9) * -1.5  # -0.105
    v2 = 0.999 * v1 + (1 - 0.999) * -1.5 * -1.5  # 0.00249975
    want2 = want1 - 0.1 * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    assert_exact(x1, want1)
    assert_exact(x2, want2)
    assert x1 == pytest.approx(1.900000002, rel=1e-15)
    assert x2 == pytest.approx(1.94941898488778, rel=1e-14)


def test_adam_hyperparameters():
    x1, x2 = two_steps(Adam, lr=0.05, betas=(0.5, 0.75), eps=1e-3)
    m1, v1 = 0.5 * 0.5, 0.25 * 0.25  # (1 - b1) g, (1 - b2) g^2
    want1 = 2.0 - 0.05 * (m1 / 0.5) / (math.sqrt(v1 / 0.25) + 1e-3)  # 2 - 0.05 * 0.5 / 0.501
    m2, v2 = 0.5 * m1 + 0.5 * -1.5, 0.75 * v1 + 0.25 * 2.25  # -0.625, 0.609375
    want2 = want1 - 0.05 * (m2 / (1 - 0.5**2)) / (math.sqrt(v2 / (1 - 0.75**2)) + 1e-3)
    assert_exact(x1, want1)
    assert_exact(x2, want2)


def test_adam_weight_decay_is_decoupled():
    # AdamW: x <- x - lr * wd * x first (x * (1 - lr * wd) in PyTorch), then the Adam step
    x1, x2 = two_steps(Adam, lr=0.1, weight_decay=0.5)
    m1, v1 = (1 - 0.9) * 0.5, (1 - 0.999) * 0.25
    decayed1 = 2.0 * (1 - 0.1 * 0.5)  # 1.9
    want1 = decayed1 - 0.1 * (m1 / (1 - 0.9)) / (math.sqrt(v1 / (1 - 0.999)) + 1e-8)
    m2, v2 = 0.9 * m1 + (1 - 0.9) * -1.5, 0.999 * v1 + (1 - 0.999) * 2.25
    decayed2 = want1 * (1 - 0.1 * 0.5)
    want2 = decayed2 - 0.1 * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    assert_exact(x1, want1)
    assert_exact(x2, want2)


def test_adam_weight_decay_acts_alone_when_gradient_is_zero():
    # decoupled: with g = 0 the moments stay 0 and only the decay moves x (an L2 term would move it by ~lr)
    p = Value(2.0)
    opt = Adam([p], lr=0.1, weight_decay=0.5)
    opt.zero_grad()
    opt.step()
    assert_exact(p.data, 2.0 * (1 - 0.05))  # 1.9
    opt.step()
    assert_exact(p.data, 2.0 * (1 - 0.05) * (1 - 0.05))  # 1.805


# --- RMSprop --------------------------------------------------------------------------------------------------


def test_rmsprop():
    # PyTorch: s = alpha s + (1 - alpha) g^2; x <- x - lr * g / (sqrt(s) + eps); lr 0.01, alpha 0.99, eps 1e-8
    x1, x2 = two_steps(RMSprop, lr=0.01)
    s1 = (1 - 0.99) * 0.5 * 0.5  # 0.0025
    want1 = 2.0 - 0.01 * 0.5 / (math.sqrt(s1) + 1e-8)  # 2 - 0.01 * 0.5 / 0.05000001
    s2 = 0.99 * s1 + (1 - 0.99) * -1.5 * -1.5  # 0.024975
    want2 = want1 - 0.01 * -1.5 / (math.sqrt(s2) + 1e-8)
    assert_exact(x1, want1)
    assert_exact(x2, want2)
    assert x1 == pytest.approx(1.900000019999996, rel=1e-15)
    assert x2 == pytest.approx(1.9949158135692402, rel=1e-14)


def test_rmsprop_momentum_and_weight_decay():
    # PyTorch: g <- g + wd x; s as above; b = mu b + g / (sqrt(s) + eps); x <- x - lr * b
    x1, x2 = two_steps(RMSprop, lr=0.01, alpha=0.9, eps=1e-6, momentum=0.5, weight_decay=0.1)
    d1 = 0.5 + 0.1 * 2.0  # 0.7
    s1 = (1 - 0.9) * d1 * d1  # 0.049
    b1 = d1 / (math.sqrt(s1) + 1e-6)
    want1 = 2.0 - 0.01 * b1
    d2 = -1.5 + 0.1 * want1
    s2 = 0.9 * s1 + (1 - 0.9) * d2 * d2
    b2 = 0.5 * b1 + d2 / (math.sqrt(s2) + 1e-6)
    want2 = want1 - 0.01 * b2
    assert_exact(x1, want1)
    assert_exact(x2, want2)


# --- several parameters, real gradients, zero_grad -------------------------------------------------------------


@pytest.mark.parametrize(("opt_class", "kwargs"), [
    (SGD, {"lr": 0.1, "momentum": 0.9}), (Adam, {"lr": 0.1}), (RMSprop, {"lr": 0.01, "momentum": 0.5}),
])
def test_state_is_per_parameter(opt_class, kwargs):
    a, b = Value(X0), Value(-1.0)
    opt = opt_class([a, b], **kwargs)
    for g_a, g_b in ((G1, 3.0), (G2, -0.25)):
        a.grad, b.grad = g_a, g_b
        opt.step()
    alone_a = two_steps(opt_class, **kwargs)[1]
    assert a.data == alone_a  # b's gradients do not leak into a's moments
    c = Value(-1.0)
    single = opt_class([c], **kwargs)
    for g in (3.0, -0.25):
        c.grad = g
        single.step()
    assert b.data == c.data


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


# --- bad hyperparameters ------------------------------------------------------------------------------------


BAD = [
    pytest.param(SGD, {"lr": 0.0}, id="sgd-lr0"),
    pytest.param(SGD, {"lr": -0.1}, id="sgd-lr-negative"),
    pytest.param(SGD, {"lr": float("nan")}, id="sgd-lr-nan"),
    pytest.param(SGD, {"lr": float("inf")}, id="sgd-lr-inf"),
    pytest.param(SGD, {"lr": "0.1"}, id="sgd-lr-str"),
    pytest.param(SGD, {"lr": 0.1, "momentum": -0.1}, id="sgd-momentum-negative"),
    pytest.param(SGD, {"lr": 0.1, "momentum": 1.0}, id="sgd-momentum-1"),
    pytest.param(SGD, {"lr": 0.1, "momentum": 1.5}, id="sgd-momentum-1.5"),
    pytest.param(SGD, {"lr": 0.1, "momentum": float("nan")}, id="sgd-momentum-nan"),
    pytest.param(SGD, {"lr": 0.1, "nesterov": True}, id="sgd-nesterov-without-momentum"),
    pytest.param(SGD, {"lr": 0.1, "momentum": 0.0, "nesterov": True}, id="sgd-nesterov-momentum-0"),
    pytest.param(SGD, {"lr": 0.1, "weight_decay": -0.01}, id="sgd-weight-decay-negative"),
    pytest.param(Adam, {"lr": 0.0}, id="adam-lr0"),
    pytest.param(Adam, {"lr": -1e-3}, id="adam-lr-negative"),
    pytest.param(Adam, {"lr": float("nan")}, id="adam-lr-nan"),
    pytest.param(Adam, {"betas": (1.0, 0.999)}, id="adam-beta1"),
    pytest.param(Adam, {"betas": (0.9, -0.1)}, id="adam-beta2"),
    pytest.param(Adam, {"eps": 0.0}, id="adam-eps0"),
    pytest.param(Adam, {"weight_decay": -1.0}, id="adam-weight-decay-negative"),
    pytest.param(RMSprop, {"lr": 0.0}, id="rmsprop-lr0"),
    pytest.param(RMSprop, {"lr": float("nan")}, id="rmsprop-lr-nan"),
    pytest.param(RMSprop, {"momentum": 1.0}, id="rmsprop-momentum-1"),
    pytest.param(RMSprop, {"momentum": -0.5}, id="rmsprop-momentum-negative"),
    pytest.param(RMSprop, {"alpha": 1.0}, id="rmsprop-alpha-1"),
    pytest.param(RMSprop, {"eps": -1e-8}, id="rmsprop-eps-negative"),
]


@pytest.mark.parametrize(("opt_class", "kwargs"), BAD)
def test_bad_hyperparameters_raise_before_anything_changes(opt_class, kwargs):
    model = MLP(2, [3, 1], seed=0)
    model([1.0, -1.0]).backward()
    before = model.state_dict()
    grads = [p.grad for p in model.parameters()]
    with pytest.raises(ValueError):
        opt_class(model.parameters(), **kwargs)
    assert model.state_dict() == before
    assert [p.grad for p in model.parameters()] == grads


@pytest.mark.parametrize("opt_class", [SGD, Adam, RMSprop])
def test_empty_parameters_raise(opt_class):
    with pytest.raises(ValueError):
        opt_class([], lr=0.1)
    with pytest.raises(ValueError):
        opt_class(iter([]), lr=0.1)


def test_non_values_are_rejected():
    with pytest.raises(TypeError):
        SGD([1.0, 2.0], lr=0.1)


# --- clip_grad_norm ------------------------------------------------------------------------------------------


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


# --- every bad input refused when the optimizer is made, naming the optimizer, the value and the fix -------------


def test_the_same_parameter_twice_is_refused_with_its_index():
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match=r"SGD: parameter 2 is the same Value as parameter 0.*once"):
        SGD([a, b, a], lr=0.1)
    with pytest.raises(ValueError, match="clip_grad_norm: parameter 1"):
        clip_grad_norm([a, a], 1.0)


@pytest.mark.parametrize("opt_class", [SGD, Adam, RMSprop])
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


NAN, INF = float("nan"), float("inf")
BAD_MESSAGES = [
    (SGD, {"weight_decay": NAN}, "SGD: weight_decay must be a finite number >= 0, got nan"),
    (SGD, {"weight_decay": INF}, "SGD: weight_decay must be a finite number >= 0, got inf"),
    (SGD, {"lr": NAN}, "SGD: lr must be a finite number > 0, got nan"),
    (SGD, {"lr": True}, "SGD: lr must be a finite number > 0, got True"),
    (SGD, {"momentum": INF}, "SGD: momentum must be a finite number in [0, 1), got inf"),
    (SGD, {"momentum": 0.9, "nesterov": "yes"}, "SGD: nesterov must be True or False, got 'yes'"),
    (SGD, {"nesterov": True}, "SGD: nesterov=True needs momentum > 0"),
    (Adam, {"betas": (0.9,)}, "Adam: betas must be a pair (beta1, beta2) such as (0.9, 0.999), got (0.9,)"),
    (Adam, {"betas": 0.9}, "Adam: betas must be a pair"),
    (Adam, {"betas": (0.9, 0.99, 0.999)}, "Adam: betas must be a pair"),
    (Adam, {"betas": (0.9, NAN)}, "Adam: betas[1] must be a finite number in [0, 1), got nan"),
    (Adam, {"eps": NAN}, "Adam: eps must be a finite number > 0, got nan"),
    (Adam, {"weight_decay": NAN}, "Adam: weight_decay must be a finite number >= 0, got nan"),
    (RMSprop, {"alpha": INF}, "RMSprop: alpha must be a finite number in [0, 1), got inf"),
    (RMSprop, {"eps": INF}, "RMSprop: eps must be a finite number > 0, got inf"),
    (RMSprop, {"momentum": NAN}, "RMSprop: momentum must be a finite number in [0, 1), got nan"),
    (RMSprop, {"weight_decay": -1}, "RMSprop: weight_decay must be a finite number >= 0, got -1"),
]


@pytest.mark.parametrize(("opt_class", "kwargs", "message"), BAD_MESSAGES)
def test_every_hyperparameter_is_checked_with_a_message_naming_the_optimizer(opt_class, kwargs, message):
    with pytest.raises(ValueError) as info:
        opt_class([Value(1.0)], **kwargs)
    assert str(info.value).startswith(message)


def test_numpy_scalars_are_accepted_as_hyperparameters():
    assert two_steps(SGD, lr=np.float32(0.5), momentum=np.float64(0.5)) == two_steps(
        SGD, lr=float(np.float32(0.5)), momentum=0.5)
    assert two_steps(Adam, lr=np.float64(0.1), betas=(np.float64(0.9), 0.999), eps=np.float32(1e-8)) == two_steps(
        Adam, lr=0.1, betas=(0.9, 0.999), eps=float(np.float32(1e-8)))
    opt = RMSprop([Value(1.0)], lr=np.int64(1), alpha=np.float16(0.5), weight_decay=np.int32(0))
    assert (opt.lr, opt.alpha, opt.weight_decay) == (1.0, 0.5, 0.0)
    with pytest.raises(ValueError, match=r"SGD: lr must be a finite number > 0, got np.float32\(nan\)"):
        SGD([Value(1.0)], lr=np.float32("nan"))
    p = Value(1.0)
    p.grad = 3.0
    assert clip_grad_norm([p], np.float32(1.0)) == 3.0


def test_lr_set_between_steps_is_checked():
    opt = SGD([Value(1.0)], lr=0.1)
    opt.lr = 0.0  # a schedule may decay to 0
    opt.lr = np.float64(0.5)
    with pytest.raises(ValueError, match="SGD: lr must be a finite number >= 0, got nan"):
        opt.lr = float("nan")
    assert opt.lr == 0.5


@pytest.mark.parametrize(("opt_class", "kwargs"), [
    (SGD, {"lr": 0.1, "momentum": 0.9}), (Adam, {"lr": 0.1}), (RMSprop, {"lr": 0.01, "momentum": 0.5}),
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
