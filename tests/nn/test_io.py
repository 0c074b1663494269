"""Saving and loading: plain JSON at exactly the given path, atomic writes, bit-exact round trips, and
loads that reject every kind of bad file with ModelFileError and leave the model untouched."""

from __future__ import annotations

import json
import os
import pickle
import random
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from nn_cases import bits, same_state

import nn.atomic_write
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
    assert document["version"] == 2
    assert document["sha256"] == nn.io.checksum(document)
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


def _edit(change, sign=True):
    """A case that edits the parsed document, then writes it back as JSON with a matching checksum (so the
    case reaches the check it is about), or keeping the old checksum when `sign` is False."""
    def make(text: str) -> bytes:
        document = json.loads(text)
        change(document)
        if sign and "sha256" in document:
            document["sha256"] = nn.io.checksum(document)
        return json.dumps(document).encode()
    return make


def _set_param(value):
    def change(document):
        document["parameters"]["layers.1.neurons.2.b"] = value
    return change


def _text(replace):
    """A case that edits the text; when the result still parses, its checksum is updated to match."""
    def make(text: str) -> bytes:
        changed = replace(text)
        try:
            document = json.loads(changed)
            old = document["sha256"]
        except (ValueError, TypeError, KeyError, RecursionError):
            return changed.encode()
        return changed.replace(old, nn.io.checksum(document)).encode()
    return make


def _nest(depth):
    def change(document):
        for _ in range(depth):
            document["config"] = [document["config"]]
    return change


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
    pytest.param(_edit(lambda d: d.update(version=3)), id="version-3"),
    pytest.param(_edit(lambda d: d.update(version=1)), id="version-1-with-checksum"),
    pytest.param(_edit(lambda d: (d.update(version=1), d.pop("sha256"))), id="version-1-untrusted"),
    pytest.param(_edit(lambda d: d.update(version=0)), id="version-0"),
    pytest.param(_edit(lambda d: d.update(version="1")), id="version-string"),
    pytest.param(_edit(lambda d: d.update(version=True)), id="version-bool"),
    pytest.param(_edit(lambda d: d.pop("version")), id="version-missing"),
    pytest.param(_edit(lambda d: d.update({"class": "Layer"})), id="class-wrong"),
    pytest.param(_edit(lambda d: d["config"].update(nouts=[4, 3, 2])), id="config-nouts"),
    pytest.param(_edit(lambda d: d["config"].update(activation="tanh")), id="config-activation"),
    pytest.param(_edit(lambda d: d["config"].update(nin=2.0)), id="config-float-for-int"),
    pytest.param(_edit(lambda d: d["config"].update(extra=None)), id="config-extra-key"),
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
    pytest.param(_text(lambda t: t.replace(f'"{LAST}": 0.0', f'"{LAST}": 1{"0" * 5000}')), id="value-5000-digits"),
    # the checksum
    pytest.param(_edit(_set_param(0.25), sign=False), id="checksum-stale"),
    pytest.param(_edit(lambda d: d.update(sha256=d["sha256"].upper()), sign=False), id="checksum-uppercase"),
    pytest.param(_edit(lambda d: d.update(sha256=None), sign=False), id="checksum-null"),
    pytest.param(_edit(lambda d: d.pop("sha256")), id="checksum-missing"),
    # unknown and duplicate keys
    pytest.param(_edit(lambda d: d.update(comment="hi")), id="unknown-key"),
    pytest.param(_edit(lambda d: d.update(Parameters={})), id="unknown-key-case"),
    pytest.param(_text(lambda t: t.replace('"class"', '"class": "MLP", "class"')), id="duplicate-top-key"),
    pytest.param(_text(lambda t: t.replace(f'"{LAST}"', f'"{LAST}": 7.0, "{LAST}"')), id="duplicate-param"),
    # nesting
    pytest.param(_text(lambda t: "[" * 1001), id="nested-1001"),
    pytest.param(_text(lambda t: "[" * 100_000 + "]" * 100_000), id="nested-100000-balanced"),
    pytest.param(_text(lambda t: '{"a":' * 5000), id="nested-objects"),
    pytest.param(_edit(_nest(40)), id="nested-config"),
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
    assert str(path) in str(info.value)
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


# --- integrity: the checksum, and files of the previous format version -------------------------------------------


