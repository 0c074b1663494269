"""no_grad / enable_grad: nothing recorded inside, state restored after, nesting, decorators."""

from __future__ import annotations

import threading

import pytest

from autograd import AnomalyError, Value, detect_anomaly, enable_grad, no_grad


def recording() -> bool:
    """Whether ops currently record: observed from behaviour, not from the engine's flags."""
    return (Value(1.0) * 2.0).requires_grad


def assert_constant(v: Value) -> None:
    assert not v.requires_grad
    assert v._prev == ()
    assert v._op == ""


EXPRESSIONS = {
    "mul": lambda x, w: x * w,
    "radd": lambda x, w: 1.0 + x,
    "pow": lambda x, w: x**w,
    "method": lambda x, w: x.tanh(),
    "leaky_relu": lambda x, w: x.leaky_relu(w),
    "neg": lambda x, w: -x,
    "chain": lambda x, w: (x * w + 1.0).exp().log() - w,
}


@pytest.mark.parametrize("expression", list(EXPRESSIONS.values()), ids=list(EXPRESSIONS))
def test_results_inside_no_grad_are_constants(expression):
    x, w = Value(2.0), Value(0.5)
    with no_grad():
        y = expression(x, w)
    assert_constant(y)
    assert y.data == expression(Value(2.0), Value(0.5)).data
    y.backward()
    assert (x.grad, w.grad) == (0.0, 0.0)
    assert recording()


def test_leaves_made_inside_no_grad_still_require_grad():
    with no_grad():
        x = Value(1.0)
    assert x.requires_grad
    y = x * 3.0
    y.backward()
    assert x.grad == 3.0


def test_no_grad_as_a_decorator():
    @no_grad()
    def forward(x):
        assert not recording()
        return x * x

    x = Value(3.0)
    y = forward(x)
    assert_constant(y)
    assert y.data == 9.0
    assert recording()
    assert forward.__name__ == "forward"


def test_decorated_function_called_recursively():
    @no_grad()
    def power(x, n):
        return x if n == 1 else x * power(x, n - 1)

    y = power(Value(2.0), 5)
    assert_constant(y)
    assert y.data == 32.0
    assert recording()


@pytest.mark.parametrize("switch", [no_grad, enable_grad, detect_anomaly])
def test_state_is_restored_after_an_exception(switch):
    with pytest.raises(RuntimeError), switch():
        raise RuntimeError("boom")
    assert recording()
    assert (Value(1e308) * 10).data == float("inf"), "anomaly mode is off again"

    @switch()
    def fail():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail()
    assert recording()


def test_state_is_restored_after_an_op_error_inside_no_grad():
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert recording()


def test_nesting():
    x = Value(1.0)
    with no_grad():
        with no_grad():
            assert_constant(x * 2.0)
        assert_constant(x * 2.0), "still inside the outer no_grad"
        with enable_grad():
            y = x * 2.0
            with no_grad():
                assert_constant(x * 2.0)
            z = x * 3.0
        assert_constant(x * 2.0)
    assert y._prev[0] is x and y.requires_grad
    assert z.requires_grad
    assert recording()
    (y + z).backward()
    assert x.grad == 5.0


def test_the_same_instance_nested_and_reused():
    ng = no_grad()
    with ng:
        with ng:
            assert not recording()
        assert not recording()
    assert recording()
    with ng:
        assert not recording()
    assert recording()


def test_enable_grad_inside_no_grad_records_again():
    x = Value(2.0)
    with no_grad():
        with enable_grad():
            y = x * x
        c = x * x
    assert y.requires_grad and y._prev == (x, x)
    assert_constant(c)
    y.backward()
    assert x.grad == 4.0


def test_enable_grad_as_a_decorator_inside_no_grad():
    @enable_grad()
    def square(x):
        return x * x

    x = Value(3.0)
    with no_grad():
        y = square(x)
        assert not recording()
    y.backward()
    assert x.grad == 6.0


def test_no_grad_and_detect_anomaly_combine_and_unwind():
    with detect_anomaly():
        with no_grad():
            assert not recording()
            with pytest.raises(AnomalyError):  # checks still apply to constants
                Value(1e308) * 10
        assert recording()
        with pytest.raises(AnomalyError):
            Value(1e308) * 10
    assert recording()
    assert (Value(1e308) * 10).data == float("inf")


# --- per thread, as PyTorch's grad mode ---------------------------------------------------------------


def _grads_of_a_small_model() -> list[float]:
    w = [Value(0.3), Value(-0.7), Value(1.1)]
    x = [0.5, -1.5, 2.0]
    loss = (sum((wi * xi for wi, xi in zip(w, x)), Value(0.1)).tanh() - 0.5) ** 2
    loss.backward()
    return [p.grad for p in w]


@pytest.mark.parametrize("switch", [no_grad, detect_anomaly])
def test_another_threads_switch_does_not_change_this_threads_gradients(switch):
    """While one thread sits in no_grad (or detect_anomaly), another thread's training gets exactly the
    gradients it gets alone (before: with no_grad process-wide, most of them came out wrong)."""
    expected = _grads_of_a_small_model()
    inside, done = threading.Event(), threading.Event()

    def other_thread():
        with switch():
            inside.set()
            while not done.is_set():
                (Value(1.0) * 2.0).data  # noqa: B018  (ops in the switched thread, all the while)

    worker = threading.Thread(target=other_thread)
    worker.start()
    try:
        assert inside.wait(5)
        results = [_grads_of_a_small_model() for _ in range(300)]
    finally:
        done.set()
        worker.join()
    assert all(r == expected for r in results)
    assert (Value(1.0) * 2.0).requires_grad  # and this thread records as before


def test_no_grad_in_one_thread_is_seen_only_there():
    seen = {}

    def in_no_grad():
        with no_grad():
            seen["other"] = (Value(1.0) * 2.0).requires_grad

    with no_grad():
        worker = threading.Thread(target=lambda: seen.setdefault("fresh", (Value(1.0) * 2.0).requires_grad))
        worker.start()
        worker.join()
    worker = threading.Thread(target=in_no_grad)
    worker.start()
    worker.join()
    assert seen == {"fresh": True, "other": False}
    assert (Value(1.0) * 2.0).requires_grad
