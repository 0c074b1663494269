"""What every test folder shares: the `needs_dot` marker.

Rendering a graph (SVG files, `Digraph.pipe`, Jupyter's display) runs Graphviz's `dot` program, which
comes from the system package manager, not from the project's dependencies. A test marked
`@pytest.mark.needs_dot` is skipped, saying why and how to install it, where `dot` is not on PATH, so
a machine without Graphviz gets a green run that is honest about what it did not check, instead of a
screen of GraphvizNotFoundError tracebacks. `dot` is looked up when each test starts (not once at
import), so a test that changes PATH sees the result.
"""

from __future__ import annotations

import shutil

import pytest

pytest_plugins = ("pytester",)  # tests/test_conftest.py runs a small pytest session with this file

DOT_MISSING = ("needs Graphviz's `dot` program, which is not on PATH: install Graphviz (`apt-get install graphviz`, "
               "`brew install graphviz` or `conda install -c conda-forge graphviz`) to run this test")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_dot: renders with Graphviz's `dot`; skipped where dot is not on PATH")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_dot") is not None and shutil.which("dot") is None:
        pytest.skip(DOT_MISSING)
