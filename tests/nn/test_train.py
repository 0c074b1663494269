"""fit, predict, evaluate: the training loop, its History, validation, early stopping, no_grad evaluation,
progress output, checks before any parameter changes, and the end-to-end targets (marked slow)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from nn_cases import same_state

from autograd import Value
from nn import (
    MLP,
    SGD,
    Adam,
    AdamW,
    History,
    LinearDecay,
    Module,
    RMSprop,
    StepDecay,
    accuracy,
    evaluate,
    fit,
    hinge,
    l1,
    l2,
    predict,
)
from nn.data import make_moons, make_spiral


def quiet_fit(model, X, y, **kwargs) -> History:
    kwargs.setdefault("progress", False)
    return fit(model, X, y, **kwargs)


def recording() -> bool:
    """Whether ops build a graph right now (under no_grad they make constants)."""
    return (Value(1.0) * 2.0).requires_grad


class Spy(Module):
    """Wraps a model and notes, for every forward call, whether a graph was being recorded."""

    def __init__(self, inner: Module):
        self.inner = inner
        self.calls: list[bool] = []

    def forward(self, x):
        self.calls.append(recording())
        return self.inner(x)

    def config(self):
        return self.inner.config()


# --- the loop and its History ---------------------------------------------------------------------------


def test_loss_decreases(moons_pm):
    X, y = moons_pm
    model = MLP(2, [8, 1], seed=0)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=Adam(model.parameters(), lr=0.05), epochs=15)
    losses = history["loss"]
    assert len(losses) == history.epochs == 15
    assert losses[-1] < 0.6 * losses[0]
    assert min(losses[-3:]) < min(losses[:3])
    assert history.initial_loss == pytest.approx(losses[0], rel=1e-14)  # full batch: epoch 1's is the loss before
    assert evaluate(model, X, y, loss="hinge")["loss"] < history.initial_loss


def test_history_records(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 3, 1], seed=0)
    history = quiet_fit(model, X[:18], y[:18], loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=3,
                        validation=(X[18:], y[18:]), metrics=[accuracy])
    assert isinstance(history, History)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert key in history
        assert len(history[key]) == 3
        assert all(isinstance(v, float) and math.isfinite(v) for v in history[key])
    assert all(0.0 <= a <= 1.0 for a in history["accuracy"] + history["val_accuracy"])
    assert set(history.grad_norms) == {"layers.0", "layers.1", "layers.2"}
    assert all(len(v) == 3 and all(g >= 0.0 and math.isfinite(g) for g in v) for v in history.grad_norms.values())
    assert history.best_epoch in (1, 2, 3)  # epochs count from 1
    assert history.best_epoch == 1 + history["val_loss"].index(min(history["val_loss"]))
    assert history.stopped_early is False


def test_history_values_match_evaluation(moons_pm):
    """The last epoch's val_loss/val_accuracy are the model's, evaluated after the epoch's updates."""
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    history = quiet_fit(model, X[:18], y[:18], loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=2,
                        validation=(X[18:], y[18:]))
    result = evaluate(model, X[18:], y[18:], loss="hinge")
    assert history["val_loss"][-1] == result["loss"]
    assert history["val_accuracy"][-1] == result["accuracy"]


def test_training_loss_is_the_mean_over_the_epoch_before_the_step(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    start = evaluate(model, X, y, loss="hinge")
    history = quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=1)
    assert history["loss"][0] == pytest.approx(start["loss"], rel=1e-12)  # full batch: the loss before the step
    assert history["accuracy"][0] == start["accuracy"]


def test_no_metrics(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=1, metrics=[])
    assert "accuracy" not in history and "loss" in history


@pytest.mark.parametrize(("batch_size", "n", "steps_per_epoch"), [
    (None, 24, 1), (8, 24, 3), (5, 24, 5), (1, 6, 6), (24, 24, 1), (100, 24, 1),
])
def test_minibatches_and_full_batch(moons_pm, batch_size, n, steps_per_epoch):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.05)
    history = quiet_fit(model, X[:n], y[:n], loss="hinge", optimizer=opt, epochs=2, batch_size=batch_size)
    assert opt.steps == 2 * steps_per_epoch
    assert len(history["loss"]) == 2


