"""gradcheck, detect_anomaly, and the errors bad input gets (type, op name, value, label)."""

from __future__ import annotations

import math

import pytest

from autograd import AnomalyError, GradcheckError, Value, detect_anomaly, grad, gradcheck

# --- gradcheck -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("f", "args"), [
    (lambda x: x * x * x, (1.5,)),
    (lambda x: x.tanh() * x.exp(), (0.3,)),
    (lambda x, y: x * y.exp() + (x / y).sin(), (0.5, -0.3)),
    (lambda x, y, z: (x * y + z).sigmoid() * x.sqrt() + y**z, (2.0, 1.5, 0.5)),
    (lambda x, y: x.leaky_relu(y) + y.softplus(), (-1.0, 0.2)),
    (lambda x: x.relu() * x, (0.8,)),
])
@pytest.mark.parametrize("order", [1, 2])
def test_gradcheck_passes_on_correct_functions(f, args, order):
    assert gradcheck(f, *args, order=order) is True


@pytest.mark.parametrize(("f", "x"), [
    (lambda x: x.relu(), 0.0),  # analytic 0 (the subgradient), numeric 0.5
    (lambda x: x * x.detach(), 1.5),  # analytic x, numeric 2x
    (lambda x: (x * 2.0).detach() + x, 1.0),  # analytic 1, numeric 3
], ids=["relu at 0", "detach", "detached term"])
def test_gradcheck_reports_wrong_gradients_as_a_table(f, x):
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, x)
    message = str(info.value)
    for word in ("analytic", "numeric", "difference", "mismatch"):
        assert word in message
    assert "d/d" in message


def test_gradcheck_table_marks_only_the_wrong_entries():
    def f(x, y):
        return x * y + y * y.detach()

    with pytest.raises(GradcheckError) as info:
        gradcheck(f, 1.0, 2.0)
    rows = [line for line in str(info.value).splitlines() if line.strip().startswith("d/d")]
    assert len(rows) == 2
    assert "mismatch" not in rows[0] and "d/dx" in rows[0]
    assert "mismatch" in rows[1] and "d/dy" in rows[1]


def test_gradcheck_order_2_catches_a_wrong_second_derivative():
    def f(x):  # value x^2 and gradient 2x, but the gradient's graph is cut: the second derivative is 0
        return x * (2.0 * x.detach()) - x.detach() * x.detach()

    assert gradcheck(f, 1.3, order=1)
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, 1.3, order=2)
    message = str(info.value)
    assert "d2/d" in message and "mismatch" in message
    assert gradcheck(lambda x: x * x, 1.3, order=2)


@pytest.mark.parametrize("order", [0, 3, "2"])
def test_gradcheck_bad_order_raises_value_error(order):
    with pytest.raises(ValueError):
        gradcheck(lambda x: x * x, 1.0, order=order)


@pytest.mark.parametrize("args", [("1.0",), (None,), ([1.0],), (1.0, "b"), ()],
                         ids=["str", "None", "list", "mixed", "none"])
def test_gradcheck_non_number_args_raise_type_error(args):
    with pytest.raises(TypeError):
        gradcheck(lambda *xs: xs[0] * 2, *args)


# --- detect_anomaly --------------------------------------------------------------------------------


def test_anomaly_in_forward_names_the_op_and_the_labelled_input():
    big = Value(1e308, label="big")
    with detect_anomaly():
        with pytest.raises(AnomalyError) as info:
            big * 10
    message = str(info.value)
    assert "mul" in message and "big" in message and "1e+308" in message


def test_anomaly_stops_at_the_first_bad_op():
    x = Value(1e308, label="x")
    with detect_anomaly():
        y = x + 1.0  # finite
        with pytest.raises(AnomalyError) as info:
            (y * 10).exp()
    message = str(info.value)
    assert "mul" in message and "exp" not in message


@pytest.mark.parametrize("make", [
    lambda: Value(math.inf, label="i") - math.inf,
    lambda: Value(math.nan, label="n").tanh(),
    lambda: Value(1e200, label="h") * Value(1e200),
], ids=["inf - inf", "tanh(nan)", "1e200 * 1e200"])
def test_anomaly_catches_nan_and_inf(make):
    with detect_anomaly(), pytest.raises(AnomalyError):
        make()
    make()  # outside detect_anomaly: no error


