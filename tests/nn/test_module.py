"""Module, Neuron, Layer, MLP: parameter discovery (dicts, nested containers, tied modules, refused containers)
and names, train/eval, the HTML display, micrograd's signatures and behaviour, seeds, activations, state dicts
and bad input."""

from __future__ import annotations

import math
import random
import re
import tracemalloc

import numpy as np
import pytest
from nn_cases import same_state

import nn
import nn.mlp
from autograd import Value
from nn import MLP, SGD, Layer, ModelFileError, Module, Neuron
from nn.module import in_mode

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
INITS = ("uniform", "xavier", "xavier_normal", "he", "he_uniform")


def micrograd_names(nin: int, nouts: list[int]) -> list[str]:
    """The parameter names in micrograd's parameters() order: per layer, per neuron, w then b."""
    sizes, names = [nin, *nouts], []
    for i, nout in enumerate(nouts):
        for j in range(nout):
            names += [f"layers.{i}.neurons.{j}.w.{k}" for k in range(sizes[i])] + [f"layers.{i}.neurons.{j}.b"]
    return names


# --- parameters and names --------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "count"), [
    (lambda: MLP(2, [16, 16, 1]), 337),
    (lambda: MLP(3, [4, 4, 1]), 16 + 20 + 5),
    (lambda: MLP(2, [1, 3]), 3 + 6),
    (lambda: Layer(3, 2), 8),
    (lambda: Neuron(5), 6),
    (lambda: Neuron(1, nonlin=False), 2),
])
def test_parameter_count(make, count):
    model = make()
    assert len(model.parameters()) == count
    assert all(isinstance(p, Value) for p in model.parameters())
    assert len({id(p) for p in model.parameters()}) == count


def test_named_parameters_have_stable_dotted_names_in_micrograd_order():
    model = MLP(2, [16, 16, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == micrograd_names(2, [16, 16, 1])
    assert "layers.0.neurons.3.w.1" in names
    assert "layers.2.neurons.0.b" in names
    assert names[0] == "layers.0.neurons.0.w.0"
    assert names[-1] == "layers.2.neurons.0.b"
    # the names do not depend on the seed or on the call, and name the same objects as parameters()
    assert [n for n, _ in MLP(2, [16, 16, 1], seed=5).named_parameters()] == names
    assert [n for n, _ in model.named_parameters()] == names
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert all(a is b for (_, a), b in zip(model.named_parameters(), model.parameters()))


def test_named_parameter_resolves_to_the_attribute_it_names():
    model = MLP(2, [16, 16, 1], seed=0)
    params = dict(model.named_parameters())
    assert params["layers.0.neurons.3.w.1"] is model.layers[0].neurons[3].w[1]
    assert params["layers.2.neurons.0.b"] is model.layers[2].neurons[0].b


def test_named_modules():
    model = MLP(2, [2, 1], seed=0)
    modules = list(model.named_modules())
    assert [name for name, _ in modules] == [
        "", "layers.0", "layers.0.neurons.0", "layers.0.neurons.1", "layers.1", "layers.1.neurons.0"]
    assert modules[0][1] is model
    assert modules[1][1] is model.layers[0]
    assert modules[3][1] is model.layers[0].neurons[1]
    assert [type(m).__name__ for _, m in modules] == ["MLP", "Layer", "Neuron", "Neuron", "Layer", "Neuron"]


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, -2.0])
    (out * out).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    # gradients accumulate until zero_grad: two backward passes double them
    model([0.5, 0.5]).backward()
    once = [p.grad for p in model.parameters()]
    model([0.5, 0.5]).backward()
    assert [p.grad for p in model.parameters()] == [2 * g for g in once]


def test_call_runs_forward():
    class Double(Module):
        def __init__(self):
            self.k = Value(2.0)

        def forward(self, x):
            return self.k * x

    assert Double()(3.0).data == 6.0


