"""Batch mode: a graph of Batches evaluates many samples at once, and every op gives, per sample, what the
scalar op gives: values, gradients (a scalar input gets the sum over the samples), second derivatives.

Parametrized over OPS with the sample points of autograd_cases.py: the points of one op that share the
same constant positions form one batch.
"""

from __future__ import annotations

import gc
import math
import warnings
import weakref

import numpy as np
import pytest
from autograd_cases import POINTS, REFERENCE, apply, lecture, op_function

from autograd import (
    OPS,
    AnomalyError,
    Batch,
    Stepper,
    Value,
    detect_anomaly,
    draw_dot,
    explain,
    grad,
    gradients,
    local_derivatives,
    no_grad,
    tape,
    value_and_grad,
)
from autograd.core.samples import ONE, SummedOverSamples

REDUCTIONS = ("sum", "mean")
RTOL = 1e-12


def groups(name: str) -> dict[tuple[int, ...], list]:
    """The op's sample points grouped by their constant positions: each group becomes one batch."""
    found: dict[tuple[int, ...], list] = {}
    for s in POINTS[name]:
        found.setdefault(s.const, []).append(s)
    return found


CASES = [pytest.param(name, const, samples, id=f"{name}-const{const}")
         for name in OPS for const, samples in groups(name).items()]
MIXED = [pytest.param(name, position, id=f"{name}-scalar{position}")
         for name in OPS if OPS[name].arity == 2 for position in (0, 1)]


def close(actual, expected, rtol=RTOL) -> None:
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-300)


def batch_inputs(const: tuple[int, ...], samples: list) -> tuple[list, list[Batch]]:
    """The op's arguments for the whole group (a Batch per variable position, a float array per constant
    one) and the Batches."""
    args, leaves = [], []
    for i in range(len(samples[0].args)):
        column = np.array([s.args[i] for s in samples])
        if i in const:
            args.append(column)
        else:
            leaf = Value(column)
            args.append(leaf)
            leaves.append(leaf)
    return args, leaves


def scalar_run(name: str, sample) -> tuple[float, list[float]]:
    """The scalar engine on one sample: the op's value and its gradient for each variable input."""
    xs = [Value(sample.args[i]) for i in sample.wrt]
    out = op_function(name, sample)(*xs)
    out.backward()
    return out.data, [x.grad for x in xs]


# --- every op, batch against scalar -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "const", "samples"), CASES)
def test_every_op_in_batch_mode_equals_the_scalar_op_per_sample(name, const, samples):
    args, leaves = batch_inputs(const, samples)
    out = apply(name, *args)
    runs = [scalar_run(name, s) for s in samples]
    values = [REFERENCE[name](*s.args) for s in samples]
    if name in REDUCTIONS:  # a batch in, one scalar out
        assert type(out) is Value and type(out.data) is float
        close(out.data, math.fsum(values) / (len(values) if name == "mean" else 1))
        out.backward()
        close(leaves[0].grad, np.full(len(samples), 1.0 / len(samples) if name == "mean" else 1.0))
        return
    assert isinstance(out, Batch) and out.data.dtype == np.float64 and out.data.shape == (len(samples),)
    close(out.data, [v for v, _ in runs])
    close(out.data, values)
    out.backward()  # every sample seeded with 1: each input's grad is its own sample's derivative
    for k, leaf in enumerate(leaves):
        assert leaf.grad.shape == leaf.data.shape
        close(leaf.grad, [grads[k] for _, grads in runs])


@pytest.mark.parametrize(("name", "position"), MIXED)
def test_a_scalar_input_of_a_batch_op_gets_the_sum_of_its_per_sample_grads(name, position):
    samples = groups(name)[()]  # both inputs variable
    fixed = samples[0].args[position]
    other = np.array([s.args[1 - position] for s in samples])
    scalar, batch = Value(fixed), Value(other)
    args = [batch, batch]
    args[position] = scalar
    out = apply(name, *args)  # scalar on the left calls Batch's reflected method first
    assert isinstance(out, Batch)
    loss = out.sum()
    loss.backward()
    per_sample = []
    for x in other:
        xs = [Value(fixed), Value(x)] if position == 0 else [Value(x), Value(fixed)]
        s = apply(name, *xs)
        s.backward()
        per_sample.append((s.data, xs[position].grad, xs[1 - position].grad))
    close(out.data, [v for v, _, _ in per_sample])
    assert type(scalar.grad) is float
    close(scalar.grad, math.fsum(g for _, g, _ in per_sample))
    close(batch.grad, [g for _, _, g in per_sample])


