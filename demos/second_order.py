"""Newton's method against gradient descent on f(x) = x^4 - 3x^3 + 2, with `grad` and `grad(grad(f))`.

Gradient descent only knows the slope, so it must take small fixed steps and slows down as the
slope flattens (linear convergence). Newton's method also knows the curvature f'' (the second
derivative, which `grad(grad(f))` gives by differentiating the backward pass itself) and jumps to
where the local parabola has its minimum: near the minimum the number of correct digits doubles each
step (quadratic convergence). Newton finds where f' = 0, so it needs f'' > 0 to be heading for a
minimum: from x0 = 4 it is; near the flat inflection point at x = 0 it would not be.

    uv run demos/second_order.py [--quick] [--out DIR]
"""

from __future__ import annotations

import plots
from common import Demo, section

from autograd import grad

X0 = 4.0  # the start, for both methods
LR = 0.01  # f'' is at most 120 on the way down (at x0), and a step above 2 / f'' overshoots: 0.01 is safe
TOLERANCE = 1e-10  # stop when |f'(x)| < TOLERANCE
MAX_STEPS = 1000


def f(x):
    """Works on floats and on Values alike: grad passes Values in."""
    return x**4 - 3 * x**3 + 2


df = grad(f)
d2f = grad(df)  # the derivative of the derivative: the backward pass differentiated again


def minimise(step) -> list[float]:
    """x0, x1, ... until |f'(x)| < TOLERANCE (or MAX_STEPS), where x_{k+1} = step(x_k)."""
    xs = [X0]
    while abs(df(xs[-1])) >= TOLERANCE and len(xs) <= MAX_STEPS:
        xs.append(step(xs[-1]))
    return xs


def table(name: str, xs: list[float], every: int) -> None:
    """One row per iteration (every `every`-th past the first few): x, f(x), f'(x), f''(x)."""
    print(f"{name}: {len(xs) - 1} iterations to |f'(x)| < {TOLERANCE:g}")
    first, second = "f'(x)", "f''(x)"
    print(f"{'k':>5} {'x':>19} {'f(x)':>13} {first:>13} {second:>12}")
    for k, x in enumerate(xs):
        if k < 5 or k % every == 0 or k == len(xs) - 1:
            print(f"{k:>5} {x:>19.15f} {f(x):>13.9f} {df(x):>13.3e} {d2f(x):>12.5f}")


def main() -> None:
    demo = Demo(__doc__)
    section("gradient descent: x <- x - lr * f'(x), lr = 0.01")
    descent = minimise(lambda x: x - LR * df(x))
    table("gradient descent", descent, every=10)
    section("Newton's method: x <- x - f'(x) / f''(x)")
    newton = minimise(lambda x: x - df(x) / d2f(x))
    table("Newton's method", newton, every=1)
    x_min = newton[-1]
    print(f"\nminimum at x = {x_min:.12f} (exactly 9/4 = 2.25), f = {f(x_min):.9f}, f'' = {d2f(x_min):.4f} > 0")
    print(f"iterations to |f'| < {TOLERANCE:g}: gradient descent {len(descent) - 1}, Newton {len(newton) - 1}")

    fig, (left, right) = plots.figure(ncols=2, width=5.5, height=4.2)
    grid = [-1.2 + 5.5 * i / 400 for i in range(401)]
    left.plot(grid, [f(x) for x in grid], color="black", lw=1.2, label="$f(x) = x^4 - 3x^3 + 2$")
    for k, (name, xs) in enumerate([("gradient descent", descent), ("Newton", newton)]):
        left.plot(xs, [f(x) for x in xs], "o-", color=plots.COLORS[k], ms=4 - k, lw=0.8, alpha=0.8,
                  label=f"{name}: {len(xs) - 1} steps")
    left.annotate(f"start x0 = {X0:g}", (X0, f(X0)), xytext=(2.0, 55), arrowprops={"arrowstyle": "->"})
    left.annotate("minimum x = 2.25", (2.25, f(2.25)), xytext=(0.0, -11), arrowprops={"arrowstyle": "->"})
    left.set(xlabel="x", ylabel="f(x)", title="the path of each method on f", ylim=(-15, 75))
    left.grid(alpha=0.3)
    left.legend(fontsize=9, loc="upper left")
    plots.curves(right, {"gradient descent": [abs(df(x)) + 1e-17 for x in descent],
                         "Newton": [abs(df(x)) + 1e-17 for x in newton]},
                 "|f'(x)| (log scale)", "slope left at each iteration", log=True, xlabel="iteration k", start=0)
    right.axhline(TOLERANCE, color="gray", ls="--", lw=1)
    right.text(len(descent) * 0.55, TOLERANCE * 3, f"tolerance {TOLERANCE:g}", color="gray", fontsize=9)
    plots.save(fig, demo.file("second_order.png"))
    demo.finish()


if __name__ == "__main__":
    main()
