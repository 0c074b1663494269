"""The names a model gives to nodes: its parameters' dotted names, and for an MLP the textbook's w, b, z, a, x.

`notation.Names` names every node of a graph; where a node belongs to a Module (nn's, or anything with
`named_parameters()` and `named_modules()`), the name comes from here (`ModelNames`): the parameter's
dotted name in the Module, or for an MLP the short form the books use (w1_4,2 for
`layers.0.neurons.3.w.1`), with each unit's weighted sum, activation and inputs found by the Module calls
that made them (`node.scope`). Kept apart from notation because it reads Modules and their scopes, where
notation writes numbers and formulas; it reads nodes through their public accessors only.
"""

from __future__ import annotations

import re
from typing import Any

from .core import Batch, Node

MLP_PARAMETER = re.compile(r"layers\.(\d+)\.neurons\.(\d+)\.(?:w\.(\d+)|b)")
MLP_UNIT = re.compile(r"layers\.(\d+)\.neurons\.(\d+)")
LEGEND = """names as in the textbooks, counted from 1:
wL_j,k: the weight of layer L's unit j on its input k ({0} is {1})
bL_j: the bias of layer L's unit j
zL_j: its weighted sum, the sum over k of wL_j,k * a(L-1)_k, plus bL_j
aL_j: its activation act(zL_j); the inputs x1, x2, ... are a0_1, a0_2, ..."""


class ModelNames:
    """Names from Modules (anything with `named_parameters()` and `named_modules()`, as nn's Module).

    `dotted`: a parameter's node id -> its name in the Module ("layers.0.neurons.3.w.1"); `names`: what is
    shown. For an MLP (every parameter is `layers.L.neurons.j.w.k` or `.b`) that is the textbook's short
    form, counted from 1 as the books do (w1_4,2, b1_4), and a unit's weighted sum, activation and inputs
    get z1_4, a1_4 and x2 where that name fits one node (a model called twice has two z1_4: they stay `v`s).
    A second model in the same graph gets its type name and place as a prefix ("MLP1.layers.0...").
    """

    def __init__(self, nodes: list[Node], model: Any = None) -> None:
        self.dotted: dict[int, str] = {}
        self.names: dict[int, str] = {}
        models = [m for m in ([model] if model is not None else modules_of(nodes)) if is_module(m)]
        for k, m in enumerate(models):
            self._add(nodes, m, f"{type(m).__name__}{k}." if k else "")

    def legend(self) -> str:
        """What the textbook names mean ("" if none is used)."""
        weights = [(self.names[k], name) for k, name in self.dotted.items() if self.names[k][0] == "w"]
        return LEGEND.format(*weights[0]) if weights and weights[0][0] != weights[0][1] else ""

    def _add(self, nodes: list[Node], model: Any, prefix: str) -> None:
        params = [(name, p) for name, p in model.named_parameters() if isinstance(p, Node) and id(p) not in self.dotted]
        short = not prefix and bool(params) and all(MLP_PARAMETER.fullmatch(name) for name, _ in params)
        for name, p in params:
            self.dotted[id(p)], self.names[id(p)] = prefix + name, textbook(name) if short else prefix + name
        if short:
            self._units(nodes, {id(m): f"{int(u[1]) + 1}_{int(u[2]) + 1}" for name, m in model.named_modules()
                                if (u := MLP_UNIT.fullmatch(name))})

    def _units(self, nodes: list[Node], units: dict[int, str]) -> None:
        """z, a and x for each unit call's nodes (found by their scope), where a name fits one node only."""
        members: dict[int, list[Node]] = {}
        inside: set[int] = set()  # nodes used by a node of their own unit
        for v in nodes:
            owners = v.scope
            if owners and id(owners[-1]) in units:
                members.setdefault(id(owners[-1]), []).append(v)
                for x in v.inputs:
                    if x.scope and x.scope[-1] is owners[-1]:
                        inside.add(id(x))
        found: dict[str, dict[int, Node]] = {}
        for owner, group in members.items():
            unit, ids = units[owner], {id(v) for v in group}
            for v in (v for v in group if id(v) not in inside):  # the unit's output: act(z), or z if linear
                first, *rest = v.inputs  # act(z) (leaky_relu's slope is a constant input), or z's last `+`
                z = first if id(first) in ids and all(x.is_constant for x in rest) else None
                found.setdefault(f"z{unit}", {})[id(z or v)] = z or v
                if z is not None:
                    found.setdefault(f"a{unit}", {})[id(v)] = v
            for v in group if unit.startswith("1_") else ():  # w1_j,k * x: x is the input x_k
                for w, x in zip(v.inputs, v.inputs[::-1]) if len(v.inputs) == 2 else ():
                    if self.names.get(id(w), "").startswith("w1_") and not x.scope and not is_inline(x):
                        found.setdefault(f"x{self.names[id(w)].rsplit(',')[1]}", {})[id(x)] = x
        for name, candidates in found.items():
            if len(candidates) == 1 and next(iter(candidates)) not in self.names:
                self.names[next(iter(candidates))] = name


def textbook(dotted: str) -> str:
    """An MLP parameter's short name: "layers.0.neurons.3.w.1" -> "w1_4,2", "layers.0.neurons.3.b" -> "b1_4"."""
    match = MLP_PARAMETER.fullmatch(dotted)
    if match is None:
        raise ValueError(f"textbook: {dotted!r} is not an MLP parameter name such as 'layers.0.neurons.3.w.1'")
    layer, unit, weight = match.groups()
    head = f"{int(layer) + 1}_{int(unit) + 1}"
    return f"w{head},{int(weight) + 1}" if weight is not None else f"b{head}"


def is_module(m: Any) -> bool:
    return callable(getattr(m, "named_parameters", None)) and callable(getattr(m, "named_modules", None))


def modules_of(nodes: list[Node]) -> list[Any]:
    """The outermost Module of each call the nodes were made in, first seen first: what `model=` would be."""
    seen: dict[int, Any] = {}  # id -> the owner, or None if it is not a Module (asked once per owner)
    for v in nodes:
        if v.scope and id(v.scope[0]) not in seen:
            seen[id(v.scope[0])] = v.scope[0] if is_module(v.scope[0]) else None
    return [m for m in seen.values() if m is not None]


def is_inline(v: Node) -> bool:
    """An unlabelled scalar constant: written as its number wherever it appears, so it gets no name."""
    return v.is_constant and not v.label and not isinstance(v, Batch)
