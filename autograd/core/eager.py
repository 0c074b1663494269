"""The eager backward pass: the chain rule on the local derivatives each op stored, floats or arrays.

Kahn's order, without a counting pass: every op counts itself as a user of its inputs when it
links them (`_pending`), so the pass can start at the root at once. A node's chain rule is applied
once all its users have added their terms to its grad; inputs are pushed a then b, exactly as
`order.backward_order` lists them, so anything that replays the pass (the checked path, the
Stepper) adds the same terms in the same order: the same bits.

A node's `_pending` during the pass: > 0, untouched, that many users to come; < 0, touched, -n
users still to come; 0, done. The first term sets a node's grad (fresh gradients on computed
nodes); a leaf sums this pass's terms on their own and adds the total to the grad it had, so
calling backward() twice adds exactly the same number twice.

The counts made in the forward pass fit only the first backward pass of a graph whose every node
leads to this root. A node with users elsewhere is left waiting; a node reached after its count
ran out (a second backward of the same graph) finds 0. Either way the pass puts the leaves' grads
back, counts the users below the root (`order.count_users`) and runs again. A cycle (a hand-edited
graph) does not fit even then: GraphCycleError.
"""

from __future__ import annotations

from typing import Any

from .arraymath import quiet
from .node import Node
from .op import CONST
from .order import clear_counts, count_users, raise_cycle


def backward_floats(root: Node, start: Any) -> None:
    """Gradients of `root` (seeded with `start`) into the grad of every node below it. A batch's products
    that overflow give inf silently, as floats' do (numpy is kept quiet for the pass)."""
    with quiet():
        _backward_floats(root, start)


def _backward_floats(root: Node, start: Any) -> None:
    leaves: list[tuple[Node, Any]] = []  # (leaf, the grad it had before this pass), in the order reached
    try:
        fits = _sweep(root, start, leaves)
        if not fits:  # count the users below this root, then the same sweep again
            _put_back(leaves)
            clear_counts(root)
            count_users(root)
            fits = _sweep(root, start, leaves)
    except BaseException:
        _put_back(leaves)
        clear_counts(root)
        raise
    if not fits:
        _put_back(leaves)
        raise_cycle(root)
    for x, before in leaves:
        x._pending = 0
        x.grad = add_to_grad(before, x.grad)


def _sweep(root: Node, start: Any, leaves: list[tuple[Node, Any]]) -> bool:
    """One pass of the chain rule from `root` (the hot loop: the a and b blocks are written out twice,
    as a call per input costs more). False if the counts did not fit; then grads are half done."""
    root.grad = start
    root._pending = 0
    stack = [root]
    pop, push, remember = stack.pop, stack.append, leaves.append
    waiting = 0  # nodes touched by some but not yet all of their users
    while stack:
        v = pop()
        g, a, b, da = v.grad, v._a, v._b, v._da
        if da is None:  # a node made by hand: its `_backward` closure adds to its inputs' grads
            change = _run_closure(v, push, remember)
            if change is None:
                return False
            waiting += change
            continue
        if a._a is not None:  # a computed input
            n = a._pending
            if n == 1:  # its only user (the common case): its grad is this term, and complete
                t = da * g
                a.grad = t.copy() if t is g else t  # (a batch's grad array is never shared)
                a._pending = 0
                push(a)
            elif n < 0:  # one more of its users
                a.grad += da * g
                n += 1
                a._pending = n
                if not n:
                    push(a)
                    waiting -= 1
            elif n:  # the first of its n users
                t = da * g
                a.grad = t.copy() if t is g else t
                a._pending = 1 - n
                waiting += 1
            else:  # done already, or counted for another pass: the counts do not fit
                return False
        elif a._op is not CONST:  # a variable: this pass's terms, summed apart
            if a._pending < 0:
                a.grad += da * g
            else:
                remember((a, a.grad))
                a._pending = -1
                t = da * g
                a.grad = t.copy() if t is g else t
        if b is None:
            continue
        if b._a is not None:
            n = b._pending
            if n == 1:
                t = v._db * g
                b.grad = t.copy() if t is g else t
                b._pending = 0
                push(b)
            elif n < 0:
                b.grad += v._db * g
                n += 1
                b._pending = n
                if not n:
                    push(b)
                    waiting -= 1
            elif n:
                t = v._db * g
                b.grad = t.copy() if t is g else t
                b._pending = 1 - n
                waiting += 1
            else:
                return False
        elif b._op is not CONST:
            if b._pending < 0:
                b.grad += v._db * g
            else:
                remember((b, b.grad))
                b._pending = -1
                t = v._db * g
                b.grad = t.copy() if t is g else t
    return not waiting


def _run_closure(v: Node, push: Any, remember: Any) -> int | None:
    """The sweep's step for a node made by hand: inputs reached for the first time start from 0, the
    closure adds to them, then each input counts the touch. The change in waiting nodes, or None."""
    for x in v.inputs:
        if x._a is not None and x._pending > 0:
            x.grad = 0.0
        elif x._a is None and x._op is not CONST and x._pending >= 0:
            remember((x, x.grad))
            x._pending = -1
            x.grad = 0.0
    v._backward()  # type: ignore[attr-defined]
    change = 0
    for x in v.inputs:
        if x._a is None:
            continue
        n = x._pending
        if n == 1 or n == -1:
            x._pending = 0
            push(x)
            change -= n == -1
        elif n:
            x._pending = n + 1 if n < 0 else 1 - n
            change += n > 0
        else:
            return None
    return change


def add_to_grad(old: Any, total: Any) -> Any:
    """A leaf's grad after a pass: what it had plus this pass's total (no graph node for a zero grad)."""
    return total if isinstance(old, float) and old == 0.0 and isinstance(total, Node) else old + total


def _put_back(leaves: list[tuple[Node, Any]]) -> None:
    """Undo a pass that did not finish: the leaves get back the grads they had."""
    for x, before in leaves:
        x._pending = 0
        x.grad = before
    leaves.clear()
