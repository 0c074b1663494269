"""explain_layers: the textbook's matrix form of backprop, checked against backward() on the scalars."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from nn import MLP
from nn.explain import MAX_PATHS, TOLERANCE, BackpropMismatch, backprop, explain_layers

backprop_module = importlib.import_module("nn.backprop")  # where backprop reads slope (a module: nn may shadow names)


def grads_after_backward(model: MLP, x: list[float], y: float) -> dict[str, float]:
    """What a plain micrograd-style backward() gives, for an independent check."""
    model.zero_grad()
    loss = (model(x) - y) ** 2
    loss.backward()
    return {name: float(p.grad) for name, p in model.named_parameters()}


def test_one_sample_matches_backward_and_writes_the_path_as_the_books_do(capsys):
    model = MLP(2, [3, 1], seed=0)
    want = grads_after_backward(model, [0.5, -1.0], 1.0)
    for p in model.parameters():
        p.grad = 5.0  # explain_layers puts the grads back as it found them
    result = explain_layers(model, [0.5, -1.0], 1.0, loss="mse", weight="w1_2,1")
    assert all(p.grad == 5.0 for p in model.parameters())
    assert result.worst <= TOLERANCE and set(result.differences) >= {"C", "z^1", "delta^1", "dC/dW^2", "dC/db^1"}
    assert result.gradient == pytest.approx(want["layers.0.neurons.1.w.0"], rel=1e-15)
    assert np.allclose(result.numbers.dW[0], [[want[f"layers.0.neurons.{j}.w.{k}"] for k in range(2)]
                                              for j in range(3)], rtol=1e-15, atol=0)
    text = capsys.readouterr().out
    assert text == result.text + "\n" and "1 sample" in text
    assert "  dC/dw1_2,1 = dC/dz2_1 * dz2_1/da1_2 * da1_2/dz1_2 * dz1_2/dw1_2,1" in text
    assert "             = dC/dz2_1 * w2_1,2 * relu'(z1_2) * x1" in text  # no partial sums, no factors of 1.0
    assert "delta^1 = (W^2)^T delta^2 * act'(z^1)" in text and str(result) == result.text
    assert repr(result).startswith("LayerExplanation(dC/dw1_2,1 = 0.459404, largest difference from backward() ")


def test_a_batch_sums_over_its_samples_as_the_mean_loss_does():
    model = MLP(2, [3, 2, 1], activation="tanh", seed=1)
    X, y = np.array([[0.5, -1.0], [1.0, 2.0], [0.0, 0.3]]), np.array([1.0, -1.0, 1.0])
    batch = explain_layers(model, X, y, loss="hinge", show=False)
    singles = [explain_layers(model, x, t, loss="hinge", show=False) for x, t in zip(X, y)]
    for layer in range(3):
        mean = sum(s.numbers.dW[layer] for s in singles) / len(X)
        assert np.allclose(batch.numbers.dW[layer], mean, rtol=1e-13, atol=1e-16)
    assert batch.worst <= TOLERANCE and "3 samples" in batch.text and "carries its 1/3" in batch.text
    assert "path 2:" in batch.text and "summed over samples" in batch.text  # two units above: two paths


@pytest.mark.parametrize("activation,loss,y", [("sigmoid", "bce", [1.0, 0.0]), ("leaky_relu", "mse", [0.3, -0.2]),
                                                ("tanh", lambda p, t: ((p - t) ** 4).mean(), [0.5, 1.0])])
def test_every_activation_and_a_loss_of_your_own_agree_with_backward(activation, loss, y):
    model = MLP(3, [4, 4, 1], activation=activation, seed=2)
    result = explain_layers(model, np.array([[0.2, -3.0, 1.0], [4.0, 0.5, -0.7]]), y, loss=loss, show=False)
    assert result.worst <= TOLERANCE


def test_softmax_cross_entropy_and_saturated_units_agree_too():
    model = MLP(2, [4, 3], activation="tanh", seed=3)
    model.load_state_dict({k: v * 30 for k, v in model.state_dict().items()})  # tanh' ~ 1e-20 where saturated
    result = explain_layers(model, np.array([[1.0, 2.0], [-1.0, 0.5]]), [2, 0], loss="cross_entropy", show=False)
    assert result.worst <= TOLERANCE and result.numbers.dC_da.shape == (2, 3)


def test_a_wrong_derivative_is_caught(monkeypatch):
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    monkeypatch.setattr(backprop_module, "slope", lambda act, z: 1.0 - np.tanh(z))  # not tanh' at all
    with pytest.raises(BackpropMismatch, match=r"delta\^1 .*gradcheck"):
        explain_layers(model, [0.5, -1.0], 1.0, show=False)
    flagged = explain_layers(model, [0.5, -1.0], 1.0, show=False, strict=False)
    assert flagged.worst > TOLERANCE and "MISMATCH with backward() in delta^1" in flagged.text


def test_many_paths_are_grouped_and_weights_are_found_by_any_name():
    model = MLP(2, [3, 3, 1], seed=4)
    assert "path 3:" in explain_layers(model, [1.0, 2.0], 0.0, show=False).text  # a path through each unit above
    wide = MLP(2, [3, MAX_PATHS + 1, 1], seed=4)
    text = explain_layers(wide, [1.0, 2.0], 0.0, show=False).text
    assert "path 1" not in text and f"more than {MAX_PATHS} paths" in text and "delta1_1 * x1" in text
    by_name = explain_layers(model, [1.0, 2.0], 0.0, weight="layers.1.neurons.2.w.0", show=False)
    by_value = explain_layers(model, [1.0, 2.0], 0.0, weight=model.layers[1].neurons[2].w[0], show=False)
    assert by_name.weight == by_value.weight == "w2_3,1" and "delta2_3 * a1_1" in by_name.text
    with pytest.raises(ValueError, match="'w9_1,1' is not a weight of this MLP"):
        explain_layers(model, [1.0, 2.0], 0.0, weight="w9_1,1")


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="explain_layers: model must be an nn Module"):
        explain_layers("model", [1.0], 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expects 2 features"):
        explain_layers(MLP(2, [1]), [1.0, 2.0, 3.0], 1.0)
    with pytest.raises(ValueError, match="hinge: labels must be -1 or \\+1"):
        backprop(MLP(2, [1]), np.ones((2, 2)), np.array([0.0, 1.0]), "hinge")
    with pytest.raises(TypeError, match="backprop: needs an MLP"):
        backprop(MLP(2, [1]).layers[0], np.ones((1, 2)), np.ones(1))  # a Layer: no layers of neurons