@pytest.mark.parametrize(("name", "const", "samples"), CASES)
def test_second_derivatives_with_create_graph_equal_the_scalar_ones(name, const, samples):
    args, leaves = batch_inputs(const, samples)
    out = apply(name, *args)
    root = out if name in REDUCTIONS else out.sum()
    first = gradients(root, leaves, create_graph=True)
    assert all(isinstance(g, Value) for g in first)
    for i, g in enumerate(first):
        for j, second in enumerate(gradients(g.sum() if isinstance(g, Batch) else g, leaves)):
            expected = []
            for s in samples:
                xs = [Value(s.args[p]) for p in s.wrt]
                (gi,) = gradients(op_function(name, s)(*xs), [xs[i]], create_graph=True)
                expected.append(gradients(gi, [xs[j]])[0])
            close(np.broadcast_to(second, (len(samples),)), expected, rtol=1e-10)


# --- construction and operands ----------------------------------------------------------------------------------


def test_value_of_a_1d_float_array_is_a_batch():
    raw = np.array([1.0, 2.0, 3.0])
    x = Value(raw, label="x")
    assert type(x) is Batch and isinstance(x, Value)
    assert x.data.dtype == np.float64 and x.data.shape == (3,) and x.label == "x" and len(x) == 3
    raw[0] = 99.0
    assert x.data[0] == 1.0  # the graph keeps its own copy
    assert Value(np.array([1.5, 2.5], dtype=np.float32)).data.dtype == np.float64
    assert type(Value(2.0)) is Value and type(Value(np.float64(2.0))) is Value and type(Value(np.array(2.0))) is Value
    assert not Value(raw, requires_grad=False).requires_grad
    assert Batch(np.array([1.0])).data.tolist() == [1.0]


@pytest.mark.parametrize(("data", "error", "match"), [
    (np.zeros((2, 2)), ValueError, "1-D"),
    (np.zeros((3, 1)), ValueError, "shape"),
    (np.array([1, 2, 3]), TypeError, "float64"),
    (np.array([True, False]), TypeError, "float64"),
    (np.array([1.0, None], dtype=object), TypeError, "float64"),
    (np.array([1 + 2j]), TypeError, "float64"),
    (np.array([], dtype=float), ValueError, "at least one sample"),
])
def test_bad_batch_data(data, error, match):
    with pytest.raises(error, match=match):
        Value(data)


def test_a_batch_cannot_be_built_with_micrograd_children():
    with pytest.raises(TypeError, match="Batch"):
        Value(np.ones(2), _children=(Value(1.0),), _op="neg")


