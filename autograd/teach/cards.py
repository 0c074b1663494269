"""A Value in Jupyter: a small card with its data, grad, op and inputs (the plain repr stays as it is).

The core cannot import this layer, so it only offers a hook: `Node._repr_html_` calls
`Node.html_display` if it is set, and `autograd.teach` sets it to `value_card`. The card names
the inputs by their labels, or by the op's own input names (a, b) where they have none, so that it
is drawn from the node and its inputs alone: a loss over a big graph is shown as fast as a leaf.
"""

from __future__ import annotations

from html import escape

from ..core import Node
from ..names import is_inline
from ..notation import equation, grad_text, is_batch, num
from ..viz.styles import ROLES

CARD = ("display:inline-block;border:1px solid {border};border-radius:6px;padding:6px 10px;margin:2px 0;"
        "font:13px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;background:#fff;color:#222")
CELL = "text-align:left;padding:1px 12px 1px 0;font-family:ui-monospace,Menlo,Consolas,monospace"
LABEL = "text-align:left;padding:1px 12px 1px 0;color:#666"
ROW = '<tr style="background:none">'  # no zebra stripes from the notebook's own table style


def value_card(v: Node) -> str:
    """The card: kind and label, how it was computed, data and grad, and a row per input."""
    role = "constant" if v.is_constant else "input" if v.is_leaf else "intermediate"
    fill, border, _ = ROLES[role]
    letters = tuple(getattr(v.op, "inputs", ())) or ("a", "b")
    names = {id(x): num(x.data) if is_inline(x) else x.label or letters[k]
             for k, x in reversed(list(enumerate(v.inputs)))}  # a * a: the first input's letter

    def name(x: Node) -> str:
        return names.get(id(x), "") if x is not v else v.label or "out"

    kind = "Batch" if is_batch(v) else "Value"
    title = f"{kind} <b>{escape(v.label)}</b>" if v.label else kind
    if v.is_leaf:
        how = "a constant (it takes no gradient)" if v.is_constant else "a leaf (a variable: it takes a gradient)"
    else:
        how = f"= {escape(equation(v, name))} &nbsp;({escape(v.op.name)})"
        if v.has_custom_backward:
            how += ", with a hand-written _backward"
    grad = "no grad (a constant)" if v.is_constant else grad_text(v)
    rows = [("data", num(v.data)), ("grad", grad)]
    table = "".join(f'{ROW}<td style="{LABEL}">{k}</td><td style="{CELL}">{escape(x)}</td></tr>' for k, x in rows)
    parts = [f'<div style="background:{fill};margin:-6px -10px 4px;padding:4px 10px;border-radius:6px 6px 0 0">'
             f"{title} <span style=\"color:#555\">{how}</span></div>",
             f'<table style="border-collapse:collapse;margin:0">{table}</table>']
    if v.inputs:
        head = "".join(f'<th style="{LABEL};font-weight:normal">{h}</th>' for h in ("input", "data", "grad"))
        body = "".join(f'{ROW}<td style="{CELL}"><b>{escape(name(x))}</b></td><td style="{CELL}">'
                       f'{escape(num(x.data))}</td><td style="{CELL}">'
                       f'{escape("no grad" if x.is_constant else grad_text(x))}</td></tr>' for x in v.inputs)
        parts.append(f'<table style="border-collapse:collapse;margin:4px 0 0;border-top:1px solid #ddd">'
                     f"{ROW}{head}</tr>{body}</table>")
    return f'<div class="cr-card" style="{CARD.format(border=border)}">{"".join(parts)}</div>'
