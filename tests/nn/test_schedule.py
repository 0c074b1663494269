"""Learning-rate schedules: exact lr sequences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value
from nn import SGD, CosineDecay, LinearDecay, StepDecay


def optimizer(lr: float) -> SGD:
    return SGD([Value(0.0)], lr=lr)


def sequence(schedule, steps: int) -> list[float]:
    """The lr at construction and after each of `steps` calls to step()."""
    lrs = [schedule.optimizer.lr]
    for _ in range(steps):
        returned = schedule.step()
        assert returned == schedule.optimizer.lr
        lrs.append(schedule.optimizer.lr)
    return lrs


def test_linear_decay_is_micrograds_demo_schedule():
    opt = optimizer(1.0)
    lrs = sequence(LinearDecay(opt, total=100), 100)
    assert lrs == [1.0 - 0.9 * k / 100 for k in range(101)]  # micrograd: learning_rate = 1.0 - 0.9*k/100
    assert lrs[0] == 1.0 and lrs[50] == 0.55 and lrs[100] == pytest.approx(0.1, rel=1e-15)


def test_linear_decay_stays_at_the_end_value():
    opt = optimizer(1.0)
    schedule = LinearDecay(opt, total=4)
    lrs = sequence(schedule, 7)
    assert lrs[:5] == [1.0, 1.0 - 0.9 * 1 / 4, 1.0 - 0.9 * 2 / 4, 1.0 - 0.9 * 3 / 4, 1.0 - 0.9 * 4 / 4]
    assert lrs[5:] == [lrs[4]] * 3


def test_linear_decay_end_factor_and_base():
    lrs = sequence(LinearDecay(optimizer(0.5), total=2, end_factor=0.0), 3)
    assert lrs == [0.5, 0.25, 0.0, 0.0]


def test_step_decay():
    lrs = sequence(StepDecay(optimizer(0.8), step_size=3, gamma=0.5), 10)
    assert lrs == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1, 0.1]


def test_step_decay_default_gamma():
    lrs = sequence(StepDecay(optimizer(1.0), step_size=1), 3)
    assert lrs == [1.0, 0.1, 1.0 * 0.1**2, 1.0 * 0.1**3]
    assert lrs[2] == pytest.approx(0.01, rel=1e-15)


def test_cosine_decay():
    lrs = sequence(CosineDecay(optimizer(1.0), total=4), 6)
    # (1 + cos(pi t / 4)) / 2 for t = 0..4, then the minimum
    expected = [1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5, (1 + math.cos(3 * math.pi / 4)) / 2, 0.0, 0.0, 0.0]
    assert lrs == pytest.approx(expected, rel=1e-15, abs=1e-16)
    assert lrs[1] == pytest.approx(0.8535533905932737, rel=1e-15)
    assert lrs[3] == pytest.approx(0.14644660940672627, rel=1e-15)


def test_cosine_decay_min_lr():
    lrs = sequence(CosineDecay(optimizer(2.0), total=2, min_lr=0.5), 3)
    assert lrs == pytest.approx([2.0, 0.5 + 1.5 * 0.5, 0.5, 0.5], rel=1e-15)


def test_schedule_sets_lr_at_construction():
    opt = optimizer(1.0)
    StepDecay(opt, step_size=1, gamma=0.5)
    assert opt.lr == 1.0
    CosineDecay(opt, total=10)
    assert opt.lr == 1.0


def test_schedule_drives_the_optimizer_steps():
    p = Value(0.0)
    opt = SGD([p], lr=1.0)
    schedule = LinearDecay(opt, total=100)
    for _ in range(3):
        p.grad = 1.0
        opt.step()
        schedule.step()
    assert p.data == -(1.0 + (1.0 - 0.9 * 1 / 100) + (1.0 - 0.9 * 2 / 100))


@pytest.mark.parametrize("make", [
    lambda opt: LinearDecay(opt, total=0),
    lambda opt: LinearDecay(opt, total=-5),
    lambda opt: StepDecay(opt, step_size=0),
    lambda opt: CosineDecay(opt, total=0),
])
def test_bad_arguments_raise(make):
    opt = optimizer(1.0)
    with pytest.raises(ValueError):
        make(opt)
    assert opt.lr == 1.0


@pytest.mark.parametrize(("make", "message"), [
    (lambda opt: LinearDecay(opt, total=2.5), "LinearDecay: total (the number of steps to decay over) must be a whole "
                                              "number >= 1, got 2.5"),
    (lambda opt: LinearDecay(opt, total=True), "LinearDecay: total"),
    (lambda opt: LinearDecay(opt, total=10, end_factor=float("nan")), "LinearDecay: end_factor"),
    (lambda opt: LinearDecay(opt, total=10, end_factor=-0.1), "LinearDecay: end_factor (the lr must stay >= 0)"),
    (lambda opt: StepDecay(opt, step_size="2"), "StepDecay: step_size must be a whole number >= 1, got '2'"),
    (lambda opt: StepDecay(opt, step_size=1, gamma=float("inf")), "StepDecay: gamma"),
    (lambda opt: StepDecay(opt, step_size=1, gamma=2.0), "StepDecay: gamma (the factor the lr shrinks by) must be "
                                                         "a finite number in (0, 1], got 2.0"),
    (lambda opt: CosineDecay(opt, total=10, min_lr=float("nan")), "CosineDecay: min_lr must be a finite number "
                                                                  ">= 0, got nan"),
    (lambda opt: CosineDecay(opt, total=0.5), "CosineDecay: total"),
])
def test_bad_arguments_name_the_schedule_and_the_value(make, message):
    opt = optimizer(1.0)
    with pytest.raises(ValueError) as info:
        make(opt)
    assert str(info.value).startswith(message)
    assert opt.lr == 1.0


@pytest.mark.parametrize("schedule", [LinearDecay, StepDecay, CosineDecay])
def test_a_schedule_needs_an_optimizer(schedule):
    with pytest.raises(TypeError, match=rf"{schedule.__name__}: needs an optimizer such as SGD\(model.parameters"):
        schedule([Value(1.0)], 10)


def test_numpy_integers_and_floats_are_accepted():
    lrs = sequence(StepDecay(optimizer(0.8), step_size=np.int64(3), gamma=np.float32(0.5)), 3)
    assert lrs == [0.8, 0.8, 0.8, 0.4]
    assert sequence(LinearDecay(optimizer(1.0), total=np.int32(2), end_factor=np.float64(0.0)), 2) == [1.0, 0.5, 0.0]
    assert CosineDecay(optimizer(1.0), total=np.int64(4), min_lr=np.float64(0.5)).total == 4


# --- repr ---------------------------------------------------------------------------------------------------


def test_repr_shows_the_arguments_the_base_lr_the_step_and_the_lr():
    opt = optimizer(1.0)
    schedule = LinearDecay(opt, total=100)
    assert repr(schedule) == "LinearDecay(total=100, end_factor=0.1, base_lr=1.0, t=0, lr=1.0)"
    schedule.step()
    assert repr(schedule) == f"LinearDecay(total=100, end_factor=0.1, base_lr=1.0, t=1, lr={1.0 - 0.9 / 100!r})"
    assert repr(StepDecay(optimizer(0.8), step_size=3, gamma=0.5)) == (
        "StepDecay(step_size=3, gamma=0.5, base_lr=0.8, t=0, lr=0.8)")
    assert repr(CosineDecay(optimizer(2.0), total=np.int64(10), min_lr=0.5)) == (
        "CosineDecay(total=10, min_lr=0.5, base_lr=2.0, t=0, lr=2.0)")
