"""Value: construction, micrograd compatibility, operators with numbers on either side, methods."""

from __future__ import annotations

import math
import operator
from fractions import Fraction

import numpy as np
import pytest

from autograd import OPS, Value, detect_anomaly, gradients

# --- construction -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "expected"), [
    (3, 3.0), (-2.5, -2.5), (True, 1.0), (False, 0.0), (Fraction(1, 4), 0.25),
    (np.float32(1.5), 1.5), (np.float64(-0.25), -0.25), (np.int64(7), 7.0), (np.int8(-3), -3.0),
    (np.bool_(True), 1.0), (np.array(2.5), 2.5), (np.array(4), 4.0), (np.array(True), 1.0),
])
def test_construction_from_real_numbers_gives_float_data(data, expected):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == expected
    assert v.grad == 0.0
    assert v.label == ""
    assert v._prev == ()
    assert v._op == ""
    assert v.requires_grad


@pytest.mark.parametrize(("data", "type_name"), [
    ("1.0", "str"), (None, "NoneType"), ([1.0], "list"), (complex(1, 2), "complex"),
    (np.array([1 + 2j]), "complex128"), (np.array(1 + 2j), "ndarray"), ({1.0}, "set"),  # 1-D float: a Batch
])
def test_construction_rejects_non_real_numbers_naming_the_type(data, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(data)


def test_label_is_kept_and_must_be_a_str():
    assert Value(1.0, label="a").label == "a"
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_micrograd_constructor_links_inputs_and_backpropagates():
    a, b = Value(2.0), Value(-3.0)
    out = Value(a.data * b.data, _children=(a, b), _op="*")
    assert out._prev == (a, b)
    assert out._op == "*"
    out.backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)

    c = Value(a.data + b.data, (a, b), "+")
    assert c._prev == (a, b) and c._op == "+"


@pytest.mark.parametrize("name", list(OPS))
def test_micrograd_constructor_accepts_every_op_by_symbol_and_name(name):
    op = OPS[name]
    inputs = (Value(0.5), Value(2.0))[: op.arity]
    for spelling in (str(op), op.name):
        out = Value(1.0, _children=inputs, _op=spelling)
        assert out._op is op
        assert out._prev == inputs


def test_micrograd_constructor_lifts_number_children_to_constants():
    a = Value(2.0)
    out = Value(6.0, (a, 3.0), "*")
    assert out._prev[0] is a
    assert out._prev[1].data == 3.0 and not out._prev[1].requires_grad
    out.backward()
    assert a.grad == 3.0


# --- micrograd attributes ----------------------------------------------------------------------


def test_prev_lists_inputs_in_order_with_repeats():
    a, b = Value(2.0), Value(5.0)
    assert (a * a)._prev == (a, a)
    assert (a - b)._prev == (a, b)
    assert (b - a)._prev == (b, a)
    assert (a / b)._prev == (a, b)
    assert (a ** b)._prev == (a, b)
    assert a.exp()._prev == (a,)
    rsub = 2.0 - a
    assert rsub._prev[1] is a and rsub._prev[0].data == 2.0


def test_op_behaves_as_a_str_like_micrograds():
    a, b = Value(2.0), Value(3.0)
    out = a * b
    assert a._op == "" and not a._op
    assert out._op == "*"
    assert isinstance(out._op, str)
    assert "id" + out._op == "id*"
    assert f"{out._op}" == "*"
    assert str(out._op) == "*"
    assert (a + b)._op == "+"
    assert a.relu()._op == "ReLU"
    assert a.tanh()._op == "tanh"
    assert a.exp()._op == "exp"


def test_repr_shows_data_grad_label_and_op():
    a = Value(2.0, label="a")
    text = repr(a)
    assert "2.0" in text and "grad" in text and "'a'" in text
    b = a * 3.0
    b.label = "b"
    b.backward()
    text = repr(b)
    assert "6.0" in text and "1.0" in text and "'b'" in text
    assert "mul" in text or "'*'" in text


def test_item_returns_the_float():
    v = Value(np.float32(2.5))
    assert v.item() == 2.5
    assert type(v.item()) is float


# --- operators ---------------------------------------------------------------------------------

BINARY = [
    (operator.add, lambda a, b: (1.0, 1.0)),
    (operator.sub, lambda a, b: (1.0, -1.0)),
    (operator.mul, lambda a, b: (b, a)),
    (operator.truediv, lambda a, b: (1 / b, -a / b**2)),
    (operator.pow, lambda a, b: (b * a ** (b - 1), a**b * math.log(a))),
]
NUMBERS = [3, 2.5, True, np.float64(2.5), np.float32(1.5), np.int64(3), np.array(2.0), Fraction(3, 2)]


