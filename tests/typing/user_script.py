# pyright: reportUnnecessaryTypeIgnoreComment=true
"""A user's script: the public API of `autograd` and `nn`, as someone who installed chainrule writes it.

Two jobs. It runs (`uv run python tests/typing/user_script.py`; files go to a temporary directory), and
it type-checks clean under pyright (basic) and mypy: tests/typing/test_typing.py checks all three, so a
public annotation that is too narrow, too loose or missing shows up here as a type error in user code.
Only the public names are used, imported the way the README imports them.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

import autograd
import nn
from autograd import (
    Batch,
    Explanation,
    Op,
    Stepper,
    Value,
    detect_anomaly,
    draw_dot,
    explain,
    grad,
    gradcheck,
    no_grad,
    tape,
    value_and_grad,
)
from nn import MLP, SGD, Adam, History, LinearDecay, Module, RMSprop, clip_grad_norm, evaluate, fit, predict
from nn.data import make_moons


def close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


# --- Values and every op ----------------------------------------------------------------------------


def operators() -> None:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c: Value = a + b
    c = a - b
    c = a * b
    c = a / b
    c = a**2
    c = a**2.5
    c = a**b
    c = -a
    c = abs(b)
    # numbers on the right
    c = a + 1
    c = a - 1.5
    c = a * np.float64(2.0)
    c = a / 4
    # reflected forms: int, float and numpy scalars on the left
    c = 2 * a
    c = 2.5 * a
    c = np.float64(2.0) * a
    c = 1 - a
    c = 1.0 + a
    c = 3 / a
    c = 2**a
    c = 2.0**a
    assert isinstance(c, Value) and close(c.data, 4.0)
    assert isinstance(np.float64(2.0) * a, Value)  # numpy on the left defers to Value
    # numpy scalars that are not Python floats (what indexing an int64 or float32 array gives)
    k: np.int64 = np.int64(2)
    h: np.float32 = np.float32(0.5)
    c = k * a
    c = h * a
    c = a * k
    c = a - h
    c = a**k
    assert isinstance(c, Value) and close(c.data, 4.0)
    c.label = "c"
    assert c.label == "c"
    text: str = repr(c)
    assert text.startswith("Value(")


def methods() -> None:
    x = Value(0.5, label="x")
    results: list[Value] = [
        x.exp(), x.log(), x.sqrt(), x.tanh(), x.sigmoid(), x.relu(), x.leaky_relu(), x.leaky_relu(0.2),
        x.leaky_relu(Value(0.1)), x.softplus(), x.sin(), x.cos(), x.sum(), x.mean(),
    ]
    total = results[0]
    for r in results[1:]:
        total = total + r
    total.backward()
    g: float = x.grad
    assert math.isfinite(g)
    assert close(x.data, 0.5)
    assert x.is_leaf and x.requires_grad
    assert len(total._prev) == 2 and total._op == "+"
    assert x.item() == 0.5


def backward_and_updates() -> None:
    w = Value(0.3, label="w")
    b = Value(-0.1, label="b")
    x, y = 1.5, 2.0
    for _ in range(3):
        loss = (w * x + b - y) ** 2
        w.grad = 0.0
        b.grad = 0.0
        loss.backward()
        for p in (w, b):
            p.data -= 0.1 * p.grad
    # calling backward twice doubles a leaf's grad
    loss = w * w
    w.zero_grad()
    loss.backward()
    once = w.grad
    loss.backward()
    assert close(w.grad, 2 * once)
    # second order: grads become Values
    t = Value(1.2, label="t")
    f = t**3
    f.backward(create_graph=True)
    dfdt = t.grad
    assert isinstance(dfdt, Value) and close(dfdt.data, 3 * 1.2**2)
    t.grad = 0.0
    dfdt.backward()
    assert close(t.grad, 6 * 1.2)
    # a constant, a detached copy (a stop-gradient target) and unary +
    k = Value(3.0, requires_grad=False)
    assert not k.requires_grad and k.is_constant
    target = (w * 2).detach()
    gap = (w - target) ** 2
    gap.backward()
    assert not target.requires_grad and close(gap.data, w.data**2)
    same = +w
    assert tanh_by_hand(same).data < 1
    assert same is w


def functional() -> None:
    def f(x: Value) -> Value:
        return x.tanh() * x

    df = grad(f)
    d2f = grad(grad(f))
    first: float = df(0.5)
    second: float = d2f(0.5)
    assert close(first, math.tanh(0.5) + 0.5 * (1 - math.tanh(0.5) ** 2)) and math.isfinite(second)
    value, (dx, dy) = value_and_grad(lambda x, y: x * y + y.exp(), argnums=(0, 1))(2.0, 0.0)
    assert (value, dx, dy) == (1.0, 0.0, 3.0)
    ok: bool = gradcheck(lambda x, y: (x * y).sigmoid() / y, 0.3, 1.7, order=2)
    assert ok


def modes() -> None:
    w = Value(2.0)
    with no_grad():
        y = w * 3
    assert not y.requires_grad

    @no_grad()
    def frozen(v: Value) -> Value:
        return v * v

    assert frozen(w).is_constant
    with detect_anomaly():
        z = (w * w).log()
    z.backward()
    infinite = Value(math.inf)
    try:
        with detect_anomaly():
            _ = infinite - infinite
    except autograd.AnomalyError as error:
        assert "sub" in str(error)
    else:
        raise AssertionError("detect_anomaly let inf - inf = nan through")


def batches() -> None:
    x = Value(np.array([1.0, 2.0, 3.0]), requires_grad=False)
    assert isinstance(x, Batch)
    w = Value(0.5, label="w")
    loss = ((w * x - 1.0) ** 2).mean()
    loss.backward()
    assert close(loss.data, 1 / 6) and close(w.grad, 2 / 3)
    column: np.ndarray = (w * x).data
    assert column.shape == (3,)


CUBE = "cube_typed"  # a user op: its name, and the method define_op gives Value and Batch


def user_op() -> None:
    op: Op = autograd.define_op(CUBE, value="a ** 3", derivatives=("3.0 * a * a",), notation=("3a^2",))
    assert op.name == CUBE and autograd.OPS[CUBE] is op and op.formulas == ("d/da = 3a^2",)
    x = Value(2.0, label="x")
    y: Value = getattr(x, CUBE)()  # the method is added at run time, so a type checker cannot know it
    y.backward()
    assert y.data == 8.0 and x.grad == 12.0
    assert grad(lambda v: getattr(v, CUBE)())(3.0) == 27.0
    assert gradcheck(lambda v: getattr(v, CUBE)(), 0.7, order=2)


def tanh_by_hand(x: Value) -> Value:
    """The micrograd lecture's tanh: a node made by hand, with its own `_backward` closure."""
    t = (math.exp(2 * x.data) - 1) / (math.exp(2 * x.data) + 1)
    out = Value(t, (x,), "tanh")

    def _backward() -> None:
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def lecture_topo(root: Value) -> list[Value]:
    """The lecture's build_topo, over `_prev`."""
    topo: list[Value] = []
    visited: set[int] = set()

    def build(v: Value) -> None:
        if id(v) not in visited:
            visited.add(id(v))
            for child in v._prev:
                build(child)
            topo.append(v)

    build(root)
    return topo