def test_minibatch_loss_decreases(moons_pm):
    X, y = moons_pm
    model = MLP(2, [8, 1], seed=0)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=Adam(model.parameters(), lr=0.02), epochs=8,
                        batch_size=6, seed=1)
    assert history["loss"][-1] < history["loss"][0]


def test_validation_fraction(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.05)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=opt, epochs=2, validation=0.25, batch_size=6)
    assert opt.steps == 2 * 3  # 18 of the 24 samples are trained on, in batches of 6
    assert len(history["val_loss"]) == len(history["val_accuracy"]) == 2
    assert all(math.isfinite(v) for v in history["val_loss"])


def test_same_seed_same_training(moons_pm):
    X, y = moons_pm

    def run(seed):
        model = MLP(2, [4, 1], seed=0)
        history = quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1, momentum=0.5),
                            epochs=3, batch_size=5, validation=0.25, seed=seed)
        return model.state_dict(), history

    (a, ha), (b, hb), (c, _) = run(3), run(3), run(4)
    assert same_state(a, b)
    assert dict(ha) == dict(hb) and ha.grad_norms == hb.grad_norms
    assert a != c  # another seed shuffles (and splits) differently


def test_fit_leaves_global_random_state_alone(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    random.seed(0)
    np.random.seed(0)
    state, np_first = random.getstate(), np.random.get_state()[1].copy()
    quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, batch_size=5,
              validation=0.25)
    assert random.getstate() == state
    assert np.array_equal(np.random.get_state()[1], np_first)


def test_default_optimizer_and_callable_loss(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    history = quiet_fit(model, X, y, loss=hinge, epochs=2)
    assert model.state_dict() != before
    assert len(history["loss"]) == 2


@pytest.mark.parametrize("make_opt", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True), lambda ps: RMSprop(ps, lr=0.01),
    lambda ps: Adam(ps, lr=0.01, weight_decay=0.1), lambda ps: AdamW(ps, lr=0.01),
])
def test_any_optimizer(moons_pm, make_opt):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=make_opt(model.parameters()), epochs=4)
    assert history["loss"][-1] < history["loss"][0]


def test_l2_shrinks_the_weights(moons_pm):
    X, y = moons_pm

    def norm(alpha):
        model = MLP(2, [4, 1], seed=0)
        quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=3, l2=alpha)
        return sum(p.data**2 for p in model.parameters())

    assert norm(0.5) < norm(0.0)


def test_l2_matches_a_hand_step(moons_pm):
    """One full-batch SGD step with l2 is x - lr * (dloss/dx + 2 * alpha * x)."""
    X, y = moons_pm
    model, twin = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=1, l2=0.01)
    loss = hinge([twin(list(x)) for x in X], y) + l2(twin.parameters(), 0.01)
    loss.backward()
    expected = [p.data - 0.1 * p.grad for p in twin.parameters()]
    assert [p.data for p in model.parameters()] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_l1_matches_a_hand_step(moons_pm):
    """One full-batch SGD step with l1 is x - lr * (dloss/dx + alpha * sign(x))."""
    X, y = moons_pm
    model, twin = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=1, l1=0.01)
    hinge([twin(list(x)) for x in X], y).backward()
    expected = [p.data - 0.1 * (p.grad + 0.01 * math.copysign(1.0, p.data) * (p.data != 0.0))
                for p in twin.parameters()]
    assert [p.data for p in model.parameters()] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert any(p.data == 0.0 for p in twin.parameters())  # the biases start at 0, where sign(0) = 0


def test_l1_and_l2_add_up(moons_pm):
    X, y = moons_pm
    model, twin = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, l1=0.02, l2=0.03)
    opt = SGD(twin.parameters(), lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (hinge([twin(list(x)) for x in X], y) + l1(twin.parameters(), 0.02) + l2(twin.parameters(), 0.03)).backward()
        opt.step()
    assert [p.data for p in model.parameters()] == pytest.approx([p.data for p in twin.parameters()], rel=1e-12,
                                                                  abs=1e-15)


def test_l1_drives_small_weights_to_zero(moons_pm):
    """L1's pull does not fade as a weight shrinks (L2's does): more weights end near 0."""
    X, y = moons_pm

    def small(**penalty):
        model = MLP(2, [16, 1], seed=0)
        quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.05), epochs=60, **penalty)
        return sum(abs(p.data) < 0.01 for p in model.parameters())

    assert small(l1=0.05) > small() + 5


