"""Optimizers and schedulers: every update equals PyTorch's, step by step."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

SHAPES = [(3, 4), (4,), (2, 1, 3)]


def _run_both(torch, make_mg, make_torch, rng, steps=6, dtype=np.float64, scheduler=None):
    """Same starting parameters, same gradients each step; compare after every step."""
    starts = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    ours = [mg.tensor(a, dtype=dtype, requires_grad=True) for a in starts]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in starts]
    opt_m, opt_t = make_mg(ours), make_torch(theirs)
    sched_m = sched_t = None
    if scheduler:
        sched_m, sched_t = scheduler[0](opt_m), scheduler[1](opt_t)
    for step in range(steps):
        for a, b in zip(ours, theirs):
            g = rng.standard_normal(a.shape).astype(dtype)
            a.grad = mg.tensor(g, dtype=dtype)
            b.grad = torch.tensor(g.copy())
        opt_m.step()
        opt_t.step()
        if sched_m:
            sched_m.step()
            sched_t.step()
            np.testing.assert_allclose(sched_m.get_last_lr(), sched_t.get_last_lr(), rtol=1e-12)
        for a, b in zip(ours, theirs):
            assert a.dtype == dtype
            np.testing.assert_allclose(
                a.numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=f"step {step}"
            )
    return opt_m, ours


@pytest.mark.parametrize(
    "kw",
    [
        dict(lr=0.1),
        dict(lr=0.1, weight_decay=0.01),
        dict(lr=0.05, momentum=0.9),
        dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=1e-3),
        dict(lr=0.05, momentum=0.8, nesterov=True),
        dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
    ],
)
def test_sgd_matches_torch(torch, rng, kw):
    _run_both(torch, lambda p: optim.SGD(p, **kw), lambda p: torch.optim.SGD(p, **kw), rng)


@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6),
        dict(lr=0.01, weight_decay=0.05),
        dict(lr=0.01, amsgrad=True, weight_decay=0.01),
    ],
)
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam_and_adamw_match_torch(torch, rng, name, kw):
    ours, theirs = getattr(optim, name), getattr(torch.optim, name)
    _run_both(torch, lambda p: ours(p, **kw), lambda p: theirs(p, **kw), rng)


def test_adamw_decays_differently_from_adam(rng):
    p1 = mg.tensor(np.ones(3), requires_grad=True)
    p2 = mg.tensor(np.ones(3), requires_grad=True)
    a, w = optim.Adam([p1], lr=0.1, weight_decay=0.5), optim.AdamW([p2], lr=0.1, weight_decay=0.5)
    for p in (p1, p2):
        p.grad = mg.tensor(np.zeros(3, dtype=np.float32))
    a.step()
    w.step()
    assert not np.allclose(p1.numpy(), p2.numpy())
    np.testing.assert_allclose(p2.numpy(), 1 - 0.1 * 0.5)  # only the decoupled decay moved it


def test_step_lr_and_cosine_match_torch(torch, rng):
    _run_both(
        torch,
        lambda p: optim.SGD(p, lr=0.2, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.9),
        rng,
        steps=8,
        scheduler=(
            lambda o: optim.StepLR(o, step_size=3, gamma=0.5),
            lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
        ),
    )
    _run_both(
        torch,
        lambda p: optim.Adam(p, lr=0.05),
        lambda p: torch.optim.Adam(p, lr=0.05),
        rng,
        steps=9,
        scheduler=(
            lambda o: optim.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
        ),
    )


def test_param_groups_have_their_own_lr(torch, rng):
    def groups(ps):
        return [{"params": ps[:1], "lr": 0.5}, {"params": ps[1:]}]

    opt, _ = _run_both(
        torch,
        lambda p: optim.SGD(groups(p), lr=0.01, momentum=0.5),
        lambda p: torch.optim.SGD(groups(p), lr=0.01, momentum=0.5),
        rng,
    )
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.01]


def test_float32_parameters_stay_float32():
    p = mg.randn(5, requires_grad=True)
    for opt in (optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1), optim.AdamW([p])):
        p.grad = mg.randn(5)
        opt.step()
        assert p.dtype == np.float32
        assert all(v.dtype == np.float32 for v in opt.state[p].values() if hasattr(v, "dtype"))


def test_zero_grad_sets_none_or_zeros():
    p = mg.randn(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = mg.ones(3)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.numpy(), 0)
    opt.zero_grad()
    assert p.grad is None
    opt.step()  # no gradient: nothing moves, nothing fails


def test_parameters_without_grad_are_skipped():
    a, b = mg.ones(2, requires_grad=True), mg.ones(2, requires_grad=True)
    opt = optim.SGD([a, b], lr=1.0)
    a.grad = mg.ones(2)
    opt.step()
    np.testing.assert_array_equal(a.numpy(), 0)
    np.testing.assert_array_equal(b.numpy(), 1)


def test_state_dict_round_trip_continues_identically(rng):
    def fresh():
        ps = [mg.tensor(np.arange(4.0) / 3, requires_grad=True)]
        return ps, optim.Adam(ps, lr=0.1, amsgrad=True)

    grads = [rng.standard_normal(4) for _ in range(6)]
    ps1, o1 = fresh()
    for g in grads[:3]:
        ps1[0].grad = mg.tensor(g)
        o1.step()
    saved = o1.state_dict()
    assert saved["param_groups"][0]["params"] == [0]
    assert saved["state"][0]["step"] == 3
    ps2, o2 = fresh()
    ps2[0].numpy()[...] = ps1[0].numpy()
    o2.load_state_dict(saved)
    for g in grads[3:]:
        for ps, o in ((ps1, o1), (ps2, o2)):
            ps[0].grad = mg.tensor(g)
            o.step()
    np.testing.assert_array_equal(ps1[0].numpy(), ps2[0].numpy())
    saved["state"][0]["exp_avg"][...] = 99  # state_dict hands out copies
    assert not np.any(o1.state[ps1[0]]["exp_avg"] == 99)


def test_load_state_dict_with_other_layout_is_refused():
    a = mg.ones(2, requires_grad=True)
    b = mg.ones(3, requires_grad=True)
    saved = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="group 0 was saved with 2 parameters but has 1"):
        optim.SGD([a], lr=0.1).load_state_dict(saved)
    a.grad = mg.ones(2)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    opt.step()
    wrong = opt.state_dict()
    c = mg.ones(5, requires_grad=True)
    with pytest.raises(ValueError, match=r"momentum_buffer.*shape \(2,\).*shape \(5,\)"):
        optim.SGD([c], lr=0.1, momentum=0.9).load_state_dict(wrong)


def test_bad_arguments_say_what_to_do():
    p = mg.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"single Tensor; wrap it in a list"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="empty list of parameters"):
        optim.Adam([])
    with pytest.raises(ValueError, match="lr must be >= 0, got -1"):
        optim.SGD([p], lr=-1)
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"betas must be two numbers in \[0, 1\)"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match="only floating-point tensors"):
        optim.SGD([mg.tensor([1, 2])], lr=0.1)
    with pytest.raises(ValueError, match="appears more than once"):
        optim.SGD([p, p], lr=0.1)
    with pytest.raises(TypeError, match=r"unknown hyperparameter\(s\) \['momentun'\]"):
        optim.SGD([{"params": [p], "momentun": 0.9}], lr=0.1)
    with pytest.raises(ValueError, match="step_size must be a positive integer"):
        optim.StepLR(optim.SGD([p], lr=0.1), step_size=0)
    with pytest.raises(TypeError, match="expected an optimizer"):
        optim.CosineAnnealingLR([p], T_max=3)


def test_gradient_of_wrong_shape_is_reported():
    p = mg.ones(2, 3, requires_grad=True)
    p.grad = mg.ones(3)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\) has a gradient of shape \(3,\)"):
        optim.SGD([p], lr=0.1).step()


def test_sgd_minimises_a_quadratic():
    x = mg.tensor([3.0, -2.0], requires_grad=True)
    opt = optim.SGD([x], lr=0.1, momentum=0.9, nesterov=True)
    for _ in range(100):
        opt.zero_grad()
        ((x - 1.0) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(x.numpy(), [1.0, 1.0], atol=1e-3)


def test_optimizer_and_scheduler_state_survive_a_checkpoint_file(tmp_path):
    def fresh():
        p = mg.tensor([1.0, -2.0, 0.5], requires_grad=True)
        opt = optim.Adam([p], lr=0.1, betas=(0.8, 0.9))
        return p, opt, optim.CosineAnnealingLR(opt, T_max=4)

    p1, o1, s1 = fresh()
    for _ in range(2):
        p1.grad = mg.tensor([0.3, -0.1, 0.2])
        o1.step()
        s1.step()
    mg.save({"opt": o1.state_dict(), "sched": s1.state_dict()}, tmp_path / "ckpt.npz")
    saved = mg.load(tmp_path / "ckpt.npz")
    p2, o2, s2 = fresh()
    p2.numpy()[...] = p1.numpy()
    o2.load_state_dict(saved["opt"])
    s2.load_state_dict(saved["sched"])
    assert o2.param_groups[0]["betas"] == (0.8, 0.9)
    assert s2.get_last_lr() == s1.get_last_lr() and s2.last_epoch == 2
    for p, o, s in ((p1, o1, s1), (p2, o2, s2)):
        p.grad = mg.tensor([0.3, -0.1, 0.2])
        o.step()
        s.step()
    np.testing.assert_array_equal(p1.numpy(), p2.numpy())
    assert o1.param_groups[0]["lr"] == o2.param_groups[0]["lr"]


def test_step_with_closure_returns_the_loss():
    x = mg.tensor([2.0], requires_grad=True)
    opt = optim.SGD([x], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    with mg.no_grad():  # the closure still builds its graph
        loss = opt.step(closure)
    assert loss.item() == 4.0
    assert x.item() == 1.0  # 2 - 0.25 * 4
