"""Optimizers as torch.optim has them: SGD (momentum, dampening, Nesterov), Adam (amsgrad), AdamW, RMSprop
(momentum, centered), each with PyTorch's defaults, argument names and meaning of weight_decay.

weight_decay means what it means in PyTorch, which is not the same for every optimizer: SGD, Adam and
RMSprop add it to the gradient (g += wd * x, the gradient of an L2 penalty wd/2 * x^2), while AdamW
decays the weights apart from the gradient (x *= 1 - lr * wd, then the Adam step): Adam divides an L2
term by sqrt(v) like the rest of the gradient, so weights with large gradients are barely decayed, which
is why Loshchilov & Hutter decoupled it. The updates follow torch.optim's formulas step for step and
stay within 1e-14 of it over 100 steps (tests/nn/test_torch_parity.py runs both, every option).
The base class, the checks and clip_grad_norm are in nn/optimizer.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from autograd import Value

from .checks import flag, real
from .optimizer import Optimizer, clip_grad_norm, gradients, parameter_list

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "clip_grad_norm", "gradients", "parameter_list"]


class SGD(Optimizer):
    """g += wd * x; with momentum, b = mu * b + (1 - dampening) * g (b = g at the first step) and the step
    is b, or g + mu * b with Nesterov; then x -= lr * step."""

    def __init__(self, params: Iterable[Value], lr: float = 0.1, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = real("SGD", "momentum", momentum, "in [0, 1)")
        self.dampening = real("SGD", "dampening", dampening, "in [0, 1)")
        self.nesterov = flag("SGD", "nesterov", nesterov)
        if self.nesterov and (not self.momentum or self.dampening):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0 and dampening=0, got momentum={momentum!r}, "
                             f"dampening={dampening!r} (pass e.g. momentum=0.9, dampening=0)")
        self.buffer: np.ndarray | None = None  # the momentum buffer b, one entry per parameter

    def update(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        if self.weight_decay:
            g = g + self.weight_decay * x
        if self.momentum:
            b = self.buffer
            b = g if b is None else self.momentum * b + (1.0 - self.dampening) * g
            self.buffer = b
            g = g + self.momentum * b if self.nesterov else b
        return x - self.lr * g

    def hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "momentum": self.momentum, "dampening": self.dampening,
                "weight_decay": self.weight_decay, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam with bias correction: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
    x -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).

    weight_decay is PyTorch's Adam's: g += wd * x before the moments (an L2 penalty). amsgrad=True divides
    by the largest v so far, so a step never grows because v shrank. decoupled_weight_decay=True (as in
    torch) makes it AdamW: x *= 1 - lr * wd before the step, and the gradient is left alone.
    """

    def __init__(self, params: Iterable[Value], lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, lr, weight_decay)
        who = type(self).__name__
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"{who}: betas must be a pair (beta1, beta2) such as (0.9, 0.999), "
                             f"got {betas!r}") from None
        self.beta1 = real(who, "betas[0]", beta1, "in [0, 1)")
        self.beta2 = real(who, "betas[1]", beta2, "in [0, 1)")
        self.eps = real(who, "eps", eps, "> 0")
        self.amsgrad = flag(who, "amsgrad", amsgrad)
        self.decoupled_weight_decay = flag(who, "decoupled_weight_decay", decoupled_weight_decay)
        self.m = np.zeros(len(self.params))
        self.v = np.zeros(len(self.params))
        self.v_max = np.zeros(len(self.params))  # amsgrad's running maximum of v

    @property
    def betas(self) -> tuple[float, float]:
        return self.beta1, self.beta2

    def update(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        if self.weight_decay and self.decoupled_weight_decay:
            x = x * (1.0 - self.lr * self.weight_decay)
        elif self.weight_decay:
            g = g + self.weight_decay * x
        self.m = m = self.beta1 * self.m + (1.0 - self.beta1) * g
        self.v = v = self.beta2 * self.v + (1.0 - self.beta2) * g * g
        if self.amsgrad:
            self.v_max = v = np.maximum(self.v_max, v)
        m_hat = m / (1.0 - self.beta1**self.steps)
        v_hat = v / (1.0 - self.beta2**self.steps)
        return x - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def hyperparameters(self) -> dict[str, object]:
        shown: dict[str, object] = {"lr": self.lr, "betas": self.betas, "eps": self.eps,
                                    "weight_decay": self.weight_decay, "amsgrad": self.amsgrad}
        if self.decoupled_weight_decay and type(self) is Adam:  # AdamW says so by its name
            shown["decoupled_weight_decay"] = True
        return shown


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW: x *= 1 - lr * wd, then
    the Adam step on the unchanged gradient; weight_decay defaults to 0.01, as in PyTorch."""

    def __init__(self, params: Iterable[Value], lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.01, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True)


class RMSprop(Optimizer):
    """g += wd * x; s = alpha s + (1 - alpha) g^2; the step is g / (sqrt(s) + eps), with centered=True
    g / (sqrt(s - a^2) + eps) for a = alpha a + (1 - alpha) g (the variance, not the raw second moment);
    with momentum, b = mu b + step; then x -= lr * step (or lr * b)."""

    def __init__(self, params: Iterable[Value], lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha = real("RMSprop", "alpha", alpha, "in [0, 1)")
        self.eps = real("RMSprop", "eps", eps, "> 0")
        self.momentum = real("RMSprop", "momentum", momentum, "in [0, 1)")
        self.centered = flag("RMSprop", "centered", centered)
        self.square = np.zeros(len(self.params))
        self.averages = np.zeros(len(self.params))  # centered: the running mean of g
        self.buffer = np.zeros(len(self.params))

    def update(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        if self.weight_decay:
            g = g + self.weight_decay * x
        self.square = s = self.alpha * self.square + (1.0 - self.alpha) * g * g
        if self.centered:
            self.averages = a = self.alpha * self.averages + (1.0 - self.alpha) * g
            s = np.maximum(s - a * a, 0.0)  # >= 0 exactly; rounding may leave -1e-20 where torch would give nan
        step = g / (np.sqrt(s) + self.eps)
        if self.momentum:
            self.buffer = step = self.momentum * self.buffer + step
        return x - self.lr * step

    def hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay,
                "momentum": self.momentum, "centered": self.centered}
