"""nn benchmark: what `fit` adds over a bare forward/backward/step loop on micrograd's demo.

Both train MLP(2, [16, 16, 1]) on make_moons(100) with the hinge loss + 1e-4 L2 and SGD, full
batch, for the same number of epochs, interleaved repeat by repeat; the ratio is fit's overhead
(progress bar, history, per-layer gradient norms, metrics, the initial evaluation).

    uv run python benchmarks/bench_nn.py [--quick] [--epochs N] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time

from nn import MLP, SGD, fit, hinge, l2
from nn.data import make_moons


def bare(X, y, epochs: int) -> None:
    model = MLP(2, [16, 16, 1], seed=1)
    opt = SGD(model.parameters(), lr=0.05)
    rows, targets = X.tolist(), y
    for _ in range(epochs):
        loss = hinge([model(x) for x in rows], targets) + l2(model.parameters(), 1e-4)
        opt.zero_grad()
        loss.backward()
        opt.step()
        del loss  # as fit does: free the graph before building the next


def with_fit(X, y, epochs: int, progress: bool) -> None:
    model = MLP(2, [16, 16, 1], seed=1)
    fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.05), epochs=epochs, l2=1e-4,
        progress=progress)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    samples, epochs, repeat = (20, 2, 1) if args.quick else (100, args.epochs, args.repeat)
    X, y = make_moons(samples, noise=0.1, seed=0)
    y = y * 2 - 1
    jobs = {"bare loop": lambda: bare(X, y, epochs),
            "fit, progress=False": lambda: with_fit(X, y, epochs, False),
            "fit, progress bar": lambda: with_fit(X, y, epochs, True)}
    times = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            gc.collect()
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    print(f"\nnn benchmark, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}: MLP(2, [16, 16, 1]), "
          f"{samples} samples, {epochs} epochs, median of {repeat}")
    base = statistics.median(times["bare loop"])
    for name, ts in times.items():
        t = statistics.median(ts)
        print(f"  {name:<22}{t / epochs * 1e3:10.1f} ms/epoch   {100 * (t / base - 1):+6.1f}% vs bare loop")


if __name__ == "__main__":
    main()
