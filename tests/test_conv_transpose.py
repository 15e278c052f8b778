"""conv_transpose2d and nn.ConvTranspose2d: values, gradients and second derivatives against
PyTorch over a grid of options; the adjoint of conv2d; composed of primitives only."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from graph_functions import graph_functions, primitive_classes

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.ops import window

# (N, C_in, H, W, C_out, kernel, stride, padding, output_padding, groups, dilation): every
# value of every option appears, and the awkward corners (output_padding reaching past the
# full output, padding that crops all but a row, pairs everywhere) each have a case
CASES = [
    (2, 3, 4, 5, 2, 3, 1, 0, 0, 1, 1),  # the plain adjoint of a 3x3 convolution
    (1, 2, 3, 3, 3, 3, 2, 1, 1, 1, 1),  # stride 2 with output_padding: the usual upsampler
    (2, 4, 3, 4, 6, 2, 2, 0, 0, 2, 1),  # 2x2 stride 2 (no overlap), groups 2
    (1, 4, 5, 3, 4, 3, 3, 2, 2, 4, 1),  # stride 3, output_padding 2 > padding... depthwise
    (2, 2, 4, 4, 2, 3, 1, 1, 1, 1, 2),  # output_padding allowed by dilation, not stride
    (1, 3, 2, 5, 4, (2, 3), (2, 1), (1, 0), (1, 0), 1, (1, 2)),  # pairs everywhere
    (2, 6, 3, 3, 3, 5, 2, 2, 1, 3, 1),  # 5x5, groups 3
    (1, 2, 1, 1, 3, 1, 3, 1, 2, 1, 1),  # 1x1 input, padding crops the only computed pixel
    (2, 1, 6, 6, 1, 4, 2, 1, 0, 1, 1),  # the DCGAN upsampler: 4x4, stride 2, padding 1
]


def _ids(case):
    n, c, h, w, o, k, s, p, op, g, d = case
    return f"N{n}C{c}_{h}x{w}_O{o}_k{k}_s{s}_p{p}_op{op}_g{g}_d{d}".replace(" ", "")


def _inputs(case, rng):
    n, c, h, w, o, k, s, p, op, g, d = case
    kh, kw = (k, k) if isinstance(k, int) else k
    x = rng.standard_normal((n, c, h, w))
    wt = rng.standard_normal((c, o // g, kh, kw))
    b = rng.standard_normal(o)
    return x, wt, b, dict(stride=s, padding=p, output_padding=op, groups=g, dilation=d)


def _mg(a):
    return mg.tensor(a, dtype="float64", requires_grad=True)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_conv_transpose2d_matches_torch_values_grads_and_second_derivatives(case, torch, rng):
    x, w, b, kw = _inputs(case, rng)
    tf = torch.nn.functional
    X, W, B = _mg(x), _mg(w), _mg(b)
    y = F.conv_transpose2d(X, W, B, **kw)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = tf.conv_transpose2d(tx, tw, tb, **kw)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-10)

    v = rng.standard_normal(ty.shape)
    gx, gw, gb = mg.grad((y * mg.tensor(v, dtype="float64")).sum(), [X, W, B], create_graph=True)
    tgx, tgw, tgb = torch.autograd.grad(
        (ty * torch.tensor(v)).sum(), [tx, tw, tb], create_graph=True
    )
    for ours, theirs in ((gx, tgx), (gw, tgw), (gb, tgb)):
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), atol=1e-10)

    u, r = rng.standard_normal(x.shape), rng.standard_normal(w.shape)
    second = (gx * mg.tensor(u, dtype="float64")).sum() + (gw * mg.tensor(r, dtype="float64")).sum()
    hx, hw = mg.grad(second, [X, W])
    tsecond = (tgx * torch.tensor(u)).sum() + (tgw * torch.tensor(r)).sum()
    thx, thw = torch.autograd.grad(tsecond, [tx, tw])
    np.testing.assert_allclose(hx.numpy(), thx.numpy(), atol=1e-10)
    np.testing.assert_allclose(hw.numpy(), thw.numpy(), atol=1e-10)


def test_conv_transpose2d_matches_torch_on_the_whole_grid(torch, rng):
    """Values and first gradients on every combination of the options (within PyTorch's rule
    output_padding < stride or dilation, and a positive output size): 226 settings."""
    tf = torch.nn.functional
    checked = 0
    grid = itertools.product((1, 2, 3), (1, 2, 3), (0, 1, 2), (0, 1, 2), (1, 2), (1, 2))
    for k, s, p, op, d, g in grid:
        if op >= s and op >= d:
            continue
        h, w = 3, 4
        if min((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n in (h, w)) < 1:
            continue
        x = rng.standard_normal((2, 4, h, w))
        wt = rng.standard_normal((4, 6 // g, k, k))
        b = rng.standard_normal(6)
        kw = dict(stride=s, padding=p, output_padding=op, groups=g, dilation=d)
        X, W, B = _mg(x), _mg(wt), _mg(b)
        y = F.conv_transpose2d(X, W, B, **kw)
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, wt, b))
        ty = tf.conv_transpose2d(tx, tw, tb, **kw)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-10, err_msg=str(kw))
        v = rng.standard_normal(ty.shape)
        grads = mg.grad((y * mg.tensor(v, dtype="float64")).sum(), [X, W, B])
        tgrads = torch.autograd.grad((ty * torch.tensor(v)).sum(), [tx, tw, tb])
        for ours, theirs in zip(grads, tgrads):
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-10, err_msg=str(kw))
        checked += 1
    assert checked == 226


def test_conv_transpose2d_is_the_gradient_of_conv2d_with_respect_to_its_input(rng):
    """<conv2d(z, w), x> = <z, conv_transpose2d(x, w)> for every z: the two are adjoint."""
    for s, p, d, g in [(1, 0, 1, 1), (2, 1, 1, 1), (2, 0, 2, 2), (3, 2, 1, 1)]:
        w = rng.standard_normal((4, 6 // g, 3, 3))
        z = _mg(rng.standard_normal((2, 6, 9, 8)))
        # conv2d's weight is (C_out, C_in / groups, KH, KW) = (4, 6 / g, 3, 3): z has 6 channels
        y = F.conv2d(z, mg.tensor(w, dtype="float64"), stride=s, padding=p, dilation=d, groups=g)
        x = rng.standard_normal(y.shape)
        (grad_z,) = mg.grad((y * mg.tensor(x, dtype="float64")).sum(), [z])
        t = F.conv_transpose2d(
            mg.tensor(x, dtype="float64"),
            mg.tensor(w, dtype="float64"),
            stride=s,
            padding=p,
            dilation=d,
            groups=g,
            output_padding=tuple(  # the rows/columns conv2d's last window did not reach
                n - ((m - 1) * s - 2 * p + d * 2 + 1) for n, m in zip(z.shape[2:], y.shape[2:])
            ),
        )
        assert t.shape == z.shape
        np.testing.assert_allclose(t.numpy(), grad_z.numpy(), atol=1e-10)


def test_conv_transpose2d_passes_gradcheck_and_gradgradcheck(rng):
    x, w, b = _mg(rng.standard_normal((1, 2, 3, 3))), _mg(rng.standard_normal((2, 2, 3, 3))), None
    b = _mg(rng.standard_normal(2))

    def fn(x, w, b):
        return F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)

    assert mg.gradcheck(fn, [x, w, b])
    assert mg.gradgradcheck(fn, [x, w, b])


@pytest.mark.parametrize("groups, output_padding", [(1, 0), (2, 2)])
def test_conv_transpose2d_is_composed_of_primitives_only(groups, output_padding, rng):
    """No backward is written for it: its graph, and its gradient's graph, hold primitives."""
    x = _mg(rng.standard_normal((2, 4, 3, 3)))
    w = _mg(rng.standard_normal((4, 2, 3, 3)))
    b = _mg(rng.standard_normal(2 * groups))
    kw = dict(stride=3, padding=1, output_padding=output_padding, groups=groups)
    y = F.conv_transpose2d(x, w, b, **kw)
    fns = graph_functions(y)
    assert {type(f) for f in fns} <= primitive_classes()
    assert window.Fold in {type(f) for f in fns}
    assert all(f.scope and f.scope[0].name == "conv_transpose2d" for f in fns)
    for g in mg.grad((y * y).sum(), [x, w, b], create_graph=True):
        assert {type(f) for f in graph_functions(g)} <= primitive_classes()


