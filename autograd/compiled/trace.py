"""Tracing: run the user's function once in batch mode and record the scalar graph it builds.

Each array argument becomes Batches, so one call records one graph whose nodes each carry every
sample (batch mode): a 2-D array (n, k) arrives as a list of k column Batches (a model called on
that list treats it as one sample whose features are Batches), a 1-D array as one Batch. Other
arguments are passed as they are and frozen into the program. The graph's leaves are sorted
into inputs (those Batches), parameters (scalar Values that require grad: read from `p.data`
at every call) and constants (numbers, frozen). Anything the program could not recompute is an
error that names the node: a Batch made inside the function (its samples would be frozen), a
hand-written `_backward`, a reduction over the samples other than sum and mean.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import OPS, Batch, Value, describe, enable_grad, topological_sort


def sampled(sample: Callable[[tuple[int, ...]], np.ndarray], n: int) -> Value:
    """A constant Batch of n random entries, `sample((n,))`, that compiled mode draws afresh at every call.

    `sample(shape)` must return an array of that shape whose entries are independent draws (such as a
    dropout mask). Eagerly this is just a constant Batch; a traced program calls `sample((n, k))` once per
    call for the k Batches drawn by the same `sample`, so each call gets new noise, as eager mode would.
    """
    batch = Value(np.asarray(sample((n,)), dtype=float), requires_grad=False)
    SAMPLERS[batch] = sample  # (read by `record`: a leaf to draw again, not data to freeze)
    return batch


SUM, MEAN = OPS["sum"], OPS["mean"]  # the reductions over the samples a program writes (ones.dot(x), / n)
SAMPLERS: weakref.WeakKeyDictionary[Value, Callable[[tuple[int, ...]], np.ndarray]] = weakref.WeakKeyDictionary()


class CompileError(TypeError):
    """A function or graph that compiled mode cannot turn into a program (the message says why and what to do)."""


@dataclass
class Trace:
    """The recorded graph: its nodes in topological order and what each leaf is."""

    nodes: list[Value]
    outputs: list[Value]  # the returned Values, flattened (the loss first when there is one)
    structure: Any  # how to rebuild fn's return value from `outputs` (see flatten / rebuild)
    inputs: list[list[Value]]  # per array argument, its column Batches (one for a 1-D array)
    noise: list[Value]  # Batches made by `sampled`, drawn again at every call (grouped by their sampler)
    samplers: list[tuple[Callable[[tuple[int, ...]], np.ndarray], int]]  # (sampler, how many of `noise` in a row)
    samples: int  # n, the number of samples of every array argument


def as_columns(name: str, x: Any) -> np.ndarray:
    """An array argument as a checked float64 array of 1 or 2 dimensions."""
    array = np.asarray(x, dtype=float)
    if array.ndim not in (1, 2) or not array.shape[0]:
        raise ValueError(f"compile: argument {name} must be a 1-D or 2-D array of samples (n, ...), n >= 1; "
                         f"got shape {array.shape}")
    return array


def record(fn: Callable[..., Any], arrays: Sequence[np.ndarray], static: Sequence[Any]) -> Trace:
    """Call fn(*columns, *static) with grad recording on, and collect its graph."""
    n = arrays[0].shape[0]
    # Inputs are recorded as variables, not constants: an op on constants is folded into a constant
    # at once, and then `-y` would be frozen into the program instead of computed from each call's y.
    inputs = [[Value(np.array(a[:, j])) for j in range(a.shape[1])] if a.ndim == 2 else [Value(np.array(a))]
              for a in arrays]
    arguments = [cols if a.ndim == 2 else cols[0] for a, cols in zip(arrays, inputs)]
    with enable_grad():
        result = fn(*arguments, *static)
    outputs: list[Value] = []
    structure = flatten(result, outputs)
    if not outputs:
        raise CompileError(f"compile: {name_of(fn)} returned {result!r}; it must return a Value (the loss), or a "
                           "tuple whose first item is the loss and whose other items are Values or lists of Values")
    nodes: list[Any] = topological_sort(*outputs)
    drawn: dict[Any, list[Value]] = {}  # sampler -> its Batches, samplers in first-use order
    for v in nodes:
        if v.is_leaf and v in SAMPLERS:
            drawn.setdefault(SAMPLERS[v], []).append(v)
    noise = [v for batches in drawn.values() for v in batches]
    samplers = [(sample, len(batches)) for sample, batches in drawn.items()]
    known = {id(x) for cols in inputs for x in cols} | {id(v) for v in noise}
    for v in nodes:
        if v.has_custom_backward:
            raise CompileError(f"compile: {describe(v)} has a hand-written _backward closure, which compiled mode "
                               f"cannot read; declare the op with autograd.define_op (then it compiles), or run "
                               f"this function without compile")
        if v.op.reduces and v.op is not SUM and v.op is not MEAN:
            raise CompileError(f"compile: {describe(v)} is {v.op.name}, a reduction over the samples of your own; "
                               f"compiled mode knows the samples' sum and mean only: write it with .sum() or "
                               f".mean(), or run this function without compile")
        if v.is_leaf and isinstance(v, Batch) and id(v) not in known:
            raise CompileError(f"compile: {describe(v)} is a Batch made inside {name_of(fn)} from data, not from "
                               f"its arguments: its samples would be frozen into the program. Pass that array as an "
                               f"argument, or compute it with Value ops from the arguments")
    return Trace(nodes, outputs, structure, inputs, noise, samplers, n)


def flatten(result: Any, into: list[Value]) -> Any:
    """fn's return value with each Value replaced by its position in `into` (lists and tuples kept)."""
    if isinstance(result, Value):
        into.append(result)
        return len(into) - 1
    if isinstance(result, (list, tuple)):
        return type(result)(flatten(item, into) for item in result)
    raise CompileError(f"compile: the function must return Values (or lists/tuples of them), got "
                       f"{type(result).__name__}: {result!r}")


def rebuild(structure: Any, values: Sequence[Any]) -> Any:
    """The inverse of `flatten`: the same shape, each position replaced by values[position]."""
    if isinstance(structure, int):
        return values[structure]
    return type(structure)(rebuild(item, values) for item in structure)


def name_of(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", type(fn).__name__)
