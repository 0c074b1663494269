"""The forward half of a program: one line of numpy per group, in order of depth.

An op group evaluates the op table's value rule on whole arrays (the rule's text, with `a` and
`b` replaced by what the group reads: `A1 = relu(Z1)`); a linear group is a matrix product
(`Z2 = A1.dot(W2.T) + b2`); a sum group adds its terms with `np.add.reduceat` (or `np.bincount` for
one number per member); a reduction (`sum`, `mean` over the samples) reduces axis 0.
"""

from __future__ import annotations

import ast

import numpy as np

from .graph import Group, Item
from .layout import Layout, Read, bias_of, inputs_of
from .trace import SUM


def substitute(rule: str, names: dict[str, str]) -> str:
    """The rule's text with its variables (a, b, out) replaced by expressions, parenthesised as needed."""
    tree = ast.parse(rule, mode="eval")

    class Replace(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in names:
                return ast.parse(names[node.id], mode="eval").body
            return node

    return ast.unparse(Replace().visit(tree))


def dot(a: str, b: str) -> str:
    """The matrix product a b, written `a.dot(b)`: numpy's `a @ b` is the same product, but through the
    ufunc machinery it costs 0.5-2 us more per call, which at these sizes is most of the call."""
    simple = isinstance(ast.parse(a, mode="eval").body, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    return f"{a}.dot({b})" if simple else f"({a}).dot({b})"


def plus(*parts: str) -> str:
    """The parts added, `a - y` where a part is a negation (a + -y is a - y exactly, in IEEE arithmetic)."""
    return parts[0] + "".join(f" - {p[1:]}" if p.startswith("-") else f" + {p}" for p in parts[1:])


def _block(index: np.ndarray) -> bool:
    """Whether these parameter columns, row by row, are one run P[a:b]."""
    start = int(index.flat[0])
    return start >= 0 and np.array_equal(index.ravel(), np.arange(start, start + index.size))


class Writer:
    """Writes the statements of a program's forward (and, in backward.py, backward) function."""

    def __init__(self, layout: Layout, names: dict[int, str], params: str = "P") -> None:
        self.layout, self.names, self.params = layout, names, params
        self.lines: list[str] = []
        self.weights: dict[int, tuple[str, str]] = {}  # linear group -> (where in P, W name)
        self.biases: dict[int, tuple[str, str]] = {}  # linear group -> (where in P, b name), for one bias each
        self.blocks: dict[int, tuple[str, str]] = {}  # linear group -> (where in P, name) of its rows [W | b]
        self.stored: list[str] = []  # arrays other than groups' that backward reads (gathered x columns)
        self.rest: dict[int, list[list[tuple[Item, float]]]] = {}  # linear group with a view b -> its other terms
        self.linear_inputs: dict[int, Read] = {}  # linear group -> how it reads its x columns

    def name(self, group: Group) -> str:
        return self.names[id(group)]

    def read(self, items: list[Item]) -> Read:
        return self.layout.read(items, self.names)

    def forward(self, group: Group) -> None:
        name = self.name(group)
        if group.kind == "sum" and group.items[0].linear:
            self.lines.append(f"{name} = {self.linear(group)}")
        elif group.kind == "sum":
            self.lines.append(f"{name} = {self.term_sum(group, [i.terms for i in group.items])}")
        else:
            self.lines.append(f"{name} = {self.op_value(group)}")

    def op_value(self, group: Group) -> str:
        op = group.op
        assert op is not None
        first = group.items[0]
        reads = [self.read([i.args[k] for i in group.items]).text for k in range(len(first.args))]
        if op.reduces:
            if not first.args[0].batch:  # a reduction of one number is that number
                return f"np.array({reads[0]})"
            total = dot("ones", reads[0])  # (a sum over the samples: BLAS, faster than a strided reduce)
            return total if op is SUM else f"{total} / n"
        return substitute(op.value, dict(zip(op.inputs, reads)))

    def linear(self, group: Group) -> str:
        """`X.dot(W.T) + b`: the x columns the members share, times the weights, plus the other terms."""
        xs = inputs_of(group)
        x = self.read(xs)
        if x.fresh:  # kept under a name, for backward's dW = dZ.T.dot(x)
            stored = f"In{self.name(group)[1:]}"
            self.lines.append(f"{stored} = {x.text}")
            self.stored.append(stored)
            x = Read(stored, False)
        self.linear_inputs[id(group)] = x
        biases = [bias_of(item) for item in group.items]
        w = self.weight_matrix(group, xs, biases)
        text = dot(x.text, f"{w}.T")
        if id(group) in self.biases:  # (read as the view `b`: not one of the terms summed)
            self.rest[id(group)] = [[(t, s) for t, s in i.terms if t is not b] for i, b in zip(group.items, biases)]
        rest = self.other_terms(group)
        if any(rest):
            text = plus(text, self.term_sum(group, rest))
        if id(group) in self.biases:
            text = plus(text, self.biases[id(group)][1])
        return text

    def other_terms(self, group: Group) -> list[list[tuple[Item, float]]]:
        """Each member's terms besides its weight x input products and (if read as a view `b`) its bias."""
        return self.rest.get(id(group)) or [i.terms for i in group.items]

    def weight_matrix(self, group: Group, xs: list[Item], biases: list[Item | None]) -> str:
        """Name W<k> for the group's (g, k) weights (and b<k> for its biases, one per member): views of P
        where they are one block, a row per member (its weights, then its bias, as a Neuron lists them:
        `P[0:48].reshape(16, 3)[:, :2]`), or the weights one block and the biases another; else gathered."""
        column = {id(x): j for j, x in enumerate(xs)}
        index = np.full((group.size, len(xs)), -1)
        for r, item in enumerate(group.items):
            for w, x in item.pairs:
                index[r, column[id(x)]] = w.column
        suffix = self.name(group)[1:]
        W, b, k = f"W{suffix}", f"b{suffix}", len(xs)
        has_bias = all(bias is not None for bias in biases)
        bias_columns = np.array([bias.column for bias in biases if bias is not None])
        if has_bias and _block(np.hstack([index, bias_columns[:, None]])):
            block = f"W{b}"  # (W and b side by side: Wb1)
            end = index[0, 0] + index.size + group.size
            self.blocks[id(group)] = (f"[{index[0, 0]}:{end}].reshape({group.size}, {k + 1})", block)
            self.lines.append(f"{block} = {self.params}{self.blocks[id(group)][0]}")
            self.weights[id(group)] = (f"[:, :{k}]", W)
            self.biases[id(group)] = (f"[:, {k}]", b)
        elif _block(index):
            self.weights[id(group)] = (f"[{index[0, 0]}:{index[0, 0] + index.size}].reshape{index.shape}", W)
        if has_bias and id(group) not in self.biases and _block(bias_columns):
            self.biases[id(group)] = (f"[{bias_columns[0]}:{bias_columns[-1] + 1}]", b)
        base = self.blocks[id(group)][1] if id(group) in self.blocks else self.params
        if id(group) in self.weights:  # a view
            self.lines.append(f"{W} = {base}{self.weights[id(group)][0]}")
        else:  # gathered
            source = self.params
            if (index < 0).any():  # a member lacks some x: its weight there reads a zero kept after P
                index[index < 0] = self.layout.parameters
                source = f"{self.params}0"
                if not self.layout.padded:
                    self.layout.padded = True
                    self.lines.append(f"{source} = np.append({self.params}, 0.0)")
            self.weights[id(group)] = (self.layout.constant("IW", index), W)
            self.lines.append(f"{W} = {source}[{self.weights[id(group)][0]}]")
        if id(group) in self.biases:
            self.lines.append(f"{b} = {base}{self.biases[id(group)][0]}")
        return W

    def term_sum(self, group: Group, terms: list[list[tuple[Item, float]]]) -> str:
        """The sum of each member's terms (items with signs), as one expression of the group's shape."""
        parts: list[str] = []
        constants = np.array([sum(s * float(t.node.data) for t, s in ts if t.kind == "const") for ts in terms])
        for batch in (True, False):
            chosen = [[(t, s) for t, s in ts if t.batch == batch and t.kind != "const"] for ts in terms]
            flat = [(t, s, m) for m, ts in enumerate(chosen) for t, s in ts]
            if not flat:
                continue
            if (group.size > 1 and all(len(ts) == 1 for ts in chosen)
                    and all(t is flat[0][0] and s == flat[0][1] for t, s, _ in flat)):
                one = self.read([flat[0][0]]).text  # one node in every member's sum (`o - y`): it broadcasts
                parts.append(one if flat[0][1] > 0 else f"-{one}")
                continue
            values = self.read([t for t, _, _ in flat])
            text = values.text
            if any(s < 0 for _, s, _ in flat):
                text = f"{text} * {self.layout.constant('sign', np.array([s for _, s, _ in flat]))}"
            if all(len(ts) == 1 for ts in chosen) and all(s > 0 for _, s, _ in flat):
                parts.append(values.text)
            elif group.size == 1:
                parts.append(f"np.add.reduce({text}, axis={1 if batch else 0}, keepdims=True)")
            elif batch and all(chosen):
                starts = np.cumsum([0] + [len(ts) for ts in chosen[:-1]])
                parts.append(f"np.add.reduceat({text}, {self.layout.constant('start', starts)}, axis=1)")
            elif batch:
                matrix = np.zeros((len(flat), group.size))
                matrix[np.arange(len(flat)), [m for _, _, m in flat]] = 1.0
                parts.append(dot(text, self.layout.constant("M", matrix)))
            else:
                members = np.array([m for _, _, m in flat])
                parts.append(f"np.bincount({self.layout.constant('member', members)}, {text}, "
                             f"minlength={group.size})")
        if constants.any():
            same = len(set(constants.tolist())) == 1
            parts.append(repr(float(constants[0])) if same else self.layout.constant("c", constants))
        if not parts or not any(t.kind != "const" for ts in terms for t, _ in ts):
            return plus(f"np.zeros({group.size})", *parts) if parts else f"np.zeros({group.size}) + 0.0"
        return plus(*parts)
