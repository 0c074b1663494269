"""An Explanation in Jupyter: each path's product of local derivatives typeset (MathML), then their sum and
what each local derivative is, as the op table writes it. The same content as the text, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from ..core import Node
from ..notation import num
from .cards import ROW
from .mathml import derivative, formula, math, mo, mtext, number, product, row
from .paths import MAX_WHERE

if TYPE_CHECKING:
    from .explain import Explanation
    from .paths import PathGraph

SHOWN = 4  # a longer product shows its first and last SHOWN factors (as the text does)
BOX = "font:14px/1.5 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#222;margin:4px 0"
CELL = "text-align:left;padding:2px 12px 2px 0;vertical-align:middle"


def explanation_html(e: Explanation) -> str:
    """The Explanation as HTML with MathML; a gradient with no path (0, or the seed) is its one line of text."""
    graph = e.graph
    if graph is None or not (e.paths and e.paths[0].factors or e.groups):
        return f'<div class="cr-explain" style="{BOX}"><code>{escape(e.text)}</code></div>'
    name = graph.name
    head = derivative(name(e.root), name(e.wrt))
    lines = e.text.splitlines()
    rows: list[tuple[str, str]] = []
    if e.paths:
        alone = len(e.paths) == 1
        for k, p in enumerate(e.paths, 1):
            symbols = [derivative(name(a), name(b)) for a, b in zip(p.nodes, p.nodes[1:])]
            chain = _chain(symbols, [number(num(f), factor=True) for f in p.factors], alone)
            rows.append(("" if alone else f"path {k}", math(*([head, mo("=")] if alone else []), *chain,
                                                            number(num(p.product)))))
        if not alone:
            terms = mo("+").join(number(num(p.product), factor=True) for p in e.paths)
            rows.append(("sum", math(head, mo("="), terms, mo("="), number(num(e.total)))))
    else:
        listed = sum(line.lstrip().startswith("via ") for line in lines)  # as many as the text lists
        for g in sorted(e.groups, key=lambda g: -abs(g.subtotal))[:listed]:
            symbols = [derivative(name(a), name(b)) for a, b in g.links]
            chain = _chain(symbols, [number(num(f), factor=True) for f in g.factors], False)
            label = f"via {name(g.via)} ({g.count:,} path{'' if g.count == 1 else 's'})"
            rows.append((label, math(*chain, number(num(g.subtotal)))))
        rows += [("", math(mtext(line.strip()))) for line in lines[1:] if line.lstrip().startswith("...")]
        rows.append(("sum", math(head, mo("="), mtext(f"sum of the {len(e.groups)} groups"), mo("="),
                                 number(num(e.total)))))
    table = "".join(f'{ROW}<td style="{CELL};color:#666">{escape(k)}</td><td style="{CELL}">{m}</td></tr>'
                    for k, m in rows)
    parts = [f"<div>{escape(lines[0])}</div>", f'<table style="border-collapse:collapse">{table}</table>']
    where = _where(graph, e)
    if where:
        parts.append(f'<div style="color:#666">where</div><table style="border-collapse:collapse">{where}</table>')
    return f'<div class="cr-explain" style="{BOX}">{"".join(parts)}</div>'


def _chain(symbols: Sequence[str], numbers: Sequence[str], alone: bool) -> list[str]:
    """ "d/d · d/d = n · n =": the product in symbols and in numbers, a long one shortened in the middle. One
    factor is just its number, after its symbol unless the line already starts with it (`alone`)."""
    if len(symbols) == 1:
        return [] if alone else [symbols[0], mo("=")]
    return [_short(symbols), mo("="), _short(numbers), mo("=")]


def _short(factors: Sequence[str]) -> str:
    if len(factors) <= 2 * SHOWN + 1:
        return row(product(factors))
    middle = row(mo("\u22ef"), mtext(f" ({len(factors) - 2 * SHOWN:,} more factors) "), mo("\u22ef"))
    return row(product([*factors[:SHOWN], middle, *factors[-SHOWN:]]))


def _where(graph: PathGraph, e: Explanation) -> str:
    """A row per local derivative that is a formula (as the text's "where" lines), each shown once."""
    seen: dict[str, None] = {}
    cells = []
    for p in e.paths:
        for top, bottom, text, local in graph.formulas(p):
            key = f"{id(top)} {id(bottom)} {text}"
            if key in seen:
                continue
            if len(seen) == MAX_WHERE:
                more = f"... and more (the first {MAX_WHERE} local derivatives that are formulas are shown)"
                return "".join(cells) + f'{ROW}<td style="{CELL};color:#666">{more}</td></tr>'
            seen[key] = None
            cells.append(_local(graph, top, bottom, text, local))
    return "".join(cells)


def _local(graph: PathGraph, top: Node, bottom: Node, text: str | None, local: Any) -> str:
    name = graph.name
    if text is None:  # a node made by hand: its `_backward` gives a number, not a formula
        body, note = [number(num(local))], f"{top.op.name}: hand-written _backward"
    else:
        body = [formula(text)] + ([mo("="), number(num(local))] if text != num(local) else [])
        note = top.op.name
    m = math(derivative(name(top), name(bottom)), mo("="), *body)
    return f'{ROW}<td style="{CELL}">{m}</td><td style="{CELL};color:#666">({escape(note)})</td></tr>'
