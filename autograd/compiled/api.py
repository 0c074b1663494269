"""`compile(fn)`: trace a function of batch arrays once, then run its program at the speed of matrix code."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any, overload

import numpy as np

from ..core import Value, gradients
from .program import Program
from .trace import CompileError, as_columns, name_of, rebuild, record

FLOAT64 = np.dtype(float)


class CompileCheckError(CompileError):
    """In checking mode, the program and the eager engine disagree: the function's graph depends on its data."""


class Output:
    """One value the compiled function returned: `.data` (a float, or an (n,) array for a batch).

    The first output, the loss, has `.backward()`, which adds into every parameter's `.grad` what
    eager `loss.backward()` adds, so optimizers and micrograd-style loops work unchanged.
    """

    __slots__ = ("data", "_run", "_index")

    def __init__(self, data: Any, run: Run, index: int) -> None:
        self.data, self._run, self._index = data, run, index

    def backward(self) -> None:
        if self._index:
            raise CompileError(f"compile: only the loss (the first value {self._run.program.name} returns) has a "
                               f"backward(); this is output {self._index}")
        self._run.backward()

    def item(self) -> float:
        return float(self.data)

    def __float__(self) -> float:
        return float(self.data)

    def __repr__(self) -> str:
        data = f"{self.data!r}" if isinstance(self.data, float) else f"array of {np.size(self.data)}"
        return f"Output(data={data}, of {self._run.program.name})"


class Run:
    """One call of a program: what backward needs (the parameters and arrays it saw)."""

    def __init__(self, program: Program, arrays: list[np.ndarray], check: Callable[[np.ndarray], None] | None) -> None:
        self.program, self.arrays, self.check = program, arrays, check
        self.P, self.saved, self.values = program.forward(arrays)

    def backward(self) -> None:
        if not self.program.differentiable:
            raise CompileError(f"compile: {self.program.name}'s first output is not a scalar that depends on "
                               "parameters, so it has no backward(); return the loss first")
        grads = self.program.backward(self.P, self.arrays, self.saved)
        if self.check is not None:
            self.check(grads)
        self.program.accumulate(grads)


class Compiled:
    """A function of batch arrays, traced once per set of input shapes into a numpy `Program`.

    Building a program moves its parameters' numbers into arrays (`autograd.Storage`): each stays the
    same object, now a `StoredValue` whose `data` and `grad` are entries of those arrays, so the program
    reads P as one slice and nn's optimizers step the arrays in place (see autograd/core/stored.py).

    Like `jax.jit`, compiled mode is trace-based: the function runs once, in batch mode, and what it
    did is frozen. Python control flow that depends on the data (`if x.data > 0`, a loop over a
    value) takes the branch of the first call, for every later call. Use `check_every=N` to compare
    with the eager engine every N calls (a `CompileCheckError` names what differs).
    """

    def __init__(self, fn: Callable[..., Any], check_every: int | None = None) -> None:
        if not callable(fn):
            raise TypeError(f"compile: needs a function, got {type(fn).__name__}: {fn!r}")
        if check_every is not None and (isinstance(check_every, bool) or not isinstance(check_every, int)
                                        or check_every < 1):
            raise ValueError(f"compile: check_every must be a whole number >= 1 or None, got {check_every!r}")
        self.fn, self.check_every, self.calls = fn, check_every, 0
        self.programs: dict[tuple[Any, ...], Program] = {}
        self.program: Program | None = None  # the one used by the latest call
        self.__name__ = name_of(fn)
        self.__doc__ = fn.__doc__
        try:
            names = [p.name for p in inspect.signature(fn).parameters.values()]
        except (TypeError, ValueError):
            names = []
        self._names = names

    def __call__(self, *args: Any) -> Any:
        # the common call, float64 arrays of shapes already compiled: straight to the program (~2 us less)
        known = _known(args)
        program = None if known is None else self.programs.get(known)
        if program is None:
            program, originals, static = self._program(args)
        else:
            self.program, originals, static = program, list(args), []
        arrays = [a if a.ndim == 2 else a[:, None] for a in originals]  # the program reads 2-D arrays
        self.calls += 1
        checking = self.check_every is not None and (self.calls - 1) % self.check_every == 0
        trace = record(self.fn, originals, static) if checking else None
        if trace is None:
            arrays += program.draw(len(originals[0]))
        else:  # the program gets the eager run's random draws, so that the two compute the same thing
            arrays += [np.stack([v.data for v in trace.noise], axis=1)] if trace.noise else []
        eager = None if trace is None else trace.outputs
        run = Run(program, arrays, None if eager is None else (lambda grads: _compare_grads(program, eager, grads)))
        if eager is not None:
            _compare_values(program, [v.data for v in eager], run.values)
        outputs = [Output(v, run, k) for k, v in enumerate(run.values)]
        return rebuild(program.structure, outputs)

    def trace(self, *args: Any) -> Program:
        """The program for these arguments' shapes (traced now if it is new), without running it."""
        return self._program(args)[0]

    def _program(self, args: Sequence[Any]) -> tuple[Program, list[np.ndarray], list[Any]]:
        if not args or not isinstance(args[0], np.ndarray):
            raise TypeError(f"compile: {self.__name__} must be called with a numpy array of samples first (such as "
                            f"X of shape (n, features)), got {type(args[0]).__name__ if args else 'no arguments'}")
        arrays, static, names = [], [], []
        for k, a in enumerate(args):
            if isinstance(a, np.ndarray):
                if static:
                    raise TypeError(f"compile: {self.__name__}: give the arrays first, then the other arguments")
                arrays.append(as_columns(self._name(k), a))
                names.append(self._name(k))
            else:
                static.append(a)
        if len({a.shape[0] for a in arrays}) > 1:
            raise ValueError(f"compile: {self.__name__}: the arrays have different numbers of samples: "
                             f"{', '.join(f'{n} {a.shape}' for n, a in zip(names, arrays))}")
        try:
            key = (tuple(a.shape for a in arrays), tuple(static))
            hash(key)
        except TypeError:
            raise TypeError(f"compile: {self.__name__}: arguments other than arrays are frozen into the program, so "
                            f"they must be hashable (numbers, strings, tuples), got {static!r}") from None
        program = self.programs.get(key)
        if program is None:
            program = Program(record(self.fn, arrays, static), self.__name__, names, len(self.programs) + 1)
            self.programs[key] = program
        self.program = program
        return program, arrays, static

    def _name(self, k: int) -> str:
        return self._names[k] if k < len(self._names) else f"x{k}"

    def __repr__(self) -> str:
        return f"<compiled {self.__name__}: {len(self.programs)} program(s)>"


