"""chainrule's compiled-mode benchmark: `autograd.compile` against batch mode, PyTorch and jax.jit, one thread each.

W3 is micrograd's demo step (MLP(2, [16, 16, 1]) on 100 two-moons samples, hinge loss + 1e-4 L2, forward +
backward + SGD update). Every engine runs in this one process with one thread (numpy's OpenBLAS, torch,
XLA), and what to compare is the ratios, not the absolute times. A step time is the minimum over many single
calls, each timed alone on the wall clock: in each round every engine runs three steps back to back (as in
training, the caches hold the step's own data), the engines taking turns round by round so that the
machine's noise hits all of them alike. On a shared, noisy machine the minimum is the call that no other
process interrupted; longer runs (compiling, the demo training) are timed by the process's CPU time (all its
threads), which the other processes' load does not inflate as it does the wall clock (--wall to use that).
torch and jax are optional (`uv run --group bench ...`): without them their rows say "skipped (not installed)".

Sections: 1. the W3 step per engine; 2. compiled vs PyTorch as the batch and the width grow; 3. compile
time; 4. micrograd's 100-step demo training, compiled; 5. where a compiled W3 step's time goes; 6. the
generated program's costliest lines. Every configuration is also checked: compiled gradients against
batch-mode eager ones (and torch's and jax's), max relative difference (|difference| / largest |grad|).

    uv run --group bench python benchmarks/bench_compiled.py [--quick] [--repeat N]
"""

from __future__ import annotations

import os

# One thread everywhere, set before numpy, torch or jax is imported: the comparison is engine against engine.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ["JAX_ENABLE_X64"] = "1"

import argparse  # noqa: E402
import ast  # noqa: E402
import gc  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import autograd  # noqa: E402
from autograd import Value  # noqa: E402
from nn import MLP, SGD  # noqa: E402
from nn.data import make_moons  # noqa: E402

try:
    import torch
except ImportError:  # the optional `bench` group
    torch = None
try:
    import jax
    import jax.numpy as jnp
except ImportError:
    jax = jnp = None

SKIPPED = "skipped (not installed)"
clock = time.process_time  # CPU time of this process (all its threads): other processes' load does not count
L2 = 1e-4
LR = 0.05  # for the timed steps (the demo training has its own schedule)
checks: list[tuple[str, float]] = []  # (configuration, max relative difference of compiled vs eager grads)


# ---------------------------------------------------------------- data, models, losses


def moons(n: int) -> tuple[np.ndarray, np.ndarray]:
    """make_moons(n, noise=0.1), labels -1/+1, as micrograd's demo."""
    X, y = make_moons(n, noise=0.1, seed=0)
    return X, y * 2.0 - 1.0


def hinge_l2(model: MLP, scores: bool = False) -> Callable[[Any, Any], Any]:
    """micrograd's demo loss on `model`: mean(relu(1 - y * score)) + 1e-4 * sum(p * p) (and the scores)."""
    params = model.parameters()

    def loss_fn(X, y):
        s = model(X)
        loss = (1 + -y * s).relu().mean() + L2 * sum((p * p for p in params), Value(0.0, requires_grad=False))
        return (loss, s) if scores else loss

    return loss_fn


def grads_of(model: MLP) -> np.ndarray:
    return np.array([float(p.grad) for p in model.parameters()])


def layer_grads(model: MLP) -> np.ndarray:
    """The grads flattened as torch's and jax's parameters are: per layer W (out, in) row by row, then b."""
    parts = []
    for layer in model.layers:
        parts.append(np.array([[float(w.grad) for w in n.w] for n in layer.neurons]).ravel())
        parts.append(np.array([float(n.b.grad) for n in layer.neurons]))
    return np.concatenate(parts)


