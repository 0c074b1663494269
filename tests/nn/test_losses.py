"""Losses: values against numpy references (computed stably), gradients against finite differences,
stability at huge logits, and label checking."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Value, gradcheck
from nn import MLP, binary_cross_entropy, cross_entropy, hinge, l1, l2, log_softmax, losses, mse, softmax


def values(xs):
    return [Value(float(x)) for x in xs]


def rows(z):
    return [values(row) for row in z]


def np_logsumexp(z: np.ndarray) -> np.ndarray:
    top = z.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(z - top).sum(axis=-1, keepdims=True)))[..., 0]


def np_cross_entropy(z, y) -> float:
    z = np.asarray(z, dtype=float)
    return float(np.mean(np_logsumexp(z) - z[np.arange(len(y)), y]))


def np_softmax(z) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_exported_from_nn():
    for name in ("mse", "hinge", "binary_cross_entropy", "cross_entropy", "log_softmax", "softmax", "l1", "l2"):
        assert getattr(nn, name) is getattr(losses, name)


# --- values and hand-worked gradients -------------------------------------------------------------------


def test_mse():
    p = values([1.0, 2.0, -1.0])
    loss = mse(p, [0.0, 4.0, -1.0])
    assert loss.data == pytest.approx((1.0 + 4.0 + 0.0) / 3)
    loss.backward()
    # d/dp_i = 2 (p_i - y_i) / n
    assert [v.grad for v in p] == pytest.approx([2 / 3, -4 / 3, 0.0])


def test_mse_accepts_numpy_targets_and_a_single_value():
    assert mse(values([1.0, 3.0]), np.array([1.0, 1.0])).data == pytest.approx(2.0)
    assert mse(Value(3.0), [1.0]).data == pytest.approx(4.0)


def test_hinge():
    s = values([0.5, -2.0, 3.0, 2.0])
    loss = hinge(s, [1, 1, -1, 1])
    # relu(1 - 1*0.5) + relu(1 - 1*(-2)) + relu(1 - (-1)*3) + relu(1 - 1*2) = 0.5 + 3 + 4 + 0, over 4 samples
    assert loss.data == pytest.approx(7.5 / 4)
    loss.backward()
    # d/ds_i = -y_i / n where the margin is violated, 0 where it is met
    assert [v.grad for v in s] == pytest.approx([-0.25, -0.25, 0.25, 0.0])


def test_hinge_is_micrograds_demo_loss():
    s, y = values([0.3, -0.8, 1.7]), np.array([-1, -1, 1])
    expected = sum(max(0.0, 1 - yi * si) for yi, si in zip(y, [0.3, -0.8, 1.7])) / 3  # mean(relu(1 - y*s))
    assert hinge(s, y).data == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(("z", "y"), [([0.3, -1.2, 2.5, 0.0], [1, 0, 1, 0]), ([-4.0, 7.0], [1, 1])])
def test_binary_cross_entropy(z, y):
    zs = values(z)
    loss = binary_cross_entropy(zs, y)
    za, ya = np.array(z), np.array(y)
    assert loss.data == pytest.approx(float(np.mean(np.logaddexp(0.0, za) - ya * za)), rel=1e-12)
    loss.backward()
    # d/dz = (sigmoid(z) - y) / n
    assert [v.grad for v in zs] == pytest.approx(list((1 / (1 + np.exp(-za)) - ya) / len(z)), rel=1e-12)


@pytest.mark.parametrize(("z", "y", "loss", "grad"), [
    (1000.0, 0, 1000.0, 1.0),
    (-1000.0, 1, 1000.0, -1.0),
    (1000.0, 1, 0.0, 0.0),
    (-1000.0, 0, 0.0, 0.0),
])
def test_binary_cross_entropy_is_stable_at_huge_logits(z, y, loss, grad):
    v = Value(z)
    out = binary_cross_entropy([v], [y])
    assert math.isfinite(out.data) and out.data == pytest.approx(loss, abs=1e-12)
    out.backward()
    assert math.isfinite(v.grad) and v.grad == pytest.approx(grad, abs=1e-12)


CE_CASES = [
    pytest.param([[1.0, 2.0, 0.5], [0.1, -0.3, 2.0]], [0, 2], id="small"),
    pytest.param([[1000.0, 0.0, -5.0], [3.0, 1000.0, 999.0]], [0, 2], id="logit-1000"),
    pytest.param([[1000.0, -1000.0], [-1000.0, 1000.0]], [1, 1], id="pm1000"),
    pytest.param([[0.0, 0.0, 0.0, 0.0]], [3], id="uniform-4"),
]


@pytest.mark.parametrize(("z", "y"), CE_CASES)
def test_cross_entropy_against_numpy(z, y):
    zs = rows(z)
    loss = cross_entropy(zs, y)
    assert math.isfinite(loss.data)
    assert loss.data == pytest.approx(np_cross_entropy(z, y), rel=1e-12, abs=1e-12)
    loss.backward()
    # d/dz = (softmax(z) - onehot(y)) / n
    onehot = np.eye(len(z[0]))[y]
    expected = (np_softmax(z) - onehot) / len(z)
    got = np.array([[v.grad for v in row] for row in zs])
    assert np.all(np.isfinite(got))
    assert got == pytest.approx(expected, abs=1e-12)


def test_cross_entropy_accepts_numpy_int_labels_and_tuples():
    z = [(Value(1.0), Value(2.0)), (Value(0.0), Value(-1.0))]
    assert cross_entropy(z, np.array([1, 0], dtype=np.int64)).data == pytest.approx(
        np_cross_entropy([[1.0, 2.0], [0.0, -1.0]], [1, 0]), rel=1e-12)


@pytest.mark.parametrize("z", [[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0], [-1000.0, -1000.0], [5.0]])
def test_log_softmax_and_softmax(z):
    ls = log_softmax(values(z))
    sm = softmax(values(z))
    assert all(math.isfinite(v.data) for v in ls + sm)
    assert [v.data for v in ls] == pytest.approx(list(np.asarray(z) - np_logsumexp(np.asarray(z))), rel=1e-12)
    assert [v.data for v in sm] == pytest.approx(list(np_softmax(z)), rel=1e-12, abs=1e-300)
    assert sum(v.data for v in sm) == pytest.approx(1.0, rel=1e-15)


def test_l2():
    params = values([1.0, -2.0, 0.5])
    penalty = l2(params, 0.1)
    assert penalty.data == pytest.approx(0.1 * (1 + 4 + 0.25), rel=1e-15)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([0.2, -0.4, 0.1], rel=1e-15)  # 2 * alpha * p
    assert l2(values([2.0]), alpha=1e-4).data == pytest.approx(4e-4, rel=1e-15)
    assert l2(values([3.0])).data == pytest.approx(9e-4, rel=1e-15)  # micrograd's 1e-4 is the default


def test_l1():
    params = values([1.0, -2.0, 0.5, 0.0])
    penalty = l1(params, 0.1)
    assert penalty.data == pytest.approx(0.1 * (1 + 2 + 0.5), rel=1e-15)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([0.1, -0.1, 0.1, 0.0], rel=1e-15)  # alpha * sign(p)
    assert l1(values([-3.0])).data == pytest.approx(3e-4, rel=1e-15)  # the same default as l2
    model = MLP(2, [3, 1], seed=0)
    assert l1(model.parameters(), 1e-3).data == pytest.approx(1e-3 * sum(abs(p.data) for p in model.parameters()),
                                                              rel=1e-12)


def test_l2_of_model_parameters():
    model = MLP(2, [3, 1], seed=0)
    expected = 1e-4 * sum(p.data ** 2 for p in model.parameters())
    assert l2(model.parameters(), 1e-4).data == pytest.approx(expected, rel=1e-12)


# --- gradients against finite differences ------------------------------------------------------------------


GRADCHECK_CASES = [
    pytest.param(lambda a, b, c: mse([a, b, c], [0.5, -1.0, 2.0]), (0.3, 0.7, -1.1), id="mse"),
    pytest.param(lambda a, b, c: hinge([a, b, c], [1, -1, 1]), (0.3, 0.7, -1.1), id="hinge"),
    pytest.param(lambda a, b, c: binary_cross_entropy([a, b, c], [1, 0, 0]), (0.3, 0.7, -1.1), id="bce"),
    pytest.param(lambda a, b, c, d, e, f: cross_entropy([[a, b, c], [d, e, f]], [2, 0]),
                 (0.3, 0.7, -1.1, 2.0, -0.5, 0.1), id="cross_entropy"),
    pytest.param(lambda a, b, c: log_softmax([a, b, c])[1] * 2.0 + log_softmax([a, b, c])[2],
                 (0.3, 0.7, -1.1), id="log_softmax"),
    pytest.param(lambda a, b, c: softmax([a, b, c])[0] - softmax([a, b, c])[2] * 3.0, (0.3, 0.7, -1.1),
                 id="softmax"),
    pytest.param(lambda a, b, c: l2([a, b, c], 0.3), (0.3, 0.7, -1.1), id="l2"),
    pytest.param(lambda a, b, c: l1([a, b, c], 0.3), (0.3, 0.7, -1.1), id="l1"),
]


@pytest.mark.parametrize(("f", "x"), GRADCHECK_CASES)
def test_gradcheck(f, x):
    assert gradcheck(f, *x)


@pytest.mark.parametrize(("loss", "y", "width"), [
    ("mse", [0.5, -1.0, 2.0], 1), ("hinge", [1, -1, 1], 1), ("bce", [1, 0, 1], 1), ("cross_entropy", [2, 0, 1], 3),
])
def test_model_gradient_against_central_differences(loss, y, width):
    """Every parameter's gradient through a small tanh MLP and the loss, against central differences."""
    model = MLP(2, [4, width], activation="tanh", seed=3)
    X = [[0.5, -1.0], [1.5, 0.2], [-0.7, 0.9]]
    fn = losses.get(loss)

    def value() -> Value:
        return fn([model(x) for x in X], y) + l2(model.parameters(), 0.01)

    model.zero_grad()
    value().backward()
    analytic = [p.grad for p in model.parameters()]
    eps = 1e-6
    for p, g in zip(model.parameters(), analytic):
        x0 = p.data
        p.data = x0 + eps
        up = value().data
        p.data = x0 - eps
        down = value().data
        p.data = x0
        assert g == pytest.approx((up - down) / (2 * eps), rel=1e-4, abs=1e-7)


