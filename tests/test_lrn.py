"""Local response normalisation: F.local_response_norm and nn.LocalResponseNorm against PyTorch
(values, gradients, second derivatives), finite differences, composed of primitives only, errors."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.autograd import Function
from minigrad.ops import elementwise, matmul, movement, reduce, window


@pytest.mark.parametrize(
    "shape, size, alpha, beta, k",
    [
        ((2, 8, 3, 3), 5, 1e-4, 0.75, 1.0),  # GoogLeNet's
        ((2, 6, 4, 4), 5, 5e-4, 0.75, 2.0),  # the AlexNet paper's, in PyTorch's form
        ((3, 4, 5), 3, 0.3, 0.5, 1.5),  # (N, C, L)
        ((1, 5, 2, 2, 2), 4, 0.2, 1.2, 0.7),  # (N, C, D, H, W), an even window
        ((2, 3, 2, 2), 7, 0.5, 0.75, 1.0),  # a window wider than the channels
        ((2, 3, 2, 2), 1, 0.5, 0.75, 1.0),  # a window of one: each value by its own square
    ],
)
def test_local_response_norm_matches_torch_values_and_gradients(
    torch, rng, shape, size, alpha, beta, k
):
    x = rng.standard_normal(shape) * 3
    w = rng.standard_normal(shape)
    xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ym = F.local_response_norm(xm, size, alpha, beta, k)
    yt = torch.nn.functional.local_response_norm(xt, size, alpha, beta, k)
    np.testing.assert_allclose(ym.numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-14)
    (ym * mg.tensor(w, dtype=mg.float64)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_local_response_norm_second_derivative_matches_torch(torch, rng):
    x = rng.standard_normal((2, 5, 2, 3))
    xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    (gm,) = mg.grad(
        (F.local_response_norm(xm, 3, 0.4, 0.75, 1.0) ** 2).sum(), [xm], create_graph=True
    )
    (gt,) = torch.autograd.grad(
        (torch.nn.functional.local_response_norm(xt, 3, 0.4, 0.75, 1.0) ** 2).sum(),
        [xt],
        create_graph=True,
    )
    np.testing.assert_allclose(gm.numpy(), gt.detach().numpy(), rtol=1e-10)
    (g2m,) = mg.grad((gm * gm).sum(), [xm])
    (g2t,) = torch.autograd.grad((gt * gt).sum(), [xt])
    np.testing.assert_allclose(g2m.numpy(), g2t.numpy(), rtol=1e-9, atol=1e-12)


def test_local_response_norm_passes_gradcheck(rng):
    x = mg.tensor(rng.standard_normal((2, 4, 2, 2)), dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda t: F.local_response_norm(t, 3, alpha=0.5, beta=0.75, k=1.0), [x])


def test_local_response_norm_by_hand_on_three_channels():
    """One pixel, channels (1, 2, 3), size 3: channel 1 sees 1 + 4 + 9 = 14."""
    x = mg.tensor(np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1), dtype=mg.float64)
    y = F.local_response_norm(x, 3, alpha=3.0, beta=1.0, k=1.0).numpy().ravel()
    np.testing.assert_allclose(y, [1 / (1 + 5), 2 / (1 + 14), 3 / (1 + 13)])


def test_local_response_norm_is_composed_of_engine_primitives():
    primitives = {
        obj
        for module in (elementwise, reduce, movement, matmul, window)
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Function) and obj is not Function and obj.__module__ == module.__name__
    }
    x = mg.randn(1, 4, 2, 2, requires_grad=True)
    y = F.local_response_norm(x, 3)
    seen, stack, kinds = set(), [y], set()
    while stack:
        t = stack.pop()
        if id(t) in seen or t.grad_fn is None:
            continue
        seen.add(id(t))
        kinds.add(type(t.grad_fn))
        assert t.grad_fn.scope and t.grad_fn.scope[0].name == "local_response_norm"
        stack.extend(t.grad_fn.inputs)
    assert kinds and kinds <= primitives


def test_local_response_norm_layer_keeps_dtype_and_has_no_parameters():
    layer = nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)
    assert list(layer.parameters()) == [] and "5, alpha=0.0005" in repr(layer)
    x = mg.randn(2, 6, 3, 3)
    y = layer(x)
    assert y.dtype == np.float32 and y.shape == x.shape
    np.testing.assert_allclose(
        y.numpy(), F.local_response_norm(x, 5, alpha=5e-4, beta=0.75, k=2.0).numpy()
    )


def test_local_response_norm_errors_name_the_problem():
    with pytest.raises(ValueError, match="local_response_norm: expected input .* at least 3"):
        F.local_response_norm(mg.randn(4, 3), 3)
    with pytest.raises(ValueError, match="size must be an int >= 1, got 0"):
        F.local_response_norm(mg.randn(1, 3, 2, 2), 0)
    with pytest.raises(TypeError, match="floating-point"):
        F.local_response_norm(mg.tensor(np.ones((1, 3, 2, 2), dtype=np.int64)), 3)
    with pytest.raises(ValueError, match="LocalResponseNorm: size must be an int >= 1"):
        nn.LocalResponseNorm(2.5)
    with pytest.raises(TypeError, match="LocalResponseNorm: expected a Tensor"):
        nn.LocalResponseNorm(3)(np.ones((1, 3, 2, 2)))
