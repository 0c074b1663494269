"""Dropout: zero each input with probability p while training, so no unit can rely on another.

Inverted dropout, as `torch.nn.Dropout`: the inputs that survive are scaled by 1/(1-p), so a unit's
expected output is the same in training and in evaluation, where Dropout is the identity (`model.eval()`;
predict and evaluate switch to it themselves). A dropped input is multiplied by 0, not removed, so the graph
keeps its shape and the gradient through it is 0. In batch mode each Batch gets its own row of the mask:
one independent draw per sample and per unit (made with `autograd.sampled`, so compiled mode draws new
masks at every call). All draws come from `mask`, from the module's own numpy Generator (`seed`), never
from global random state.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, TypeGuard

import numpy as np

from autograd import Batch, Value, sampled

from .checks import real
from .data import Seed
from .module import Module

Droppable = Value | float | np.ndarray | Sequence[Value | float]  # one Value, one sample, or X


class Dropout(Module):
    """`Dropout(p=0.5, seed=None)`: in training mode each input becomes 0 with probability p, else x/(1-p)."""

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        self.p = real("Dropout", "p (the probability of zeroing an input)", p, "in [0, 1)")
        if not (seed is None or isinstance(seed, np.random.Generator)):
            if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
                raise ValueError(f"Dropout: seed must be a whole number >= 0, a numpy Generator or None, got {seed!r}")
        self.generator = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    def mask(self, shape: int | tuple[int, ...]) -> np.ndarray:
        """A float array of `shape`: 0 with probability p, else 1/(1-p). One draw per entry (per sample and
        unit), so whatever evaluates a layer (a graph per sample, a graph of Batches, compiled code) can use it."""
        keep = 1.0 - self.p
        return (self.generator.random(shape) < keep) / keep

    def forward(self, x: Droppable) -> Any:
        """x with dropout applied in training mode (the same object in eval mode or when p == 0): one Value
        (a Batch gets one draw per sample), a sample (list of Values or numbers: a list), or an array."""
        if not self.training or self.p == 0.0:
            return x
        if isinstance(x, np.ndarray):
            return x * self.mask(x.shape)
        if _droppable(x):
            return self._drop(x)
        if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
            raise TypeError(f"Dropout expects a Value, a list of Values or numbers, or a numpy array, got "
                            f"{type(x).__name__}")
        bad = [v for v in x if not _droppable(v)]
        if bad:  # checked before any draw
            raise TypeError(f"Dropout expects Values or numbers, got {type(bad[0]).__name__}: {bad[0]!r}")
        return [self._drop(v) for v in x]

    def _drop(self, v: Value | float) -> Any:
        """v times its mask: one entry per sample for a Batch (a `sampled` Batch, which compiled mode draws
        afresh at every call instead of freezing it into the program), one number otherwise."""
        return v * sampled(self.mask, len(v)) if isinstance(v, Batch) else v * float(self.mask(()))

    def config(self) -> dict[str, Any]:
        return {"p": self.p}

    def _details(self) -> str:
        return f"p={self.p}"

    def __repr__(self) -> str:  # torch's: Dropout(p=0.2)
        return f"Dropout(p={self.p})"


def _droppable(v: object) -> TypeGuard[Value | float]:
    return isinstance(v, Value) or isinstance(v, numbers.Real) and not isinstance(v, bool)
