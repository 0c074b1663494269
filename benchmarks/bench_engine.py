"""chainrule's engine benchmark: W1 chain, W2 deep chain, W3 micrograd's demo step, bytes per node.

Every engine runs the same workload code (benchmarks/workloads.py) in one process, interleaved
repeat by repeat, so the machine's noise hits all of them alike; compare the ratios, not the
absolute times. micrograd 0.1.0 is measured when installed (`uv run --group bench ...`).

    uv run --group bench python benchmarks/bench_engine.py [--quick] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads as w  # noqa: E402

from autograd import Value  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the optional `bench` group
    MicrogradValue = None


def timed(fn) -> float:
    gc.collect()  # start each job with no garbage from the last one (micrograd's graphs are cycles)
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def deep(fn):
    """micrograd's backward recurses once per node: let it, for the reference run only."""
    def run():
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 200_000))
        try:
            fn()
        finally:
            sys.setrecursionlimit(limit)
    return run


def chain_job(V, n, act):
    def run():
        out, _ = w.chain(V, n, act)
        out.backward()
    return run


def step_job(V, X, y):
    layers = w.mlp(V, [2, 16, 16, 1])
    return lambda: w.train_step(layers, X, y)


def float_step_job(X, y):
    weights = w.mlp(float, [2, 16, 16, 1])
    return lambda: w.float_forward(weights, X, y)


def bytes_per_node(V, X, y) -> tuple[float, float, int]:
    """tracemalloc bytes per node of W3's graph as built, and with every grad filled in."""
    layers = w.mlp(V, [2, 16, 16, 1])
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = w.demo_loss(layers, X, y)
    built = tracemalloc.get_traced_memory()[0] - before
    loss.backward()
    with_grads = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    nodes = w.count_nodes(loss) - len(w.parameters(layers))
    return built / nodes, with_grads / nodes, nodes


def measure(jobs: dict, repeat: int) -> dict[str, float]:
    """Median seconds per job, running the jobs in turn on every repeat."""
    times = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            times[name].append(timed(job))
    return {name: statistics.median(ts) for name, ts in times.items()}


def report(title: str, medians: dict[str, float], per: int, unit: str) -> None:
    print(f"\n{title}")
    base = medians.get("micrograd 0.1.0")
    for name, t in medians.items():
        value = t / per * (1e6 if unit == "us/node" else 1e3)
        ratio = f"{base / t:8.1f}x vs micrograd" if base else ""
        print(f"  {name:<24}{value:12.3f} {unit:<8}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script runs")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    n1, n2, samples = (3_000, 30_000, 10) if args.quick else (30_000, 1_000_000, 100)
    repeat = 2 if args.quick else args.repeat
    X, y = w.moons(samples)
    engines = {"chainrule": Value}
    if MicrogradValue is not None:
        engines["micrograd 0.1.0"] = MicrogradValue
    print(f"chainrule engine benchmark, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}, "
          f"median of {repeat}; micrograd {'present' if MicrogradValue else 'not installed'}")

    jobs = {name: (deep if V is MicrogradValue else lambda f: f)(chain_job(V, n1, "relu"))
            for name, V in engines.items()}
    jobs["chainrule (tanh chain)"] = chain_job(Value, n1, "tanh")
    jobs["plain floats, forward"] = lambda: w.float_chain(n1)
    report(f"W1  {n1:,}-op chain (*, +, relu), forward + backward", measure(jobs, repeat), n1, "us/node")

    t2 = measure({"chainrule": chain_job(Value, n2, "relu"), "plain floats, forward": lambda: w.float_chain(n2)},
                 max(1, repeat // 3))
    report(f"W2  {n2:,}-node chain, forward + backward (micrograd: RecursionError)", t2, 1, "ms")
    print(f"  under 3 s: {'yes' if t2['chainrule'] < 3.0 else 'NO'}, recursion limit {sys.getrecursionlimit()}")

    jobs = {name: step_job(V, X, y) for name, V in engines.items()}
    jobs["plain floats, forward"] = float_step_job(X, y)
    report(f"W3  micrograd demo step: MLP(2, [16, 16, 1]), {samples} samples, forward + backward + SGD",
           measure(jobs, repeat), 1, "ms")

    print("\nMemory per graph node of W3 (tracemalloc)")
    for name, V in engines.items():
        built, grads, nodes = bytes_per_node(V, X, y)
        print(f"  {name:<24}{built:8.0f} B as built  {grads:8.0f} B with grads   ({nodes:,} nodes)")


if __name__ == "__main__":
    main()
