"""The eager backward pass: the chain rule on the local derivatives each op stored, in one sweep.

Every op counts itself as a user of its inputs when it links them into the graph (`_users`).
The pass starts at the root and applies a node's chain rule once all its users have added their
terms to its grad (Kahn's order; the same as `order.backward_order`): a node becomes ready when
as many users as it counted have touched it (`_pending`). So no traversal has to count users
first. A node's first touch in a pass sets its grad (fresh gradients on computed nodes); a leaf
sums this pass's terms on their own and adds the total to the grad it had, so calling backward()
twice adds exactly the same number twice.

The counts are those of the whole graph ever built on a node: if a node also has users outside
this root's graph, it never becomes ready. The sweep notices (some node is left waiting), puts
the leaves' grads back, counts the users below this root (`order.recount_users`) and sweeps
again. A hand-edited graph with a cycle is still left waiting after that: GraphCycleError.
"""

from __future__ import annotations

from typing import Any

from .node import Node
from .op import CONST
from .order import raise_cycle, recount_users


def backward_floats(root: Node, start: Any) -> None:
    """Gradients of `root` (seeded with `start`) into every node's grad (see the module docstring)."""
    if not _sweep(root, start):
        recount_users(root)  # some node has users outside this graph: count the ones below the root
        if not _sweep(root, start):
            raise_cycle(root)


def _sweep(root: Node, start: Any) -> bool:
    """One pass of the chain rule from `root`. False, with the leaves' grads put back, if a node was left
    waiting for users that never came (or was touched after it was done: a hand-edited graph)."""
    root.grad = start
    root._pending = -1  # done already: a touch from below (a cycle) can never make it ready again
    done: list[Node] = [root]
    leaves: list[tuple[Node, Any]] = []  # (leaf, the grad it had before this pass)
    stack = [root]
    pop, push, finish, remember = stack.pop, stack.append, done.append, leaves.append
    waiting = 0  # nodes touched by some but not yet all of their users
    overrun = False  # a node touched by more users than it counted
    while stack:
        v = pop()
        g, a, b, da = v.grad, v._a, v._b, v._da
        if da is None:  # a node made by hand: its `_backward` closure adds to its inputs' grads
            waiting, overrun = _hand_written(v, push, finish, remember, waiting, overrun)
            continue
        if a._a is not None:  # a computed node: its grad is complete once all its users have added
            n = a._pending
            if n:
                a.grad += da * g
            else:
                t = da * g
                a.grad = t.copy() if t is g else t  # (a batch's grad array is never shared)
            n += 1
            a._pending = n
            if n == a._users:
                push(a)
                finish(a)
                if n > 1:
                    waiting -= 1
            elif n == 1:
                waiting += 1
            elif n > a._users:
                overrun = True
        elif a._op is not CONST:  # a variable: this pass's terms, summed apart
            if a._pending:
                a.grad += da * g
            else:
                remember((a, a.grad))
                t = da * g
                a.grad = t.copy() if t is g else t
                a._pending = 1
        if b is None:
            continue
        if b._a is not None:  # (the same, for the second input)
            n = b._pending
            if n:
                b.grad += v._db * g
            else:
                t = v._db * g
                b.grad = t.copy() if t is g else t
            n += 1
            b._pending = n
            if n == b._users:
                push(b)
                finish(b)
                if n > 1:
                    waiting -= 1
            elif n == 1:
                waiting += 1
            elif n > b._users:
                overrun = True
        elif b._op is not CONST:
            if b._pending:
                b.grad += v._db * g
            else:
                remember((b, b.grad))
                t = v._db * g
                b.grad = t.copy() if t is g else t
                b._pending = 1
    for v in done:
        v._pending = 0
    ok = not waiting and not overrun
    for x, before in leaves:
        x._pending = 0
        x.grad = before + x.grad if ok else before
    return ok


def _hand_written(v: Node, push: Any, finish: Any, remember: Any, waiting: int, overrun: bool) -> tuple[int, bool]:
    """The sweep's step for a node made by hand: give each input's grad a fresh start on its first touch,
    run the node's `_backward` closure, then count the touch as the sweep does for any node."""
    for x in v.inputs:
        if not x._pending and x._op is not CONST:
            if x._a is None:
                remember((x, x.grad))
                x._pending = 1
            x.grad = 0.0
    v._backward()  # type: ignore[attr-defined]
    for x in v.inputs:
        if x._a is not None:
            n = x._pending = x._pending + 1
            if n == x._users:
                push(x)
                finish(x)
                waiting -= n > 1
            elif n == 1:
                waiting += 1
            elif n > x._users:
                overrun = True
    return waiting, overrun
