"""Learning-rate schedules: call `step()` once per epoch (or per update) to set `optimizer.lr`."""

from __future__ import annotations

import math

from .optim import Optimizer


class Schedule:
    """Sets optimizer.lr = rate(t) for t = 0, 1, 2, ... (t = 0 is applied at construction)."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer, self.base_lr, self.t = optimizer, optimizer.lr, 0
        optimizer.lr = self.rate(0)

    def step(self) -> float:
        self.t += 1
        self.optimizer.lr = self.rate(self.t)
        return self.optimizer.lr

    def rate(self, t: int) -> float:
        raise NotImplementedError


class LinearDecay(Schedule):
    """micrograd's demo: lr = base * (1 - (1 - end_factor) * t / total), e.g. 1.0 - 0.9 * k / 100."""

    def __init__(self, optimizer: Optimizer, total: int, end_factor: float = 0.1) -> None:
        if total < 1:
            raise ValueError(f"LinearDecay total must be >= 1, got {total!r}")
        if not end_factor >= 0:
            raise ValueError(f"LinearDecay end_factor must be >= 0 (the lr must stay positive), got {end_factor!r}")
        self.total, self.end_factor = total, end_factor
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return self.base_lr * (1.0 - (1.0 - self.end_factor) * min(t, self.total) / self.total)


class StepDecay(Schedule):
    """lr = base * gamma ** (t // step_size)."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if step_size < 1:
            raise ValueError(f"StepDecay step_size must be >= 1, got {step_size!r}")
        if not gamma > 0:
            raise ValueError(f"StepDecay gamma must be > 0, got {gamma!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        return self.base_lr * self.gamma ** (t // self.step_size)


class CosineDecay(Schedule):
    """lr = min_lr + (base - min_lr) * (1 + cos(pi * t / total)) / 2, then min_lr."""

    def __init__(self, optimizer: Optimizer, total: int, min_lr: float = 0.0) -> None:
        if total < 1:
            raise ValueError(f"CosineDecay total must be >= 1, got {total!r}")
        if not min_lr >= 0:
            raise ValueError(f"CosineDecay min_lr must be >= 0, got {min_lr!r}")
        self.total, self.min_lr = total, min_lr
        super().__init__(optimizer)

    def rate(self, t: int) -> float:
        progress = min(t, self.total) / self.total
        return self.min_lr + (self.base_lr - self.min_lr) * (1.0 + math.cos(math.pi * progress)) / 2.0
