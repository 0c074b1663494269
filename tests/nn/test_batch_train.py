"""Batch mode in nn: models called on a 2-D array, losses on Batches, and fit/predict/evaluate with one graph
per minibatch, each checked against the scalar path (one graph per sample)."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Batch, Value
from nn import (
    MLP,
    SGD,
    Adam,
    Layer,
    LinearDecay,
    Module,
    Neuron,
    binary_cross_entropy,
    cross_entropy,
    evaluate,
    fit,
    hinge,
    l2,
    log_softmax,
    mse,
    predict,
    softmax,
)
from nn.data import make_moons, make_spiral


def grads(model) -> np.ndarray:
    return np.array([p.grad for p in model.parameters()])


def assert_relative(actual: np.ndarray, expected: np.ndarray, rtol: float = 1e-12) -> None:
    """Each entry within rtol of the expected one (zeros must be exactly zero)."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0.0)


# --- models on a 2-D array --------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "exact"), [
    (lambda: MLP(2, [5, 4, 1], seed=0), True),  # +, *, relu: the same float ops in the same order, the same bits
    (lambda: MLP(2, [4, 3], seed=0, activation="tanh"), False),  # numpy's tanh may differ from math.tanh by an ulp
    (lambda: Layer(2, 3, seed=0), True),
    (lambda: Neuron(2, seed=0), True),
])
def test_a_model_called_on_an_array_gives_batches_equal_to_the_per_sample_outputs(make, exact):
    X, _ = make_moons(9, seed=1)
    model = make()
    out = model(X)
    outs = out if isinstance(out, list) else [out]
    assert all(isinstance(o, Batch) and o.data.shape == (9,) for o in outs)
    for k, x in enumerate(X):
        scalar = model(list(x))
        scalar = scalar if isinstance(scalar, list) else [scalar]
        batch = [float(o.data[k]) for o in outs]
        if exact:
            assert batch == [s.data for s in scalar]
        else:
            np.testing.assert_allclose(batch, [s.data for s in scalar], rtol=1e-14)


def test_a_model_called_on_an_array_of_the_wrong_width_raises():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="expects 2 features"):
        model(np.ones((4, 3)))
    with pytest.raises(ValueError, match="expects 2"):
        Neuron(2, seed=0)(np.ones((4, 1)))
    assert isinstance(model([0.5, -0.5]), Value) and not isinstance(model([0.5, -0.5]), Batch)


# --- losses --------------------------------------------------------------------------------------------------


