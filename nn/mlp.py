"""Neuron, Layer, MLP: micrograd's nn, with activations, init schemes and seeds.

`Neuron(nin, nonlin=True)`, `Layer(nin, nout)` and `MLP(nin, nouts)` keep micrograd's signatures
and behaviour (weights uniform(-1, 1), bias 0, ReLU hidden, linear output; a width-1 output
is a bare Value). A `seed` makes a model reproducible without touching the global `random`.

Called with one sample (a list of numbers or Values) they build that sample's graph; called with
a 2-D array X of shape (n, nin) they evaluate the whole batch in one graph of Batches (see
`autograd.batch`): the same nodes, each carrying n samples, so the output is a Batch (or a list
of Batches, one per output).
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import numpy as np

from autograd import Value

from . import init as inits
from .checks import whole
from .module import Module

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
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


# Each parameter is a Python Value of about 350 bytes (measured with tracemalloc), and a forward pass makes
# more nodes per weight: past ten million parameters (~3.5 GB before any graph) a model would exhaust an
# ordinary machine's memory, and a scalar engine could not train it anyway. Raise this if you have the memory.
MAX_PARAMETERS = 10**7
BYTES_PER_PARAMETER = 350


def _check_count(who: str, shape: str, count: int) -> None:
    """Refuse, before anything is allocated, a model with more than MAX_PARAMETERS parameters."""
    if count > MAX_PARAMETERS:
        gigabytes = count * BYTES_PER_PARAMETER / 1e9
        raise ValueError(f"{who}: {shape} would have {count:,} parameters, more than nn.mlp.MAX_PARAMETERS = "
                         f"{MAX_PARAMETERS:,}: each is a Python Value of about {BYTES_PER_PARAMETER} bytes, so it "
                         f"would need about {gigabytes:,.1f} GB before the first forward pass; use smaller layers "
                         "(or raise nn.mlp.MAX_PARAMETERS if you have the memory)")


def _check_activation(who: str, activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{who}: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    return activation


class Neuron(Module):
    """act(w · x + b). micrograd's `Neuron(nin, nonlin=True)`: ReLU unless nonlin=False."""

    def __init__(self, nin: int, nonlin: bool = True, *, activation: str | None = None, init: str = "uniform",
                 fan_out: int = 1, seed: int | None = None, rng: random.Random | None = None) -> None:
        nin = whole("Neuron", "nin (its number of inputs)", nin)
        _check_count("Neuron", f"a neuron with {nin} inputs", nin + 1)
        self.activation = _check_activation("Neuron", activation or ("relu" if nonlin else "linear"))
        self.nonlin = self.activation != "linear"
        source: inits.RandomSource = rng or (random.Random(seed) if seed is not None else random)
        self.init = init
        self.w = [Value(x) for x in inits.weights(init, nin, fan_out, source)]
        self.b = Value(0.0)

    def forward(self, x: Sequence[Any] | np.ndarray) -> Value:
        x = columns(x, len(self.w), type(self).__name__)
        if len(x) != len(self.w):
            raise ValueError(f"{type(self).__name__} expects {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()

    def config(self) -> dict[str, Any]:
        return {"nin": len(self.w), "activation": self.activation, "init": self.init}

    def __repr__(self) -> str:  # micrograd's: ReLUNeuron(2)
        name = {"relu": "ReLU", "linear": "Linear"}.get(self.activation, self.activation.capitalize())
        return f"{name}Neuron({len(self.w)})"


class Layer(Module):
    """nout Neurons on the same inputs. Returns a Value when nout == 1 (as micrograd), else a list."""

    def __init__(self, nin: int, nout: int, *, seed: int | None = None, rng: random.Random | None = None,
                 **neuron_options: Any) -> None:
        nin = whole("Layer", "nin (its number of inputs)", nin)
        nout = whole("Layer", "nout (its number of neurons)", nout)
        _check_count("Layer", f"a layer of {nout} neurons with {nin} inputs each", (nin + 1) * nout)
        rng = rng or (random.Random(seed) if seed is not None else None)
        self.neurons = [Neuron(nin, fan_out=nout, rng=rng, **neuron_options) for _ in range(nout)]

    def forward(self, x: Sequence[Any] | np.ndarray) -> Value | list[Value]:
        x = columns(x, len(self.neurons[0].w), type(self).__name__)
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def config(self) -> dict[str, Any]:
        first = self.neurons[0].config()
        return {"nin": first["nin"], "nout": len(self.neurons), "activation": first["activation"]}

    def __repr__(self) -> str:
        c = self.config()
        return f"Layer({c['nin']} -> {c['nout']}, {c['activation']}, {len(self.parameters())} parameters)"


class MLP(Module):
    """micrograd's `MLP(nin, nouts)`: hidden layers use `activation` (ReLU), the last layer is linear."""

    def __init__(self, nin: int, nouts: Sequence[int], *, activation: str = "relu", init: str = "uniform",
                 seed: int | None = None) -> None:
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Iterable):
            raise TypeError(f"MLP: nouts must be a list of layer sizes such as [16, 16, 1], got {nouts!r}"
                            + (f" (for one layer of {nouts} outputs write MLP({nin!r}, [{nouts}]))"
                               if isinstance(nouts, numbers.Integral) else ""))
        nouts = list(nouts)
        sizes = [whole("MLP", "nin", nin), *(whole("MLP", f"nouts[{i}]", n) for i, n in enumerate(nouts))]
        if len(sizes) < 2:
            raise ValueError("MLP: nouts needs at least one layer size, got []; e.g. MLP(2, [16, 16, 1])")
        _check_count("MLP", f"a {' -> '.join(map(str, sizes))} network",
                     sum((a + 1) * b for a, b in zip(sizes, sizes[1:])))
        nouts = sizes[1:]
        _check_activation("MLP", activation)
        inits.check(init)
        rng = random.Random(seed) if seed is not None else None
        self.activation = activation
        self.layers = [Layer(sizes[i], sizes[i + 1], activation=activation if i < len(nouts) - 1 else "linear",
                             init=init, rng=rng) for i in range(len(nouts))]

    def forward(self, x: Sequence[Any] | np.ndarray) -> Value | list[Value]:
        inputs = columns(x, len(self.layers[0].neurons[0].w), type(self).__name__)
        out: Value | list[Value] = []
        for layer in self.layers:
            out = layer(inputs)
            inputs = [out] if isinstance(out, Value) else out  # a width-1 hidden layer gives a bare Value
        return out

    def config(self) -> dict[str, Any]:
        return {"nin": self.layers[0].config()["nin"], "nouts": [len(layer.neurons) for layer in self.layers],
                "activation": self.activation, "init": self.layers[0].neurons[0].init}

    def __repr__(self) -> str:
        sizes = " -> ".join(str(n) for n in [self.config()["nin"], *self.config()["nouts"]])
        return f"MLP({sizes}, {self.activation} hidden, linear out, {len(self.parameters())} parameters)"

    def summary(self) -> str:
        """The repr, then one line per layer."""
        return "\n".join([repr(self), *(f"  layers.{i}: {layer!r}" for i, layer in enumerate(self.layers))])
