"""fit's progress bar: tqdm's widget bar in a Jupyter kernel that has ipywidgets, its text bar anywhere else.

tqdm.auto makes the same choice, but decides when it is imported and, in a kernel without ipywidgets,
warns "IProgress not found" (a TqdmWarning) before falling back to the text bar: `import nn` would print
that warning in every such notebook. Here the choice is made when a bar is made, and a missing ipywidgets
simply means the text bar, which Jupyter shows well enough. tqdm.notebook is imported only once it is
known to work (it imports ipywidgets, which is slow), so it is loaded with importlib, not at the top.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from typing import Any

from tqdm.std import tqdm as text_bar


def in_notebook() -> bool:
    """Whether this is a Jupyter kernel (or JupyterLite), by tqdm.autonotebook's own test."""
    return "ipykernel.zmqshell" in sys.modules or "IPython.utils._process_emscripten" in sys.modules


def has_widgets() -> bool:
    """Whether ipywidgets imports (tqdm's widget bar is made of its FloatProgress and HBox)."""
    try:
        importlib.import_module("ipywidgets")
    except ImportError:
        return False
    return True


def bar_class() -> type[text_bar]:
    """tqdm.auto's class where widgets can be drawn (it also tells a Qt console or Spyder, which have no
    widgets, from a notebook), else tqdm's text bar."""
    if in_notebook() and has_widgets():
        return importlib.import_module("tqdm.auto").tqdm
    return text_bar


def progress_bar(iterable: Iterable[Any], **options: Any) -> text_bar:
    """A tqdm bar over `iterable` (tqdm's keyword options), of the class `bar_class()` chooses now."""
    return bar_class()(iterable, **options)
