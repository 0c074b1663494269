"""Graph pictures as files: `save_svg` renders with Graphviz's `dot` and writes atomically.

Rendering is the only step that needs the `dot` program, so this is where its absence is turned
into an error that says how to install it (and that the DOT text is still there without it).
"""

from __future__ import annotations

import os
import pathlib
import tempfile

import graphviz


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` program is missing, so a graph can be described (DOT text) but not rendered."""


def write_svg(graph: graphviz.Digraph, path: str | os.PathLike) -> pathlib.Path:
    """Render `graph` with `dot` to exactly `path` (no extension added), atomically.

    A temp file in the same folder is renamed over the target, so a reader never sees half a file.
    """
    try:
        svg = graph.pipe(format="svg")
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(
            "Graphviz's `dot` program was not found on PATH, so the graph cannot be rendered. Install it: "
            "`sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
            "`conda install -c conda-forge graphviz`. The graph's DOT text is still available as "
            "draw_dot(...).source.") from error
    target = pathlib.Path(path)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644  # mkstemp would leave it private (0600)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(svg)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
    return target