def micrograd_lecture() -> None:
    x = Value(0.8813735870195432, label="x")
    o = tanh_by_hand(x * 1.0)
    o.label = "o"
    o.backward()
    assert close(o.data, math.sqrt(0.5)) and close(x.grad, 0.5)
    order = lecture_topo(o)
    assert order[0] is x and order[-1] is o


# --- teaching: graphs, the Stepper, explanations -------------------------------------------------


def lecture_graph() -> tuple[Value, Value]:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return L, a


def teaching() -> None:
    L, a = lecture_graph()
    L.backward()
    graph: graphviz.Digraph = draw_dot(L, format="svg", rankdir="LR")
    assert "digraph" in graph.source
    L.zero_grad()
    s = Stepper(L)
    first = s.step()
    assert first.index == 1 and "L" in repr(first)
    steps = 1
    for _ in s:  # iteration applies the remaining steps
        steps += 1
    assert steps == len(s) and s.done and close(a.grad, 6.0)
    s.back()
    assert "steps applied" in repr(s)
    assert s.current is not None and s.goto(0).position == 0 and s.current is None
    s.run()
    picture: graphviz.Digraph = s.draw()
    assert picture.source
    why: Explanation = explain(L, a)
    assert close(float(why), 6.0) and "dL/da" in str(why)
    listing: str = tape(L)
    assert "(output)" in listing


# --- nn: a Module of your own, the MLP, optimizers, fit, files -----------------------------------


class Affine(Module):
    """y = w * x + b, written as micrograd's examples write modules: Values as attributes, a __call__."""

    def __init__(self) -> None:
        self.w = Value(0.0, label="w")
        self.b = Value(0.0, label="b")

    def __call__(self, x: float | Value) -> Value:
        return self.w * x + self.b


