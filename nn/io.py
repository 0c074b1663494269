"""Saving and loading models as plain JSON: checksummed, atomic writes, full validation before any change.

A model file (format version 2) holds the module's class, its architecture (`config()`), every parameter by
its dotted name, and `sha256`: the SHA-256 of the rest of the document in canonical JSON (`checksum`), so a
corrupted number is refused instead of loaded. Loading reads at most a size computed from the model, refuses
nesting deeper than MAX_DEPTH, duplicate or unknown keys, then checks all of it (format, version, checksum,
class, architecture, names, types, finite numbers) before touching a single parameter, so a bad file leaves
the model exactly as it was. Version 1 files (no checksum) load only with `trust_unverified=True`. Files are
written by `nn.atomic_write`. Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .atomic_write import write_atomic

if TYPE_CHECKING:
    from .module import Module

FORMAT, VERSION = "chainrule.model", 2
KEYS = {1: {"format", "version", "class", "config", "parameters"}}
KEYS[2] = KEYS[1] | {"sha256"}
MAX_DEPTH = 32  # a model file nests 2 levels, plus whatever its config() holds
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_STRING, _NOT_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL), re.compile(r"[^\[\]{}]+")


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model: corrupted, or another architecture."""


def check_state(module: Module, state: object, source: str = "state dict") -> list[float]:
    """The parameter values in `module`'s order, after checking names, types and finiteness."""
    if not isinstance(state, Mapping):
        raise ModelFileError(f"{source}: parameters must be a mapping of name to number, got {type(state).__name__}")
    names = [name for name, _ in module.named_parameters()]
    missing = [n for n in names if n not in state]
    unexpected = [n for n in state if n not in set(names)]
    if missing or unexpected:
        raise ModelFileError(f"{source} does not match {type(module).__name__}: missing {missing[:5]}, "
                             f"unexpected {unexpected[:5]} ({len(missing)} missing, {len(unexpected)} unexpected)")
    values = []
    for name in names:
        x = state[name]
        try:
            ok = not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(float(x))
        except OverflowError:  # an int too large for a float
            ok = False
        if not ok:
            raise ModelFileError(f"{source}: parameter {name!r} must be a finite number, got {str(x)[:40]}")
        values.append(float(x))
    return values


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def checksum(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of `document` without its "sha256" key, as canonical JSON: sorted keys, no spaces."""
    payload = {key: value for key, value in document.items() if key != "sha256"}
    return hashlib.sha256(_canonical(payload).encode("ascii")).hexdigest()


def _numpy_scalar(x: object) -> object:
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"{type(x).__name__} {str(x)[:40]} is not JSON data")


def plain_config(module: Module, error: type[ValueError] = ValueError, context: str = "") -> Any:
    """`module.config()` as it reads back from JSON (tuples become lists, numpy scalars numbers), so
    a saved config compares equal to the model's; config that JSON cannot hold raises `error`."""
    try:
        return json.loads(json.dumps(module.config(), allow_nan=False, default=_numpy_scalar))
    except (TypeError, ValueError, RecursionError) as problem:
        raise error(f"{context}{type(module).__name__}.config() must be JSON data (dicts, lists, tuples, str, "
                    f"finite numbers, bool, None): {problem}") from None


def _depth(text: str) -> int:
    """How deeply `text`'s brackets nest, outside JSON strings (a pre-scan: json.loads recurses)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets.encode())), default=0)


def save(module: Module, path: str | os.PathLike[str]) -> Path:
    """Write `module` to exactly `path` (no extension added), atomically (see nn.atomic_write)."""
    path, name = Path(path), type(module).__name__
    params = {key: float(x) for key, x in module.state_dict().items()}
    bad = [key for key, x in params.items() if not math.isfinite(x)]
    if bad:
        raise ValueError(f"cannot save {name}: parameter {bad[0]!r} is {params[bad[0]]!r} "
                         f"(NaN/inf; {len(bad)} such). Fix the training (lower lr, clip gradients) first.")
    document = {"format": FORMAT, "version": VERSION, "class": name,
                "config": plain_config(module, context=f"cannot save to {path}: "), "parameters": params}
    document["sha256"] = checksum(document)
    text = json.dumps(document, indent=1, allow_nan=False)
    if _depth(text) > MAX_DEPTH:  # it could never load
        raise ValueError(f"cannot save to {path}: {name}.config() nests deeper than {MAX_DEPTH - 2} levels")
    write_atomic(path, text.encode("utf-8"))
    return path


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in a model file")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        twice = [key for key, n in Counter(key for key, _ in pairs).items() if n > 1]
        raise ValueError(f"duplicate keys {twice[:5]}")
    return mapping


def _read(path: Path, limit: int, what: str) -> bytes:
    """The file's bytes, reading at most limit + 1 of them."""
    with open(path, "rb") as f:
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise ModelFileError(f"{path} is larger than {limit} bytes, the most a model file of {what} "
                             "can be: not a model file for it")
    return raw


def _parse(path: Path, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
        if _depth(text) > MAX_DEPTH:
            raise ValueError(f"brackets nested more than {MAX_DEPTH} levels deep")
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ModelFileError(f"{path} is not a valid chainrule model file (corrupted or truncated?): {error}") from None


def _check_envelope(path: Path, document: Any, trust_unverified: bool) -> None:
    """Format, version, exactly the expected keys, and the checksum."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a chainrule model file (no '\"format\": \"{FORMAT}\"')")
    version = document.get("version")
    if type(version) is not int or version not in KEYS:
        raise ModelFileError(f"{path} has format version {version!r}; this chainrule reads {VERSION} "
                             "(and 1 if trusted)")
    missing, unknown = sorted(KEYS[version] - set(document)), sorted(set(document) - KEYS[version])
    if missing or unknown:
        wrong = [f"{what} {keys[:5]}" for what, keys in (("unknown keys", unknown), ("missing keys", missing)) if keys]
        raise ModelFileError(f"{path} (format version {version}) has {' and '.join(wrong)}")
    if version == 1 and not trust_unverified:
        raise ModelFileError(f"{path} is a format version 1 file (older chainrule, no checksum): corruption in it "
                             "cannot be detected. If you trust it, load it with nn.io.load(model, path, "
                             "trust_unverified=True), then model.save(path) re-saves it as version 2.")
    if version != 1 and document["sha256"] != checksum(document):
        raise ModelFileError(f"{path} is corrupted: its contents do not match its sha256 checksum")


def load(module: Module, path: str | os.PathLike[str], *, trust_unverified: bool = False) -> None:
    """Load parameters saved by `save` into `module`, or raise ModelFileError and change nothing.
    `trust_unverified=True` also accepts format version 1 files, which have no checksum."""
    path, name = Path(path), type(module).__name__
    config = plain_config(module, ModelFileError, f"cannot load {path}: ")
    names = [key for key, _ in module.named_parameters()]
    # generous (a reformatted file still loads), yet proportional to the model
    expected = len(json.dumps({"config": config}, indent=1)) + sum(len(key) + 40 for key in names)
    document = _parse(path, _read(path, (1 << 20) + 4 * expected, f"this {name} ({len(names)} parameters)"))
    _check_envelope(path, document, trust_unverified)
    kind, saved = document["class"], document["config"]
    if kind != name or _canonical(saved) != _canonical(config):  # so 1, 1.0 and true differ
        raise ModelFileError(f"{path} holds a {kind} {saved}, but this model is a {name} {config}: "
                             "build the model with the saved architecture first")
    values = check_state(module, document["parameters"], source=str(path))
    for p, value in zip(module.parameters(), values):
        p.data = value
