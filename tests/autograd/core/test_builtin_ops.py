"""Every op in the table (`autograd.OPS`): value, first, second and third derivatives.

Parametrized over OPS itself, so an op added to the table is tested here automatically (and fails
until it has sample points and a closed form in autograd_cases.py).
"""

from __future__ import annotations

import math

import pytest
from autograd_cases import POINTS, REFERENCE, SMOOTH, apply, close, data, op_function, partial, reference_function

from autograd import OPS, Value, detect_anomaly, grad, gradients

CASES = [
    pytest.param(name, s, id=f"{name}{s.args}" + (f"-const{s.const}" if s.const else ""))
    for name in OPS
    for s in POINTS.get(name, [])
]
SMOOTH_CASES = [c for c in CASES if c.values[0] in SMOOTH]


def all_args(n: int) -> tuple[int, ...]:
    return tuple(range(n))


def point(sample) -> list[float]:
    return [sample.args[i] for i in sample.wrt]


# --- the table itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_has_sample_points_and_a_closed_form(name):
    assert POINTS.get(name), f"op {name!r} has no sample points in autograd_cases.POINTS"
    assert name in REFERENCE, f"op {name!r} has no closed form in autograd_cases.REFERENCE"
    for s in POINTS[name]:
        assert len(s.args) == OPS[name].arity


@pytest.mark.parametrize("name", list(OPS))
def test_op_declares_one_derivative_and_formula_per_input(name):
    op = OPS[name]
    assert op.name == name
    assert op.arity in (1, 2)
    assert len(op.derivatives) == op.arity
    assert len(op.formulas) == op.arity
    assert all(isinstance(f, str) and f for f in op.formulas)
    assert isinstance(op, str) and str(op), "an op is a non-empty str (its symbol), as micrograd's _op"


def test_op_names_and_symbols_are_unique():
    assert len({str(op) for op in OPS.values()}) == len(OPS)


@pytest.mark.parametrize(("name", "sample"), CASES)
def test_value_matches_closed_form(name, sample):
    out = op_function(name, sample)(*[Value(x) for x in point(sample)])
    expected = REFERENCE[name](*sample.args)
    assert isinstance(out, Value)
    assert type(out.data) is float
    assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(("name", "sample"), CASES)
def test_result_records_op_and_inputs_in_order(name, sample):
    xs = [Value(x) for x in point(sample)]
    out = op_function(name, sample)(*xs)
    assert out._op is OPS[name]
    assert len(out._prev) == OPS[name].arity
    for i, x in zip(sample.wrt, xs):
        assert out._prev[i] is x
    for i in sample.const:
        assert out._prev[i].data == sample.args[i]
        assert not out._prev[i].requires_grad


# --- first derivatives ---------------------------------------------------------------------------


def first_derivatives(method: str, f, x: list[float]) -> list:
    if method == "grad":
        return list(grad(f, argnums=all_args(len(x)))(*x))
    vs = [Value(v) for v in x]
    out = f(*vs)
    if method == "gradients":
        return gradients(out, vs)
    if method == "backward":
        out.backward()
    else:  # the checked path of backward
        with detect_anomaly():
            out.backward()
    return [v.grad for v in vs]


@pytest.mark.parametrize("method", ["backward", "grad", "gradients", "backward_in_detect_anomaly"])
@pytest.mark.parametrize(("name", "sample"), CASES)
def test_first_derivative_matches_finite_differences(name, sample, method):
    x = point(sample)
    got = first_derivatives(method, op_function(name, sample), x)
    ref = reference_function(name, sample)
    for i, g in enumerate(got):
        assert isinstance(g, float), f"{method} gave {type(g).__name__}, not float"
        numeric = partial(ref, x, i)
        assert close(g, numeric), f"d{name}/dx{i} at {sample.args}: {method} gave {g}, finite differences {numeric}"


