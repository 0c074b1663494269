"""micrograd's classic, done with chainrule: train MLP(2, [16, 16, 1]) on two moons to 100%.

    uv run demos/main.py [--quick]
"""

from __future__ import annotations

import argparse

from nn import MLP, SGD, LinearDecay, fit
from nn.data import make_moons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few epochs, for the test suite")
    args = parser.parse_args()
    epochs = 5 if args.quick else 100

    X, y = make_moons(100, noise=0.1, seed=0)
    y = y * 2 - 1  # the max-margin loss wants labels -1/+1
    model = MLP(2, [16, 16, 1], seed=1337)
    print(model.summary())
    optimizer = SGD(model.parameters(), lr=1.0)
    history = fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=epochs, l2=1e-4,
                  schedule=LinearDecay(optimizer, total=100))
    print(f"after {history.epochs} epochs: loss {history['loss'][-1]:.4f}, "
          f"training accuracy {history['accuracy'][-1]:.0%}")
    for name, norms in history.grad_norms.items():
        print(f"  gradient norm of {name}: first epoch {norms[0]:.3g}, last epoch {norms[-1]:.3g}")


if __name__ == "__main__":
    main()
