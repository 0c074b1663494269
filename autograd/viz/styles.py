"""How a graph picture looks: colours per node role, the gradient-flow scale for edges, the legend.

One place for every colour, so the nodes, the edges and the legend that explains them never
disagree. Edge colour and width follow |local derivative x downstream grad| on a log scale with
fixed bands (the seed is 1.0, so the absolute size is what tells vanishing from exploding).
"""

from __future__ import annotations

import math
from html import escape

from ..core import Op
from .labels import html, plain, record_field, tooltip, visible

# role: (fill, border, legend text)
ROLES = {
    "input": ("#cfe2f3", "#3d85c6", "input (leaf)"),
    "parameter": ("#ffe599", "#bf9000", "parameter"),
    "constant": ("#eeeeee", "#999999", "constant (no grad)"),
    "intermediate": ("#ffffff", "#666666", "intermediate"),
    "output": ("#b6d7a8", "#38761d", "output (root)"),
    "module": ("#e6dcf5", "#674ea7", "Module call (collapsed)"),
}
OP_FILL = "#f3f3f3"
CUSTOM_MARK = "(custom _backward)"  # under the name of an op made by hand with a `_backward` closure
HIGHLIGHT = "#cc00cc"  # magenta: unlike any role or flow colour
ARROW = "#555555"
CLUSTER = {"style": "rounded,dashed", "color": "#8e7cc3", "fontcolor": "#674ea7", "fontsize": "11"}
GRAPH = {"fontname": "Helvetica", "fontsize": "11"}
NODE = {"fontname": "Helvetica", "fontsize": "11"}
EDGE = {"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"}
MAX_TITLE = 200  # characters of a graph's title; a longer one (or a name over labels.MAX_LABEL) is cut with "…"
MAX_SYMBOL = 20  # characters of an op's symbol in its node

# lower bound of |flow|, line colour, legend text; the first band whose bound the flow reaches is used
BANDS = (
    (1e3, "#cc0000", "≥ 1000 (exploding?)"),
    (10.0, "#e69138", "10 – 1000"),
    (0.1, "#1c4587", "0.1 – 10"),
    (1e-3, "#6d9eeb", "0.001 – 0.1"),
    (0.0, "#a4c2f4", "< 0.001 (vanishing?)"),
)
ZERO = "#b7b7b7"  # exactly 0: nothing flows (a dead ReLU, a zero weight)
INK = {"#a4c2f4": "#5b7fbf", ZERO: "#888888"}  # label text for the palest lines, which would be hard to read


def flow_style(term: float) -> dict[str, str]:
    """Edge attributes for a chain-rule term: colour band and a pen width growing with log10|term|."""
    size = abs(term)
    if size == 0.0 or math.isnan(size):
        return {"color": ZERO, "fontcolor": INK[ZERO], "style": "dashed", "penwidth": "0.8"}
    color = next(c for bound, c, _ in BANDS if size >= bound)
    width = 4.0 if math.isinf(size) else min(4.0, max(0.5, 1.6 + 0.5 * math.log10(size)))
    return {"color": color, "fontcolor": INK.get(color, color), "penwidth": f"{width:.2f}"}


