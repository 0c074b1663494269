"""Helpers shared by the nn tests (named `nn_cases` so it cannot shadow another test folder's helpers)."""

from __future__ import annotations

import math
import struct

import numpy as np


def bits(x: float) -> bytes:
    """The IEEE-754 bytes of x: equal bits means bit-exact (and tells 0.0 from -0.0)."""
    return struct.pack("<d", x)


def same_state(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two state dicts with the same names in the same order and bit-identical values."""
    return list(a) == list(b) and all(bits(a[k]) == bits(b[k]) for k in a)


def close(got: float, want: float, rel: float = 1e-15) -> bool:
    """Exact, or within `rel` relative error (a few ulps: room for another order of operations)."""
    return got == want or math.isclose(got, want, rel_tol=rel, abs_tol=0.0)


def numpy_state() -> tuple:
    state = np.random.get_state()
    return (state[0], state[1].copy(), *state[2:])


def same_numpy_state(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and tuple(a[2:]) == tuple(b[2:])
