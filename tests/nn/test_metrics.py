"""accuracy: the sign for -1/+1 labels, score > 0 for 0/1 labels, argmax for rows of k scores."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn import accuracy


@pytest.mark.parametrize(("scores", "labels", "expected"), [
    pytest.param([0.5, -0.2, 0.1, -3.0], [1, -1, -1, 1], 0.5, id="pm1"),
    pytest.param([2.0, -1.0, 3.0], [1, -1, 1], 1.0, id="pm1-all-right"),
    pytest.param([-2.0, 1.0], [1, -1], 0.0, id="pm1-all-wrong"),
    pytest.param([0.0, 0.0], [-1, 1], 0.5, id="pm1-zero-score-is-negative"),  # micrograd: (score > 0) == (y > 0)
    pytest.param([-1.0, 2.0, 3.0], [1, 1, 1], 2 / 3, id="pm1-only-positive-labels"),
    pytest.param([-1.0, -2.0], [-1, -1], 1.0, id="pm1-only-negative-labels"),
    pytest.param([0.5, -0.2, 0.1, -3.0], [1, 0, 0, 1], 0.5, id="01"),
    pytest.param([0.0, 1e-9, -1e-9], [0, 1, 0], 1.0, id="01-threshold"),
    pytest.param([-1.0, -2.0], [0, 0], 1.0, id="01-only-zeros"),
    pytest.param([[0.1, 0.9, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 5.0], [1.0, 3.0, 2.0]], [1, 0, 2, 2], 0.75,
                 id="argmax"),
    pytest.param([[-5.0, -1.0], [3.0, 4.0]], [1, 1], 1.0, id="argmax-2"),
])
def test_accuracy(scores, labels, expected):
    assert accuracy(scores, labels) == pytest.approx(expected, rel=1e-15)
    assert accuracy(np.asarray(scores), np.asarray(labels)) == pytest.approx(expected, rel=1e-15)


def test_returns_a_float_and_is_exported():
    assert nn.accuracy is accuracy
    assert type(accuracy([1.0, -1.0], [1, -1])) is float
    assert type(accuracy([[1.0, 0.0]], [0])) is float


def test_column_of_scores_is_one_score_per_sample():
    assert accuracy(np.array([[0.5], [-0.5]]), np.array([[1], [-1]])) == 1.0


@pytest.mark.parametrize(("scores", "labels"), [
    pytest.param([0.5, -0.2, 0.1], [1, -1], id="1d-longer"),
    pytest.param([0.5], [1, -1], id="1d-shorter"),
    pytest.param([], [], id="empty"),
    pytest.param([[0.1, 0.9], [0.2, 0.8], [0.7, 0.3]], [1, 1], id="rows-more"),
    pytest.param([[0.1, 0.9], [0.2, 0.8], [0.7, 0.3]], [1], id="rows-one-label"),
])
def test_length_mismatch_raises(scores, labels):
    with pytest.raises(ValueError):
        accuracy(scores, labels)
