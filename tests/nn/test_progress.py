"""fit's progress bar: the text bar outside Jupyter and in a kernel without ipywidgets (where tqdm.auto warns
"IProgress not found"), the widget bar in a kernel with ipywidgets. The kernel and the missing or present
ipywidgets are simulated in a fresh interpreter, since tqdm decides when it is first imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tqdm.std import tqdm as text_bar

from nn import progress

ROOT = Path(__file__).resolve().parents[2]

KERNEL = """
import sys, types, warnings
sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")  # what tqdm looks for
ipython = types.ModuleType("IPython")
ipython.get_ipython = lambda: type("ZMQInteractiveShell", (), {"config": {"IPKernelApp": {}}})()
sys.modules["IPython"] = ipython
warnings.simplefilter("always")
"""
NO_WIDGETS = 'sys.modules["ipywidgets"] = None  # `import ipywidgets` raises ImportError, as when not installed\n'
WIDGETS = """
widgets = types.ModuleType("ipywidgets")
widgets.HTML, widgets.FloatProgress, widgets.HBox = (type(name, (), {}) for name in ("HTML", "FloatProgress", "HBox"))
sys.modules["ipywidgets"] = widgets
"""


def python(code: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_the_simulated_kernel_without_ipywidgets_makes_tqdm_auto_warn():
    """The simulation is faithful: there, `from tqdm.auto import tqdm` (what nn used to do) warns."""
    result = python(KERNEL + NO_WIDGETS + "import tqdm.auto\n")
    assert "TqdmWarning: IProgress not found" in result.stderr


def test_import_nn_and_fit_do_not_warn_in_a_kernel_without_ipywidgets():
    result = python(KERNEL + NO_WIDGETS + """
with warnings.catch_warnings(record=True) as caught:
    import nn
    from nn.data import make_moons
    from tqdm.std import tqdm
    assert nn.progress.bar_class() is tqdm
    X, y = make_moons(20, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    nn.fit(model, X, y * 2 - 1, loss="hinge", optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=3)
print([f"{w.category.__name__}: {w.message}" for w in caught if "tqdm" in w.category.__name__.lower()])
""")
    assert result.stdout.strip() == "[]"
    assert "IProgress" not in result.stderr
    assert "fit: 100%" in result.stderr and "3/3" in result.stderr  # the text bar, on stderr


def test_a_kernel_with_ipywidgets_gets_the_widget_bar():
    result = python(KERNEL + WIDGETS + """
import nn, tqdm.notebook
print(issubclass(nn.progress.bar_class(), tqdm.notebook.tqdm))
""")
    assert result.stdout.strip() == "True"
    assert "IProgress" not in result.stderr


def test_outside_jupyter_the_text_bar(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel.zmqshell", raising=False)
    monkeypatch.delitem(sys.modules, "IPython.utils._process_emscripten", raising=False)
    assert not progress.in_notebook()
    assert progress.bar_class() is text_bar
    bar = progress.progress_bar(range(3), disable=True)
    assert isinstance(bar, text_bar) and list(bar) == [0, 1, 2]


def test_in_a_kernel_without_widgets_the_text_bar(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", type(sys)("ipykernel.zmqshell"))
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    assert progress.in_notebook() and not progress.has_widgets()
    assert progress.bar_class() is text_bar