def _flip_every(tmp_path, source, make, flips):
    """Load the saved file of `source` with each single-bit flip into a fresh model from `make`: every flip must
    be refused (model untouched) or load exactly the saved values. Returns how many were refused."""
    path = tmp_path / "model"
    source.save(path)
    original, saved = path.read_bytes(), source.state_dict()
    refused = 0
    for bit in flips(len(original) * 8):
        data = bytearray(original)
        data[bit // 8] ^= 1 << (bit % 8)
        path.write_bytes(data)
        model = make()
        before = model.state_dict()
        try:
            model.load(path)
        except ModelFileError:
            refused += 1
            assert same_state(model.state_dict(), before), f"bit {bit}: refused, but the model changed"
        else:
            assert same_state(model.state_dict(), saved), f"bit {bit} loaded as other numbers"
    return refused


def test_every_single_bit_flip_of_a_small_file_is_refused_or_harmless(tmp_path):
    source = MLP(1, [1], seed=0)
    source.parameters()[0].data, source.parameters()[1].data = 0.1 + 0.2, -5e-324
    n = len(saved_text(tmp_path, source).encode()) * 8
    refused = _flip_every(tmp_path, source, lambda: MLP(1, [1], seed=1), range)
    assert refused > 0.95 * n  # the rest are harmless, e.g. 1e-05 -> 1E-05


def test_random_single_bit_flips_are_refused_or_harmless(tmp_path, trained):
    rng = random.Random(0)
    refused = _flip_every(tmp_path, trained, lambda: MLP(2, [4, 3, 1], seed=7),
                          lambda bits: rng.sample(range(bits), 1500))
    assert refused > 1400


def _as_version_1(path):
    """Rewrite a saved file as the previous chainrule wrote it: version 1, no checksum."""
    document = json.loads(path.read_text())
    del document["sha256"]
    document["version"] = 1
    path.write_text(json.dumps(document, indent=1))


def test_version_1_file_is_refused_with_how_to_re_save_it(tmp_path, trained):
    path = tmp_path / "model"
    trained.save(path)
    _as_version_1(path)
    model = MLP(2, [4, 3, 1], seed=3)
    before = model.state_dict()
    with pytest.raises(ModelFileError, match="version 1") as info:
        model.load(path)
    assert str(path) in str(info.value) and "trust_unverified=True" in str(info.value)
    assert "model.save(path)" in str(info.value)
    assert same_state(model.state_dict(), before)
    nn.io.load(model, path, trust_unverified=True)  # what the message says, step 1 ...
    assert same_state(model.state_dict(), trained.state_dict())
    model.save(path)  # ... and step 2
    assert json.loads(path.read_text())["version"] == 2
    fresh = MLP(2, [4, 3, 1], seed=4)
    fresh.load(path)
    assert same_state(fresh.state_dict(), trained.state_dict())


def test_trusted_version_1_file_is_still_validated(tmp_path, trained):
    path = tmp_path / "model"
    trained.save(path)
    _as_version_1(path)
    path.write_text(path.read_text().replace('"version": 1,', '"version": 1, "comment": 0,'))
    model = MLP(2, [4, 3, 1], seed=3)
    before = model.state_dict()
    with pytest.raises(ModelFileError, match="comment"):
        nn.io.load(model, path, trust_unverified=True)
    assert same_state(model.state_dict(), before)


def test_unknown_and_missing_keys_are_named(tmp_path, trained):
    path = tmp_path / "model"
    trained.save(path)
    document = json.loads(path.read_text())
    document.update(comment="hi", extra=1)
    del document["class"]
    document["sha256"] = nn.io.checksum(document)
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r"unknown keys \['comment', 'extra'\] and missing keys \['class'\]"):
        MLP(2, [4, 3, 1], seed=3).load(path)


def test_reformatted_file_still_loads(tmp_path, trained):
    path = tmp_path / "model"
    trained.save(path)
    path.write_text(json.dumps(json.loads(path.read_text()), indent=8, sort_keys=True))
    fresh = MLP(2, [4, 3, 1], seed=3)
    fresh.load(path)
    assert same_state(fresh.state_dict(), trained.state_dict())


# --- size and nesting bounds --------------------------------------------------------------------------------------


def test_huge_file_is_refused_without_reading_it(tmp_path, trained):
    path = tmp_path / "huge"
    with open(path, "wb") as f:
        f.truncate(1 << 30)  # 1 GB, sparse: nothing is written to disk
    before = trained.state_dict()
    with pytest.raises(ModelFileError, match="larger than") as info:
        trained.load(path)
    assert str(path) in str(info.value) and "MLP (31 parameters)" in str(info.value)
    assert same_state(trained.state_dict(), before)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_file_is_refused(trained):
    before = trained.state_dict()
    with pytest.raises(ModelFileError, match="larger than"):  # read whole, this would never end
        trained.load("/dev/zero")
    assert same_state(trained.state_dict(), before)


def test_missing_file_is_a_clear_os_error(tmp_path, trained):
    before = trained.state_dict()
    with pytest.raises(FileNotFoundError, match="nope"):
        trained.load(tmp_path / "nope")
    assert same_state(trained.state_dict(), before)


