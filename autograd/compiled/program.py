"""Program: a traced graph written out as two numpy functions, `forward` and `backward`.

The source is generated, kept (`program.source`, `print(program)`) and registered with
`linecache` under its file name, so a traceback through it shows the line that failed. It reads
like the matrix form of backprop in a textbook because it is one: the scalar graph's nodes,
grouped (see graph.py), each group one line.
"""

from __future__ import annotations

import linecache
from collections import deque
from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np

from ..core import ARITHMETIC_ERRORS, ArrayMath, Placement, Storage, Value, quiet
from .backward import Backward
from .forward import Writer
from .graph import Group, Item, groups, rewrite
from .hoist import hoist
from .layout import Layout, parameter_order
from .trace import Trace

HELPERS = {name: getattr(ArrayMath, name) for name in dir(ArrayMath) if not name.startswith("_")}
RESERVED = {"np", "n", "ones", "ONE", "P", "P0", "C", "dP", "t", "forward", "backward", *HELPERS}


class Program:
    """One compiled graph (for one set of input shapes): run it forward, then backward into `.grad`."""

    def __init__(self, trace: Trace, name: str, arguments: Sequence[str], number: int) -> None:
        self.name, self.structure = name, trace.structure  # (the traced graph itself is not kept)
        inputs = {id(c) for cols in [*trace.inputs, trace.noise] for c in cols}
        items = rewrite(trace.nodes, trace.outputs, inputs)
        found = {id(i.node): i for i in items}
        work = groups(items)
        params = parameter_order(work, [i for i in items if i.kind == "param"])
        self.parameters: list[Value] = [i.node for i in params]
        if self.parameters and Storage.bindable(self.parameters):  # P is then a slice of their storage's array
            Storage.bind(self.parameters)
        self.placement = Placement(self.parameters)
        layout = Layout(len(params), taken=set(RESERVED))
        self.arguments = [_identifier(a, layout) for a in arguments]
        self.samplers = trace.samplers  # (sample, how many columns of R it draws), in R's order
        sources = list(zip(self.arguments, trace.inputs))
        if trace.noise:
            self.arguments.append(_identifier("R", layout))  # random draws (autograd.sampled), new every call
            sources.append((self.arguments[-1], trace.noise))
        leaves = [Group(a, "input", True, [found.get(id(c)) or Item(c, "input", True) for c in cols])
                  for a, cols in sources]
        leaves.append(Group("P", "param", False, params))
        constants = [i for i in items if i.kind == "const"]
        leaves.append(Group("C", "const", False, constants))
        for g in leaves:
            for column, item in enumerate(g.items):
                item.group, item.column = g, column
        _arrange(leaves, work)
        names = {id(g): g.name for g in leaves} | {id(g): layout.name(g) for g in work}
        writer = Writer(layout, names)
        for g in work:
            writer.forward(g)
        outputs = [found[id(v)] for v in trace.outputs]
        root = outputs[0]
        self.differentiable = not root.batch and root.needs_grad
        back = Backward(writer, leaves[-2])
        if self.differentiable:
            back.seed(root)
            for g in reversed(work):
                back.backward(g)
        # backward reads the groups' arrays, gathered x columns and the weight matrices (for dx = dZ.dot(W))
        saved = [names[id(g)] for g in work] + writer.stored + [w for _, w in writer.weights.values()]
        self.groups = [names[id(g)] for g in work]
        place = {id(g): ("saved", k) for k, g in enumerate(work)} | {id(g): ("argument", k) for k, g in
                                                                     enumerate(leaves[:-2])}
        place |= {id(leaves[-2]): ("P", 0), id(leaves[-1]): ("C", 0)}
        # where each output is read from after a forward run: (array, index of that array, column, batch?)
        self.outputs = [(*place[id(i.group)], i.column, i.batch) for i in outputs]
        self.constants = np.array([float(i.node.data) for i in constants])
        # (a program is for one number of samples: `ones` is a constant)
        namespace: dict[str, Any] = {"np": np, **HELPERS, **layout.constants, "C": self.constants,
                                     "ones": np.ones(trace.samples), "ONE": np.ones(1)}
        once, each = hoist(back.lines, {*namespace, "n"}, local={"dP"})
        self.source = _source(name, self.arguments, writer.lines, (trace.samples, once, each), saved, layout,
                              self.differentiable)
        self.filename = f"<compiled {name} #{number}>"
        linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
        with quiet():  # (the lines computed once run here, as the others at each call)
            exec(compile(self.source, self.filename, "exec"), namespace)
        self._forward, self._backward = namespace["forward"], namespace.get("backward")

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<Program {self.name}: {len(self.groups)} groups, {len(self.parameters)} parameters>"

    def read_parameters(self) -> np.ndarray:
        """P: every parameter's current `data` (a copy: a later update does not change what backward reads)."""
        found = self.placement.find()
        if found is None:  # (parameters of a Value subclass of the user's own are not stored)
            return np.array([p.data for p in self.parameters], dtype=float)
        storage, index = found
        return storage.data[index].copy() if type(index) is slice else storage.data[index]  # (fancy: a copy)

    def draw(self, n: int) -> list[np.ndarray]:
        """The random input R for one call (none if the function draws nothing): one call per sampler."""
        if not self.samplers:
            return []
        return [np.hstack([np.asarray(sample((n, k)), dtype=float).reshape(n, k) for sample, k in self.samplers])]

    def forward(self, arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, tuple[np.ndarray, ...], list[Any]]:
        """(P, the groups' arrays, the output values: a float for a scalar, an (n,) array for a batch).
        `arrays` are the arguments' arrays, then (if it draws) R."""
        P = self.read_parameters()
        with quiet():  # inf and NaN as floats give them; domain errors still raise
            try:
                saved = self._forward(P, *arrays)
            except ARITHMETIC_ERRORS as error:
                raise self.named(error) from None
        sources = {"saved": saved, "argument": arrays, "P": [P], "C": [self.constants]}
        values = []
        for source, k, column, batch in self.outputs:  # (an output may be a leaf: an input, a parameter)
            array = sources[source][k]
            values.append(array[:, column].copy() if batch else float(array[column]))
        return P, saved, values

    def backward(self, P: np.ndarray, arrays: Sequence[np.ndarray], saved: tuple[np.ndarray, ...]) -> np.ndarray:
        """d loss / d P (one float per parameter)."""
        assert self._backward is not None
        with quiet():
            try:
                return self._backward(P, *arrays, *saved)
            except ARITHMETIC_ERRORS as error:
                raise self.named(error) from None

    def named(self, error: BaseException) -> BaseException:
        """A domain error raised in the program, saying which line of it failed (as the eager engine names
        the op): `compiled f, line 7: log1 = log(mul1): log is defined for inputs > 0, got -2.0 at index 1`."""
        tb, line = error.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        if line is None:
            return error
        text = self.source.splitlines()[line - 1].strip()
        return type(error)(f"compiled {self.name}, line {line}: {text}: {error}").with_traceback(error.__traceback__)

    def accumulate(self, grads: np.ndarray) -> None:
        """Add each parameter's gradient into its `.grad`, as eager backward() does (the same float sums)."""
        found = self.placement.find()
        if found is not None:
            found[0].add_grads(found[1], grads)
            return
        params = self.parameters  # (Python's float additions: the same sums as numpy's, without the conversion)
        new = [p.grad + g for p, g in zip(params, grads.tolist())]
        deque(map(setattr, params, repeat("grad"), new), maxlen=0)