def test_module_without_forward_raises():
    class Empty(Module):
        pass

    with pytest.raises(NotImplementedError):
        Empty()(1.0)


# --- a user's own Module: parameters discovered from attributes ------------------------------------


class Custom(Module):
    """No registration: a learnable Value, a list of Layers, a nested MLP, a tuple, and non-parameters."""

    def __init__(self):
        self.scale = Value(1.5)
        self.layers = [Layer(2, 3, seed=1), Layer(3, 1, nonlin=False, seed=2)]
        self.head = MLP(1, [2, 1], seed=3)
        self.pair = (Value(0.25), Value(-0.5))
        self.offset = Value(10.0, requires_grad=False)  # a constant: not a parameter
        self.fixed = [Value(1.0, requires_grad=False)]
        self.name, self.sizes, self.rate = "custom", [1, 2, 3], 0.5  # plain data: ignored

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.head([x * self.scale]) * self.pair[0] + self.pair[1] + self.offset  # x: the last Layer's Value


def test_user_module_parameters_found_without_boilerplate():
    model = Custom()
    names = [n for n, _ in model.named_parameters()]
    assert names[0] == "scale"
    assert names[1:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.1.neurons.0.b" in names
    assert "head.layers.0.neurons.1.w.0" in names and "head.layers.1.neurons.0.b" in names
    assert names[-2:] == ["pair.0", "pair.1"]
    expected = 1 + (3 * 3 + 4) + (2 * 2 + 3) + 2
    assert len(model.parameters()) == len(names) == expected
    assert not any(p is model.offset or p is model.fixed[0] for p in model.parameters())
    assert "offset" not in model.state_dict() and "fixed.0" not in model.state_dict()
    assert {n for n, _ in model.named_modules()} >= {"", "layers.0", "layers.1", "head", "head.layers.0"}


def test_user_module_trains_and_zero_grads():
    model = Custom()
    out = model([0.3, -0.7])
    assert isinstance(out, Value)
    before = model.state_dict()
    opt = SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    ((out - 1.0) ** 2).backward()
    assert model.scale.grad != 0.0 and model.pair[1].grad != 0.0
    assert model.offset.grad == 0.0  # a constant gets no gradient
    opt.step()
    after = model.state_dict()
    assert after["pair.1"] != before["pair.1"]
    assert model.offset.data == 10.0
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_micrograd_style_call_override_works():
    class Affine(Module):  # micrograd's modules define __call__ and parameters() themselves
        def __init__(self):
            self.a, self.b = Value(2.0), Value(1.0)

        def __call__(self, x):
            return self.a * x + self.b

    model = Affine()
    assert model(3.0).data == 7.0
    assert [n for n, _ in model.named_parameters()] == ["a", "b"]


# --- repr and summary -------------------------------------------------------------------------------


def test_reprs_are_micrograd_for_neurons_and_readable_with_parameter_counts_above():
    assert repr(Neuron(2)) == "ReLUNeuron(2)"
    assert repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)"
    assert repr(Layer(2, 2)) == "Layer(2 -> 2, relu, 6 parameters)"
    assert repr(MLP(2, [2, 1])) == "MLP(2 -> 2 -> 1, relu hidden, linear out, 9 parameters)"


def test_mlp_summary_gives_sizes_and_parameter_count():
    text = MLP(2, [16, 16, 1], seed=0).summary()
    assert "337" in text
    assert "2" in text and "16" in text


def test_user_module_repr_has_parameter_count():
    assert str(len(Custom().parameters())) in repr(Custom())


def test_summary_available_on_every_module():
    # spec: Module has a readable repr with the parameter count (summary()); a user's Module gets it too
    model = Custom()
    assert str(len(model.parameters())) in model.summary()


# --- micrograd's signatures and behaviour ---------------------------------------------------------------


