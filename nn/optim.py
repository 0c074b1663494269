"""Optimizers: SGD (momentum, Nesterov, weight decay), Adam (AdamW's decoupled decay), RMSprop.

Updates write `p.data` directly, outside the graph, with the formulas PyTorch documents, so a
step worked by hand matches to the last bit. Everything is checked before any parameter can change:
the parameters and hyperparameters when the optimizer is made (with nn/checks.py, the checks nn's
schedules and fit use too), and every gradient before a step moves the first parameter.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from autograd import Batch, Value

from .checks import real


def parameter_list(who: str, params: Any) -> list[Value]:
    """The parameters as a list, checked: scalar Values (no Batches), each once."""
    if hasattr(params, "parameters") and callable(params.parameters):
        raise TypeError(f"{who}: got the model itself ({type(params).__name__}), not its parameters: "
                        "pass model.parameters()")
    if isinstance(params, Value) or not isinstance(params, Iterable):
        raise TypeError(f"{who}: params must be an iterable of Values such as model.parameters() or [a, b], "
                        f"got {type(params).__name__}")
    params = list(params)
    if not params:
        raise ValueError(f"{who}: got no parameters (an empty list): pass model.parameters()")
    seen: dict[int, int] = {}
    for i, p in enumerate(params):
        if isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], Value):
            raise TypeError(f"{who}: parameter {i} is a (name, Value) pair: pass model.parameters(), "
                            "not named_parameters()")
        if isinstance(p, Batch) or not isinstance(p, Value):
            kind = "a Batch (a Value holding an array)" if isinstance(p, Batch) else type(p).__name__
            raise TypeError(f"{who}: parameter {i} must be a scalar Value, got {kind}; optimizers update "
                            "scalar Values such as model.parameters()")
        if id(p) in seen:
            raise ValueError(f"{who}: parameter {i} is the same Value as parameter {seen[id(p)]}, so each step "
                             "would update it twice: pass each parameter once (model.parameters() lists shared "
                             "weights once)")
        seen[id(p)] = i
    return params


def gradients(who: str, params: list[Value]) -> list[float]:
    """Every parameter's grad as a float, all checked before the caller changes anything."""
    grads = []
    for i, p in enumerate(params):
        g = p.grad
        if isinstance(g, bool) or not isinstance(g, numbers.Real):
            hint = (" (after backward(create_graph=True) grads are Values: step with a plain backward())"
                    if isinstance(g, Value) else "")
            raise TypeError(f"{who}: parameter {i} has grad {g!r} ({type(g).__name__}), not a number{hint}; "
                            "nothing was changed")
        grads.append(float(g))
    return grads


class Optimizer:
    """Holds the parameters and a learning rate `lr` (a schedule may change it between steps)."""

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        who = type(self).__name__
        self.params = parameter_list(who, params)
        self._lr = real(who, "lr", lr, "> 0")
        self.weight_decay = real(who, "weight_decay", weight_decay, ">= 0")
        self.steps = 0

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:  # set by schedules and users between steps; 0 pauses the updates
        self._lr = real(type(self).__name__, "lr", value, ">= 0")

    def zero_grad(self) -> None:
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        grads = gradients(f"{type(self).__name__}.step", self.params)
        self.steps += 1
        for i, (p, g) in enumerate(zip(self.params, grads)):
            p.data = self.update(i, p.data, g)

    def update(self, i: int, x: float, g: float) -> float:
        """The new value of parameter i (value x, gradient g)."""
        raise NotImplementedError


class SGD(Optimizer):
    """x -= lr * g, with g += wd * x; momentum buffer b = mu * b + g (b = g at the first step)."""

    def __init__(self, params: Iterable[Value], lr: float = 0.1, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = real("SGD", "momentum", momentum, "in [0, 1)")
        if nesterov not in (True, False):
            raise ValueError(f"SGD: nesterov must be True or False, got {nesterov!r}")
        if nesterov and not self.momentum:
            raise ValueError("SGD: nesterov=True needs momentum > 0, got momentum=0 (pass e.g. momentum=0.9)")
        self.nesterov = bool(nesterov)
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
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2) such as (0.9, 0.999), got {betas!r}") from None
        self.beta1 = real("Adam", "betas[0]", beta1, "in [0, 1)")
        self.beta2 = real("Adam", "betas[1]", beta2, "in [0, 1)")
        self.eps = real("Adam", "eps", eps, "> 0")
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
        self.alpha = real("RMSprop", "alpha", alpha, "in [0, 1)")
        self.eps = real("RMSprop", "eps", eps, "> 0")
        self.momentum = real("RMSprop", "momentum", momentum, "in [0, 1)")
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
    params = parameter_list("clip_grad_norm", params)
    max_norm = real("clip_grad_norm", "max_norm", max_norm, "> 0")
    grads = gradients("clip_grad_norm", params)
    total = math.sqrt(sum(g * g for g in grads))
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for p, g in zip(params, grads):
            p.grad = g * scale
    return total
