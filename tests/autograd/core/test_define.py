"""define_op: a user's op gets everything the built-in ops get, and a bad declaration fails when it is made."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from autograd_cases import POINTS, apply

import autograd
from autograd import GradcheckError, OpDefinitionError, Stepper, Value, define_op, explain, grad, gradcheck
from autograd.core import OPS, local_derivatives
from autograd.core.node import apply as apply_op

_ids = itertools.count()


def fresh(stem: str) -> str:
    """A name no other test has used (the op table is process-wide)."""
    return f"{stem}_{next(_ids)}"


def test_a_user_op_gets_a_method_backward_and_higher_orders():
    cube = fresh("cube")
    op = define_op(cube, value="a ** 3", derivatives=("3.0 * a * a",), notation=("3 * a**2",))
    assert OPS[cube] is op and op.arity == 1
    x = Value(2.0, label="x")
    y = getattr(x, cube)()
    assert y.data == 8.0 and y.op is op and y.inputs == (x,)
    y.backward()
    assert x.grad == 12.0
    assert grad(lambda v: getattr(v, cube)())(2.0) == 12.0
    assert grad(grad(lambda v: getattr(v, cube)()))(2.0) == 12.0  # 6x
    assert grad(grad(grad(lambda v: getattr(v, cube)())))(2.0) == 6.0
    assert gradcheck(lambda v: getattr(v, cube)(), 0.7, order=2)


def test_a_user_op_runs_in_batch_mode_sample_by_sample():
    cube = fresh("cube")
    define_op(cube, value="a ** 3", derivatives=("3.0 * a * a",))
    xs = np.array([-1.5, 0.5, 2.0])
    batch = Value(xs)
    w = Value(0.5)
    out = (getattr(batch * w, cube)()).sum()
    out.backward()
    expected = [getattr(Value(x) * 0.5, cube)().data for x in xs]
    assert out.data == pytest.approx(sum(expected), rel=1e-15)
    assert w.grad == pytest.approx(sum(3 * (x * 0.5) ** 2 * x for x in xs), rel=1e-14)
    assert batch.grad == pytest.approx(3 * (xs * 0.5) ** 2 * 0.5, rel=1e-14)


def test_a_binary_user_op_keeps_its_argument_order():
    """atan2-like ops: x.op(y) is op(x, y), and no reflected method is made under the same name."""
    hypot = fresh("hypot")
    define_op(hypot, value="sqrt(a * a + b * b)", derivatives=("a / out", "b / out"))
    atan_like = fresh("ratio")
    define_op(atan_like, value="div(a, b)", derivatives=("1.0 / b", "-out / b"))
    x, y = Value(3.0), Value(4.0)
    assert getattr(x, hypot)(y).data == 5.0
    r = getattr(x, atan_like)(y)
    assert r.data == 0.75 and r.inputs == (x, y)
    r.backward()
    assert (x.grad, y.grad) == (0.25, -0.75 / 4.0)
    assert getattr(Value(3.0), atan_like)(2.0).data == 1.5  # a number becomes a constant, on the right
    assert not hasattr(Value, "_r" + atan_like)


def test_a_binary_operator_gets_its_reflected_form_in_the_right_order():
    name = fresh("matmul_scalar")
    define_op(name, value="a * b + a", derivatives=("b + 1.0", "a"), symbol="@", method="__matmul__")
    try:
        x = Value(2.0)
        assert (x @ 3.0).data == 8.0  # a * b + a with a = x
        assert (3.0 @ x).data == 9.0  # the reflected form: a = 3, b = x
        out = 3.0 @ x
        out.backward()
        assert x.grad == 3.0
    finally:
        for attribute in ("__matmul__", "__rmatmul__"):
            delattr(autograd.core.Node, attribute)  # leave the class as other tests expect it


def test_the_stepper_and_explain_show_a_user_op_in_its_notation():
    cube = fresh("cube")
    define_op(cube, value="a ** 3", derivatives=("3.0 * a * a",), notation=("3 * a**2",))
    x = Value(2.0, label="x")
    y = getattr(x, cube)()
    y.label = "y"
    step = str(Stepper(y).step())
    assert f"y = {cube}(x)" in step and "3 * x.data**2" in step and "12.0" in step
    assert "12.0" in str(explain(y, x))


def test_help_shows_the_value_and_derivatives_in_textbook_form():
    cube = fresh("cube")
    define_op(cube, value="a ** 3", derivatives=("3.0 * a * a",), notation=("3 * a**2",))
    doc = getattr(Value, cube).__doc__
    assert f"{cube}(a) = a ** 3" in doc and "d/da = 3 * a**2" in doc and "computed as 3.0 * a * a" in doc


def test_a_wrong_derivative_is_caught_by_gradcheck():
    """The README's exercise: declare x**3 with the derivative 3x, and let gradcheck find the mistake."""
    wrong = fresh("cube_wrong")
    define_op(wrong, value="a ** 3", derivatives=("3.0 * a",))
    with pytest.raises(GradcheckError, match="mismatch"):
        gradcheck(lambda v: getattr(v, wrong)(), 1.5)


