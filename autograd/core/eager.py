"""The eager backward pass: the chain rule on the local derivatives each op stored, floats or arrays.

Pass 1 (`order.count_users`) counts each computed node's users below the root and clears its
grad. Pass 2 starts at the root and applies a node's chain rule once all its users have added
their terms to its grad, pushing inputs a then b: exactly `order.backward_order`, so anything that
replays the pass (the checked path, the Stepper) adds the same terms in the same order: same bits.

Leaves sum this pass's terms on their own and add the total to the grad they had, so calling
backward() twice adds exactly the same number twice (PyTorch's rule; adding term by term into the
running grad would round differently on the second pass).
"""

from __future__ import annotations

from typing import Any

from .node import Node
from .op import CONST
from .order import clear_counts, count_users, raise_cycle


def backward_floats(root: Node, start: Any) -> None:
    """Gradients of `root` (seeded with `start`) into the grad of every node below it."""
    leaves: list[tuple[Node, Any]] = []  # (leaf, the grad it had before this pass), in the order reached
    try:
        found = count_users(root, reset_grads=True)
        done = _chain_rule(root, start, leaves)
    except BaseException:
        _put_back(leaves)
        clear_counts(root)
        raise
    if done != found:
        _put_back(leaves)
        raise_cycle(root)
    for x, before in leaves:
        x._pending = 0
        x.grad = before + x.grad


def _chain_rule(root: Node, start: Any, leaves: list[tuple[Node, Any]]) -> int:
    """Pass 2 (the hot loop; the a and b blocks are written out twice: a call per input costs more).

    A computed node's `_pending` counts down its users still to come; a leaf's marks that this pass
    has reached it. Returns how many nodes were processed (fewer than counted: a cycle).
    """
    root.grad = start
    stack = [root]
    pop, push, remember = stack.pop, stack.append, leaves.append
    done = 0
    while stack:
        v = pop()
        done += 1
        g, a, b, da = v.grad, v._a, v._b, v._da
        if da is None:  # a node made by hand: its `_backward` closure adds to its inputs' grads
            _run_closure(v, push, remember)
            continue
        if a._a is not None:  # a computed input: pass 1 cleared its grad
            a.grad += da * g
            n = a._pending - 1
            a._pending = n
            if not n:
                push(a)
        elif a._op is not CONST:  # a variable: this pass's terms, summed apart
            if a._pending:
                a.grad += da * g
            else:
                remember((a, a.grad))
                a._pending = 1
                t = da * g
                a.grad = t.copy() if t is g else t  # (a batch's grad array is never shared)
        if b is None:
            continue
        if b._a is not None:
            b.grad += v._db * g
            n = b._pending - 1
            b._pending = n
            if not n:
                push(b)
        elif b._op is not CONST:
            if b._pending:
                b.grad += v._db * g
            else:
                remember((b, b.grad))
                b._pending = 1
                t = v._db * g
                b.grad = t.copy() if t is g else t
    return done


def _run_closure(v: Node, push: Any, remember: Any) -> None:
    """Pass 2's step for a node made by hand: its closure adds to its inputs' grads (a leaf's from a
    fresh 0 for this pass), then its computed inputs count it done."""
    for x in v.inputs:
        if x._a is None and x._op is not CONST and not x._pending:
            remember((x, x.grad))
            x._pending = 1
            x.grad = 0.0
    v._backward()  # type: ignore[attr-defined]
    for x in v.inputs:
        if x._a is not None:
            x._pending -= 1
            if not x._pending:
                push(x)


def _put_back(leaves: list[tuple[Node, Any]]) -> None:
    """Undo a pass that did not finish: the leaves get back the grads they had."""
    for x, before in leaves:
        x._pending = 0
        x.grad = before
