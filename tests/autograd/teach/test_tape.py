"""tape's table in Jupyter: the same rows as its text, the output and the leaves coloured as in the drawings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from autograd_cases import hand_written_tanh, lecture

from autograd import Value, tape
from autograd.teach import Tape
from autograd.viz.styles import ROLES


def rows(html: str) -> list[list[str]]:
    table = ET.fromstring(html)
    return [["".join(td.itertext()) for td in tr.iter("td")] for tr in table.iter("tr") if tr.find("td") is not None]


def test_the_table_has_the_texts_rows():
    g = lecture()
    g["L"].backward()
    t = tape(g["L"])
    assert isinstance(t, Tape) and isinstance(t, str) and repr(t) == str(t)  # the text is what it was
    assert str(t).splitlines()[2] == "e = a * b   data=-6.0   grad=-2.0"
    table = rows(t._repr_html_())
    assert table[2] == ["e", "a * b", "-6.0", "-2.0", ""] and table[-1] == ["L", "d * f", "-8.0", "1.0", "output"]
    assert len(table) == len(str(t).splitlines()) == 7
    html = t._repr_html_()
    assert html.count(f"background:{ROLES['input'][0]}") == 4 and html.count(ROLES["output"][0]) == 1


def test_a_long_tape_says_how_many_rows_are_left_out_and_a_hand_written_node_is_marked():
    x = Value(0.5, label="x")
    y = x
    for _ in range(20):
        y = y * 1.1
    t = tape(y, limit=6)
    table = rows(t._repr_html_())
    assert len(table) == 7 and re.fullmatch(r"… 15 more equations \(tape\(root, limit=None\) lists them all\) …",
                                            table[3][0])
    out, _ = hand_written_tanh(Value(0.5, label="x"))
    assert rows(tape(out)._repr_html_())[-1][-1] == "output, hand-written _backward"
