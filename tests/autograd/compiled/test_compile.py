"""compile(): gradients equal eager's, parameters read at every call, retracing, checking mode, errors."""

from __future__ import annotations

import numpy as np
import pytest
from compiled_cases import assert_close, assert_same_gradients, eager, forward, hinge_l2, mlp, parameters

import autograd
from autograd import CompileError, Value
from autograd.compiled import CompileCheckError, Output


def data(n: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, k)), np.where(rng.normal(size=n) > 0, 1.0, -1.0)


@pytest.mark.parametrize("width", [8, 16, 32, 128])
def test_micrograd_demo_gradients_equal_eager_at_every_width(width: int) -> None:
    layers = mlp([2, width, width, 1], seed=width)
    assert_same_gradients(hinge_l2(layers), parameters(layers), *data(100, 2))


@pytest.mark.parametrize("n", [1, 2, 10, 1000, 10_000])
def test_micrograd_demo_gradients_equal_eager_at_every_batch_size(n: int) -> None:
    layers = mlp([2, 16, 16, 1], seed=n)
    assert_same_gradients(hinge_l2(layers), parameters(layers), *data(n, 2, seed=n))


def test_graphs_other_than_mlps() -> None:
    """Shared weights, gated products of two batch nodes, tanh/sigmoid, per-sample terms, a scalar-only branch."""
    w, v, u, c = Value(0.7), Value(-0.4), Value(1.3), Value(0.2)

    def fn(X, y):
        a, b, d = X
        h = (w * a + v * b).tanh()  # w and v shared by two units
        g = (w * b - u * d).sigmoid()
        gated = h * g + (a * b) * c  # a product of two batch nodes, and one weighted by c
        per_sample = (gated - y) ** 2 + abs(h - g) * 0.5 + (d * u).softplus()
        return per_sample.mean() + (w * v - u).exp() + (c * c).sqrt()

    X, y = data(50, 3)
    assert_same_gradients(fn, [w, v, u, c], X, y)


def test_the_program_reads_like_the_matrix_form() -> None:
    layers = mlp([2, 16, 16, 1])
    program = autograd.compile(hinge_l2(layers)).trace(*data(100, 2))
    text = str(program)
    for line in ["Wb1 = P[0:48].reshape(16, 3)", "W1 = Wb1[:, :2]", "b1 = Wb1[:, 2]", "Z1 = X.dot(W1.T) + b1",
                 "A1 = relu(Z1)", "Z2 = A1.dot(W2.T) + b2", "dZ1 = step(Z1) * dA1", "dW2 += dZ2.T.dot(A1)",
                 "dA1 = dZ2.dot(W2)", "mul1 = P * P"]:
        assert line in text, line
    assert "def forward(P, X, y):" in text and program.source == text
    assert len(program.parameters) == 337


def test_parameters_are_read_at_every_call_and_grads_accumulate() -> None:
    layers = mlp([2, 4, 1])
    params = parameters(layers)
    fn = autograd.compile(hinge_l2(layers))
    X, y = data(20, 2)
    first = fn(X, y).data
    for p in params:
        p.data += 0.1
    assert fn(X, y).data == pytest.approx(eager(hinge_l2(layers), X, y).data, rel=1e-13)
    assert fn(X, y).data != first
    for p in params:
        p.grad = 0.0
    out = fn(X, y)
    out.backward()
    once = [p.grad for p in params]
    out.backward()  # as eager: leaf grads accumulate
    assert [p.grad for p in params] == pytest.approx([2 * g for g in once], rel=1e-15)


def test_new_shapes_retrace_and_old_programs_are_kept() -> None:
    layers = mlp([2, 4, 1])
    fn = autograd.compile(hinge_l2(layers))
    a, b = fn(*data(10, 2)), fn(*data(30, 2))
    fn(*data(10, 2, seed=5))
    assert len(fn.programs) == 2 and isinstance(a, Output) and isinstance(b.data, float)
    assert "2 program(s)" in repr(fn)


