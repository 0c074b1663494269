"""The backward pass as frames for the player: what the picture and the text show after each step.

The player goes to any step in any order (back, the slider), so it is given the whole pass at once:
the Stepper runs to the end and goes back to where it stood (`back` restores every grad bit for bit),
and each step is kept as text: the Stepper's own text for it, and the grad each of its inputs shows
after it. A node's grad is "partial" from the first term added to it until the last one, then
"final"; the root's seed and a leaf's grad from earlier passes are there from the start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core import Unreached
from ..notation import num
from ..viz.elements import grad_field

if TYPE_CHECKING:
    from .stepper import Stepper


@dataclass(frozen=True)
class Frames:
    """The pass, by Graphviz node name (`autograd.viz.svg`): enough to draw the picture at any step."""

    root: str  # highlighted before step 1
    position: int  # where the Stepper stands
    intro: str  # the text before step 1
    start: dict[str, str]  # the grad field of every node that takes a gradient, before step 1
    steps: list[tuple[str, str, list[tuple[str, str]]]]  # (node, its step's text, [(input, grad field after)])
    reached: dict[str, int]  # the position from which a node's grad is set (0: from the start)
    final: dict[str, int]  # the position from which it is final
    applied: dict[str, int]  # op node name -> its step: the edges into it carry gradient from then on

    def grads(self, position: int) -> dict[str, str]:
        """Every grad field after `position` steps."""
        shown = dict(self.start)
        for _, _, changes in self.steps[:position]:
            shown.update(changes)
        return shown

    def current(self, position: int) -> str:
        """The node highlighted after `position` steps: the one whose chain rule was applied last."""
        return self.steps[position - 1][0] if position else self.root

    def text(self, position: int) -> str:
        return self.steps[position - 1][1] if position else self.intro

    def state(self, position: int, name: str) -> str:
        """ "unreached", "partial" or "final": how a node's grad is drawn after `position` steps."""
        return "unreached" if position < self.reached[name] else "partial" if position < self.final[name] else "final"


@contextlib.contextmanager
def at_the_end(stepper: Stepper) -> Iterator[int]:
    """Run the Stepper to the end for the duration of the block, then go back to where it stood (yielded).
    The steps already applied are kept as they are; those after are made and undone again."""
    position = stepper.position
    try:
        stepper.run()
        yield position
    finally:
        stepper.goto(position)


def record(stepper: Stepper, names: dict[int, str], position: int) -> Frames:
    """The frames of a Stepper standing at the end of its pass (see `at_the_end`), named by `names`."""
    nodes = [v for v in stepper.names.nodes if not v.is_constant]
    start = {names[id(v)]: grad_field(v.grad) for v in nodes}
    reached = {names[id(v)]: 0 if not isinstance(v.grad, Unreached) else len(stepper) + 1 for v in nodes}
    final = {names[id(v)]: 0 for v in nodes}
    seen: set[str] = set()
    steps = []
    for step in stepper.steps:
        changes = []
        for term in step.terms:
            name = names[id(term.input)]
            if name not in seen:  # its grad before the first term of this pass is what it starts with
                seen.add(name)
                start[name] = grad_field(term.before)
                reached[name] = step.index if isinstance(term.before, Unreached) else 0
            final[name] = step.index
            changes.append((name, grad_field(term.after)))
        steps.append((names[id(step.node)], str(step), changes))
    root = stepper.names(stepper.root)
    if steps:
        intro = (f"before step 1: the root is seeded, d{root}/d{root} = {num(stepper.root.grad)}\n"
                 f"next: {stepper.steps[0].headline}")
    else:
        intro = f"{root} is a leaf: its grad was seeded, there is nothing to step through"
    applied = {names[id(step.node)] + "op": step.index for step in stepper.steps}
    return Frames(names[id(stepper.root)], position, intro, start, steps, reached, final, applied)
