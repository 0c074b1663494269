"""numpy's math against the C library's (Python's math), in ulps: the documented bound of batch vs scalar mode.

Batch mode evaluates the op table's rules with numpy, the scalar engine with math; the formulas are the
same, so a batch result can differ from the scalar one only by what numpy's exp, log, tanh... differ from
math's. `autograd.core.arraymath.NUMPY_ULPS` documents the largest difference per function; this test
measures it over dense grids (each binade, the ranges the rules use, random points) and fails if numpy
exceeds the documented bound (a numpy or CPU whose functions differ more: update the bound and the README).

    uv run python tests/autograd/core/test_numpy_ulps.py     # prints the measured maximum per function
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from autograd.core import arraymath
from autograd.core.arraymath import NUMPY_ULPS
from autograd.core.floatmath import FloatMath  # (its ipow: Python's x ** y, inf where that overflows)

N = 100_000
_rng = np.random.default_rng(20261203)


def _signed(x: np.ndarray) -> np.ndarray:
    return np.concatenate([x, -x])


def _grid(lo: float, hi: float) -> np.ndarray:
    """Evenly spaced, log-spaced (where positive) and random points in [lo, hi]."""
    parts = [np.linspace(lo, hi, N), _rng.uniform(lo, hi, N)]
    if lo > 0:
        parts.append(np.logspace(np.log10(lo), np.log10(hi), N))
    return np.concatenate(parts)


POSITIVE = np.concatenate([np.logspace(-323, 308, N), _grid(1e-3, 4.0), _grid(0.5, 2.0)])
FUNCTIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[float], float], np.ndarray]] = {
    "exp": (np.exp, math.exp, np.concatenate([_grid(-745.0, 709.78), _grid(-1.0, 1.0)])),
    "log": (np.log, math.log, POSITIVE),
    "log1p": (np.log1p, math.log1p, np.concatenate([np.logspace(-323, 0, N), _grid(0.0, 1.0)])),
    "tanh": (np.tanh, math.tanh,
             np.concatenate([_grid(-20.0, 20.0), _grid(-1.0, 1.0), _signed(np.logspace(-320, 0, N))])),
    "sqrt": (np.sqrt, math.sqrt, POSITIVE),
    "sin": (np.sin, math.sin, np.concatenate([_grid(-10.0, 10.0), _grid(-1e6, 1e6)])),
    "cos": (np.cos, math.cos, np.concatenate([_grid(-10.0, 10.0), _grid(-1e6, 1e6)])),
}
EXPONENTS = (-3.5, -2.0, -1.0, -0.5, 1 / 3, 0.1, 0.5, 1.5, 2.0, 3.0, 7.5)


def ordinal(x: np.ndarray) -> np.ndarray:
    """Each float's position among all floats (as test_precision.ordinal, for arrays)."""
    n = x.view(np.int64)
    return np.where(n >= 0, n, -(n & 0x7FFFFFFFFFFFFFFF))


def max_ulps(got: np.ndarray, expected: np.ndarray) -> int:
    """The largest distance in ulps between two arrays of floats (NaN and NaN count as equal)."""
    both_nan = np.isnan(got) & np.isnan(expected)
    return int(np.where(both_nan, 0, np.abs(ordinal(got) - ordinal(expected))).max())


def measured(name: str) -> int:
    """The max ulps between numpy's and math's `name` over its grid."""
    if name == "power":
        xs = np.concatenate([np.logspace(-300, 300, N // 4), _grid(0.0, 4.0)])
        with np.errstate(all="ignore"):
            return max(max_ulps(np.power(xs, y), np.array([FloatMath.ipow(x, y) for x in xs.tolist()]))
                       for y in EXPONENTS)
    numpy_f, math_f, xs = FUNCTIONS[name]
    return max_ulps(numpy_f(xs), np.array([math_f(x) for x in xs.tolist()]))


@pytest.mark.parametrize("name", sorted(NUMPY_ULPS))
def test_numpy_differs_from_math_by_at_most_the_documented_ulps(name):
    assert measured(name) <= NUMPY_ULPS[name], (name, measured(name), NUMPY_ULPS[name])


# numpy functions whose results are exact (or not numbers): no bound needed.
EXACT = {"abs", "argmax", "asarray", "broadcast_shapes", "broadcast_to", "empty", "equal", "errstate", "float64",
         "floor", "greater", "isfinite", "isinf", "ldexp", "less", "maximum", "minimum", "mod", "ndarray", "ndim",
         "ones", "seterr", "shape", "where", "all", "any"}


def test_every_inexact_numpy_function_the_engine_calls_has_a_measured_bound():
    """A new numpy function in arraymath.py or valuemath.py fails here until its bound is measured."""
    core = Path(arraymath.__file__).parent
    used = {name for module in ("arraymath.py", "valuemath.py")
            for name in re.findall(r"\bnp\.([a-z0-9_]+)", (core / module).read_text())}
    assert used - EXACT <= set(NUMPY_ULPS), used - EXACT - set(NUMPY_ULPS)
    assert set(NUMPY_ULPS) == set(FUNCTIONS) | {"power"}  # each bound is measured above


if __name__ == "__main__":
    for function in sorted(NUMPY_ULPS):
        print(f"{function:<6} measured {measured(function)} ulp, documented {NUMPY_ULPS[function]}")
