"""Optimizers: two steps of each update worked by hand from PyTorch's documented formulas, exact to a few
ulps (tests/nn/test_torch_parity.py runs them against torch itself); hyperparameter checks; repr. The base
class (parameter checks, step, zero_grad, lr) and clip_grad_norm are tested in test_optimizer.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_cases import close

from autograd import Value
from nn import MLP, SGD, Adam, AdamW, RMSprop, clip_grad_norm

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


def test_sgd_dampening():
    # PyTorch: b_1 = g_1 (no dampening at the first step); b_t = mu * b_{t-1} + (1 - dampening) * g_t
    x1, x2 = two_steps(SGD, lr=0.1, momentum=0.9, dampening=0.5)
    want1 = 2.0 - 0.1 * 0.5  # 1.95
    b2 = 0.9 * 0.5 + (1 - 0.5) * -1.5  # -0.3
    assert_exact(x1, want1)
    assert_exact(x2, want1 - 0.1 * b2)
    assert x2 == pytest.approx(1.98, rel=1e-15)


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


def test_adam_weight_decay_is_l2_added_to_the_gradient():
    # torch.optim.Adam: g <- g + wd * x, then the Adam step on that gradient
    x1, x2 = two_steps(Adam, lr=0.1, weight_decay=0.5)
    d1 = 0.5 + 0.5 * 2.0  # 1.5
    m1, v1 = (1 - 0.9) * d1, (1 - 0.999) * d1 * d1
    want1 = 2.0 - 0.1 * (m1 / (1 - 0.9)) / (math.sqrt(v1 / (1 - 0.999)) + 1e-8)
    d2 = -1.5 + 0.5 * want1
    m2, v2 = 0.9 * m1 + (1 - 0.9) * d2, 0.999 * v1 + (1 - 0.999) * d2 * d2
    want2 = want1 - 0.1 * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    assert_exact(x1, want1)
    assert_exact(x2, want2)


def test_adamw_weight_decay_is_decoupled():
    # torch.optim.AdamW: x <- x * (1 - lr * wd) first, then the Adam step on the unchanged gradient
    x1, x2 = two_steps(AdamW, lr=0.1, weight_decay=0.5)
    m1, v1 = (1 - 0.9) * 0.5, (1 - 0.999) * 0.25
    decayed1 = 2.0 * (1 - 0.1 * 0.5)  # 1.9
    want1 = decayed1 - 0.1 * (m1 / (1 - 0.9)) / (math.sqrt(v1 / (1 - 0.999)) + 1e-8)
    m2, v2 = 0.9 * m1 + (1 - 0.9) * -1.5, 0.999 * v1 + (1 - 0.999) * 2.25
    decayed2 = want1 * (1 - 0.1 * 0.5)
    want2 = decayed2 - 0.1 * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    assert_exact(x1, want1)
    assert_exact(x2, want2)
    assert two_steps(Adam, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True) == (x1, x2)  # torch's switch


def test_weight_decay_alone_adam_moves_by_lr_adamw_by_lr_wd_x():
    # with g = 0, AdamW's moments stay 0 and only the decay moves x; Adam's L2 term is a gradient like any
    # other, normalised by sqrt(v): the first step is ~lr whatever wd is (why AdamW decouples it)
    p, q = Value(2.0), Value(2.0)
    adamw, adam = AdamW([p], lr=0.1, weight_decay=0.5), Adam([q], lr=0.1, weight_decay=0.5)
    for opt in (adamw, adam):
        opt.zero_grad()
        opt.step()
    assert_exact(p.data, 2.0 * (1 - 0.05))  # 1.9
    assert q.data == pytest.approx(2.0 - 0.1, rel=1e-8)  # wd * x = 1 in, m^ / sqrt(v^) = 1 out
    adamw.step()
    assert_exact(p.data, 2.0 * (1 - 0.05) * (1 - 0.05))  # 1.805


def test_adamw_defaults_are_torchs():
    opt = AdamW([Value(1.0)])
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay, opt.amsgrad) == (1e-3, (0.9, 0.999), 1e-8, 0.01, False)
    assert isinstance(opt, Adam) and opt.decoupled_weight_decay
    assert Adam([Value(1.0)]).weight_decay == 0.0


def test_adam_amsgrad_divides_by_the_largest_v_so_far():
    # amsgrad: v_max = max(v_max, v); the step uses v_max. A large then a small gradient: v shrinks at step 3,
    # so plain Adam's step 3 is larger than amsgrad's
    lr, b1, b2 = 0.1, 0.9, 0.5
    grads = (4.0, 0.1, 0.1)
    x, m, v, v_max = X0, 0.0, 0.0, 0.0
    p = Value(X0)
    opt = Adam([p], lr=lr, betas=(b1, b2), amsgrad=True)
    plain = Value(X0)
    plain_opt = Adam([plain], lr=lr, betas=(b1, b2))
    for t, g in enumerate(grads, 1):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        v_max = max(v_max, v)
        x = x - lr * (m / (1 - b1**t)) / (math.sqrt(v_max / (1 - b2**t)) + 1e-8)
        p.grad = plain.grad = g
        opt.step()
        plain_opt.step()
        assert_exact(p.data, x)
    assert opt.v_max == [v_max] and v_max > v
    assert plain.data < p.data  # plain Adam stepped further against the (positive) gradients


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


def test_rmsprop_centered():
    # PyTorch: a = alpha a + (1 - alpha) g; the step divides by sqrt(s - a^2) + eps (a variance estimate)
    x1, x2 = two_steps(RMSprop, lr=0.01, alpha=0.9, centered=True)
    s1, a1 = 0.1 * 0.25, 0.1 * 0.5  # 0.025, 0.05
    want1 = 2.0 - 0.01 * 0.5 / (math.sqrt(s1 - a1 * a1) + 1e-8)
    s2, a2 = 0.9 * s1 + 0.1 * 2.25, 0.9 * a1 + 0.1 * -1.5
    want2 = want1 - 0.01 * -1.5 / (math.sqrt(s2 - a2 * a2) + 1e-8)
    assert_exact(x1, want1)
    assert_exact(x2, want2)


def test_rmsprop_centered_survives_a_constant_gradient():
    # with the same gradient every step s - a^2 = alpha^t (1 - alpha^t) g^2 -> 0, and rounding can make it
    # a hair negative; it is clamped to 0 (torch would take sqrt of a negative number and give nan)
    p = Value(1.0)
    opt = RMSprop([p], lr=1e-3, alpha=0.5, centered=True)
    for _ in range(53):
        p.grad = 5.0
        opt.step()
        assert math.isfinite(p.data)
    s, a = opt.square[0], opt.averages[0]
    assert s - a * a < 0  # rounding went below 0 at this step (without the clamp: a math domain error)


# --- several parameters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("opt_class", "kwargs"), [
    (SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}), (Adam, {"lr": 0.1, "amsgrad": True}),
    (AdamW, {"lr": 0.1, "weight_decay": 0.5}), (RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
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
    pytest.param(SGD, {"lr": 0.1, "momentum": 0.9, "dampening": -0.1}, id="sgd-dampening-negative"),
    pytest.param(SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 1.0}, id="sgd-dampening-1"),
    pytest.param(SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}, id="sgd-nesterov-dampening"),
    pytest.param(AdamW, {"lr": 0.0}, id="adamw-lr0"),
    pytest.param(AdamW, {"weight_decay": -0.01}, id="adamw-weight-decay-negative"),
    pytest.param(AdamW, {"betas": (0.9, 1.0)}, id="adamw-beta2"),
    pytest.param(Adam, {"amsgrad": "yes"}, id="adam-amsgrad-str"),
    pytest.param(RMSprop, {"centered": None}, id="rmsprop-centered-none"),
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


# --- every bad input refused when the optimizer is made, naming the optimizer, the value and the fix -------------


NAN, INF = float("nan"), float("inf")
BAD_MESSAGES = [
    (SGD, {"weight_decay": NAN}, "SGD: weight_decay must be a finite number >= 0, got nan"),
    (SGD, {"weight_decay": INF}, "SGD: weight_decay must be a finite number >= 0, got inf"),
    (SGD, {"lr": NAN}, "SGD: lr must be a finite number > 0, got nan"),
    (SGD, {"lr": True}, "SGD: lr must be a finite number > 0, got True"),
    (SGD, {"momentum": INF}, "SGD: momentum must be a finite number in [0, 1), got inf"),
    (SGD, {"momentum": 0.9, "nesterov": "yes"}, "SGD: nesterov must be True or False, got 'yes'"),
    (SGD, {"nesterov": True}, "SGD: nesterov=True needs momentum > 0"),
    (SGD, {"momentum": 0.9, "dampening": 0.5, "nesterov": True}, "SGD: nesterov=True needs momentum > 0 and "
                                                                 "dampening=0, got momentum=0.9, dampening=0.5"),
    (SGD, {"momentum": 0.9, "dampening": NAN}, "SGD: dampening must be a finite number in [0, 1), got nan"),
    (Adam, {"amsgrad": 1}, "Adam: amsgrad must be True or False, got 1"),
    (Adam, {"decoupled_weight_decay": "yes"}, "Adam: decoupled_weight_decay must be True or False, got 'yes'"),
    (AdamW, {"betas": (0.9,)}, "AdamW: betas must be a pair (beta1, beta2)"),
    (AdamW, {"eps": 0}, "AdamW: eps must be a finite number > 0, got 0"),
    (AdamW, {"weight_decay": INF}, "AdamW: weight_decay must be a finite number >= 0, got inf"),
    (RMSprop, {"centered": "no"}, "RMSprop: centered must be True or False, got 'no'"),
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


# --- repr: the hyperparameters, as PyTorch prints an optimizer ------------------------------------------------


def test_repr_shows_the_hyperparameters_in_the_constructors_order():
    params = MLP(2, [16, 16, 1], seed=0).parameters()
    assert repr(SGD(params, lr=0.1, momentum=0.9)) == (
        "SGD(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False, 337 parameters)")
    assert repr(Adam(params)) == (
        "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False, 337 parameters)")
    assert repr(Adam(params, weight_decay=0.1, decoupled_weight_decay=True)) == (
        "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.1, amsgrad=False, "
        "decoupled_weight_decay=True, 337 parameters)")
    assert repr(AdamW(params, amsgrad=True)) == (
        "AdamW(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01, amsgrad=True, 337 parameters)")
    assert repr(RMSprop([Value(1.0)], momentum=np.float32(0.5))) == (
        "RMSprop(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0.0, momentum=0.5, centered=False, 1 parameter)")
