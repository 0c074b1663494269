"""Graph pictures as files: `save_svg` renders with Graphviz's `dot` and writes atomically.

Rendering is the only step that needs the `dot` program, so this is where its absence is turned
into an error that says how to install it (and that the DOT text is still there without it), and
where a failing `dot` run becomes a GraphvizRenderError that carries dot's own message.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile

import graphviz


class GraphvizError(RuntimeError):
    """A graph could not be rendered by Graphviz (the DOT text, `draw_dot(...).source`, is still there)."""


class GraphvizNotFoundError(GraphvizError):
    """Graphviz's `dot` program is missing, so a graph can be described (DOT text) but not rendered."""


class GraphvizRenderError(GraphvizError):
    """`dot` ran and failed: `returncode` and `stderr` (its own message, as text) say why."""

    def __init__(self, message: str, returncode: int | None, stderr: str) -> None:
        super().__init__(message)
        self.returncode, self.stderr = returncode, stderr


def render(graph: graphviz.Digraph, format: str = "svg") -> bytes:
    """`graph` rendered by its engine (`dot`); the whole DOT text is handed over at once, so dot's error
    message is read even when it stops early (graphviz's own `pipe` then raises a bare BrokenPipeError)."""
    data = graph.source.encode(graph.encoding or "utf-8", "surrogateescape")
    try:
        return graphviz.pipe(graph.engine, format, data, quiet=True)
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(
            "Graphviz's `dot` program was not found on PATH, so the graph cannot be rendered. Install it: "
            "`sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
            "`conda install -c conda-forge graphviz`. The graph's DOT text is still available as "
            "draw_dot(...).source.") from error
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode("utf-8", "replace") if isinstance(error.stderr, bytes) else error.stderr or ""
        said = stderr.strip() or "(it printed no message)"
        raise GraphvizRenderError(f"Graphviz's `{graph.engine}` failed (exit status {error.returncode}) rendering "
                                  f"the graph to {format}: {said}", error.returncode, stderr) from error
    except OSError as error:  # dot could not be started (not executable, ...) or its pipe broke
        raise GraphvizRenderError(f"Graphviz's `{graph.engine}` could not render the graph to {format}: {error}",
                                  None, "") from error


def write_svg(graph: graphviz.Digraph, path: str | os.PathLike) -> pathlib.Path:
    """Render `graph` with `dot` to exactly `path` (no extension added), atomically."""
    return write_atomically(render(graph, "svg"), path)


def write_atomically(data: bytes, path: str | os.PathLike) -> pathlib.Path:
    """Write `data` to exactly `path` (no extension added): a temp file in the same folder is renamed over
    the target, so a reader never sees half a file, and a failed write leaves the old file as it was."""
    target = pathlib.Path(path)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644  # mkstemp would leave it private (0600)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
    return target
