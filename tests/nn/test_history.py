"""History: a read-only mapping of per-epoch lists (dict, json), epochs counted from 1, a short repr and a
Jupyter table; add_epoch keeps every list one value per epoch."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from nn import MLP, SGD, History, fit
from nn.data import make_moons
from nn.history import SHOWN


def made(epochs: int, best: int | None = None, stopped: bool = False) -> History:
    """A History as fit would record it: loss 1/e, accuracy e/epochs, val_loss with its minimum at `best`."""
    history = History()
    for e in range(1, epochs + 1):
        history.add_epoch({"loss": 1.0 / e, "accuracy": e / epochs, "val_loss": abs(e - (best or 1)) + 0.5,
                           "lr": 0.1}, {"layers.0": 0.25 * e})
    history.best_epoch, history.stopped_early = best, stopped
    return history


def test_a_history_is_a_mapping_of_lists():
    history = made(3, best=2)
    assert isinstance(history, Mapping)
    assert list(history) == list(history.keys()) == ["loss", "accuracy", "val_loss", "lr"]
    assert len(history) == 4 and history.epochs == 3
    assert history["loss"] == [1.0, 0.5, 1.0 / 3]
    assert dict(history.items())["accuracy"] == [1 / 3, 2 / 3, 1.0]
    assert list(history.values())[3] == [0.1, 0.1, 0.1]
    assert "val_loss" in history and "val_accuracy" not in history and 0 not in history
    assert history.get("val_accuracy") is None
    with pytest.raises(KeyError):
        history["val_accuracy"]
    assert history.grad_norms == {"layers.0": [0.25, 0.5, 0.75]}


def test_dict_and_json_give_the_lists():
    history = made(2, best=1)
    as_dict = dict(history)
    assert type(as_dict) is dict and as_dict == {"loss": [1.0, 0.5], "accuracy": [0.5, 1.0],
                                                 "val_loss": [0.5, 1.5], "lr": [0.1, 0.1]}
    assert json.loads(json.dumps(dict(history))) == as_dict
    assert history == as_dict  # a Mapping compares by its items


def test_it_is_read_only():
    history = made(2)
    with pytest.raises(TypeError):
        history["loss"] = [0.0]  # type: ignore[index]
    with pytest.raises(TypeError):
        del history["loss"]  # type: ignore[attr-defined]
    history["loss"].append(99.0)  # a copy: the record stays as fit wrote it
    assert history["loss"] == [1.0, 0.5]


def test_add_epoch_refuses_other_names_before_recording_anything():
    history = made(2)
    with pytest.raises(ValueError, match=r"History.add_epoch: epoch 3 has values \['loss'\], but the earlier "
                                         r"epochs have \['accuracy', 'loss', 'lr', 'val_loss'\]"):
        history.add_epoch({"loss": 0.1})
    with pytest.raises(ValueError, match=r"epoch 3 has grad_norms \[\], but"):
        history.add_epoch({"loss": 0.1, "accuracy": 1.0, "val_loss": 0.5, "lr": 0.1})
    with pytest.raises(ValueError, match="got no values"):
        History().add_epoch({})
    with pytest.raises(ValueError):  # "x" is no number: nothing recorded, not even the loss before it
        history.add_epoch({"loss": 0.1, "accuracy": "x", "val_loss": 0.5, "lr": 0.1}, {"layers.0": 1.0})
    assert history.epochs == 2 and all(len(v) == 2 for v in history.values())
    assert history.grad_norms == {"layers.0": [0.25, 0.5]}


def test_repr_is_a_short_summary():
    assert repr(History()) == "History(epochs=0)"
    assert repr(made(3, best=2)) == "History(epochs=3, loss=0.3333, accuracy=1, val_loss=1.5, lr=0.1, best_epoch=2)"
    long = made(1000, best=400, stopped=True)
    assert repr(long) == ("History(epochs=1000, loss=0.001, accuracy=1, val_loss=600.5, lr=0.1, best_epoch=400, "
                          "stopped_early=True)")


def test_html_table_shows_at_most_twenty_epochs_with_an_ellipsis():
    table = made(2 * SHOWN, best=3)._repr_html_()
    assert table.count("<tr") == 2 * SHOWN + 1 and "&#8942;" not in table  # the header and every epoch
    assert '<tr style="font-weight: bold"><td>3</td>' in table  # the best epoch, 1-based
    assert "<caption>History: 20 epochs, best epoch 3 (in bold)</caption>" in table
    assert "<th>epoch</th><th>loss</th><th>accuracy</th><th>val_loss</th><th>lr</th>" in table
    long = made(500, best=250, stopped=True)._repr_html_()
    assert long.count("<tr") == 1 + SHOWN + 1 + SHOWN and long.count("&#8942;") == 5
    assert "<td>1</td><td>1</td>" in long and "<td>500</td><td>0.002</td>" in long
    assert "<td>11</td>" not in long and "<td>490</td>" not in long
    assert "best epoch 250, stopped early</caption>" in long and "bold" not in long  # 250 is not shown
    assert len(long) < 6000


def test_html_escapes_names():
    history = History()
    history.add_epoch({"loss": 1.0, "<b>f1</b>": 0.5})
    table = history._repr_html_()
    assert "<th>&lt;b&gt;f1&lt;/b&gt;</th>" in table and "<b>" not in table
    assert "History: 1 epoch</caption>" in table


def test_fit_counts_epochs_from_one():
    X, y = make_moons(24, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y * 2 - 1, loss="hinge", optimizer=SGD(model.parameters(), lr=0.01), epochs=3,
                  progress=False)
    assert history["loss"][2] < history["loss"][0]  # still improving: the best epoch is the last, the 3rd
    assert history.best_epoch == 3 == history.epochs
    assert "best_epoch=3" in repr(history) and '<tr style="font-weight: bold"><td>3</td>' in history._repr_html_()
    assert isinstance(history.initial_loss, float) and history.initial_loss > history["loss"][-1]
