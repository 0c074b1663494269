"""The forward pass as a list of equations: `tape(root)`, text at the REPL and a table in Jupyter.

Both come from the same rows (name, how it was computed, data, grad, a note), so the table and the
text never disagree.
"""

from __future__ import annotations

from html import escape

from ..core import Node, topological_sort
from ..names import is_inline
from ..notation import CUSTOM, Names, Text, equation, grad_text, num, require_node
from ..viz.styles import ROLES

Row = tuple[str, str, str, str, tuple[str, ...]]  # name, computed as ("a * b", "leaf", "constant"), data, grad, notes


class Tape(Text):
    """What `tape` returns: the text (a str, shown as itself) and its `rows`, shown as a table in Jupyter."""

    rows: list[Row]
    skipped: int  # equations left out after the first `half` rows (0 if none)
    half: int

    def _repr_html_(self) -> str:
        head = "".join(f'<th style="text-align:left;padding:2px 10px">{h}</th>'
                       for h in ("value", "computed as", "data", "grad", ""))
        cells = []
        for k, (name, kind, data, grad, notes) in enumerate(self.rows):
            if self.skipped and k == self.half:
                cells.append(f'<tr><td colspan="5" style="color:#666;padding:2px 10px">… {self.skipped:,} more '
                             f"equations (tape(root, limit=None) lists them all) …</td></tr>")
            role = "output" if "output" in notes else "constant" if kind == "constant" else \
                "input" if kind == "leaf" else "intermediate"
            style = f"background:{ROLES[role][0]}" if role != "intermediate" else ""
            row = (f"<b>{escape(name)}</b>", escape(kind), escape(data), escape(grad), escape(", ".join(notes)))
            cells.append(f'<tr style="{style}">' + "".join(
                f'<td style="text-align:left;padding:2px 10px;font-family:monospace">{c}</td>' for c in row) + "</tr>")
        return (f'<table class="cr-tape" style="border-collapse:collapse;font-size:13px"><thead><tr>{head}</tr>'
                f'</thead><tbody>{"".join(cells)}</tbody></table>')


def tape(root: Node, limit: int | None = 400) -> Tape:
    """The graph as equations in the order they were computed, like a tape (or JAX's jaxpr).

    A graph of more than `limit` listed nodes shows its first and last `limit // 2` equations (the
    output is last) and how many are left out between; `limit=None` lists them all.
    """
    require_node("tape", "root", root)
    if limit is not None and limit < 2:
        raise ValueError(f"tape: limit must be at least 2 (or None for every equation), got {limit}")
    nodes = topological_sort(root)
    name = Names(root, nodes)
    listed = [v for v in nodes if v is root or not is_inline(v)]
    skipped, half = 0, 0  # (an unnamed scalar constant is written inline, as its number: not listed above)
    if limit is not None and len(listed) > limit:
        half = limit // 2
        skipped = len(listed) - 2 * half
        listed = listed[:half] + listed[len(listed) - half:]
    rows: list[Row] = []
    for v in listed:
        kind = equation(v, name) if not v.is_leaf else "constant" if v.is_constant else "leaf"
        notes = ("output",) * (v is root) + (CUSTOM,) * v.has_custom_backward
        rows.append((name(v), kind, num(v.data), grad_text(v), notes))
    columns = [(f"{n} = {kind}", f"data={data}") for n, kind, data, _, _ in rows]
    widths = [max(len(row[k]) for row in columns) for k in range(2)]
    lines = [f"{a:<{widths[0]}}   {b:<{widths[1]}}   grad={row[3]}" + "".join(f"   ({n})" for n in row[4])
             for (a, b), row in zip(columns, rows)]
    if skipped:
        lines.insert(half, f"... ({skipped:,} more equations; tape(root, limit=None) lists them all) ...")
    text = Tape("\n".join(lines))
    text.rows, text.skipped, text.half = rows, skipped, half
    return text
