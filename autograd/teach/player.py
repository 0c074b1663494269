"""The backward pass you can watch: the Stepper as one self-contained HTML page (or a notebook output).

The graph is drawn once by Graphviz as SVG (`autograd.viz.svg` marks which element draws which node)
at the end of the pass, where every edge has its gradient colour and label; the frames (`frames.py`)
say what changes at each step. The first picture is painted here, in Python, so that a viewer
without JavaScript (a notebook on GitHub, a Step shown on its own) still sees the right state; the
inlined script repaints it for the other steps (next, back, play, the slider, the arrow keys).
Nothing is loaded from the network. A graph of more than `max_nodes` Graphviz nodes is refused,
as `draw_dot` refuses it: `dot` would take minutes, and no one follows thousands of steps by eye.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import secrets
from html import escape
from typing import TYPE_CHECKING, Any

from ..viz.files import write_atomically
from ..viz.layout import graphviz_nodes
from ..viz.svg import MarkedSvg, add_class, marked_svg
from .frames import Frames, at_the_end, record
from .player_assets import CSS, JS

if TYPE_CHECKING:
    from .stepper import Stepper

MAX_NODES = 300  # Graphviz nodes (a record per value and a node per op), as draw_dot's default limit
LEGEND = ('<div class="cr-legend"><span><i class="cr-swatch"></i>the node whose chain rule was applied last</span>'
          "<span><b>grad 1.0000</b>: final</span><span><i>grad 1.0000</i>: running total, more terms to come</span>"
          "<span>grad —: not reached yet</span><span>grey edge: no gradient along it yet</span></div>")


class GraphTooBigError(ValueError):
    """The graph has more nodes than the player draws (`max_nodes`); the message says what to do instead."""


def check_size(stepper: Stepper, max_nodes: int, function: str) -> None:
    """Refuse a graph too big to draw, saying how big it is and what to do instead."""
    nodes = stepper.names.nodes
    count = graphviz_nodes(nodes)
    if count > max_nodes:
        raise GraphTooBigError(
            f"{function}: this graph has {len(nodes):,} values ({count:,} Graphviz nodes with their op nodes, "
            f"{len(stepper):,} steps), more than max_nodes={max_nodes}; the player draws every node, and dot would "
            f"take minutes. Step through a smaller graph (one sample, one neuron), step it in the REPL "
            f"(s.step(), s.goto(node)), or write the page anyway with s.save_html(path, max_nodes={count}).")


def player_html(stepper: Stepper, *, page: bool = False, controls: bool = True, position: int | None = None,
                max_nodes: int = MAX_NODES, seconds_per_step: float = 1.0, prefix: str | None = None,
                function: str = "Stepper.save_html") -> str:
    """The player as HTML: a whole page, or a fragment for a notebook (`page=False`). `controls=False`
    gives one still frame, after `position` steps (default: where the Stepper stands), with no script."""
    check_size(stepper, max_nodes, function)
    if seconds_per_step <= 0:
        raise ValueError(f"{function}: seconds_per_step must be positive, got {seconds_per_step}")
    prefix = prefix or f"cr-{secrets.token_hex(6)}"  # unique on a page, across kernel restarts too
    with at_the_end(stepper) as at:
        picture = marked_svg(stepper.root, prefix, max_nodes=max_nodes)
        frames = record(stepper, picture.names, at)
    shown = at if position is None else position
    if not 0 <= shown <= len(frames.steps):
        raise IndexError(f"{function}: step {shown} is out of range: this pass has steps 0 to {len(frames.steps)}")
    paint(picture, frames, shown)
    n = len(frames.steps)
    where = f'<span class="cr-position">{shown} of {n} steps applied</span>'
    if controls:
        off = {True: " disabled", False: ""}
        bar = (f'<div class="cr-controls"><button type="button" class="cr-back" title="back one step (left arrow)"'
               f'{off[shown == 0]}>&#9664; back</button><button type="button" class="cr-play" title="play or '
               f'pause (space)">&#9654; play</button><button type="button" class="cr-next" title="next step '
               f'(right arrow)"{off[shown == n]}>next &#9654;</button><input type="range" class="cr-slider" '
               f'min="0" max="{n}" step="1" value="{shown}" aria-label="step">{where}</div>')
    else:
        bar = f'<div class="cr-controls">{where}</div>'
    body = (f'<div class="cr-body"><div class="cr-graph">{picture.text()}</div>'
            f'<pre class="cr-text">{escape(frames.text(shown))}</pre></div>{LEGEND}')
    script = ""
    if controls:
        data = {**dataclasses.asdict(frames), "position": shown, "interval": round(seconds_per_step * 1000)}
        script = (f'<script type="application/json" class="cr-data">{_json(data)}</script>'
                  f"<script>{JS.replace('__ID__', json.dumps(prefix))}</script>")
    kind = "cr-player" if controls else "cr-player cr-still"
    player = (f'<div class="{kind}" id="{prefix}" tabindex="0" data-position="{shown}">'
              f"<style>{CSS}</style>{bar}{body}{script}</div>")
    if not page:
        return player
    title = escape(f"Backward pass of {stepper.names(stepper.root)} (chainrule)")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{title}</title></head>\n'
            f"<body>\n{player}\n</body></html>\n")


def paint(picture: MarkedSvg, frames: Frames, position: int) -> None:
    """Draw the state after `position` steps into the SVG itself, as the page's script does for every step."""
    grads = frames.grads(position)
    for name, text in picture.grads.items():
        text.text = grads[name]
        add_class(text, frames.state(position, name))
    current = frames.current(position)
    for name in (current, current + "op"):
        if name in picture.nodes:
            add_class(picture.nodes[name], "current")
    for edge in picture.edges:
        if frames.applied.get(edge.get("data-to") or "", 0) > position:
            add_class(edge, "pending")


def save_html(stepper: Stepper, path: str | os.PathLike, **options: Any) -> pathlib.Path:
    """Write the player page to exactly `path`, atomically (see `Stepper.save_html`)."""
    return write_atomically(player_html(stepper, page=True, prefix="player", **options).encode("utf-8"), path)


def _json(data: Any) -> str:
    """JSON safe inside a <script> element: no `</script>` or `<!--` can come out of a user's label."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
