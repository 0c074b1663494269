"""The way on to PyTorch: to_arrays (numpy, nn.Linear's layout), to_torch and MLP.from_torch (equal outputs,
round trips with identical parameters), the layers from_torch refuses, and torch imported lazily, here only.
Tests that need torch skip without it (it is in the bench group: uv run --group bench pytest)."""

from __future__ import annotations

import importlib
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from nn_cases import bits, same_state

from nn import MLP
from nn.mlp_parts import ACTIVATIONS

RNG = np.random.default_rng(0)
INPUTS = RNG.normal(size=(64, 3)) * 2


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_to_arrays_gives_w_of_shape_out_by_in_and_b_per_layer():
    model = MLP(3, [4, 2], seed=0)
    arrays = model.to_arrays()
    assert [(W.shape, b.shape) for W, b in arrays] == [((4, 3), (4,)), ((2, 4), (2,))]
    assert all(W.dtype == b.dtype == np.float64 for W, b in arrays)
    neuron = model.layers[1].neurons[1]
    assert arrays[1][0][1].tolist() == [w.data for w in neuron.w] and arrays[1][1][1] == neuron.b.data
    arrays[0][0][0, 0] = 99.0  # a copy
    assert model.layers[0].neurons[0].w[0].data != 99.0


def test_to_arrays_is_the_matrix_form_of_the_forward_pass():
    model = MLP(3, [5, 4, 2], activation="tanh", seed=1)
    (W1, b1), (W2, b2), (W3, b3) = model.to_arrays()
    by_hand = W3 @ np.tanh(W2 @ np.tanh(W1 @ INPUTS.T + b1[:, None]) + b2[:, None]) + b3[:, None]
    ours = np.stack([o.data for o in model(INPUTS)])
    np.testing.assert_allclose(ours, by_hand, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_to_torch_computes_the_same_outputs(torch, activation):
    model = MLP(3, [6, 5, 2], activation=activation, seed=2)
    net = model.to_torch()
    assert isinstance(net, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    theirs = net(torch.from_numpy(INPUTS)).detach().numpy()
    ours = np.stack([o.data for o in model(INPUTS)], axis=1)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_to_torch_maps_each_layer_and_dropout_and_the_mode(torch):
    model = MLP(2, [4, 4, 1], activation="leaky_relu", dropout=0.3, seed=0)
    net = model.to_torch()
    assert [type(m).__name__ for m in net] == ["Linear", "LeakyReLU", "Dropout", "Linear", "LeakyReLU", "Dropout",
                                              "Linear"]
    assert net[1].negative_slope == 0.01 and net[2].p == 0.3 and net.training
    assert not model.eval().to_torch().training


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_to_torch_and_back_gives_identical_parameters(torch, activation):
    model = MLP(3, [4, 3, 1], activation=activation, dropout=0.1, seed=3)
    back = MLP.from_torch(model.to_torch())
    assert back.config() == model.config()
    assert same_state(back.state_dict(), model.state_dict())  # bit for bit
    x = INPUTS[:5]
    assert all(bits(a) == bits(b) for a, b in zip(back.eval()(x).data, model.eval()(x).data))


def test_from_torch_reads_a_torch_model_with_its_weights_mode_and_float32(torch):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Dropout(0.2),
                              torch.nn.Linear(8, 8), torch.nn.Tanh(), torch.nn.Dropout(0.2),
                              torch.nn.Linear(8, 2)).eval()
    model = MLP.from_torch(net, seed=1)
    assert model.config() == {"nin": 3, "nouts": [8, 8, 2], "activation": "tanh", "init": "uniform",
                              "dropout": 0.2}
    assert not model.training
    theirs = net.double()(torch.from_numpy(INPUTS)).detach().numpy()
    np.testing.assert_allclose(np.stack([o.data for o in model(INPUTS)], axis=1), theirs, rtol=1e-12, atol=1e-12)
    for (W, b), linear in zip(model.to_arrays(), [net[0], net[3], net[6]]):
        assert np.array_equal(W, linear.weight.detach().numpy()) and np.array_equal(b, linear.bias.detach().numpy())


def test_from_torch_takes_a_linear_without_bias_as_zero_bias_and_no_activation_as_linear(torch):
    net = torch.nn.Sequential(torch.nn.Linear(2, 3, bias=False), torch.nn.Linear(3, 1)).double()
    model = MLP.from_torch(net)
    assert model.activation == "linear" and all(n.b.data == 0.0 for n in model.layers[0].neurons)
    np.testing.assert_allclose(model(INPUTS[:, :2]).data, net(torch.from_numpy(INPUTS[:, :2]))[:, 0].detach(),
                               rtol=1e-12, atol=1e-12)


def test_from_torch_leaves_global_random_state_alone(torch):
    random.seed(0)
    state = random.getstate()
    MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)))
    assert random.getstate() == state


def _refused(torch):
    nn = torch.nn
    return [
        (nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1), nn.Linear(3, 1)),
         "layer 1 (Softmax(dim=1)) is a Softmax, which an MLP cannot hold; it supports Linear, ReLU"),
        (nn.Sequential(nn.ReLU(), nn.Linear(2, 1)), "layer 0 (ReLU()) comes before any Linear layer"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid()),
         "the last Linear layer is followed by an activation, but an MLP's output layer is linear"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)),
         "the hidden layers differ in activation or dropout"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 1)),
         "Linear layer 0 has 3 outputs but Linear layer 1 takes 4 inputs"),
        (nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1)),
         "has negative_slope=0.2; chainrule's leaky_relu has slope 0.01"),
        (nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1), nn.ReLU(), nn.Linear(3, 1)),
         "layer 2 (ReLU()) follows a Dropout; an MLP layer is Linear, then one activation"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Dropout(1.0), nn.Linear(3, 1)),
         "has p=1.0; chainrule's Dropout takes p in [0, 1)"),
        (nn.Sequential(), "the Sequential holds no Linear layer"),
        (nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU()), nn.Linear(3, 1)),
         "is a Sequential, which an MLP cannot hold"),
    ]


def test_from_torch_refuses_what_an_mlp_cannot_hold_naming_the_layer(torch):
    for net, message in _refused(torch):
        with pytest.raises(ValueError, match="MLP.from_torch: ") as info:
            MLP.from_torch(net)
        assert message in str(info.value)
    with pytest.raises(TypeError, match=r"MLP.from_torch expects a torch.nn.Sequential .* got Linear \(wrap"):
        MLP.from_torch(torch.nn.Linear(2, 1))


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    real = importlib.import_module

    def no_torch(name, *args):
        if name == "torch":
            raise ModuleNotFoundError("No module named 'torch'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_torch)
    for call in (lambda: MLP(2, [1]).to_torch(), lambda: MLP.from_torch(object())):
        with pytest.raises(ImportError, match=r"needs PyTorch, which is not installed: pip install torch \(in a "
                                              r"chainrule checkout: uv sync --group bench\)"):
            call()
    assert MLP(2, [3, 1], seed=0).to_arrays()  # numpy only: works without torch


def test_importing_nn_does_not_import_torch():
    code = "import sys, nn; m = nn.MLP(2, [1]); m.to_arrays(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"