def test_operands_broadcast_numbers_scalars_arrays_and_batches():
    x = Value(np.array([1.0, 2.0, 3.0]))
    w = Value(2.0)
    for out in (x * w, w * x, x * 2, 2 * x, x * np.float64(2.0), np.float64(2.0) * x, x * np.array([2.0, 2.0, 2.0]),
                np.array([2, 2, 2]) * x, x * Value(np.full(3, 2.0)), x + x):
        assert isinstance(out, Batch) and out.data.tolist() == [2.0, 4.0, 6.0]
    const = (np.array([1.0, 1.0, 1.0]) + x)._a
    assert isinstance(const, Batch) and not const.requires_grad


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda x: x + Value(np.ones(4)), ValueError, r"add.* 3 and 4"),
    (lambda x: Value(np.ones(4)) * x, ValueError, r"mul.* 4 and 3"),
    (lambda x: x * np.ones(4), ValueError, r"mul.*3 samples.*4 entries"),
    (lambda x: np.ones(2) - x, ValueError, r"sub.*3 samples.*2 entries"),
    (lambda x: x * np.ones((3, 1)), ValueError, r"mul.*shape \(3, 1\)"),
    (lambda x: x * [1.0, 2.0, 3.0], TypeError, None),
    (lambda x: x + "1", TypeError, "unsupported operand"),
    (lambda x: x * np.array(["a", "b", "c"]), TypeError, None),
])
def test_operand_errors_name_the_op_and_the_lengths(make, error, match):
    with pytest.raises(error, match=match):
        make(Value(np.array([1.0, 2.0, 3.0])))


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda x: x.log(), ValueError, r"log\(x = .*\): log is defined for inputs > 0, got -2.0 at index 1"),
    (lambda x: (x * 400.0).exp(), OverflowError, r"exp.*exp\(1200.0\) at index 2"),
    (lambda x: 1.0 / (x - 1.0), ZeroDivisionError, r"div.*at index 0"),
    (lambda x: x / Value(0.0), ZeroDivisionError, r"div.*division by zero"),
    (lambda x: x**0.5, ValueError, r"pow.*complex: -2.0 \*\* 0.5 at index 1"),
    (lambda x: (x - 1.0) ** -1.0, ZeroDivisionError, r"pow.*at index 0"),
    (lambda x: (x * 1e200) ** 2.0, OverflowError, r"pow.*at index 0"),
    (lambda x: x.sqrt(), ValueError, r"sqrt.*-2.0 at index 1"),
])
def test_domain_errors_name_the_op_the_first_bad_index_and_its_value(make, error, match):
    x = Value(np.array([1.0, -2.0, 3.0]), label="x")
    with pytest.raises(error, match=match):
        make(x)


def test_messages_never_print_a_whole_batch():
    x = Value(1000.3125 + np.arange(50.0), label="x")
    with pytest.raises(ValueError) as info:
        (x - 1010.0).log()
    assert "[50] mean" in str(info.value) and "1001.3125" not in str(info.value)
    assert "1001.3125" not in repr(x) and "[50] mean" in repr(x)


def test_no_grad_gives_constant_batches():
    x = Value(np.array([1.0, 2.0]))
    with no_grad():
        y = (x * 3.0).exp().sum()
    assert not y.requires_grad and y._prev == ()


def test_item_is_refused_and_detach_copies():
    x = Value(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="sum"):
        x.item()
    d = (x * 2).detach()
    assert isinstance(d, Batch) and not d.requires_grad and d.data.tolist() == [2.0, 4.0]


# --- backward -----------------------------------------------------------------------------------------------


def test_backward_of_a_batch_seeds_every_sample():
    x = Value(np.array([1.0, 2.0, 3.0]))
    (x * x).backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    x.zero_grad()
    (x * x).backward(np.array([1.0, 0.0, -1.0]))
    assert x.grad.tolist() == [2.0, 0.0, -6.0]
    x.zero_grad()
    (x * x).backward(0.5)
    assert x.grad.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="shape"):
        (x * x).backward(np.ones(2))
    with pytest.raises(TypeError, match="grad"):
        (x * x).backward("1")


def test_backward_twice_doubles_leaf_grads_and_zero_grad_resets():
    x, w = Value(np.array([0.5, -1.0, 2.0])), Value(0.7)
    loss = (w * x).tanh().mean()
    loss.backward()
    gx, gw = x.grad.copy(), w.grad
    loss.backward()
    assert np.array_equal(x.grad, 2 * gx) and w.grad == 2 * gw
    loss.zero_grad()
    assert x.grad == 0.0 and w.grad == 0.0


def mixed_graph(xs: np.ndarray, ys: np.ndarray, params: list[Value]):
    """A small network on inputs (n, 2): two tanh units, a sigmoid output, squared error, mean."""
    w1, w2, w3, w4, b1, b2, v1, v2, c = params
    x1, x2 = Value(xs[:, 0], requires_grad=False), Value(xs[:, 1], requires_grad=False)
    h1 = (w1 * x1 + w2 * x2 + b1).tanh()
    h2 = (w3 * x1 + w4 * x2 + b2).relu()
    out = (v1 * h1 + h2 * v2 + c).sigmoid()
    return ((out - ys) ** 2).mean()


