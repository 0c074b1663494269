"""StoredValue: a parameter whose `data` and `grad` are entries of a Storage's arrays (see storage.py).

It is the same object it was as a Value (Storage.bind changes its class in place: the two classes
have one layout), so every list and graph holding it still does; what changes is where its two
numbers live. Reading one costs ~0.1 us instead of ~0.02 us for a slot, which a compiled step never
pays: programs and nn's optimizers read and write the arrays whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .node import UNREACHED, Node, Unreached, real
from .value import Value


class StoredValue(Value, kind="stored"):
    """A Value whose `data` and `grad` live in a `Storage`'s arrays (made by `Storage.bind`, never directly).

    `grad` is a float, "not reached" (UNREACHED, drawn "—") or, after backward(create_graph=True), a Value:
    the storage keeps a float array, a reached flag per entry and a dict for the grads that are not floats.
    """

    __slots__ = ()
    _home: tuple[Any, int]  # (its Storage, its index there), in the node's __dict__ (storage.py imports this)
    repr_name = "Value"  # it is a Value to its user: repr and messages say so

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Refused: Storage.bind makes a Value a StoredValue in place."""
        raise TypeError("StoredValue is made by Storage.bind (compile does it), not directly: make a Value")

    @property
    def data(self) -> float:
        """The number: entry i of the storage's `data` array (setting it takes a real number)."""
        storage, i = self._home
        return storage.numbers[i]

    @data.setter
    def data(self, x: Any) -> None:
        storage, i = self._home
        if type(x) is not float:
            value = real(x)
            if value is None:
                raise TypeError(f"a parameter's data must be a real number, got {type(x).__name__}: {x!r}")
            x = value
        storage.numbers[i] = x

    @property
    def grad(self) -> Any:
        """The gradient: entry i of the storage's `grad` array, UNREACHED until a backward pass reaches it."""
        storage, i = self._home
        if not storage.flags[i]:
            return UNREACHED
        if storage.other and i in storage.other:
            return storage.other[i]
        return storage.grads[i]

    @grad.setter
    def grad(self, g: Any) -> None:
        storage, i = self._home
        if storage.other:
            storage.other.pop(i, None)
        number = g if type(g) is float else as_float(g)
        if number is None:  # a Value (create_graph=True), or anything else a user assigns: kept as it is
            storage.other[i] = g
        else:
            storage.grads[i] = number
        storage.flags[i] = type(g) is not Unreached

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """A copy (copy.copy, copy.deepcopy) of a stored parameter is a plain Value with its data, grad and
        label: a copy has no place in the storage (it gets one if a program compiles it)."""
        slots = {name: getattr(self, name) for name in Node.__slots__
                 if name not in ("__dict__", "__weakref__") and hasattr(self, name)}
        own = {key: value for key, value in self.__dict__.items() if key != "_home"}
        return object.__new__, (Value,), (own or None, slots)

    def detach(self) -> Any:  # (a plain constant Value, not a StoredValue)
        return Value(self.data, label=self.label, requires_grad=False)


def as_float(g: Any) -> float | None:
    """A grad the float array can hold: a Python or numpy number (not a bool); None for anything else."""
    kind = type(g)
    if kind is float or kind is int or kind is Unreached:
        return float(g)
    if isinstance(g, (np.floating, np.integer)):
        return float(g)
    return None