def test_training_follows_eager_for_100_steps() -> None:
    X, y = data(40, 2)
    runs = []
    for compiled in (False, True):
        layers = mlp([2, 8, 8, 1], seed=3)
        params, fn = parameters(layers), hinge_l2(layers)
        step = autograd.compile(fn) if compiled else (lambda X, y, fn=fn: eager(fn, X, y))
        for k in range(100):
            for p in params:
                p.grad = 0.0
            step(X, y).backward()
            for p in params:
                p.data -= (1.0 - 0.9 * k / 100) * 0.1 * p.grad
        runs.append([p.data for p in params])
    for e, c in zip(*runs):
        assert abs(e - c) <= 1e-10 * max(1.0, abs(e))


def test_auxiliary_outputs_and_the_structure_of_the_result() -> None:
    layers = mlp([2, 4, 2])

    @autograd.compile
    def fn(X, y):
        scores = forward(layers, X)
        return (scores[0] - y).relu().mean(), scores

    X, y = data(7, 2)
    loss, scores = fn(X, y)
    assert isinstance(scores, list) and len(scores) == 2 and scores[0].data.shape == (7,)
    expected = forward(layers, eager(lambda X: X, X))
    np.testing.assert_allclose(scores[1].data, expected[1].data, rtol=1e-13)
    with pytest.raises(CompileError, match="only the loss"):
        scores[0].backward()
    loss.backward()
    assert float(loss) == loss.item() == loss.data


def test_outputs_without_a_loss_can_only_be_read() -> None:
    layers = mlp([2, 3, 1])
    predict = autograd.compile(lambda X: forward(layers, X)[0])
    X, _ = data(5, 2)
    out = predict(X)
    np.testing.assert_allclose(out.data, forward(layers, eager(lambda X: X, X))[0].data, rtol=1e-13)
    with pytest.raises(CompileError, match="no backward"):
        out.backward()


def test_static_arguments_are_part_of_the_key() -> None:
    w = Value(2.0)
    fn = autograd.compile(lambda x, scale: (w * x * scale).sum())
    x = np.arange(3.0)
    assert fn(x, 1.0).data == 6.0 and fn(x, 10.0).data == 60.0 and len(fn.programs) == 2
    with pytest.raises(TypeError, match="hashable"):
        fn(x, [1.0])


def test_checking_mode_finds_control_flow_that_depends_on_the_data() -> None:
    w = Value(1.0)

    def fn(x):
        return (w * x).sum() if float(x.data.sum()) > 0 else (w * x * -1.0).sum()

    checked = autograd.compile(fn, check_every=2)
    checked(np.ones(3)).backward()  # call 1: checked, and traced with the positive branch
    checked(-np.ones(3))  # call 2: not checked
    with pytest.raises(CompileCheckError, match="depends on the data"):
        checked(-np.ones(3))  # call 3: checked


def test_errors_name_the_problem() -> None:
    w = Value(1.0)
    with pytest.raises(TypeError, match="numpy array of samples"):
        autograd.compile(lambda x: w * x)(1.0)
    with pytest.raises(ValueError, match="different numbers of samples"):
        autograd.compile(lambda x, y: (w * x).sum())(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="check_every"):
        autograd.compile(lambda x: x, check_every=0)
    with pytest.raises(CompileError, match="made inside"):
        autograd.compile(lambda x: (w * x * Value(np.ones(3), requires_grad=False)).sum())(np.ones(3))
    with pytest.raises(CompileError, match="must return Values"):
        autograd.compile(lambda x: 3.0)(np.ones(3))

    def custom(x):
        out = Value(1.0, (w,), "mine")
        out._backward = lambda: None
        return (out * x).sum()

    with pytest.raises(CompileError, match="hand-written _backward"):
        autograd.compile(custom)(np.ones(3))


