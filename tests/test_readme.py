"""Everything the README shows is true when run: its ```pycon blocks are doctests, run in order.

The tour begins with `os.chdir(tempfile.mkdtemp())`, so a reader's own folder gets none of its files;
the test holds it to that: it starts in an empty folder of its own, points `tempfile` at another, and
checks afterwards that every file went to the temporary folder and none to the starting one.
"""

from __future__ import annotations

import doctest
import re
import tempfile
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
# what the tour writes
WRITTEN = {"backward.html", "lecture.svg", "moons.json", "cut.json", "edited.json", "skipnet.json"}


@pytest.mark.needs_dot  # the tour saves a graph as SVG
def test_readme_examples_run_and_print_what_the_readme_says(tmp_path, monkeypatch):
    start, temporary = tmp_path / "start", tmp_path / "temporary"
    start.mkdir()
    temporary.mkdir()
    monkeypatch.chdir(start)  # also restores the working directory after the README's os.chdir
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # where the README's mkdtemp() makes its folder
    blocks = re.findall(r"```pycon\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no ```pycon examples"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    globs: dict = {}
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"README block {i + 1}", str(README), 0)
        runner.run(test, clear_globs=False)
        globs = test.globs
    assert runner.failures == 0, f"{runner.failures} README example(s) failed; see the output above"
    assert not list(start.iterdir()), "the README wrote files into the folder it was started in"
    (folder,) = temporary.iterdir()
    assert {p.name for p in folder.iterdir()} == WRITTEN


def test_every_picture_the_readme_shows_is_in_the_repository():
    pictures = re.findall(r"\]\((docs/[^)]+)\)", README.read_text(encoding="utf-8"))
    assert pictures, "the README shows no pictures from docs/"
    missing = [p for p in pictures if not (README.parent / p).is_file()]
    assert not missing, f"README shows {missing}; regenerate them with `uv run demos/main.py --out docs`"
