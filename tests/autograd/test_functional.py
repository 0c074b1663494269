"""grad, value_and_grad, gradients and create_graph: the functional API and higher orders."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, grad, gradients, topological_sort, value_and_grad


def test_grad_of_numbers_returns_a_float():
    g = grad(lambda x: x * x * x)(2.0)
    assert type(g) is float
    assert g == 12.0
    assert grad(lambda x: x * x)(3) == 6.0
    assert grad(lambda x: x * x)(np.float32(1.5)) == 3.0


def test_grad_with_several_argnums_returns_a_tuple():
    def f(x, y, z):
        return x * y + z.exp() * y

    gs = grad(f, argnums=(0, 2))(2.0, 3.0, 0.0)
    assert type(gs) is tuple and len(gs) == 2
    assert all(type(g) is float for g in gs)
    assert gs == pytest.approx((3.0, 3.0))
    assert grad(f, argnums=1)(2.0, 3.0, 0.0) == pytest.approx(3.0)
    assert grad(f, argnums=-1)(2.0, 3.0, 0.0) == pytest.approx(3.0)
    assert grad(f, argnums=[0, 1])(2.0, 3.0, 0.0) == pytest.approx((3.0, 3.0))


def test_value_and_grad():
    value, g = value_and_grad(lambda x: x.sin() * x)(1.0)
    assert type(value) is float and type(g) is float
    assert value == pytest.approx(math.sin(1.0))
    assert g == pytest.approx(math.sin(1.0) + math.cos(1.0))
    value, gs = value_and_grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 5.0)
    assert value == 10.0 and gs == (5.0, 2.0)


def test_arguments_not_differentiated_are_passed_through():
    assert grad(lambda x, n: x**n, argnums=0)(2.0, 3) == pytest.approx(12.0)
    assert grad(lambda x, scale: x * scale)(2.0, 4.0) == 4.0


@pytest.mark.parametrize(("f", "x", "derivatives"), [
    (lambda x: x**4, 2.0, (32.0, 48.0, 48.0)),
    (lambda x: 3 * x**3 - 2 * x + 1, -1.0, (7.0, -18.0, 18.0)),
    (lambda x: x * x * x * x, 0.5, (0.5, 3.0, 12.0)),
    (lambda x: (x * x + 1.0) / x, 2.0, (0.75, 0.25, -0.375)),
    (lambda x: x.exp(), 0.7, (math.exp(0.7),) * 3),
    (lambda x: x.sin(), 0.7, (math.cos(0.7), -math.sin(0.7), -math.cos(0.7))),
    (lambda x: x.cos(), 0.7, (-math.sin(0.7), -math.cos(0.7), math.sin(0.7))),
    (lambda x: x.log(), 0.5, (2.0, -4.0, 16.0)),
    (lambda x: x.sqrt(), 4.0, (0.25, -1 / 32, 3 / 256)),
    (lambda x: x.tanh(), 0.0, (1.0, 0.0, -2.0)),
    (lambda x: x.sigmoid(), 0.0, (0.25, 0.0, -0.125)),
    (lambda x: x.softplus(), 0.0, (0.5, 0.25, 0.0)),
    (lambda x: (2 * x).exp() * x, 0.0, (1.0, 4.0, 12.0)),
    (lambda x: 2.0**x, 1.0, tuple(2 * math.log(2) ** k for k in (1, 2, 3))),
    (lambda x: x**x, 1.0, (1.0, 2.0, 3.0)),
])
def test_higher_derivatives_exact_values(f, x, derivatives):
    first, second, third = grad(f), grad(grad(f)), grad(grad(grad(f)))
    got = (first(x), second(x), third(x))
    assert all(type(g) is float for g in got)
    assert got == pytest.approx(derivatives, rel=1e-12, abs=1e-15)


def test_mixed_partials_by_nesting():
    def f(x, y):
        return x * x * y + (x * y).sin()

    x, y = 0.5, 2.0
    dxdy = grad(grad(f, argnums=0), argnums=1)(x, y)
    dydx = grad(grad(f, argnums=1), argnums=0)(x, y)
    expected = 2 * x + math.cos(x * y) - x * y * math.sin(x * y)
    assert dxdy == pytest.approx(expected, rel=1e-12)
    assert dydx == pytest.approx(expected, rel=1e-12)


def test_grad_called_with_values_returns_values():
    x = Value(3.0)
    g = grad(lambda t: t * t)(x)
    assert isinstance(g, Value)
    assert g.data == 6.0
    g.backward()
    assert x.grad == 2.0


@pytest.mark.parametrize("f", [
    lambda x: Value(3.0), lambda x: Value(2.0) * 5.0, lambda x: x.detach() * 2.0, lambda x: 7.0, lambda x: 3,
    lambda x: np.float64(1.5),
], ids=["fresh Value", "other graph", "detached", "float", "int", "numpy"])
def test_grad_of_a_function_not_depending_on_its_argument_is_zero(f):
    g = grad(f)(1.5)
    assert type(g) is float and g == 0.0
    assert grad(grad(f))(1.5) == 0.0


def test_grad_of_a_constant_function_with_values_is_a_value_zero():
    g = grad(lambda x: 4.0)(Value(1.0))
    assert isinstance(g, Value) and g.data == 0.0


def test_identity_and_projection():
    assert grad(lambda x: x)(5.0) == 1.0
    assert grad(lambda x, y: y, argnums=(0, 1))(1.0, 2.0) == (0.0, 1.0)
    assert grad(grad(lambda x: x))(5.0) == 0.0


@pytest.mark.parametrize("argnums", [1, -2, (0, 1), (0, 5)])
def test_bad_argnums_raise_index_error(argnums):
    with pytest.raises(IndexError):
        grad(lambda x: x * 2, argnums=argnums)(1.0)


@pytest.mark.parametrize("arg", ["1.0", None, [1.0], complex(1, 0), np.array([1, 2])],
                         ids=["str", "None", "list", "complex", "int-array"])  # a 1-D float array is a batch
def test_non_number_argument_raises_type_error(arg):
    with pytest.raises(TypeError):
        grad(lambda x: x * 2)(arg)


def test_function_returning_a_non_number_raises_type_error():
    with pytest.raises(TypeError):
        grad(lambda x: "nope")(1.0)


def test_gradients_does_not_modify_any_grad():
    x, y = Value(1.5), Value(-0.5)
    mid = x * y
    root = mid.tanh() + x.exp() * y
    for v in topological_sort(root):
        v.grad = 7.0
    gx, gy = gradients(root, [x, y])
    assert all(v.grad == 7.0 for v in topological_sort(root))
    root.zero_grad()
    root.backward()
    assert (gx, gy) == pytest.approx((x.grad, y.grad), rel=1e-12)
    assert gradients(root, [mid])[0] == pytest.approx(mid.grad, rel=1e-12)


def test_gradients_of_unrelated_nodes_and_constants_are_zero():
    x, other = Value(2.0), Value(3.0)
    c = Value(4.0, requires_grad=False)
    root = x * c
    assert gradients(root, [other, c, x]) == [0.0, 0.0, 4.0]
    assert gradients(root, [root]) == [1.0]


def test_gradients_with_create_graph_gives_values():
    x = Value(2.0)
    (g,) = gradients(x**3, [x], create_graph=True)
    assert isinstance(g, Value) and g.data == 12.0
    (h,) = gradients(g, [x], create_graph=True)
    assert isinstance(h, Value) and h.data == 12.0
    assert gradients(h, [x]) == [6.0]
    (zero,) = gradients(x * 2.0, [x], create_graph=True)
    assert isinstance(zero, Value)


def test_backward_with_create_graph_gives_grads_to_backpropagate_again():
    x, y = Value(0.5), Value(2.0)
    out = (x * y).sin() * x
    out.backward(create_graph=True)
    gx = x.grad
    assert isinstance(gx, Value)
    # d/dx = cos(xy) y x + sin(xy)
    assert gx.data == pytest.approx(math.cos(1.0) * 1.0 + math.sin(1.0))
    x.grad, y.grad = 0.0, 0.0
    gx.backward()
    # d2/dx2 = -sin(xy) y^2 x + 2 cos(xy) y ; d2/dxdy = -sin(xy) x^2 y + 2 cos(xy) x
    assert x.grad == pytest.approx(-math.sin(1.0) * 2.0 + 4 * math.cos(1.0))
    assert y.grad == pytest.approx(-math.sin(1.0) * 0.5 + math.cos(1.0))


def test_backward_with_create_graph_accumulates_into_leaves():
    x = Value(3.0)
    (x * x).backward(create_graph=True)
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert x.grad.data == 12.0


def test_backward_with_create_graph_of_a_linear_function_gives_values():
    """Contract: grads become Values after create_graph, also where the derivative is a constant."""
    x, y = Value(1.0), Value(2.0)
    (x + y * 3.0 - x).backward(create_graph=True)
    assert isinstance(x.grad, Value), f"x.grad is {type(x.grad).__name__}"
    assert isinstance(y.grad, Value), f"y.grad is {type(y.grad).__name__}"
    assert (x.grad.data, y.grad.data) == (0.0, 3.0)
    y.grad.backward()  # a constant: nothing to propagate, but it must be callable


@pytest.mark.parametrize("call, message", [
    (lambda: grad(lambda x: x * x, argnums="a")(1.0), r"grad: argnums must be an int or a non-empty tuple of ints"),
    (lambda: grad(lambda x: x * x, argnums=())(1.0), r"argnums must be an int or a non-empty tuple"),
    (lambda: grad(3.0), r"grad: f must be a function"),
    (lambda: gradients(Value(1.0) * 2, [3.0]), r"gradients: wrt\[0\] must be a Value .* a number has no gradient"),
    (lambda: gradients(3.0, [Value(1.0)]), r"gradients: the root must be a Value, got float"),
])
def test_bad_arguments_are_refused_with_a_clear_message(call, message):
    with pytest.raises(TypeError, match=message):
        call()
