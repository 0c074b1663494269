"""Module: the base of every network, with micrograd's API and PyTorch's names.

Parameters are found by looking at a module's attributes (Values, Modules, and lists or tuples
of them), so a user's own Module subclass needs no registration. A call runs `forward` inside
`autograd.scope(self)`, which tags the nodes it makes so graphs can be drawn per neuron.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from autograd import Value, scope

from . import io as model_files  # (io.py names Module only in annotations, so this is no cycle)


class Module:
    """Base class: parameters(), named_parameters(), zero_grad(), state_dict(), save()/load()."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with scope(self):
            return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward() (or __call__)")

    def named_children(self) -> Iterator[tuple[str, Value | Module]]:
        """(name, Value or Module) for each attribute, list items named by index: 'w.0', 'layers.1'."""
        for name, attr in vars(self).items():
            if isinstance(attr, (Value, Module)):
                yield name, attr
            elif isinstance(attr, (list, tuple)):
                for i, item in enumerate(attr):
                    if isinstance(item, (Value, Module)):
                        yield f"{name}.{i}", item

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, child in self.named_children():
            if isinstance(child, Module):
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """Stable dotted names such as 'layers.0.neurons.3.w.1', in attribute order; a Value held
        in two places (tied weights) is listed once, under its first name."""
        seen: set[int] = set()
        for name, p in self._all_parameters(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _all_parameters(self, prefix: str) -> Iterator[tuple[str, Value]]:
        for name, child in self.named_children():
            full = f"{prefix}.{name}" if prefix else name
            if isinstance(child, Module):
                yield from child._all_parameters(full)
            elif child.requires_grad:
                yield full, child

    def parameters(self) -> list[Value]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

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

    def summary(self) -> str:
        """One line per direct sub-module with its parameter count, and the total."""
        lines = [f"{type(self).__name__}({self._describe()}): {len(self.parameters())} parameters"]
        for name, child in self.named_children():
            if isinstance(child, Module):
                lines.append(f"  {name}: {type(child).__name__}({child._describe()}), "
                             f"{len(child.parameters())} parameters")
        return "\n".join(lines)
