"""What every demo shares: the command line (--quick, --out), the output folder, and the list of files written.

One place, so that every demo behaves the same for a learner (and for tests/test_demos.py): the same
two flags, an output folder that is created if missing, and a closing "wrote PATH" line per file, so
nothing a demo produces has to be hunted for. Graph pictures (SVG) need Graphviz's `dot` program,
which pip and uv cannot install: without it a demo still runs to the end and writes its plots, and
closes by naming each SVG it could not write and how to get them, rather than stopping at the first.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
from typing import Any

from autograd import GraphvizNotFoundError, save_svg

GET_GRAPHVIZ = ("install Graphviz (`apt-get install graphviz`, `brew install graphviz` or "
                "`conda install -c conda-forge graphviz`) and run the demo again")


class Demo:
    """Parses the demo's arguments; `file(name)` gives an output path and remembers it for `finish()`."""

    def __init__(self, doc: str | None) -> None:
        doc = (doc or "").strip()
        parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
        parser.add_argument("--quick", action="store_true", help="a tiny, fast run (used by the test suite)")
        parser.add_argument("--out", default="out", help="folder for the pictures (default: out/, created if missing)")
        args = parser.parse_args()
        self.quick: bool = args.quick
        self.out = pathlib.Path(args.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.written: list[pathlib.Path] = []
        self.not_written: list[pathlib.Path] = []  # graphs that need Graphviz's `dot`, which is missing
        self.started = time.perf_counter()
        print(f"{pathlib.Path(sys.argv[0]).name}: {doc.splitlines()[0] if doc else ''}"
              f"{' (quick run)' if self.quick else ''}")

    def pick(self, quick: Any, full: Any) -> Any:
        """The quick-run setting or the full one: keeps each demo's two sizes side by side."""
        return quick if self.quick else full

    def file(self, name: str) -> pathlib.Path:
        """The path for an output file in --out; it is listed by `finish()`."""
        path = self.out / name
        self.written.append(path)
        return path

    def graph(self, root: Any, name: str, **options: Any) -> pathlib.Path | None:
        """A computation graph (a Value, drawn by draw_dot(root, **options), or a Digraph) as an SVG file;
        None, and a note for `finish()`, where Graphviz's `dot` is not installed."""
        path = self.file(name)
        try:
            return save_svg(root, path, **options)
        except GraphvizNotFoundError:
            self.written.remove(path)
            self.not_written.append(path)
            print(f"(Graphviz's `dot` is not on PATH: {name} is not drawn)")
            return None

    def finish(self) -> None:
        print(f"done in {time.perf_counter() - self.started:.1f} s")
        for path in self.written:
            print(f"wrote {path}")
        for path in self.not_written:
            print(f"not written: {path} (a graph: it needs Graphviz's `dot` program, which is not on PATH)")
        if self.not_written:
            print(f"to get the graph{'s' if len(self.not_written) > 1 else ''}, {GET_GRAPHVIZ}")


def section(title: str) -> None:
    """A heading in the printed output, so a long run reads as a few steps."""
    print(f"\n== {title} ==")
