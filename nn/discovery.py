"""Where a Module's parameters are found: its attributes, searched through lists, tuples and dicts.

A user's Module needs no registration, so discovery must never miss a parameter silently. It looks in
Values, Modules, and lists, tuples and dicts (str keys) of them, nested as deep as you like; a container
it does not search (a set, a deque, a generator, a numpy object array...) that holds a Value or a Module is
an error, raised when it is assigned (Module.__setattr__) and again if discovery meets it later (a list
changed in place). A walk visits each container once, so a list holding itself is fine.
"""

from __future__ import annotations

import types
from collections import deque
from collections.abc import ItemsView, KeysView, Mapping, ValuesView
from typing import Any

import numpy as np

SEARCHED = "Values, Modules, and lists, tuples and dicts (with str keys) of them"
# containers discovery does not search, but looks inside to refuse them when they hold a Value or a Module
UNSEARCHED = (set, frozenset, deque, Mapping, KeysView, ValuesView, ItemsView)
PLAIN = (str, bytes, bytearray, int, float, complex, type(None))  # hold nothing: skipped at once (bool is int)


def _holds(x: object, leaves: tuple[type, ...]) -> str | None:
    """'a Value' or 'a Module' (a type of `leaves`) if x holds one in a container we can look into without
    consuming it."""
    stack, seen = [x], set()
    while stack:
        item = stack.pop()
        for leaf in leaves:
            if isinstance(item, leaf):
                return f"a {leaf.__name__}" + (f" ({type(item).__name__})" if type(item) is not leaf else "")
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (Mapping, dict)):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, *UNSEARCHED)):
            stack.extend(item)
        elif isinstance(item, np.ndarray) and item.dtype == object:
            stack.extend(item.flat)
    return None


def _refusal(where: str, kind: str, found: str, fix: str) -> TypeError:
    return TypeError(f"{where} is {kind} holding {found}, which parameters() would silently miss: parameters are "
                     f"found in {SEARCHED}; {fix}")


def _check_unsearched(where: str, item: object, leaves: tuple[type, ...]) -> None:
    """Raise if `item`, a container discovery does not search, holds a Value or a Module."""
    if isinstance(item, types.GeneratorType):
        raise TypeError(f"{where} is a generator: its items cannot be searched for parameters without consuming "
                        "it; store a list instead: [...] rather than (...)")
    if isinstance(item, np.ndarray):
        found = _holds(item, leaves) if item.dtype == object else None
        if found:
            raise _refusal(where, "a numpy object array", found, "store it as nested lists: array.tolist()")
    elif isinstance(item, UNSEARCHED):
        found = _holds(item, leaves)
        if found:
            kind = f"a {type(item).__name__}"
            fix = ("store a list instead (a set has no order, so its items could not get stable names)"
                   if isinstance(item, (set, frozenset)) else "store a list, a tuple or a dict instead")
            raise _refusal(where, kind, found, fix)


def members(name: str, value: object, where: str, leaves: tuple[type, ...], out: list[tuple[str, Any]],
            keep: tuple[type, ...] | None = None) -> None:
    """Append to `out` (dotted name, leaf) for each leaf (Value or Module) `value` holds where discovery looks,
    in order: list and tuple items by index ('blocks.0.1'), dict items by key ('heads.left'). A leaf is not
    entered (a Module's members are its own); only leaves of the types `keep` are appended (default: all;
    () only checks). `where` names the owner in errors, e.g. 'Net'. (It fills a list rather than yielding,
    and skips what it need not keep: fit, predict and evaluate switch modes, so this walk is on their path.)"""
    keep = leaves if keep is None else keep
    if isinstance(value, leaves):
        if isinstance(value, keep):
            out.append((name, value))
    elif isinstance(value, (list, tuple, dict)):
        _search(name, value, where, leaves, keep, set(), out)
    elif not isinstance(value, PLAIN):
        _check_unsearched(f"{where}.{name}", value, leaves)


def _search(path: str, container: list[Any] | tuple[Any, ...] | dict[Any, Any], where: str, leaves: tuple[type, ...],
            keep: tuple[type, ...], seen: set[int], out: list[tuple[str, Any]]) -> None:
    """members() of a list, tuple or dict, each container visited once (a list may hold itself)."""
    if id(container) in seen:
        return
    seen.add(id(container))
    is_dict = isinstance(container, dict)
    kinds = () if is_dict else set(map(type, container))  # the common case, a list of weights: one or two types
    if kinds and all(issubclass(kind, leaves) for kind in kinds):
        if all(issubclass(kind, keep) for kind in kinds):
            out.extend((f"{path}.{i}", item) for i, item in enumerate(container))
        elif any(issubclass(kind, keep) for kind in kinds):
            out.extend((f"{path}.{i}", item) for i, item in enumerate(container) if isinstance(item, keep))
        return  # (nothing to keep: the Values of a Neuron on a walk for Modules, such as train/eval)
    for key, item in container.items() if isinstance(container, dict) else enumerate(container):
        if isinstance(item, PLAIN):
            continue
        name = _key(where, path, key, item, leaves) if is_dict else f"{path}.{key}"
        if name is None:  # plain data under a dict key that could not name parameters
            continue
        if isinstance(item, leaves):
            if isinstance(item, keep):
                out.append((name, item))
        elif isinstance(item, (list, tuple, dict)):
            _search(name, item, where, leaves, keep, seen, out)
        else:
            _check_unsearched(f"{where}.{name}", item, leaves)


def _key(where: str, path: str, key: object, child: object, leaves: tuple[type, ...]) -> str | None:
    """The dotted name of a dict item; None (skipped) for an item that holds no parameters under a key that
    could not name them, and an error if it does hold some."""
    if isinstance(key, str) and key and "." not in key:
        return f"{path}.{key}"
    found = _holds(child, leaves)
    if found:
        raise TypeError(f"{where}.{path} is a dict whose key {key!r} holds {found}: keys that hold parameters must "
                        "be non-empty str without dots, since they become parameter names (such as 'heads.left.w')")
    return None


def child_names(owner: object, leaves: tuple[type, ...], keep: tuple[type, ...] | None = None) -> list[tuple[str, Any]]:
    """(name, leaf) for each leaf (of the types `keep`) among `owner`'s attributes, searched; each object once,
    under its first name."""
    found: list[tuple[str, Any]] = []
    for attribute, value in vars(owner).items():
        members(attribute, value, type(owner).__name__, leaves, found, keep)
    if len({id(child) for _, child in found}) == len(found):
        return found
    seen: set[int] = set()
    unique = []
    for name, child in found:
        if id(child) not in seen:
            seen.add(id(child))
            unique.append((name, child))
    return unique
