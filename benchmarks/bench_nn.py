"""nn benchmark: what `fit` adds over a hand-written training loop doing the same work, in each graph mode.

Both train MLP(2, [16, 16, 1]) on make_moons(100) with the hinge loss + 1e-4 L2 and SGD, full batch,
for the same number of epochs, and are compared like with like:
- batch mode: `fit(batch_mode=True, compile=False)` against a loop that calls the model on the whole
  2-D array X (one eager graph of Batches per epoch; fit's compiled mode, which runs that graph as a
  traced numpy program, is measured against the eager engine in bench_compiled.py);
- per-sample graphs: `fit(batch_mode=False)` against micrograd's loop, one graph per sample.
The difference is fit's overhead: argument checks, history, accuracy, per-layer gradient norms, the
tqdm progress bar (in its own row), and one evaluation of the model before training (one forward pass
per fit call, so its share shrinks as the epochs grow). Each mode gets its own epoch count, so that
both take long enough to time (a batch-mode epoch is about 30x faster). Jobs are interleaved repeat
by repeat with the garbage collector run before each, and timed in CPU time of this process
(`time.process_time`), so time spent waiting while other programs run does not count; the best of the
repeats is reported, because on a shared, noisy machine the minimum is the run least disturbed.

    uv run python benchmarks/bench_nn.py [--quick] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

from nn import MLP, SGD, fit, hinge, l2
from nn.data import make_moons


def hand_written(X, y, epochs: int, batch_mode: bool) -> None:
    """What fit does at its core, written out: forward, loss + L2, zero_grad, backward, step."""
    model = MLP(2, [16, 16, 1], seed=1)
    params = model.parameters()
    opt = SGD(params, lr=0.05)
    rows = X.tolist()
    for _ in range(epochs):
        outputs = model(X) if batch_mode else [model(x) for x in rows]  # one graph, or one per sample
        loss = hinge(outputs, y) + l2(params, 1e-4)
        opt.zero_grad()
        loss.backward()
        opt.step()
        del outputs, loss  # as fit does: free the graph before building the next


def with_fit(X, y, epochs: int, batch_mode: bool, progress: bool = False) -> None:
    model = MLP(2, [16, 16, 1], seed=1)
    fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.05), epochs=epochs, l2=1e-4,
        progress=progress, batch_mode=batch_mode, compile=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat: checks the script runs")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    samples, batch_epochs, sample_epochs, repeat = (20, 3, 2, 1) if args.quick else (100, 200, 20, args.repeat)
    X, y = make_moons(samples, noise=0.1, seed=0)
    y = y * 2 - 1
    # (mode, job): {job name: (epochs, run)}; the first job of each mode is its baseline
    modes = {
        f"batch mode, {batch_epochs} epochs": {
            "hand-written batch loop": (batch_epochs, lambda: hand_written(X, y, batch_epochs, True)),
            "fit(batch_mode=True, compile=False)": (batch_epochs, lambda: with_fit(X, y, batch_epochs, True)),
            "fit, with progress bar": (batch_epochs, lambda: with_fit(X, y, batch_epochs, True, True)),
        },
        f"per-sample graphs, {sample_epochs} epochs": {
            "hand-written per-sample loop": (sample_epochs, lambda: hand_written(X, y, sample_epochs, False)),
            "fit(batch_mode=False)": (sample_epochs, lambda: with_fit(X, y, sample_epochs, False)),
        },
    }
    times: dict[str, list[float]] = {name: [] for jobs in modes.values() for name in jobs}
    for _ in range(repeat):
        for jobs in modes.values():
            for name, (_, job) in jobs.items():
                gc.collect()
                start = time.process_time()
                job()
                times[name].append(time.process_time() - start)
    print(f"\nnn benchmark (fit's overhead), Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}: "
          f"MLP(2, [16, 16, 1]), {samples} samples, full batch, CPU time, best of {repeat}")
    for mode, jobs in modes.items():
        print(f"  {mode}:")
        per_epoch = {name: min(times[name]) / epochs for name, (epochs, _) in jobs.items()}
        base = next(iter(per_epoch.values()))
        for i, (name, t) in enumerate(per_epoch.items()):
            versus = "(the baseline)" if i == 0 else f"{100 * (t / base - 1):+6.1f}% vs the loop"
            print(f"    {name:<38}{t * 1e3:9.2f} ms/epoch   {versus}")


if __name__ == "__main__":
    main()