def test_a_failing_op_in_the_program_names_the_line() -> None:
    w = Value(1.0)
    fn = autograd.compile(lambda x: (w * x).log().sum())
    assert_close(fn(np.array([1.0, 2.0])).data, np.log(2.0), 1e-15)
    with pytest.raises(ValueError, match=r"compiled <lambda>, line \d+: log1 = log\(mul1\): log is defined") as error:
        fn(np.array([1.0, -2.0]))
    assert "<compiled <lambda> #1>" in "".join(str(t.path) for t in error.traceback)


def test_sampled_batches_are_drawn_again_at_every_call() -> None:
    """Noise made with autograd.sampled (a dropout mask) is an input of the program, new at each call."""
    w = Value(1.0)
    rng = np.random.default_rng(0)

    def mask(shape):
        return (rng.random(shape) < 0.5) * 2.0

    fn = autograd.compile(lambda x: (w * x * autograd.sampled(mask, len(x))).sum())
    x = np.ones(1000)
    values = {fn(x).data for _ in range(5)}
    assert len(values) == 5 and all(abs(v - 1000) < 200 for v in values)
    assert "def forward(P, x, R):" in str(fn.program)
    out = fn(x)
    w.grad = 0.0
    out.backward()
    assert w.grad == out.data  # d/dw sum(w * x * mask) = sum(x * mask) = the loss at w = 1
    checked = autograd.compile(lambda x: (w * x * autograd.sampled(mask, len(x))).sum(), check_every=1)
    checked(x).backward()  # in checking mode the program uses the eager run's draws: no false alarm


def test_checking_mode_accepts_a_gradient_that_cancels_to_zero_in_another_order() -> None:
    """An eager grad of exactly 0.0 may come out 1e-19 from the program's sums: not a mismatch."""
    layers = mlp([2, 8, 8, 1], seed=1)
    X, y = data(100, 2)
    autograd.compile(hinge_l2(layers), check_every=1)(X, y).backward()


def test_a_weight_matrix_with_a_missing_weight_next_to_a_sum_over_all_parameters() -> None:
    """A member of a linear group without a weight on some x reads a zero kept after P (P0), while an L2
    term reads P whole: both, forward and backward."""
    w1, w2, w3 = Value(0.5), Value(-0.3), Value(0.2)

    def fn(X, y):
        a = w1 * X[0] + w2 * X[1] + 1.0
        b = w3 * X[0] + 1.0  # the same depth, no weight on X[1]
        return (a * b).mean() + (w1 * w1 + w2 * w2 + w3 * w3)

    program = autograd.compile(fn).trace(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros(2))
    assert "P0 = np.append(P, 0.0)" in str(program)
    assert_same_gradients(fn, [w1, w2, w3], np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros(2))


def test_an_output_that_is_an_input_or_a_parameter_is_read_at_every_call() -> None:
    """Returning a leaf (an input column, a parameter) gives this call's value, not the traced one's."""
    w = Value(2.0)
    fn = autograd.compile(lambda X: ((w * X[0]).sum(), X[1], w))
    _, column, weight = fn(np.array([[1.0, 5.0], [2.0, 6.0]]))
    assert column.data.tolist() == [5.0, 6.0] and weight.data == 2.0
    w.data = 3.0
    _, column, weight = fn(np.array([[1.0, 7.0], [2.0, 8.0]]))
    assert column.data.tolist() == [7.0, 8.0] and weight.data == 3.0


def test_a_program_does_not_keep_the_traced_graph_alive() -> None:
    import gc
    import weakref

    w = Value(2.0)
    made: list[weakref.ref] = []

    def fn(x):
        loss = (w * x).tanh().sum()
        made.append(weakref.ref(loss))
        return loss

    compiled = autograd.compile(fn)
    compiled(np.ones(3)).backward()
    gc.collect()
    assert made[0]() is None  # the traced loss node is freed; the program runs without it
