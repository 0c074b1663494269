"""Toy datasets: shapes, dtypes, label sets, balance, geometry, seeding, global state, bad arguments."""

from __future__ import annotations

import random

import numpy as np
import pytest
from nn_cases import numpy_state, same_numpy_state

from nn.data import make_blobs, make_circles, make_moons, make_regression, make_spiral, make_xor, train_test_split

# name: (generator, kwargs, features, labels or None for a float target, balanced)
GENERATORS = {
    "moons": (make_moons, {"n_samples": 100, "noise": 0.1}, 2, {0, 1}, True),
    "circles": (make_circles, {"n_samples": 100, "noise": 0.05}, 2, {0, 1}, True),
    "xor": (make_xor, {"n_samples": 100, "noise": 0.1}, 2, {0, 1}, False),
    "spiral": (make_spiral, {"n_samples": 90, "classes": 3}, 2, {0, 1, 2}, True),
    "spiral5": (make_spiral, {"n_samples": 100, "classes": 5}, 2, {0, 1, 2, 3, 4}, True),
    "blobs": (make_blobs, {"n_samples": 60, "centers": 4}, 2, {0, 1, 2, 3}, True),
    "blobs3d": (make_blobs, {"n_samples": 30, "centers": 3, "dims": 3}, 3, {0, 1, 2}, True),
    "regression": (make_regression, {"n_samples": 50, "n_features": 3}, 3, None, False),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_shapes_dtypes_labels(name):
    make, kwargs, features, labels, balanced = GENERATORS[name]
    X, y = make(**kwargs, seed=0)
    n = kwargs["n_samples"]
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    assert X.shape == (n, features) and X.dtype == np.float64
    assert y.shape == (n,)
    assert np.all(np.isfinite(X))
    if labels is None:
        assert y.dtype == np.float64 and np.all(np.isfinite(y))
    else:
        assert np.issubdtype(y.dtype, np.integer)
        assert set(y.tolist()) == labels
        if balanced:
            counts = np.bincount(y)
            assert counts.max() - counts.min() == 0  # n is a multiple of the number of classes


@pytest.mark.parametrize(("make", "kwargs", "k"), [
    (make_moons, {"n_samples": 101}, 2), (make_circles, {"n_samples": 7}, 2),
    (make_spiral, {"n_samples": 100, "classes": 3}, 3), (make_blobs, {"n_samples": 11, "centers": 3}, 3),
])
def test_balanced_within_one_for_any_n(make, kwargs, k):
    _, y = make(**kwargs, seed=1)
    counts = np.bincount(y, minlength=k)
    assert len(y) == kwargs["n_samples"]
    assert counts.max() - counts.min() <= 1


def test_labels_are_shuffled():
    _, y = make_moons(100, seed=0)
    assert not np.all(y[:50] == y[0])  # not all of one class first, as unshuffled generators give


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_data_different_seed_different(name):
    make, kwargs, *_ = GENERATORS[name]
    X1, y1 = make(**kwargs, seed=7)
    X2, y2 = make(**kwargs, seed=7)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    X3, _ = make(**kwargs, seed=8)
    assert not np.array_equal(X1, X3)
    X4, y4 = make(**kwargs, seed=np.random.default_rng(7))  # a Generator works as a seed too
    assert np.array_equal(X1, X4) and np.array_equal(y1, y4)


@pytest.mark.parametrize("name", GENERATORS)
def test_global_random_state_untouched(name):
    make, kwargs, *_ = GENERATORS[name]
    np.random.seed(123)
    random.seed(123)
    before, py_before = numpy_state(), random.getstate()
    make(**kwargs, seed=3)
    make(**kwargs)
    assert same_numpy_state(numpy_state(), before)
    assert random.getstate() == py_before


def test_global_seed_plays_no_part():
    np.random.seed(1)
    a = make_moons(50, seed=4)
    np.random.seed(2)
    b = make_moons(50, seed=4)
    assert np.array_equal(a[0], b[0])


# --- geometry without noise -----------------------------------------------------------------------------


def test_moons_geometry():
    X, y = make_moons(200, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0) and np.all(upper[:, 1] >= -1e-12)
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0) and np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_circles_geometry():
    X, y = make_circles(100, noise=0.0, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)


def test_xor_geometry():
    X, y = make_xor(200, noise=0.0, seed=0)
    assert set(np.abs(X).ravel().tolist()) == {1.0}
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(y.dtype))
    X, y = make_xor(400, noise=0.2, seed=1)
    assert np.mean(y == (np.sign(X[:, 0]) != np.sign(X[:, 1]))) > 0.99
    assert 0.4 < y.mean() < 0.6


def test_spiral_geometry():
    X, y = make_spiral(300, classes=3, noise=0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.0 and r.max() == pytest.approx(1.0)
    # with no noise the arms are rotated copies: same radii in each class
    assert np.allclose(np.sort(r[y == 0])[1:], np.sort(r[y == 1])[1:], atol=0.02)


def test_blobs_points_are_nearest_their_own_centre():
    X, y = make_blobs(120, centers=3, std=0.5, box=10.0, seed=0)
    centres = np.array([X[y == k].mean(axis=0) for k in range(3)])
    assert np.all(np.abs(centres) <= 10.5)
    nearest = np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    assert np.mean(nearest == y) > 0.95
    assert np.std(X[y == 0] - centres[0]) == pytest.approx(0.5, rel=0.3)


def test_regression_is_linear():
    X, y = make_regression(80, n_features=3, noise=0.0, seed=0)
    A = np.c_[X, np.ones(len(X))]
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    assert np.allclose(A @ coef, y, atol=1e-10)
    X, y = make_regression(2000, n_features=2, noise=0.5, seed=0)
    A = np.c_[X, np.ones(len(X))]
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    assert np.std(y - A @ coef) == pytest.approx(0.5, rel=0.1)


# --- bad arguments --------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    pytest.param(lambda: make_moons(0), id="moons-n0"),
    pytest.param(lambda: make_moons(-5), id="moons-negative"),
    pytest.param(lambda: make_moons(2.5), id="moons-float"),
    pytest.param(lambda: make_moons("10"), id="moons-str"),
    pytest.param(lambda: make_moons(None), id="moons-none"),
    pytest.param(lambda: make_moons(10, noise=-0.1), id="moons-noise-negative"),
    pytest.param(lambda: make_moons(10, noise=float("nan")), id="moons-noise-nan"),
    pytest.param(lambda: make_circles(0), id="circles-n0"),
    pytest.param(lambda: make_circles(10, factor=1.0), id="circles-factor-1"),
    pytest.param(lambda: make_circles(10, factor=0.0), id="circles-factor-0"),
    pytest.param(lambda: make_circles(10, factor=1.5), id="circles-factor-1.5"),
    pytest.param(lambda: make_circles(10, noise=float("nan")), id="circles-noise-nan"),
    pytest.param(lambda: make_xor(0), id="xor-n0"),
    pytest.param(lambda: make_xor(10, noise=-1.0), id="xor-noise-negative"),
    pytest.param(lambda: make_spiral(0), id="spiral-n0"),
    pytest.param(lambda: make_spiral(10, classes=0), id="spiral-classes0"),
    pytest.param(lambda: make_spiral(10, classes=2.5), id="spiral-classes-float"),
    pytest.param(lambda: make_blobs(0), id="blobs-n0"),
    pytest.param(lambda: make_blobs(10, centers=0), id="blobs-centers0"),
    pytest.param(lambda: make_blobs(10, dims=0), id="blobs-dims0"),
    pytest.param(lambda: make_blobs(10, std=-1.0), id="blobs-std-negative"),
    pytest.param(lambda: make_regression(0), id="regression-n0"),
    pytest.param(lambda: make_regression(10, n_features=0), id="regression-features0"),
])
def test_bad_arguments_raise(call):
    with pytest.raises(ValueError):
        call()


# --- train_test_split ---------------------------------------------------------------------------------------


def test_split_sizes_cover_and_align():
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.arange(20)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, seed=0)
    assert Xtr.shape == (15, 2) and Xte.shape == (5, 2) and ytr.shape == (15,) and yte.shape == (5,)
    assert sorted(np.r_[ytr, yte].tolist()) == list(range(20))  # disjoint, and nothing lost
    assert np.array_equal(Xtr[:, 0], 2 * ytr) and np.array_equal(Xte[:, 0], 2 * yte)  # rows stay with labels
    assert Xtr.dtype == X.dtype and ytr.dtype == y.dtype


def test_split_by_count_and_without_shuffle():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=3, seed=0)
    assert len(yte) == 3 and len(ytr) == 7
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, shuffle=False)
    assert yte.tolist() == [0, 1] and ytr.tolist() == list(range(2, 10))


def test_split_is_seeded_and_leaves_global_state_alone():
    X, y = make_moons(50, seed=0)
    np.random.seed(5)
    before = numpy_state()
    a = train_test_split(X, y, test_size=0.3, seed=11)
    b = train_test_split(X, y, test_size=0.3, seed=11)
    c = train_test_split(X, y, test_size=0.3, seed=12)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[3], c[3]) or not np.array_equal(a[1], c[1])
    assert same_numpy_state(numpy_state(), before)


def test_split_accepts_lists():
    Xtr, Xte, ytr, yte = train_test_split([[1.0], [2.0], [3.0], [4.0]], [0, 1, 0, 1], test_size=0.5, seed=0)
    assert len(Xtr) == len(Xte) == 2 and isinstance(Xtr, np.ndarray)


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, -0.2, 0, 10, 11, -1, 0.01])
def test_split_bad_test_size(test_size):
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(ValueError):
        train_test_split(X, y, test_size=test_size)


def test_split_length_mismatch():
    with pytest.raises(ValueError):
        train_test_split(np.zeros((10, 2)), np.zeros(9))
