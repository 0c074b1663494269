"""A small MLP built as nn builds one, for tests of what autograd reads from Modules without importing nn.

Each call runs inside `scope(self)` (the net, each layer, each unit) and `named_parameters` and
`named_modules` name things as nn.Module does (layers.L.neurons.j.w.k), so the graph a Net makes carries
the scopes and names that notation (the textbook's w1_4,2, z, a, x) and the viz layout (Module frames
and boxes, parameters found from the Modules that ran) read. Named `autograd_models` (not `models`) so
it cannot shadow a helper module of another test folder.
"""

from __future__ import annotations

import random

from autograd import Value, scope


class Unit:
    """act(w . x + b); act "linear" is z itself."""

    def __init__(self, nin: int, rng: random.Random, act: str, bias: float) -> None:
        self.w, self.b, self.act = [Value(rng.uniform(-1, 1)) for _ in range(nin)], Value(bias), act

    def __call__(self, x: list) -> Value:
        with scope(self):
            z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return z if self.act == "linear" else getattr(z, self.act)()


class Net:
    """An MLP: hidden units `act`, a linear output. `names` renames the parameters ("enc.{}.{}." is not an
    MLP's naming, so notation keeps their dotted names); the weights are drawn from random.Random(0)."""

    def __init__(self, sizes: list[int], act: str = "tanh", bias: float = 0.1,
                 names: str = "layers.{}.neurons.{}.") -> None:
        rng, self.names = random.Random(0), names
        self.layers = [[Unit(a, rng, act if i < len(sizes) - 2 else "linear", bias) for _ in range(b)]
                       for i, (a, b) in enumerate(zip(sizes, sizes[1:]))]

    def __call__(self, x: list) -> Value:
        with scope(self):
            for layer in self.layers:
                with scope(layer):
                    x = [unit(x) for unit in layer]
        return x[0]

    def named_parameters(self):
        for i, layer in enumerate(self.layers):
            for j, unit in enumerate(layer):
                prefix = self.names.format(i, j)
                yield from [(f"{prefix}w.{k}", w) for k, w in enumerate(unit.w)]
                yield f"{prefix}b", unit.b

    def named_modules(self):
        yield "", self
        for i, layer in enumerate(self.layers):
            yield f"layers.{i}", layer
            yield from ((f"layers.{i}.neurons.{j}", unit) for j, unit in enumerate(layer))
