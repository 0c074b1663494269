"""Saving and loading models as plain JSON: atomic writes, full validation before any change.

A model file holds the module's class, its architecture (`config()`) and every parameter by
its dotted name. Loading checks all of it (format, class, architecture, names, types, finite
numbers) before touching a single parameter, so a bad file leaves the model exactly as it was.
Nothing is ever unpickled.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .module import Module

FORMAT, VERSION = "chainrule.model", 1


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


def save(module: Module, path: str | os.PathLike[str]) -> Path:
    """Write `module` to exactly `path` (no extension added): a temp file renamed over it."""
    path = Path(path)
    params = dict(module.state_dict())
    bad = [name for name, x in params.items() if not math.isfinite(x)]
    if bad:
        raise ValueError(f"cannot save {type(module).__name__}: parameter {bad[0]!r} is {params[bad[0]]!r} "
                         f"(NaN/inf; {len(bad)} such). Fix the training (lower lr, clip gradients) first.")
    document = {"format": FORMAT, "version": VERSION, "class": type(module).__name__,
                "config": module.config(), "parameters": params}
    text = json.dumps(document, indent=1, allow_nan=False)
    handle, temp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.",
                                    suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in a model file")


def load(module: Module, path: str | os.PathLike[str]) -> None:
    """Load parameters saved by `save` into `module`, or raise ModelFileError and change nothing."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ModelFileError(f"{path} is not a valid chainrule model file (corrupted or truncated?): {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a chainrule model file (no '\"format\": \"{FORMAT}\"')")
    if type(document.get("version")) is not int or document["version"] != VERSION:
        raise ModelFileError(f"{path} has format version {document.get('version')!r}; this chainrule reads {VERSION}")
    kind, config = document.get("class"), document.get("config")
    if kind != type(module).__name__ or config != module.config():
        raise ModelFileError(f"{path} holds a {kind} {config}, but this model is a {type(module).__name__} "
                             f"{module.config()}: build the model with the saved architecture first")
    values = check_state(module, document.get("parameters"), source=str(path))
    for p, value in zip(module.parameters(), values):
        p.data = value
