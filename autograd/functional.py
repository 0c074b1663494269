"""grad and value_and_grad: derivatives of Python functions, composable as in HIPS autograd/JAX.

Called with numbers, they return floats (with 1-D float arrays, batches: arrays). Called with Values
(which is what happens inside another `grad`), they differentiate with `create_graph=True` and return Values, so
`grad(grad(f))(x)` is the second derivative.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .core import Value, gradients, real


def _lift(x: Any, i: int, differentiate: bool) -> Any:
    """Argument i as f sees it: a leaf Value if differentiated. Other float arguments become constant
    Values (so `.exp()` works on them); ints, bools and anything else pass through unchanged."""
    if not differentiate:
        return Value(x, requires_grad=False) if isinstance(x, (float, np.floating)) else x
    if isinstance(x, Value):  # a constant to differentiate by (from an outer grad) becomes a variable
        return Value(x.data) if x.is_constant else x
    if isinstance(x, np.ndarray) and x.ndim:  # a batch: the gradient is per sample
        return Value(x)
    data = real(x)
    if data is None:
        raise TypeError(f"grad: argument {i} must be a number or a Value, got {type(x).__name__}: {x!r}")
    return Value(data)


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning (f(*args), df/dargs[argnums]); a tuple of grads when argnums is a tuple."""
    several = not isinstance(argnums, int)
    given: tuple[object, ...] = tuple(argnums) if isinstance(argnums, (tuple, list)) else (argnums,)
    if not callable(f):
        raise TypeError(f"grad: f must be a function, got {type(f).__name__}: {f!r}")
    if not given or not all(isinstance(i, int) and not isinstance(i, bool) for i in given):
        raise TypeError(f"grad: argnums must be an int or a non-empty tuple of ints (positions of f's arguments), "
                        f"got {argnums!r}")
    nums = tuple(i for i in given if isinstance(i, int))  # (all of them: checked just above)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        for i in nums:
            if not -len(args) <= i < len(args):
                raise IndexError(f"argnums {i} is out of range for {len(args)} positional arguments")
        nested = any(isinstance(x, Value) for x in args)
        lifted = [_lift(x, i, i in nums or i - len(args) in nums) for i, x in enumerate(args)]
        out = f(*lifted, **kwargs)
        if not isinstance(out, Value):
            if real(out) is None:
                raise TypeError(f"grad: {getattr(f, '__name__', f)!r} must return a Value or a number, "
                                f"got {type(out).__name__}")
            out = Value(out, requires_grad=False)  # does not depend on the arguments
        grads = gradients(out, [lifted[i] for i in nums], create_graph=nested)
        value = out if nested else out.data
        return value, (tuple(grads) if several else grads[0])

    return wrapper


def grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning df/dargs[argnums] at the given point (see `value_and_grad`)."""
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapper
