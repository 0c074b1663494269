"""The library ships typed: a user script over the whole public API runs, and type-checks clean under pyright
(basic mode) and mypy with the settings in pyproject.toml; pyright is also clean over the packages themselves.

Each checker runs in a subprocess from the repository root, so it reads pyproject.toml's [tool.pyright] and
[tool.mypy]. A test is skipped only when its checker is not installed (both are in the dev dependency group).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("user_script.py")
TIMEOUT = 600  # pyright's first run may download its npm package


def pyright() -> str:
    """The pyright console script of this environment (next to the interpreter), else the one on PATH."""
    found = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which("pyright")
    if found is None:
        pytest.skip("pyright is not installed (it is in the dev dependency group: uv sync --group dev)")
    return found


def mypy() -> list[str]:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it is in the dev dependency group: uv sync --group dev)")
    return [sys.executable, "-m", "mypy"]


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)


def report(result: subprocess.CompletedProcess[str]) -> str:
    return f"{' '.join(result.args)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}"


def test_the_user_script_runs():
    result = run([sys.executable, str(SCRIPT)])
    assert result.returncode == 0, report(result)
    assert "user_script: ok" in result.stdout


@pytest.fixture(scope="module")
def pyright_errors() -> list[tuple[Path, str]]:
    """One pyright run over the packages and the user script (one run is faster than two): (file, error text)."""
    result = run([pyright(), "--outputjson", "autograd", "nn", str(SCRIPT.relative_to(ROOT))])
    try:
        output = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pyright gave no report\n{report(result)}")
    errors = [(Path(d["file"]), f"{Path(d['file']).relative_to(ROOT)}:{d['range']['start']['line'] + 1}: "
                                f"{d['message']} ({d.get('rule', '')})")
              for d in output["generalDiagnostics"] if d["severity"] == "error"]
    assert result.returncode == (1 if errors else 0), report(result)
    return errors


def test_pyright_passes_on_the_user_script(pyright_errors):
    errors = [text for file, text in pyright_errors if file == SCRIPT]
    assert not errors, "pyright (basic) on the user script:\n" + "\n".join(errors)


def test_mypy_passes_on_the_user_script(tmp_path):
    result = run([*mypy(), "--cache-dir", str(tmp_path / "mypy_cache"), str(SCRIPT.relative_to(ROOT))])
    assert result.returncode == 0, report(result)
    assert "Success: no issues found" in result.stdout, report(result)


def test_the_packages_are_marked_typed():
    for package in ("autograd", "nn"):
        assert (ROOT / package / "py.typed").is_file(), f"{package}/py.typed is missing (PEP 561 marker)"


def test_pyright_passes_on_the_packages(pyright_errors):
    errors = [text for file, text in pyright_errors if file != SCRIPT]
    assert not errors, "pyright (basic) on autograd and nn:\n" + "\n".join(errors)
