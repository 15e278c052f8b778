"""nn.Module hooks against PyTorch's: forward and forward-pre hooks (with_kwargs, prepend,
replacing inputs and outputs), full backward hooks and backward pre-hooks (the grad_input and
grad_output tuples, replacing them, the no-input-requires-grad case, errors, removal)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def copy_into_torch(ours, theirs, torch):
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return theirs


def arrays(grads):
    return [
        None if g is None else np.array(g.detach().numpy() if hasattr(g, "detach") else g)
        for g in grads
    ]


def assert_same_grads(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(arrays(ours), arrays(theirs)):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def t64(data, requires_grad=False):
    return mg.tensor(data, dtype=mg.float64, requires_grad=requires_grad)


def mlp(lib):
    return lib.Sequential(lib.Linear(3, 4), lib.ReLU(), lib.Linear(4, 2))


# --------------------------------------------------------------------------------------------
# forward hooks


def test_forward_hook_gets_args_tuple_and_output_and_can_replace_it_like_torch(torch):
    ours = mlp(nn).double()
    theirs = copy_into_torch(ours, mlp(torch.nn), torch)
    x = np.random.default_rng(0).normal(size=(5, 3))
    seen = {}
    for net, key in ((ours, "ours"), (theirs, "torch")):

        def hook(module, args, output, key=key):
            seen[key] = (type(args), len(args), tuple(args[0].shape), tuple(output.shape))
            return output * 2

        net[0].register_forward_hook(hook)
    out_ours = ours(t64(x)).numpy()
    out_torch = theirs(torch.tensor(x)).detach().numpy()
    assert seen["ours"] == seen["torch"] == (tuple, 1, (5, 3), (5, 4))
    np.testing.assert_allclose(out_ours, out_torch, rtol=1e-12)


def test_forward_hooks_with_kwargs_and_prepend_run_in_torchs_order(torch):
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    class TorchScale(torch.nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    calls = {"ours": [], "torch": []}
    for module, key in ((Scale(), "ours"), (TorchScale(), "torch")):
        log = calls[key]
        module.register_forward_hook(lambda m, a, o, log=log: log.append("plain"))
        module.register_forward_hook(
            lambda m, a, kw, o, log=log: log.append(("kwargs", dict(kw))), with_kwargs=True
        )
        module.register_forward_hook(lambda m, a, o, log=log: log.append("first"), prepend=True)
        module.register_forward_pre_hook(
            lambda m, a, kw, log=log: (a, {**kw, "factor": 3.0}), with_kwargs=True
        )
        x = mg.ones(2) if key == "ours" else torch.ones(2)
        out = module(x, factor=2.0)
        assert np.allclose(np.asarray(out.numpy() if key == "ours" else out.numpy()), 3.0)
    assert calls["ours"] == calls["torch"] == ["first", "plain", ("kwargs", {"factor": 3.0})]


def test_forward_pre_hook_single_value_is_wrapped_and_bad_kwargs_return_is_refused():
    relu = nn.ReLU()
    relu.register_forward_pre_hook(lambda m, args: args[0] - 10)  # not a tuple: wrapped
    assert np.all(relu(mg.ones(3)).numpy() == 0)
    lin = nn.Linear(2, 2)
    lin.register_forward_pre_hook(lambda m, a, kw: a, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"pair \(new_args, new_kwargs\)"):
        lin(mg.ones(1, 2))


def test_removing_a_with_kwargs_hook_forgets_it_everywhere():
    lin = nn.Linear(2, 2)
    handle = lin.register_forward_hook(lambda m, a, kw, o: None, with_kwargs=True)
    assert handle.id in lin._forward_hooks_with_kwargs
    handle.remove()
    assert not lin._forward_hooks and not lin._forward_hooks_with_kwargs
    with pytest.raises(TypeError, match="must be callable"):
        lin.register_forward_hook("not a function")


# --------------------------------------------------------------------------------------------
# full backward hooks


def record_backward(net, log):
    for name, module in net.named_children():

        def hook(m, grad_input, grad_output, name=name):
            log.append((name, arrays(grad_input), arrays(grad_output)))

        module.register_full_backward_hook(hook)


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
@pytest.mark.parametrize("input_requires_grad", [True, False])
def test_full_backward_hooks_see_torchs_grad_input_and_grad_output(torch, input_requires_grad):
    def net(lib):
        return lib.Sequential(lib.Conv2d(2, 3, 3), lib.ReLU(), lib.Flatten(), lib.Linear(12, 2))

    ours = net(nn).double()
    theirs = copy_into_torch(ours, net(torch.nn), torch)
    x = np.random.default_rng(1).normal(size=(2, 2, 4, 4))
    weights = np.array([[1.0, -2.0], [0.5, 3.0]])
    logs = {"ours": [], "torch": []}
    record_backward(ours, logs["ours"])
    record_backward(theirs, logs["torch"])
    (ours(t64(x, requires_grad=input_requires_grad)) * t64(weights)).sum().backward()
    (
        theirs(torch.tensor(x, requires_grad=input_requires_grad)) * torch.tensor(weights)
    ).sum().backward()
    assert [name for name, _, _ in logs["ours"]] == [name for name, _, _ in logs["torch"]]
    assert [name for name, _, _ in logs["ours"]] == ["3", "2", "1", "0"]  # output side first
    for (_, gi, go), (_, tgi, tgo) in zip(logs["ours"], logs["torch"]):
        assert_same_grads(gi, tgi)
        assert_same_grads(go, tgo)
    if not input_requires_grad:
        assert logs["ours"][-1][1] == [None]  # the first layer's input: no gradient wanted


def test_backward_hook_return_value_replaces_grad_input_like_torch(torch):
    mg.manual_seed(0)
    ours = mlp(nn).double()
    theirs = copy_into_torch(ours, mlp(torch.nn), torch)
    ours[1].register_full_backward_hook(lambda m, gi, go: (gi[0].clip(min=0),))
    theirs[1].register_full_backward_hook(lambda m, gi, go: (gi[0].clamp(min=0),))
    x = np.random.default_rng(2).normal(size=(6, 3)) * 3
    xt, tx = t64(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ours(xt) * t64([[1.0, -1.0]])).sum().backward()
    (theirs(tx) * torch.tensor([[1.0, -1.0]])).sum().backward()
    np.testing.assert_allclose(xt.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        ours[0].weight.grad.numpy(), theirs[0].weight.grad.numpy(), rtol=1e-12, atol=1e-14
    )
    no_hook = mlp(nn).double()
    no_hook.load_state_dict(ours.state_dict())
    x2 = t64(x, requires_grad=True)
    (no_hook(x2) * t64([[1.0, -1.0]])).sum().backward()
    assert not np.allclose(x2.grad.numpy(), xt.grad.numpy())  # the hook did change something


def test_backward_hook_with_two_tensor_inputs_a_number_and_a_tuple_output(torch):
    class Mix(nn.Module):
        def forward(self, a, b, scale):
            return a * b * scale, a + b

    class TorchMix(torch.nn.Module):
        def forward(self, a, b, scale):
            return a * b * scale, a + b

    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    logs = []
    for module, lib in ((Mix(), mg), (TorchMix(), torch)):
        log = []
        logs.append(log)

        def hook(m, grad_input, grad_output, log=log):
            log.append((arrays(grad_input), arrays(grad_output)))
            return (grad_input[0] * 10, None, None)  # scale a's gradient, drop b's

        module.register_full_backward_hook(hook)
        make = t64 if lib is mg else (lambda v, requires_grad: torch.tensor(v, requires_grad=True))
        ta, tb = make(a, requires_grad=True), make(b, requires_grad=True)
        p, q = module(ta, tb, 2.0)
        (p * 3 + q * q).sum().backward()
        log.append(("grads", ta.grad.numpy(), None if tb.grad is None else tb.grad.numpy()))
    (gi, go), (tgi, tgo) = logs[0][0], logs[1][0]
    assert len(gi) == 3 and gi[2] is None
    assert_same_grads(gi, tgi)
    assert_same_grads(go, tgo)
    np.testing.assert_allclose(logs[0][1][1], logs[1][1][1], rtol=1e-12)
    assert logs[1][1][2] is None  # torch: no gradient reaches b
    assert logs[0][1][2] is None or np.all(logs[0][1][2] == 0)


def test_backward_pre_hook_replaces_grad_output_like_torch(torch):
    ours = mlp(nn).double()
    theirs = copy_into_torch(ours, mlp(torch.nn), torch)
    ours[2].register_full_backward_pre_hook(lambda m, go: (go[0] * 0.5,))
    theirs[2].register_full_backward_pre_hook(lambda m, go: (go[0] * 0.5,))
    seen = []
    ours[2].register_full_backward_hook(lambda m, gi, go: seen.append(go[0].numpy().copy()))
    x = np.random.default_rng(4).normal(size=(3, 3))
    xt, tx = t64(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours(xt).sum().backward()
    theirs(tx).sum().backward()
    np.testing.assert_allclose(xt.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(seen[0], 0.5)  # the full hook sees the replaced grad_output


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
def test_hook_on_a_module_whose_input_needs_no_grad_must_return_none(torch):
    for lib, x in ((nn, mg.ones(2, 3)), (torch.nn, torch.ones(2, 3))):
        lin = lib.Linear(3, 2)
        calls = []
        lin.register_full_backward_hook(lambda m, gi, go, calls=calls: calls.append(gi) or (gi[0],))
        lin(x).sum().backward()  # returning (None,) is allowed
        assert calls and calls[0][0] is None
        lin2 = lib.Linear(3, 2)
        lin2.register_full_backward_hook(lambda m, gi, go: (go[0],))
        with pytest.raises(RuntimeError, match="(?i)no input.* requires grad"):
            lin2(x).sum().backward()


def test_backward_hook_errors_name_the_module_and_what_was_expected():
    lin = nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(
        RuntimeError, match="Linear returned an invalid number of grad_input, got 2"
    ):
        lin(mg.randn(4, 3, requires_grad=True)).sum().backward()
    lin = nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gi, go: (mg.zeros(3),))
    with pytest.raises(RuntimeError, match=r"grad_input\[0\] has shape \(3,\).*\(4, 3\)"):
        lin(mg.randn(4, 3, requires_grad=True)).sum().backward()
    lin = nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gi, go: (np.zeros((4, 3)),))
    with pytest.raises(TypeError, match="must be a Tensor or None, got ndarray"):
        lin(mg.randn(4, 3, requires_grad=True)).sum().backward()


def test_backward_hooks_fire_once_per_backward_and_go_away_when_removed(torch):
    for lib, make in ((nn, mg.randn), (torch.nn, torch.randn)):
        lin = lib.Linear(3, 2)
        calls = []
        handle = lin.register_full_backward_hook(lambda m, gi, go, calls=calls: calls.append(1))
        y = lin(make(4, 3, requires_grad=True)).sum()
        y.backward(retain_graph=True)
        y.backward()
        assert len(calls) == 2
        handle.remove()
        lin(make(4, 3, requires_grad=True)).sum().backward()
        assert len(calls) == 2


def test_no_hook_runs_or_taps_under_no_grad_and_parameter_gradients_are_unchanged():
    net = mlp(nn).double()
    twin = mlp(nn).double()
    twin.load_state_dict(net.state_dict())
    calls = []
    for m in net:
        m.register_full_backward_hook(lambda m, gi, go: calls.append(type(m).__name__))
    with mg.no_grad():
        out = net(t64(np.ones((2, 3))))
    assert out.grad_fn is None and not calls
    x = np.random.default_rng(5).normal(size=(4, 3))
    net(t64(x)).sum().backward()
    twin(t64(x)).sum().backward()
    for p, q in zip(net.parameters(), twin.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    assert calls == ["Linear", "ReLU", "Linear"]


def test_second_derivatives_pass_through_a_hooked_module():
    lin = nn.Tanh()
    lin.register_full_backward_hook(lambda m, gi, go: None)
    x = t64([0.3, -1.2, 2.0], requires_grad=True)
    (g,) = mg.grad(lin(x).sum(), [x], create_graph=True)
    (gg,) = mg.grad(g.sum(), [x])
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(g.numpy(), 1 - t**2, rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), -2 * t * (1 - t**2), rtol=1e-12)
