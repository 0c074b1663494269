"""gradcheck: analytic derivatives (first and second order) against central finite differences."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from .core import GradcheckError, Value, no_grad, real
from .functional import grad


def _evaluate(f: Callable, args: list[float]) -> float:
    """f at a point, as a float, building no graph."""
    with no_grad():
        out = f(*[Value(x) for x in args])
    return out.data if isinstance(out, Value) else float(out)


def _names(f: Callable, n: int) -> list[str]:
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return params[:n] + [f"x{i}" for i in range(len(params), n)]


def _central(h: Callable[[list[float]], float], x: list[float], i: int, eps: float) -> float:
    up, down = list(x), list(x)
    up[i] += eps
    down[i] -= eps
    return (h(up) - h(down)) / (2.0 * eps)


def gradcheck(f: Callable, *args: Any, order: int = 1, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3) -> bool:
    """Check f's gradient (order=1) and also its Hessian (order=2) at `args` against finite differences.

    Returns True, or raises GradcheckError whose message is a table of analytic, numeric and
    difference for every entry, failures marked. f takes Values and returns a Value.
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck: order must be 1 or 2, got {order!r}")
    given = [real(a) for a in args]
    x = [a for a in given if a is not None]
    if not x or len(x) != len(given):
        raise TypeError(f"gradcheck: give f's arguments as numbers, got {args!r}")
    names, everyone = _names(f, len(x)), tuple(range(len(x)))
    rows = []  # (name, analytic, numeric)
    analytic = grad(f, argnums=everyone)(*x)
    for i, name in enumerate(names):
        rows.append((f"d/d{name}", analytic[i], _central(lambda p: _evaluate(f, p), x, i, eps)))
    if order == 2:
        gradient = grad(f, argnums=everyone)
        for i, name in enumerate(names):
            def partial_i(*p: Any, i: int = i) -> Any:
                return gradient(*p)[i]

            hessian_row = grad(partial_i, argnums=everyone)(*x)
            for j, other in enumerate(names):
                numeric = _central(lambda p, d=partial_i: float(d(*p)), x, j, eps)
                rows.append((f"d2/d{name}d{other}", hessian_row[j], numeric))
    bad = [not _close(a, n, atol, rtol) for _, a, n in rows]
    if any(bad):
        raise GradcheckError(_table(getattr(f, "__name__", repr(f)), order, eps, atol, rtol, rows, bad))
    return True


def _close(analytic: float, numeric: float, atol: float, rtol: float) -> bool:
    if math.isinf(analytic) and analytic == numeric:
        return True
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def _table(name: str, order: int, eps: float, atol: float, rtol: float, rows: list, bad: list) -> str:
    lines = [f"gradcheck failed for {name} (order {order}, eps={eps}, atol={atol}, rtol={rtol}):",
             f"  {'entry':<14}{'analytic':>16}{'numeric':>16}{'difference':>14}"]
    for (entry, a, n), wrong in zip(rows, bad):
        mark = "   <-- mismatch" if wrong else ""
        lines.append(f"  {entry:<14}{a:>16.8g}{n:>16.8g}{a - n:>14.3g}{mark}")
    return "\n".join(lines)