@pytest.mark.parametrize(("op", "derivative"), BINARY, ids=lambda x: getattr(x, "__name__", ""))
def test_binary_operators_between_values(op, derivative):
    x, y = 1.5, 2.5
    a, b = Value(x), Value(y)
    out = op(a, b)
    assert isinstance(out, Value)
    assert out.data == pytest.approx(op(x, y), rel=1e-15)
    out.backward()
    assert (a.grad, b.grad) == pytest.approx(derivative(x, y), rel=1e-12)


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: type(n).__name__)
@pytest.mark.parametrize(("op", "derivative"), BINARY, ids=lambda x: getattr(x, "__name__", ""))
def test_binary_operators_with_a_number_on_either_side(op, derivative, number):
    x, n = 1.5, float(number)
    a = Value(x)
    right = op(a, number)
    assert type(right) is Value
    assert right.data == pytest.approx(op(x, n), rel=1e-15)
    right.backward()
    assert a.grad == pytest.approx(derivative(x, n)[0], rel=1e-12)

    b = Value(x)
    left = op(number, b)
    assert type(left) is Value, f"{type(number).__name__} {op.__name__} Value gave {type(left).__name__}"
    assert left.data == pytest.approx(op(n, x), rel=1e-15)
    left.backward()
    assert b.grad == pytest.approx(derivative(n, x)[1], rel=1e-12)


def test_numpy_scalars_on_the_left_give_values_not_arrays():
    v = Value(3.0)
    for out, expected in [(np.float64(2.0) * v, 6.0), (np.float32(2.0) + v, 5.0), (np.int64(1) - v, -2.0),
                          (np.float64(6.0) / v, 2.0), (np.float64(2.0) ** v, 8.0), (np.array(2.0) * v, 6.0)]:
        assert type(out) is Value
        assert out.data == expected


def test_number_to_a_value_power():
    v = Value(3.0)
    out = 2**v
    assert out.data == 8.0
    out.backward()
    assert v.grad == pytest.approx(8.0 * math.log(2.0))


def test_value_to_a_value_power():
    v, w = Value(2.0), Value(3.0)
    out = v**w
    assert out.data == 8.0
    out.backward()
    assert v.grad == pytest.approx(12.0)
    assert w.grad == pytest.approx(8.0 * math.log(2.0))


def test_unary_operators():
    v = Value(-2.0)
    assert (-v).data == 2.0
    assert abs(v).data == 2.0
    assert (+v).data == -2.0
    out = -v + abs(v) + (+v)
    out.backward()
    assert v.grad == -1.0 - 1.0 + 1.0


def test_augmented_assignment_builds_a_new_node():
    a = Value(1.0)
    c = a
    c += 2
    c *= a
    assert c is not a and c.data == 3.0
    c.backward()
    assert a.grad == 4.0  # d/da (a + 2) * a = 2a + 2


@pytest.mark.parametrize(("name", "x", "expected", "derivative"), [
    ("exp", 1.0, math.e, math.e),
    ("log", 2.0, math.log(2.0), 0.5),
    ("sqrt", 4.0, 2.0, 0.25),
    ("tanh", 0.5, math.tanh(0.5), 1 - math.tanh(0.5) ** 2),
    ("sigmoid", 0.0, 0.5, 0.25),
    ("relu", -1.0, 0.0, 0.0),
    ("relu", 2.0, 2.0, 1.0),
    ("leaky_relu", -2.0, -0.02, 0.01),  # default slope 0.01
    ("leaky_relu", 2.0, 2.0, 1.0),
    ("softplus", 0.0, math.log(2.0), 0.5),
    ("sin", 1.0, math.sin(1.0), math.cos(1.0)),
    ("cos", 1.0, math.cos(1.0), -math.sin(1.0)),
])
def test_methods(name, x, expected, derivative):
    v = Value(x)
    out = getattr(v, name)()
    assert type(out) is Value
    assert out.data == pytest.approx(expected, rel=1e-15)
    out.backward()
    assert v.grad == pytest.approx(derivative, rel=1e-12)


def test_leaky_relu_with_a_value_slope_learns_the_slope():
    x, slope = Value(-2.0), Value(0.1)
    out = x.leaky_relu(slope)
    assert out.data == pytest.approx(-0.2)
    out.backward()
    assert x.grad == pytest.approx(0.1)
    assert slope.grad == pytest.approx(-2.0)