def test_schedule_is_stepped_once_per_epoch(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=opt, epochs=5, schedule=LinearDecay(opt, total=5))
    assert history["lr"] == [1.0 - 0.9 * k / 5 for k in range(5)]  # micrograd's demo: epoch k uses 1 - 0.9 k / total
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.8)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=opt, epochs=4, batch_size=6,
                        schedule=StepDecay(opt, step_size=2, gamma=0.5))
    assert history["lr"] == [0.8, 0.8, 0.4, 0.4]


def test_clip_norm(moons_pm):
    X, y = moons_pm
    model = MLP(2, [8, 1], seed=0)
    history = quiet_fit(model, X * 50, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.01), epochs=3,
                        clip_norm=0.1)
    for epoch in range(3):  # full batch: the per-layer norms combine into the clipped global norm
        total = math.sqrt(sum(norms[epoch] ** 2 for norms in history.grad_norms.values()))
        assert total <= 0.1 * (1 + 1e-9)
        assert total == pytest.approx(0.1, rel=1e-4)  # these gradients are large, so they were clipped


def test_grad_norms_per_layer(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=1e-9), epochs=1)
    twin = MLP(2, [4, 1], seed=0)
    hinge([twin(list(x)) for x in X], y).backward()
    for i, layer in enumerate(twin.layers):
        expected = math.sqrt(sum(p.grad**2 for p in layer.parameters()))
        assert history.grad_norms[f"layers.{i}"][0] == pytest.approx(expected, rel=1e-12)


# --- early stopping ----------------------------------------------------------------------------------------


def _early_stopping_data():
    X, y = make_moons(40, noise=0.1, seed=0)
    y = y * 2 - 1
    return X[:30], y[:30], X[30:], y[30:]


def _run(epochs, **kwargs):
    """Full-batch SGD with a large lr: validation loss improves for a while, then gets worse."""
    Xt, yt, Xv, yv = _early_stopping_data()
    model = MLP(2, [8, 1], seed=0)
    history = quiet_fit(model, Xt, yt, loss="hinge", optimizer=SGD(model.parameters(), lr=1.0), epochs=epochs,
                        validation=(Xv, yv), **kwargs)
    return model, history


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    patience = 3
    model, history = _run(30, early_stopping=patience)
    val = history["val_loss"]
    best = history.best_epoch  # 1-based: epoch `best` is val[best - 1]
    assert history.stopped_early is True
    assert best >= 2, "the case should improve at least once, so restoring is not just the first epoch"
    assert len(val) == history.epochs == best + patience < 30  # stopped after `patience` epochs without improvement
    assert val[best - 1] == min(val)
    assert all(v >= val[best - 1] for v in val[best:])
    # the restored weights are the best epoch's: replay the same run for `best` epochs
    replay, _ = _run(best)
    assert same_state(model.state_dict(), replay.state_dict())
    Xt, yt, Xv, yv = _early_stopping_data()
    assert evaluate(model, Xv, yv, loss="hinge")["loss"] == val[best - 1]
    # without restoring, the model keeps the last epoch's weights
    last, history_last = _run(30, early_stopping=patience, restore_best=False)
    final, _ = _run(len(val))
    assert history_last.stopped_early and history_last["val_loss"] == val
    assert same_state(last.state_dict(), final.state_dict())
    assert not same_state(last.state_dict(), model.state_dict())


def test_early_stopping_on_training_loss_without_validation():
    Xt, yt, _, _ = _early_stopping_data()
    model = MLP(2, [8, 1], seed=0)
    history = quiet_fit(model, Xt, yt, loss="hinge", optimizer=SGD(model.parameters(), lr=5.0), epochs=30,
                        early_stopping=2)
    losses = history["loss"]
    if history.stopped_early:
        assert len(losses) == history.best_epoch + 2
        assert losses[history.best_epoch - 1] == min(losses)
    else:
        assert len(losses) == 30


def test_no_early_stop_when_still_improving(moons_pm):
    X, y = moons_pm
    model = MLP(2, [8, 1], seed=0)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.01), epochs=4,
                        early_stopping=2)
    assert history.stopped_early is False
    assert history.epochs == 4
    assert history.best_epoch == 4  # the last epoch, counted from 1


# --- evaluation under no_grad; predict and evaluate ---------------------------------------------------------


