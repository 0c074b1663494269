"""SGD, SGD with momentum, RMSprop and Adam on the same problem, from the same initial weights.

A fair race: one model is built with a seed and its `state_dict()` is loaded into a fresh copy for
each optimizer, the data, minibatches (fit's shuffling seed) and epochs are the same, so the only
difference between the four loss curves is the update rule. Each optimizer gets its usual learning
rate (plain SGD tolerates a larger one than the adaptive methods, which divide by a running RMS).

    uv run demos/optimizers.py [--quick] [--out DIR]
"""

from __future__ import annotations

import plots
from common import Demo, section

from nn import MLP, SGD, Adam, RMSprop, evaluate, fit
from nn.data import make_moons

SIZES = [8, 8, 1]
OPTIMIZERS = {  # name: (how to make it, its settings as printed)
    "SGD": (lambda p: SGD(p, lr=0.1), "lr 0.1"),
    "SGD + momentum": (lambda p: SGD(p, lr=0.1, momentum=0.9), "lr 0.1, momentum 0.9"),
    "RMSprop": (lambda p: RMSprop(p, lr=0.01), "lr 0.01, alpha 0.99"),
    "Adam": (lambda p: Adam(p, lr=0.01), "lr 0.01, betas (0.9, 0.999)"),
}
TARGET = 0.1  # report the first epoch whose mean loss is below this


def main() -> None:
    demo = Demo(__doc__)
    epochs = demo.pick(3, 80)
    X, y = make_moons(100, noise=0.1, seed=0)
    initial = MLP(2, SIZES, seed=0).state_dict()
    print(f"two moons, 100 points; MLP(2, {SIZES}) from one seeded initialisation; binary cross-entropy; "
          f"minibatches of 20; {epochs} epochs each")

    results = {}
    for name, (make, settings) in OPTIMIZERS.items():
        section(f"{name} ({settings})")
        model = MLP(2, SIZES)
        model.load_state_dict(initial)  # the same starting point for everyone
        history = fit(model, X, y, loss="bce", optimizer=make(model.parameters()), epochs=epochs, batch_size=20,
                      seed=0, progress=False)
        final = evaluate(model, X, y, loss="bce")
        below = next((e for e, v in enumerate(history["loss"], 1) if v < TARGET), None)
        results[name] = (settings, history, final, below)
        print(f"loss {history['loss'][0]:.4f} in epoch 1 -> {final['loss']:.4f} after epoch {epochs}; "
              f"training accuracy {final['accuracy']:.0%}")

    section("summary")
    reached = f"loss < {TARGET:g} from epoch"
    print(f"{'optimizer':<16} {'settings':<28} {'final loss':>10} {'accuracy':>9} {reached:>22}")
    for name, (settings, _, final, below) in results.items():
        print(f"{name:<16} {settings:<28} {final['loss']:>10.4f} {final['accuracy']:>9.0%} "
              f"{below if below else 'never':>22}")

    fig, (ax,) = plots.figure(width=7.0, height=4.5)
    plots.curves(ax, {f"{name} ({settings})": history["loss"] for name, (settings, history, _, _) in results.items()},
                 "mean binary cross-entropy (log scale)", f"four optimizers, same start: MLP(2, {SIZES}) on two moons",
                 log=True)
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)  # below: the curves need the room
    plots.save(fig, demo.file("optimizers.png"))
    demo.finish()


if __name__ == "__main__":
    main()