# --- label and shape errors ------------------------------------------------------------------------------


LABEL_ERRORS = [
    pytest.param(hinge, values([0.1, 0.2]), [0, 1], id="hinge-01"),
    pytest.param(hinge, values([0.1, 0.2]), [1, 2], id="hinge-2"),
    pytest.param(hinge, values([0.1, 0.2]), [1, 0.5], id="hinge-half"),
    pytest.param(binary_cross_entropy, values([0.1, 0.2]), [-1, 1], id="bce-pm1"),
    pytest.param(binary_cross_entropy, values([0.1, 0.2]), [0, 2], id="bce-2"),
    pytest.param(binary_cross_entropy, values([0.1, 0.2]), [0.5, 1], id="bce-half"),
    pytest.param(cross_entropy, rows([[0.1, 0.2, 0.3]] * 2), [0, 3], id="ce-k"),
    pytest.param(cross_entropy, rows([[0.1, 0.2, 0.3]] * 2), [0, 1.5], id="ce-1.5"),
    pytest.param(cross_entropy, rows([[0.1, 0.2, 0.3]] * 2), [-1, 0], id="ce-negative"),
    pytest.param(cross_entropy, rows([[0.1, 0.2, 0.3]] * 2), [0, float("nan")], id="ce-nan"),
    pytest.param(mse, values([0.1, 0.2]), [0.0, float("nan")], id="mse-nan"),
    pytest.param(mse, values([0.1, 0.2]), [0.0, float("inf")], id="mse-inf"),
]


