"""Module: the base of every network, with micrograd's API and PyTorch's names.

Parameters are found by looking at a module's attributes (Values, Modules, and lists, tuples and dicts of
them, nested; see nn.discovery), so a user's own Module subclass needs no registration and no
`super().__init__()`: an assignment that would hide parameters from discovery is refused when it is made.
A call runs `forward` inside `autograd.scope(self)`, which tags the nodes it makes so graphs can be drawn
per neuron. `train()`/`eval()` set the `training` flag that layers such as Dropout read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from autograd import Value, scope

from . import io as model_files  # (io.py names Module only in annotations, so this is no cycle)
from .discovery import child_names, members
from .display import html_table, text_summary

M = TypeVar("M", bound="Module")


class Module:
    """Base class: parameters(), named_parameters(), zero_grad(), train()/eval(), state_dict(), save()/load()."""

    training: bool = True  # a class default, so a subclass's __init__ need not call super().__init__()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with scope(self):
            return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward() (or __call__)")

    def __setattr__(self, name: str, value: Any) -> None:
        """Set the attribute, after refusing what discovery would get wrong: a set, generator, deque... holding
        Values or Modules (their parameters would be silently missed), or a `training` flag that is not a bool."""
        if name == "training":
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{type(self).__name__}.training must be True or False, got {value!r}; "
                                 "use model.train() or model.eval()")
            value = bool(value)  # (a bool holds nothing to search: no walk below, as train/eval set it per module)
        else:
            members(name, value, type(self).__name__, LEAVES, [], keep=())  # raises on what it cannot search
        object.__setattr__(self, name, value)

    def named_children(self) -> Iterator[tuple[str, Value | Module]]:
        """(name, Value or Module) for each one held in an attribute, in attribute order; items of lists and
        tuples are named by index ('w.0', 'blocks.0.1'), of dicts by key ('heads.left'); each object once."""
        return iter(child_names(self, LEAVES))

    def _members(self, prefix: str, seen: set[int], out: list[tuple[str, Any]], modules_only: bool) -> None:
        """Append every Value and Module below this one (Modules only: for train/eval, fast), depth first in
        attribute order, each once (first name)."""
        children = child_names(self, LEAVES, (Module,)) if modules_only else self.named_children()
        for name, child in children:
            if id(child) not in seen:
                seen.add(id(child))
                full = f"{prefix}.{name}" if prefix else name
                out.append((full, child))
                if isinstance(child, Module):
                    child._members(full, seen, out, modules_only)

    def _all_members(self, prefix: str, modules_only: bool = False) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        self._members(prefix, {id(self)}, out, modules_only)
        return out

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named `prefix`) and every sub-module; a module held twice (tied) is listed once."""
        yield prefix, self
        yield from self._all_members(prefix, modules_only=True)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """Stable dotted names such as 'layers.0.neurons.3.w.1', in attribute order; a Value held
        in two places (tied weights) is listed once, under its first name."""
        for name, child in self._all_members(prefix):
            if not isinstance(child, Module) and child.requires_grad:
                yield name, child

    def parameters(self) -> list[Value]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    def train(self: M, mode: bool = True) -> M:
        """Put this module and every sub-module in training mode (or evaluation mode: mode=False); returns
        self, so `model = MLP(...).eval()` works. Only layers that train differently (Dropout) read it."""
        if not isinstance(mode, (bool, np.bool_)):
            raise ValueError(f"{type(self).__name__}.train: mode must be True or False, got {mode!r}")
        for _, module in self.named_modules():
            module.training = bool(mode)
        return self

    def eval(self: M) -> M:
        """Evaluation mode (`train(False)`): Dropout becomes the identity. predict and evaluate use it."""
        return self.train(False)

    def state_dict(self) -> dict[str, float]:
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from `state`, after checking all of it (nothing changes on an error)."""
        values = model_files.check_state(self, state)
        for p, value in zip(self.parameters(), values):
            p.data = value

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and parameters as JSON at exactly `path`, atomically."""
        model_files.save(self, path)

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters saved by `save`; on any mismatch or corruption raise and change nothing."""
        model_files.load(self, path)

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture (saved with it)."""
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()}) with {len(self.parameters())} parameters"

    def _describe(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.config().items())

    def _details(self) -> str:
        """Shape and activation in a few words, for the table of `_repr_html_` (e.g. '2 -> 16, relu')."""
        return self._describe()

    def summary(self) -> str:
        """One line per direct sub-module with its parameter count, and the total."""
        return text_summary(self, Module)

    def _repr_html_(self) -> str:
        """Jupyter's rich display: a table of the sub-modules (name, type, shape and activation, parameters)."""
        return html_table(self, Module)


LEAVES = (Value, Module)  # what discovery yields; containers are searched through, these are not


@contextmanager
def in_mode(model: Module, training: bool) -> Iterator[Module]:
    """`model` and its sub-modules in training (True) or evaluation (False) mode inside the block; afterwards
    each is put back in the mode it had (they may differ: `model.eval(); model.head.train()`)."""
    before = [(module, module.training) for _, module in model.named_modules()]
    for module, _ in before:
        module.training = training
    try:
        yield model
    finally:
        for module, was in before:
            module.training = was