@pytest.mark.parametrize(("name", "slope"), [("relu", None), ("abs", None), ("leaky_relu", 0.1)])
def test_subgradient_at_the_kink_is_pytorchs(name, slope):
    """At exactly 0: relu' = 0 and abs' = 0 (step and sign are 0 there), leaky_relu' = slope."""
    x = Value(0.0)
    out = apply(name, x, slope) if slope is not None else apply(name, x)
    out.backward()
    assert x.grad == (slope if slope is not None else 0.0)


# --- second derivatives --------------------------------------------------------------------------


def hessian_by_grad_of_grad(f, x: list[float]) -> list[list[float]]:
    n = len(x)
    return [list(grad(grad(f, argnums=i), argnums=all_args(n))(*x)) for i in range(n)]


def hessian_by_create_graph(f, x: list[float]) -> list[list[float]]:
    """backward(create_graph=True), then backward() of each input's grad (micrograd-lecture style)."""
    vs = [Value(v) for v in x]
    f(*vs).backward(create_graph=True)
    firsts = [v.grad for v in vs]
    rows = []
    for i, g in enumerate(firsts):
        assert isinstance(g, Value), f"after backward(create_graph=True), input {i}'s grad is a {type(g).__name__}"
        for v in vs:
            v.grad = 0.0
        g.backward()
        rows.append([data(v.grad) for v in vs])
    return rows


@pytest.mark.parametrize("method", ["grad_of_grad", "backward_create_graph"])
@pytest.mark.parametrize(("name", "sample"), CASES)
def test_second_derivatives_match_finite_differences_of_first(name, sample, method):
    f, x = op_function(name, sample), point(sample)
    hessian = (hessian_by_grad_of_grad if method == "grad_of_grad" else hessian_by_create_graph)(f, x)
    for i in range(len(x)):
        first = grad(f, argnums=i)
        for j in range(len(x)):
            numeric = partial(first, x, j)
            assert close(data(hessian[i][j]), numeric, atol=1e-7), (
                f"d2{name}/dx{i}dx{j} at {sample.args}: {method} gave {hessian[i][j]}, "
                f"finite differences of the first derivative {numeric}")


@pytest.mark.parametrize(("name", "sample"), CASES)
def test_first_derivative_from_create_graph_is_the_same_number(name, sample):
    x = point(sample)
    vs = [Value(v) for v in x]
    op_function(name, sample)(*vs).backward(create_graph=True)
    expected = grad(op_function(name, sample), argnums=all_args(len(x)))(*x)
    for v, e in zip(vs, expected):
        assert data(v.grad) == pytest.approx(e, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("name", "sample"), CASES)
def test_create_graph_grads_are_values(name, sample):
    """Contract: `loss.backward(create_graph=True)` makes grads Values, to differentiate again."""
    vs = [Value(v) for v in point(sample)]
    op_function(name, sample)(*vs).backward(create_graph=True)
    for i, v in enumerate(vs):
        assert isinstance(v.grad, Value), f"input {i}'s grad is {type(v.grad).__name__} {v.grad!r}, not a Value"


# --- third derivatives ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "sample"), SMOOTH_CASES)
def test_third_derivatives_match_finite_differences_of_second(name, sample):
    f, x = op_function(name, sample), point(sample)
    n = len(x)
    for i in range(n):
        for j in range(n):
            second = grad(grad(f, argnums=i), argnums=j)
            third = grad(second, argnums=all_args(n))(*x)
            for k in range(n):
                numeric = partial(second, x, k)
                assert math.isfinite(third[k])
                assert close(third[k], numeric, rtol=1e-5, atol=1e-6), (
                    f"d3{name}/dx{i}dx{j}dx{k} at {sample.args}: grad^3 gave {third[k]}, "
                    f"finite differences of the second derivative {numeric}")


# --- pow at a zero base --------------------------------------------------------------------------


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_derivatives_of_integer_powers_at_zero(n, order):
    """d^k/dx^k x**n at 0 is n! for k = n and 0 otherwise; x**0 is the constant 1 (PyTorch gives 0 too)."""
    f = lambda x: x ** float(n)  # noqa: E731
    for _ in range(order):
        f = grad(f)
    expected = float(math.factorial(n)) if order == n else 0.0
    assert f(0.0) == expected, f"order-{order} derivative of x**{n} at 0"
