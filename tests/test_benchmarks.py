"""The benchmark scripts still run (tiny sizes, no timing asserted: speed is measured by running them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script", ["bench_engine.py", "bench_nn.py", "bench_batch.py"])
def test_benchmark_script_runs_in_quick_mode(script):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "chainrule" in result.stdout or "fit" in result.stdout
    assert "nan" not in result.stdout.lower()