@pytest.mark.parametrize("batch_mode", [True, False])
def test_evaluation_runs_under_no_grad(moons_pm, batch_mode):
    X, y = moons_pm
    spy = Spy(MLP(2, [4, 1], seed=0))
    calls = 1 if batch_mode else 18  # forward calls per epoch: one per minibatch, or one per sample
    quiet_fit(spy, X[:18], y[:18], loss="hinge", optimizer=SGD(spy.parameters(), lr=0.1), epochs=2,
              validation=(X[18:], y[18:]), batch_mode=batch_mode)
    assert spy.calls.count(True) == 2 * calls  # the training forward passes record a graph
    assert spy.calls.count(False) >= 2 * (1 if batch_mode else 6)  # every validation pass (and any check) does not
    spy.calls.clear()
    predict(spy, X, batch_mode=batch_mode)
    evaluate(spy, X, y, loss="hinge", batch_mode=batch_mode)
    assert spy.calls == [False] * (2 if batch_mode else 2 * len(X))
    assert recording()


def test_predict_returns_plain_floats_and_builds_no_graph(moons_pm):
    X, _ = moons_pm
    model = MLP(2, [4, 1], seed=0)
    scores = predict(model, X)
    assert isinstance(scores, np.ndarray) and scores.dtype == np.float64 and scores.shape == (len(X),)
    assert predict(model, X, compile=False).tolist() == [model(list(x)).data for x in X]
    np.testing.assert_allclose(scores, [model(list(x)).data for x in X], rtol=1e-13, atol=1e-15)  # (compiled)
    assert all(p.grad == 0.0 for p in model.parameters())
    multi = predict(MLP(2, [4, 3], seed=0), X)
    assert multi.shape == (len(X), 3) and multi.dtype == np.float64


def test_evaluate(moons_pm):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    result = evaluate(model, X, y, loss="hinge", metrics=[accuracy])
    assert set(result) == {"loss", "accuracy"}
    assert all(type(v) is float for v in result.values())
    assert result["loss"] == pytest.approx(hinge([model(list(x)) for x in X], y).data, rel=1e-15)
    assert result["accuracy"] == accuracy(predict(model, X), y)


def test_user_module_with_fit(moons_pm):
    class Net(Module):
        def __init__(self):
            self.body = MLP(2, [4, 1], seed=0)
            self.scale = Value(1.0)

        def forward(self, x):
            return self.body(x) * self.scale

    X, y = moons_pm
    net = Net()
    history = quiet_fit(net, X, y, loss="hinge", optimizer=Adam(net.parameters(), lr=0.05), epochs=5)
    assert history["loss"][-1] < history["loss"][0]
    assert set(history.grad_norms) == {"body"}  # one entry per child module


def test_cross_entropy_fit_on_a_few_samples():
    X, y = make_spiral(30, classes=3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    history = quiet_fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05), epochs=5)
    assert history["loss"][-1] < history["loss"][0]
    assert predict(model, X).shape == (30, 3)


# --- train and eval modes: Dropout on while training, off while evaluating ---------------------------------------


class ModeSpy(Module):
    """Wraps a model and notes, for every forward call, whether it ran in training mode."""

    def __init__(self, inner: Module):
        self.inner = inner
        self.modes: list[bool] = []

    def forward(self, x):
        self.modes.append(self.training)
        return self.inner(x)

    def config(self):
        return self.inner.config()


@pytest.mark.parametrize("batch_mode", [True, False])
def test_predict_and_evaluate_run_in_eval_mode_and_put_the_modes_back(moons_pm, batch_mode):
    X, y = moons_pm
    spy = ModeSpy(MLP(2, [4, 1], seed=0))
    spy.inner.layers[1].eval()  # mixed modes come back as they were
    before = [m.training for _, m in spy.named_modules()]
    predict(spy, X, batch_mode=batch_mode)
    evaluate(spy, X, y, loss="hinge", batch_mode=batch_mode)
    assert spy.modes and not any(spy.modes)
    assert [m.training for _, m in spy.named_modules()] == before


@pytest.mark.parametrize("start_in_eval", [False, True])
def test_fit_trains_in_training_mode_validates_in_eval_mode_and_puts_the_mode_back(moons_pm, start_in_eval):
    X, y = moons_pm
    spy = ModeSpy(MLP(2, [4, 1], seed=0))
    if start_in_eval:
        spy.eval()
    quiet_fit(spy, X[:18], y[:18], loss="hinge", optimizer=SGD(spy.parameters(), lr=0.1), epochs=3,
              validation=(X[18:], y[18:]))
    # the checks before training (train and validation data), then per epoch: one training pass, one validation
    assert spy.modes == [False, False] + [True, False] * 3
    assert spy.training is not start_in_eval and spy.inner.layers[0].training is not start_in_eval