def test_mixed_scalar_and_batch_graph_grads_are_the_sums_of_per_sample_grads():
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(7, 2)), rng.uniform(size=7)
    params = [Value(v) for v in rng.normal(size=9)]
    loss = mixed_graph(xs, ys, params)
    loss.backward()
    batch = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    scalar_loss = sum(mixed_graph(xs[k:k + 1], ys[k:k + 1], params) for k in range(7)) * (1.0 / 7)
    scalar_loss.backward()
    close(loss.data, scalar_loss.data)
    close(batch, [p.grad for p in params])
    assert all(type(g) is float for g in batch)


def test_anomaly_mode_names_the_op_and_the_first_bad_index():
    x = Value(np.array([1.0, 2.0, np.inf, 4.0]))
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"mul.*inf at index 2"):
        x * 2.0
    z = Value(np.array([1.0, 0.0, 4.0]))
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"backward through sqrt.*at index 1"):
        z.sqrt().sum().backward()
    with detect_anomaly():  # a finite graph passes, with the same grads as the eager pass
        w = Value(0.3)
        loss = (w * z + 1.0).log().mean()
        loss.backward()
    checked = (z.grad.copy(), w.grad)
    z.grad, w.grad = 0.0, 0.0
    (w * z + 1.0).log().mean().backward()
    assert np.array_equal(checked[0], z.grad) and checked[1] == w.grad


def test_local_derivatives_of_a_batch_node_wrap_scalar_inputs_in_summed():
    x, w = Value(np.array([1.0, 2.0])), Value(3.0)
    out = w * x
    (dw_input, dw), (dx_input, dx) = local_derivatives(out)
    assert dw_input is w and isinstance(dw, SummedOverSamples) and dw * np.array([1.0, 1.0]) == 3.0
    assert dx_input is x and dx == 3.0
    assert ONE == 1.0 and (ONE * x.data) is x.data and isinstance((x + x)._da, float)


def test_a_batch_graph_is_freed_by_reference_counting():
    gc.collect()
    gc.disable()
    try:
        x, w = Value(np.array([1.0, 2.0])), Value(0.5)
        inner = w * x
        loss = (inner + 1.0).relu().mean()
        loss.backward()
        refs = [weakref.ref(inner), weakref.ref(loss)]
        del inner, loss
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


# --- create_graph, functional API --------------------------------------------------------------------------------


def test_grad_of_grad_through_a_batch():
    xs = np.array([0.3, -1.2, 2.0])
    x, w = Value(xs, requires_grad=False), Value(0.7)
    (g,) = gradients((w * x).tanh().mean(), [w], create_graph=True)
    (h,) = gradients(g, [w])
    t = np.tanh(0.7 * xs)
    close(g.data, np.mean(xs * (1 - t * t)))
    close(h, np.mean(-2 * xs * xs * t * (1 - t * t)))


def test_create_graph_carries_a_pole_at_some_samples_only_per_sample():
    """sqrt' = 0.5 * ipow(out, -1) is inf at 0 and its derivative -inf (the ipow op), the others as scalars."""
    z = Value(np.array([0.0, 1.0, 4.0]))
    (g,) = gradients(z.sqrt().sum(), [z], create_graph=True)
    (h,) = gradients(g.sum(), [z])
    assert g.data.tolist() == [math.inf, 0.5, 0.25]
    assert h.tolist() == [-math.inf, -0.25, grad(grad(lambda v: v.sqrt()))(4.0)]


def test_create_graph_refuses_a_negative_base_at_some_samples_only():
    """d/db of a ** b is NaN where a < 0 and a graph elsewhere: a batch graph cannot be both."""
    a, b = Value(np.array([-2.0, 2.0])), Value(3.0)
    with pytest.raises(ValueError, match="create_graph.*sample 0.*scalar mode"):
        gradients((a**b).sum(), [b], create_graph=True)
    a, b = Value(np.array([math.inf, 2.0])), Value(-1.0)  # inf ** -1 = 0: d/db = 0 * log(inf) is 0, not NaN
    with pytest.raises(ValueError, match=r"create_graph: the base of a power is inf .* at sample 0"):
        gradients((a**b).sum(), [b], create_graph=True)


