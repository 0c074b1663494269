"""The backward half of a program: the chain rule, one group at a time, from the loss down.

Each group's gradient array `dG` (the shape of its values) is complete once every group that
reads it has run, which reverse depth order guarantees. An op group multiplies `dG` by the op
table's derivative rule evaluated on whole arrays (`dZ1 = step(Z1) * dA1`); a linear group is
the textbook's matrix backprop (`dW2 += dZ2.T.dot(A1)`, `dA1 = dZ2.dot(W2)`); a sum passes `dG` to each
term. Contributions are added into the gradient of whatever was read (a slice, an index array,
or, for parameters, the flat `dP` whose blocks `dW1`, `db1` are views).
"""

from __future__ import annotations

import numpy as np

from .forward import Writer, dot, substitute
from .graph import Group, Item
from .layout import Read, inputs_of
from .trace import SUM


class Backward:
    """Writes the backward function's statements (after the forward Writer has named everything)."""

    def __init__(self, writer: Writer, params: Group) -> None:
        self.w, self.layout = writer, writer.layout
        self.lines: list[str] = []
        self.ready: set[int] = {id(params)}  # groups whose gradient array exists (dP is made up front)
        self.aliased: set[int] = set()  # ... and is a view of another array (never changed in place)

    def grad(self, group: Group) -> str:
        return "d" + self.w.name(group)

    def seed(self, root: Item) -> None:
        """d(loss)/d(loss) = 1."""
        g, d = root.group, self.grad(root.group)
        if g.size == 1:
            self.lines.append(f"{d} = ONE")
            self.aliased.add(id(g))  # (the constant 1.0: never changed in place)
        else:
            self.lines.append(f"{d} = np.zeros({g.size}); {d}[{root.column}] = 1.0")
        self.ready.add(id(g))

    def backward(self, group: Group) -> None:
        if id(group) not in self.ready:  # no gradient reaches it (it feeds another output only)
            return
        d = self.grad(group)
        if group.kind == "sum":
            if group.items[0].linear:
                self.linear(group, d)
            self.terms(group, self.w.other_terms(group), d)
        else:
            self.op(group, d)

    def op(self, group: Group, d: str) -> None:
        op = group.op
        assert op is not None
        first = group.items[0]
        if op.reduces:
            x = [i.args[0] for i in group.items]
            if first.args[0].batch:
                scaled = d if op is SUM else f"{d} / n"
                self.add(x, Read(f"np.multiply.outer(ones, {scaled})", True))  # (n, g): the share of each sample
            else:
                self.add(x, Read(d, False))
            return
        reads = {name: self.w.read([i.args[k] for i in group.items]).text for k, name in enumerate(op.inputs)}
        reads["out"] = self.w.name(group)
        for k, rule in enumerate(op.derivatives):
            x = [i.args[k] for i in group.items]
            if not any(i.needs_grad for i in x):
                continue
            local = substitute(rule, reads)
            try:
                number = float(local)
                text = d if number == 1.0 else f"-{d}" if number == -1.0 else f"{number!r} * {d}"
            except ValueError:
                text = substitute(f"({rule}) * GRAD", {**reads, "GRAD": d})
            if group.batch and not x[0].batch:  # a number shared by every sample: its share summed
                text = dot("ones", text)
            self.add(x, Read(text, text != d, full=True))

    def linear(self, group: Group, d: str) -> None:
        """dW = dZ.T x (into dP), dx = dZ W: the two matrix products of a layer's backprop."""
        x = self.w.linear_inputs[id(group)]
        where, w = self.w.weights[id(group)]
        base = "dP"
        if id(group) in self.w.blocks:  # rows [W | b] of P: their gradient is the same rows of dP
            where_block, block = self.w.blocks[id(group)]
            base = f"d{block}"
            self.lines.append(f"{base} = dP{where_block}")
        if id(group) in self.w.biases:
            where_b, b = self.w.biases[id(group)]
            self.lines.append(f"d{b} = {base}{where_b}")
            self.lines.append(f"d{b} += {dot('ones', d)}")
        if where.startswith("["):  # a view of P: its gradient is the same view of dP
            self.lines.append(f"d{w} = {base}{where}")
            self.lines.append(f"d{w} += {dot(f'{d}.T', x.text)}")
        else:
            size_p = self.layout.parameters
            counted = f"np.bincount({where}.ravel(), {dot(f'{d}.T', x.text)}.ravel(), minlength={size_p + 1})"
            self.lines.append(f"dP += {counted}[:{size_p}]")  # (the last bin: weights that read the zero)
        xs = inputs_of(group)
        if any(i.needs_grad for i in xs):
            self.add(xs, Read(dot(d, w), True))

    def terms(self, group: Group, terms: list[list[tuple[Item, float]]], d: str) -> None:
        """Each term of each member's sum receives the member's gradient (times its sign)."""
        for batch in (True, False):
            flat = [(t, s, m) for m, ts in enumerate(terms) for t, s in ts if t.batch == batch and t.kind != "const"]
            if not any(t.needs_grad for t, _, _ in flat):
                continue
            source = d if batch or not group.batch else dot("ones", d)
            part = self.layout.select(group.size, source, [m for _, _, m in flat], batch and group.batch, True)
            if not part.full:  # one member's gradient, shared by all its terms: spread it to one per term
                if batch and group.batch:
                    part = Read(f"np.repeat({part.text}, {len(flat)}, axis=1)", True)
                else:  # (one number for every term)
                    part = Read(f"np.full({len(flat)}, {source}[{flat[0][2]}])", True)
            text = part.text
            if any(s < 0 for _, s, _ in flat):
                text = f"{text} * {self.layout.constant('sign', np.array([s for _, s, _ in flat]))}"
            self.add([t for t, _, _ in flat], Read(text, part.fresh or text != part.text, part.full))

    def add(self, items: list[Item], contribution: Read) -> None:
        """Add `contribution` (a column or entry per item) into the gradients of the items that need one."""
        needed = [k for k, i in enumerate(items) if i.needs_grad]
        if not needed:
            return
        groups = list({id(items[k].group): items[k].group for k in needed}.values())
        part = contribution
        if len(groups) > 1 or len(needed) < len(items):
            if contribution.fresh or "(" in contribution.text:
                self.lines.append(f"t = {contribution.text}")
                part = Read("t", False)
        batch = items[0].batch
        for g in groups:
            ks = [k for k in needed if items[k].group is g]
            piece = part if ks == list(range(len(items))) else self.layout.select(len(items), part.text, ks, batch)
            self.scatter(g, [items[k].column for k in ks], piece, batch)

    def scatter(self, group: Group, columns: list[int], part: Read, batch: bool) -> None:
        d, key = self.grad(group), id(group)
        if columns == list(range(group.size)) and part.full:
            if key not in self.ready:  # the first contribution: the gradient is it (perhaps a view of it)
                self.lines.append(f"{d} = {part.text}")
                self.ready.add(key)
                if not part.fresh:
                    self.aliased.add(key)
            elif key in self.aliased:  # never change a view in place: make a new array
                self.lines.append(f"{d} = {d} + {part.text}")
                self.aliased.discard(key)
            else:
                self.lines.append(f"{d} += {part.text}")
            return
        if key not in self.ready:
            self.lines.append(f"{d} = np.zeros_like({self.w.name(group)})")
            self.ready.add(key)
        elif key in self.aliased:
            self.lines.append(f"{d} = {d}.copy()")
            self.aliased.discard(key)
        if columns == list(range(group.size)):
            self.lines.append(f"{d} += {part.text}")
            return
        if len(set(columns)) == len(columns):
            self.lines.append(f"{self.layout.select(group.size, d, columns, batch).text} += {part.text}")
        elif len(set(columns)) == 1:
            j = columns[0]
            self.lines.append(f"{d}[:, {j}] += np.add.reduce({part.text}, axis=1)" if batch
                              else f"{d}[{j}] += np.add.reduce({part.text})")
        else:
            index = self.layout.constant("I", np.array(columns))
            self.lines.append(f"np.add.at({d}, (slice(None), {index}), {part.text})" if batch
                              else f"{d} += np.bincount({index}, {part.text}, minlength={group.size})")
