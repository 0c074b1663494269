"""Shared tables and helpers for the autograd tests (imported by test_ops.py and test_properties.py).

Per op (keyed like `autograd.OPS`): how to apply it through the public Value API, its closed
form from the math module, and sample points where it is differentiable. A new op in the table
makes `test_ops.py` fail until it gets an entry in APPLY (unless a Value method has its name),
REFERENCE and POINTS.

Named `autograd_cases` (not `helpers`) so it cannot shadow a helper module of another test folder.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from autograd import Batch, Value


def _node(x: Any) -> Any:
    """x as a node: a number becomes a constant Value (an array a constant Batch)."""
    return x if isinstance(x, Value) else Value(x, requires_grad=False)


def _reflected(method: str) -> Callable[..., Any]:
    """An op reached by a method name, `a.method(b)`; a number on the left, or a scalar Value with a Batch on
    the right, takes b's reflected form (its generated `_r...` method), as Python does for an operator.
    (A scalar Value's generated method returns NotImplemented for a Batch: see test_batch.py.)"""

    def f(a: Any, b: Any) -> Any:
        if isinstance(a, Value) and not (type(a) is Value and isinstance(b, Batch)):
            return getattr(a, method)(b)
        return getattr(b, "_r" + method.lstrip("_"))(a)

    return f


def _logaddexp(a: float, b: float) -> float:
    return max(a, b) + math.log1p(math.exp(-abs(a - b)))


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def _softplus(a: float) -> float:
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


# How each op is reached through Value's public API. Ops whose Value method has the op's name
# (exp, log, ...) need no entry: `apply` falls back to that method.
APPLY: dict[str, Callable[..., Any]] = {
    "neg": operator.neg,
    "abs": abs,
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "leaky_relu": lambda a, slope: a.leaky_relu(slope),
    "ipow": _reflected("_ipow"),
    "logaddexp": _reflected("logaddexp"),
}

# The value each op must compute, from the math module or its closed form.
REFERENCE: dict[str, Callable[..., float]] = {
    "neg": lambda a: -a,
    "abs": math.fabs,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda a: max(a, 0.0),
    "softplus": _softplus,
    "sin": math.sin,
    "cos": math.cos,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": math.pow,
    "ipow": math.pow,
    "logaddexp": _logaddexp,
    "leaky_relu": lambda a, slope: a if a > 0 else slope * a,
    "sum": lambda a: a,  # a scalar is a batch of one sample: the reductions are the identity on it
    "mean": lambda a: a,
}


class Sample(NamedTuple):
    """One evaluation point: the op's inputs; positions in `const` are passed as plain numbers."""

    args: tuple[float, ...]
    const: tuple[int, ...] = ()

    @property
    def wrt(self) -> tuple[int, ...]:
        """The positions that are Values (differentiated)."""
        return tuple(i for i in range(len(self.args)) if i not in self.const)


def S(*args: float, const: tuple[int, ...] = ()) -> Sample:
    return Sample(tuple(float(a) for a in args), const)


# Points where each op is differentiable (kinks avoided, domains respected), with edge cases:
# both sides of relu/leaky_relu/abs, negative bases with integer exponents, a Value exponent,
# log/sqrt near 0, and the saturated tails of sigmoid/tanh/softplus.
POINTS: dict[str, list[Sample]] = {
    "neg": [S(-1.5), S(0.3), S(2.0)],
    "abs": [S(-0.7), S(1.3), S(-3.0)],
    "exp": [S(-2.0), S(0.0), S(1.5)],
    "log": [S(1e-3), S(0.05), S(1.0), S(7.5)],
    "sqrt": [S(1e-3), S(0.04), S(2.0), S(9.0)],
    "tanh": [S(-5.0), S(-0.3), S(0.0), S(0.8), S(5.0)],
    "sigmoid": [S(-5.0), S(0.0), S(0.4), S(5.0)],
    "relu": [S(-1.2), S(0.6), S(3.0)],
    "softplus": [S(-5.0), S(0.0), S(1.1), S(5.0)],
    "sin": [S(-2.0), S(0.0), S(0.5), S(3.0)],
    "cos": [S(-2.0), S(0.0), S(0.5), S(3.0)],
    "add": [S(1.5, -2.0), S(0.0, 3.0), S(2.5, 4.0, const=(1,)), S(2.5, 4.0, const=(0,))],
    "sub": [S(1.5, -2.0), S(-0.25, 4.0), S(2.5, 4.0, const=(1,)), S(2.5, 4.0, const=(0,))],
    "mul": [S(1.5, -2.0), S(0.0, 3.0), S(-3.0, -0.5), S(2.5, 4.0, const=(1,)), S(2.5, 4.0, const=(0,))],
    "div": [S(1.0, 3.0), S(-2.0, 0.5), S(3.0, -1.5), S(0.1, 0.2), S(2.0, 4.0, const=(0,))],
    "pow": [
        S(2.0, 3.0), S(0.5, 2.5), S(3.0, -1.5), S(1.5, 0.5), S(0.05, 2.0),  # positive base, Value exponent
        S(-2.0, 3.0, const=(1,)), S(-1.5, 2.0, const=(1,)), S(-2.0, -3.0, const=(1,)),  # negative base
        S(4.0, 0.5, const=(1,)), S(2.0, 1.5, const=(0,)),  # sqrt-like power, number ** Value
    ],
    "logaddexp": [
        S(0.5, -1.0), S(-3.0, 2.0), S(1.0, 1.0), S(-0.4, -1.1), S(12.0, -9.0), S(-20.0, -21.5),
        S(2.5, 4.0, const=(1,)), S(2.5, 4.0, const=(0,)),
    ],
    "leaky_relu": [
        S(-1.2, 0.01), S(0.8, 0.01), S(-2.0, 0.2), S(3.0, 0.3),  # learnable slope (PReLU)
        S(-1.5, 0.1, const=(1,)), S(0.7, 0.1, const=(1,)),
    ],
}

POINTS["ipow"] = POINTS["pow"]  # pow with IEEE's inf/NaN instead of errors: the same where both are finite
POINTS["sum"] = [S(-1.5), S(0.0), S(2.5)]
POINTS["mean"] = [S(-1.5), S(0.0), S(2.5)]

# Ops whose third derivative is checked (smooth on the sample points, non-zero higher derivatives).
SMOOTH = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "softplus", "sqrt", "pow", "ipow", "div", "mul", "logaddexp")

