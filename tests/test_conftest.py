"""The shared `needs_dot` marker (tests/conftest.py): skipped with the reason without dot, run with it.

Each case runs a small pytest session with the real conftest and a PATH made for it: an empty folder
(no Graphviz, whatever this machine has) or one holding a stand-in `dot`, so both outcomes are checked
on every machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
TESTS = """
import pytest

@pytest.mark.needs_dot
def test_renders():
    pass

def test_needs_nothing():
    pass
"""


@pytest.fixture
def session(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(test_marked=TESTS)
    return pytester


def test_without_dot_a_marked_test_is_skipped_saying_how_to_install_graphviz(session, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = session.runpytest("-v", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*test_marked.py::test_renders SKIPPED*",
                                 "*test_marked.py::test_needs_nothing PASSED*",
                                 "SKIPPED*needs Graphviz's `dot`*not on PATH*apt-get install graphviz*"])


def test_with_dot_on_path_a_marked_test_runs(session, tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n", encoding="utf-8")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    assert os.access(dot, os.X_OK)
    session.runpytest().assert_outcomes(passed=2)
