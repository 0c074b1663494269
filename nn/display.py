"""A Module shown as text (`summary()`) and as an HTML table, for Jupyter's rich display (`_repr_html_`).

One row per direct sub-module (name, type, shape and activation, parameter count) and one per attribute
holding the module's own parameters, then the total. Each parameter is counted in the first row that
holds it, so the rows add up to the total even with tied weights. The plain repr and `summary()` stay text.
"""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = "border-collapse: collapse; font-family: monospace"
CELL = "padding: 2px 10px; text-align: left"
NUMBER = "padding: 2px 10px; text-align: right"


def text_summary(module: Any, module_type: type) -> str:
    """The module and its parameter count, then one line per direct sub-module."""
    lines = [f"{type(module).__name__}({module._describe()}): {len(module.parameters())} parameters"]
    for name, child in module.named_children():
        if isinstance(child, module_type):
            lines.append(f"  {name}: {type(child).__name__}({child._describe()}), {len(child.parameters())} parameters")
    return "\n".join(lines)


def rows(module: Any, module_type: type) -> list[tuple[str, str, str, int]]:
    """(name, type, details, parameters) per direct sub-module, and per attribute with own parameters."""
    seen: set[int] = set()

    def new(params: list[Any]) -> int:
        fresh = {id(p) for p in params} - seen
        seen.update(fresh)
        return len(fresh)

    found: list[tuple[str, str, str, int]] = []
    own: dict[str, list[Any]] = {}
    for name, child in module.named_children():
        if isinstance(child, module_type):
            found.append((name, type(child).__name__, child._details(), new(child.parameters())))
        elif child.requires_grad:
            own.setdefault(name.split(".")[0], []).append(child)
    for attribute, params in own.items():
        details = "scalar" if len(params) == 1 else f"{len(params)} Values"
        found.append((attribute, type(params[0]).__name__, details, new(params)))
    return found


def html_table(module: Any, module_type: type) -> str:
    """The table, with the module's type and mode as its caption and the total parameter count as its foot."""
    body = rows(module, module_type) or [("(this module)", type(module).__name__, module._details(), 0)]
    total = len(module.parameters())
    mode = "training mode" if module.training else "eval mode"
    cells = "".join(
        f"<tr><td style='{CELL}'>{escape(name)}</td><td style='{CELL}'>{escape(kind)}</td>"
        f"<td style='{CELL}'>{escape(details)}</td><td style='{NUMBER}'>{count:,}</td></tr>"
        for name, kind, details, count in body)
    head = "".join(f"<th style='{CELL}'>{title}</th>" for title in ("name", "type", "shape / activation"))
    return (f"<table style='{STYLE}'><caption>{escape(type(module).__name__)} ({mode})</caption>"
            f"<thead><tr>{head}<th style='{NUMBER}'>parameters</th></tr></thead><tbody>{cells}</tbody>"
            f"<tfoot><tr><th style='{CELL}' colspan='3'>total</th><th style='{NUMBER}'>{total:,}</th></tr></tfoot>"
            "</table>")