def test_neuron_defaults_match_micrograd():
    random.seed(0)
    n = Neuron(3)
    assert n.nonlin is True
    assert all(-1.0 <= w.data <= 1.0 for w in n.w)
    assert n.b.data == 0.0
    assert Neuron(3, False).nonlin is False  # positional nonlin, as micrograd's Neuron(nin, nonlin=True)
    assert Neuron(3, nonlin=False).activation == "linear"


def test_mlp_hidden_relu_output_linear():
    model = MLP(2, [4, 3, 2], seed=0)
    assert [[n.activation for n in layer.neurons] for layer in model.layers] == [
        ["relu"] * 4, ["relu"] * 3, ["linear"] * 2]
    assert [[n.nonlin for n in layer.neurons] for layer in model.layers] == [[True] * 4, [True] * 3, [False] * 2]
    assert all(-1.0 <= w.data <= 1.0 for layer in model.layers for n in layer.neurons for w in n.w)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_layer_passes_options_to_its_neurons():
    layer = Layer(3, 2, nonlin=False)
    assert all(not n.nonlin for n in layer.neurons)


def test_global_seed_gives_micrograds_weights():
    """With random.seed(s) and no seed argument, weights are drawn as micrograd draws them."""
    nin, nouts = 2, [4, 3, 1]
    sizes = [nin, *nouts]
    random.seed(42)
    expected = []  # micrograd: per layer, per neuron, [random.uniform(-1, 1) for _ in range(nin)], b = 0
    for i, nout in enumerate(nouts):
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(sizes[i])] + [0.0]
    random.seed(42)
    model = MLP(nin, nouts)
    assert [p.data for p in model.parameters()] == expected
    random.seed(42)
    assert same_state(MLP(nin, nouts).state_dict(), model.state_dict())


def test_same_forward_as_micrograd():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(7)
    theirs = micrograd_nn.MLP(3, [4, 4, 2])
    random.seed(7)
    ours = MLP(3, [4, 4, 2])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    for x in ([1.0, -2.0, 0.5], [0.1, 0.2, 0.3], [-1.0, -1.0, 2.0]):
        assert [o.data for o in ours(x)] == pytest.approx([o.data for o in theirs(x)], rel=1e-12, abs=1e-12)


def test_forward_matches_hand_computation():
    model = MLP(2, [2, 1], seed=0)
    (n0, n1), (out,) = model.layers[0].neurons, model.layers[1].neurons
    values = {n0.w[0]: 1.0, n0.w[1]: -2.0, n0.b: 0.5, n1.w[0]: -1.0, n1.w[1]: 1.0, n1.b: -3.0,
              out.w[0]: 2.0, out.w[1]: 3.0, out.b: -1.0}
    for p, v in values.items():
        p.data = v
    x = [0.5, -1.0]
    h0 = max(0.0, 1.0 * 0.5 + -2.0 * -1.0 + 0.5)  # 3.0
    h1 = max(0.0, -1.0 * 0.5 + 1.0 * -1.0 - 3.0)  # relu(-4.5) = 0
    assert model(x).data == 2.0 * h0 + 3.0 * h1 - 1.0 == 5.0


def test_output_is_value_for_width_one_and_list_otherwise():
    x = [0.5, -0.25]
    assert isinstance(MLP(2, [3, 1], seed=0)(x), Value)
    out = MLP(2, [3, 2], seed=0)(x)
    assert isinstance(out, list) and len(out) == 2 and all(isinstance(o, Value) for o in out)
    assert isinstance(Layer(2, 1, seed=0)(x), Value)  # micrograd's Layer returns a bare Value for nout == 1
    assert isinstance(Layer(2, 3, seed=0)(x), list)


@pytest.mark.parametrize("nouts", [[1, 3], [1, 1], [1, 1, 1], [3, 1, 2]])
def test_width_one_hidden_layer_works(nouts):
    model = MLP(2, nouts, seed=1)
    for layer in model.layers[:-1]:  # make the hidden neurons active so gradients flow through them
        for n in layer.neurons:
            n.b.data = 5.0
    out = model([0.3, -0.4])
    outs = out if isinstance(out, list) else [out]
    assert len(outs) == nouts[-1]
    sum(outs).backward()
    assert any(w.grad != 0.0 for w in model.layers[0].neurons[0].w)


