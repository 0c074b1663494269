"""Weight initialisation schemes: micrograd's uniform(-1, 1), Xavier/Glorot and He/Kaiming.

Each draws one neuron's `nin` weights from an RNG the caller owns (a seeded `random.Random`
for reproducible models, or the `random` module for micrograd's global-seed behaviour).
"""

from __future__ import annotations

import math
from typing import Protocol

SCHEMES = ("uniform", "xavier", "xavier_normal", "he", "he_uniform")


class RandomSource(Protocol):
    """What a scheme draws from: a `random.Random`, or the `random` module itself (its global state)."""

    def uniform(self, a: float, b: float) -> float: ...

    def gauss(self, mu: float, sigma: float) -> float: ...


def check(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    return scheme


def weights(scheme: str, nin: int, fan_out: int, rng: RandomSource) -> list[float]:
    """nin weights for one neuron with nin inputs in a layer of fan_out neurons."""
    check(scheme)
    if scheme == "uniform":  # micrograd: random.uniform(-1, 1)
        return [rng.uniform(-1.0, 1.0) for _ in range(nin)]
    if scheme == "xavier":  # Glorot & Bengio 2010: U(-a, a), a = sqrt(6 / (fan_in + fan_out))
        a = math.sqrt(6.0 / (nin + fan_out))
        return [rng.uniform(-a, a) for _ in range(nin)]
    if scheme == "xavier_normal":  # N(0, 2 / (fan_in + fan_out))
        return [rng.gauss(0.0, math.sqrt(2.0 / (nin + fan_out))) for _ in range(nin)]
    if scheme == "he":  # He et al. 2015, for ReLU: N(0, 2 / fan_in)
        return [rng.gauss(0.0, math.sqrt(2.0 / nin)) for _ in range(nin)]
    a = math.sqrt(6.0 / nin)  # he_uniform: U(-a, a), a = sqrt(6 / fan_in)
    return [rng.uniform(-a, a) for _ in range(nin)]
