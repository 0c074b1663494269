"""chainrule's batch-mode benchmark: micrograd's demo step with the whole batch in one graph.

W3 batch: MLP(2, [16, 16, 1]) on 100 two-moons samples, forward as ONE graph of Batches (each node
carries the 100 samples) + backward + SGD update, against micrograd 0.1.0 and chainrule's scalar
W3 (one graph node per sample and scalar), interleaved in one process so that the machine's noise
hits all of them alike: compare the ratios. Then micrograd's full 100-step training in batch mode,
and how a batch step scales with the batch size and the model's width.

    uv run --group bench python benchmarks/bench_batch.py [--quick] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads as w  # noqa: E402

from autograd import Value  # noqa: E402
from nn import MLP, SGD, LinearDecay, fit  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the optional `bench` group
    MicrogradValue = None


def columns(X) -> list[Value]:
    """The inputs as constant Batches, one per feature."""
    X = np.asarray(X, dtype=float)
    return [Value(X[:, j], requires_grad=False) for j in range(X.shape[1])]


def batch_loss(layers, inputs, y):
    """micrograd's demo loss on a batch: mean hinge over the samples + 1e-4 L2 over the parameters."""
    scores = w.forward(layers, inputs)  # workloads.forward, unchanged: its x is a list of Batches here
    data_loss = (1 + -y * scores).relu().mean()
    return data_loss + 1e-4 * sum(p * p for p in w.parameters(layers))


def batch_step(layers, inputs, y, lr: float = 0.1):
    """One training step in batch mode: forward (one graph), backward, SGD update."""
    return w.train_step(layers, inputs, y, lr, loss_fn=batch_loss)


def train(X, y, steps: int = 100, sizes=(2, 16, 16, 1)) -> tuple[float, float]:
    """micrograd's demo training in batch mode (lr = 1.0 - 0.9 k / steps); returns (loss, accuracy)."""
    layers = w.mlp(Value, list(sizes))
    inputs, y = columns(X), np.asarray(y, dtype=float)
    for k in range(steps):
        loss = batch_step(layers, inputs, y, lr=1.0 - 0.9 * k / steps)
    scores = w.forward(layers, inputs).data
    return loss.data, float(np.mean((scores > 0) == (y > 0)))


def timed(fn, inner: int = 1) -> float:
    """Seconds per call of fn, over `inner` calls, after a full collection (as bench_engine does)."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def measure(jobs: dict, repeat: int) -> dict[str, float]:
    """Median seconds per job, running the jobs in turn on every repeat. A job is (fn, calls per timing)."""
    times = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, (fn, inner) in jobs.items():
            times[name].append(timed(fn, inner))
    return {name: statistics.median(ts) for name, ts in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script runs")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    repeat = 2 if args.quick else args.repeat
    samples = 20 if args.quick else 100
    X, y = w.moons(samples)
    Xa, ya = np.array(X), np.array(y)
    print(f"chainrule batch benchmark, Python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"{time.strftime('%Y-%m-%d')}, median of {repeat}; micrograd "
          f"{'present' if MicrogradValue else 'not installed'}")

    inner = 5 if args.quick else 20  # batch steps per timing: a step is a few ms, and GC is amortized as in training
    batch_layers = w.mlp(Value, [2, 16, 16, 1])
    inputs = columns(Xa)
    jobs = {"chainrule batch": (lambda: batch_step(batch_layers, inputs, ya), inner)}
    scalar_layers = w.mlp(Value, [2, 16, 16, 1])
    jobs["chainrule scalar"] = (lambda: w.train_step(scalar_layers, X, y), 1)
    if MicrogradValue is not None:
        micro_layers = w.mlp(MicrogradValue, [2, 16, 16, 1])
        jobs["micrograd 0.1.0"] = (lambda: w.train_step(micro_layers, X, y), 1)
    medians = measure(jobs, repeat)
    nodes = w.count_nodes(batch_loss(batch_layers, inputs, ya))
    print(f"\nW3 batch  micrograd demo step: MLP(2, [16, 16, 1]), {samples} samples, forward + backward + SGD "
          f"({nodes:,} batch-graph nodes)")
    micro, batch = medians.get("micrograd 0.1.0"), medians["chainrule batch"]
    for name, t in medians.items():
        ratios = f"{micro / t:8.1f}x vs micrograd" if micro else ""
        ratios += f"{medians['chainrule scalar'] / t:8.1f}x vs scalar" if name != "chainrule scalar" else ""
        print(f"  {name:<22}{t * 1e3:10.3f} ms {ratios}")
    if micro:
        print(f"  target >= 200x micrograd: {'yes' if micro / batch >= 200 else 'NO'} ({micro / batch:.0f}x)")

    steps = 20 if args.quick else 100
    runs = [timed(lambda: train(Xa, ya, steps)) for _ in range(max(3, repeat // 2))]
    loss, acc = train(Xa, ya, steps)
    t = statistics.median(runs)
    print(f"\nmicrograd's demo training in batch mode: {steps} steps, lr 1.0 -> 0.1, {samples} samples")
    print(f"  {t:.3f} s   (target < 0.5 s: {'yes' if t < 0.5 else 'NO'});  final loss {loss:.4f}, "
          f"accuracy {acc:.0%}")

    def with_fit():
        model = MLP(2, [16, 16, 1], seed=1337)
        opt = SGD(model.parameters(), lr=1.0)
        return fit(model, Xa, ya, loss="hinge", optimizer=opt, epochs=steps, l2=1e-4,
                   schedule=LinearDecay(opt, total=steps), progress=False)

    runs = [timed(with_fit) for _ in range(max(3, repeat // 2))]
    history = with_fit()
    print(f"  nn.fit (batch mode, history and metrics): {statistics.median(runs):.3f} s, "
          f"accuracy {history['accuracy'][-1]:.0%}")

    print("\nBatch step (forward + backward + SGD) vs batch size, MLP(2, [16, 16, 1])")
    print(f"  {'samples':>8}{'step':>12}{'per sample':>14}{'vs scalar per sample':>24}")
    scalar_per_sample = medians["chainrule scalar"] / samples
    for n in (10, 100) if args.quick else (10, 100, 1_000, 10_000):
        Xn, yn = w.moons(n)
        layers, cols, yv = w.mlp(Value, [2, 16, 16, 1]), columns(Xn), np.array(yn)
        job = (lambda a=layers, b=cols, c=yv: batch_step(a, b, c), max(1, inner * 100 // n))
        t = measure({"step": job}, repeat)["step"]
        print(f"  {n:>8,}{t * 1e3:10.3f} ms{t / n * 1e6:11.2f} us{scalar_per_sample / (t / n):22.0f}x")

    print(f"\nBatch step vs model width, MLP(2, [h, h, 1]), {samples} samples")
    print(f"  {'hidden':>8}{'parameters':>12}{'nodes':>8}{'step':>12}")
    for h in (8, 16) if args.quick else (8, 16, 32, 64):
        layers = w.mlp(Value, [2, h, h, 1])
        job = (lambda a=layers: batch_step(a, inputs, ya), max(1, inner * 16 // h))
        t = measure({"step": job}, repeat)["step"]
        nodes = w.count_nodes(batch_loss(layers, inputs, ya))
        print(f"  {h:>8}{len(w.parameters(layers)):>12,}{nodes:>8,}{t * 1e3:10.3f} ms")


if __name__ == "__main__":
    main()
