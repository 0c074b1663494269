"""MLP and Layer with dropout: where the Dropouts go, that the weights and names do not change, train and eval
outputs, seeds, batch mode, config, repr, files. (micrograd's MLP behaviour is tested in test_module.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from nn_cases import same_state

from autograd import Batch, Value
from nn import MLP, Dropout, Layer, ModelFileError
from nn.data import make_moons

X, _ = make_moons(40, noise=0.1, seed=0)


def outputs(model, rows=X[:8]) -> list[float]:
    return [model(list(x)).data for x in rows]


def test_dropout_goes_after_each_hidden_activation_and_changes_no_weight_or_name():
    plain, dropped = MLP(2, [8, 8, 1], seed=3), MLP(2, [8, 8, 1], dropout=0.2, seed=3)
    assert [type(layer.dropout) for layer in dropped.layers] == [Dropout, Dropout, type(None)]
    assert all(layer.dropout.p == 0.2 for layer in dropped.layers[:2])
    assert all(layer.dropout is None for layer in plain.layers)
    assert same_state(plain.state_dict(), dropped.state_dict())  # same names, bit-identical weights
    drops = [name for name, m in dropped.named_modules() if isinstance(m, Dropout)]
    assert drops == ["layers.0.dropout", "layers.1.dropout"]


def test_in_eval_mode_a_dropout_mlp_computes_what_the_plain_one_does():
    plain, dropped = MLP(2, [8, 8, 1], seed=3), MLP(2, [8, 8, 1], dropout=0.5, seed=3)
    assert outputs(dropped.eval()) == outputs(plain)
    assert np.array_equal(dropped(X).data, plain(X).data)


def test_in_training_mode_hidden_units_are_dropped_and_the_survivors_scaled():
    model = MLP(2, [64, 1], dropout=0.5, seed=1)
    hidden = model.layers[0]
    for layer in model.layers:
        for n in layer.neurons:
            n.b.data = 1.0  # every ReLU active, so a zero can only come from dropout
    out = hidden([0.0, 0.0])
    assert {o.data for o in out} == {0.0, 2.0}
    assert outputs(model) != outputs(model.eval())


def test_a_seed_makes_the_masks_reproducible_too():
    a, b = MLP(2, [8, 1], dropout=0.5, seed=4), MLP(2, [8, 1], dropout=0.5, seed=4)
    assert outputs(a) == outputs(b)
    other = MLP(2, [8, 1], dropout=0.5, seed=5)
    other.load_state_dict(a.state_dict())
    assert outputs(a) != outputs(other)  # the same weights, another seed: other masks


def test_in_batch_mode_every_sample_gets_its_own_mask():
    model = MLP(2, [16, 1], dropout=0.5, seed=6)
    batch = model(np.repeat(X[:1], 200, axis=0))  # one sample, 200 times
    assert isinstance(batch, Batch) and len(np.unique(batch.data)) > 20
    assert np.unique(model.eval()(np.repeat(X[:1], 200, axis=0)).data).size == 1


def test_a_one_layer_mlp_has_nothing_to_drop():
    model = MLP(2, [3], dropout=0.3, seed=0)
    assert model.layers[0].dropout is None and model.config() == MLP(2, [3]).config()


def test_config_repr_and_summary_show_the_dropout():
    model = MLP(2, [4, 4, 1], dropout=0.25, seed=0)
    assert model.config() == {"nin": 2, "nouts": [4, 4, 1], "activation": "relu", "init": "uniform",
                              "dropout": 0.25}
    assert "dropout" not in MLP(2, [4, 1]).config()  # files saved before dropout existed still match
    assert repr(model) == "MLP(2 -> 4 -> 4 -> 1, relu hidden, dropout 0.25, linear out, 37 parameters)"
    assert model.summary().splitlines()[1] == "  layers.0: Layer(2 -> 4, relu, dropout 0.25, 12 parameters)"


def test_a_layer_takes_dropout_too():
    layer = Layer(3, 5, dropout=0.4, seed=2)
    assert isinstance(layer.dropout, Dropout) and layer.dropout.p == 0.4
    assert layer.config()["dropout"] == 0.4 and "dropout" not in Layer(3, 5).config()
    assert repr(layer) == "Layer(3 -> 5, relu, dropout 0.4, 20 parameters)"
    single = Layer(2, 1, dropout=0.5, seed=0)(np.ones((6, 2)))
    assert isinstance(single, Value)  # nout == 1 still gives a bare Value (a Batch here)


@pytest.mark.parametrize("make", [lambda p: MLP(2, [3, 1], dropout=p), lambda p: Layer(2, 3, dropout=p)])
@pytest.mark.parametrize("p", [1.0, -0.5, "0.1", float("nan")])
def test_dropout_must_be_a_probability_below_one(make, p):
    with pytest.raises(ValueError, match=r"(MLP|Layer): dropout \(the probability of zeroing each output while "
                                         r"training\) must be a finite number in \[0, 1\)"):
        make(p)


def test_a_model_with_dropout_saves_and_loads(tmp_path):
    path = tmp_path / "model.json"
    model = MLP(2, [5, 1], dropout=0.3, seed=0)
    model.save(path)
    other = MLP(2, [5, 1], dropout=0.3, seed=1)
    other.load(path)
    assert same_state(other.state_dict(), model.state_dict())
    plain = MLP(2, [5, 1], seed=1)
    before = plain.state_dict()
    with pytest.raises(ModelFileError, match="build the model with the saved architecture first"):
        plain.load(path)  # another architecture: refused, nothing changed
    assert same_state(plain.state_dict(), before)