UNSUPPORTED = {
    "v + str": lambda v: v + "a", "str + v": lambda v: "a" + v, "v * list": lambda v: v * [1],
    "list * v": lambda v: [1] * v, "v + None": lambda v: v + None, "v - complex": lambda v: v - complex(1, 1),
    "v / dict": lambda v: v / {}, "v ** str": lambda v: v ** "2", "v + 1-D array": lambda v: v + np.array([1.0, 2.0]),
    "v.leaky_relu(str)": lambda v: v.leaky_relu("0.1"), "v.leaky_relu(None)": lambda v: v.leaky_relu(None),
}


@pytest.mark.parametrize("expression", list(UNSUPPORTED.values()), ids=list(UNSUPPORTED))
def test_unsupported_operand_types_raise_type_error(expression):
    with pytest.raises(TypeError):
        expression(Value(2.0))


# --- constants, detach, requires_grad ---------------------------------------------------------


def test_numbers_in_expressions_become_constants_without_grad():
    x = Value(2.0)
    out = x * 3.0 + 1.0
    const = out._prev[0]._prev[1]
    assert const.data == 3.0 and not const.requires_grad
    out.backward()
    assert x.grad == 3.0
    assert const.grad == 0.0
    assert out._prev[1].grad == 0.0


def test_operations_on_constants_only_give_constants():
    c = Value(2.0, requires_grad=False)
    out = (c * 3.0).exp() + c
    assert not out.requires_grad
    assert out._prev == ()
    out.backward()
    assert c.grad == 0.0


def test_detach_gives_a_constant_with_the_same_data():
    x = Value(3.0, label="x")
    d = x.detach()
    assert d.data == 3.0 and d is not x
    assert not d.requires_grad and d._prev == ()
    out = x * x.detach()
    out.backward()
    assert x.grad == 3.0  # the detached factor is a constant
    assert d.grad == 0.0


def test_requires_grad_on_a_leaf():
    x, w = Value(2.0), Value(5.0)
    assert x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    (x * w).backward()
    assert x.grad == 0.0
    assert w.grad == 2.0
    x.requires_grad = True
    (x * w).backward()
    assert x.grad == 5.0
    assert not Value(1.0, requires_grad=False).requires_grad


def test_requires_grad_cannot_be_set_on_a_computed_node():
    y = Value(2.0) * 3.0
    assert y.requires_grad
    with pytest.raises(ValueError):
        y.requires_grad = False
    assert y.requires_grad


USES = {"exp": Value.exp, "tanh": Value.tanh, "neg": operator.neg, "mul": lambda x: x * 3.0, "add": lambda x: x + 1.0}


@pytest.mark.parametrize("use", list(USES.values()), ids=list(USES))
def test_a_leaf_made_constant_after_use_gets_no_grad_on_any_path(use):
    """The fast backward, the checked (detect_anomaly) backward and gradients() must agree."""
    results = []
    for path in ("backward", "anomaly", "gradients"):
        x = Value(0.5)
        out = use(x)
        x.requires_grad = False
        if path == "gradients":
            results.append(gradients(out, [x])[0])
            continue
        if path == "anomaly":
            with detect_anomaly():
                out.backward()
        else:
            out.backward()
        results.append(x.grad)
    assert results == [0.0, 0.0, 0.0], f"(backward, detect_anomaly backward, gradients) gave {results}"


# --- messages that name the op, the value and what to do --------------------------------------------


@pytest.mark.parametrize("make, error, message", [
    (lambda: np.array([1.0, 2.0]) + Value(1.0), TypeError, r"add: a Value cannot be combined with a numpy array "
                                                            r"of shape \(2,\): make it a batch, Value\(array\)"),
    (lambda: Value(1.0) * np.array([1.0, 2.0]), TypeError, r"mul: .*numpy array of shape \(2,\)"),
    (lambda: Value(1.0) + np.complex128(1), TypeError, r"add: .*complex number.*real numbers"),
    (lambda: Value(1.0) * 1j, TypeError, r"mul: .*complex number 1j"),
    (lambda: Value(np.array([1.0])) + np.array([1j]), TypeError, r"add: a batch takes real numbers, got a complex"),
    (lambda: Value(10**400), OverflowError, r"Value: 100000000000\.\.\.\(401 digits\) is too large for a float"),
    (lambda: Value(2.0) ** 10**400, OverflowError, r"pow: .*too large for a float"),
])
def test_bad_operands_get_a_message_naming_the_op_and_what_to_do(make, error, message):
    with pytest.raises(error, match=message):
        make()