def test_predict_of_a_dropout_model_is_deterministic_and_equals_the_model_without_dropout(moons_pm):
    X, y = moons_pm
    dropped, plain = MLP(2, [16, 1], dropout=0.5, seed=0), MLP(2, [16, 1], seed=0)
    assert np.array_equal(predict(dropped, X), predict(plain, X))
    assert np.array_equal(predict(dropped, X, batch_mode=False), predict(plain, X, batch_mode=False))
    assert evaluate(dropped, X, y, loss="hinge") == evaluate(plain, X, y, loss="hinge")
    assert dropped.training  # put back


@pytest.mark.parametrize("batch_mode", [True, False])
def test_a_model_with_dropout_trains(moons_pm, batch_mode):
    X, y = moons_pm
    model = MLP(2, [16, 16, 1], dropout=0.2, seed=1)
    history = quiet_fit(model, X, y, loss="hinge", optimizer=Adam(model.parameters(), lr=0.02), epochs=30,
                        batch_mode=batch_mode)
    assert evaluate(model, X, y, loss="hinge")["loss"] < history["loss"][0]
    assert set(history.grad_norms) == {"layers.0", "layers.1", "layers.2"}  # Dropout adds no entry


# --- progress output --------------------------------------------------------------------------------------------


def test_progress_false_prints_nothing(moons_pm, capsys):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, validation=0.25,
        early_stopping=1, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_true_writes_a_bar_to_stderr(moons_pm, capsys):
    X, y = moons_pm
    model = MLP(2, [4, 1], seed=0)
    fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2/2" in captured.err and "%|" in captured.err  # a tqdm bar: "fit: 100%|██████| 2/2 ..."
    assert "loss" in captured.err


# --- bad input raises before any parameter changes ---------------------------------------------------------------


def _moons(n=24):
    X, y = make_moons(n, noise=0.1, seed=0)
    return X, y * 2 - 1


def _case(**changes):
    """fit arguments: the good base case with some replaced (`model` is a factory)."""
    X, y = _moons()
    base = {"model": lambda: MLP(2, [4, 1], seed=0), "X": X, "y": y, "loss": "hinge", "epochs": 2}
    return {**base, **changes}


_X, _Y = _moons()
_SPIRAL_X, _SPIRAL_Y = make_spiral(24, classes=3, seed=0)
_THREE = {"model": lambda: MLP(2, [4, 3], seed=0), "X": _SPIRAL_X, "loss": "cross_entropy"}
_NAN_X = _X.copy()
_NAN_X[5, 1] = np.nan