def own_module() -> None:
    model = Affine()
    assert [name for name, _ in model.named_parameters()] == ["w", "b"]
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    xs, ys = [0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0]
    for _ in range(200):
        loss = sum(((model(x) - y) ** 2 for x, y in zip(xs, ys)), Value(0.0)) / len(xs)
        opt.zero_grad()
        loss.backward()
        opt.step()
    state: dict[str, float] = model.state_dict()
    assert abs(state["w"] - 2.0) < 1e-2 and abs(state["b"] - 1.0) < 1e-2


def mlp(directory: Path) -> None:
    X, y = make_moons(60, noise=0.1, seed=0)
    y = y * 2 - 1  # the hinge loss wants -1/+1
    model = MLP(2, [8, 8, 1], seed=1337)
    out = model([0.5, -0.25])
    assert isinstance(out, Value)
    optimizer = Adam(model.parameters(), lr=0.05)
    history: History = fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=20, l2=1e-4, progress=False,
                           schedule=LinearDecay(optimizer, total=20), validation=0.25, metrics=[nn.accuracy])
    assert len(history["loss"]) == history.epochs == 20 and "val_accuracy" in history
    scores: np.ndarray = predict(model, X)
    assert scores.shape == (60,)
    report: dict[str, float] = evaluate(model, X, y, loss="hinge")
    assert 0.0 <= report["accuracy"] <= 1.0
    graph = draw_dot(model(X[0].tolist()), model=model)
    assert graph.source
    path = directory / "moons.json"
    model.save(path)
    other = MLP(2, [8, 8, 1], seed=0)
    other.load(path)
    assert other.state_dict() == model.state_dict()
    other.load(str(path))
    model.zero_grad()
    assert nn.accuracy(scores, y) == report["accuracy"]


def own_training_loop() -> None:
    """micrograd's demo loop by hand: per-sample graphs, a loss from nn.losses, clipping, RMSprop."""
    X, y = make_moons(20, noise=0.1, seed=1)
    layer = nn.Layer(2, 3, seed=0)
    head = nn.Neuron(3, nonlin=False, seed=0)
    params = layer.parameters() + head.parameters()
    optimizer = RMSprop(params, lr=0.01)
    for _ in range(3):
        scores = [head(layer(row)) for row in X.tolist()]
        loss = nn.mse(scores, y) + nn.l2(params, 1e-4)
        optimizer.zero_grad()
        loss.backward()
        norm: float = clip_grad_norm(params, 1.0)
        assert norm >= 0
        optimizer.step()
    logits = [Value(1.0), Value(2.0), Value(0.5)]
    probabilities = nn.softmax(logits)
    assert close(sum(p.data for p in probabilities), 1.0)
    assert nn.cross_entropy([logits], [1]).data > 0


def compiled_and_new_nn() -> None:
    """Compiled mode, dropout, AdamW, the History as a mapping, diagnose: as a user's typed script uses them."""
    model = nn.MLP(2, [8, 1], dropout=0.1, seed=0)
    X, y = nn.data.make_moons(40, noise=0.1, seed=0)

    @autograd.compile
    def loss_fn(X: Any, y: Any) -> Value:
        return nn.hinge(model(X), y)

    compiled: autograd.compiled.Compiled = loss_fn
    checked = autograd.compile(lambda X, y: nn.hinge(model(X), y), check_every=10)
    optimizer = nn.AdamW(model.parameters(), lr=0.01)
    loss = compiled(X, y * 2.0 - 1.0)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    value: float = loss.item()
    program: autograd.compiled.Program = compiled.trace(X, y * 2.0 - 1.0)
    assert "def forward" in program.source and value > 0 and checked.calls == 0
    model.eval()
    history: nn.History = nn.fit(model.train(), X, y, loss="bce", epochs=2, progress=False, compile=True, l1=1e-4)
    series: dict[str, list[float]] = dict(history)
    assert "loss" in series and len(history["loss"]) == 2
    report: nn.Diagnosis = nn.diagnose(model, X, y, loss="bce", show=False)
    assert isinstance(report.findings, list)
    weights: list[tuple[np.ndarray, np.ndarray]] = model.to_arrays()
    assert weights[0][0].shape == (8, 2)
    scores: np.ndarray = nn.predict(model, X, compile=False)
    assert scores.shape == (40,)
    masked = autograd.sampled(lambda shape: np.ones(shape), 4)
    assert masked.data.shape == (4,)


def main() -> None:
    compiled_and_new_nn()
    operators()
    methods()
    micrograd_lecture()
    backward_and_updates()
    functional()
    modes()
    batches()
    user_op()
    teaching()
    own_module()
    with tempfile.TemporaryDirectory() as directory:
        mlp(Path(directory))
    own_training_loop()
    print("user_script: ok")


if __name__ == "__main__":
    main()