def test_conv_transpose2d_keeps_float32(rng):
    x = mg.tensor(rng.standard_normal((1, 2, 3, 3)), dtype=mg.float32, requires_grad=True)
    w = mg.tensor(rng.standard_normal((2, 3, 2, 2)), dtype=mg.float32, requires_grad=True)
    y = F.conv_transpose2d(x, w, mg.zeros(3), stride=2)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == np.float32
    assert y.shape == (1, 3, 6, 6)


@pytest.mark.parametrize(
    "kwargs, shapes, words",
    [
        ({}, [(1, 3, 4, 4), (2, 3, 3, 3)], ["input has 3 channels, weight expects 2", "(C_in,"]),
        ({"output_padding": 2, "stride": 2}, [(1, 2, 4, 4), (2, 3, 3, 3)], ["output_padding"]),
        ({"groups": 2}, [(1, 3, 4, 4), (3, 1, 3, 3)], ["groups=2 does not divide"]),
        ({"padding": 3}, [(1, 2, 1, 1), (2, 3, 3, 3)], ["crops away everything"]),
        ({"padding": "same"}, [(1, 2, 4, 4), (2, 3, 3, 3)], ["only for conv2d"]),
        ({"stride": 0}, [(1, 2, 4, 4), (2, 3, 3, 3)], ["stride must be >= 1"]),
        ({}, [(2, 4, 4), (2, 3, 3, 3)], ["4-D input", "unsqueeze(0)"]),
    ],
)
def test_conv_transpose2d_bad_arguments_name_the_problem(kwargs, shapes, words):
    x, w = (mg.zeros(*s) for s in shapes)
    with pytest.raises(ValueError) as e:
        F.conv_transpose2d(x, w, **kwargs)
    assert str(e.value).startswith("conv_transpose2d:")
    for word in words:
        assert word in str(e.value)


