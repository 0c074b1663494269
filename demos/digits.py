"""Handwritten digits: a scalar MLP trained on real data in seconds, in compiled mode.

The 1,797 8x8 digit images that scikit-learn ships inside its package (nothing is downloaded),
an MLP(64, [32, 10]) written with scalar Values like every other chainrule model, softmax
cross-entropy, Adam and a little L2, with a held-out test split. `fit(compile=True)` traces the scalar graph
once and runs it as a numpy program (`autograd.compile`): the graph of one minibatch has ~4,500
nodes, and compiled mode runs each epoch as a few dozen matrix operations. The eager batch-mode
time of one epoch is printed beside it, and the compiled program is printed: the matrix form of
backprop, derived from the scalars.

    uv run demos/digits.py [--quick] [--out DIR]
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import plots
from common import Demo, section

import autograd
from nn import MLP, Adam, cross_entropy, fit, predict
from nn.data import one_hot, train_test_split


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): the 1,797 images as rows of 64 pixels 0..16, and their digits. Read with numpy from the file
    scikit-learn's `load_digits` reads, inside its installed package: importing scikit-learn itself takes
    ~3 s here, longer than training the model (tests/test_demos.py checks the two agree)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("digits.py needs scikit-learn, for its bundled digits: uv sync (it is in the demos group)")
    data = np.loadtxt(Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz",
                      delimiter=",")
    return data[:, :-1], data[:, -1].astype(int)


def main() -> None:
    demo = Demo(__doc__)
    pixels, y = load_digits()
    X = pixels / 16.0  # pixels 0..16 -> 0..1
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    epochs, batch = demo.pick(3, 40), 64
    model = MLP(64, [32, 10], seed=0)
    print(f"{len(X_train)} training and {len(X_test)} test images of 8x8 pixels; {model}")

    section("eager batch mode (a graph of Batches per minibatch), for comparison")
    eager_model, part = MLP(64, [32, 10], seed=0), 5 * batch  # an epoch's first 5 minibatches, timed
    started = time.perf_counter()
    fit(eager_model, X_train[:part], y_train[:part], loss="cross_entropy", epochs=1, batch_size=batch, l2=1e-3,
        optimizer=Adam(eager_model.parameters(), lr=0.01), progress=False, compile=False)
    eager_epoch = (time.perf_counter() - started) * len(X_train) / part
    print(f"eager batch mode: {eager_epoch:.2f} s per epoch (timed on {part} of the {len(X_train)} images)")

    section(f"training in compiled mode: Adam lr 0.01, L2 1e-3, minibatches of {batch}, {epochs} epochs")
    started = time.perf_counter()
    history = fit(model, X_train, y_train, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.01),
                  epochs=epochs, batch_size=batch, l2=1e-3, validation=(X_test, y_test), progress=False,
                  compile=True)
    trained = time.perf_counter() - started
    print(f"compiled: {trained:.2f} s for {epochs} epochs ({trained / epochs:.3f} s per epoch, "
          f"{eager_epoch / (trained / epochs):.0f}x eager batch mode)")
    for e in sorted({0, *range(9, epochs, 10), epochs - 1}):
        print(f"  epoch {e + 1:>3}: loss {history['loss'][e]:.4f}, training accuracy {history['accuracy'][e]:.1%}, "
              f"test accuracy {history['val_accuracy'][e]:.1%}")
    guesses = predict(model, X_test).argmax(axis=1)
    accuracy = float(np.mean(guesses == y_test))
    print(f"test accuracy: {accuracy:.1%} ({int(np.sum(guesses != y_test))} of {len(y_test)} test digits wrong)")

    section("the program compiled mode runs: the matrix form of backprop, from the scalar graph")
    program = autograd.compile(lambda X, Y: cross_entropy(model(X), Y)).trace(X_train[:batch],
                                                                             one_hot(y_train[:batch], 10))
    print(program)

    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (y_test, guesses), 1)
    print("confusion matrix (rows: true digit, columns: predicted):")
    print("\n".join("  " + " ".join(f"{c:3d}" for c in row) for row in confusion))
    _pictures(demo, X_test, y_test, guesses, confusion, history)
    demo.finish()


def _pictures(demo: Demo, X: np.ndarray, y: np.ndarray, guesses: np.ndarray, confusion: np.ndarray,
              history: object) -> None:
    fig, axes = plots.figure(ncols=8, width=1.3, height=2.0)
    wrong = list(np.flatnonzero(guesses != y)[:4])
    shown = wrong + [i for i in range(len(y)) if i not in wrong][: 8 - len(wrong)]
    for ax, i in zip(axes, shown):
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{guesses[i]}" + ("" if guesses[i] == y[i] else f" (is {y[i]})"),
                     color="black" if guesses[i] == y[i] else "crimson", fontsize=9)
        ax.axis("off")
    fig.suptitle("test digits and the model's guesses (wrong ones in red)", fontsize=9)
    plots.save(fig, demo.file("digits_predictions.png"))

    fig, axes = plots.figure(ncols=2, width=5.0, height=4.2)
    axes[0].imshow(confusion, cmap="Blues")
    axes[0].set(xlabel="predicted", ylabel="true digit", title="confusion matrix (test)", xticks=range(10),
                yticks=range(10))
    for (r, c), count in np.ndenumerate(confusion):
        if count:
            axes[0].text(c, r, str(count), ha="center", va="center", fontsize=7,
                         color="white" if count > confusion.max() / 2 else "black")
    plots.curves(axes[1], {"training": history["loss"], "test": history["val_loss"]},  # type: ignore[index]
                 "cross-entropy", "loss per epoch", log=True)
    plots.save(fig, demo.file("digits_training.png"))


if __name__ == "__main__":
    main()
