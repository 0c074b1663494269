"""Storage: parameters whose numbers live in numpy arrays, shared by compiled programs and optimizers.

A compiled training step runs a few dozen numpy lines, but a parameter that is a plain Value keeps
its number and its grad in Python slots, so each step would also move every parameter in and out of
arrays about seven times (read P, zero_grad, add the grads, the optimizer's read and write): at 337
parameters that is more than the program itself. So `compile` moves its parameters into a Storage.
Each stays the same object (model.parameters() lists it, `p.data -= lr * p.grad` works, the eager
engine takes it as any Value) but becomes a `StoredValue`, whose `data` and `grad` are entries of the
storage's arrays. A program reads P with one slice and adds its gradients with one numpy add; nn's
optimizers step the array in place. Reading one stored number costs ~0.1 us instead of ~0.02 us.

A storage's members are fixed for its life: binding parameters that are in no storage or in several
makes a new storage holding them and every member of those storages (which are retired), so
parameters bound together stay together. `Storage.epoch` counts the bindings, so a `Placement`
(where a fixed list of parameters lives) knows in O(1) whether its last answer still holds.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from .node import Unreached
from .stored import StoredValue, as_float
from .value import Value

_binding = threading.Lock()


class Storage:
    """The numbers of some parameters in arrays: `data`, `grad` (0.0 where not reached), `reached`, and
    `other` (index -> a grad that is not a float)."""

    epoch: ClassVar[int] = 0  # how many bindings there have been (a Placement looks again after one)

    def __init__(self, members: list[Value]) -> None:
        self.members = members
        self.data = np.array([m.data for m in members], dtype=float)
        grads = [m.grad for m in members]
        numbers = [as_float(g) for g in grads]
        self.other = {i: g for i, (g, x) in enumerate(zip(grads, numbers)) if x is None}
        self.grad = np.array([0.0 if x is None else x for x in numbers], dtype=float)
        self.flags = bytearray(type(g) is not Unreached for g in grads)  # 1: reached
        self.reached = np.frombuffer(self.flags, dtype=bool)  # (the same bytes, for whole-array updates)
        # one number at a time, for the StoredValues: a memoryview reads and writes an entry as a Python
        # float 2-3x faster than indexing the array (the arrays are only ever changed in place)
        self.numbers: Any = self.data.data  # (an array's `data` is the memoryview of its buffer)
        self.grads: Any = self.grad.data
        self.retired = False

    @staticmethod
    def bindable(params: Sequence[Any]) -> bool:
        """Whether these can be stored: leaves that are plain Values (not Batches, not a subclass of yours)."""
        return all((type(p) is Value or type(p) is StoredValue) and p._a is None for p in params)

    @staticmethod
    def bind(params: Sequence[Value]) -> Storage:
        """One storage holding `params`: the storages they are in (concatenated, in the order met), then
        those in none, in the order given. Returns the one they are in if that is already so."""
        with _binding:  # (one binding at a time: two threads compiling programs that share parameters)
            return Storage._bind(params)

    @staticmethod
    def _bind(params: Sequence[Value]) -> Storage:
        storages: dict[int, Storage] = {}
        loose: list[Value] = []
        seen: set[int] = set()
        for p in params:
            if type(p) is StoredValue:
                storages.setdefault(id(p._home[0]), p._home[0])
            elif id(p) not in seen:  # (each once)
                seen.add(id(p))
                loose.append(p)
        if len(storages) == 1 and not loose:
            return next(iter(storages.values()))
        members = [m for s in storages.values() for m in s.members] + loose
        storage = Storage(members)  # (reads every number first: nothing changes if that fails)
        for i, m in enumerate(members):
            m.__class__ = StoredValue  # (the same slots: Value and StoredValue have one layout)
            m.__dict__["_home"] = (storage, i)
        for old in storages.values():
            old.retired = True
        Storage.epoch += 1
        return storage

    def zero_grad(self, index: slice | np.ndarray) -> None:
        """p.zero_grad() for the parameters at `index`: back to "not reached"."""
        self.grad[index] = 0.0
        self.reached[index] = False
        if self.other:
            for i in self.positions(index):
                self.other.pop(i, None)

    def add_grads(self, index: slice | np.ndarray, grads: np.ndarray) -> None:
        """grad += grads at `index`, as a backward pass adds into leaves (a grad that is a Value adds as one)."""
        if self.other:
            for i, g in zip(self.positions(index), grads.tolist()):
                member = self.members[i]
                member.grad = member.grad + g
            return
        self.grad[index] += grads
        self.reached[index] = True

    def floats(self, index: slice | np.ndarray) -> bool:
        """Whether every grad at `index` is a number (not a Value from create_graph=True, nor anything else)."""
        return not self.other or not set(self.positions(index)) & self.other.keys()

    def positions(self, index: slice | np.ndarray) -> list[int]:
        return np.arange(len(self.members))[index].tolist()

    def __getstate__(self) -> dict[str, Any]:
        """A copy (deepcopy of a model with its optimizer) keeps the arrays; the views are made again."""
        return {key: value for key, value in self.__dict__.items() if key not in ("numbers", "grads", "reached")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.reached = np.frombuffer(self.flags, dtype=bool)
        self.numbers, self.grads = self.data.data, self.grad.data


class Placement:
    """Where a fixed list of parameters lives: `find()` gives (storage, index) or None (not all in one storage).

    `bind=True`: if some of them are stored but not all in one storage, bind them (as compile's parameters
    are, so that an optimizer over a model's parameters steps in arrays even if a program uses only some).
    """

    def __init__(self, params: Sequence[Value], bind: bool = False) -> None:
        self.params, self.bind = list(params), bind
        self.epoch = -1
        self.found: tuple[Storage, slice | np.ndarray] | None = None

    def find(self) -> tuple[Storage, slice | np.ndarray] | None:
        while self.epoch != Storage.epoch:  # (the epoch read before looking: a binding meanwhile looks again)
            epoch = Storage.epoch
            self.found = self._look()
            self.epoch = epoch
        return self.found

    def with_float_grads(self) -> tuple[Storage, slice | np.ndarray] | None:
        """find(), if every grad there is a number: then the storage's grad array stands for all of them."""
        found = self.find()
        return found if found is not None and found[0].floats(found[1]) else None

    def __getstate__(self) -> dict[str, Any]:
        """A copy looks again: its parameters are copies, plain Values (see StoredValue.__reduce_ex__)."""
        return {"params": self.params, "bind": self.bind, "epoch": -1, "found": None}

    def _look(self) -> tuple[Storage, slice | np.ndarray] | None:
        params = self.params
        stored = [p for p in params if type(p) is StoredValue]
        if not stored:
            return None
        homes = {id(p._home[0]) for p in stored}
        if len(stored) < len(params) or len(homes) > 1:
            if not (self.bind and Storage.bindable(params)):
                return None
            Storage.bind(params)
        storage = params[0]._home[0]  # type: ignore[attr-defined]
        positions = np.array([p._home[1] for p in params])  # type: ignore[attr-defined]
        start = int(positions[0])
        if np.array_equal(positions, np.arange(start, start + len(params))):
            return storage, slice(start, start + len(params))
        return storage, positions
