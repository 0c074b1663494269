"""Weight initialisation schemes: ranges and scales checked statistically on a big layer."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from nn import MLP, Layer
from nn import init as inits

FAN_IN, FAN_OUT = 300, 100  # different fans, so Xavier (both fans) and He (fan-in only) are told apart

# scheme: (distribution, bound of the uniform or None, expected standard deviation)
SCHEMES = {
    "uniform": ("uniform", 1.0, 1.0 / math.sqrt(3.0)),  # micrograd: U(-1, 1)
    "xavier": ("uniform", math.sqrt(6.0 / (FAN_IN + FAN_OUT)), math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
    "xavier_normal": ("normal", None, math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
    "he": ("normal", None, math.sqrt(2.0 / FAN_IN)),
    "he_uniform": ("uniform", math.sqrt(6.0 / FAN_IN), math.sqrt(2.0 / FAN_IN)),
}


def layer_weights(init: str) -> tuple[np.ndarray, np.ndarray]:
    layer = Layer(FAN_IN, FAN_OUT, init=init, seed=0)
    w = np.array([w.data for n in layer.neurons for w in n.w])
    b = np.array([n.b.data for n in layer.neurons])
    return w, b


def test_scheme_names():
    assert set(inits.SCHEMES) == set(SCHEMES)


@pytest.mark.parametrize("init", SCHEMES)
def test_scheme_statistics(init):
    kind, bound, std = SCHEMES[init]
    w, b = layer_weights(init)
    assert w.shape == (FAN_IN * FAN_OUT,)
    assert np.all(b == 0.0)
    assert abs(w.mean()) < 0.05 * std
    assert w.std() == pytest.approx(std, rel=0.05)
    if kind == "uniform":
        assert np.all(np.abs(w) <= bound)
        assert np.abs(w).max() > 0.99 * bound  # it fills the range
        # uniform: about a tenth of the draws in each tenth of the range
        counts, _ = np.histogram(w, bins=10, range=(-bound, bound))
        assert np.all(np.abs(counts / len(w) - 0.1) < 0.02)
    else:
        # normal: about 68% within one sd, 95% within two, and some beyond three sds
        within = [np.mean(np.abs(w) < k * std) for k in (1, 2)]
        assert within[0] == pytest.approx(0.6827, abs=0.02)
        assert within[1] == pytest.approx(0.9545, abs=0.01)
        assert np.abs(w).max() > 3 * std


def test_xavier_and_he_use_the_right_fans():
    # the same scheme on a layer with a different fan-out: He ignores it, Xavier does not
    wide = np.array([w.data for n in Layer(FAN_IN, 10, init="he", seed=1).neurons for w in n.w])
    assert wide.std() == pytest.approx(math.sqrt(2.0 / FAN_IN), rel=0.05)
    narrow = np.array([w.data for n in Layer(FAN_IN, 10, init="xavier", seed=1).neurons for w in n.w])
    assert narrow.std() == pytest.approx(math.sqrt(2.0 / (FAN_IN + 10)), rel=0.05)


def test_mlp_passes_init_and_fans_to_each_layer():
    model = MLP(FAN_IN, [FAN_OUT, 1], init="he", seed=0)
    first = np.array([w.data for n in model.layers[0].neurons for w in n.w])
    assert first.std() == pytest.approx(math.sqrt(2.0 / FAN_IN), rel=0.05)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


@pytest.mark.parametrize("init", SCHEMES)
def test_weights_function(init):
    rng = random.Random(0)
    w = inits.weights(init, 7, 3, rng)
    assert len(w) == 7 and all(isinstance(x, float) for x in w)
    assert inits.weights(init, 7, 3, random.Random(0)) == w


def test_unknown_scheme():
    with pytest.raises(ValueError, match="kaiming") as info:
        inits.check("kaiming")
    assert all(name in str(info.value) for name in SCHEMES)
    with pytest.raises(ValueError):
        inits.weights("kaiming", 3, 1, random.Random(0))
