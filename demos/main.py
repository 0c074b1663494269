"""micrograd's classic, done with chainrule: train MLP(2, [16, 16, 1]) on two moons to 100% training accuracy.

This is the README's first command. It is micrograd's demo notebook with the same data, model, loss
(max-margin hinge + L2 1e-4) and learning-rate schedule (SGD, lr 1.0 decaying linearly to 0.1), run
by `nn.fit`, and then shown: the decision boundary, the training curves, and the computation graph of
one neuron on one sample, which is what backpropagation actually works on. The graph is an SVG drawn by
Graphviz's `dot` program; without Graphviz the plots are still written, and the demo closes by saying
how to get the graph.

    uv run demos/main.py [--quick] [--out DIR]
"""

from __future__ import annotations

import plots
from common import Demo, section

from autograd import Value
from nn import MLP, SGD, LinearDecay, evaluate, fit
from nn.data import make_moons

# Checked: 100% training accuracy from epoch 54 on, and the first hidden neuron is active (not a dead
# ReLU) on the first sample, so its graph shows gradients flowing rather than zeros.
DATA_SEED, MODEL_SEED = 0, 6


def report(history) -> None:
    """Loss, accuracy and learning rate every few epochs, and when the training set was first all right."""
    every = max(1, history.epochs // 10)
    print(f"{'epoch':>6} {'loss':>9} {'accuracy':>9} {'lr':>7}")
    for e in sorted({0, *range(every - 1, history.epochs, every), history.epochs - 1}):
        print(f"{e + 1:>6} {history['loss'][e]:>9.4f} {history['accuracy'][e]:>9.0%} {history['lr'][e]:>7.3f}")
    perfect = [e for e, a in enumerate(history["accuracy"], 1) if a == 1.0]
    if not perfect:
        print("not yet 100% training accuracy in any epoch")
        return
    stays = next(e for e in perfect if all(a == 1.0 for a in history["accuracy"][e - 1:]))
    print(f"first 100% training accuracy in epoch {perfect[0]}"
          + (f", and 100% in every epoch from {stays} on" if stays != perfect[0] else ", and it stayed there"))


def one_neuron(demo: Demo, model: MLP, x: list[float]) -> None:
    """The first hidden neuron on the first sample: relu(w1*x1 + w2*x2 + b), backward from its output."""
    neuron = model.layers[0].neurons[0]
    for p, name in zip([*neuron.w, neuron.b], ["w1", "w2", "b"]):
        p.label = name
    inputs = [Value(v, label=f"x{i}") for i, v in enumerate(x, 1)]
    model.zero_grad()
    out = neuron(inputs)
    out.label = "out"
    out.backward()
    print(f"neuron 1 of layer 1 on sample 1: out = relu(w1*x1 + w2*x2 + b) = {out.data:.4f}")
    for v in [*inputs, *neuron.parameters()]:
        print(f"  d out/d {v.label:<2} = {v.grad:.4f}")
    demo.graph(out, "moons_neuron.svg", parameters=neuron.parameters(), rankdir="TB",
               title="first hidden neuron on the first sample, after out.backward()")


def main() -> None:
    demo = Demo(__doc__)
    epochs = demo.pick(5, 100)
    X, y = make_moons(100, noise=0.1, seed=DATA_SEED)
    y = y * 2 - 1  # the max-margin loss wants labels -1/+1
    model = MLP(2, [16, 16, 1], seed=MODEL_SEED)
    print(model.summary())

    section(f"training for {epochs} epochs: hinge loss + L2 1e-4, SGD with lr 1.0 decaying linearly over 100 epochs")
    optimizer = SGD(model.parameters(), lr=1.0)
    history = fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=epochs, l2=1e-4,
                  schedule=LinearDecay(optimizer, total=100))
    report(history)
    final = evaluate(model, X, y, loss="hinge")
    print(f"after {history.epochs} epochs: loss {final['loss']:.4f}, training accuracy {final['accuracy']:.0%}")

    section("pictures")
    fig, (ax,) = plots.figure(width=6.0, height=5.0)
    plots.regions(ax, model, X, y, steps=demo.pick(25, 40), names=["class -1 (upper moon)", "class +1 (lower moon)"])
    ax.set_title(f"MLP(2, [16, 16, 1]) after {history.epochs} epochs: {final['accuracy']:.0%} of 100 points right")
    plots.save(fig, demo.file("moons_boundary.png"))

    fig, (left, right) = plots.figure(ncols=2, width=5.0, height=3.8)
    plots.curves(left, {"hinge loss": history["loss"]}, "mean hinge loss (log scale)", "training loss (without L2)",
                 log=True)
    plots.curves(right, {"accuracy": [100 * a for a in history["accuracy"]]}, "training accuracy (%)",
                 "training accuracy")
    right.set_ylim(40, 102)
    plots.save(fig, demo.file("moons_training.png"))

    one_neuron(demo, model, X[0].tolist())
    demo.finish()


if __name__ == "__main__":
    main()
