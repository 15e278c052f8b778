"""Optimizers change parameters in place: same tensors, same memory, versions bumped, and
zero_grad as PyTorch. Bad hyperparameters raise naming the argument."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

OPTIMIZERS = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.1),
    "SGD momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    "Adam": lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    "AdamW": lambda ps: optim.AdamW(ps, lr=0.01),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_steps_keep_parameter_identity_memory_and_state_keys(name):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    params = list(model.parameters())
    memory = [p.numpy() for p in params]
    opt = OPTIMIZERS[name](model.parameters())
    x = mg.randn(8, 3)
    start = [p.numpy().copy() for p in params]
    versions = [p._version for p in params]
    for _ in range(3):
        opt.zero_grad()
        (model(x) ** 2).mean().backward()
        opt.step()
    assert all(a is b for a, b in zip(model.parameters(), params))
    for p, m, s, v in zip(params, memory, start, versions):
        assert np.shares_memory(p.numpy(), m) and not np.array_equal(p.numpy(), s)
        assert p.is_leaf and p.requires_grad and p._version == v + 3
    assert all(any(p is q for q in params) for p in opt.state)
    saved = opt.state_dict()
    assert sorted(saved["state"]) == list(range(len(params)))


def test_zero_grad_without_set_to_none_zeroes_the_same_tensor_like_torch(torch):
    for lib, module_level in ((mg, False), (mg, True), (torch, False), (torch, True)):
        p = lib.ones(3, requires_grad=True)
        holder = lib.nn.Linear(1, 1)
        holder.weight = lib.nn.Parameter(p) if lib is torch else nn.Parameter(p)
        w = holder.weight
        (w * 2.0).sum().backward()
        g = w.grad
        if module_level:
            holder.zero_grad(set_to_none=False)
        else:
            (optim.SGD if lib is mg else lib.optim.SGD)([w], lr=0.1).zero_grad(set_to_none=False)
        assert w.grad is g and not w.grad.numpy().any()
        (w * 3.0).sum().backward()
        np.testing.assert_array_equal(w.grad.numpy(), [3.0, 3.0, 3.0])
        holder.zero_grad()
        assert w.grad is None


def test_zero_grad_detaches_a_gradient_made_with_create_graph():
    p = mg.tensor([1.0, 2.0], requires_grad=True)
    (p**3).sum().backward(create_graph=True)
    assert p.grad.requires_grad
    optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert not p.grad.requires_grad and not p.grad.numpy().any()


def test_a_step_between_forward_and_backward_is_caught_like_torch(torch):
    for lib in (mg, torch):
        w = lib.ones(2, 2, requires_grad=True)
        x = lib.ones(1, 2, requires_grad=True)
        loss = (x @ w).sum()  # saved w for x's gradient
        w.grad = lib.ones(2, 2)
        (optim.SGD if lib is mg else lib.optim.SGD)([w], lr=0.1).step()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda p: optim.SGD(p, lr=None), TypeError, "lr must be a number, got None"),
        (lambda p: optim.SGD(p, lr="0.1"), TypeError, "lr must be a number, got '0.1'"),
        (lambda p: optim.SGD(p, lr=math.nan), ValueError, "lr must be >= 0, got nan"),
        (lambda p: optim.SGD(p, lr=0.1, momentum=None), TypeError, "momentum must be a number"),
        (lambda p: optim.SGD(p, lr=0.1, momentum=-1), ValueError, "momentum must be >= 0"),
        (lambda p: optim.SGD(p, lr=0.1, dampening="x"), TypeError, "dampening must be a number"),
        (lambda p: optim.SGD(p, lr=0.1, nesterov="yes"), TypeError, "nesterov must be True"),
        (lambda p: optim.SGD(p, 0.1, weight_decay=-0.1), ValueError, "weight_decay must be >= 0"),
        (lambda p: optim.Adam(p, betas=(0.9,)), ValueError, "betas must be two numbers"),
        (lambda p: optim.Adam(p, betas=None), ValueError, "betas must be two numbers"),
        (lambda p: optim.Adam(p, betas=(0.9, "a")), TypeError, "betas must be a number"),
        (lambda p: optim.Adam(p, eps=-1e-8), ValueError, "eps must be >= 0"),
        (lambda p: optim.AdamW(p, amsgrad=1), TypeError, "amsgrad must be True or False"),
        (lambda p: optim.SGD([{"params": p, "lr": None}], lr=0.1), TypeError, "lr must be a"),
        (
            lambda p: optim.StepLR(optim.SGD(p, lr=0.1), step_size=2.5),
            ValueError,
            "step_size must be a positive integer, got 2.5",
        ),
        (
            lambda p: optim.StepLR(optim.SGD(p, lr=0.1), step_size=2, gamma=None),
            TypeError,
            "gamma must be a number",
        ),
        (
            lambda p: optim.CosineAnnealingLR(optim.SGD(p, lr=0.1), T_max=None),
            TypeError,
            "T_max must be a number",
        ),
        (
            lambda p: optim.StepLR(optim.SGD(p, lr=0.1), step_size=2, last_epoch=1.5),
            TypeError,
            "last_epoch must be an int",
        ),
        (
            lambda p: optim.StepLR(optim.SGD(p, lr=0.1), step_size=2, last_epoch=3),
            KeyError,
            "initial_lr",
        ),
    ],
)
def test_bad_hyperparameters_name_the_argument(make, error, words):
    with pytest.raises(error, match=words):
        make([mg.ones(2, requires_grad=True)])
