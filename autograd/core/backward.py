"""The backward pass: apply each node's local derivatives in reverse order (the chain rule).

The eager float pass runs on the derivatives each op stored in its node; `create_graph`,
anomaly checking and the functional API evaluate the op table's rules in a math namespace
instead (`propagate`), which is slower but can build graph and check every term.

Batches go through the same code: a batch node's stored derivatives are arrays (or numbers), so
`a.grad += v._da * g` gives a batch input an array grad; a scalar input's is `SummedOverSamples`,
whose product with the grad array is the float sum over the samples (autograd/core/samples.py).

A node made by hand with a `_backward` closure (the micrograd lecture's way) has no stored
derivative: the pass calls its closure instead, and `local_derivatives` finds out what the
closure does by running it once with the node's grad set to 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from . import modes
from .arraymath import finite, quiet, summary, where_bad
from .eager import add_to_grad, backward_floats
from .errors import AnomalyError, describe
from .floatmath import FloatMath
from .node import UNREACHED, Node, constant, real
from .op import CONST
from .order import backward_order, topological_sort
from .samples import BatchNode, SummedOverSamples, seed
from .valuemath import ValueMath

Value = Node  # (in the annotations: Values and Batches alike)


def local_derivatives(node: Value, m: Any = FloatMath) -> list[tuple[Value, Any]]:
    """(input, d node / d input) for each input that takes a gradient, from the op table.

    With `m=FloatMath` the derivatives are floats; with `m=ValueMath` they are Values, so the
    derivative is itself differentiable. A leaf has none.
    """
    inputs = node.inputs
    if not inputs:
        return []
    if node._da is None:  # a hand-written _backward closure
        if m is not FloatMath:
            raise TypeError(f"{describe(node)} has a hand-written _backward closure, which gives numbers, not a "
                            f"graph: create_graph and batch rules need its op in the table (autograd.define_op)")
        return [(x, d) for x, d in zip(inputs, _probe(node)) if x._op is not CONST]
    if m is FloatMath:  # the derivatives the forward pass stored: exactly what backward() uses
        stored = (node._da,) if node._b is None else (node._da, node._db)  # a unary node has no _db
        return [(x, d) for x, d in zip(inputs, stored) if x._op is not CONST]
    args = inputs + (node,) if m is ValueMath else tuple(x.data for x in inputs) + (node.data,)
    rules = node._op.rules(m)[1]
    return [(x, node._stored(x, rule(*args))) for x, rule in zip(inputs, rules) if x._op is not CONST]


def _probe(node: Value) -> list[float]:
    """The local derivatives a hand-written `_backward` applies: its inputs' grad changes when it runs with
    node.grad = 1 and their grads at 0 (a closure is linear in node.grad). Every grad is put back after."""
    inputs = node.inputs
    saved = [(x, x.grad) for x in (node, *inputs)]
    try:
        node.grad = 1.0
        for x in inputs:
            x.grad = 0.0
        node._backward()  # type: ignore[attr-defined]
        found = [x.grad for x in inputs]
    finally:
        for x, g in reversed(saved):
            x.grad = g
    if len(inputs) == 2 and inputs[0] is inputs[1]:  # the same input twice: its total, counted once
        found[1] = 0.0
    return found


def apply_chain_rule(node: Value) -> None:
    """input.grad += d node / d input * node.grad, for each input of one node (floats; a batch's overflow
    gives inf silently, as a float's does)."""
    with quiet():
        for x, local in local_derivatives(node):
            x.grad += local * node.grad


def backward(root: Value, grad: Any = 1.0, create_graph: bool = False) -> None:
    """Gradients of `root` into every node's `.grad`: fresh on computed nodes, summed into leaves.

    With `create_graph=True` the grads are Values (differentiate them again; like PyTorch, a leaf
    then refers to its grad's graph, which refers back to it). A cycle (made by editing `_a`/`_b`)
    raises GraphCycleError, and leaves keep the grads they had.
    """
    start = start_grad(root, grad, create_graph)
    create_graph = create_graph or isinstance(start, Node)
    if root._a is None and root._op is CONST:
        return
    if root._a is not None and not create_graph and not modes.checks_anomalies():
        backward_floats(root, start)
        return
    grads = propagate(backward_order(root), root, start, ValueMath if create_graph else FloatMath)
    for node, g in grads.items():
        if node._a is None:  # a leaf: this pass's sum, added to the grad it had (as the eager pass does)
            g = add_to_grad(node.grad, g)
        node.grad = _as_value(g) if create_graph else g


def start_grad(root: Value, grad: Any = 1.0, create_graph: bool = False) -> Any:
    """The gradient a backward pass seeds `root` with: `grad` checked, for a Batch one per sample."""
    if isinstance(root, BatchNode):
        return seed(root, grad, create_graph)
    start = grad if isinstance(grad, Node) else real(grad)
    if start is None:
        raise TypeError(f"backward: grad must be a number, got {type(grad).__name__}: {grad!r}")
    return start


def propagate(order: list[Value], root: Value, seed: Any, m: Any = FloatMath) -> dict[Value, Any]:
    """d root / d node for every node, in a dict (no `.grad` is touched). Checks NaN/inf in anomaly mode.

    Terms are added in the eager pass's order, and a leaf's are summed on their own (the caller adds
    the total to the grad the leaf had), so `backward()` gives the same bits on either path.
    """
    with quiet():  # a batch's overflow gives inf silently, as a float's does
        return _propagate(order, root, seed, m)


def _propagate(order: list[Value], root: Value, seed: Any, m: Any) -> dict[Value, Any]:
    grads: dict[Value, Any] = {root: seed}
    check = modes.checks_anomalies()
    for v in order:
        g = grads[v]
        for x, local in local_derivatives(v, m):
            term = g if type(local) is float and local == 1.0 else local * g
            if term is g and g.__class__ is np.ndarray:  # a batch's grad array: never shared by two nodes
                term = g.copy()
            if check and not finite(_data(term)):
                raise AnomalyError(f"backward through {v._op.name}: d/d({describe(x)}) = {_show(local)} "
                                   f"times upstream grad {_show(g)} gives {where_bad(_data(term))}; "
                                   f"inputs: {', '.join(map(describe, v._prev))}")
            if x in grads:
                grads[x] = grads[x] + term
            else:
                grads[x] = term
    return grads


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def _show(x: Any) -> str:
    """A number for a message: a batch as its summary, never in full."""
    if isinstance(x, SummedOverSamples):
        return f"{_show(x.d)} (summed over the samples)"
    x = _data(x)
    return summary(x) if isinstance(x, np.ndarray) else repr(x)


def zero_grad(root: Value) -> None:
    """Reset `.grad` to 0 on `root` and every node it depends on (drawn as "—" until the next pass)."""
    for v in topological_sort(root):
        v.grad = UNREACHED


def gradients(root: Value, wrt: Iterable[Value], create_graph: bool = False) -> list[Any]:
    """d root / d x for each x in `wrt`, without touching any `.grad` (like torch.autograd.grad).

    Floats, or Values that can be differentiated again when `create_graph` is true.
    """
    if not isinstance(root, Node):
        raise TypeError(f"gradients: the root must be a Value, got {type(root).__name__}: {root!r}")
    wrt = list(wrt)
    for i, x in enumerate(wrt):
        if not isinstance(x, Node):
            raise TypeError(f"gradients: wrt[{i}] must be a Value (a node of the graph), got {type(x).__name__}: "
                            f"{x!r}; a number has no gradient")
    m = ValueMath if create_graph else FloatMath
    grads = propagate(backward_order(root), root, start_grad(root, 1.0, create_graph), m)
    result = []
    for x in wrt:
        g = grads.get(x)
        if g is None or x._op is CONST:
            g = np.zeros(x.data.shape) if isinstance(x, BatchNode) else 0.0
        result.append(_as_value(g) if create_graph else g)
    return result


def _as_value(g: Any) -> Value:
    """A create_graph gradient as a Value: a constant where it came out a plain number or array."""
    return g if isinstance(g, Node) else constant(g)
