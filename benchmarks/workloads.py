"""The benchmark's workloads, written once against any Value class with micrograd's API.

Each engine (chainrule, micrograd 0.1.0) runs the very same code; plain Python floats run the
same arithmetic without a graph, as the floor.
"""

from __future__ import annotations

import math
import random


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles, labels -1/+1 (micrograd's demo data, without scikit-learn)."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = rng.uniform(0.0, math.pi)
        top = i % 2 == 0
        px, py = (math.cos(t), math.sin(t)) if top else (1.0 - math.cos(t), 0.5 - math.sin(t))
        X.append([px + rng.gauss(0.0, noise), py + rng.gauss(0.0, noise)])
        y.append(-1.0 if top else 1.0)
    return X, y


def chain(V, n_ops: int, act: str = "relu"):
    """W1/W2: a chain x -> act(x * w + c) repeated, n_ops graph ops in all. Returns (output, leaves)."""
    w, c = V(0.999), V(0.001)
    x = V(0.5)
    for _ in range(n_ops // 3):
        x = getattr(x * w + c, act)()
    return x, (w, c)


def float_chain(n_ops: int, act: str = "relu") -> float:
    f = (lambda v: v if v > 0.0 else 0.0) if act == "relu" else math.tanh
    x = 0.5
    for _ in range(n_ops // 3):
        x = f(x * 0.999 + 0.001)
    return x


def mlp(V, sizes: list[int], seed: int = 1) -> list[list[tuple[list, object]]]:
    """Weights uniform(-1, 1), bias 0, as micrograd's Neuron. layers[l][j] = (weights, bias)."""
    rng = random.Random(seed)
    return [[([V(rng.uniform(-1.0, 1.0)) for _ in range(nin)], V(0.0)) for _ in range(nout)]
            for nin, nout in zip(sizes, sizes[1:])]


def parameters(layers) -> list:
    return [p for layer in layers for w, b in layer for p in (*w, b)]


def forward(layers, x):
    """micrograd's MLP call: ReLU hidden layers, linear output, sum(w*x, b) per neuron."""
    for depth, layer in enumerate(layers):
        last = depth == len(layers) - 1
        outs = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
        x = outs if last else [o.relu() for o in outs]
    return x[0]


def demo_loss(layers, X, y):
    """micrograd's demo loss: mean max-margin hinge + 1e-4 L2 over all parameters."""
    scores = [forward(layers, x) for x in X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + 1e-4 * sum(p * p for p in parameters(layers))


def train_step(layers, X, y, lr: float = 0.1, loss_fn=None):
    """W3: forward over the batch, backward, SGD update (micrograd's demo, one step)."""
    loss = (loss_fn or demo_loss)(layers, X, y)
    params = parameters(layers)
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss


def float_forward(weights, X, y) -> float:
    """The same forward pass as `demo_loss` on plain floats (no graph, no backward)."""
    total = 0.0
    for x, yi in zip(X, y):
        h = x
        for depth, layer in enumerate(weights):
            outs = [sum((wi * xi for wi, xi in zip(w, h)), b) for w, b in layer]
            h = outs if depth == len(weights) - 1 else [o if o > 0.0 else 0.0 for o in outs]
        total += max(1.0 - yi * h[0], 0.0)
    reg = sum(p * p for layer in weights for w, b in layer for p in (*w, b))
    return total / len(X) + 1e-4 * reg


def count_nodes(root) -> int:
    """Nodes in a graph (any engine with micrograd's `_prev`)."""
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
    return len(seen)