def test_grad_of_a_function_of_an_array_is_per_sample():
    assert grad(lambda x: (x * x).sum())(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    value, (gx, gw) = value_and_grad(lambda x, w: (x * w).mean(), argnums=(0, 1))(np.array([1.0, 3.0]), 0.5)
    assert value == 1.0 and gx.tolist() == [0.25, 0.25] and gw == 2.0


# --- Stepper, explain, draw_dot, tape on a batch graph --------------------------------------------------------


def small_batch_graph():
    x = Value(1000.3125 + np.arange(50.0), label="x", requires_grad=False)
    w, b = Value(-0.001, label="w"), Value(1.5, label="b")
    h = (w * x + b).relu()
    h.label = "h"
    loss = (h * w).mean()
    loss.label = "L"
    return x, w, b, loss


def no_whole_array(text: str) -> None:
    assert "[50] mean" in text
    assert "1001.3125" not in text and "1001.31" not in text and "array(" not in text


def test_stepper_on_a_batch_graph_matches_backward_bit_for_bit_and_summarises():
    x, w, b, loss = small_batch_graph()
    s = Stepper(loss)
    text = "\n".join(str(step) for step in s)
    no_whole_array(text + repr(s))
    assert "w.grad += sum(" in text
    stepped = (w.grad, b.grad, loss._a.grad.copy())
    w.grad = b.grad = 0.0
    loss.backward()
    assert stepped[0] == w.grad and stepped[1] == b.grad and np.array_equal(stepped[2], loss._a.grad)
    s.goto(0)
    assert w.grad == 0.0 and b.grad == 0.0


def test_explain_on_a_batch_graph_sums_the_paths_to_the_grad():
    x, w, b, loss = small_batch_graph()
    loss.backward()
    for wrt in (w, b):
        e = explain(loss, wrt)
        no_whole_array(str(e))
        assert float(e) == pytest.approx(wrt.grad, rel=1e-12)
        assert float(explain(loss, wrt, limit=1)) == pytest.approx(wrt.grad, rel=1e-12)  # grouped
    with pytest.raises(ValueError, match="batch"):
        explain(loss, x)


def test_draw_dot_and_tape_summarise_batches():
    x, w, b, loss = small_batch_graph()
    before = draw_dot(loss).source
    no_whole_array(before)
    loss.backward()
    after = draw_dot(loss).source
    no_whole_array(after)
    assert "grad [50] mean" in after and "data [50] mean" in after
    no_whole_array(tape(loss))
    unnamed = (Value(np.arange(3.0), requires_grad=False) * Value(2.0, label="w")).sum()
    assert "v1 = constant   data=[3] mean 1.0" in tape(unnamed)  # a constant batch is listed: it has a name
    no_whole_array(Stepper(loss).draw().source)


def test_scalar_graphs_are_drawn_as_before():
    nodes = lecture()
    assert "data 2.0000" in draw_dot(nodes["L"]).source and "mean" not in tape(nodes["L"])


@pytest.mark.parametrize("op", ["sin", "cos"])
@pytest.mark.parametrize("x", [math.inf, -math.inf])
def test_sin_and_cos_of_infinity_are_refused_alike_in_both_modes(op, x):
    """math.sin(inf) raises while np.sin(inf) gives nan and a warning: both modes now say the same thing."""
    with pytest.raises(ValueError, match=rf"{op}\({x}\): {op} is defined for finite inputs, got {x}"):
        getattr(Value(x), op)()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=rf"{op} is defined for finite inputs, got {x} at index 1"):
            getattr(Value(np.array([0.5, x])), op)()
        assert math.isnan(getattr(Value(np.array([math.nan])), op)().data[0])  # nan stays nan, quietly
    assert math.isnan(getattr(Value(math.nan), op)().data)


@pytest.mark.parametrize("x", [-0.5, -1.0, -2.0])
@pytest.mark.parametrize("y", [math.inf, -math.inf])
def test_a_negative_base_to_an_infinite_power_is_pythons_answer_in_both_modes(x, y):
    """(-0.5) ** inf is 0.0 and (-1) ** inf is 1.0 in Python and IEEE 754, not "complex"."""
    scalar = Value(x) ** y
    batch = Value(np.array([0.5, x])) ** y
    assert scalar.data == x**y == batch.data[1]
    scalar.backward()  # the derivatives there are not numbers (nan), but nothing raises
