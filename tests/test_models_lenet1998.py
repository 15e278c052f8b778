"""LeNet5(variant="1998"): the paper's per-layer parameter counts (60,000 in all), the C3
connection table, trainable subsampling, the scaled tanh, the fixed RBF output layer."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import data, nn, optim
from minigrad.models import LeNet5
from minigrad.models.lenet import (
    C3_TABLE,
    ConnectionTableConv2d,
    DigitRBF,
    ScaledTanh,
    Subsampling,
    digit_prototypes,
)

PAPER_COUNTS = {  # trainable parameters per layer, as the paper's section II.B gives them
    "features.c1": 156,
    "features.s2": 12,
    "features.c3": 1_516,
    "features.s4": 32,
    "features.c5": 48_120,
    "classifier.f6": 10_164,
    "classifier.output": 0,
}


def test_parameter_counts_per_layer_are_the_papers_and_total_60000():
    model = LeNet5(variant="1998")
    summary = nn.summary(model, (1, 32, 32), verbose=False)
    rows = {row.name: row for row in summary.rows}
    for name, count in PAPER_COUNTS.items():
        assert rows[name].num_params == count, name
    assert summary.total_params == sum(p.numel() for p in model.parameters()) == 60_000
    assert rows["features.c3"].output_shape == (1, 16, 10, 10)
    assert rows["features.s4"].output_shape == (1, 16, 5, 5)
    assert summary.output_shape == (1, 10)
    # the modern default is unchanged: C3 fully connected, plain pooling, a linear output
    assert sum(p.numel() for p in LeNet5().parameters()) == 61_706


def test_c3_table_is_table_one_of_the_paper():
    by_inputs = {n: [k for k, maps in enumerate(C3_TABLE) if len(maps) == n] for n in (3, 4, 6)}
    assert by_inputs == {3: list(range(6)), 4: list(range(6, 15)), 6: [15]}
    for k in range(6):  # three neighbouring maps, then four, wrapping around
        assert set(C3_TABLE[k]) == {k % 6, (k + 1) % 6, (k + 2) % 6}
        assert set(C3_TABLE[6 + k]) == {(k + j) % 6 for j in range(4)}
    assert [set(C3_TABLE[k]) for k in (12, 13, 14)] == [{0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}]
    assert sum(len(maps) for maps in C3_TABLE) == 60  # 60 kernels + 16 biases = 1,516


def test_each_c3_map_reads_only_its_s2_maps(rng):
    layer = ConnectionTableConv2d(C3_TABLE, 5)
    x = rng.standard_normal((1, 6, 14, 14)).astype(np.float32)
    base = layer(mg.tensor(x)).numpy()
    for c in range(6):
        nudged = x.copy()
        nudged[0, c] += 1.0
        changed = np.abs(layer(mg.tensor(nudged)).numpy() - base).reshape(16, -1).max(1) > 0
        assert set(np.flatnonzero(changed)) == {k for k, maps in enumerate(C3_TABLE) if c in maps}


def test_c3_equals_a_convolution_with_zero_kernels_where_not_connected(torch, rng):
    layer = ConnectionTableConv2d(C3_TABLE, 5).double()
    dense = layer.dense_weight().numpy()
    for k, maps in enumerate(C3_TABLE):
        for c in range(6):
            assert (np.abs(dense[k, c]).sum() > 0) == (c in maps)
    from torch_oracle import assert_matches_torch  # here: the module's other tests need no torch

    bias = torch.tensor(layer.bias.numpy())
    assert_matches_torch(
        layer,
        lambda t: torch.nn.functional.conv2d(t, torch.tensor(dense), bias),
        [rng.standard_normal((2, 6, 14, 14))],
        what="C3",
    )


def test_c3_gradient_reaches_only_its_kernels_and_passes_gradcheck(rng):
    layer = ConnectionTableConv2d(C3_TABLE[:4] + C3_TABLE[12:], 3).double()
    x = mg.tensor(rng.standard_normal((2, 6, 5, 5)), dtype="float64", requires_grad=True)
    w, b = layer.weight, layer.bias

    def fn(x, w, b):
        layer.weight, layer.bias = w, b
        return layer(x)

    assert mg.gradcheck(fn, [x, w, b])
    layer.weight, layer.bias = w, b
    layer(x).sum().backward()
    assert w.grad.shape == (3 * 4 + 4 * 3 + 6, 3, 3)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    opt.step()
    dense = layer.dense_weight().numpy()
    unconnected = [(k, c) for k, maps in enumerate(layer.table) for c in range(6) if c not in maps]
    assert all((dense[k, c] == 0).all() for k, c in unconnected)  # still zero after a step


def test_subsampling_is_a_coefficient_and_a_bias_per_map(rng):
    layer = Subsampling(3)
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    sums = x.reshape(2, 3, 3, 2, 3, 2).sum(axis=(3, 5))
    w, b = layer.weight.numpy(), layer.bias.numpy()
    expected = sums * w.reshape(1, 3, 1, 1) + b.reshape(1, 3, 1, 1)
    np.testing.assert_allclose(layer(mg.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)
    layer.weight.data[...] = 0.25
    layer.bias.data[...] = 0.0
    avg = F.avg_pool2d(mg.tensor(x), 2).numpy()
    np.testing.assert_allclose(layer(mg.tensor(x)).numpy(), avg, rtol=1e-6)  # w = 1/4: average
    g = rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
    (layer(mg.tensor(x)) * mg.tensor(g)).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), (g * sums).sum((0, 2, 3)), rtol=1e-4)
    np.testing.assert_allclose(layer.bias.grad.numpy(), g.sum((0, 2, 3)), rtol=1e-5)


def test_scaled_tanh_maps_one_to_one():
    f = ScaledTanh()
    y = f(mg.tensor([-1.0, 0.0, 1.0, 100.0])).numpy()
    np.testing.assert_allclose(y[:3], [-1.0, 0.0, 1.0], atol=1e-4)
    assert abs(y[3] - 1.7159) < 1e-4


def test_rbf_scores_are_minus_squared_distances_to_fixed_prototypes(rng):
    protos = digit_prototypes()
    assert protos.shape == (10, 84) and set(np.unique(protos)) == {-1.0, 1.0}
    assert len({tuple(p) for p in protos}) == 10  # ten different digits
    layer = DigitRBF()
    assert list(layer.parameters()) == [] and "centres" in layer.state_dict()
    x = rng.standard_normal((4, 84)).astype(np.float32)
    expected = -((x[:, None, :] - protos[None]) ** 2).sum(-1)
    np.testing.assert_allclose(layer(mg.tensor(x)).numpy(), expected, rtol=1e-5)
    near = protos[[3, 7]] + 0.1 * rng.standard_normal((2, 84)).astype(np.float32)
    assert layer(mg.tensor(near)).numpy().argmax(1).tolist() == [3, 7]  # nearest prototype


def test_paper_initialisation_bounds():
    mg.manual_seed(0)
    model = LeNet5(variant="1998")
    for name, fan_in in [("c1", 25), ("c5", 400)]:
        w = getattr(model.features, name).weight.numpy()
        assert np.abs(w).max() <= 2.4 / fan_in and np.abs(w).max() > 0.9 * 2.4 / fan_in
    assert np.abs(model.classifier.f6.weight.numpy()).max() <= 2.4 / 120
    c3 = model.features.c3.weight.numpy()  # first six kernels belong to 3-input maps
    assert np.abs(c3[:18]).max() <= 2.4 / 75 and np.abs(c3[18:54]).max() <= 2.4 / 100
    assert np.abs(model.features.s2.weight.numpy()).max() <= 2.4 / 4


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="variant must be 'modern' or '1998'"):
        LeNet5(variant="1989")
    with pytest.raises(ValueError, match="leave activation and pool unset"):
        LeNet5(variant="1998", activation="relu")
    with pytest.raises(ValueError, match="one fixed prototype per digit"):
        LeNet5(variant="1998", num_classes=5)
    with pytest.raises(ValueError, match="Pad 28x28 MNIST digits by 2"):
        LeNet5(variant="1998")(mg.zeros(1, 1, 28, 28))


def test_state_dict_round_trip_and_a_few_steps_of_training(tmp_path):
    mg.manual_seed(0)
    model = LeNet5(variant="1998")
    train_set, _ = data.load_digits()
    x, y = train_set.tensors[0][:64], train_set.tensors[1][:64]
    opt = optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(25):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    mg.save(model.state_dict(), tmp_path / "lenet1998.npz")
    copy = LeNet5(variant="1998")
    copy.load_state_dict(mg.load(tmp_path / "lenet1998.npz"))
    np.testing.assert_array_equal(copy(x).numpy(), model(x).numpy())