def loss_pair(loss, scores: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The loss in batch and scalar mode on the same scores: values and d loss / d scores."""
    batch = Value(scores)
    lb = loss(batch, y)
    lb.backward()
    scalars = [Value(s) for s in scores]
    ls = loss(scalars, y)
    ls.backward()
    return lb.data, ls.data, batch.grad, np.array([s.grad for s in scalars])


@pytest.mark.parametrize(("loss", "y"), [
    (mse, np.array([0.5, -1.0, 2.0, 0.0, 1.5])),
    (hinge, np.array([1, -1, 1, 1, -1])),
    (binary_cross_entropy, np.array([0, 1, 1, 0, 1])),
])
def test_losses_on_a_batch_equal_the_scalar_losses(loss, y):
    scores = np.array([0.3, -2.0, 1.7, 800.0, -800.0])
    vb, vs, gb, gs = loss_pair(loss, scores, y)
    assert vb == pytest.approx(vs, rel=1e-14)
    assert_relative(gb, gs, 1e-14)


def test_cross_entropy_on_k_batches_equals_the_scalar_loss_and_is_stable():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 3)) * 3
    z[0] = [1000.0, -1000.0, 999.0]  # e^1000 would overflow without the per-sample max
    y = np.array([0, 2, 1, 1, 0, 2])
    batch = [Value(z[:, j]) for j in range(3)]
    lb = cross_entropy(batch, y)
    lb.backward()
    scalars = [[Value(v) for v in row] for row in z]
    ls = cross_entropy(scalars, y)
    ls.backward()
    assert np.isfinite(lb.data) and lb.data == pytest.approx(ls.data, rel=1e-13)
    for j in range(3):
        assert_relative(batch[j].grad, np.array([row[j].grad for row in scalars]), 1e-12)
    probs = softmax(batch)
    np.testing.assert_allclose(sum(p.data for p in probs), 1.0)
    assert all(isinstance(v, Batch) for v in log_softmax(batch))


@pytest.mark.parametrize(("loss", "labels", "match"), [
    (hinge, [0, 1, 1], "hinge: labels must be -1 or"),
    (binary_cross_entropy, [-1, 1, 1], "labels must be 0 or 1"),
    (mse, [0.0, np.nan, 1.0], "finite"),
    (mse, [0.0, 1.0], "3 predictions but 2 targets"),
])
def test_labels_are_checked_in_batch_mode_too(loss, labels, match):
    with pytest.raises(ValueError, match=match):
        loss(Value(np.array([0.1, 0.2, 0.3])), np.array(labels))


@pytest.mark.parametrize(("logits", "labels", "match"), [
    ([np.ones(3), np.ones(3)], [0, 2, 1], r"integers 0\.\.1"),
    ([np.ones(3), np.ones(3)], [0, 0.5, 1], r"integers 0\.\.1"),
    ([np.ones(3), np.ones(2)], [0, 1, 1], "same length"),
    ([np.ones(3)], [0, 0, 0], "k >= 2"),
    ([np.ones(3), np.ones(3)], [0, 1], "3 predictions but 2"),
])
def test_cross_entropy_checks_labels_and_shapes_in_batch_mode(logits, labels, match):
    with pytest.raises(ValueError, match=match):
        cross_entropy([Value(z) for z in logits], np.array(labels))
    with pytest.raises(ValueError, match="k >= 2"):
        cross_entropy(Value(np.ones(3)), np.array([0, 1, 0]))


def test_a_multi_output_batch_is_refused_by_one_score_losses():
    with pytest.raises(ValueError, match="one score per sample"):
        mse([Value(np.ones(3)), Value(np.ones(3))], np.zeros(3))


# --- micrograd's demo: batch gradients are the scalar engine's ------------------------------------------------


def test_micrograd_demo_gradients_in_batch_mode_equal_the_scalar_engines():
    X, y = make_moons(100, noise=0.1, seed=0)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1], seed=1337)
    params = model.parameters()
    scalar = hinge([model(list(x)) for x in X], y) + l2(params, 1e-4)
    scalar.backward()
    expected = grads(model)
    model.zero_grad()
    batch = hinge(model(X), y) + l2(params, 1e-4)
    batch.backward()
    assert len(params) == 337 and np.count_nonzero(expected) > 300
    assert batch.data == pytest.approx(scalar.data, rel=1e-14)
    assert_relative(grads(model), expected, 1e-12)  # the same sums, taken in another order


# --- fit, predict, evaluate ---------------------------------------------------------------------------------------


def test_batch_fit_reaches_100_percent_on_moons_like_the_scalar_one():
    X, y = make_moons(100, noise=0.1, seed=0)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1], seed=1337)
    opt = SGD(model.parameters(), lr=1.0)
    history = fit(model, X, y, loss="hinge", optimizer=opt, epochs=100, l2=1e-4,
                  schedule=LinearDecay(opt, total=100), progress=False)
    assert history["accuracy"][-1] == 1.0
    assert evaluate(model, X, y, loss="hinge")["accuracy"] == 1.0


def test_batch_and_scalar_fit_take_the_same_steps():
    X, y = make_moons(30, noise=0.1, seed=0)
    y = y * 2 - 1
    runs = []
    for batch_mode in (True, False):
        model = MLP(2, [6, 1], seed=3)
        history = fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.2), epochs=3, batch_size=8,
                      l2=1e-3, progress=False, batch_mode=batch_mode)
        runs.append((history, np.array([p.data for p in model.parameters()])))
    (hb, pb), (hs, ps) = runs
    np.testing.assert_allclose(hb["loss"], hs["loss"], rtol=1e-12)
    np.testing.assert_allclose(pb, ps, rtol=1e-10)
    assert hb["accuracy"] == hs["accuracy"]
    for name in hb.grad_norms:
        np.testing.assert_allclose(hb.grad_norms[name], hs.grad_norms[name], rtol=1e-10)


def test_predict_and_evaluate_in_both_modes_agree():
    X, y = make_spiral(40, classes=3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    scores = predict(model, X, compile=False)
    assert scores.shape == (40, 3) and scores.dtype == np.float64
    assert np.array_equal(scores, predict(model, X, batch_mode=False))
    np.testing.assert_allclose(predict(model, X), scores, rtol=1e-13, atol=1e-15)  # compiled: matmul's sums
    batch, scalar = evaluate(model, X, y, loss="cross_entropy"), evaluate(model, X, y, "cross_entropy",
                                                                          batch_mode=False)
    assert batch["accuracy"] == scalar["accuracy"] and batch["loss"] == pytest.approx(scalar["loss"], rel=1e-13)
    single = MLP(2, [4, 1], seed=0)
    assert predict(single, X).shape == (40,)
    assert all(p.grad == 0.0 for p in model.parameters())


def test_cross_entropy_fit_in_batch_mode_learns():
    X, y = make_spiral(60, classes=3, seed=0)
    model = MLP(2, [16, 3], seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05), epochs=30,
                  batch_size=20, progress=False)
    assert history["loss"][-1] < 0.8 * history["loss"][0]


def test_a_model_for_scalars_only_gets_a_hint_to_use_batch_mode_false():
    class Scalar(Module):
        def __init__(self):
            self.w = Value(0.5)

        def forward(self, x):
            return self.w * float(x[0].data if isinstance(x[0], Value) else x[0])

    X, y = make_moons(10, seed=0)
    with pytest.raises(TypeError, match="batch_mode=False"):
        predict(Scalar(), X)
    assert predict(Scalar(), X, batch_mode=False).shape == (10,)
    fit(Scalar(), X, y * 2 - 1, loss="hinge", epochs=1, progress=False, batch_mode=False)
