"""Any string as Graphviz text: made safe for the kind of label `dot` reads it as, and kept short.

A name or title can hold anything a user typed (a NUL, a tab, `{`, a 16k-character string), and
`dot` stops with a syntax error on the wrong character. Graphviz has three label syntaxes, each with
its own specials: record fields (`{ } | < >` and backslash escapes), HTML-like labels (XML: `& < > "`,
and no control characters at all, under 16k characters) and plain strings (backslash escapes such
as `\\N` for the node's name). Every user-supplied string drawn passes through here:
`visible` first (control characters shown as their Unicode pictures, ␀ for NUL; what XML cannot hold
replaced; long text shortened with "…"), then the escaping of its label kind.
"""

from __future__ import annotations

import re
from html import escape

import graphviz

MAX_LABEL = 60  # characters of a name, title or op symbol drawn in the picture
MAX_TOOLTIP = 500  # characters of a tooltip (where a shortened name is shown in full, up to this)

_CONTROL = {c: chr(0x2400 + c) for c in range(0x20)}  # U+2400..241F: "control pictures", ␀ ␁ ... ␟
_CONTROL.update({0x7F: "\u2421", ord("\t"): " ", ord("\n"): " ", ord("\r"): " "})
_NOT_XML = re.compile("[\x80-\x9f\ud800-\udfff\ufffe\uffff]")  # C1 controls, lone surrogates, non-characters
_RECORD_SPECIALS = re.compile(r'([{}|<>"\\])')


def visible(text: object, limit: int = MAX_LABEL) -> str:
    """`text` as characters Graphviz and SVG can hold, at most `limit` of them (middle cut to "…")."""
    text = _NOT_XML.sub("\ufffd", str(text).translate(_CONTROL))
    if len(text) <= limit:
        return text
    head = (limit - 1) - (limit - 1) // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def record_field(text: object, limit: int = MAX_LABEL) -> str:
    """One field of a record label `{ a | b }`: its specials and backslashes escaped, `&` as `&amp;` (Graphviz
    reads entities such as `&lt;` in every label)."""
    return _RECORD_SPECIALS.sub(r"\\\1", visible(text, limit).replace("&", "&amp;"))


def html(text: object, limit: int = MAX_LABEL) -> str:
    """Text inside an HTML-like label (`<...>`): XML-escaped, backslashes doubled (Graphviz reads `\\G`
    as the graph's name there too)."""
    return escape(visible(text, limit)).replace("\\", "\\\\")


def plain(text: object, limit: int = MAX_LABEL, backslash: str = "\\\\") -> str:
    """A plain label: backslashes doubled (so `\\N` is not the node's name), `&` as `&amp;`; quotes are
    escaped by the graphviz package, and `nohtml` stops it reading `<b>x</b>` as an HTML-like label."""
    return graphviz.nohtml(visible(text, limit).replace("&", "&amp;").replace("\\", backslash))


def tooltip(text: object, after: str = "") -> str:
    """A tooltip: `text` (up to MAX_TOOLTIP characters) and then `after`, escaped as a plain label, but with
    backslashes doubled twice: Graphviz unescapes a tooltip's backslashes twice."""
    text = visible(text, MAX_TOOLTIP) + after
    return plain(text, len(text), backslash="\\" * 4)