def _arrange(leaves: list[Group], work: list[Group]) -> None:
    """Order each op group's members by what they read, and each sum's terms, so reads are whole arrays
    or slices where possible (`P * P` rather than `P[I1] * P[I1]`). Linear groups keep their order, which
    the parameter layout follows."""
    rank = {id(g): k for k, g in enumerate([*leaves, *work])}
    for g in work:
        if g.kind == "op":
            g.items.sort(key=lambda i: [(rank[id(a.group)], a.column) for a in i.args])
        for column, item in enumerate(g.items):
            item.column = column
            item.terms.sort(key=lambda term: (rank[id(term[0].group)], term[0].column))


def _identifier(name: str, layout: Layout) -> str:
    name = name if name.isidentifier() and name not in layout.taken else f"{name}_"
    while name in layout.taken or not name.isidentifier():
        name += "_"
    layout.taken.add(name)
    return name


def _source(name: str, arguments: list[str], forward: list[str], backward: tuple[int, list[str], list[str]],
            saved: list[str], layout: Layout, differentiable: bool) -> str:
    """The program's text. `backward`: (n, the lines computed once, the lines of the function)."""
    args = ", ".join(["P", *arguments])
    constants = ", ".join(f"{k} ({np.asarray(v).size} entries)" for k, v in layout.constants.items())
    lines = [f"# {name}, compiled by chainrule: P holds the {layout.parameters} parameters, "
             f"{', '.join(arguments)} the inputs (n samples x columns).",
             f"# constants: ones (n entries, 1.0){', ' + constants if constants else ''}", "",
             f"def forward({args}):", f"    n = {arguments[0]}.shape[0]",
             *(f"    {line}" for line in forward), f"    return ({', '.join(saved)}{',' if len(saved) == 1 else ''})"]
    if differentiable:
        samples, once, each = backward
        if once:
            lines += ["", "", f"# computed once, as the program is made: what follows from the seed alone (here n = "
                      f"{samples})", f"n = {samples}", *once]
        lines += ["", "", f"def backward({', '.join([args, *saved])}):", f"    n = {arguments[0]}.shape[0]",
                  f"    dP = np.zeros({layout.parameters})",
                  *(f"    {line}" for line in each), "    return dP"]
    return "\n".join(lines) + "\n"
