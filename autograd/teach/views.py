"""What a Stepper and its Steps look like as pages: the player (`save_html`) and, in Jupyter, the player
inline (`_repr_html_`) and each Step as its text beside the graph at that step.

Kept apart from stepper.py, which applies the chain rule (its text and `draw()` stay there). A Step
holds its Stepper weakly (a strong link would make a reference cycle and keep the graph alive until
the garbage collector runs), so a Step whose Stepper is gone is drawn from the grads as they stand,
provided they are still the ones it left.
"""

from __future__ import annotations

import os
import pathlib
from html import escape
from typing import TYPE_CHECKING, Any, cast

from ..viz import GraphvizError, draw_dot
from ..viz.files import render
from .player import MAX_NODES, GraphTooBigError, player_html, save_html

if TYPE_CHECKING:
    from .step import Step
    from .stepper import Stepper


class StepperViews:
    """The pictures of a `Stepper` (mixed into it)."""

    def save_html(self, path: str | os.PathLike, *, max_nodes: int = MAX_NODES,
                  seconds_per_step: float = 1.0) -> pathlib.Path:
        """Write the backward pass as a player to exactly `path`, atomically: one HTML file that needs no network
        (inline SVG, CSS and script), with next, back, play/pause and a slider; it opens where the Stepper
        stands. A graph of more than `max_nodes` Graphviz nodes (values plus op nodes) raises GraphTooBigError."""
        return save_html(cast("Stepper", self), path, max_nodes=max_nodes, seconds_per_step=seconds_per_step)

    def _repr_html_(self) -> str:
        """Jupyter shows the player inline (or, for a graph too big to draw, the text and why)."""
        s = cast("Stepper", self)
        try:
            return player_html(s, function="the Stepper's player in Jupyter")
        except (GraphTooBigError, GraphvizError) as error:
            return text_only(repr(s), str(error))


def step_html(step: Step, stepper: Stepper | None, applied: list[Any]) -> str:
    """A Step in Jupyter: its text beside the graph after it. `applied`: the nodes whose steps came up to it."""
    try:
        if stepper is not None and stepper.position >= step.index and stepper.steps[step.index - 1] is step:
            return player_html(stepper, controls=False, position=step.index, function="the Step's picture in Jupyter")
        if all(term.input.grad is term.after for term in step.terms):  # the grads are still the ones it left
            graph = draw_dot(step.root, highlight=step.node, flow=applied, title=f"after {step.headline}")
            svg = render(graph).decode("utf-8")
            svg = svg[svg.index("<svg"):]
            return (f'<div class="cr-still" style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">'
                    f'<div style="overflow:auto;max-width:100%">{svg}</div>{_pre(str(step))}</div>')
    except (GraphTooBigError, GraphvizError, ValueError) as error:  # draw_dot refuses a big graph (ValueError)
        return text_only(str(step), str(error))
    return text_only(str(step), "the grads have changed since this step, so the graph is not drawn; display the "
                                "Stepper (the player) to go back to it")


def text_only(text: str, why: str) -> str:
    """The plain text, and why there is no picture."""
    return f'{_pre(text)}<p style="color:#666;font-size:12px">(no graph: {escape(why)})</p>'


def _pre(text: str) -> str:
    return (f'<pre style="margin:0;padding:8px 10px;background:#f7f7f7;border-left:3px solid #cc00cc;'
            f'font-size:12.5px;line-height:1.45">{escape(text)}</pre>')
