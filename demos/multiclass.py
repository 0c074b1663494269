"""Three classes: a 3-arm spiral learned with softmax cross-entropy, and the regions the network carves out.

With more than two classes the network outputs one score (logit) per class; softmax turns them into
probabilities and the cross-entropy loss is -log(probability of the right class). `nn.cross_entropy`
computes it through log-softmax with the largest logit subtracted, so it never overflows. The
spiral (the CS231n toy problem) cannot be split by straight lines, so the hidden layers must bend
the plane: the picture shows where each class wins the argmax.

    uv run demos/multiclass.py [--quick] [--out DIR]
"""

from __future__ import annotations

import numpy as np
import plots
from common import Demo, section

from nn import MLP, Adam, evaluate, fit, predict
from nn.data import make_spiral

CLASSES = 3


def main() -> None:
    demo = Demo(__doc__)
    epochs = demo.pick(2, 25)
    X, y = make_spiral(300, classes=CLASSES, noise=0.2, seed=0)
    model = MLP(2, [16, 16, CLASSES], seed=0)
    print(f"spiral: {len(X)} points, {CLASSES} classes")
    print(model.summary())

    section(f"training: softmax cross-entropy, Adam lr 0.02, minibatches of 30, {epochs} epochs")
    history = fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.02), epochs=epochs,
                  batch_size=30, seed=0)
    for e in sorted({0, *range(4, epochs, 5), epochs - 1}):
        print(f"  epoch {e + 1:>3}: loss {history['loss'][e]:.4f}, accuracy {history['accuracy'][e]:.1%}")
    final = evaluate(model, X, y, loss="cross_entropy")
    guesses = predict(model, X).argmax(axis=1)
    print(f"after {epochs} epochs: loss {final['loss']:.4f}, training accuracy {final['accuracy']:.1%}")
    for k in range(CLASSES):
        print(f"  class {k}: {np.mean(guesses[y == k] == k):.1%} of its {np.sum(y == k)} points right")

    fig, (ax,) = plots.figure(width=6.0, height=5.5)
    plots.regions(ax, model, X, y, steps=demo.pick(25, 50), names=[f"class {k}" for k in range(CLASSES)])
    ax.set_title(f"MLP(2, [16, 16, {CLASSES}]) on a {CLASSES}-arm spiral: {final['accuracy']:.1%} training accuracy")
    plots.save(fig, demo.file("spiral_regions.png"))
    demo.finish()


if __name__ == "__main__":
    main()
