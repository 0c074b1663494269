"""docs/notebooks/tour.ipynb, executed by a real kernel (nbconvert's ExecutePreprocessor): every cell runs
and each display is the rich one (a Value's card, tape's table, explain's MathML, the player, a Step's
frame), with its plain text kept beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs nbformat (the dev dependency group: uv sync)")
preprocessors = pytest.importorskip("nbconvert.preprocessors", reason="needs nbconvert (the dev dependency group)")
pytest.importorskip("ipykernel", reason="needs ipykernel, the kernel the notebook runs in (the dev dependency group)")
pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (apt-get install graphviz)")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "tour.ipynb"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict]:
    """Each tagged cell's one result (its data by MIME type), after running the notebook in a temp folder."""
    folder = tmp_path_factory.mktemp("tour")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    preprocessors.ExecutePreprocessor(timeout=120, kernel_name="python3").preprocess(
        notebook, {"metadata": {"path": str(folder)}})
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"cell {cell.source!r} raised {errors[0].ename}: {errors[0].evalue}"
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        (tag,) = cell.metadata["tags"]
        assert len(results) == 1, f"cell {tag!r} shows {len(results)} results"
        found[tag] = results[0].data
    found["folder"] = {"path": str(folder)}
    return found


def test_the_notebook_has_no_stored_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    nbformat.validate(notebook)


def test_values_show_as_cards_with_their_plain_repr_beside(outputs):
    card = outputs["card"]
    assert card["text/plain"] == "Value(data=-8.0, grad=1.0, label='L', op='mul')"
    assert 'class="cr-card"' in card["text/html"] and "= d * f" in card["text/html"]
    assert "a leaf (a variable: it takes a gradient)" in outputs["leaf"]["text/html"]


def test_tape_is_a_table_and_explain_is_typeset(outputs):
    tape = outputs["tape"]
    assert tape["text/plain"].splitlines()[0] == "a = leaf    data=2.0    grad=6.0"
    assert '<table class="cr-tape"' in tape["text/html"] and tape["text/html"].count("<tr") == 8
    explained = outputs["explain"]
    assert explained["text/plain"].startswith("dy/dx: 2 paths from y to x")
    assert explained["text/html"].count("<math") >= 3 and "<mfrac>" in explained["text/html"]


def test_the_stepper_is_a_player_and_a_step_its_frame(outputs):
    player = outputs["player"]["text/html"]
    assert 'class="cr-player"' in player and "<svg" in player and 'class="cr-slider"' in player
    assert "0 of 3 steps applied" in player and outputs["player"]["text/plain"].startswith("Stepper(L)")
    step = outputs["step"]
    assert "cr-still" in step["text/html"] and "1 of 3 steps applied" in step["text/html"]
    assert step["text/plain"].startswith("step 1/3  L = d * f")
    assert "2 of 3 steps applied" in outputs["step2"]["text/html"]
    assert outputs["save"]["text/plain"] == "PosixPath('backward.html')"
    page = Path(outputs["folder"]["path"]) / "backward.html"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