# --- the files save writes: permissions, names, temp files ----------------------------------------------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604, 0o444])
def test_save_keeps_the_existing_files_permissions(tmp_path, trained, mode):
    path = tmp_path / "model"
    path.write_text("old")
    os.chmod(path, mode)
    trained.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    fresh = MLP(2, [4, 3, 1], seed=3)
    fresh.load(path)
    assert same_state(fresh.state_dict(), trained.state_dict())


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_file_gets_the_usual_mode_and_the_umask_is_never_changed(tmp_path, trained, monkeypatch, umask):
    old = os.umask(umask)
    try:
        monkeypatch.setattr(os, "umask", _fail)  # changing it would race with other threads creating files
        trained.save(tmp_path / "model")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "model").st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("name", ["m" * 255, "\u00e9" * 127 + "m", ".m", "-m", "model.tmp"])
def test_any_valid_name_works_even_255_bytes(tmp_path, trained, name):
    assert len(os.fsencode(name)) <= 255
    trained.save(tmp_path / name)
    assert os.listdir(tmp_path) == [name]
    fresh = MLP(2, [4, 3, 1], seed=3)
    fresh.load(tmp_path / name)
    assert same_state(fresh.state_dict(), trained.state_dict())


def _make_old(path):
    past = time.time() - 3600
    os.utime(path, (past, past))


def test_temp_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path, trained):
    path = tmp_path / "model"
    trained.save(path)
    script = "import os, sys\nfrom nn import MLP\nos.replace = lambda *a: os._exit(9)\nMLP(2, [3, 1]).save(sys.argv[1])"
    killed = subprocess.run([sys.executable, "-c", script, str(path)], cwd=Path(nn.__file__).parents[1], timeout=120)
    assert killed.returncode == 9
    leftovers = [name for name in os.listdir(tmp_path) if name != "model"]
    assert len(leftovers) == 1 and leftovers[0].startswith(nn.atomic_write.temp_prefix(path))
    stale = tmp_path / leftovers[0]
    fresh = MLP(2, [4, 3, 1], seed=3)
    fresh.load(path)  # the target was untouched
    assert same_state(fresh.state_dict(), trained.state_dict())

    trained.save(path)
    assert stale.exists()  # a fresh temp file may belong to a save still running elsewhere: left alone
    other_target = tmp_path / (nn.atomic_write.temp_prefix(tmp_path / "other") + "0123abcd.tmp")
    legacy = tmp_path / ".model.ab_cd12x.tmp"  # left by the previous version (tempfile.mkstemp's names)
    unrelated = tmp_path / ".model.notes.tmp"
    for file in (stale, other_target, legacy, unrelated):
        file.write_text("partial")
        _make_old(file)
    trained.save(path)
    assert sorted(os.listdir(tmp_path)) == sorted(["model", other_target.name, unrelated.name])


# --- config round trip -------------------------------------------------------------------------------------------


class Configured(Module):
    """A user's module whose config() returns whatever it was given."""

    def __init__(self, config, seed=0.0):
        self.settings = config
        self.w = [Value(0.5 + seed), Value(-1.5 - seed)]

    def config(self):
        return self.settings

    def forward(self, x):
        return self.w[0] * x + self.w[1]


@pytest.mark.parametrize("config", [
    {"sizes": (2, 3)},
    {"nested": {"pair": (1, (2, [3, (4,)]))}, "empty": ()},
    {"n": np.int64(4), "x": np.float64(0.5), "flag": np.bool_(True), "list": [np.int32(1)]},
    {1: "int key", "s": None, "f": 0.1 + 0.2, "u": "\u00e9\u00fc\n\"'"},
])
def test_config_with_tuples_numpy_scalars_and_int_keys_round_trips(tmp_path, config):
    Configured(config).save(tmp_path / "m")
    model = Configured(config, seed=1.0)
    model.load(tmp_path / "m")
    assert same_state(model.state_dict(), Configured(config).state_dict())


def _circular():
    loop: list = []
    loop.append(loop)
    return {"loop": loop}


@pytest.mark.parametrize("config", [
    pytest.param({"s": {1, 2}}, id="set"),
    pytest.param({"f": object()}, id="object"),
    pytest.param({"x": float("nan")}, id="nan"),
    pytest.param({"x": (1.0, float("inf"))}, id="inf"),
    pytest.param({(1, 2): "tuple key"}, id="tuple-key"),
    pytest.param(_circular(), id="circular"),
    pytest.param({"deep": json.loads("[" * 40 + "]" * 40)}, id="too-deep"),
])
def test_config_that_could_never_load_is_refused_at_save(tmp_path, config):
    path = tmp_path / "m"
    Configured({"ok": 1}).save(path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="Configured.config()") as info:
        Configured(config).save(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m"]
