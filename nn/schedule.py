"""Learning-rate schedules: call `step()` once per epoch (or per update) to set `optimizer.lr`.

Each is one of torch.optim.lr_scheduler's, written in closed form (lr as a function of the step count t,
where torch multiplies the previous lr): LinearDecay is LinearLR(start_factor=1), StepDecay is StepLR and
CosineDecay is CosineAnnealingLR, and they agree with torch to ~1e-16 (tests/nn/test_torch_parity.py).
One difference: after `total` steps CosineDecay stays at min_lr, where CosineAnnealingLR climbs back up
(its cosine has period 2 * T_max). Arguments are checked (with the optimizers' checks) before the
optimizer's lr is touched.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

from .checks import real, whole
from .optim import Optimizer


class Schedule(ABC):
    """Sets optimizer.lr = rate(t) for t = 0, 1, 2, ... (t = 0 is applied at construction)."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer, self.base_lr, self.t = optimizer, optimizer.lr, 0
        optimizer.lr = self.rate(0)

    def step(self) -> float:
        self.t += 1
        self.optimizer.lr = self.rate(self.t)
        return self.optimizer.lr

    @abstractmethod
    def rate(self, t: int) -> float:
        """The lr after t steps."""

    def hyperparameters(self) -> dict[str, object]:
        """The schedule's own arguments, shown by repr."""
        return {}

    def __repr__(self) -> str:
        shown = {**self.hyperparameters(), "base_lr": self.base_lr, "t": self.t, "lr": self.optimizer.lr}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


def _optimizer(who: str, optimizer: object) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{who}: needs an optimizer such as SGD(model.parameters(), lr=0.1) as its first argument, "
                        f"got {type(optimizer).__name__}")


class LinearDecay(Schedule):
    """micrograd's demo: lr = base * (1 - (1 - end_factor) * t / total), e.g. 1.0 - 0.9 * k / 100; then
    base * end_factor (torch's LinearLR with start_factor=1)."""

    def __init__(self, optimizer: Optimizer, total: int, end_factor: float = 0.1) -> None:
        _optimizer("LinearDecay", optimizer)
        self.total = whole("LinearDecay", "total (the number of steps to decay over)", total)
        self.end_factor = real("LinearDecay", "end_factor (the lr must stay >= 0)", end_factor, ">= 0")
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return self.base_lr * (1.0 - (1.0 - self.end_factor) * min(t, self.total) / self.total)

    def hyperparameters(self) -> dict[str, object]:
        return {"total": self.total, "end_factor": self.end_factor}


class StepDecay(Schedule):
    """lr = base * gamma ** (t // step_size): the lr shrinks by gamma every step_size steps (torch's StepLR)."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        _optimizer("StepDecay", optimizer)
        self.step_size = whole("StepDecay", "step_size", step_size)
        self.gamma = real("StepDecay", "gamma (the factor the lr shrinks by)", gamma, "in (0, 1]")
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return self.base_lr * self.gamma ** (t // self.step_size)

    def hyperparameters(self) -> dict[str, object]:
        return {"step_size": self.step_size, "gamma": self.gamma}


class CosineDecay(Schedule):
    """lr = min_lr + (base - min_lr) * (1 + cos(pi * t / total)) / 2, then min_lr (CosineAnnealingLR would rise
    again after total steps: a schedule that ends should stay at its end)."""

    def __init__(self, optimizer: Optimizer, total: int, min_lr: float = 0.0) -> None:
        _optimizer("CosineDecay", optimizer)
        self.total = whole("CosineDecay", "total (the number of steps to decay over)", total)
        self.min_lr = real("CosineDecay", "min_lr", min_lr, ">= 0")
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        progress = min(t, self.total) / self.total
        return self.min_lr + (self.base_lr - self.min_lr) * (1.0 + math.cos(math.pi * progress)) / 2.0

    def hyperparameters(self) -> dict[str, object]:
        return {"total": self.total, "min_lr": self.min_lr}