def legend(roles: set[str], flow: bool, unreached: bool, highlight: bool, title: str = "") -> str:
    """The graph's label (HTML-like): an optional title over a legend of the node roles present and,
    once gradients flow, the edge scale beside it. As the graph label it sits below the drawing
    and never moves a node. One table, so neither column is stretched to the other's height."""
    nodes = [(f'<TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1" FIXEDSIZE="TRUE" WIDTH="28" HEIGHT="14"></TD>',
              escape(text)) for role, (fill, border, text) in ROLES.items() if role in roles]
    if unreached:
        nodes.append(("<TD>—</TD>", "grad not reached by a backward pass yet"))
    if highlight:
        nodes.append((_line(HIGHLIGHT, 3), "highlighted"))
    columns = [("<B>nodes</B>", nodes)]
    if flow:
        edges = [(_line(color, 2), escape(text)) for _, color, text in BANDS]
        edges.append((_line(ZERO, 1), "0: nothing flows (dashed)"))
        columns.append(('<B>edges: gradient flowing back</B><BR ALIGN="LEFT"/>|local derivative × grad|', edges))
    gap = '<TD WIDTH="14"></TD>'
    rows = [gap.join(f'<TD COLSPAN="2" ALIGN="LEFT" VALIGN="TOP">{heading}<BR ALIGN="LEFT"/></TD>'
                     for heading, _ in columns)]
    for k in range(max(len(items) for _, items in columns)):
        cells = [items[k] if k < len(items) else ("<TD></TD>", "") for _, items in columns]
        rows.append(gap.join(f'{swatch}<TD ALIGN="LEFT">{text}</TD>' for swatch, text in cells))
    table = "".join(f"<TR>{row}</TR>" for row in rows)
    table = f'<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">{table}</TABLE>'
    head = f'<TR><TD><FONT POINT-SIZE="14">{html(title, MAX_TITLE)}</FONT></TD></TR>' if title else ""
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{head}<TR><TD ALIGN="LEFT">{table}</TD></TR></TABLE>>'


def _line(color: str, height: int) -> str:
    """A swatch for an edge: a short bar in the edge's colour."""
    return (f'<TD><TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD BGCOLOR="{color}" FIXEDSIZE="TRUE" '
            f'WIDTH="28" HEIGHT="{height}"></TD></TR></TABLE></TD>')


def node_style(role: str, hot: bool, style: str = "filled") -> dict[str, str]:
    """Fill and border for a value record or a Module box; highlighted ones get a thick red border."""
    fill, border, _ = ROLES[role]
    return {"style": style, "fillcolor": fill, "color": HIGHLIGHT if hot else border, "penwidth": "3" if hot else "1"}


def op_style(op: Op, hot: bool, custom: bool = False) -> dict[str, str]:
    """A small node showing the op's symbol; hovering it (in an SVG) shows the op table's formulas.

    `custom`: the node was made by hand with a `_backward` closure (the micrograd lecture's way), so there
    is no formula to show: the node says so, under the op's name.
    """
    text, label = visible(op, MAX_SYMBOL), plain(op, MAX_SYMBOL)
    tip = f"{op.name}({', '.join(op.inputs)}) = {op.value};  " + ";  ".join(op.formulas)
    if custom:
        label, tip = f"{label}\\n{CUSTOM_MARK}", f"{op.name}: its derivative is a hand-written _backward closure"
    shape = "circle" if len(text) <= 2 and not custom else "ellipse"
    return {"label": label, "shape": shape, "style": "filled", "fillcolor": OP_FILL,
            "fontsize": "10", "margin": "0.02", "width": "0.3", "height": "0.3", "tooltip": tooltip(tip),
            "color": HIGHLIGHT if hot else ARROW, "penwidth": "2.5" if hot else "1"}


def edge_style(terms: list[float], hot: bool, label: str = "") -> dict[str, str]:
    """An input edge: coloured by the largest chain-rule term along it (plain if none flowed yet); for a
    batch, give each term's largest |entry| (`notation.magnitude`)."""
    style = flow_style(max(map(abs, terms))) if terms else {"color": ARROW}
    if label:
        style["label"] = label
    if hot:
        style.update(color=HIGHLIGHT, penwidth=str(max(2.5, float(style.get("penwidth", 1)))))
    return style


def record(*fields: str) -> str:
    """A Graphviz record label `{ a | b | c }`, each field made drawable (`labels.record_field`)."""
    return "{ " + " | ".join(map(record_field, fields)) + " }"


def box_label(title: str, outputs: list[tuple[str, str, str]], hidden: int, parameters: int) -> str:
    """A collapsed Module call: its name, its outputs' data and grad, and how many nodes it hides."""
    rows = [f"<B>{html(title)}</B>"]
    rows += [f"{html(name)}: data {data}  grad {grad}" for name, data, grad in outputs[:3]]
    if len(outputs) > 3:
        rows.append(f"… and {len(outputs) - 3} more outputs")
    params = f" ({parameters} parameters)" if parameters else ""
    rows.append(f'<FONT POINT-SIZE="9">{hidden} nodes hidden{params}</FONT>')
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'
