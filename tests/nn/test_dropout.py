"""Dropout: inverted dropout in training mode, the identity in eval mode, one draw per sample and unit in batch
mode, reproducible masks from its own Generator, and checked arguments."""

from __future__ import annotations

import random

import numpy as np
import pytest
from nn_cases import numpy_state, same_numpy_state

import autograd
from autograd import Batch, Value
from nn import MLP, Dropout, Module


def test_a_dropout_has_no_parameters_and_reads_like_torchs():
    drop = Dropout(0.2)
    assert isinstance(drop, Module) and drop.parameters() == [] and drop.training
    assert repr(drop) == "Dropout(p=0.2)" and drop.config() == {"p": 0.2}
    assert Dropout().p == 0.5  # torch's default


def test_training_zeroes_about_p_of_the_inputs_and_scales_the_rest():
    drop = Dropout(0.3, seed=0)
    xs = [Value(float(i % 7) + 1.0) for i in range(20_000)]
    out = drop(xs)
    assert isinstance(out, list) and len(out) == len(xs)
    kept = [o.data != 0.0 for o in out]
    assert all(o.data == pytest.approx(x.data / 0.7, rel=1e-15) for o, x, k in zip(out, xs, kept) if k)
    assert 0.29 < 1 - np.mean(kept) < 0.31
    # inverted dropout keeps the expected value: the mean output is the mean input
    assert np.mean([o.data for o in out]) == pytest.approx(np.mean([x.data for x in xs]), rel=0.02)


def test_the_gradient_is_zero_through_a_dropped_input_and_the_scale_through_a_kept_one():
    drop = Dropout(0.5, seed=1)
    xs = [Value(2.0) for _ in range(200)]
    out = drop(xs)
    sum(out).backward()
    assert {x.grad for x in xs} == {0.0, 2.0}
    assert all((x.grad == 0.0) == (o.data == 0.0) for x, o in zip(xs, out))


def test_in_eval_mode_or_with_p_zero_the_input_comes_back_unchanged():
    xs, one, X = [Value(1.0), Value(-2.0)], Value(3.0), np.ones((4, 3))
    for drop in (Dropout(0.9, seed=0).eval(), Dropout(0.0, seed=0)):
        assert drop(xs) is xs and drop(one) is one and drop(X) is X
    drop = Dropout(0.9, seed=0).eval().train()  # and back to training
    assert any(o.data == 0.0 for o in drop([Value(1.0) for _ in range(20)]))


def test_in_batch_mode_each_sample_and_each_unit_gets_its_own_draw():
    n, p = 4000, 0.25
    drop = Dropout(p, seed=2)
    units = [Value(np.full(n, 1.0 + k)) for k in range(3)]
    out = drop(units)
    assert all(isinstance(o, Batch) and len(o) == n for o in out)
    masks = [o.data / u.data for o, u in zip(out, units)]
    for m in masks:
        assert set(np.unique(m)) == {0.0, 1 / (1 - p)}
        assert 0.22 < np.mean(m == 0.0) < 0.28
    assert not np.array_equal(masks[0], masks[1])  # units are independent
    # a gradient flows to each sample through its own mask entry
    x = Value(np.arange(1.0, 6.0))
    y = Dropout(0.5, seed=3)(x)
    y.sum().backward()
    assert np.array_equal(x.grad, y.data / x.data)


def test_one_value_numbers_and_arrays_are_dropped_too():
    drop = Dropout(0.5, seed=4)
    assert isinstance(drop(Value(1.0)), Value) and not isinstance(drop(Value(1.0)), Batch)
    numbers = drop([1.0] * 50)
    assert set(numbers) == {0.0, 2.0}
    X = np.ones((30, 4))
    dropped = drop(X)
    assert dropped.shape == X.shape and set(np.unique(dropped)) == {0.0, 2.0}


def test_mask_gives_zeros_and_the_scale_in_the_shape_asked():
    m = Dropout(0.2, seed=5).mask((3, 1000))
    assert m.shape == (3, 1000) and m.dtype == np.float64
    assert set(np.unique(m)) == {0.0, 1.25}


def test_a_seed_makes_the_masks_reproducible_and_touches_no_global_random_state():
    random.seed(0)
    np.random.seed(0)
    before, before_np = random.getstate(), numpy_state()
    a, b, c = Dropout(0.5, seed=7), Dropout(0.5, seed=7), Dropout(0.5, seed=8)
    assert np.array_equal(a.mask(100), b.mask(100))
    assert np.array_equal(a.mask((2, 50)), b.mask((2, 50)))  # the streams stay in step
    assert not np.array_equal(Dropout(0.5, seed=7).mask(100), c.mask(100))
    Dropout(0.5)([Value(1.0)] * 10)  # no seed: fresh entropy, still not the global state
    assert random.getstate() == before and same_numpy_state(numpy_state(), before_np)
    shared = np.random.default_rng(9)
    assert Dropout(0.5, seed=shared).generator is shared


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan"), float("inf"), "0.5", None, True])
def test_p_must_be_a_probability_below_one(p):
    with pytest.raises(ValueError, match=r"Dropout: p \(the probability of zeroing an input\) must be a finite "
                                         r"number in \[0, 1\), got " + repr(p).replace("(", r"\(")):
        Dropout(p)


@pytest.mark.parametrize("seed", [-1, 1.5, "1", True])
def test_seed_must_be_a_whole_number_a_generator_or_none(seed):
    with pytest.raises(ValueError, match="Dropout: seed must be a whole number >= 0, a numpy Generator or None"):
        Dropout(0.5, seed=seed)


@pytest.mark.parametrize("x", ["abc", {"a": Value(1.0)}, [Value(1.0), "x"], [True], [1.0, None]])
def test_other_inputs_are_refused_by_name_before_any_draw(x):
    drop, twin = Dropout(0.5, seed=0), Dropout(0.5, seed=0)
    with pytest.raises(TypeError, match="Dropout expects"):
        drop(x)
    assert np.array_equal(drop.mask(10), twin.mask(10))  # the refused call drew nothing


def test_compiled_mode_draws_fresh_masks_at_every_call():
    model = MLP(2, [32, 1], dropout=0.5, seed=0)
    for n in model.layers[0].neurons:
        n.b.data = 5.0  # every hidden ReLU active: a zero gradient can only come from the mask
    program = autograd.compile(lambda X: (model(X) ** 2).mean())
    dropped = []
    for _ in range(2):
        model.zero_grad()
        program(np.ones((1, 2))).backward()
        dropped.append({j for j, n in enumerate(model.layers[0].neurons) if n.b.grad == 0.0})
    assert all(4 < len(d) < 28 for d in dropped)
    assert dropped[0] != dropped[1]  # a mask frozen into the program would drop the same units twice
