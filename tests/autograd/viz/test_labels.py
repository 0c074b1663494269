"""Any string draws: control characters, NUL, Graphviz's specials and huge labels, in every kind of label;
a failing `dot` run is a GraphvizRenderError carrying dot's own message; a non-Value is a clear TypeError."""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET

import graphviz
import pytest

from autograd import Stepper, Value, draw_dot, save_svg, scope
from autograd.viz import GraphvizError, GraphvizNotFoundError, GraphvizRenderError
from autograd.viz.labels import MAX_LABEL, MAX_TOOLTIP, visible

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

CONTROLS = "".join(map(chr, range(0x20)))  # every control character, NUL first
SPECIALS = '{}|<>"\\'
NASTY = [
    CONTROLS,
    "nul\x00in the middle",
    SPECIALS,
    f"mixed {SPECIALS} and \x00\x07\x1b{SPECIALS}",
    "ends in a backslash\\",
    "\\N \\G \\n \\l",  # Graphviz's escapes, to be drawn as written
    "<b>not html</b>",
    "&amp; &lt; ]]> <!-- -->",
    "unicode: αβγ ∂L/∂w 你好 😀 \u200b\ufeff",
    "z" * 16_000,
    "\ud800 lone surrogate, \x85\x9f C1, \ufffe",
]


def svg_root(path) -> ET.Element:
    return ET.parse(path).getroot()  # raises if dot wrote anything that is not well-formed XML


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def squash(text: str) -> str:
    """Text without its whitespace (Graphviz merges and trims spaces in record fields)."""
    return "".join(text.split())


def tooltips(element: ET.Element) -> list[str]:
    return [a.get(f"{XLINK}title", "") for a in element.iter(f"{SVG}a")]


def test_visible_pictures_controls_replaces_what_xml_cannot_hold_and_shortens():
    assert visible("a\x00b\x01c\x1f\x7f") == "a␀b␁c␟␡"
    assert visible("tab\tnew\nline\r") == "tab new line "
    assert visible("\ud800\x85") == "\ufffd\ufffd"
    short = visible("a" * 100 + "END")
    assert len(short) == MAX_LABEL and short.startswith("aaa") and short.endswith("aEND") and "…" in short
    assert visible("x" * 16_000, MAX_TOOLTIP).count("x") == MAX_TOOLTIP - 1


@pytest.mark.needs_dot
@pytest.mark.parametrize("label", NASTY, ids=range(len(NASTY)))
def test_any_label_draws_as_a_record_and_in_the_tooltip(tmp_path, label):
    a = Value(2.0, label=label)
    b = a * 3.0
    b.label = "b"
    b.backward()
    root = svg_root(save_svg(b, tmp_path / "g.svg"))
    records = [list(map(squash, texts(g))) for g in root.iter(f"{SVG}g")]
    assert [squash(visible(label)), "data2.0000", "grad3.0000"] in records
    assert squash(f"{visible(label, MAX_TOOLTIP)}: input") in map(squash, tooltips(root))
    assert len(max(texts(root), key=len)) <= max(MAX_LABEL, 60)


@pytest.mark.needs_dot
@pytest.mark.parametrize("legend", [True, False])
@pytest.mark.parametrize("title", NASTY, ids=range(len(NASTY)))
def test_any_title_draws_with_and_without_the_legend(tmp_path, title, legend):
    a = Value(2.0, label="a")
    root = svg_root(save_svg(a * a, tmp_path / "g.svg", title=title, legend=legend))
    assert squash(visible(title, 200)) in squash("".join(texts(root)))


class Owner:
    """A scope owner (as a Module would be) with any name at all."""

    def __init__(self, name: str) -> None:
        self.name = name

    def named_modules(self):
        yield self.name, self


@pytest.mark.needs_dot
@pytest.mark.parametrize("group", ["cluster", "collapse"])
def test_module_names_and_output_labels_draw_in_clusters_and_boxes(tmp_path, group):
    owner = Owner(CONTROLS + SPECIALS + "y" * 16_000)
    x = Value(1.0, label="x")
    with scope(owner):
        y = (x * 2.0).tanh()
        y.label = "\x00out" + SPECIALS + "w" * 16_000
    z = y + 1.0
    root = svg_root(save_svg(z, tmp_path / "g.svg", model=owner, group=group))
    shown = [squash(t) for t in texts(root)]
    assert squash(visible(owner.name)) in shown
    if group == "collapse":
        assert any(t.startswith(squash(visible(y.label))) for t in shown)


@pytest.mark.needs_dot
def test_a_hand_written_op_with_any_name_draws(tmp_path):
    x = Value(0.5, label="x")
    out = Value(x.data * 2, (x,), "\x00{op}|<\\" + "o" * 16_000)

    def _backward():
        x.grad += 2.0 * out.grad

    out._backward = _backward
    out.backward()
    root = svg_root(save_svg(out, tmp_path / "g.svg"))
    assert visible(out.op, 20) in texts(root) and "(custom _backward)" in texts(root)


@pytest.mark.needs_dot
def test_the_stepper_draws_nasty_names(tmp_path):
    x = Value(0.5, label=CONTROLS + SPECIALS)
    y = (x * x).tanh()
    y.label = "z" * 16_000
    s = Stepper(y)
    s.step()
    svg_root(save_svg(s.draw(), tmp_path / "g.svg"))


def fake_dot(tmp_path, monkeypatch, script: str) -> None:
    """Put a `dot` that runs `script` first on PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script)
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.parametrize("reads_input", [True, False])
def test_a_failing_dot_gives_its_own_message(tmp_path, monkeypatch, reads_input):
    fake_dot(tmp_path, monkeypatch, ("cat > /dev/null\n" if reads_input else "")
             + 'echo "Error: <stdin>: syntax error in line 7 near fake" >&2\nexit 3\n')
    x = Value(1.0, label="x")
    y = x
    for k in range(140):  # DOT text far bigger than a pipe's buffer: a dot that stops early breaks the pipe
        y = y * 1.0001
        y.label = f"{k} " + "q" * 400
    with pytest.raises(GraphvizRenderError) as error:
        save_svg(y, tmp_path / "out.svg", max_nodes=1000)
    assert isinstance(error.value, GraphvizError) and isinstance(error.value, RuntimeError)
    assert not isinstance(error.value, GraphvizNotFoundError)
    assert "syntax error in line 7 near fake" in str(error.value) and "exit status 3" in str(error.value)
    assert error.value.returncode == 3 and "near fake" in error.value.stderr
    assert not (tmp_path / "out.svg").exists()


def test_a_missing_dot_is_still_graphviz_not_found_in_the_same_family(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizError) as error:
        save_svg(Value(1.0), tmp_path / "out.svg")
    assert isinstance(error.value, GraphvizNotFoundError)


@pytest.mark.parametrize("bad", [1.0, None, "x", [Value(1.0)], graphviz.Graph()])
def test_draw_dot_and_save_svg_refuse_a_non_value_by_name(tmp_path, bad):
    with pytest.raises(TypeError, match=r"draw_dot: root must be a Value.*got .*pass a Value"):
        draw_dot(bad)
    with pytest.raises(TypeError, match=r"save_svg: root .*must be a Value.*got "):
        save_svg(bad, tmp_path / "out.svg")
    if not isinstance(bad, (list, type(None))):  # a list of Values is a valid highlight
        with pytest.raises(TypeError, match=r"draw_dot: highlight must be a Value.*got "):
            draw_dot(Value(1.0) * 2.0, highlight=bad)