@pytest.mark.parametrize(("loss", "predictions", "labels"), LABEL_ERRORS)
def test_bad_labels_raise(loss, predictions, labels):
    with pytest.raises(ValueError):
        loss(predictions, labels)


@pytest.mark.parametrize("loss", [mse, hinge, binary_cross_entropy])
def test_length_mismatch_raises(loss):
    with pytest.raises(ValueError, match="3"):
        loss(values([0.1, 0.2, 0.3]), [1, 1])
    with pytest.raises(ValueError):
        loss(values([0.1]), [1, 1])


def test_cross_entropy_length_mismatch_raises():
    with pytest.raises(ValueError):
        cross_entropy(rows([[0.1, 0.2]] * 3), [1, 1])


@pytest.mark.parametrize("loss", [mse, hinge, binary_cross_entropy, cross_entropy])
def test_empty_batch_raises(loss):
    with pytest.raises(ValueError, match="empty"):
        loss([], [])


@pytest.mark.parametrize("predictions", [
    pytest.param(values([0.1, 0.2]), id="scalars"),
    pytest.param([values([0.1, 0.2]), values([0.1, 0.2, 0.3])], id="ragged"),
    pytest.param([values([0.1])] * 2, id="one-class"),
])
def test_cross_entropy_needs_k_logits_per_sample(predictions):
    with pytest.raises(ValueError):
        cross_entropy(predictions, [0, 0])


def test_get():
    assert losses.get("hinge") is hinge
    assert losses.get("cross_entropy") is cross_entropy
    assert losses.get(mse) is mse
    with pytest.raises(ValueError, match="nope"):
        losses.get("nope")


def test_one_hot_and_cross_entropy_share_the_class_label_check_and_name_the_bad_labels():
    from nn.data import one_hot

    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"one_hot: labels must be integers 0\.\.2, got \[0\.5, 3\.0\]"):
        one_hot([0, 3, 0.5, 1], 3)
    with pytest.raises(ValueError, match=r"cross_entropy: labels must be integers 0\.\.1, got \[2\.0\]"):
        cross_entropy([[Value(0.0), Value(1.0)], [Value(1.0), Value(0.0)]], [0, 2])