def _known(args: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The `programs` key of a call whose arguments are all float64 arrays (None if one is anything else)."""
    shapes = []
    for a in args:
        if type(a) is not np.ndarray or a.dtype is not FLOAT64:
            return None
        shapes.append(a.shape)
    return (tuple(shapes), ())


def _close(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)


def _compare_values(program: Program, eager: list[Any], compiled: list[Any]) -> None:
    for k, (e, c) in enumerate(zip(eager, compiled)):
        for i, (x, y) in enumerate(zip(np.ravel(e).tolist(), np.ravel(c).tolist())):
            if not _close(x, y):
                raise CompileCheckError(f"compile check: output {k} of {program.name} (sample {i}) is {y!r} compiled "
                                        f"but {x!r} eager: its graph depends on the data (Python control flow on "
                                        f"values is frozen at the first call); run it without compile")


def _compare_grads(program: Program, eager: list[Value], grads: np.ndarray) -> None:
    expected = [float(g) for g in gradients(eager[0], program.parameters)]
    scale = max(map(abs, expected), default=0.0)  # a grad that cancels to 0.0 may come out 1e-19 in another order
    for i, (x, y) in enumerate(zip(expected, grads.tolist())):
        if not (_close(x, y) or abs(x - y) <= 1e-12 * scale):
            raise CompileCheckError(f"compile check: the gradient of parameter {i} of {program.name} is {y!r} "
                                    f"compiled but {x!r} eager: the graph depends on the data; run it "
                                    f"without compile")


@overload
def compile(fn: Callable[..., Any], *, check_every: int | None = None) -> Compiled: ...
@overload
def compile(fn: None = None, *, check_every: int | None = None) -> Callable[[Callable[..., Any]], Compiled]: ...
def compile(fn: Callable[..., Any] | None = None, *,
            check_every: int | None = None) -> Compiled | Callable[[Callable[..., Any]], Compiled]:
    """Compile `fn(X, y, ...)` (numpy arrays of samples in, a loss Value out) into a numpy program.

    Use as `compile(fn)`, `@compile` or `@compile(check_every=100)`. See `Compiled`.
    """
    if fn is None:
        return lambda f: Compiled(f, check_every)
    return Compiled(fn, check_every)
