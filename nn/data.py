"""Toy datasets, numpy-based and seeded (no scikit-learn): X is (n, d) float64, y is (n,).

Every generator takes `seed` (an int or a numpy Generator) and never touches global random
state, so the same seed gives the same data on every machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .loss_checks import check_classes

Seed = int | np.random.Generator | None  # an int (or None: fresh entropy) seeds a new Generator


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _noise(noise: Any) -> float:
    if not isinstance(noise, (int, float)) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _count(n: Any, name: str) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {n!r}")
    return int(n)


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's): labels 0 (upper) and 1 (lower)."""
    n = _count(n_samples, "n_samples")
    rng = _rng(seed)
    n_out = n // 2 + n % 2
    t_out, t_in = np.linspace(0.0, np.pi, n_out), np.linspace(0.0, np.pi, n - n_out)
    X = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]])
    y = np.r_[np.zeros(n_out, dtype=np.int64), np.ones(n - n_out, dtype=np.int64)]
    return _shuffle(X + rng.normal(0.0, _noise(noise), X.shape), y, rng)


def make_circles(n_samples: int = 100, noise: float = 0.05, factor: float = 0.5,
                 seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (label 1) inside a large one (label 0); factor is the radius ratio."""
    n = _count(n_samples, "n_samples")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be between 0 and 1, got {factor!r}")
    rng = _rng(seed)
    n_out = n // 2 + n % 2
    t_out = np.linspace(0.0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2 * np.pi, n - n_out, endpoint=False)
    X = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)], factor * np.c_[np.cos(t_in), np.sin(t_in)]])
    y = np.r_[np.zeros(n_out, dtype=np.int64), np.ones(n - n_out, dtype=np.int64)]
    return _shuffle(X + rng.normal(0.0, _noise(noise), X.shape), y, rng)


def make_xor(n_samples: int = 100, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points around the four corners (±1, ±1); label 1 where the signs differ (XOR)."""
    n = _count(n_samples, "n_samples")
    rng = _rng(seed)
    corners = rng.choice([-1.0, 1.0], size=(n, 2))
    y = (corners[:, 0] != corners[:, 1]).astype(np.int64)
    return corners + rng.normal(0.0, _noise(noise), (n, 2)), y


def make_spiral(n_samples: int = 300, classes: int = 3, noise: float = 0.2,
                seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """`classes` interleaved spiral arms (the CS231n toy problem), labels 0..classes-1."""
    n = _count(n_samples, "n_samples")
    k = _count(classes, "classes")
    rng = _rng(seed)
    y = np.arange(n, dtype=np.int64) % k
    r = np.linspace(0.0, 1.0, n)
    t = y * (2 * np.pi / k) + r * 4.0 + rng.normal(0.0, _noise(noise), n)
    X = np.c_[r * np.sin(t), r * np.cos(t)]
    return _shuffle(X, y, rng)


def make_blobs(n_samples: int = 100, centers: int = 3, std: float = 1.0, dims: int = 2, box: float = 10.0,
               seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around `centers` random centres in [-box, box]^dims, labels 0..centers-1."""
    n, k, d = _count(n_samples, "n_samples"), _count(centers, "centers"), _count(dims, "dims")
    rng = _rng(seed)
    middle = rng.uniform(-box, box, (k, d))
    y = np.arange(n, dtype=np.int64) % k
    return _shuffle(middle[y] + rng.normal(0.0, std, (n, d)), y, rng)


def make_regression(n_samples: int = 100, n_features: int = 1, noise: float = 0.1,
                    seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """y = X @ w + b + noise for random w, b: a linear regression problem (y is float)."""
    n, d = _count(n_samples, "n_samples"), _count(n_features, "n_features")
    rng = _rng(seed)
    X = rng.normal(0.0, 1.0, (n, d))
    w, b = rng.normal(0.0, 1.0, d), rng.normal()
    return X, X @ w + b + rng.normal(0.0, _noise(noise), n)


def train_test_split(X: ArrayLike, y: ArrayLike, test_size: float = 0.25, seed: Seed = 0,
                     shuffle: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, X_test, y_train, y_test), with a test_size fraction (or count) held out."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} rows but y has {len(y)}")
    n_test = int(round(test_size * len(X))) if isinstance(test_size, float) else int(test_size)
    if not 0 < n_test < len(X):
        raise ValueError(f"test_size {test_size!r} leaves no train or no test samples out of {len(X)}")
    order = _rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def _shuffle(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(X))
    return X[order], y[order]


def one_hot(labels: ArrayLike, classes: int) -> np.ndarray:
    """Labels 0..classes-1 as an (n, classes) array of 0.0 and 1.0: the targets softmax cross-entropy
    reads per class (compiled mode passes them to the loss this way, as `classes` Batches)."""
    k = _count(classes, "classes")
    y = np.asarray(labels, dtype=float).reshape(-1)
    check_classes(y, k, "one_hot")
    return (y[:, None] == np.arange(k)).astype(float)