def test_a_derivative_that_raises_is_reported_as_that_ops_error():
    inverse = fresh("inverse")
    define_op(inverse, value="div(1.0, a)", derivatives=("div(-1.0, a * a)",))
    with pytest.raises(ZeroDivisionError, match=rf"{inverse}\(1e-200\) its derivative: division by zero"):
        getattr(Value(1e-200), inverse)()
    with pytest.raises(ZeroDivisionError, match=rf"{inverse}\(0.0\): division by zero"):
        getattr(Value(0.0), inverse)()


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="no good", value="a", derivatives=("1.0",)), "must be an identifier"),
    (dict(name="tanh", value="a", derivatives=("1.0",)), "exists already"),
    (dict(name="{}", value="a", derivatives=()), "one derivative per input"),
    (dict(name="{}", value="a + b + c", derivatives=("1.0", "1.0", "1.0")), "one derivative per input"),
    (dict(name="{}", value="a * b", derivatives=("b",)), "'b', which is not an input"),
    (dict(name="{}", value="erf(a)", derivatives=("1.0",)), "'erf'.*FloatMath, ArrayMath, ValueMath"),
    (dict(name="{}", value="a", derivatives=("out * gamma(a)",)), "'gamma'"),
    (dict(name="{}", value="math.exp(a)", derivatives=("out",)), r"uses 'math.exp\(a\)'"),
    (dict(name="{}", value="a", derivatives=("'1'",)), "only numbers"),
    (dict(name="{}", value="a +", derivatives=("1.0",)), "not a Python expression"),
    (dict(name="{}", value="a", derivatives=(1.0,)), "written as a str"),
    (dict(name="{}", value="a", derivatives=("1.0",), method="backward"), "Value.backward exists already"),
    (dict(name="{}", value="a + b", derivatives=("1.0", "1.0"), method="__add__"), "__add__ exists already"),
    (dict(name="{}", value="a", derivatives=("1.0",), notation=("1", "2")), "one entry per derivative"),
])
def test_a_bad_declaration_fails_when_it_is_made(kwargs, message):
    kwargs = dict(kwargs, name=kwargs["name"].format(fresh("bad")))
    before = dict(OPS)
    with pytest.raises(OpDefinitionError, match=message):
        define_op(**kwargs)
    assert OPS == before  # nothing half-applied


@pytest.mark.parametrize("name", [op.name for op in OPS.values()])
def test_generated_methods_equal_the_generic_apply_bit_for_bit(name):
    """Value's generated operators are `apply` with the rules inlined: same value, same local derivatives."""
    for sample in POINTS[name]:
        fast = apply(name, *[Value(x) for x in sample.args])
        slow = apply_op(OPS[name], *[Value(x) for x in sample.args])
        assert fast.data == slow.data or math.isnan(fast.data) and math.isnan(slow.data)
        assert [d for _, d in local_derivatives(fast)] == [d for _, d in local_derivatives(slow)]
        batch_fast = apply(name, *[Value(np.array([x, x])) for x in sample.args])
        batch_slow = apply_op(OPS[name], *[Value(np.array([x, x])) for x in sample.args])
        assert np.array_equal(np.asarray(batch_fast.data), np.asarray(batch_slow.data))
        for (_, d_fast), (_, d_slow) in zip(local_derivatives(batch_fast), local_derivatives(batch_slow)):
            assert np.array_equal(_entries(d_fast), _entries(d_slow), equal_nan=True)


def _entries(d):
    """A batch node's stored local derivative as an array (a scalar input's is wrapped to be summed)."""
    return np.broadcast_to(np.asarray(getattr(d, "d", d), dtype=float), (2,))
