"""Where every value lives in the program, and the numpy expression that reads a list of them.

A group's values are one array: (n, g) for batch groups (a column per node), (g,) for scalar
ones. Parameters are one vector `P` (a slice of their storage, read at every call), in an order
chosen so that each layer is one contiguous block, a row per neuron: its weights, then its bias,
as a Neuron lists them (`W1 = P[0:48].reshape(16, 3)[:, :2]` is then a view, and so are `b1`
and the gradients `dW1`, `db1`); without biases the weights alone are the block. Reading a list
of nodes is a whole array, a slice, or an index array (a constant such as `I3`, listed at the
top of the program).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .graph import Group, Item

ACTIVATIONS = {"relu", "tanh", "sigmoid", "leaky_relu", "softplus"}


@dataclass
class Read:
    """An expression reading some nodes, and whether it is a new array (else a view of a group's array)."""

    text: str
    fresh: bool
    full: bool = True  # one column (or entry) per node read; False for one column broadcast to all of them


@dataclass
class Layout:
    """Names and index constants of one program (filled while the program is written)."""

    parameters: int  # how many parameters P holds
    constants: dict[str, Any] = field(default_factory=dict)  # index arrays and constant vectors, by name
    taken: set[str] = field(default_factory=set)  # every name in use (arguments, helpers, groups)
    padded: bool = False  # True once some weight matrix reads a zero kept after the parameters (P0)

    def fresh(self, prefix: str) -> str:
        """prefix1, prefix2, ...: the first not yet taken."""
        k = 1
        while f"{prefix}{k}" in self.taken:
            k += 1
        self.taken.add(f"{prefix}{k}")
        return f"{prefix}{k}"


    def name(self, group: Group) -> str:
        """A short name telling what the group is: Z (a linear form), A (an activation), S (a sum), or the op."""
        if group.kind == "sum":
            prefix = "Z" if group.items[0].linear else "S"
        elif group.op is not None and group.op.name in ACTIVATIONS:
            prefix = "A"
        else:
            prefix = group.op.name if group.op is not None else group.kind
        return self.fresh(prefix)

    def constant(self, prefix: str, value: Any) -> str:
        """A named constant of the program (an index array, a vector of signs or numbers)."""
        for name, known in self.constants.items():
            same = np.array_equal(known, value) and np.asarray(known).dtype == value.dtype
            if name.rstrip("0123456789") == prefix and same:
                return name
        name = self.fresh(prefix)
        self.constants[name] = value
        return name

    def select(self, size: int, array: str, columns: list[int], batch: bool, broadcast: bool = False) -> Read:
        """`array` (a group's values or gradients, `size` columns) at `columns`; with `broadcast`, one
        column read for every member may come back as that column alone (not `full`)."""
        axis = ":, " if batch else ""
        if columns == list(range(size)):
            return Read(array, False)
        first, last = columns[0], columns[-1]
        if columns == list(range(first, last + 1)):
            return Read(f"{array}[{axis}{first}:{last + 1}]", False)
        if broadcast and len(set(columns)) == 1:  # one node read by every member: a column that broadcasts
            return Read(f"{array}[{axis}{first}:{first + 1}]", False, full=False)
        return Read(f"{array}[{axis}{self.constant('I', np.array(columns))}]", True)

    def read(self, items: list[Item], names: dict[int, str]) -> Read:
        """The values of `items` (one per member of a group) as one expression."""
        if all(i.kind == "const" for i in items) and len({float(i.node.data) for i in items}) == 1:
            return Read(repr(float(items[0].node.data)), False)
        runs = _runs(items)
        parts = [self.select(g.size, names[id(g)], cols, items[0].batch) for g, cols in runs]
        if len(parts) == 1:
            return parts[0]
        return Read(f"np.concatenate(({', '.join(p.text for p in parts)}), axis={1 if items[0].batch else 0})", True)


def _runs(items: list[Item]) -> list[tuple[Group, list[int]]]:
    """The items split into maximal runs from one group: [(group, columns), ...]."""
    runs: list[tuple[Group, list[int]]] = []
    for item in items:
        if runs and runs[-1][0] is item.group:
            runs[-1][1].append(item.column)
        else:
            runs.append((item.group, [item.column]))
    return runs


def parameter_order(groups: list[Group], params: list[Item]) -> list[Item]:
    """Parameters ordered so each linear group is one block: a row per member, its weights then its bias (as
    a Neuron lists them), or, where some member has no bias, the weights row by row, then the biases."""
    order: list[Item] = []
    placed: set[int] = set()

    def place(p: Item) -> None:
        if id(p) not in placed:
            placed.add(id(p))
            order.append(p)

    for g in groups:
        if g.kind == "sum" and g.items[0].linear:
            xs = inputs_of(g)
            biases = [bias_of(item) for item in g.items]
            rows = all(b is not None for b in biases)  # a row per member: its weights, then its bias
            for item, bias in zip(g.items, biases):
                weights = {id(x): w for w, x in item.pairs}
                for x in xs:
                    if id(x) in weights:
                        place(weights[id(x)])
                if rows and bias is not None:
                    place(bias)
            for bias in biases:
                if bias is not None:
                    place(bias)
    for p in params:
        place(p)
    return order


def bias_of(item: Item) -> Item | None:
    """A linear member's bias: its one parameter term, if it is added (`w . x + b`, `w . x + b - y`)."""
    params = [(t, sign) for t, sign in item.terms if t.kind == "param"]
    return params[0][0] if len(params) == 1 and params[0][1] > 0 else None


def inputs_of(group: Group) -> list[Item]:
    """The x nodes a linear group's members are weighted sums of, in first-use order, each once."""
    seen: dict[int, Item] = {}
    for item in group.items:
        for _, x in item.pairs:
            seen.setdefault(id(x), x)
    return list(seen.values())
