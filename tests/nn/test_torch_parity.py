"""Every optimizer and schedule of nn against torch.optim and torch.optim.lr_scheduler: the same start, the
same gradient at every step, float64 tensors, and the parameters compared after each of 100 steps.

The gradients are those of a fixed smooth function, computed by chainrule's backward() at chainrule's
parameters and handed to torch as they are, so both optimizers see the very same gradient sequence and
any difference is the update rule's. Skipped when torch is not installed (CI does not install it; run
`uv run --group bench pytest tests/nn/test_torch_parity.py`).
"""

from __future__ import annotations

import inspect
import math

import pytest

import nn
from autograd import Value
from nn.schedule import Schedule

torch = pytest.importorskip("torch")

STEPS, TOLERANCE = 100, 1e-12
START = [0.3, 1.2, -0.8, 2.5, 0.0, -1.7]  # one parameter starts at 0, where weight decay does nothing
SCALE = [1.0, 0.5, 2.0, 0.1, 3.0, 0.02]  # curvatures from 0.02 to 3: large and tiny gradients (eps matters)
CENTRE = [1.0, -2.0, 0.5, 3.0, -1.0, 0.25]


def objective(x: list[Value]) -> Value:
    """sum a_i (x_i - c_i)^2 + 0.1 sin(3 x_i), plus a coupling x_0 x_1: smooth, not separable, not quadratic."""
    total = x[0] * x[1] * 0.5
    for xi, a, c in zip(x, SCALE, CENTRE):
        total = total + a * (xi - c) ** 2 + 0.1 * (3.0 * xi).sin()
    return total


def run(make_ours, make_theirs, steps: int = STEPS) -> tuple[float, float]:
    """Train both for `steps` steps; the largest |parameter difference| and |lr difference| over all steps.
    make_ours(params) -> (optimizer, schedule or None); make_theirs likewise for a torch tensor."""
    ours = [Value(x) for x in START]
    theirs = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt, schedule = make_ours(ours)
    topt, tschedule = make_theirs([theirs])
    worst = worst_lr = 0.0
    for _ in range(steps):
        opt.zero_grad()
        objective(ours).backward()
        theirs.grad = torch.tensor([p.grad for p in ours], dtype=torch.float64)
        opt.step()
        topt.step()
        if schedule is not None:
            schedule.step()
            tschedule.step()
        worst_lr = max(worst_lr, abs(opt.lr - topt.param_groups[0]["lr"]))
        worst = max(worst, max(abs(p.data - t) for p, t in zip(ours, theirs.detach().tolist())))
        assert all(math.isfinite(p.data) for p in ours)
    return worst, worst_lr


def _has_decoupled_adam() -> bool:
    return "decoupled_weight_decay" in inspect.signature(torch.optim.Adam).parameters


OPTIMIZERS = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.02, "momentum": 0.8, "dampening": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.02, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),  # AdamW by another name
    ("AdamW", {}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.5, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.95, "eps": 1e-7, "weight_decay": 0.05, "momentum": 0.5, "centered": True}),
]


def case_id(name: str, kwargs: dict) -> str:
    return "-".join([name, *(f"{k}={v}" for k, v in kwargs.items())]) if kwargs else f"{name}-defaults"


def optimizer_cases() -> list:
    """OPTIMIZERS as pytest params, named by their settings (torch before 2.6 has no decoupled Adam)."""
    skip = pytest.mark.skipif(not _has_decoupled_adam(), reason="this torch's Adam has no decoupled_weight_decay")
    return [pytest.param(name, kwargs, id=case_id(name, kwargs),
                         marks=[skip] if "decoupled_weight_decay" in kwargs else []) for name, kwargs in OPTIMIZERS]


@pytest.mark.parametrize(("name", "kwargs"), optimizer_cases())
def test_optimizer_matches_torch_for_100_steps(name, kwargs):
    worst, _ = run(lambda ps: (getattr(nn, name)(ps, **kwargs), None),
                   lambda ts: (getattr(torch.optim, name)(ts, **kwargs), None))
    assert worst <= TOLERANCE, f"{name}({kwargs}) is {worst:.3g} away from torch.optim.{name}"


SCHEDULES = [
    ("LinearDecay", {"total": 100}, "LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 100}),
    ("LinearDecay", {"total": 40, "end_factor": 0.0}, "LinearLR",
     {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 40}),  # then 60 steps at lr 0
    ("LinearDecay", {"total": 30, "end_factor": 0.25}, "LinearLR",
     {"start_factor": 1.0, "end_factor": 0.25, "total_iters": 30}),
    ("StepDecay", {"step_size": 10, "gamma": 0.5}, "StepLR", {"step_size": 10, "gamma": 0.5}),
    ("StepDecay", {"step_size": 7}, "StepLR", {"step_size": 7}),
    ("CosineDecay", {"total": 100}, "CosineAnnealingLR", {"T_max": 100}),
    ("CosineDecay", {"total": 100, "min_lr": 0.01}, "CosineAnnealingLR", {"T_max": 100, "eta_min": 0.01}),
]


@pytest.mark.parametrize("optimizer", [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.1})],
                         ids=["SGD", "Adam"])
@pytest.mark.parametrize(("name", "kwargs", "torch_name", "torch_kwargs"), SCHEDULES,
                         ids=[case_id(s[0], s[1]) for s in SCHEDULES])
def test_schedule_matches_torch_for_100_steps(optimizer, name, kwargs, torch_name, torch_kwargs):
    opt_name, opt_kwargs = optimizer

    def ours(ps):
        opt = getattr(nn, opt_name)(ps, **opt_kwargs)
        return opt, getattr(nn, name)(opt, **kwargs)

    def theirs(ts):
        opt = getattr(torch.optim, opt_name)(ts, **opt_kwargs)
        return opt, getattr(torch.optim.lr_scheduler, torch_name)(opt, **torch_kwargs)

    worst, worst_lr = run(ours, theirs)
    assert worst_lr <= TOLERANCE, f"{name}({kwargs}): the lr is {worst_lr:.3g} away from {torch_name}"
    assert worst <= TOLERANCE, f"{name}({kwargs}): the parameters are {worst:.3g} away from torch's"


def test_the_comparison_can_fail():
    """The harness sees a real difference: Adam's L2 weight decay is not AdamW's decoupled one."""
    worst, _ = run(lambda ps: (nn.Adam(ps, lr=0.05, weight_decay=0.1), None),
                   lambda ts: (torch.optim.AdamW(ts, lr=0.05, weight_decay=0.1), None))
    assert worst > 1e-3


def test_every_optimizer_option_and_schedule_of_nn_is_compared():
    """A new optimizer, option or schedule in nn fails here until it has a case above."""
    optimizers = {name for name in nn.__all__ if isinstance(getattr(nn, name), type)
                  and issubclass(getattr(nn, name), nn.Optimizer) and getattr(nn, name) is not nn.Optimizer}
    assert optimizers == {name for name, _ in OPTIMIZERS}
    for name in optimizers:
        options = set(inspect.signature(getattr(nn, name)).parameters) - {"params"}
        assert options == {key for n, kwargs in OPTIMIZERS if n == name for key in kwargs}, name
    schedules = {name for name in nn.__all__ if isinstance(getattr(nn, name), type)
                 and issubclass(getattr(nn, name), Schedule)}
    assert schedules == {s[0] for s in SCHEDULES}
    for name in schedules:
        options = set(inspect.signature(getattr(nn, name)).parameters) - {"optimizer"}
        assert options == {key for s in SCHEDULES if s[0] == name for key in s[1]}, name
