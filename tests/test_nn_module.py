"""nn.Module: registration by attribute, tree walks, modes, hooks, repr, state dicts."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import autograd, nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.ones(3))
        self.fc = nn.Linear(3, 2)
        self.register_buffer("count", mg.zeros(1))
        self.plain = 5

    def forward(self, x):
        return self.fc(x * self.scale)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.features = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.BatchNorm1d(4))
        self.head = nn.Linear(4, 1)

    def forward(self, x):
        return self.head(self.features(self.block(x)))


def test_parameters_are_registered_in_assignment_order():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == [
        "block.scale",
        "block.fc.weight",
        "block.fc.bias",
        "features.0.weight",
        "features.0.bias",
        "features.2.weight",
        "features.2.bias",
        "head.weight",
        "head.bias",
    ]
    assert len(list(net.parameters())) == 9
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in net.parameters())
    assert [n for n, _ in net.named_parameters(recurse=False)] == []
    assert net.block.plain == 5 and "plain" not in net.block._parameters


def test_named_modules_children_and_buffers():
    net = Net()
    assert [n for n, _ in net.named_modules()] == [
        "",
        "block",
        "block.fc",
        "features",
        "features.0",
        "features.1",
        "features.2",
        "head",
    ]
    assert [n for n, _ in net.named_children()] == ["block", "features", "head"]
    assert list(net.children())[1] is net.features
    assert [n for n, _ in net.named_buffers()] == [
        "block.count",
        "features.2.running_mean",
        "features.2.running_var",
        "features.2.num_batches_tracked",
    ]
    assert len(list(net.modules())) == 8


def test_shared_parameter_appears_once():
    net = nn.Module()
    net.a = nn.Linear(2, 2)
    net.b = nn.Linear(2, 2)
    net.b.weight = net.a.weight
    assert len(list(net.parameters())) == 3
    assert "b.weight" in net.state_dict()  # state_dict keeps every name, as PyTorch's does


def test_setattr_parameter_replaces_and_none_is_allowed():
    lin = nn.Linear(3, 2)
    new = nn.Parameter(np.zeros((2, 3)))
    lin.weight = new
    assert lin.weight is new and lin._parameters["weight"] is new
    lin.bias = None
    assert lin.bias is None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    with pytest.raises(TypeError, match="nn.Parameter"):
        lin.weight = mg.zeros(2, 3)  # a plain tensor cannot take a parameter's place


def test_assigning_a_plain_attribute_over_a_module_is_an_error():
    net = Net()
    with pytest.raises(TypeError, match="submodule"):
        net.head = 3
    net.head = None
    assert "head.weight" not in dict(net.named_parameters())


def test_reassigning_a_name_moves_it_between_tables():
    m = nn.Module()
    m.x = nn.Linear(1, 1)
    m.x = nn.Parameter(np.ones(2))
    assert "x" in m._parameters and "x" not in m._modules
    del m.x
    with pytest.raises(AttributeError, match="no attribute 'x'"):
        _ = m.x


def test_forgetting_super_init_says_what_to_do():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(mg.zeros(1))


def test_parameter_is_float32_leaf_and_ops_give_plain_tensors():
    p = nn.Parameter(np.arange(3.0))
    assert p.dtype == np.float32 and p.requires_grad and p.is_leaf
    y = p * 2
    assert type(y) is mg.Tensor and y.grad_fn is not None
    assert type(p.detach()) is mg.Tensor
    assert repr(p).startswith("Parameter containing:\ntensor(")
    t = mg.tensor([1.0, 2.0], dtype=mg.float64)
    q = nn.Parameter(t)
    assert q.dtype == np.float64 and np.shares_memory(q.numpy(), t.numpy())
    frozen = nn.Parameter(np.ones(2), requires_grad=False)
    assert not frozen.requires_grad


def test_train_and_eval_propagate_to_every_submodule():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.features.train()
    assert net.features[2].training and not net.block.training
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_sets_grads_to_none():
    net = Net()
    net(mg.randn(4, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net(mg.randn(4, 3)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.numpy() == 0) for p in net.parameters())


def test_requires_grad_false_freezes_parameters():
    net = Net()
    net.block.requires_grad_(False)
    net(mg.randn(4, 3)).sum().backward()
    assert net.block.fc.weight.grad is None and net.head.weight.grad is not None


def test_forward_hook_sees_inputs_and_output_and_can_be_removed():
    lin = nn.Linear(3, 2)
    seen = []
    handle = lin.register_forward_hook(lambda m, inp, out: seen.append((m, inp[0].shape, out)))
    x = mg.randn(5, 3)
    y = lin(x)
    assert seen[0][0] is lin and seen[0][1] == (5, 3) and seen[0][2] is y
    handle.remove()
    lin(x)
    assert len(seen) == 1


def test_forward_hook_return_value_replaces_the_output():
    lin = nn.Linear(3, 2)
    lin.register_forward_hook(lambda m, inp, out: out * 0)
    assert np.all(lin(mg.randn(2, 3)).numpy() == 0)


def test_forward_pre_hook_can_replace_the_input():
    relu = nn.ReLU()
    relu.register_forward_pre_hook(lambda m, inp: (inp[0] - 10,))
    assert np.all(relu(mg.ones(3)).numpy() == 0)


def test_call_tags_graph_nodes_with_the_module_scope():
    net = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    y = net(mg.randn(2, 3))
    frames = y.grad_fn.scope
    assert [f.kind for f in frames[:2]] == ["module", "module"]
    assert frames[0].name == "Sequential" and frames[0].obj is net
    assert frames[1].name == "ReLU" and frames[1].obj is net[1]
    assert autograd.current_scope() == ()  # the scope closes after the call


def test_repr_nests_like_pytorch():
    net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.Sequential(nn.Flatten()))
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Flatten(start_dim=1, end_dim=-1)\n"
        "  )\n"
        ")"
    )
    assert repr(nn.Linear(3, 2, bias=False)) == "Linear(in_features=3, out_features=2, bias=False)"


def test_sequential_indexing_slicing_and_type_check():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert isinstance(seq[-1], nn.Linear) and len(seq) == 3
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is seq[0]
    assert head(mg.randn(4, 2)).shape == (4, 3)
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_modulelist_registers_its_items():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    s = Stack()
    assert len(list(s.parameters())) == 6
    assert "layers.2.bias" in s.state_dict()
    s.layers.append(nn.Linear(2, 2))
    assert len(s.layers) == 4 and s(mg.randn(1, 2)).shape == (1, 2)
    with pytest.raises(NotImplementedError, match="Loop over it"):
        s.layers(mg.randn(1, 2))


def test_to_double_converts_parameters_and_buffers():
    net = Net().double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.features[2].running_mean.dtype == np.float64
    assert net.features[2].num_batches_tracked.dtype == np.int64
    assert net(mg.randn(2, 3, dtype=mg.float64)).dtype == np.float64


# --- state dicts ------------------------------------------------------------------------------


def test_state_dict_has_pytorch_keys_including_batchnorm_buffers():
    net = Net()
    keys = list(net.state_dict())
    assert keys == [
        "block.scale",
        "block.count",
        "block.fc.weight",
        "block.fc.bias",
        "features.0.weight",
        "features.0.bias",
        "features.2.weight",
        "features.2.bias",
        "features.2.running_mean",
        "features.2.running_var",
        "features.2.num_batches_tracked",
        "head.weight",
        "head.bias",
    ]


def test_state_dict_round_trip_restores_outputs_and_running_stats():
    mg.manual_seed(0)
    a, b = Net(), Net()
    x = mg.randn(8, 3)
    for _ in range(3):
        a(x)  # training steps update the batch-norm running statistics
    assert int(a.features[2].num_batches_tracked.item()) == 3
    b.load_state_dict(a.state_dict())
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    np.testing.assert_array_equal(
        a.features[2].running_var.numpy(), b.features[2].running_var.numpy()
    )
    assert int(b.features[2].num_batches_tracked.item()) == 3


def test_load_state_dict_accepts_ndarrays_and_copies_in_place():
    lin = nn.Linear(3, 2)
    weight = lin.weight
    state = {k: np.full(v.shape, 0.5) for k, v in lin.state_dict().items()}
    result = lin.load_state_dict(state)
    assert lin.weight is weight  # same Parameter object: an optimizer keeps working
    assert lin.weight.dtype == np.float32 and np.all(lin.weight.numpy() == 0.5)
    assert result.missing_keys == [] and result.unexpected_keys == []


def test_state_dict_values_are_detached_but_share_memory():
    lin = nn.Linear(2, 2)
    sd = lin.state_dict()
    assert not sd["weight"].requires_grad
    assert np.shares_memory(sd["weight"].numpy(), lin.weight.numpy())


def test_strict_load_names_all_missing_unexpected_and_misshaped_keys():
    net = Net()
    state = dict(net.state_dict())
    del state["head.bias"]
    del state["features.2.running_mean"]
    state["extra.weight"] = np.zeros(2)
    state["block.fc.weight"] = np.zeros((5, 5))
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state)
    msg = str(info.value)
    for key in ("head.bias", "features.2.running_mean", "extra.weight", "block.fc.weight"):
        assert key in msg
    assert "(5, 5)" in msg and "(2, 3)" in msg
    assert "missing keys" in msg and "unexpected keys" in msg and "size mismatch" in msg


def test_failed_load_changes_nothing():
    net = Net()
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    state = {k: np.zeros(v.shape) for k, v in net.state_dict().items()}
    state["head.weight"] = np.zeros((3, 3))
    with pytest.raises(RuntimeError, match="head.weight"):
        net.load_state_dict(state)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])


def test_non_strict_load_reports_but_loads_the_rest():
    lin = nn.Linear(2, 2)
    result = lin.load_state_dict({"weight": np.ones((2, 2)), "other": np.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    assert np.all(lin.weight.numpy() == 1)
    with pytest.raises(RuntimeError, match="size mismatch"):  # shapes are checked always
        lin.load_state_dict({"weight": np.ones((3, 2))}, strict=False)


def test_load_state_dict_from_torch_module(torch):
    tlin = torch.nn.Linear(4, 3)
    lin = nn.Linear(4, 3)
    lin.load_state_dict({k: v.numpy() for k, v in tlin.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    expected = tlin.float()(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(lin(mg.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_non_persistent_buffer_is_left_out_of_state_dict():
    m = nn.Module()
    m.register_buffer("cache", mg.zeros(2), persistent=False)
    m.register_buffer("kept", mg.zeros(2))
    assert list(m.state_dict()) == ["kept"]
    assert [n for n, _ in m.named_buffers()] == ["cache", "kept"]


def test_moduledict_and_modulelist_insert():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "dec": nn.Linear(3, 2)})
    assert list(d) == ["enc", "dec"] and "enc" in d and len(d) == 2
    assert [n for n, _ in d.named_parameters()][:2] == ["enc.weight", "enc.bias"]
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.insert(1, nn.Sigmoid())
    assert [type(m).__name__ for m in ml] == ["ReLU", "Sigmoid", "Tanh"]
    assert list(ml._modules) == ["0", "1", "2"]


def test_apply_visits_children_first_then_self():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_hook_handle_works_as_a_context_manager():
    relu = nn.ReLU()
    calls = []
    with relu.register_forward_hook(lambda m, i, o: calls.append(1)):
        relu(mg.ones(2))
    relu(mg.ones(2))
    assert calls == [1]


def test_register_buffer_and_parameter_reject_bad_names_and_values():
    m = nn.Module()
    with pytest.raises(KeyError, match="without '.'"):
        m.register_buffer("a.b", mg.zeros(1))
    with pytest.raises(TypeError, match="nn.Parameter"):
        m.register_parameter("w", mg.zeros(1))
    with pytest.raises(KeyError, match="already a method"):
        m.register_buffer("train", mg.zeros(1))


def test_get_submodule_and_state_dict_prefix():
    model = mg.models.LeNet5()
    assert model.get_submodule("features.c1") is model.features.c1
    assert model.get_submodule("") is model
    with pytest.raises(AttributeError, match="has no submodule 'c9'"):
        model.get_submodule("features.c9")
    assert next(iter(model.state_dict(prefix="net."))) == "net.features.c1.weight"
