"""Local minima and a saddle point: where SGD, momentum, RMSprop and Adam end up on one 2-D loss surface.

A network's loss surface has many valleys and many passes between them; gradient descent only sees
the slope where it stands. This surface shows both in two dimensions: a tilted double well along x
(a deep minimum on the left, a shallower one on the right, a saddle point between them) with steep
walls along y. The two coordinates are two Values, the loss is built from them, `backward()` gives
the gradient and nn's optimizers take the steps, exactly as when training a network. Every optimizer
uses the same learning rate and step count, from the same three starts:
- from the shallow side, momentum's speed carries it over the saddle into the deep minimum, where the
  others settle in the nearer, shallower one;
- from just beside the ridge through the saddle, plain SGD stalls at the saddle (the slope there is
  nearly zero, so its steps are too), while momentum builds up speed and RMSprop and Adam divide the
  small gradient by its own size: they all leave at once;
- from the deep side, momentum overshoots the other way: speed is not a compass, it does not know
  which minimum is deeper.

    uv run demos/minima.py [--quick] [--out DIR]
"""

from __future__ import annotations

import numpy as np
import plots
from common import Demo, section

from autograd import Value
from nn import SGD, Adam, RMSprop

TILT, WALL = 0.075, 2.0  # the tilt makes the left well the deeper one; WALL is the steepness along y
LR, STEPS = 0.05, 100  # the same for every optimizer
NEAR = 0.1  # "at the saddle": within this distance of it
OPTIMIZERS = {
    "SGD": lambda p: SGD(p, lr=LR),
    "SGD + momentum 0.9": lambda p: SGD(p, lr=LR, momentum=0.9),
    "RMSprop": lambda p: RMSprop(p, lr=LR),
    "Adam": lambda p: Adam(p, lr=LR),
}


def loss(x, y):
    """(x^2 - 1)^2 / 4 + TILT x + WALL y^2: for Values (a graph to backpropagate), floats or numpy grids."""
    return 0.25 * (x**2 - 1) ** 2 + TILT * x + WALL * y**2


def critical_points() -> dict[str, tuple[float, float]]:
    """Where the gradient is zero: y = 0 and dloss/dx = x^3 - x + TILT = 0 (three real roots, left to right)."""
    left, middle, right = sorted(np.roots([1.0, 0.0, -1.0, TILT]).real)
    return {"deep minimum": (left, 0.0), "saddle point": (middle, 0.0), "shallow minimum": (right, 0.0)}


def descend(make, start: tuple[float, float]) -> list[tuple[float, float]]:
    """STEPS steps of an nn optimizer on the two parameters (x, y), from `start`; the path, start first."""
    x, y = Value(start[0], label="x"), Value(start[1], label="y")
    optimizer = make([x, y])
    path = [start]
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss(x, y).backward()  # x.grad, y.grad: the slope of the surface where the optimizer stands
        optimizer.step()
        path.append((x.data, y.data))
    return path


def where(point: tuple[float, float], points: dict[str, tuple[float, float]]) -> str:
    """The critical point within 0.25 of `point`, or "in between"."""
    name, at = min(points.items(), key=lambda item: np.hypot(*np.subtract(point, item[1])))
    return name if np.hypot(*np.subtract(point, at)) < 0.25 else "in between"


def main() -> None:
    demo = Demo(__doc__)
    points = critical_points()
    saddle = points["saddle point"]
    starts = {"on the shallow side": (1.8, 1.2), "beside the saddle": (round(float(saddle[0]) + 0.001, 4), 1.8),
              "on the deep side": (-1.8, -1.2)}
    print(f"loss(x, y) = (x^2 - 1)^2 / 4 + {TILT} x + {WALL} y^2; {STEPS} steps of each optimizer, lr {LR}")
    section("the surface's critical points (gradient zero)")
    for name, (x, y) in points.items():
        print(f"  {name:<16} at ({x:+.4f}, {y:+.4f})   loss {loss(x, y):+.4f}")

    section("where each optimizer ended")
    header = f"{'start':<32} {'optimizer':<19} {'end (x, y)':<18} {'loss':>8}  {'ended at':<16} steps at the saddle"
    print(header)
    paths = {}
    for label, start in starts.items():
        for name, make in OPTIMIZERS.items():
            path = paths[label, name] = descend(make, start)
            end = path[-1]
            stalled = sum(np.hypot(*np.subtract(p, saddle)) < NEAR for p in path[1:])
            print(f"{f'{label} ({start[0]:g}, {start[1]:g})':<32} {name:<19} ({end[0]:+.3f}, {end[1]:+.3f})   "
                  f"{loss(*end):>+8.4f}  {where(end, points):<16} {stalled:>3} of {STEPS}")
    print(f"(steps at the saddle: steps that ended within {NEAR} of it)")

    draw(demo, starts, paths, points)
    demo.finish()


def draw(demo: Demo, starts, paths, points) -> None:
    """One panel per start: the surface's contours, its critical points, and each optimizer's path."""
    fig, axes = plots.figure(ncols=len(starts), width=4.6, height=4.2)
    grid = np.linspace(-2.0, 2.0, demo.pick(80, 200))
    gx, gy = np.meshgrid(grid, grid)
    surface = loss(gx, gy)  # the same function, evaluated by numpy on the whole grid
    lowest, pass_height = loss(*points["deep minimum"]), loss(*points["saddle point"])
    levels = lowest + np.geomspace(0.01, surface.max() - lowest, 22)  # closer together near the bottom
    for ax, (label, start) in zip(axes, starts.items()):
        ax.contourf(gx, gy, surface, levels=[lowest, *levels], cmap="Greys", alpha=0.45)
        ax.contour(gx, gy, surface, levels=levels, colors="grey", linewidths=0.4)
        ax.contour(gx, gy, surface, levels=[pass_height], colors="black", linewidths=0.8, linestyles="dashed")
        for k, name in reversed(list(enumerate(OPTIMIZERS))):  # SGD drawn last: on top where paths overlap
            path = np.array(paths[label, name])
            ax.plot(path[:, 0], path[:, 1], ".-", color=plots.COLORS[k], lw=1.3, ms=3, label=name, alpha=0.9)
        for name, (x, y) in points.items():
            ax.plot(x, y, "X" if name == "saddle point" else "*", color="black", ms=11, mec="white", zorder=4)
            ax.annotate(name, (x, y), xytext=(0, -16 if name == "saddle point" else 10), textcoords="offset points",
                        ha="center", fontsize=8)
        ax.plot(*start, "o", color="black", ms=7, zorder=4)
        ax.set(title=f"start {label}, ({start[0]:g}, {start[1]:g})", xlabel="x", ylabel="y", xlim=(-2, 2),
               ylim=(-2, 2))
    handles, names = axes[0].get_legend_handles_labels()
    axes[0].legend(handles[::-1], names[::-1], fontsize=8, loc="lower left", framealpha=0.9)
    fig.suptitle(f"{STEPS} steps, lr {LR}, on (x² - 1)²/4 + {TILT}x + {WALL:g}y²; dashed: the level of the saddle")
    plots.save(fig, demo.file("minima.png"))


if __name__ == "__main__":
    main()
