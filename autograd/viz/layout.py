"""What a graph picture contains: each node's role, its Module group, and how many nodes get drawn.

Kept apart from the Graphviz output (autograd/viz/draw.py) so that the rules are plain data that can
be tested without rendering: which leaf is an input or a parameter, which Module call a node
belongs to (`node.scope`), which nodes a collapsed view hides, and whether the drawing is small
enough for Graphviz (`dot` takes ~20 s for 2,000 nodes, so big graphs are refused up front).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core import Node, topological_sort
from ..names import modules_of

GROUPS = ("auto", None, "cluster", "collapse")
Path = tuple[int, ...]  # a scope: the ids of its owners, outermost first


class Box:
    """One Module call (its innermost scope owner) drawn as a single summary node."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.members: list[Node] = []
        self.outputs: list[Node] = []
        self.cluster: Path = path[:-1]  # the enclosing scope it is drawn in


class Layout:
    """The drawing plan for `root`: roles, groups, and the mode chosen for the size limit."""

    def __init__(self, root: Node, *, parameters: Iterable[Node] | None = None, model: Any = None,
                 group: str | None = "auto", max_nodes: int = 300) -> None:
        if group not in GROUPS:
            raise ValueError(f"group must be one of {GROUPS}, got {group!r}")
        self.root, self.nodes = root, topological_sort(root)
        models = [model] if model is not None else modules_of(self.nodes)  # without one: the Modules that ran
        if parameters is None and model is None:
            parameters = [p for m in models for _, p in m.named_parameters()]
        elif parameters is None and model is not None and callable(getattr(model, "parameters", None)):
            parameters = model.parameters()
        self.parameters = {id(p) for p in parameters or ()}
        self.users: dict[int, list[Node]] = {}
        for v in self.nodes:
            for x in v.inputs:
                self.users.setdefault(id(x), []).append(v)
        self.owners, self.names, self.order = _owner_names(self.nodes, models)
        self.home = self._homes()
        self.boxes = self._boxes()
        self.mode = self._choose(group, max_nodes)
        if self.mode != "collapse":
            self.boxes = {}
        self.box_of = {id(v): box for box in self.boxes.values() for v in box.members}

    def role(self, v: Node) -> str:
        """output, constant, parameter, input (a leaf that takes a gradient) or intermediate."""
        if v is self.root:
            return "output"
        if v.is_constant:
            return "constant"
        if v.is_leaf:
            return "parameter" if id(v) in self.parameters else "input"
        return "intermediate"

    def _homes(self) -> dict[int, Path]:
        """Each node's scope path; a scopeless leaf used only inside one scope is drawn in it."""
        home = {id(v): tuple(map(id, v.scope)) for v in self.nodes if not v.is_leaf or v.scope}
        for v in self.nodes:
            if id(v) not in home:
                paths = {home[id(u)] for u in self.users.get(id(v), ())}
                home[id(v)] = paths.pop() if len(paths) == 1 and v is not self.root else ()
        return home

    def _boxes(self) -> dict[Path, Box]:
        boxes: dict[Path, Box] = {}
        for v in self.nodes:
            path = self.home[id(v)]
            if path:
                if path not in boxes:
                    boxes[path] = Box(path, self.names[path[-1]])
                boxes[path].members.append(v)
        for box in boxes.values():
            inside = {id(v) for v in box.members}
            box.outputs = [v for v in box.members
                           if v is self.root or any(id(u) not in inside for u in self.users.get(id(v), ()))]
            if any(p[: len(box.path)] == box.path and p != box.path for p in boxes):
                box.cluster = box.path  # a Module with its own nodes and sub-Modules: draw it inside its cluster
        return {path: boxes[path] for path in sorted(boxes, key=self.rank)}

    def rank(self, path: Path) -> tuple:
        """Where a scope comes in the drawing: Modules in their model's order (layers.0, layers.1, ...)."""
        return tuple(self.order[owner] for owner in path)

    def count(self, mode: str | None) -> int:
        """How many Graphviz nodes a mode draws: a record per value plus an op node per computed value."""
        flat = graphviz_nodes(self.nodes)
        if mode != "collapse" or not self.boxes:
            return flat
        hidden = [v for box in self.boxes.values() for v in box.members]
        return flat - len(hidden) - sum(not v.is_leaf for v in hidden) + len(self.boxes)

    def _choose(self, group: str | None, max_nodes: int) -> str | None:
        if group == "auto":
            group = None if self.count(None) <= max_nodes else "collapse" if self.boxes else None
        n = self.count(group)
        if n > max_nodes:
            raise ValueError(self._too_big(group, n, max_nodes))
        return group

    def _too_big(self, group: str | None, n: int, max_nodes: int) -> str:
        flat, values = self.count(None), len(self.nodes)
        text = f"this graph has {values} values: {flat} Graphviz nodes with their op nodes"
        if self.boxes:
            text += f", {self.count('collapse')} with one box per Module call"
        text += f". That is more than max_nodes={max_nodes}, and Graphviz would take minutes on it. "
        if group != "collapse" and self.boxes:
            return text + f'Draw it with group="collapse", or pass max_nodes={n} to draw every node anyway.'
        if group == "collapse":
            return text + f"Draw part of it (a value nearer the inputs), or pass max_nodes={n} to draw it anyway."
        return text + ('Its nodes were not made inside Modules (autograd.scope), so group="collapse" cannot '
                       f"summarise it: draw part of it (a value nearer the inputs) or pass max_nodes={n}.")


def graphviz_nodes(nodes: list[Node]) -> int:
    """How many Graphviz nodes drawing every one of `nodes` takes: a record per value, an op node per computed one."""
    return len(nodes) + sum(not v.is_leaf for v in nodes)


def _owner_names(nodes: list[Node], models: list[Any]) -> tuple[dict[int, Any], dict[int, str], dict[int, tuple]]:
    """Scope owners by id, their names and their order: from the `named_modules()` of `models` (`model=`, or
    the Modules whose calls made the nodes: `autograd.names.modules_of`), else type name + index.

    Named owners come in the Module's own order (layers.0 before layers.1, neurons.2 before neurons.10),
    the others after them, counted per type from the inputs towards the root (by the height of their
    lowest node, then by first appearance), which follows the order layers and units run in.
    """
    owners: dict[int, Any] = {}
    lowest: dict[int, tuple[int, int]] = {}
    height: dict[int, int] = {}
    for k, v in enumerate(nodes):  # inputs before the nodes that use them
        height[id(v)] = 1 + max((height[id(x)] for x in v.inputs), default=-1)
        for owner in v.scope:
            owners.setdefault(id(owner), owner)
            lowest[id(owner)] = min(lowest.get(id(owner), (height[id(v)], k)), (height[id(v)], k))
    names: dict[int, str] = {}
    order: dict[int, tuple] = {}
    for m in models:
        for name, module in m.named_modules() if callable(getattr(m, "named_modules", None)) else ():
            if id(module) not in names:
                names[id(module)], order[id(module)] = name or type(module).__name__, (0, len(order))
    counters: dict[str, int] = {}
    for key in sorted(owners, key=lowest.__getitem__):
        if key not in names:
            kind = type(owners[key]).__name__
            counters[kind] = counters.get(kind, -1) + 1
            names[key], order[key] = f"{kind}{counters[kind]}", (1, *lowest[key])
    return owners, names, order
