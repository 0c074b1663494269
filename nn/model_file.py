"""What a chainrule model file is, and how one is read without trusting it: the format and its checks.

A model file (format version 2) is a JSON document holding the module's class, its architecture
(`config()`), every parameter by its dotted name, and `sha256`: the SHA-256 of the rest of the document
in canonical JSON (`checksum`), so a corrupted number is refused instead of loaded. A file may come from
anywhere, so reading one is guarded at each step before its contents are used: at most a given number of
bytes (`read_at_most`), brackets nested at most MAX_DEPTH deep (counted before json.loads, which
recurses), no NaN or Infinity and no duplicate keys (`parse`), then the envelope: the format, a known
version with exactly its keys, and the checksum (`check_envelope`). Every refusal is a ModelFileError.
nn/io.py builds on this to save and load Modules; nothing here knows what a Module is.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

FORMAT, VERSION = "chainrule.model", 2
KEYS = {1: {"format", "version", "class", "config", "parameters"}}
KEYS[2] = KEYS[1] | {"sha256"}
MAX_DEPTH = 32  # a model file nests 2 levels, plus whatever its config() holds
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_STRING, _NOT_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL), re.compile(r"[^\[\]{}]+")


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model: corrupted, or another architecture."""


def canonical(data: Any) -> str:
    """`data` as canonical JSON (sorted keys, no spaces): what `checksum` hashes, and how a saved config is
    compared with the model's (so that 1, 1.0 and true differ)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def checksum(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of `document` without its "sha256" key, as canonical JSON: sorted keys, no spaces."""
    payload = {key: value for key, value in document.items() if key != "sha256"}
    return hashlib.sha256(canonical(payload).encode("ascii")).hexdigest()


def depth(text: str) -> int:
    """How deeply `text`'s brackets nest, outside JSON strings (a pre-scan: json.loads recurses)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets.encode())), default=0)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in a model file")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        twice = [key for key, n in Counter(key for key, _ in pairs).items() if n > 1]
        raise ValueError(f"duplicate keys {twice[:5]}")
    return mapping


def read_at_most(path: Path, limit: int, what: str) -> bytes:
    """The file's bytes, reading at most limit + 1 of them."""
    with open(path, "rb") as f:
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise ModelFileError(f"{path} is larger than {limit} bytes, the most a model file of {what} "
                             "can be: not a model file for it")
    return raw


def parse(path: Path, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
        if depth(text) > MAX_DEPTH:
            raise ValueError(f"brackets nested more than {MAX_DEPTH} levels deep")
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ModelFileError(f"{path} is not a valid chainrule model file (corrupted or truncated?): {error}") from None


def check_envelope(path: Path, document: Any, trust_unverified: bool) -> None:
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
