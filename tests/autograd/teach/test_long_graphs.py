"""explain and tape on huge graphs: linear time, bounded text, exact numbers; and a clear TypeError for a
non-Value given to explain, tape or the Stepper."""

from __future__ import annotations

import math

import pytest

from autograd import Stepper, Value, explain, tape
from autograd.teach.explain import SHOWN_FACTORS, product_text


def chain(ops: int) -> tuple[Value, Value]:
    """x -> +0.1 -> *0.99999 -> +0.1 -> ...: one path of `ops` edges (and 2 * ops + 1 nodes, with the constants)."""
    x = Value(0.3, label="x")
    v = x
    for k in range(ops):
        v = v + 0.1 if k % 2 == 0 else v * 0.99999
    return x, v


def test_a_long_product_shows_its_ends_and_how_many_factors_are_left_out():
    assert product_text(["a", "b", "c"]) == "a * b * c"
    factors = [f"f{k}" for k in range(100)]
    text = product_text(factors)
    assert text.startswith("f0 * f1 * f2 * f3 * ... (92 more factors) ... * f96")
    assert text.endswith("f99") and text.count("*") == 2 * SHOWN_FACTORS
    assert product_text([0.5] * 10, lambda f: f"<{f}>").count("<0.5>") == 2 * SHOWN_FACTORS


def test_a_short_chain_is_still_written_in_full():
    x, y = chain(6)
    text = str(explain(y, x))
    assert "more factors" not in text and text.count(" * ") == 2 * 5  # 6 factors, in symbols and numbers


def test_a_64k_op_chain_explains_in_bounded_text_with_the_exact_total():
    x, y = chain(64_000)
    ex = explain(y, x)
    text = str(ex)
    assert len(text.encode()) < 10_000  # was 1.7 MB (and ~69 s): every factor printed
    assert "(63,992 more factors)" in text and "... and more" in text
    assert ex.count == 1 and len(ex.paths[0].factors) == 64_000
    y.backward()
    assert ex.total == x.grad == math.prod(ex.paths[0].factors)  # exact, not approximately
    assert text.splitlines()[1].endswith(f"= {ex.total:.6g}")


def test_a_200k_node_chain_explains_and_tapes():
    x, y = chain(100_000)  # 200,001 nodes
    ex = explain(y, x)
    y.backward()
    assert ex.total == x.grad and len(str(ex).encode()) < 10_000
    listing = str(tape(y))
    assert len(listing.encode()) < 50_000 and "more equations" in listing
    lines = listing.splitlines()
    assert lines[0].startswith("x = leaf") and lines[-1].endswith("(output)") and len(lines) == 401


def test_tape_limit_lists_the_ends_and_none_lists_everything():
    x, y = chain(10)
    full = str(tape(y, limit=None)).splitlines()
    assert len(full) == 11 and str(tape(y)).splitlines() == full  # small graphs are unchanged
    short = str(tape(y, limit=4)).splitlines()
    assert short[:2] == [line.rstrip() for line in full[:2]] or short[0].split() == full[0].split()
    assert "... (7 more equations; tape(root, limit=None) lists them all) ..." in short
    assert short[-1].split() == full[-1].split() and len(short) == 5
    with pytest.raises(ValueError, match="limit must be at least 2"):
        tape(y, limit=1)


@pytest.mark.parametrize("bad", [1.0, None, "loss", [Value(1.0)], 3])
def test_a_non_value_is_a_type_error_naming_the_function_and_the_value(bad):
    x = Value(2.0, label="x")
    y = x * x
    for call, function, argument in [(lambda: explain(bad, x), "explain", "root"),
                                     (lambda: explain(y, bad), "explain", "wrt"),
                                     (lambda: tape(bad), "tape", "root"),
                                     (lambda: Stepper(bad), "Stepper", "root")]:
        with pytest.raises(TypeError) as error:
            call()
        message = str(error.value)
        assert message.startswith(f"{function}: {argument} must be a Value")
        assert f"got {type(bad).__name__} {bad!r}"[:60] in message and "pass a Value" in message