@pytest.mark.parametrize(("nin", "nouts"), [
    pytest.param(2, (4, 1), id="tuple"),
    pytest.param(np.int64(2), [4, 1], id="numpy-nin"),
    pytest.param(2, [np.int64(4), np.int32(1)], id="numpy-nouts"),
    pytest.param(2, np.array([4, 1]), id="array-nouts"),
])
def test_sizes_may_be_numpy_integers_or_tuples(nin, nouts):
    # micrograd accepts these (sizes often come from arrays or shapes); the model is MLP(2, [4, 1])
    model = MLP(nin, nouts, seed=0)
    assert len(model.parameters()) == 17
    assert model.config()["nin"] == 2 and model.config()["nouts"] == [4, 1]
    assert isinstance(model([0.5, -0.5]), Value)


def test_accepts_numpy_rows():
    model = MLP(2, [3, 1], seed=0)
    assert model(np.array([0.5, -1.0])).data == model([0.5, -1.0]).data


# --- seeds ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda seed: MLP(2, [5, 3, 1], seed=seed),
    lambda seed: Layer(3, 4, seed=seed),
    lambda seed: Neuron(6, seed=seed),
    lambda seed: MLP(4, [8, 2], init="xavier_normal", seed=seed),
])
def test_seed_is_reproducible_and_leaves_global_random_alone(make):
    random.seed(123)
    state = random.getstate()
    a = make(5)
    assert random.getstate() == state
    random.seed(999)  # the global seed plays no part when seed= is given
    b = make(5)
    assert same_state(a.state_dict(), b.state_dict())
    assert a.state_dict() != make(6).state_dict()


def test_global_seed_is_reproducible():
    random.seed(3)
    a = MLP(2, [4, 4, 1])
    random.seed(3)
    b = MLP(2, [4, 4, 1])
    c = MLP(2, [4, 4, 1])  # the global stream moved on
    assert same_state(a.state_dict(), b.state_dict())
    assert a.state_dict() != c.state_dict()


# --- activations ------------------------------------------------------------------------------------