def test_conv_transpose2d_bias_shape_is_checked():
    with pytest.raises(ValueError, match=r"bias has shape \(3,\), expected \(4,\)"):
        F.conv_transpose2d(mg.zeros(1, 2, 3, 3), mg.zeros(2, 2, 3, 3), mg.zeros(3), groups=2)


# --------------------------------------------------------------------------------------------
# The layer


def test_layer_has_pytorchs_parameter_shapes_repr_and_output(torch, rng):
    layer = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    assert layer.weight.shape == (4, 3, 3, 3) and layer.bias.shape == (6,)
    theirs = torch.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    assert tuple(theirs.weight.shape) == layer.weight.shape
    assert repr(layer) == repr(theirs)
    assert repr(nn.ConvTranspose2d(16, 8, 3, stride=2, bias=False)) == repr(
        torch.nn.ConvTranspose2d(16, 8, 3, stride=2, bias=False)
    )
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(layer.weight.numpy()))
        theirs.bias.copy_(torch.tensor(layer.bias.numpy()))
    x = rng.standard_normal((2, 4, 5, 5)).astype(np.float32)
    y = layer(mg.tensor(x))
    ty = theirs(torch.tensor(x, dtype=torch.float64))  # the fixture made float64 the default
    assert y.shape == (2, 6, 10, 10) == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-5)
    unbatched = layer(mg.tensor(x[0]))
    np.testing.assert_allclose(unbatched.numpy(), y.numpy()[0], atol=1e-6)


def test_layer_initialisation_follows_pytorchs_fan_in(rng):
    """PyTorch reads the weight's second axis, C_out / groups * KH * KW, as the fan-in."""
    mg.manual_seed(0)
    layer = nn.ConvTranspose2d(64, 8, 3, groups=2)
    bound = 1 / np.sqrt(8 // 2 * 3 * 3)  # 1/6
    w, b = layer.weight.numpy(), layer.bias.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01  # uniform on [-bound, bound]


def test_layer_output_size_picks_the_output_padding(torch, rng):
    layer = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    x = mg.tensor(rng.standard_normal((1, 2, 4, 4)), dtype=mg.float32)
    assert layer(x).shape == (1, 2, 7, 7)
    assert layer(x, output_size=(8, 7)).shape == (1, 2, 8, 7)
    assert layer(x, output_size=(1, 2, 8, 8)).shape == (1, 2, 8, 8)
    with pytest.raises(ValueError, match="out of reach.*7 to 8"):
        layer(x, output_size=(9, 8))


def test_layer_bad_arguments():
    with pytest.raises(ValueError, match="ConvTranspose2d: in_channels"):
        nn.ConvTranspose2d(0, 2, 3)
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.ConvTranspose2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="output_padding"):
        nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=2)
    with pytest.raises(TypeError, match="ConvTranspose2d: kernel_size"):
        nn.ConvTranspose2d(3, 4, "3")
    with pytest.raises(ValueError, match="input has 3 channels, expected 2"):
        nn.ConvTranspose2d(2, 4, 3)(mg.zeros(1, 3, 4, 4))


def test_layer_trains_inside_a_model():
    """An encoder-decoder: Conv2d down by 2, ConvTranspose2d back up; learns the identity."""
    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1),
    )
    x = mg.tensor(np.random.default_rng(0).uniform(size=(8, 1, 8, 8)), dtype=mg.float32)
    opt = mg.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(150):
        loss = ((model(x) - x) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert model(x).shape == x.shape
    assert losses[-1] < 0.25 * losses[0]
