"""nn.init draws in the weights' own dtype, into their own memory: the streams it defines, that
they are reproducible, and that no float64 copy of a float32 weight is ever made."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

import minigrad as mg
from minigrad import models, nn
from minigrad.nn import init


def test_float32_uniform_is_numpys_float32_stream_scaled():
    """The stream (changed once, when initialisation began drawing float32 directly): U(0, 1)
    in float32 from the seeded generator, then a + (b - a) * u."""
    mg.manual_seed(3)
    w = init.uniform_(mg.zeros(7, 5), -0.5, 1.5)
    u = np.random.default_rng(3).random((7, 5), dtype=np.float32)
    expected = u * np.float32(2.0) + np.float32(-0.5)
    np.testing.assert_array_equal(w.numpy(), expected)
    assert w.dtype == np.float32


def test_float64_streams_are_unchanged():
    """float64 tensors draw exactly what numpy's uniform and normal give for the same seed."""
    mg.manual_seed(5)
    u = init.uniform_(mg.zeros(4, 6, dtype=mg.float64), -2.0, 3.0)
    n = init.normal_(mg.zeros(4, 6, dtype=mg.float64), 1.0, 0.25)
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(u.numpy(), rng.uniform(-2.0, 3.0, (4, 6)))
    np.testing.assert_array_equal(n.numpy(), rng.normal(1.0, 0.25, (4, 6)))


def test_default_layer_init_follows_the_stream():
    mg.manual_seed(11)
    layer = nn.Linear(9, 4)
    rng = np.random.default_rng(11)
    bound = np.float32(1 / math.sqrt(9))
    weight = rng.random((4, 9), dtype=np.float32) * (2 * bound) - bound
    bias = rng.random(4, dtype=np.float32) * (2 * bound) - bound
    np.testing.assert_allclose(layer.weight.numpy(), weight, rtol=1e-6)
    np.testing.assert_allclose(layer.bias.numpy(), bias, rtol=1e-6)


@pytest.mark.parametrize(
    "name",  # (Inception-ResNet-v1 draws 63M weights three times: make test-slow)
    ["googlenet_bn", pytest.param("inception_resnet_v1", marks=pytest.mark.slow), "resnet_small"],
)
def test_same_seed_same_weights_other_seed_other_weights(name):
    def weights(seed):  # the arrays themselves: each build is a new model, kept by no one
        mg.manual_seed(seed)
        return {k: v.numpy() for k, v in models.create(name, num_classes=5).state_dict().items()}

    first, again, other = weights(0), weights(0), weights(1)
    assert first.keys() == again.keys()
    assert [k for k in first if not np.array_equal(first[k], again[k])] == []  # (names them)
    convs = [k for k in first if k.endswith("conv.weight") or k.endswith("conv1.weight")]
    assert convs and not np.array_equal(first[convs[0]], other[convs[0]])


def test_filling_a_float32_weight_makes_no_float64_copy():
    """Peak memory while filling 1M float32 weights stays near 0: drawn in place, not drawn
    as 8 MB of float64 and converted."""
    w = mg.zeros(1000, 1000)
    for fill in (
        lambda: init.kaiming_uniform_(w, a=math.sqrt(5)),
        lambda: init.normal_(w, 0.0, 0.02),
        lambda: init.xavier_uniform_(w),
    ):
        tracemalloc.start()
        fill()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 1_000_000, f"{peak:,} bytes allocated while filling 4,000,000 bytes"
    assert w.dtype == np.float32 and 0.015 < w.numpy().std() < 0.07


def test_init_fills_views_and_other_dtypes_too():
    base = mg.zeros(6, 4)
    view = mg.from_numpy(base.numpy().T)  # not C-contiguous
    init.uniform_(view, 1.0, 2.0)
    assert base.numpy().min() >= 1.0 and base.numpy().max() < 2.0
    half = mg.from_numpy(np.zeros((50, 50), dtype=np.float16))  # neither f32 nor f64
    init.normal_(half, 0.0, 1.0)
    assert half.dtype == np.float16 and 0.8 < float(half.numpy().std()) < 1.2
    g = np.random.default_rng(0)
    a = init.uniform_(mg.zeros(3, 3), generator=g).numpy().copy()
    b = init.uniform_(mg.zeros(3, 3), generator=np.random.default_rng(0)).numpy()
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="init: expected a Tensor"):
        init.uniform_(np.zeros(3))
