"""Optimizers: SGD (momentum, Nesterov, weight decay), Adam (AdamW's decoupled decay), RMSprop.

Updates write `p.data` directly, outside the graph, with the formulas PyTorch documents, so a
step worked by hand matches to the last bit. Hyperparameters are checked when the optimizer is
made, before any parameter can change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value


def _positive(name: str, value: float) -> float:
    if not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _fraction(name: str, value: float) -> float:
    if not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


class Optimizer:
    """Holds the parameters and a learning rate `lr` (a schedule may change it between steps)."""

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got no parameters to optimize")
        bad = [p for p in self.params if not isinstance(p, Value)]
        if bad:
            raise TypeError(f"{type(self).__name__} needs Values, got {type(bad[0]).__name__}")
        self.lr = _positive("lr", lr)
        if not isinstance(weight_decay, (int, float)) or weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")
        self.weight_decay = float(weight_decay)
        self.steps = 0

    def zero_grad(self) -> None:
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        self.steps += 1
        for i, p in enumerate(self.params):
            p.data = self.update(i, p.data, float(p.grad))

    def update(self, i: int, x: float, g: float) -> float:
        """The new value of parameter i (value x, gradient g)."""
        raise NotImplementedError


class SGD(Optimizer):
    """x -= lr * g, with g += wd * x; momentum buffer b = mu * b + g (b = g at the first step)."""

    def __init__(self, params: Iterable[Value], lr: float = 0.1, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = _fraction("momentum", momentum)
        if nesterov and not momentum:
            raise ValueError("nesterov=True needs momentum > 0")
        self.nesterov = nesterov
        self.buffers: list[float | None] = [None] * len(self.params)

    def update(self, i: int, x: float, g: float) -> float:
        g = g + self.weight_decay * x
        if self.momentum:
            b = self.buffers[i]
            b = g if b is None else self.momentum * b + g
            self.buffers[i] = b
            g = g + self.momentum * b if self.nesterov else b
        return x - self.lr * g


class Adam(Optimizer):
    """Adam with bias correction; weight_decay is AdamW's decoupled decay x -= lr * wd * x."""

    def __init__(self, params: Iterable[Value], lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.beta1, self.beta2 = _fraction("betas[0]", betas[0]), _fraction("betas[1]", betas[1])
        self.eps = _positive("eps", eps)
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def update(self, i: int, x: float, g: float) -> float:
        x = x - self.lr * self.weight_decay * x
        self.m[i] = m = self.beta1 * self.m[i] + (1.0 - self.beta1) * g
        self.v[i] = v = self.beta2 * self.v[i] + (1.0 - self.beta2) * g * g
        m_hat = m / (1.0 - self.beta1**self.steps)
        v_hat = v / (1.0 - self.beta2**self.steps)
        return x - self.lr * m_hat / (math.sqrt(v_hat) + self.eps)


class RMSprop(Optimizer):
    """s = alpha * s + (1 - alpha) * g^2; x -= lr * g / (sqrt(s) + eps) (with optional momentum)."""

    def __init__(self, params: Iterable[Value], lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha = _fraction("alpha", alpha)
        self.eps = _positive("eps", eps)
        self.momentum = _fraction("momentum", momentum)
        self.square = [0.0] * len(self.params)
        self.buffers = [0.0] * len(self.params)

    def update(self, i: int, x: float, g: float) -> float:
        g = g + self.weight_decay * x
        self.square[i] = s = self.alpha * self.square[i] + (1.0 - self.alpha) * g * g
        step = g / (math.sqrt(s) + self.eps)
        if self.momentum:
            self.buffers[i] = step = self.momentum * self.buffers[i] + step
        return x - self.lr * step


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale all grads so their global L2 norm is at most max_norm; return the norm before clipping."""
    params = list(params)
    max_norm = _positive("max_norm", max_norm)
    total = math.sqrt(sum(float(p.grad) ** 2 for p in params))
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for p in params:
            p.grad = float(p.grad) * scale
    return total