def test_anomaly_in_backward_names_the_op():
    z = Value(0.0, label="z")
    y = z.sqrt() * 2.0  # forward is finite; d sqrt / dz = inf at 0
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        y.backward()
    assert "sqrt" in str(info.value)
    assert z.grad == 0.0, "a failed checked backward leaves grads alone"


def test_outside_detect_anomaly_the_same_code_does_not_raise():
    assert (Value(1e308, label="big") * 10).data == math.inf
    z = Value(0.0)
    z.sqrt().backward()
    assert z.grad == math.inf


def test_detect_anomaly_as_a_decorator():
    @detect_anomaly()
    def overflow(v):
        return v * 10

    with pytest.raises(AnomalyError):
        overflow(Value(1e308))
    assert (Value(1e308) * 10).data == math.inf, "anomaly mode is off again after the decorated call"


def test_detect_anomaly_does_not_change_results():
    x, y = Value(0.5), Value(-1.5)
    with detect_anomaly():
        out = (x * y).tanh() + (x / y).exp() + x**2.0
        out.backward()
    got = (out.data, x.grad, y.grad)
    x2, y2 = Value(0.5), Value(-1.5)
    out2 = (x2 * y2).tanh() + (x2 / y2).exp() + x2**2.0
    out2.backward()
    assert got == pytest.approx((out2.data, x2.grad, y2.grad), rel=1e-12)


# --- errors for bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "error", "words"), [
    (lambda: Value(-1.0).log(), ValueError, ("log", "-1")),
    (lambda: Value(0.0).log(), ValueError, ("log", "0")),
    (lambda: Value(-1.0).sqrt(), ValueError, ("sqrt", "-1")),
    (lambda: Value(1) / 0, ZeroDivisionError, ("div",)),
    (lambda: Value(1) / Value(0), ZeroDivisionError, ("div",)),
    (lambda: 1.0 / Value(0.0), ZeroDivisionError, ("div",)),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, ("pow",)),
    (lambda: 0.0 ** Value(-1.0), ZeroDivisionError, ("pow",)),
    (lambda: Value(1000.0).exp(), OverflowError, ("exp", "1000")),
    (lambda: Value(710.0).exp(), OverflowError, ("exp", "710")),
    (lambda: Value(-8.0) ** (1 / 3), ValueError, ("pow", "-8")),
    (lambda: (-8.0) ** Value(1 / 3), ValueError, ("pow", "-8")),
], ids=["log(-1)", "log(0)", "sqrt(-1)", "v/0", "v/Value(0)", "1/Value(0)", "0**-1", "0**Value(-1)",
        "exp(1000)", "exp(710)", "(-8)**(1/3)", "(-8)**Value(1/3)"])
def test_domain_errors_name_the_op_and_the_value(make, error, words):
    with pytest.raises(error) as info:
        make()
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize(("x", "make", "error"), [
    (-2.0, lambda v: v.log(), ValueError),
    (-2.0, lambda v: v.sqrt(), ValueError),
    (0.0, lambda v: 1.0 / v, ZeroDivisionError),
    (0.0, lambda v: Value(1.0) / v, ZeroDivisionError),
    (0.0, lambda v: v**-2.0, ZeroDivisionError),
    (800.0, lambda v: v.exp(), OverflowError),
    (-2.0, lambda v: v**0.5, ValueError),
], ids=["log", "sqrt", "rdiv", "div", "pow0", "exp", "pow"])
def test_errors_name_the_input_label(x, make, error):
    with pytest.raises(error, match="weight"):
        make(Value(x, label="weight"))


def test_largest_exp_works():
    assert math.isfinite(Value(709.78).exp().data)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus"])
@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308, 710.0, -710.0])
def test_saturating_functions_are_stable_for_any_finite_input(name, x):
    expected = {
        "tanh": math.copysign(1.0, x),
        "sigmoid": 1.0 if x > 0 else 0.0,
        "softplus": x if x > 0 else 0.0,
    }[name]
    v = Value(x)
    out = getattr(v, name)()
    assert out.data == pytest.approx(expected, rel=1e-15, abs=1e-300)  # sigmoid(-710) = e^-710 is subnormal
    out.backward()
    assert math.isfinite(v.grad)
    assert v.grad == pytest.approx(1.0 if name == "softplus" and x > 0 else 0.0, abs=1e-300)
    second = grad(grad(lambda t: getattr(t, name)()))(x)
    assert math.isfinite(second) and second == pytest.approx(0.0, abs=1e-300)
