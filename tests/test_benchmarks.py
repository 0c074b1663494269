"""The benchmark scripts still run (tiny sizes, no timing asserted: speed is measured by running them)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def quick(script: str) -> str:
    """benchmarks/<script> --quick's stdout, after checking it succeeded."""
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("script", ["bench_engine.py", "bench_nn.py", "bench_batch.py"])
def test_benchmark_script_runs_in_quick_mode(script):
    stdout = quick(script)
    assert "chainrule" in stdout or "fit" in stdout
    assert "nan" not in stdout.lower()


def test_bench_nn_compares_fit_with_a_loop_in_the_same_graph_mode():
    """Like with like: batch-mode fit against a batch-mode loop, per-sample fit against a per-sample loop."""
    sections = re.findall(r"^  (batch mode|per-sample graphs), \d+ epochs:\n((?:    .*\n?)+)", quick("bench_nn.py"),
                          flags=re.M)
    rows = {mode: [line.strip().split("  ")[0] for line in body.splitlines()] for mode, body in sections}
    assert rows == {"batch mode": ["hand-written batch loop", "fit(batch_mode=True, compile=False)",
                                   "fit, with progress bar"],
                    "per-sample graphs": ["hand-written per-sample loop", "fit(batch_mode=False)"]}


def test_bench_compiled_quick_without_torch_and_jax():
    """bench_compiled --quick runs in seconds with torch and jax absent (blocked here even where the bench group
    installed them): their rows say so, every section prints its table, and compiled grads match eager ones."""
    script = ROOT / "benchmarks" / "bench_compiled.py"
    run = ("import runpy, sys; sys.modules['torch'] = sys.modules['jax'] = None; "  # `import torch` -> ImportError
           f"sys.argv = [{str(script)!r}, '--quick']; runpy.run_path({str(script)!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", run], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "nan" not in out.lower() and "Traceback" not in result.stderr
    number = r"\d+\.\d+"
    # 1. the W3 table: chainrule's two modes timed, the missing engines named
    assert re.search(rf"^  chainrule compiled +{number} ms +n/a$", out, re.M), out
    assert re.search(rf"^  chainrule batch mode +{number} ms +n/a$", out, re.M), out
    for engine in ("PyTorch batched", "jax.jit"):
        assert re.search(rf"^  {re.escape(engine)} +skipped \(not installed\)$", out, re.M), out
    # 2. scaling: one row per configuration, compiled timed, the others skipped, the grads checked
    rows = re.findall(rf"^ +(\d+) +([\d,]+) +{number} ms +skipped +skipped +n/a +n/a +compiled vs eager grads "
                      rf"(\d\.\de[-+]\d+)$", out, re.M)
    assert [(w, n) for w, n, _ in rows] == [("16", "10"), ("16", "20"), ("8", "20")], out
    assert "PyTorch batched: skipped (not installed)" in out
    # 3. compile time, two widths
    assert len(re.findall(rf"first call +{number} ms, normal +{number} ms, compile +-?{number} ms", out)) == 2, out
    # 4. the demo training: a time, a loss, an accuracy
    assert re.search(rf"compile \+ 20 steps: {number} s .*final loss {number}, accuracy \d+%", out), out
    assert "the same 20 steps in PyTorch batched: skipped (not installed)" in out
    # 5. the profile: every part, for both configurations
    for part in ("forward: L = compiled(X, y)", "of which: the numpy forward", "backward: L.backward()",
                 "of which: the numpy backward", "of which: adding the grads (storage)", "opt.zero_grad()",
                 "opt.step() (nn.SGD)", "whole step"):
        assert re.search(rf"^ +{re.escape(part)}.*?( +{number} us \( *\d+%\)){{2}}$", out, re.M), part
    # 6. the program's statements, timed
    assert re.search(rf"^ +{number} us +\d+% +(forward|backward) +\w+", out, re.M), out
    # correctness, over every configuration measured
    check = re.search(r"^Correctness: .* at (\d+) configurations: max relative difference (\S+) .*within 1e-12: yes$",
                      out, re.M)
    assert check and int(check[1]) >= 6 and float(check[2]) <= 1e-12, out
