"""Everything the README shows is true when run: its ```pycon blocks are doctests, run in order."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples_run_and_print_what_the_readme_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    blocks = re.findall(r"```pycon\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no ```pycon examples"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    globs: dict = {}
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"README block {i + 1}", str(README), 0)
        runner.run(test, clear_globs=False)
        globs = test.globs
    assert runner.failures == 0, f"{runner.failures} README example(s) failed; see the output above"


def test_every_picture_the_readme_shows_is_in_the_repository():
    pictures = re.findall(r"\]\((docs/[^)]+)\)", README.read_text(encoding="utf-8"))
    assert pictures, "the README shows no pictures from docs/"
    missing = [p for p in pictures if not (README.parent / p).is_file()]
    assert not missing, f"README shows {missing}; regenerate them with `uv run demos/main.py --out docs`"