BAD_FITS = [
    pytest.param(_case(X=np.c_[_X, _X[:, :1]]), id="width-3"),
    pytest.param(_case(X=_X[:, :1]), id="width-1"),
    pytest.param(_case(X=_X[:, 0]), id="X-1d"),
    pytest.param(_case(y=_Y[:-1]), id="y-shorter"),
    pytest.param(_case(X=_X[:-1]), id="X-shorter"),
    pytest.param(_case(y=(_Y + 1) // 2), id="hinge-01-labels"),
    pytest.param(_case(y=_Y * 2), id="hinge-pm2-labels"),
    pytest.param(_case(loss="bce"), id="bce-pm1-labels"),
    pytest.param(_case(**_THREE, y=np.where(_SPIRAL_Y == 2, 3, _SPIRAL_Y)), id="ce-label-k"),
    pytest.param(_case(**_THREE, y=_SPIRAL_Y + 0.5), id="ce-label-1.5"),
    pytest.param(_case(**_THREE, y=_SPIRAL_Y - 1), id="ce-label-negative"),
    pytest.param(_case(loss="cross_entropy", y=(_Y + 1) // 2), id="ce-on-one-output"),
    pytest.param(_case(X=np.empty((0, 2)), y=np.empty(0)), id="empty"),
    pytest.param(_case(X=[], y=[]), id="empty-lists"),
    pytest.param(_case(epochs=0), id="epochs-0"),
    pytest.param(_case(epochs=-1), id="epochs-negative"),
    pytest.param(_case(epochs=2.5), id="epochs-float"),
    pytest.param(_case(batch_size=0), id="batch-0"),
    pytest.param(_case(batch_size=-4), id="batch-negative"),
    pytest.param(_case(batch_size=2.5), id="batch-float"),
    pytest.param(_case(loss="hinge_loss"), id="unknown-loss"),
    pytest.param(_case(early_stopping=0), id="patience-0"),
    pytest.param(_case(validation=(np.c_[_X, _X][:6], _Y[:6])), id="validation-width"),
    pytest.param(_case(validation=(_X[:6], (_Y[:6] + 1) // 2)), id="validation-labels"),
    pytest.param(_case(validation=(_X[:6], _Y[:5])), id="validation-length"),
    pytest.param(_case(validation=0.0), id="validation-fraction-0"),
    pytest.param(_case(validation=1.0), id="validation-fraction-1"),
    pytest.param(_case(loss="mse", y=np.where(np.arange(24) == 3, np.nan, _Y)), id="y-nan"),
    pytest.param(_case(X=_NAN_X), id="X-nan"),
]


@pytest.mark.parametrize("args", BAD_FITS)
def test_bad_input_raises_before_any_parameter_changes(args, capsys):
    args = dict(args)
    model = args.pop("model")()
    X, y = args.pop("X"), args.pop("y")
    opt = SGD(model.parameters(), lr=0.1)
    before = model.state_dict()
    with pytest.raises(ValueError):
        fit(model, X, y, optimizer=opt, progress=True, **args)
    assert same_state(model.state_dict(), before)
    assert opt.steps == 0
    assert "%|" not in capsys.readouterr().err  # it failed before the first epoch began


@pytest.mark.parametrize("lr", [0.0, -0.5, float("nan")])
def test_bad_lr_is_rejected_when_the_optimizer_is_made(lr):
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError):
        fit(model, *_moons(), loss="hinge", optimizer=SGD(model.parameters(), lr=lr), epochs=1, progress=False)
    assert same_state(model.state_dict(), before)


def test_wrong_width_in_predict_and_evaluate():
    model = MLP(2, [4, 1], seed=0)
    X, y = _moons()
    with pytest.raises(ValueError):
        predict(model, np.c_[X, X])
    with pytest.raises(ValueError):
        evaluate(model, X, y[:-1], loss="hinge")
    with pytest.raises(ValueError):
        evaluate(model, X, (y + 1) // 2, loss="hinge")


# --- targets ---------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_micrograd_demo_reaches_full_accuracy_within_100_steps():
    """micrograd's demo in chainrule's API: moons, MLP(2, [16, 16, 1]), hinge + 1e-4 L2, SGD, lr 1.0 - 0.9 k/100."""
    X, y = make_moons(100, noise=0.1, seed=1)
    y = y * 2 - 1
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    opt = SGD(model.parameters(), lr=1.0)
    schedule = LinearDecay(opt, total=100)
    rows = X.tolist()
    reached = None
    for k in range(100):
        assert opt.lr == 1.0 - 0.9 * k / 100
        scores = [model(x) for x in rows]
        loss = hinge(scores, y) + l2(model.parameters(), 1e-4)
        acc = accuracy([s.data for s in scores], y)
        if acc == 1.0:
            reached = k
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    assert reached is not None, f"stuck at {acc:.0%} after 100 steps"
    assert accuracy(predict(model, X), y) == 1.0


@pytest.mark.slow
def test_adam_reaches_full_accuracy_on_moons():
    X, y = make_moons(100, noise=0.1, seed=0)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1], seed=0)
    history = fit(model, X, y, loss="hinge", optimizer=Adam(model.parameters(), lr=0.02), epochs=30, batch_size=20,
                  seed=0, progress=False)
    assert max(history["accuracy"]) == 1.0
    assert accuracy(predict(model, X), y) == 1.0


@pytest.mark.slow
def test_three_class_spiral_with_cross_entropy():
    X, y = make_spiral(200, classes=3, seed=0)
    model = MLP(2, [16, 16, 3], seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05), epochs=20,
                  batch_size=20, seed=0, progress=False)
    reached = accuracy(predict(model, X), y)
    assert reached >= 0.95, f"training accuracy {reached:.1%}"
    assert history["loss"][-1] < 0.3 * history["loss"][0]


# --- every argument of fit, predict and evaluate: wrong kinds refused before the first update -----------------


def _fit_refuses(error, message, model=None, X=_X, y=_Y, **kwargs):
    """fit raises `error` whose message starts with `message`, and no parameter changes."""
    model = model or MLP(2, [4, 1], seed=0)
    kwargs = {"loss": "hinge", "epochs": 2, "progress": False, **kwargs}
    before = model.state_dict()
    with pytest.raises(error) as info:
        fit(model, X, y, **kwargs)
    assert str(info.value).startswith(message), str(info.value)
    assert same_state(model.state_dict(), before)
    return str(info.value)


def per_sample(outputs, targets):
    return (outputs - targets) ** 2  # a Batch: not reduced


def plain_float(outputs, targets):
    return 0.5


@pytest.mark.parametrize(("loss", "start", "fix"), [
    (per_sample, "fit: the loss per_sample returned a Batch of 24 per-sample losses", ".mean()"),
    (plain_float, "fit: the loss plain_float returned 0.5 (float), not one scalar Value", "return a Value"),
    (lambda o, t: [o], "fit: the loss <lambda> returned a list of 1 items", "one Value"),
])
def test_a_loss_that_does_not_return_one_value_is_refused_before_any_update(loss, start, fix):
    message = _fit_refuses(TypeError, start, loss=loss)
    assert fix in message
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError):
        fit(model, _X, _Y, loss=loss, optimizer=opt, progress=False, batch_mode=False)
    assert opt.steps == 0
    with pytest.raises(TypeError, match="evaluate: the loss"):
        evaluate(model, _X, _Y, loss=loss)


@pytest.mark.parametrize(("validation", "error", "start"), [
    (5, ValueError, "fit: validation (a fraction to hold out, or a pair (X_val, y_val)) must be a finite number "
                    "in (0, 1), got 5"),
    (float("nan"), ValueError, "fit: validation (a fraction"),
    (True, ValueError, "fit: validation (a fraction"),
    ("0.2", ValueError, "fit: validation (a fraction"),
    ((_X,), ValueError, "fit: validation must be a fraction in (0, 1) such as 0.2, or a pair (X_val, y_val); "
                        "got a tuple of 1 items"),
    ((_X, _Y, _Y), ValueError, "fit: validation must be a fraction"),
    (0.01, ValueError, "fit: validation=0.01 holds out 0 of 24 samples"),
    ((_X.astype(complex), _Y), TypeError, "fit: X_val holds complex numbers"),
])
def test_validation_is_a_fraction_or_a_pair(validation, error, start):
    _fit_refuses(error, start, validation=validation)


def test_validation_may_be_a_numpy_fraction_or_a_list_pair():
    history = quiet_fit(MLP(2, [4, 1], seed=0), _X, _Y, loss="hinge", epochs=1, validation=np.float32(0.25))
    assert "val_loss" in history
    history = quiet_fit(MLP(2, [4, 1], seed=0), _X, _Y, loss="hinge", epochs=1, validation=[_X[:6], _Y[:6]])
    assert "val_loss" in history


def test_numpy_integers_are_accepted_for_counts():
    history = quiet_fit(MLP(2, [4, 1], seed=0), _X, _Y, loss="hinge", epochs=np.int64(3), batch_size=np.int64(10),
                        early_stopping=np.int32(5), seed=np.int64(1), l2=np.float32(1e-4), clip_norm=np.float64(5))
    assert history.epochs == 3


@pytest.mark.parametrize(("X", "y", "start"), [
    (_X.astype(complex), _Y, "fit: X holds complex numbers, and the model takes real ones"),
    (_X + 1j, _Y, "fit: X holds complex numbers"),
    (np.array([[1 + 2j, 0.0]] * 24, dtype=object), _Y, "fit: X must hold real numbers, got objects such as complex"),
    (_X.astype(str), _Y, "fit: X must hold real numbers, got an array of dtype <U"),
    (_X, _Y.astype(complex), "fit: y holds complex numbers"),
    (_X, _Y.astype(str), "fit: y must hold real numbers"),
])
def test_complex_or_non_numeric_data_is_refused(X, y, start):
    _fit_refuses(TypeError, start, X=X, y=y)
    if X is not _X:
        with pytest.raises(TypeError, match="predict: X"):
            predict(MLP(2, [4, 1], seed=0), X)


OTHER = MLP(2, [1], seed=1)


@pytest.mark.parametrize(("kwargs", "error", "start"), [
    ({"epochs": True}, ValueError, "fit: epochs must be a whole number >= 1, got True"),
    ({"epochs": np.float64(5)}, ValueError, "fit: epochs must be a whole number >= 1, got np.float64(5.0)"),
    ({"batch_size": np.float32(4)}, ValueError, "fit: batch_size (or None: all samples) must be a whole number"),
    ({"early_stopping": 1.5}, ValueError, "fit: early_stopping (a patience in epochs, or None) must be"),
    ({"l2": float("nan")}, ValueError, "fit: l2 must be a finite number >= 0, got nan"),
    ({"l2": -1e-4}, ValueError, "fit: l2 must be a finite number >= 0"),
    ({"l1": float("inf")}, ValueError, "fit: l1 must be a finite number >= 0, got inf"),
    ({"l1": -1e-4}, ValueError, "fit: l1 must be a finite number >= 0, got -0.0001"),
    ({"l1": "0.1"}, ValueError, "fit: l1 must be a finite number >= 0, got '0.1'"),
    ({"metrics": [accuracy, accuracy]}, ValueError, "fit: two series of the History would both be named 'accuracy'"),
    ({"metrics": [lambda s, t: 0.5, lambda s, t: 1.0]}, ValueError, "fit: two series of the History would both be "
                                                                   "named '<lambda>'"),
    ({"clip_norm": 0}, ValueError, "fit: clip_norm (or None: no clipping) must be a finite number > 0, got 0"),
    ({"clip_norm": float("inf")}, ValueError, "fit: clip_norm"),
    ({"seed": "x"}, ValueError, "fit: seed (or None, or a numpy Generator) must be a whole number >= 0, got 'x'"),
    ({"seed": -1}, ValueError, "fit: seed"),
    ({"progress": "yes"}, ValueError, "fit: progress must be True or False, got 'yes'"),
    ({"batch_mode": None}, ValueError, "fit: batch_mode must be True or False, got None"),
    ({"restore_best": 1}, ValueError, "fit: restore_best must be True or False, got 1"),
    ({"metrics": accuracy}, TypeError, "fit: metrics must be a list of functions, got the function accuracy: "
                                       "write metrics=[accuracy]"),
    ({"metrics": [accuracy, "f1"]}, TypeError, "fit: metrics[1] must be a function"),
    ({"metrics": [lambda s, t: "high"]}, TypeError, "fit: metric <lambda> returned 'high' (str), not a number"),
    ({"loss": ["hinge"]}, ValueError, "fit: loss must be a name (mse, hinge"),
    ({"loss": "hinge_loss"}, ValueError, "fit: unknown loss 'hinge_loss'"),
    ({"optimizer": SGD}, TypeError, "fit: optimizer must be made for the model, such as SGD(model.parameters()"),
    ({"optimizer": SGD(OTHER.parameters())}, ValueError, "fit: the optimizer holds none of the model's parameters"),
    ({"schedule": 0.1}, TypeError, "fit: schedule must have a step() method"),
    ({"schedule": LinearDecay(SGD(OTHER.parameters()), 5)}, ValueError,
     "fit: the schedule drives a different optimizer than the one fit steps"),
])
def test_every_fit_argument_is_checked_before_any_update(kwargs, error, start):
    _fit_refuses(error, start, **kwargs)


def test_a_model_that_is_not_a_module_is_refused():
    for call in (lambda m: fit(m, _X, _Y, progress=False), lambda m: predict(m, _X), lambda m: evaluate(m, _X, _Y)):
        with pytest.raises(TypeError, match=r"(fit|predict|evaluate): model must be an nn Module such as MLP"):
            call(lambda x: x)


def test_predict_and_evaluate_name_themselves():
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="predict: X has NaN or inf values"):
        predict(model, _NAN_X)
    with pytest.raises(ValueError, match="evaluate: X has 24 samples but y has 23"):
        evaluate(model, _X, _Y[:-1], loss="hinge")
    with pytest.raises(ValueError, match="evaluate: batch_mode must be True or False"):
        evaluate(model, _X, _Y, loss="hinge", batch_mode="no")
    with pytest.raises(TypeError, match="evaluate: metrics must be a list of functions"):
        evaluate(model, _X, _Y, loss="hinge", metrics=accuracy)
