"""The demos run, as a learner would start them, and write the pictures they promise.

Each demo runs in --quick mode in a subprocess (its own interpreter, as `uv run demos/NAME.py` does)
with --out in a temporary folder; its PNGs must be real PNGs of a sensible size, its SVGs valid XML
showing the labels the demo gives its Values, and what it prints must be finite numbers. main.py is
also run in full, because it is the README's first command and promises 100% training accuracy. The
demos that draw graphs need Graphviz's `dot` for their SVGs (skipped without it), and one more run of
main.py with a PATH that has no `dot` checks that a learner without Graphviz still gets the plots.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# demo: {file it writes: labels an SVG must contain}
DEMOS = {
    "main": {"moons_boundary.png": [], "moons_training.png": [], "moons_neuron.svg": ["w1", "w2", "b", "x1", "x2"]},
    "chain_rule": {"chain_rule_graph.svg": ["w1_11", "w1_23", "w2_12", "b1_1", "b2_1", "x3", "y_hat", "C"]},
    "second_order": {"second_order.png": []},
    "optimizers": {"optimizers.png": []},
    "gradients": {"gradient_norms.png": [], "sigmoid_chain.svg": ["w1", "h1", "sigmoid"]},
    "multiclass": {"spiral_regions.png": []},
    "minima": {"minima.png": []},
    "digits": {"digits_predictions.png": [], "digits_training.png": []},
}
DRAWS_GRAPHS = {demo for demo, files in DEMOS.items() if any(name.endswith(".svg") for name in files)}


def run(demo: str, *args: str, cwd: Path = ROOT, timeout: float = 60, path: str | None = None) -> str:
    """Run demos/<demo>.py with `args` (and PATH=`path` if given); return its stdout after checking it succeeded."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if path is not None:
        env["PATH"] = path
    done = subprocess.run([sys.executable, str(ROOT / "demos" / f"{demo}.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{demo}.py failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def check_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert 300 <= width <= 4000 and 200 <= height <= 4000, f"{path.name} is {width}x{height} pixels"
    assert len(data) > 10_000, f"{path.name} is only {len(data)} bytes: an empty plot?"


def check_svg(path: Path, labels: list[str]) -> None:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    texts = {t.text.strip() for t in root.iter() if t.tag.endswith("text") and t.text}
    missing = [label for label in labels if label not in texts]
    assert not missing, f"{path.name} has no node labelled {missing}; its texts: {sorted(texts)[:40]}"


def check_numbers(stdout: str) -> None:
    assert not re.search(r"\b(nan|inf|infinity)\b", stdout, flags=re.I), stdout
    numbers = [float(x) for x in re.findall(r"[-+]?\d+\.\d+(?:e[-+]?\d+)?", stdout)]
    assert numbers and all(math.isfinite(x) for x in numbers)


def chain_rule_claims(stdout: str) -> None:
    """explain, backward() and finite differences agree, and the gradient step lowers the cost."""
    worst = float(re.search(r"largest disagreement between the three: (\S+)", stdout).group(1))
    assert worst < 1e-6
    before, after = map(float, re.findall(r"cost (?:before|after) the step:\s+C = (\S+)", stdout))
    assert after < before


def second_order_claims(stdout: str) -> None:
    """Newton converges in a handful of iterations, gradient descent in many more."""
    descent, newton = map(int, re.search(r"gradient descent (\d+), Newton (\d+)", stdout).groups())
    assert newton < 10 < 5 * newton < descent


MINIMA_ROW = re.compile(r"(on the shallow side|beside the saddle|on the deep side) \(.*?\)\s+(SGD \+ momentum 0\.9|SGD|"
                        r"RMSprop|Adam)\s+\((\S+), (\S+)\)\s+\S+\s+(deep minimum|shallow minimum|saddle point|in "
                        r"between)\s+(\d+) of 100")
MINIMA_ENDS = {  # start: where SGD, SGD + momentum, RMSprop and Adam end (what the surface really shows)
    "on the shallow side": ("shallow minimum", "deep minimum", "shallow minimum", "shallow minimum"),
    "beside the saddle": ("saddle point", "shallow minimum", "shallow minimum", "shallow minimum"),
    "on the deep side": ("deep minimum", "shallow minimum", "deep minimum", "deep minimum"),
}


def minima_claims(stdout: str) -> None:
    """Momentum is carried over the saddle into the other well, from either side; beside the saddle plain
    SGD stalls there for most of its steps while the others leave it within a few."""
    points = {m[1]: (float(m[2]), float(m[3])) for m in re.finditer(
        r"^  (deep minimum|saddle point|shallow minimum)\s+at \((\S+), (\S+)\)", stdout, flags=re.M)}
    rows = {(m[1], m[2]): m for m in MINIMA_ROW.finditer(stdout)}
    assert len(points) == 3 and len(rows) == 12, stdout
    for row in rows.values():  # "ended at" names where the printed end point really is
        assert math.dist((float(row[3]), float(row[4])), points[row[5]]) < 0.25, row[0]
    optimizers = ("SGD", "SGD + momentum 0.9", "RMSprop", "Adam")
    assert {start: tuple(rows[start, name][5] for name in optimizers) for start in MINIMA_ENDS} == MINIMA_ENDS
    stalled = [int(rows["beside the saddle", name][6]) for name in optimizers]  # steps ending at the saddle
    assert stalled[0] >= 50 and max(stalled[1:]) <= 10, stalled


def gradients_claims(stdout: str) -> None:
    """diagnose finds the vanishing gradient of the deep sigmoid net with small weights, and nothing wrong with
    tanh and Xavier init; its norms agree with the ones fit recorded for tanh/Xavier in the table above it."""
    small, healthy = stdout.split("diagnose(model, X, y, loss='bce')")[1].split("the same shape with tanh")
    assert "1 problem" in small and "\nvanishing: layer 1's gradient norm" in small and "try: use tanh or ReLU" in small
    assert "no problem found" in healthy.split("==")[0]
    table = [float(row.split()[2]) for row in stdout.split("layer 1 is next to the input) ==")[1].splitlines()[2:8]]
    norms = [float(x) for x in re.search(r"gradient norm\s+(.*)", healthy).group(1).split()]
    assert norms == pytest.approx(table, rel=5e-3)  # (printed to 3 and 4 significant digits)


CLAIMS = {"chain_rule": chain_rule_claims, "second_order": second_order_claims, "minima": minima_claims,
          "gradients": gradients_claims}


@pytest.mark.parametrize("demo", [pytest.param(demo, marks=pytest.mark.needs_dot) if demo in DRAWS_GRAPHS else demo
                                  for demo in DEMOS])
def test_demo_quick_run_writes_its_files(demo, tmp_path):
    out = tmp_path / "pictures"
    stdout = run(demo, "--quick", "--out", str(out))
    expected = DEMOS[demo]
    assert sorted(p.name for p in out.iterdir()) == sorted(expected), "unexpected or missing files (temp files left?)"
    for name, labels in expected.items():
        assert f"wrote {out / name}" in stdout.splitlines(), f"{demo}.py does not say it wrote {name}"
        if name.endswith(".png"):
            check_png(out / name)
        else:
            check_svg(out / name, labels)
    check_numbers(stdout)
    CLAIMS.get(demo, lambda _: None)(stdout)


def test_without_graphviz_main_still_writes_its_plots_and_says_how_to_get_the_graph(tmp_path):
    nothing = tmp_path / "empty"  # PATH: a folder with no `dot` in it (the demo runs with sys.executable)
    nothing.mkdir()
    out = tmp_path / "pictures"
    stdout = run("main", "--quick", "--out", str(out), path=str(nothing))
    assert sorted(p.name for p in out.iterdir()) == ["moons_boundary.png", "moons_training.png"]
    for name in ("moons_boundary.png", "moons_training.png"):
        check_png(out / name)
        assert f"wrote {out / name}" in stdout.splitlines()
    assert f"not written: {out / 'moons_neuron.svg'} (a graph: it needs Graphviz's `dot` program, which is not on " \
           "PATH)" in stdout.splitlines()
    assert "to get the graph, install Graphviz (`apt-get install graphviz`" in stdout


@pytest.mark.needs_dot
def test_default_output_folder_is_out_in_the_current_directory(tmp_path):
    stdout = run("chain_rule", cwd=tmp_path)
    assert (tmp_path / "out" / "chain_rule_graph.svg").is_file()
    assert "wrote out/chain_rule_graph.svg" in stdout.splitlines()


def test_main_full_run_reaches_100_percent(tmp_path):
    """The README's first command, in full (about 15 s): it must keep its promise."""
    stdout = run("main", "--out", str(tmp_path), timeout=180)
    assert "training accuracy 100%" in stdout
    assert re.search(r"first 100% training accuracy in epoch \d+", stdout)


def test_digits_full_run_reaches_96_percent_on_the_test_digits(tmp_path):
    """The real-data demo in full, compiled (about 10 s): at least 96% of the held-out digits right, and the
    program it prints is the matrix form (one matmul per layer)."""
    stdout = run("digits", "--out", str(tmp_path), timeout=300)
    accuracy = float(re.search(r"test accuracy: ([\d.]+)%", stdout).group(1))
    assert accuracy >= 96.0, stdout
    assert "Z1 = X.dot(W1.T) + b1" in stdout and "Z2 = A1.dot(W2.T) + b2" in stdout
    assert re.search(r"compiled: [\d.]+ s for 40 epochs .*x eager batch mode\)", stdout)


def test_digits_reads_the_same_images_as_scikit_learn():
    """The demo reads scikit-learn's bundled file itself (importing scikit-learn is slow): the same data."""
    datasets = pytest.importorskip("sklearn.datasets")
    spec = importlib.util.spec_from_file_location("digits_demo", ROOT / "demos" / "digits.py")
    assert spec is not None and spec.loader is not None
    sys.path.insert(0, str(ROOT / "demos"))
    try:
        demo = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(demo)
    finally:
        sys.path.remove(str(ROOT / "demos"))
    X, y = demo.load_digits()
    reference = datasets.load_digits()
    assert np.array_equal(X, reference.data) and np.array_equal(y, reference.target)

