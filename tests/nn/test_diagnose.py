"""diagnose: dead and saturated units, vanishing and exploding gradients, the first NaN; and fit's epoch check."""

from __future__ import annotations

import numpy as np
import pytest

from nn import MLP
from nn.data import make_moons
from nn.diagnose import ADVICE, EXPLODING, VANISHING, check_epoch, diagnose
from nn.explain import backprop


@pytest.fixture(scope="module")
def moons():
    return make_moons(64, noise=0.1, seed=0)


def scaled(model: MLP, factor: float, which: str = ".w.") -> MLP:
    model.load_state_dict({k: v * factor if which in k else v for k, v in model.state_dict().items()})
    return model


def test_a_deep_sigmoid_with_small_weights_vanishes_and_tanh_with_xavier_is_healthy(moons, capsys):
    X, y = moons
    report = diagnose(scaled(MLP(2, [8] * 5 + [1], activation="sigmoid", seed=0), 0.5), X, y, loss="bce")
    assert [f.kind for f in report.findings] == ["vanishing"]
    assert report.findings[0].where == ["layers.0", "layers.1", "layers.2"]  # under 1% of the last layer's norm
    assert report.norms[0] < VANISHING * report.norms[-1] and all(r < 0.5 for r in report.ratios)
    printed = capsys.readouterr().out
    assert printed == str(report) + "\n" and "vanishing: layer 1's gradient norm" in printed
    assert f"try: {ADVICE['vanishing']}" in printed
    assert repr(report) == "Diagnosis(vanishing; print() it for the details)"
    healthy = diagnose(MLP(2, [8] * 5 + [1], activation="tanh", init="xavier", seed=0), X, y, loss="bce", show=False)
    assert healthy.healthy and "no problem found" in str(healthy) and capsys.readouterr().out == ""
    nb = backprop(MLP(2, [8] * 5 + [1], activation="tanh", init="xavier", seed=0), X, y, "bce")
    assert healthy.norms[2] == pytest.approx(np.sqrt(np.sum(nb.dW[2] ** 2) + np.sum(nb.db[2] ** 2)), rel=1e-15)


def test_dead_relu_units_are_named(moons):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    model.layers[0].neurons[2].b.data = -10.0  # z < 0 for every moons sample: the unit never fires
    report = diagnose(model, X, y, loss="bce", show=False)
    assert report.dead == ["layers.0.neurons.2 (a1_3)"] and report.findings[0].kind == "dead"
    assert "1 ReLU unit never active on these samples" in str(report)


def test_saturated_units_are_named(moons):
    X, y = moons
    report = diagnose(scaled(MLP(2, [8, 1], activation="tanh", seed=0), 20.0, ""), X, y, loss="bce", show=False)
    assert "saturated" in [f.kind for f in report.findings] and len(report.saturated) >= 4
    assert all(name.startswith("layers.0.neurons.") for name in report.saturated)


def test_too_large_relu_weights_explode(moons):
    X, y = moons
    report = diagnose(scaled(MLP(2, [8] * 5 + [1], init="he", seed=0), 3.0), X, y, loss="bce", show=False)
    exploding = next(f for f in report.findings if f.kind == "exploding")
    assert exploding.where == [f"layers.{k}" for k in range(6)] and min(report.norms) > EXPLODING


def test_the_first_nan_or_inf_is_named_where_it_starts(moons):
    X, y = moons
    model = MLP(2, [8, 1], seed=0)
    model.layers[1].neurons[0].w[3].data = float("nan")
    report = diagnose(model, X, y, loss="bce", show=False)
    assert report.findings[0].kind == "nonfinite" and report.findings[0].where == ["w2_1,4"]
    assert "w2_1,4 (layers.1.neurons.0.w.3) is nan" in report.nonfinite
    overflow = diagnose(scaled(MLP(2, [8, 1], seed=0), 1e200, ""), X, y, loss="mse", show=False)
    assert overflow.nonfinite.startswith("z2_1 (layers.1.neurons.0) is inf on sample 0")
    assert overflow.findings[0].where == ["z2_1"]
    assert [f.kind for f in overflow.findings] == ["nonfinite"]  # norms of NaN say nothing more


def test_fits_epoch_check_reports_each_problem_once(moons):
    X, y = moons

    class Epochs:  # what check_epoch reads of fit's History
        epochs = 3

    said: list[str] = []
    model = MLP(2, [4, 1], seed=0)
    model.layers[0].neurons[2].b.data = -10.0
    first = check_epoch(model, (X, y), Epochs(), loss="bce", out=said.append)
    second = check_epoch(model, (X, y), Epochs(), loss="bce", previous=first, out=said.append)
    assert len(said) == 1 and said[0].startswith("diagnose after epoch 3:\ndead: 1 ReLU unit")
    assert second.dead == first.dead
    model.layers[0].neurons[0].b.data = -10.0  # a second unit dies: that is news
    check_epoch(model, (X, y), Epochs(), loss="bce", previous=second, out=said.append)
    assert len(said) == 2 and "layers.0.neurons.0 (a1_1)" in said[1]


def test_bad_arguments_are_named(moons):
    X, y = moons
    with pytest.raises(ValueError, match="diagnose: X has 64 samples but y has 3"):
        diagnose(MLP(2, [1]), X, y[:3])
    with pytest.raises(TypeError, match="diagnose: needs an MLP"):
        diagnose(MLP(2, [2]).layers[0], X, y)


def test_fit_with_diagnose_reports_once_and_records_every_epoch(capsys) -> None:
    from nn import MLP, fit
    from nn.data import make_moons

    X, y = make_moons(64, noise=0.1, seed=0)
    deep = MLP(2, [8] * 5 + [1], activation="sigmoid", seed=0)
    history = fit(deep, X, y, loss="bce", epochs=3, progress=False, diagnose=True)
    printed = capsys.readouterr().out
    assert printed.count("vanishing: layer 1's gradient norm") == 1  # new findings only, not every epoch
    assert history["problems"] == [1.0, 1.0, 1.0] and len(history.health) == 3
    assert history.health[-1].findings[0].kind == "vanishing"
    healthy = fit(MLP(2, [8, 1], activation="tanh", init="xavier", seed=0), X, y, loss="bce", epochs=2,
                  progress=False)
    assert "problems" not in healthy and healthy.health == []