# Ops with a kink at 0 in their first input: not differentiable there.
KINKS = ("abs", "relu", "leaky_relu")


def apply(name: str, *args: Any) -> Any:
    """Apply the op called `name` through Value's public API (operators or the method of that name)."""
    if name in APPLY:
        return APPLY[name](*args)
    if getattr(Value, name, None) is None:
        raise LookupError(f"no way to apply op {name!r}: add it to APPLY in autograd_cases.py")
    return getattr(args[0], name)(*args[1:])  # the instance's method: a Batch has its own


def op_function(name: str, sample: Sample) -> Callable[..., Any]:
    """f(*x): the op applied with x in the sample's differentiable positions and its constants elsewhere."""

    def f(*xs: Any) -> Any:
        args = list(sample.args)
        for i, x in zip(sample.wrt, xs):
            args[i] = x
        return apply(name, *args)

    return f


def reference_function(name: str, sample: Sample) -> Callable[..., float]:
    """The closed form of `op_function(name, sample)`, on floats."""

    def f(*xs: float) -> float:
        args = list(sample.args)
        for i, x in zip(sample.wrt, xs):
            args[i] = x
        return REFERENCE[name](*args)

    return f


def step(x: float, scale: float = 1e-3) -> float:
    """A finite-difference step relative to x's size (small for points near a pole such as log(1e-3))."""
    return scale * max(abs(x), 1e-3)


def partial(f: Callable[..., Any], x: Sequence[float], i: int, h: float | None = None) -> float:
    """d f / d x[i] by central differences with one Richardson extrapolation (error O(h^4))."""
    h = step(x[i]) if h is None else h

    def at(dx: float) -> float:
        p = list(x)
        p[i] += dx
        out = f(*p)
        return float(getattr(out, "data", out))

    def central(d: float) -> float:
        return (at(d) - at(-d)) / (2.0 * d)

    return (4.0 * central(h / 2.0) - central(h)) / 3.0


def data(x: Any) -> float:
    """A gradient as a float, whether the engine gave a float or a Value."""
    return float(getattr(x, "data", x))


def close(actual: float, expected: float, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    return abs(actual - expected) <= atol + rtol * abs(expected)


def lecture() -> dict[str, Value]:
    """The micrograd lecture's first example: L = (a*b + c) * f."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return dict(a=a, b=b, c=c, d=d, e=e, f=f, L=L)


def hand_written_tanh(x: Value) -> tuple[Value, float]:
    """The lecture's tanh written out: a node linked by hand, its derivative a closure. (out, t)"""
    t = math.tanh(x.data)
    out = Value(t, (x,), "mytanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out, t
