"""Step through a backward pass one node at a time, in a REPL: `Stepper`.

Each step is one chain-rule application, shown with the op table's formula for each local
derivative, the numbers, and the running total of each input's grad. The Stepper walks the nodes
in the same order as `backward()` and adds the same terms in the same order, so when it finishes
every grad is bit-for-bit what `backward()` would have given (floating-point sums depend on order).
"""

from __future__ import annotations

from typing import Any

import graphviz

from ..core import UNREACHED, Node, add_to_grad, backward_order, local_derivatives, start_grad
from ..notation import Names, Text, equation, formula, num, require_node
from ..viz import draw_dot
from .step import Step, Term
from .views import StepperViews


class Stepper(StepperViews):
    """`root.backward()`, one node at a time: `step()` (or `next(s)`, `for step in s`), `back()`, `goto()`, `run()`.

    Creating it starts a fresh pass as `backward()` does: computed nodes' grads are cleared (drawn
    "—" until reached), the root gets `grad`, leaves keep what they have and accumulate. `draw()` gives
    the graph as it stands; `save_html(path)` (the player page) and Jupyter's display: `StepperViews`.
    """

    def __init__(self, root: Node, grad: Any = 1.0) -> None:
        require_node("Stepper", "root", root)
        self.root, self.order = root, backward_order(root)  # exactly the order backward() applies
        self.names = Names(root)
        self.history: list[tuple[Step, list[tuple[Node, Any, Any]]]] = []
        self._had: dict[int, Any] = {}  # a leaf's grad before this pass (by id), once the pass reaches it
        self._sums: dict[int, Any] = {}  # the leaf's terms of this pass, summed apart as backward() sums them
        for v in self.order:
            v.grad = UNREACHED
        seed = start_grad(root, grad)
        if not root.is_leaf:
            root.grad = seed
        elif not root.is_constant:
            root.grad = root.grad + seed

    def __len__(self) -> int:
        return len(self.order)

    @property
    def position(self) -> int:
        """How many steps have been applied."""
        return len(self.history)

    @property
    def done(self) -> bool:
        return self.position == len(self.order)

    @property
    def current(self) -> Node | None:
        """The node whose chain rule was applied last (None before the first step)."""
        return self.history[-1][0].node if self.history else None

    @property
    def steps(self) -> list[Step]:
        return [step for step, _ in self.history]

    def step(self) -> Step:
        """Apply the next node's chain rule: `input.grad += local derivative * node.grad` for each input.

        For a node made by hand with a `_backward` closure the local derivatives are the numbers the closure
        applies (`local_derivatives` runs it once to find them): there is no formula, the number is shown.
        """
        if self.done:
            raise StopIteration(f"all {len(self)} steps are done; s.back() undoes one, s.goto(0) goes to the start")
        node, name = self.order[self.position], self.names
        terms: list[Term] = []
        undo: list[tuple[Node, Any, Any]] = []
        custom = node.has_custom_backward
        inputs = [(i, x) for i, x in enumerate(node.inputs) if not x.is_constant]
        for (position, x), (_, local) in zip(inputs, local_derivatives(node)):
            before, contribution = x.grad, local * node.grad
            undo.append((x, before, self._sums.get(id(x))))
            if x.is_leaf:  # this pass's terms summed on their own, then added to what the leaf had
                self._had.setdefault(id(x), before)
                total = self._sums[id(x)] = self._sums[id(x)] + contribution if id(x) in self._sums else contribution
                x.grad = add_to_grad(self._had[id(x)], total)
            elif before is UNREACHED:  # its first term: the grad starts as it (-0.0 stays -0.0, as in backward())
                x.grad = contribution.copy() if contribution is node.grad else contribution
            else:  # backward()'s `input.grad += local * grad`
                x.grad = before + contribution
            text = num(local) if custom else formula(node, position, name.data)
            terms.append(Term(x, text, local, node.grad, contribution, before, x.grad, custom))
        step = Step(self.position + 1, len(self), node, terms, name, self.root, self)
        self.history.append((step, undo))
        return step

    def back(self) -> Stepper:
        """Undo the last step, restoring its inputs' grads exactly (including "not reached yet")."""
        if not self.history:
            raise IndexError("at the start: there is no step to undo")
        _, undo = self.history.pop()
        for x, before, total in reversed(undo):
            x.grad = before
            if total is None:
                self._sums.pop(id(x), None)
            else:
                self._sums[id(x)] = total
        return self

    def run(self) -> Stepper:
        """Apply every remaining step (the grads are then exactly what `backward()` gives)."""
        while not self.done:
            self.step()
        return self

    def goto(self, target: int | Node) -> Stepper:
        """Go forward or back to a step number (0 = the start), to just after a node's step, or to
        the point where a leaf's grad is complete."""
        if isinstance(target, Node):
            target = self._position_of(target)
        if not 0 <= target <= len(self):
            raise IndexError(f"step {target} is out of range: this pass has steps 0 to {len(self)}")
        while self.position > target:
            self.back()
        while self.position < target:
            self.step()
        return self

    def _position_of(self, node: Node) -> int:
        if node is self.root:
            return 1 if self.order else 0
        if not node.is_leaf:  # just after its own step
            found = [k + 1 for k, v in enumerate(self.order) if v is node]
        else:  # just after the last step that adds to it
            found = [k + 1 for k, v in enumerate(self.order) if any(x is node for x in v.inputs)]
        if not found:
            raise ValueError(f"{self.names(node)} is not part of the graph below {self.names(self.root)}")
        return found[-1]

    def __iter__(self) -> Stepper:
        return self

    def __next__(self) -> Step:
        return self.step()

    def draw(self, **options: Any) -> graphviz.Digraph:
        """The graph as it stands: the last applied node highlighted, grads filled in so far, others "—"."""
        applied = [step.node for step in self.steps]
        title = f"after {self.steps[-1].headline}" if applied else "before step 1 (the root is seeded)"
        options = {"highlight": self.current or self.root, "flow": applied, "title": title, **options}
        return draw_dot(self.root, **options)

    def __repr__(self) -> str:
        n, at, name = len(self), self.position, self.names
        lines = [f"Stepper({name(self.root)}): {at} of {n} steps applied"
                 + (", every grad is final" if self.done else "")]
        if self.history:
            lines.append(f"  last: {self.steps[-1].headline}")
        if not self.done:
            node = self.order[at]
            lines.append(f"  next: step {at + 1}/{n}  {name(node)} = {equation(node, name)}"
                         f"   ({name(node)}.grad = {num(node.grad)} is complete)")
        elif not n:
            lines.append(f"  {name(self.root)} is a leaf: its grad was seeded, there is nothing to step through")
        return Text("\n".join(lines))

