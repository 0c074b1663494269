"""Graph order: the order every backward pass applies the chain rule in, and the tape order.

Iterative (no recursion limit), inputs followed in order (deterministic), and with no set or
dict on the hot path: Kahn's algorithm, counting each computed node's users in its `_pending`
slot. Pass 1 counts; pass 2 emits a node once every node that uses it has been emitted, which
is exactly when its gradient is complete (the eager pass, autograd/core/eager.py, fuses pass 2
with the chain rule). A cycle (only possible by editing `_a`/`_b` by hand) leaves nodes unemitted
and is reported. Pass 1 walks
straight on to a node's first new input instead of pushing and popping it (measured faster); pass
2 keeps a plain stack (measured faster there, where the walk's extra branches cost more).
"""

from __future__ import annotations

from .errors import GraphCycleError, describe
from .node import Node

Value = Node  # (in the annotations: Values and Batches alike)


def count_users(root: Value) -> int:
    """Pass 1: set each computed node's `_pending` to its number of users below `root`.

    Returns how many computed nodes there are.
    """
    stack: list[Value] = []
    push, pop = stack.append, stack.pop
    found, v = 1, root
    while v is not None:
        a, b, after = v._a, v._b, None
        if a._a is not None:
            n = a._pending
            a._pending = n + 1
            if not n:
                found += 1
                after = a
        if b is not None and b._a is not None:
            n = b._pending
            b._pending = n + 1
            if not n:
                found += 1
                if after is None:
                    after = b
                else:
                    push(b)
        v = after if after is not None else pop() if stack else None
    if root._pending:  # the root is its own input's input
        raise_cycle(root)
    return found


def backward_order(root: Value) -> list[Value]:
    """The computed (non-leaf) nodes `root` depends on, `root` first, each before its inputs.

    Exactly the order the eager `backward()` applies the chain rule in (a node's inputs are
    pushed, a then b, once all their users are done; the last pushed comes next), so anything
    that replays the pass (the checked path, the Stepper) sums in the same order: same bits.
    """
    if root._a is None:
        return []
    clear_counts(root)  # (the counts the forward pass made: this order counts the users below root alone)
    try:
        found = count_users(root)
        order: list[Value] = []
        stack = [root]
        append, push, pop = order.append, stack.append, stack.pop
        while stack:
            v = pop()
            append(v)
            for x in (v._a, v._b):
                if x is not None and x._a is not None:
                    x._pending -= 1
                    if not x._pending:
                        push(x)
    except BaseException:
        clear_counts(root)
        raise
    if len(order) != found:
        raise_cycle(root)
    return order


def topological_sort(root: Value, *more: Value) -> list[Value]:
    """Every node `root` (and any `more` roots) depends on, leaves included, each once and after its
    inputs (a tape, in order).

    A depth-first post-order that visits inputs in order, so independent parts come out in the
    order the expression was written (`a*b + c*d`: a, b, a*b, c, d, c*d, the sum).
    """
    order: list[Value] = []
    state: dict[int, bool] = {}  # id -> finished?
    stack: list[tuple[Value, bool]] = [(r, False) for r in reversed((root, *more))]
    while stack:
        v, expanded = stack.pop()
        if expanded:
            state[id(v)] = True
            order.append(v)
            continue
        finished = state.get(id(v))
        if finished:
            continue
        if finished is False:  # reached again while its own inputs are being visited
            raise_cycle(root)
        state[id(v)] = False
        stack.append((v, True))
        stack.extend((x, False) for x in reversed(v.inputs))
    return order


def clear_counts(root: Value) -> None:
    """Reset the traversal counters after an interrupted or cyclic traversal."""
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            v._pending = 0
            stack.extend(v.inputs)


def raise_cycle(root: Value) -> None:
    clear_counts(root)
    raise GraphCycleError(f"the graph below {describe(root)} has a cycle: some node is its own input")
