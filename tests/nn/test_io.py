"""Saving and loading: plain JSON at exactly the given path, atomic writes, bit-exact round trips, and
loads that reject every kind of bad file with ModelFileError and leave the model untouched."""

from __future__ import annotations

import json
import os
import pickle

import pytest
from nn_cases import bits, same_state

import nn.io
from autograd import Value
from nn import MLP, SGD, Layer, ModelFileError, Module


@pytest.fixture
def trained():
    """A model whose parameters are awkward floats (not just what a seeded init gives)."""
    model = MLP(2, [4, 3, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x in ([0.3, -0.7], [1.1, 0.4], [-0.2, 0.9]):
        opt.zero_grad()
        (model(x) - 0.5).tanh().backward()
        opt.step()
    params = model.parameters()
    params[0].data, params[1].data, params[2].data = 0.1 + 0.2, 5e-324, -0.0  # shortest repr, subnormal, -0
    params[3].data, params[4].data = 1.7976931348623157e308, 1.0 / 3.0
    return model


def saved_text(tmp_path, model) -> str:
    path = tmp_path / "model"
    model.save(path)
    return path.read_text()


# --- the file ---------------------------------------------------------------------------------------------


def test_save_writes_plain_json_at_exactly_the_path(tmp_path, trained):
    path = tmp_path / "model"
    trained.save(path)
    assert os.listdir(tmp_path) == ["model"]  # no extension added, no temp file left behind
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "chainrule.model"
    assert document["version"] == 1
    assert document["class"] == "MLP"
    assert list(document["parameters"]) == [n for n, _ in trained.named_parameters()]
    assert all(type(v) is float for v in document["parameters"].values())


@pytest.mark.parametrize("name", ["weights.json", "weights.bin", "weights", "no.dots.at.all.x"])
def test_save_keeps_any_name_and_accepts_str_paths(tmp_path, trained, name):
    trained.save(str(tmp_path / name))
    assert os.listdir(tmp_path) == [name]


def test_save_overwrites(tmp_path, trained):
    path = tmp_path / "model"
    MLP(2, [4, 3, 1], seed=1).save(path)
    trained.save(path)
    assert os.listdir(tmp_path) == ["model"]
    fresh = MLP(2, [4, 3, 1], seed=2)
    fresh.load(path)
    assert same_state(fresh.state_dict(), trained.state_dict())


def test_save_in_current_directory(tmp_path, trained, monkeypatch):
    monkeypatch.chdir(tmp_path)
    trained.save("model")
    assert os.listdir(tmp_path) == ["model"]


def test_no_pickle_anywhere(tmp_path, trained, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle used")

    for name in ("dump", "dumps", "load", "loads", "Pickler", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    path = tmp_path / "model"
    trained.save(path)
    assert path.read_bytes().lstrip().startswith(b"{")
    fresh = MLP(2, [4, 3, 1], seed=5)
    fresh.load(path)
    assert same_state(fresh.state_dict(), trained.state_dict())


def test_round_trip_is_bit_exact(tmp_path, trained):
    path = tmp_path / "model"
    trained.save(path)
    fresh = MLP(2, [4, 3, 1], seed=3)
    fresh.load(path)
    for (name, a), (_, b) in zip(trained.named_parameters(), fresh.named_parameters()):
        assert bits(a.data) == bits(b.data), name
    assert same_state(fresh.state_dict(), trained.state_dict())


def test_module_functions_and_methods_agree(tmp_path, trained):
    nn.io.save(trained, tmp_path / "a")
    trained.save(tmp_path / "b")
    assert (tmp_path / "a").read_text() == (tmp_path / "b").read_text()
    fresh = MLP(2, [4, 3, 1], seed=3)
    nn.io.load(fresh, tmp_path / "a")
    assert same_state(fresh.state_dict(), trained.state_dict())


class Tiny(Module):
    def __init__(self, seed):
        self.gain = Value(1.0 + seed)
        self.body = [Layer(2, 2, seed=seed), Layer(2, 1, seed=seed + 1)]
        self.shift = Value(3.0, requires_grad=False)

    def forward(self, x):
        return self.body[1](self.body[0](x)) * self.gain


def test_user_module_round_trip(tmp_path):
    a, b = Tiny(0), Tiny(10)
    a.save(tmp_path / "tiny")
    b.load(tmp_path / "tiny")
    assert same_state(a.state_dict(), b.state_dict())
    assert b([0.5, 0.5]).data == a([0.5, 0.5]).data
    assert "shift" not in json.loads((tmp_path / "tiny").read_text())["parameters"]


# --- atomic writes -------------------------------------------------------------------------------------------


def _fail(*args, **kwargs):
    raise OSError("disk full (simulated)")


@pytest.mark.parametrize(("target", "name"), [
    (os, "replace"),
    (json, "dumps"),
])
def test_failed_save_leaves_the_existing_file_intact(tmp_path, trained, monkeypatch, target, name):
    path = tmp_path / "model"
    MLP(2, [4, 3, 1], seed=1).save(path)
    before = path.read_bytes()
    monkeypatch.setattr(target, name, _fail)
    with pytest.raises(OSError):
        trained.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model"]  # the temp file was cleaned up


def test_failed_first_save_creates_nothing(tmp_path, trained, monkeypatch):
    monkeypatch.setattr(os, "replace", _fail)
    with pytest.raises(OSError):
        trained.save(tmp_path / "model")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_save_refuses_non_finite_parameters(tmp_path, trained, bad):
    path = tmp_path / "model"
    MLP(2, [4, 3, 1], seed=1).save(path)
    before = path.read_bytes()
    trained.layers[1].neurons[2].w[0].data = bad
    with pytest.raises(ValueError, match="layers.1.neurons.2.w.0"):
        trained.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model"]
    with pytest.raises(ValueError):
        trained.save(tmp_path / "other")
    assert os.listdir(tmp_path) == ["model"]


# --- loading bad files ----------------------------------------------------------------------------------------


def _edit(change):
    """A case that edits the parsed document, then writes it back as JSON."""
    def make(text: str) -> bytes:
        document = json.loads(text)
        change(document)
        return json.dumps(document).encode()
    return make


def _set_param(value):
    def change(document):
        document["parameters"]["layers.1.neurons.2.b"] = value
    return change


def _text(replace):
    return lambda text: replace(text).encode()


LAST = "layers.2.neurons.0.b"

BAD_FILES = [
    pytest.param(_text(lambda t: t[: len(t) // 2]), id="truncated-half"),
    pytest.param(_text(lambda t: t[:-1]), id="truncated-last-byte"),
    pytest.param(_text(lambda t: ""), id="empty"),
    pytest.param(_text(lambda t: "this is not json"), id="text"),
    pytest.param(lambda t: pickle.dumps(json.loads(t)), id="pickle-bytes"),
    pytest.param(lambda t: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", id="binary"),
    pytest.param(_text(lambda t: "[1, 2, 3]"), id="json-list"),
    pytest.param(_text(lambda t: "null"), id="json-null"),
    pytest.param(_edit(lambda d: d.pop("format")), id="format-missing"),
    pytest.param(_edit(lambda d: d.update(format="micrograd.model")), id="format-wrong"),
    pytest.param(_edit(lambda d: d.update(version=2)), id="version-2"),
    pytest.param(_edit(lambda d: d.update(version=0)), id="version-0"),
    pytest.param(_edit(lambda d: d.update(version="1")), id="version-string"),
    pytest.param(_edit(lambda d: d.update(version=True)), id="version-bool"),
    pytest.param(_edit(lambda d: d.pop("version")), id="version-missing"),
    pytest.param(_edit(lambda d: d.update({"class": "Layer"})), id="class-wrong"),
    pytest.param(_edit(lambda d: d["config"].update(nouts=[4, 3, 2])), id="config-nouts"),
    pytest.param(_edit(lambda d: d["config"].update(activation="tanh")), id="config-activation"),
    pytest.param(_edit(lambda d: d.pop("parameters")), id="parameters-missing"),
    pytest.param(_edit(lambda d: d.update(parameters=list(d["parameters"].values()))), id="parameters-list"),
    pytest.param(_edit(lambda d: d["parameters"].pop(LAST)), id="param-missing"),
    pytest.param(_edit(lambda d: d["parameters"].update({"layers.2.neurons.1.b": 0.0})), id="param-extra"),
    pytest.param(_edit(lambda d: d["parameters"].update({LAST + "x": d["parameters"].pop(LAST)})),
                 id="param-renamed"),
    pytest.param(_edit(_set_param("0.5")), id="value-string"),
    pytest.param(_edit(_set_param(True)), id="value-true"),
    pytest.param(_edit(_set_param(False)), id="value-false"),
    pytest.param(_edit(_set_param(None)), id="value-null"),
    pytest.param(_edit(_set_param([0.5])), id="value-list"),
    pytest.param(_edit(_set_param({"x": 0.5})), id="value-object"),
    pytest.param(_edit(_set_param(float("nan"))), id="value-NaN"),
    pytest.param(_edit(_set_param(float("inf"))), id="value-Infinity"),
    pytest.param(_edit(_set_param(-float("inf"))), id="value--Infinity"),
    pytest.param(_text(lambda t: t.replace(f'"{LAST}": 0.0', f'"{LAST}": 1e999')), id="value-1e999"),
    pytest.param(_text(lambda t: t.replace(f'"{LAST}": 0.0', f'"{LAST}": 1{"0" * 400}')), id="value-huge-int"),
]


@pytest.mark.parametrize("corrupt", BAD_FILES)
def test_load_rejects_bad_file_and_changes_nothing(tmp_path, corrupt):
    source = MLP(2, [4, 3, 1], seed=1)
    source.layers[2].neurons[0].b.data = 0.0
    path = tmp_path / "model"
    source.save(path)
    data = corrupt(path.read_text())
    assert data != path.read_bytes(), "the case did not change the file"
    path.write_bytes(data)
    model = MLP(2, [4, 3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ModelFileError) as info:
        model.load(path)
    assert isinstance(info.value, ValueError)
    assert same_state(model.state_dict(), before)


def test_load_into_a_different_architecture(tmp_path):
    MLP(2, [4, 1], seed=0).save(tmp_path / "m")
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ModelFileError):
        model.load(tmp_path / "m")
    assert same_state(model.state_dict(), before)


@pytest.mark.parametrize(("saved", "target"), [
    (lambda: MLP(2, [4, 1], seed=0), lambda: MLP(3, [4, 1], seed=0)),
    (lambda: MLP(2, [4, 1], seed=0), lambda: MLP(2, [4, 4, 1], seed=0)),
    (lambda: MLP(2, [4, 1], seed=0), lambda: MLP(2, [4, 1], activation="tanh", seed=0)),
    (lambda: MLP(2, [1], seed=0), lambda: Layer(2, 1, seed=0)),
    (lambda: Tiny(0), lambda: MLP(2, [2, 1], seed=0)),
])
def test_load_rejects_other_models(tmp_path, saved, target):
    saved().save(tmp_path / "m")
    model = target()
    before = model.state_dict()
    with pytest.raises(ModelFileError):
        model.load(tmp_path / "m")
    assert same_state(model.state_dict(), before)


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)
