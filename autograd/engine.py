"""The backward pass: order the graph, then apply each node's local derivatives (chain rule).

`backward_order` is the one traversal everything uses (backward, create_graph, the functional
API, zero_grad, the Stepper, explain, drawing). It is iterative (no recursion limit), follows
inputs in order (deterministic) and counts each computed node's users in a slot (Kahn's
algorithm), so it needs no set or dict on the hot path and notices cycles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from .errors import AnomalyError, GraphCycleError, describe
from .mode import Mode
from .numerics import FloatMath
from .ops import CONST
from .value import Value, _scalar
from .valuemath import ValueMath


def _count_users(root: Value, reset_grads: bool = False) -> int:
    """Pass 1: in each computed node's `_pending`, the number of edges from nodes below `root`.

    Returns how many computed nodes there are; `reset_grads` zeroes their grads on the way (a
    fresh backward pass). Pass 2 (`backward_order`, or the fused loop in
    `backward`) emits a node once all its users are emitted, counting `_pending` back to 0.
    """
    stack = [root]
    pop, push = stack.pop, stack.append
    found = 1
    while stack:
        v = pop()
        a, b = v._a, v._b
        if a._a is not None:
            n = a._pending
            a._pending = n + 1
            if not n:
                found += 1
                push(a)
                if reset_grads:
                    a.grad = 0.0
        if b is not None and b._a is not None:
            n = b._pending
            b._pending = n + 1
            if not n:
                found += 1
                push(b)
                if reset_grads:
                    b.grad = 0.0
    if root._pending:  # the root is its own input's input
        _cycle(root)
    return found


def _cycle(root: Value) -> None:
    _clear_counts(root)
    raise GraphCycleError(f"the graph below {describe(root)} has a cycle: some node is its own input")


def backward_order(root: Value) -> list[Value]:
    """The computed (non-leaf) nodes `root` depends on, `root` first, each before its inputs."""
    if root._a is None:
        return []
    try:
        found = _count_users(root)
        order = [root]
        stack = [root]
        append, pop, push = order.append, stack.pop, stack.append
        while stack:
            v = pop()
            a, b = v._a, v._b
            if a._a is not None:
                n = a._pending - 1
                a._pending = n
                if not n:
                    append(a)
                    push(a)
            if b is not None and b._a is not None:
                n = b._pending - 1
                b._pending = n
                if not n:
                    append(b)
                    push(b)
    except BaseException:
        _clear_counts(root)
        raise
    if len(order) != found:
        _cycle(root)
    return order


def _clear_counts(root: Value) -> None:
    """Reset the traversal counters after an interrupted or cyclic traversal."""
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            v._pending = 0
            stack.extend(v._prev)


def topological_sort(root: Value) -> list[Value]:
    """Every node `root` depends on, leaves included, each after its inputs (a tape, in order)."""
    nodes, seen = [], set()
    for v in reversed(backward_order(root)):
        for x in v._prev:
            if x._a is None and id(x) not in seen:
                seen.add(id(x))
                nodes.append(x)
        nodes.append(v)
    return nodes or [root]


def local_derivatives(node: Value, m: Any = FloatMath) -> list[tuple[Value, Any]]:
    """(input, d node / d input) for each input that takes a gradient, from the op table.

    With `m=FloatMath` the derivatives are floats; with `m=ValueMath` they are Values, so the
    derivative is itself differentiable.
    """
    inputs = node._prev
    args = inputs + (node,) if m is ValueMath else tuple(x.data for x in inputs) + (node.data,)
    return [(x, rule(m, *args)) for x, rule in zip(inputs, node._op.derivatives) if x._op is not CONST]


def apply_chain_rule(node: Value) -> None:
    """input.grad += d node / d input * node.grad, for each input of one node (floats)."""
    for x, local in local_derivatives(node):
        x.grad += local * node.grad


def backward(root: Value, grad: Any = 1.0, create_graph: bool = False) -> None:
    """Gradients of `root` into every node's `.grad`: fresh on computed nodes, summed into leaves."""
    seed = grad if isinstance(grad, Value) else _scalar(grad)
    if seed is None:
        raise TypeError(f"backward: grad must be a number, got {type(grad).__name__}: {grad!r}")
    if create_graph or Mode.anomaly or isinstance(seed, Value):
        grads = propagate(backward_order(root), root, seed, ValueMath if create_graph else FloatMath)
        for node, g in grads.items():
            old = node.grad
            node.grad = g if node._a is not None or (type(old) is float and old == 0.0) else old + g
        return
    if root._a is None:
        if root._op is not CONST:
            root.grad += seed
        return
    try:
        found = _count_users(root, reset_grads=True)
        root.grad = seed
        stack = [root]
        pop, push = stack.pop, stack.append
        done, F = 0, FloatMath
        while stack:  # pass 2 fused with the chain rule: the hot loop, on the table's float rules
            v = pop()
            done += 1
            g, op, a, b = v.grad, v._op, v._a, v._b
            if b is None:
                a.grad += op.d0(F, a.data, v.data) * g
                if a._a is not None:
                    n = a._pending - 1
                    a._pending = n
                    if not n:
                        push(a)
                continue
            x, y, z = a.data, b.data, v.data
            if a._op is not CONST:
                a.grad += op.d0(F, x, y, z) * g
                if a._a is not None:
                    n = a._pending - 1
                    a._pending = n
                    if not n:
                        push(a)
            if b._op is not CONST:
                b.grad += op.d1(F, x, y, z) * g
                if b._a is not None:
                    n = b._pending - 1
                    b._pending = n
                    if not n:
                        push(b)
    except BaseException:
        _clear_counts(root)
        raise
    if done != found:
        _cycle(root)


def propagate(order: list[Value], root: Value, seed: Any, m: Any = FloatMath) -> dict[Value, Any]:
    """d root / d node for every node, in a dict (no `.grad` is touched). Checks NaN/inf in anomaly mode."""
    grads: dict[Value, Any] = {root: seed}
    check = Mode.anomaly
    for v in order:
        g = grads[v]
        for x, local in local_derivatives(v, m):
            term = g if _is_one(local) else local if _is_one(g) else local * g
            if check and not math.isfinite(getattr(term, "data", term)):
                raise AnomalyError(f"backward through {v._op.name}: d/d({describe(x)}) = {_data(local)!r} "
                                   f"times upstream grad {_data(g)!r} gives {_data(term)!r}; "
                                   f"inputs: {', '.join(map(describe, v._prev))}")
            grads[x] = grads[x] + term if x in grads else term
    return grads


def _is_one(x: Any) -> bool:
    return type(x) is float and x == 1.0


def _data(x: Any) -> Any:
    return getattr(x, "data", x)


def zero_grad(root: Value) -> None:
    """Reset `.grad` to 0 on `root` and every node it depends on."""
    for v in topological_sort(root):
        v.grad = 0.0


def gradients(root: Value, wrt: Iterable[Value], create_graph: bool = False) -> list[Any]:
    """d root / d x for each x in `wrt`, without touching any `.grad` (like torch.autograd.grad).

    Floats, or Values that can be differentiated again when `create_graph` is true.
    """
    wrt = list(wrt)
    seed = 1.0
    grads = propagate(backward_order(root), root, seed, ValueMath if create_graph else FloatMath)
    zero: Callable[[], Any] = (lambda: Value(0.0, requires_grad=False)) if create_graph else (lambda: 0.0)
    result = []
    for x in wrt:
        g = grads.get(x)
        if g is None or x._op is CONST:
            g = zero()
        elif create_graph and not isinstance(g, Value):
            g = Value(g, requires_grad=False)
        result.append(g)
    return result