REFERENCE = {
    "relu": lambda z: max(0.0, z),
    "tanh": math.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
    "linear": lambda z: z,
}


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("x", [-2.5, -0.1, 0.4, 3.0])
def test_neuron_activation(activation, x):
    n = Neuron(2, activation=activation, seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 1.5, -0.5, 0.25
    z = 1.5 * x + -0.5 * 2.0 + 0.25
    assert n([x, 2.0]).data == pytest.approx(REFERENCE[activation](z), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_activation_option_applies_to_hidden_layers_only(activation):
    model = MLP(2, [3, 3, 1], activation=activation, seed=0)
    assert [n.activation for n in model.layers[0].neurons + model.layers[1].neurons] == [activation] * 6
    assert model.layers[2].neurons[0].activation == "linear"
    model([0.1, 0.2]).backward()


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_bounded_activation_bounds_hidden_outputs(activation):
    layer = Layer(2, 5, activation=activation, seed=0)
    low = -1.0 if activation == "tanh" else 0.0
    for x in ([100.0, -100.0], [0.1, 0.3], [-50.0, 7.0]):
        assert all(low <= o.data <= 1.0 for o in layer(x))


@pytest.mark.parametrize("init", INITS)
def test_mlp_init_option(init):
    model = MLP(2, [3, 1], init=init, seed=0)
    assert all(n.init == init for layer in model.layers for n in layer.neurons)


# --- state dicts --------------------------------------------------------------------------------------


def test_state_dict_round_trip():
    a, b = MLP(2, [4, 3, 1], seed=0), MLP(2, [4, 3, 1], seed=1)
    state = a.state_dict()
    assert list(state) == [n for n, _ in a.named_parameters()]
    assert all(type(v) is float for v in state.values())
    assert state != b.state_dict()
    b.load_state_dict(state)
    assert same_state(b.state_dict(), state)
    x = [0.7, -0.2]
    assert a(x).data == b(x).data


def test_state_dict_is_a_copy():
    model = MLP(2, [2, 1], seed=0)
    state = model.state_dict()
    state["layers.0.neurons.0.b"] = 42.0
    assert model.layers[0].neurons[0].b.data == 0.0


def _bad_states():
    good = MLP(2, [3, 1], seed=9).state_dict()
    first, last = next(iter(good)), list(good)[-1]

    def edit(**changes):
        return {**good, **changes}

    missing = dict(good)
    del missing[last]
    return [
        pytest.param(missing, id="missing"),
        pytest.param({**good, "layers.9.neurons.0.b": 0.0}, id="extra"),
        pytest.param(edit(**{last: "0.5"}), id="string"),
        pytest.param(edit(**{last: True}), id="bool"),
        pytest.param(edit(**{last: None}), id="none"),
        pytest.param(edit(**{last: [1.0]}), id="list"),
        pytest.param(edit(**{last: float("nan")}), id="nan"),
        pytest.param(edit(**{last: float("inf")}), id="inf"),
        pytest.param(edit(**{first: -float("inf")}), id="-inf-first"),
        pytest.param([(k, v) for k, v in good.items()], id="not-a-mapping"),
        pytest.param({}, id="empty"),
    ]


@pytest.mark.parametrize("state", _bad_states())
def test_load_state_dict_rejects_bad_dict_and_changes_nothing(state):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    assert isinstance(info.value, ModelFileError)
    assert same_state(model.state_dict(), before)


def test_load_state_dict_accepts_ints_and_numpy_floats():
    model = MLP(1, [1], seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 2, "layers.0.neurons.0.b": np.float64(0.5)})
    assert model.state_dict() == {"layers.0.neurons.0.w.0": 2.0, "layers.0.neurons.0.b": 0.5}


# --- bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("x", [[1.0, 2.0, 3.0], [1.0], []])
def test_wrong_input_width_raises(x):
    with pytest.raises(ValueError, match="2"):
        MLP(2, [4, 1], seed=0)(x)


@pytest.mark.parametrize("make", [
    lambda: MLP(2, [3, 1], activation="swish"),
    lambda: Layer(2, 3, activation="swish"),
    lambda: Neuron(2, activation="swish"),
])
def test_unknown_activation_names_the_options(make):
    with pytest.raises(ValueError, match="swish") as info:
        make()
    assert all(name in str(info.value) for name in ACTIVATIONS)


@pytest.mark.parametrize("make", [
    lambda: MLP(2, [3, 1], init="glorot"),
    lambda: Layer(2, 3, init="glorot"),
    lambda: Neuron(2, init="glorot"),
])
def test_unknown_init_names_the_options(make):
    with pytest.raises(ValueError, match="glorot") as info:
        make()
    assert all(name in str(info.value) for name in INITS)


@pytest.mark.parametrize("make", [
    lambda: MLP(2, []),
    lambda: MLP(2, [4, 0, 1]),
    lambda: MLP(0, [1]),
    lambda: Layer(2, 0),
    lambda: Neuron(0),
    lambda: Neuron(-1),
])
def test_bad_sizes_raise(make):
    with pytest.raises(ValueError):
        make()


def test_nouts_must_be_a_list_of_layer_sizes():
    with pytest.raises(TypeError, match=r"MLP: nouts must be a list of layer sizes such as \[16, 16, 1\], got 3 "
                                        r"\(for one layer of 3 outputs write MLP\(2, \[3\]\)\)"):
        MLP(2, 3)
    with pytest.raises(TypeError, match="MLP: nouts must be a list of layer sizes"):
        MLP(2, "16")
    with pytest.raises(ValueError, match=r"MLP: nouts needs at least one layer size, got \[\]"):
        MLP(2, [])


@pytest.mark.parametrize(("make", "message"), [
    (lambda: MLP(2, [16, 0, 1]), "MLP: nouts[1] must be a whole number >= 1, got 0"),
    (lambda: MLP(2, [16.0, 1]), "MLP: nouts[0] must be a whole number >= 1, got 16.0"),
    (lambda: MLP(2, [True]), "MLP: nouts[0] must be a whole number >= 1, got True"),
    (lambda: MLP(-2, [1]), "MLP: nin must be a whole number >= 1, got -2"),
    (lambda: Layer(2.5, 3), "Layer: nin (its number of inputs) must be a whole number >= 1, got 2.5"),
    (lambda: Layer(2, -3), "Layer: nout (its number of neurons) must be a whole number >= 1, got -3"),
    (lambda: Neuron("2"), "Neuron: nin (its number of inputs) must be a whole number >= 1, got '2'"),
])
def test_bad_sizes_name_the_class_the_argument_and_the_value(make, message):
    with pytest.raises(ValueError) as info:
        make()
    assert str(info.value) == message


@pytest.mark.parametrize(("make", "start"), [
    (lambda: MLP(10**6, [10**6]), "MLP: a 1000000 -> 1000000 network would have 1,000,001,000,000 parameters"),
    (lambda: MLP(2, [4000, 4000, 1]), "MLP: a 2 -> 4000 -> 4000 -> 1 network would have 16,020,001 parameters"),
    (lambda: Layer(10**5, 10**5), "Layer: a layer of 100000 neurons with 100000 inputs each would have"),
    (lambda: Neuron(10**8), "Neuron: a neuron with 100000000 inputs would have 100,000,001 parameters"),
])
def test_models_too_large_for_memory_are_refused_before_allocating(make, start):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:
            make()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert message.startswith(start)
    assert "more than nn.mlp.MAX_PARAMETERS = 10,000,000" in message and "GB" in message
    assert "use smaller layers" in message
    assert peak < 1_000_000  # nothing was allocated for the parameters


def test_the_parameter_limit_can_be_raised_or_lowered(monkeypatch):
    monkeypatch.setattr(nn.mlp, "MAX_PARAMETERS", 10)
    with pytest.raises(ValueError, match="17 parameters, more than nn.mlp.MAX_PARAMETERS = 10"):
        MLP(2, [4, 1])
    monkeypatch.setattr(nn.mlp, "MAX_PARAMETERS", 17)
    assert len(MLP(2, [4, 1]).parameters()) == 17


# --- discovery in dicts and nested containers; what it refuses -----------------------------------------


class Heads(Module):
    """Parameters in a dict of Modules, in nested lists and tuples, and a module and a Value held twice."""

    def __init__(self):
        self.heads = {"left": Neuron(2, seed=1), "right": {"inner": Value(0.5)}}
        self.blocks = [[Value(1.0), Neuron(1, seed=2)], (Value(2.0), [Value(3.0)])]
        self.tied = self.heads["left"]
        self.again = [self.blocks[0][0]]
        self.notes = {1: "plain data under any key", "x.y": [1.0, 2.0]}


def test_dicts_and_nested_lists_and_tuples_are_searched_with_keys_and_indices_in_the_names():
    model = Heads()
    names = [n for n, _ in model.named_parameters()]
    assert names == ["heads.left.w.0", "heads.left.w.1", "heads.left.b", "heads.right.inner",
                     "blocks.0.0", "blocks.0.1.w.0", "blocks.0.1.b", "blocks.1.0", "blocks.1.1.0"]
    params = dict(model.named_parameters())
    assert params["heads.right.inner"] is model.heads["right"]["inner"]
    assert params["blocks.1.1.0"] is model.blocks[1][1][0]
    assert params["blocks.0.1.b"] is model.blocks[0][1].b


def test_a_tied_module_or_value_is_listed_once_under_its_first_name():
    model = Heads()
    assert [n for n, _ in model.named_modules()] == ["", "heads.left", "blocks.0.1"]
    children = [n for n, _ in model.named_children()]
    assert "tied" not in children and "again.0" not in children
    assert len(model.parameters()) == len({id(p) for p in model.parameters()}) == 9


def test_a_module_holding_its_parent_or_a_list_holding_itself_is_walked_once():
    parent = MLP(2, [2, 1], seed=0)
    parent.layers[0].owner = parent  # a back reference
    loop: list = [Value(1.0)]
    loop.append(loop)
    parent.loop = loop
    assert len(list(parent.named_modules())) == 6
    assert len(parent.parameters()) == 9 + 1


@pytest.mark.parametrize(("value", "kind"), [
    pytest.param({Value(1.0)}, "a set", id="set"),
    pytest.param(frozenset([Neuron(2)]), "a frozenset", id="frozenset"),
    pytest.param(__import__("collections").deque([Value(1.0)]), "a deque", id="deque"),
    pytest.param({"a": Value(1.0)}.values(), "a dict_values", id="dict-values"),
    pytest.param(np.array([Value(1.0), Value(2.0)], dtype=object), "a numpy object array", id="object-array"),
    pytest.param([[{Value(1.0)}]], "a set", id="set-in-a-list"),
    pytest.param(__import__("types").MappingProxyType({"w": Value(1.0)}), "a mappingproxy", id="mappingproxy"),
])
def test_an_unsearched_container_holding_parameters_is_refused_when_assigned(value, kind):
    model = Custom()
    with pytest.raises(TypeError, match="which parameters\\(\\) would silently miss") as info:
        model.extra = value
    message = str(info.value)
    assert message.startswith("Custom.extra") and f"is {kind} holding a " in message
    assert "lists, tuples and dicts" in message and "store" in message
    assert not hasattr(model, "extra")  # nothing was set


def test_a_generator_is_refused_and_left_unconsumed():
    made = []

    def layers():
        for i in range(2):
            made.append(i)
            yield Layer(2, 2)

    model = Custom()
    with pytest.raises(TypeError, match=r"Custom.blocks is a generator: .* store a list instead"):
        model.blocks = layers()
    assert made == []


def test_unsearched_containers_of_plain_data_are_fine():
    model = Custom()
    model.tags, model.queue, model.table = {"a", "b"}, __import__("collections").deque([1, 2]), np.zeros((3, 3))
    model.objects = np.array(["x", None], dtype=object)
    assert len(model.parameters()) == len(Custom().parameters())


def test_a_container_changed_in_place_is_refused_when_parameters_are_looked_for():
    model = Custom()
    model.extras = []
    model.extras.append({Value(1.0)})  # no assignment: only discovery can see it
    with pytest.raises(TypeError, match=r"Custom.extras.0 is a set holding a Value"):
        model.parameters()


@pytest.mark.parametrize("key", [1, "a.b", "", ("a", "b")])
def test_a_dict_key_that_cannot_name_a_parameter_is_refused(key):
    with pytest.raises(TypeError, match=re.escape(f"Custom.heads is a dict whose key {key!r} holds a Value: keys")):
        Custom().heads = {key: Value(1.0)}


# --- train / eval ---------------------------------------------------------------------------------------


def test_train_and_eval_set_every_sub_module_and_return_the_module():
    model = Heads()  # a user's Module without super().__init__(): training by default
    assert model.training and all(m.training for _, m in model.named_modules())
    assert model.eval() is model
    assert [m.training for _, m in model.named_modules()] == [False] * 3
    assert model.train() is model and all(m.training for _, m in model.named_modules())
    assert model.train(False) is model and not model.heads["left"].training
    assert MLP(2, [3, 1]).eval().training is False


@pytest.mark.parametrize("mode", [1, "eval", None])
def test_the_mode_must_be_a_bool(mode):
    model = MLP(2, [3, 1])
    with pytest.raises(ValueError, match=f"MLP.train: mode must be True or False, got {mode!r}"):
        model.train(mode)
    with pytest.raises(ValueError, match="MLP.training must be True or False"):
        model.training = mode
    assert model.training and all(m.training for _, m in model.named_modules())


def test_in_mode_switches_for_a_block_and_puts_each_module_back_as_it_was():
    model = MLP(2, [3, 3, 1], seed=0).eval()
    model.layers[1].train()  # mixed modes survive
    before = [m.training for _, m in model.named_modules()]
    with in_mode(model, training=True):
        assert all(m.training for _, m in model.named_modules())
    assert [m.training for _, m in model.named_modules()] == before
    with pytest.raises(RuntimeError), in_mode(model, training=False):
        raise RuntimeError("an error inside")
    assert [m.training for _, m in model.named_modules()] == before


# --- rich display ---------------------------------------------------------------------------------------


def test_repr_html_is_a_table_of_the_layers_with_their_parameter_counts_and_the_total():
    model = MLP(2, [16, 16, 1], dropout=0.2, seed=0)
    page = model._repr_html_()
    assert page.startswith("<table") and page.endswith("</table>")
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    assert len(rows) == 3
    assert ">layers.0<" in rows[0] and ">Layer<" in rows[0] and "2 -&gt; 16, relu, dropout 0.2" in rows[0]
    assert ">48<" in rows[0] and ">272<" in rows[1] and ">17<" in rows[2]
    assert "total" in page and ">337<" in page.split("<tfoot>")[1]
    assert "MLP (training mode)" in page and "eval mode" in model.eval()._repr_html_()
    assert repr(model) == "MLP(2 -> 16 -> 16 -> 1, relu hidden, dropout 0.2, linear out, 337 parameters)"


def test_repr_html_shows_own_parameters_counts_tied_ones_once_and_escapes_names():
    def counts(page: str) -> list[int]:
        return [int(row.split(">")[-1].replace(",", "")) for row in page.split("</td></tr>")[:-1]]

    model = Heads()
    model.heads["<b>"] = Neuron(1, seed=3)
    page = model._repr_html_()
    assert "heads.&lt;b&gt;" in page and "<b>" not in page
    assert counts(page) == [3, 2, 2, 1, 3] and sum(counts(page)) == len(model.parameters()) == 11
    assert ">blocks<" in page and ">3 Values<" in page  # the Values held directly: one row per attribute
    neuron = Neuron(3)._repr_html_()
    assert counts(neuron) == [3, 1] and ">w<" in neuron and ">3 Values<" in neuron and ">scalar<" in neuron
    dropout = nn.Dropout(0.1)._repr_html_()
    assert ">(this module)<" in dropout and ">p=0.1<" in dropout and counts(dropout) == [0]


def test_discovery_of_lists_mixing_values_and_modules_keeps_order_for_both_walks():
    class Mixed(Module):
        def __init__(self) -> None:
            self.items = [Value(1.0), Neuron(1, seed=0), Value(2.0)]
            self.weights = [Value(3.0), Value(4.0)]
            self.blocks = [Neuron(1, seed=1), Neuron(1, seed=2)]

    m = Mixed()
    assert [n for n, _ in m.named_modules()] == ["", "items.1", "blocks.0", "blocks.1"]
    assert [n for n, _ in m.named_parameters()][:6] == ["items.0", "items.1.w.0", "items.1.b", "items.2",
                                                        "weights.0", "weights.1"]
    with in_mode(m, training=False):
        assert not any(module.training for _, module in m.named_modules())
    assert all(module.training for _, module in m.named_modules())
