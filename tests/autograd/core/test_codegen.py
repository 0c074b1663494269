"""The generated operators are real source, up to date with the op table, and say what they compute."""

from __future__ import annotations

import inspect
import pydoc
import traceback

import pytest

from autograd import Batch, Value
from autograd.core import codegen


def test_the_generated_modules_are_up_to_date_with_the_table():
    """Fails after an edit to the op table or the templates: run `python -m autograd.core.codegen`."""
    stale = [path.name for path, text in codegen.outputs().items() if path.read_text() != text]
    assert not stale, f"{stale} are stale: run `uv run python -m autograd.core.codegen`"
    assert codegen.main(["--check"]) == 0


def test_operators_have_source_a_learner_can_open():
    source = inspect.getsource(Value.__mul__)
    assert source.lstrip().startswith("def __mul__(self, other: Value | Scalar) -> Value:")
    assert "out = a * b" in source and "node._da = b" in source and "node._db = a" in source
    assert inspect.getsourcefile(Value.__mul__).endswith("autograd/core/value.py")
    assert "out = tanh(a)" in inspect.getsource(Value.tanh)
    assert inspect.getsourcefile(Batch.__add__).endswith("autograd/core/batch.py")


def test_an_op_error_points_at_a_real_file_and_line():
    with pytest.raises(ValueError) as info:
        Value(-1.0, label="x").log()
    assert str(info.value) == "log(x = -1.0): log is defined for inputs > 0, got -1.0"
    frames = traceback.extract_tb(info.tb)
    assert any(f.filename.endswith("autograd/core/value.py") and "op_error(LOG" in f.line for f in frames)
    assert all(not f.filename.startswith("<") for f in frames)


@pytest.mark.parametrize("method, expected", [
    (Value.tanh, ["tanh(a) = tanh(a)", "d/da = 1 - tanh(a)**2", "computed as sech2(a)"]),
    (Value.__mul__, ["mul(a, b) = a * b", "d/da = b", "d/db = a"]),
    (Value.__truediv__, ["d/da = 1 / b", "d/db = -a / b**2", "computed as -ratio2(a, b, out)"]),
    (Batch.sigmoid, ["sigmoid(a) = sigmoid(a)", "d/da = sigmoid(a) * (1 - sigmoid(a))"]),
])
def test_help_says_what_each_op_computes_and_its_derivative(method, expected):
    text = pydoc.render_doc(method, renderer=pydoc.plaintext)
    for line in expected:
        assert line in text
