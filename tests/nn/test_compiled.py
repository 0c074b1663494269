"""fit, predict and evaluate in compiled mode: the same training as eager batch mode, and when it is the default."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn import MLP, SGD, Adam, Module, evaluate, fit, predict
from nn import compiled as compiled_mode
from nn.data import make_moons, make_spiral


def _train(compile: bool, loss: str, optimizer, classes: int = 0, **options) -> tuple[nn.History, MLP]:
    if classes:
        X, y = make_spiral(90, classes=classes, noise=0.2, seed=0)
        model = MLP(2, [8, classes], seed=0)
    else:
        X, y = make_moons(60, noise=0.1, seed=0)
        y = y * 2.0 - 1.0 if loss == "hinge" else y
        model = MLP(2, [8, 8, 1], seed=0)
    history = fit(model, X, y, loss=loss, optimizer=optimizer(model.parameters()), epochs=15, batch_size=16,
                  validation=0.25, progress=False, compile=compile, **options)
    return history, model


@pytest.mark.parametrize("loss, optimizer, classes, options", [
    ("hinge", lambda p: SGD(p, lr=0.1, momentum=0.9), 0, {"l2": 1e-3}),
    ("bce", lambda p: Adam(p, lr=0.02), 0, {"l1": 1e-3}),
    ("mse", lambda p: SGD(p, lr=0.05), 0, {}),
    ("cross_entropy", lambda p: Adam(p, lr=0.02), 3, {"l2": 1e-4}),
])
def test_compiled_training_follows_eager_training(loss, optimizer, classes, options) -> None:
    eager, eager_model = _train(False, loss, optimizer, classes, **options)
    compiled, compiled_model = _train(True, loss, optimizer, classes, **options)
    for key in eager:
        np.testing.assert_allclose(compiled[key], eager[key], rtol=1e-9, atol=1e-12, err_msg=key)
    np.testing.assert_allclose([p.data for p in compiled_model.parameters()],
                               [p.data for p in eager_model.parameters()], rtol=1e-9, atol=1e-12)


def test_predict_and_evaluate_compiled_equal_eager() -> None:
    X, y = make_spiral(50, classes=3, seed=1)
    model = MLP(2, [6, 3], seed=2)
    np.testing.assert_allclose(predict(model, X, compile=True), predict(model, X, compile=False), rtol=1e-13)
    eager = evaluate(model, X, y, loss="cross_entropy", compile=False)
    assert evaluate(model, X, y, loss="cross_entropy", compile=True) == pytest.approx(eager, rel=1e-12)
    for p in model.parameters():  # the cached program reads the parameters at every call
        p.data *= 0.5
    np.testing.assert_allclose(predict(model, X, compile=True), predict(model, X, compile=False), rtol=1e-13)


def test_nn_models_with_built_in_losses_compile_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    real = compiled_mode.Trainer

    def spy(*args, **kwargs):
        made.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(compiled_mode, "Trainer", spy)
    X, y = make_moons(20, seed=0)
    fit(MLP(2, [4, 1], seed=0), X, y, loss="bce", epochs=1, progress=False)
    assert len(made) == 1

    class Mine(Module):  # a Module of one's own might branch on values: eager unless asked
        def __init__(self) -> None:
            self.inner = MLP(2, [4, 1], seed=0)

        def forward(self, x):
            return self.inner(x)

    fit(Mine(), X, y, loss="bce", epochs=1, progress=False)
    fit(MLP(2, [4, 1], seed=0), X, y, loss=lambda p, t: nn.losses.mse(p, t), epochs=1, progress=False)
    assert len(made) == 1
    fit(Mine(), X, y, loss="bce", epochs=1, progress=False, compile=True)
    assert len(made) == 2


def test_compile_needs_batch_mode() -> None:
    X, y = make_moons(10, seed=0)
    with pytest.raises(ValueError, match="compile=True needs batch_mode=True"):
        fit(MLP(2, [2, 1]), X, y, epochs=1, progress=False, batch_mode=False, compile=True)
    with pytest.raises(ValueError, match="compile"):
        predict(MLP(2, [2, 1]), X, compile="yes")  # type: ignore[arg-type]
