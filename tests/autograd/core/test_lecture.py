"""The micrograd lecture's ways keep working: ops written by hand with `_backward`, attributes on Values."""

from __future__ import annotations

import math
import sys
import tracemalloc

import pytest

from autograd import Value, grad


def hand_tanh(x: Value, op: str = "tanh", derivative=None) -> Value:
    """tanh as the lecture writes it: the value by hand, then a closure that applies the chain rule."""
    t = (math.exp(2 * x.data) - 1) / (math.exp(2 * x.data) + 1)
    out = Value(t, (x,), op)

    def _backward():
        x.grad += (1 - t**2 if derivative is None else derivative) * out.grad

    out._backward = _backward
    return out


@pytest.mark.parametrize("op", ["tanh", "mytanh"])
def test_a_hand_written_backward_takes_part_in_backward(op):
    x1, x2, w1, w2, b = Value(2.0), Value(0.0), Value(-3.0), Value(1.0), Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = hand_tanh(n, op)
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-4)
    assert o.has_custom_backward and o.op == op and o.op.custom


def test_the_closure_is_what_backward_uses_not_the_table():
    x = Value(0.3)
    y = hand_tanh(x, "tanh", derivative=2.0)  # a deliberately different derivative
    y.backward()
    assert x.grad == 2.0


def test_a_custom_node_used_twice_gets_its_full_grad_before_its_closure_runs():
    x = Value(0.5)
    h = hand_tanh(x, "mytanh")
    out = h * h + h  # h has two users
    out.backward()
    t = math.tanh(0.5)
    assert h.grad == pytest.approx(2 * t + 1, rel=1e-15)
    assert x.grad == pytest.approx((2 * t + 1) * (1 - t * t), rel=1e-15)
    out.backward()  # leaves accumulate: exactly double
    assert x.grad == pytest.approx(2 * (2 * t + 1) * (1 - t * t), rel=1e-15)


def test_a_method_added_to_value_by_hand_works():
    def exp(self):
        out = Value(math.exp(self.data), (self,), "myexp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    Value.myexp = exp
    try:
        x = Value(1.5)
        y = x.myexp() * 2
        y.backward()
        assert x.grad == pytest.approx(2 * math.exp(1.5), rel=1e-15)
    finally:
        del Value.myexp


def test_a_node_made_by_hand_without_a_closure_passes_no_gradient_as_in_micrograd():
    a, b = Value(2.0), Value(3.0)
    c = Value(5.0, (a, b), "")
    (c * 2).backward()
    assert c.grad == 2.0 and a.grad == 0.0 and b.grad == 0.0


def test_create_graph_through_a_hand_written_backward_says_why_it_cannot():
    with pytest.raises(TypeError, match="hand-written _backward closure.*define_op"):
        grad(grad(lambda x: hand_tanh(x, "mytanh")))(0.5)


def test_values_take_attributes_of_their_own():
    """Optimizers written for micrograd keep their moments on the Values."""
    p = Value(1.0)
    p.m, p.v = 0.0, 0.0
    p.m = 0.9 * p.m + 0.1 * 2.0
    assert (p.m, p.v) == (pytest.approx(0.2), 0.0)
    assert not hasattr(Value(2.0), "m")


def test_a_node_stays_under_200_bytes():
    """Attributes of their own cost nothing until used: an op result is at most 200 bytes with its grad."""
    xs = [Value(float(i)) for i in range(2000)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    out = [x * 1.5 + x for x in xs]
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    nodes = 3 * len(xs)  # the constant 1.5, the product and the sum for each x
    assert used / nodes <= 200, f"{used / nodes:.0f} bytes per node"
    assert sys.getsizeof(out[0]) <= 200
