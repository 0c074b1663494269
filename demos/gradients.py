"""Vanishing and exploding gradients: per-layer gradient norms of a deep MLP, by activation and init.

Backpropagation multiplies, layer after layer, a weight by an activation's slope. A sigmoid's slope is
at most 1/4, so with micrograd's naive uniform(-1, 1) weights the product shrinks at every layer and
the first layers hardly learn (vanishing). Scaling the weights to the activation keeps the product
near 1: He init for ReLU (variance 2 / fan_in), Xavier init for tanh. Make the weights too large and
the product grows instead (exploding). One forward/backward pass on a batch shows it: `fit` for one
epoch with a tiny learning rate records each layer's gradient norm in `history.grad_norms`, and
`nn.diagnose` reads the same numbers (and the units' z) and says what is wrong and what to try.

    uv run demos/gradients.py [--quick] [--out DIR]
"""

from __future__ import annotations

import random

import plots
from common import Demo, section

from autograd import Value
from nn import MLP, SGD, fit
from nn.data import make_moons
from nn.diagnose import diagnose

WIDTH = 8
SETUPS = {  # name: (activation, init, weight scale on top of the init)
    "sigmoid, uniform(-1, 1)": ("sigmoid", "uniform", 1.0),
    "tanh, Xavier": ("tanh", "xavier", 1.0),
    "ReLU, He": ("relu", "he", 1.0),
    "ReLU, He x 3 (too large)": ("relu", "he", 3.0),
}


def layer_norms(X, y, depth: int, activation: str, init: str, scale: float) -> list[float]:
    """The gradient norm of each layer's parameters (first layer first) for one full-batch backward pass."""
    model = MLP(2, [WIDTH] * (depth - 1) + [1], activation=activation, init=init, seed=0)
    if scale != 1.0:
        model.load_state_dict({k: v * scale if ".w." in k else v for k, v in model.state_dict().items()})
    history = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=1e-12), epochs=1, progress=False)
    return [history.grad_norms[f"layers.{k}"][0] for k in range(depth)]


def health(X, y, depth: int) -> None:
    """diagnose on a deep sigmoid net with small weights (uniform(-0.5, 0.5): every layer multiplies the
    gradient by about 0.1) and on a healthy one of the same shape (tanh with Xavier init)."""
    sizes = [WIDTH] * (depth - 1) + [1]
    small = MLP(2, sizes, activation="sigmoid", seed=0)
    small.load_state_dict({k: v * 0.5 if ".w." in k else v for k, v in small.state_dict().items()})
    print("deep sigmoid, small initial weights uniform(-0.5, 0.5): diagnose(model, X, y, loss='bce')")
    diagnose(small, X, y, loss="bce")
    print("\nthe same shape with tanh and Xavier init:")
    diagnose(MLP(2, sizes, activation="tanh", init="xavier", seed=0), X, y, loss="bce")


def sigmoid_chain(demo: Demo, depth: int) -> None:
    """A one-unit-wide sigmoid chain h_k = sigmoid(w_k * h_(k-1)) (no biases, to keep the picture small):
    draw_dot colours and thickens each edge by the gradient flowing back along it."""
    rng = random.Random(0)
    h = Value(0.5, label="x")
    params = []
    for k in range(1, depth + 1):
        params.append(Value(rng.uniform(-1, 1), label=f"w{k}"))
        z = params[-1] * h
        z.label = f"z{k}"
        h = z.sigmoid()
        h.label = f"h{k}"
    h.backward()
    print(f"sigmoid chain of {depth} layers, uniform(-1, 1) weights: "
          + ", ".join(f"dh{depth}/dw{k} = {params[k - 1].grad:.2e}" for k in range(depth, 0, -1)))
    demo.graph(h, "sigmoid_chain.svg", parameters=params,
               title=f"{depth} sigmoids in a row: the gradient fades towards the input (pale edges)")


def main() -> None:
    demo = Demo(__doc__)
    depth, samples = demo.pick((6, 16), (10, 64))
    X, y = make_moons(samples, noise=0.1, seed=0)
    print(f"MLP(2, [{WIDTH}] * {depth - 1} + [1]): {depth} layers; one forward/backward pass on {samples} "
          "moons samples, binary cross-entropy")
    norms = {}
    for name, (activation, init, scale) in SETUPS.items():
        norms[name] = layer_norms(X, y, depth, activation, init, scale)

    section("gradient norm of each layer's weights and bias (layer 1 is next to the input)")
    print(f"{'layer':>5}" + "".join(f"{name:>26}" for name in norms))
    for k in range(depth):
        print(f"{k + 1:>5}" + "".join(f"{values[k]:>26.3e}" for values in norms.values()))
    print(f"{'ratio':>5}" + "".join(f"{values[0] / values[-1]:>26.3g}" for values in norms.values()))
    print(f"ratio = layer 1's norm / layer {depth}'s: far below 1 is a vanishing gradient.\n"
          "Too-large ReLU weights explode every layer at once: activations grow forwards as fast as gradients\n"
          "grow backwards, so the ratio stays near 1 while every norm is thousands of times too big.")

    fig, (ax,) = plots.figure(width=7.0, height=4.5)
    plots.curves(ax, norms, "gradient norm (log scale)", f"per-layer gradient norms of a {depth}-layer MLP, width "
                 f"{WIDTH}, at initialisation", log=True, xlabel="layer (1 = next to the input)", marker="o")
    ax.set_xticks(range(1, depth + 1))
    first = [values[0] for values in norms.values()]
    ax.set_ylim(bottom=min(first) / 30)  # room for the note under the lowest curve
    ax.annotate("vanishing: the first layers\nhardly get a gradient", (1, first[0]), xytext=(2.2, first[0] / 8),
                fontsize=9, arrowprops={"arrowstyle": "->"})
    ax.annotate("exploding: every layer's\ngradient far too large", (1, first[-1]), xytext=(2.2, first[-1] / 300),
                fontsize=9, arrowprops={"arrowstyle": "->"})
    plots.save(fig, demo.file("gradient_norms.png"))

    section("nn.diagnose: what is wrong, and what to try")
    health(X, y, depth)

    section("the same effect in one picture")
    sigmoid_chain(demo, depth=demo.pick(4, 6))
    demo.finish()


if __name__ == "__main__":
    main()
