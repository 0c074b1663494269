"""What Neuron, Layer and MLP share: inputs as columns for batch mode, activation names, the size guard.

Kept apart from nn.mlp so that file holds the three classes only; nn.mlp re-exports these names, and the
parameter limit itself stays `nn.mlp.MAX_PARAMETERS` (the knob users raise), passed in as `limit`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np

from autograd import Value

from .checks import whole

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
BYTES_PER_PARAMETER = 350  # a parameter is a Python Value of about 350 bytes (measured with tracemalloc)
S = TypeVar("S")


def columns(X: S, nin: int, who: str = "model") -> S | list[Value]:
    """A 2-D array of samples (n, nin) as nin constant column Batches, so that one call evaluates the
    whole batch as one graph (each node then carries n samples). Anything else (one sample: a sequence
    of numbers or Values) is returned as it is."""
    if not (isinstance(X, np.ndarray) and X.ndim == 2):
        return X
    if X.shape[1] != nin:
        raise ValueError(f"{who} expects {nin} features per sample, got an array of shape {X.shape}")
    samples = np.asarray(X, dtype=float)
    inputs = [Value(samples[:, j], requires_grad=False) for j in range(nin)]
    for x in inputs:
        x.scope = ()  # drawn as inputs, outside the Module that split them
    return inputs


def check_count(who: str, shape: str, count: int, limit: int) -> None:
    """Refuse, before anything is allocated, a model with more than `limit` (nn.mlp.MAX_PARAMETERS) parameters."""
    if count > limit:
        gigabytes = count * BYTES_PER_PARAMETER / 1e9
        raise ValueError(f"{who}: {shape} would have {count:,} parameters, more than nn.mlp.MAX_PARAMETERS = "
                         f"{limit:,}: each is a Python Value of about {BYTES_PER_PARAMETER} bytes, so it "
                         f"would need about {gigabytes:,.1f} GB before the first forward pass; use smaller layers "
                         "(or raise nn.mlp.MAX_PARAMETERS if you have the memory)")


def check_activation(who: str, activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{who}: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    return activation


def layer_sizes(nin: Any, nouts: Any) -> list[int]:
    """[nin, *nouts] as ints, checked: MLP's sizes (micrograd accepts tuples and numpy integers too)."""
    if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Iterable):
        raise TypeError(f"MLP: nouts must be a list of layer sizes such as [16, 16, 1], got {nouts!r}"
                        + (f" (for one layer of {nouts} outputs write MLP({nin!r}, [{nouts}]))"
                           if isinstance(nouts, numbers.Integral) else ""))
    sizes = [whole("MLP", "nin", nin), *(whole("MLP", f"nouts[{i}]", n) for i, n in enumerate(nouts))]
    if len(sizes) < 2:
        raise ValueError("MLP: nouts needs at least one layer size, got []; e.g. MLP(2, [16, 16, 1])")
    return sizes
