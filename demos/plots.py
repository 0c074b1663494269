"""The demos' matplotlib pictures: decision regions, training curves, and consistent colours and files.

Figures are made with `matplotlib.figure.Figure`, not pyplot: saving one to PNG renders through the
Agg backend, so no display, window or global pyplot state is involved (the demos run headless and
in tests). Every picture is drawn the same way, so what differs between demos is the content.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nn import predict

matplotlib.use("Agg")  # for anyone importing pyplot later too: never try to open a window

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")  # class k, line k
REGION = ("#c6dbef", "#fcbba1", "#c7e9c0", "#dadaeb", "#fdd0a2", "#d9c6bf")  # lighter tints of the same


def figure(ncols: int = 1, width: float = 6.0, height: float = 4.5) -> tuple[Figure, list]:
    """A figure with `ncols` side-by-side axes, each `width` x `height` inches."""
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, list(axes)


def save(fig: Figure, path: pathlib.Path) -> pathlib.Path:
    fig.savefig(path, dpi=110)
    return path


def points(ax, X: np.ndarray, y: np.ndarray, names: Sequence[str] | None = None) -> None:
    """The samples as dots, one colour per class (labels may be -1/+1 or 0..k-1)."""
    for k, label in enumerate(np.unique(y)):
        name = names[k] if names else f"class {label:g}"
        ax.scatter(*X[y == label].T, s=22, color=COLORS[k], edgecolors="black", linewidths=0.5, label=name, zorder=3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)


def regions(ax, model, X: np.ndarray, y: np.ndarray, steps: int = 60, names: Sequence[str] | None = None) -> None:
    """What the model predicts on a grid around the data (shaded by class), with the data on top.

    One score per sample (a margin or logit) decides by its sign, k scores by their argmax. Each
    class's region is where its score beats every other's, contoured at 0 (interpolated between grid
    points, so boundaries are lines, not staircases). The grid is evaluated with `nn.predict`.
    """
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], steps), np.linspace(low[1], high[1], steps))
    scores = predict(model, np.c_[gx.ravel(), gy.ravel()])
    scores = np.c_[-scores, scores] if scores.ndim == 1 else scores
    for k in range(scores.shape[1]):
        lead = (scores[:, k] - np.delete(scores, k, axis=1).max(axis=1)).reshape(gx.shape)
        ax.contourf(gx, gy, lead, levels=[0.0, np.inf], colors=[REGION[k]])
        ax.contour(gx, gy, lead, levels=[0.0], colors="black", linewidths=1.0)
    points(ax, X, y, names)
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])


def curves(ax, series: dict[str, Sequence[float]], ylabel: str, title: str = "", log: bool = False,
           xlabel: str = "epoch", start: int = 1, marker: str = "") -> None:
    """One line per named series against epoch (numbered from `start`), optionally on a log y axis."""
    for k, (name, values) in enumerate(series.items()):
        ax.plot(np.arange(start, start + len(values)), values, color=COLORS[k % len(COLORS)], lw=1.8, label=name,
                marker=marker, ms=4)
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs and iterations are whole numbers
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=9)
