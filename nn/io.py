"""Saving and loading models as plain JSON: checksummed, atomic writes, full validation before any change.

What a model file holds, its checksum, and the guarded reading of one (a size cap, a nesting cap, strict
JSON, the envelope and checksum checks) are in nn/model_file.py; here a Module meets that format. `save`
writes its class, architecture (`config()`) and parameters, atomically (`nn.atomic_write`). `load` reads
at most a size computed from the model, then checks the rest (class, architecture, names, types, finite
numbers) before touching a single parameter, so a bad file leaves the model exactly as it was. Version 1
files (no checksum) load only with `trust_unverified=True`. Nothing is ever unpickled.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .atomic_write import write_atomic
from .model_file import (
    FORMAT,
    MAX_DEPTH,
    VERSION,
    ModelFileError,
    canonical,
    check_envelope,
    checksum,
    depth,
    parse,
    read_at_most,
)

if TYPE_CHECKING:
    from .module import Module


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
    if depth(text) > MAX_DEPTH:  # it could never load
        raise ValueError(f"cannot save to {path}: {name}.config() nests deeper than {MAX_DEPTH - 2} levels")
    write_atomic(path, text.encode("utf-8"))
    return path


def load(module: Module, path: str | os.PathLike[str], *, trust_unverified: bool = False) -> None:
    """Load parameters saved by `save` into `module`, or raise ModelFileError and change nothing.
    `trust_unverified=True` also accepts format version 1 files, which have no checksum."""
    path, name = Path(path), type(module).__name__
    config = plain_config(module, ModelFileError, f"cannot load {path}: ")
    names = [key for key, _ in module.named_parameters()]
    # generous (a reformatted file still loads), yet proportional to the model
    expected = len(json.dumps({"config": config}, indent=1)) + sum(len(key) + 40 for key in names)
    document = parse(path, read_at_most(path, (1 << 20) + 4 * expected, f"this {name} ({len(names)} parameters)"))
    check_envelope(path, document, trust_unverified)
    kind, saved = document["class"], document["config"]
    if kind != name or canonical(saved) != canonical(config):  # so 1, 1.0 and true differ
        raise ModelFileError(f"{path} holds a {kind} {saved}, but this model is a {name} {config}: "
                             "build the model with the saved architecture first")
    values = check_state(module, document["parameters"], source=str(path))
    for p, value in zip(module.parameters(), values):
        p.data = value