def relative(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| relative to the largest |b| (not entry by entry: a grad that cancels to ~0 would turn any
    rounding into a huge relative difference)."""
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


class Chainrule:
    """One chainrule MLP with its loss, compiled once, and an nn.SGD: the compiled and batch-mode steps.

    Batch mode steps a twin of the model (the same seed): compiling moves the model's parameters into
    arrays (autograd.Storage), where batch mode reads each of them through a property, ~35% slower; the
    row shows batch mode as it runs on the Values a model starts with."""

    def __init__(self, width: int, X: np.ndarray, y: np.ndarray) -> None:
        self.model = MLP(2, [width, width, 1], seed=1)
        self.X, self.y = X, y
        self.loss_fn = hinge_l2(self.model)
        self.compiled = autograd.compile(self.loss_fn)
        self.opt = SGD(self.model.parameters(), lr=LR)
        twin = MLP(2, [width, width, 1], seed=1)
        self.twin_loss, self.twin_opt = hinge_l2(twin), SGD(twin.parameters(), lr=LR)

    def compiled_step(self) -> None:
        loss = self.compiled(self.X, self.y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()

    def eager_step(self) -> None:
        loss = self.twin_loss(self.X, self.y)  # model(X) on the 2-D array: one graph of column Batches
        self.twin_opt.zero_grad()
        loss.backward()
        self.twin_opt.step()

    def check(self, name: str) -> tuple[float, np.ndarray, float]:
        """Compiled vs eager grads at the current parameters (recorded in `checks`): (difference, grads, loss)."""
        self.opt.zero_grad()
        eager = self.loss_fn(self.X, self.y)
        eager.backward()
        expected = grads_of(self.model)
        self.opt.zero_grad()
        loss = self.compiled(self.X, self.y)
        loss.backward()
        got = grads_of(self.model)
        diff = max(relative(got, expected), abs(loss.data - eager.data) / abs(eager.data))
        checks.append((name, diff))
        torch_order = layer_grads(self.model)
        self.opt.zero_grad()
        return diff, torch_order, float(loss.data)


class Torch:
    """The same MLP as nn.Sequential of float64 nn.Linear, the same loss, torch.optim.SGD."""

    def __init__(self, model: MLP, X: np.ndarray, y: np.ndarray) -> None:
        self.net = model.to_torch()
        self.params = list(self.net.parameters())
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y)
        self.opt = torch.optim.SGD(self.params, lr=LR)

    def loss(self):
        s = self.net(self.X).squeeze(1)
        return torch.relu(1 - self.y * s).mean() + L2 * sum((p * p).sum() for p in self.params)

    def step(self) -> None:
        loss = self.loss()
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()

    def grads(self) -> tuple[np.ndarray, float]:
        self.opt.zero_grad()
        loss = self.loss()
        loss.backward()
        flat = np.concatenate([p.grad.numpy().ravel() for p in self.params])
        self.opt.zero_grad()
        return flat, loss.item()


def jax_loss(params, X, y):
    h = X
    for k, (W, b) in enumerate(params):
        h = h @ W.T + b
        if k < len(params) - 1:
            h = jnp.maximum(h, 0.0)
    s = h[:, 0]
    return jnp.mean(jnp.maximum(1 - y * s, 0.0)) + L2 * sum(jnp.sum(W * W) + jnp.sum(b * b) for W, b in params)


def _jax_step(params, X, y, lr):
    loss, grads = jax.value_and_grad(jax_loss)(params, X, y)
    return loss, jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)


class Jax:
    """The same MLP as a list of (W, b), a jitted value_and_grad + SGD update (jax.jit, x64)."""

    step_fn: Any = None
    grad_fn: Any = None

    def __init__(self, model: MLP, X: np.ndarray, y: np.ndarray) -> None:
        if Jax.step_fn is None:
            Jax.step_fn = jax.jit(_jax_step)
        self.params = [(jnp.asarray(W), jnp.asarray(b)) for W, b in model.to_arrays()]
        self.X, self.y = jnp.asarray(X), jnp.asarray(y)

    def step(self) -> None:
        loss, self.params = Jax.step_fn(self.params, self.X, self.y, LR)
        jax.block_until_ready((loss, self.params))

    def grads(self) -> tuple[np.ndarray, float]:
        if Jax.grad_fn is None:
            Jax.grad_fn = jax.jit(jax.value_and_grad(jax_loss))
        loss, grads = Jax.grad_fn(self.params, self.X, self.y)
        return np.concatenate([np.asarray(a).ravel() for pair in grads for a in pair]), float(loss)


# ---------------------------------------------------------------- timing


def timed(fn: Callable[[], Any], calls: int = 1) -> float:
    """Seconds per call over `calls` calls (by `clock`), after a full collection."""
    gc.collect()
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def measure(jobs: dict[str, Callable[[], Any]], rounds: int, inner: int = 3) -> dict[str, float]:
    """Minimum seconds of one call of each job. In each round every job runs `inner` times back to back (as steps
    do in training: the caches are the step's own), each call timed alone on the wall clock; the jobs take turns
    round by round. The minimum over many single calls is a call no other process interrupted."""
    pc = time.perf_counter
    for fn in jobs.values():  # warm-up: jit compilation, tracing, first allocations
        fn()
        fn()
    gc.collect()
    gc.freeze()  # what is alive now (the libraries' caches, the models) is never walked by the collector again
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(rounds):
        gc.collect()
        for name, fn in jobs.items():
            for _ in range(inner):
                start = pc()
                fn()
                best[name] = min(best[name], pc() - start)
    return best


def ms(t: float) -> str:
    return f"{t * 1e3:9.3f} ms"


def versus(t: float, base: float | None) -> str:
    """'12.3x faster' / '1.5x slower' than base."""
    if base is None:
        return "n/a"
    return f"{base / t:.1f}x faster" if t <= base else f"{t / base:.1f}x slower"


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


# ---------------------------------------------------------------- sections


def engines(width: int, n: int, with_eager: bool) -> tuple[dict[str, Callable[[], None]], Chainrule, str]:
    """The step of every engine at this configuration, after checking their gradients agree."""
    X, y = moons(n)
    cr = Chainrule(width, X, y)
    diff, flat, loss = cr.check(f"width {width}, {n} samples")
    notes = [f"compiled vs eager grads {diff:.1e}"]
    jobs = {"chainrule compiled": cr.compiled_step}
    if with_eager:
        jobs["chainrule batch mode"] = cr.eager_step
    for name, engine in (("PyTorch batched", Torch if torch else None), ("jax.jit", Jax if jax else None)):
        if engine is not None:
            other = engine(cr.model, X, y)
            grads, other_loss = other.grads()
            notes.append(f"vs {name.split()[0]} {max(relative(flat, grads), abs(loss - other_loss) / abs(loss)):.1e}")
            jobs[name] = other.step
    return jobs, cr, ", ".join(notes)


def w3(samples: int, rounds: int) -> float:
    jobs, cr, notes = engines(16, samples, with_eager=True)
    best = measure(jobs, rounds)
    base = best.get("PyTorch batched")
    print(f"\n1. W3 step: MLP(2, [16, 16, 1]) ({len(cr.model.parameters())} parameters), {samples} samples, "
          f"forward + backward + SGD")
    print(f"   grads at the start: {notes}")
    print(f"  {'engine':<24}{'per step':>12}   vs PyTorch batched")
    for name in ("chainrule compiled", "chainrule batch mode", "PyTorch batched", "jax.jit"):
        if name in best:
            print(f"  {name:<24}{ms(best[name])}   "
                  f"{'(the baseline)' if name == 'PyTorch batched' else versus(best[name], base)}")
        else:
            print(f"  {name:<24}{SKIPPED:>12}")
    compiled = best["chainrule compiled"]
    if base is not None:
        print(f"  target: compiled >= 5x faster than PyTorch batched: {verdict(base / compiled >= 5)} "
              f"({base / compiled:.1f}x)")
    if "jax.jit" in best:
        print(f"  target: compiled faster than jax.jit: {verdict(compiled < best['jax.jit'])} "
              f"({best['jax.jit'] / compiled:.2f}x)")
    return compiled


def scaling(sample_sizes: tuple[int, ...], widths: tuple[int, ...], samples: int, rounds: int) -> None:
    print("\n2. Scaling, step (forward + backward + SGD) time; vs X = X's time / compiled time (> 1: compiled faster)")
    print(f"  {'width':>6}{'samples':>9}{'compiled':>13}{'PyTorch':>13}{'jax.jit':>13}{'vs PyTorch':>12}"
          f"{'vs jax':>9}   grads (max relative difference)")
    slowest = None
    configs = [(16, n) for n in sample_sizes] + [(h, samples) for h in widths if h != 16 or samples not in sample_sizes]
    for width, n in configs:
        jobs, _, notes = engines(width, n, with_eager=False)
        best = measure(jobs, rounds)
        c, t, j = best["chainrule compiled"], best.get("PyTorch batched"), best.get("jax.jit")
        ratio = f"{t / c:11.2f}x" if t else f"{'n/a':>12}"
        ratio_jax = f"{j / c:8.2f}x" if j else f"{'n/a':>9}"
        print(f"  {width:>6}{n:>9,}{ms(c):>13}{ms(t) if t else SKIPPED[:7]:>13}{ms(j) if j else SKIPPED[:7]:>13}"
              f"{ratio}{ratio_jax}   {notes}")
        if t:
            slowest = min(slowest or t / c, t / c)
    if slowest is not None:
        print(f"  target: never slower than PyTorch batched: {verdict(slowest >= 1)} (worst {slowest:.2f}x)")
    elif torch is None:
        print(f"  PyTorch batched: {SKIPPED}")


def compile_time(widths: tuple[int, ...], samples: int, runs: int) -> None:
    print(f"\n3. Compile time: first call (trace + generate the program) minus a normal call, forward + backward, "
          f"{samples} samples")
    X, y = moons(samples)
    for width, limit in zip(widths, (0.05, 1.0)):
        cr = Chainrule(width, X, y)
        cr.check(f"compile time, width {width}")
        normal = min(timed(lambda cr=cr: cr.compiled(X, y).backward(), 10) for _ in range(runs))
        firsts = []
        for _ in range(runs):
            fresh = autograd.compile(cr.loss_fn)
            gc.collect()
            start = clock()
            fresh(X, y).backward()
            firsts.append(clock() - start)
        program = cr.compiled.program
        first = min(firsts)
        print(f"  MLP(2, [{width}, {width}, 1]): {len(cr.model.parameters()):>5,} parameters, "
              f"{len(program.groups)} groups, {len(program.source.splitlines())} lines: first call {ms(first)}, "
              f"normal {ms(normal)}, compile {ms(first - normal)}   (target < {limit:g} s: "
              f"{verdict(first - normal < limit)})")


def demo_training(samples: int, steps: int, runs: int) -> None:
    """micrograd's demo: 100 SGD steps, lr = 1.0 - 0.9 k / 100, compiled; the time includes compiling."""
    X, y = moons(samples)

    def train() -> tuple[float, float, float, float]:
        model = MLP(2, [16, 16, 1], seed=1337)
        start = clock()
        step = autograd.compile(hinge_l2(model, scores=True))
        opt = SGD(model.parameters(), lr=1.0)
        for k in range(steps):
            opt.lr = 1.0 - 0.9 * k / steps
            loss, scores = step(X, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if not k:
                first = clock() - start
        total = clock() - start
        loss, scores = step(X, y)
        return total, first, float(loss.data), float(np.mean((scores.data > 0) == (y > 0)))

    def train_torch() -> float:
        net = MLP(2, [16, 16, 1], seed=1337)
        start = clock()
        t = Torch(net, X, y)
        for k in range(steps):
            for group in t.opt.param_groups:
                group["lr"] = 1.0 - 0.9 * k / steps
            t.step()
        return clock() - start

    results, torch_runs = [], []
    for _ in range(runs):
        gc.collect()
        results.append(train())
        if torch is not None:
            gc.collect()
            torch_runs.append(train_torch())
    total, first, loss, accuracy = min(results)
    print(f"\n4. micrograd's demo training, compiled: MLP(2, [16, 16, 1]), {samples} two-moons samples, "
          f"{steps} SGD steps, lr 1.0 -> 0.1")
    print(f"  compile + {steps} steps: {total:.4f} s   (target < 0.05 s: {verdict(total < 0.05)}); "
          f"final loss {loss:.4f}, accuracy {accuracy:.0%}")
    print(f"  of which the first step (tracing + generating the program) {first * 1e3:.1f} ms, then "
          f"{(total - first) / max(steps - 1, 1) * 1e3:.3f} ms per step")
    print(f"  the same {steps} steps in PyTorch batched: "
          + (f"{min(torch_runs):.4f} s ({versus(total, min(torch_runs))})" if torch_runs else SKIPPED))


PARTS = ("forward: L = compiled(X, y)", "  of which: reading P (from the storage)", "  of which: the numpy forward",
         "opt.zero_grad()", "backward: L.backward()", "  of which: the numpy backward",
         "  of which: adding the grads (storage)", "opt.step() (nn.SGD)")


def profile_parts(width: int, samples: int, budget: float) -> dict[str, float]:
    """A compiled step's parts, each timed as it runs inside real steps (min over the steps), and the whole step
    (min over as many unwatched steps). `budget`: about how many seconds to spend."""
    X, y = moons(samples)
    cr = Chainrule(width, X, y)
    program = cr.compiled.trace(X, y)
    spent: dict[str, list[float]] = {name: [] for name in PARTS}
    pc = time.perf_counter  # short intervals: the wall clock, the minimum filters out the interruptions

    def spy(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any) -> Any:
            start = pc()
            out = fn(*args)
            spent[name].append(pc() - start)
            return out
        return watched

    # the program's pieces, watched on this instance only (instance attributes shadow the methods)
    originals = {"read_parameters": program.read_parameters, "_forward": program._forward,
                 "backward": program.backward, "accumulate": program.accumulate}
    for attribute, part in zip(originals, (PARTS[1], PARTS[2], PARTS[5], PARTS[6])):
        setattr(program, attribute, spy(part, originals[attribute]))
    steps = max(30, min(2000, round(budget / 2 / timed(cr.compiled_step, 3))))  # half watched, half not
    for _ in range(steps):
        t0 = pc()
        loss = cr.compiled(X, y)
        t1 = pc()
        cr.opt.zero_grad()
        t2 = pc()
        loss.backward()
        t3 = pc()
        cr.opt.step()
        t4 = pc()
        for name, t in zip((PARTS[0], PARTS[3], PARTS[4], PARTS[7]), (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            spent[name].append(t)
    for attribute in ("read_parameters", "backward", "accumulate"):
        delattr(program, attribute)
    program._forward = originals["_forward"]
    wholes = []
    for _ in range(steps):
        start = pc()
        cr.compiled_step()
        wholes.append(pc() - start)
    best = {name: min(ts) for name, ts in spent.items()}
    best["whole step"] = min(wholes)
    return best


def profile(configs: list[tuple[int, int]], budget: float) -> None:
    """Where a compiled step's time goes: forward, backward, adding the grads, the optimizer."""
    results = [profile_parts(width, n, budget) for width, n in configs]
    print("\n5. Profile of a compiled step: each part timed where it runs, in real steps (wall clock, min over the "
          "steps), us and share of the whole step")
    print(f"  {'':<40}" + "".join(f"{f'width {w}, {n:,} samples':>26}" for w, n in configs))
    for name in (*PARTS, "sum of the parts (not the 'of which')", "whole step (not watched)"):
        cells = []
        for best in results:
            whole = best["whole step"]
            if name.startswith("sum"):
                t = sum(best[p] for p in PARTS if not p.startswith(" "))
            else:
                t = best["whole step" if name.startswith("whole") else name]
            cells.append(f"{t * 1e6:12.1f} us ({t / whole:4.0%})")
        print(f"  {name:<40}" + "".join(f"{c:>26}" for c in cells))


def clock_cost() -> float:
    """What one `_T.append(_pc())` costs (subtracted from each statement's time)."""
    marks, pc = [time.perf_counter()], time.perf_counter
    for _ in range(2000):
        marks.append(pc())
    return float(np.min(np.diff(marks)))


def line_times(program: Any, arrays: list[np.ndarray], runs: int) -> list[tuple[str, str, float]]:
    """(function, statement, min seconds) for every statement of the program, timed in place as it runs."""
    tree = ast.parse(program.source)
    statements: dict[str, list[str]] = {}
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        statements[fn.name] = [ast.unparse(s) for s in fn.body[:-1]]
        body: list[ast.stmt] = ast.parse("_T = [_pc()]").body
        for s in fn.body[:-1]:
            body += [s, *ast.parse("_T.append(_pc())").body]
        body += [*ast.parse(f"_LOG['{fn.name}'].append(_T)").body, fn.body[-1]]
        fn.body = body
    log: dict[str, list[list[float]]] = {name: [] for name in statements}
    namespace = {**program._forward.__globals__, "_pc": time.perf_counter, "_LOG": log}
    exec(compile(ast.fix_missing_locations(tree), "<timed program>", "exec"), namespace)
    forward, backward = namespace["forward"], namespace["backward"]
    P = program.read_parameters()
    for _ in range(runs):
        saved = forward(P, *arrays)
        backward(P, *arrays, *saved)
    clock = clock_cost()
    rows = []
    for name, lines in statements.items():
        marks = np.array(log[name])
        spent = np.min(np.diff(marks, axis=1), axis=0) - clock
        rows += [(name, line, max(float(t), 0.0)) for line, t in zip(lines, spent)]
    return rows


def program_lines(configs: list[tuple[int, int]], runs: int, top: int) -> None:
    print(f"\n6. The generated program's costliest statements (each timed in place, min of {runs} runs)")
    for width, n in configs:
        X, y = moons(n)
        cr = Chainrule(width, X, y)
        program = cr.compiled.trace(X, y)
        rows = line_times(program, [X, y[:, None]], runs)
        total = {name: sum(t for f, _, t in rows if f == name) for name in ("forward", "backward")}
        print(f"  width {width}, {n:,} samples: forward {total['forward'] * 1e6:.0f} us, backward "
              f"{total['backward'] * 1e6:.0f} us ({len(rows)} statements)")
        for name, line, t in sorted(rows, key=lambda r: -r[2])[:top]:
            print(f"    {t * 1e6:8.1f} us {t / sum(total.values()):4.0%}  {name:<9}{line}")


def settle() -> None:
    """Run every engine once, then freeze what exists out of the collector: torch and jax bring ~250,000 objects
    (torch.optim imports more at its first step) that every full collection would walk, 0.1 - 0.5 s each."""
    X, y = moons(10)
    cr = Chainrule(8, X, y)
    cr.compiled_step()
    cr.eager_step()
    for engine in (Torch if torch else None, Jax if jax else None):
        if engine is not None:
            engine(cr.model, X, y).step()
    gc.collect()
    gc.freeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, few repeats: checks the script runs")
    parser.add_argument("--repeat", type=int, default=100,
                        help="rounds of step timings (compile times and trainings: a tenth, at least 3)")
    parser.add_argument("--wall", action="store_true", help="time compiling and training by the wall clock")
    args = parser.parse_args()
    global clock
    clock = time.perf_counter if args.wall else time.process_time
    quick = args.quick
    repeat = 3 if quick else args.repeat
    runs = max(3, repeat // 10)
    if torch is not None:
        torch.set_num_threads(1)
        torch.set_default_dtype(torch.float64)
    settle()
    print(f"chainrule compiled-mode benchmark, Python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else SKIPPED}, jax {jax.__version__ if jax else SKIPPED}, "
          f"{time.strftime('%Y-%m-%d')}; one thread each, float64")
    print(f"steps: min over {repeat} rounds x 3 calls, each timed alone (wall clock); compiling and training: min of "
          f"{runs} runs ({'wall clock' if args.wall else 'CPU time of the process, all its threads'})")
    samples = 20 if quick else 100
    w3(samples, repeat)
    scaling((10, 20) if quick else (10, 100, 1_000, 10_000), (8, 16) if quick else (8, 16, 32, 64), samples, repeat)
    compile_time((16, 32) if quick else (16, 64), samples, runs)
    demo_training(samples, 20 if quick else 100, runs)
    profile([(16, samples), (32, samples)] if quick else [(16, 100), (64, 100), (16, 10_000)], 0.1 if quick else 3.0)
    program_lines([(16, samples), (16, 100)] if quick else [(16, 100), (64, 100), (16, 10_000)], 20 if quick else 200,
                  4 if quick else 8)
    worst = max(checks, key=lambda c: c[1])
    print(f"\nCorrectness: compiled vs batch-mode eager grads (and loss) at {len(checks)} configurations: max relative "
          f"difference {worst[1]:.1e} ({worst[0]}); within 1e-12: {verdict(worst[1] <= 1e-12)}")
    gc.unfreeze()  # (frozen objects are not freed at exit: torch's bindings would report them as leaks)


if __name__ == "__main__":
    main()
