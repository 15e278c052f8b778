"""The oracle itself: assert_matches_torch must fail on every kind of wrong answer (a test
helper that cannot fail proves nothing), and torch tests are marked and skip cleanly."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from torch_oracle import assert_matches_torch, assert_module_matches_torch

import minigrad as mg

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]])


def test_agreement_passes(torch):
    outs = assert_matches_torch(lambda x: (x * x).sum(1), lambda t: (t * t).sum(1), [X])
    assert outs[0].shape == (2,)


@pytest.mark.parametrize(
    "wrong, theirs, complaint",
    [
        (lambda x: x * 2.0 + 1e-6, lambda t: t * 2.0, "output 0"),  # value
        (lambda x: x.double() if x.dtype == mg.float32 else x.float(), lambda t: t, "dtype"),
        (lambda x: x.sum(0, keepdim=True), lambda t: t.sum(0), "shape"),
        (lambda x: x * x.detach(), lambda t: t * t, "gradient"),  # same value, half the slope
        (lambda x: x * x.detach() ** 2, lambda t: t**3 / 3 * 3, "gradient"),
        (  # same value and gradient, wrong second derivative
            lambda x: (x * x) * 0 + x.detach() ** 2 + 2 * x.detach() * (x - x.detach()),
            lambda t: t * t,
            "second derivative",
        ),
        (lambda x: x.log(), lambda t: (t.abs() + 1e-300).log(), "NaN"),  # NaN where PyTorch is not
        (lambda x: x / 1e-320, lambda t: t / 1e-300, "inf"),
        (lambda x: x.reshape(-1)[:2], lambda t: (t.reshape(-1)[:2], t), "outputs"),
    ],
)
def test_each_kind_of_wrong_answer_fails(torch, wrong, theirs, complaint):
    with pytest.raises(AssertionError, match=complaint):
        assert_matches_torch(wrong, theirs, [X])


def test_a_wrong_float32_second_derivative_fails_with_conditioned_second_too(torch):
    """conditioned_second skips only where PyTorch's float32 answer is rounding: a wrong
    second derivative of a well-conditioned function still fails."""
    with pytest.raises(AssertionError, match="second derivative"):
        assert_matches_torch(
            lambda x: (x * x) * 0 + x.detach() ** 2 + 2 * x.detach() * (x - x.detach()),
            lambda t: t * t,
            [X.astype(np.float32)],
            conditioned_second=True,
        )


def test_conditioned_second_skips_a_second_derivative_made_of_rounding(torch):
    """x / leaky_relu(x, 0.1) is 10 up to rounding for x < 0, so d/dx of it is a rounding
    residue; raised to its own power (1e10) the float32 second derivative is a residue
    times a huge number, of either sign: -1024 here, PyTorch +1024."""
    x = np.array([0.18905339, -0.5227485], dtype=np.float32)
    y = np.array(0.12573022, dtype=np.float32)  # unused: the random program's second input

    def program(lib_leaky_relu):
        def f(v, unused):
            q = v / lib_leaky_relu(v, 0.1)
            return q**q

        return f

    ours = program(mg.functional.leaky_relu)
    theirs = program(torch.nn.functional.leaky_relu)
    checks = dict(finite_second=True, rtol=2e-3, atol=2e-4)
    with pytest.raises(AssertionError, match="second derivative"):
        assert_matches_torch(ours, theirs, [x, y], **checks)
    assert_matches_torch(ours, theirs, [x, y], conditioned_second=True, **checks)


def test_raising_where_torch_answers_fails_and_the_reverse(torch):
    with pytest.raises(AssertionError, match="raised"):
        assert_matches_torch(lambda x: x.sum(5), lambda t: t.sum(1), [X])
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"):
        assert_matches_torch(lambda x: x.sum(1), lambda t: t.sum(5), [X])
    ours, theirs = assert_matches_torch(lambda x: x.sum(5), lambda t: t.sum(5), [X])
    assert isinstance(ours, IndexError) and "sum" in str(ours)


def test_inputs_are_named_in_the_messages(torch):
    with pytest.raises(AssertionError, match="gradient of the scale"):
        assert_matches_torch(
            lambda x, s: x * s.detach(), lambda t, s: t * s, [X, 2.0], names=["x", "the scale"]
        )


def small_modules(torch, momentum=0.1):
    """The same conv -> batch norm -> linear stack in both libraries, with PyTorch's state."""
    ours = mg.nn.Sequential(
        mg.nn.Conv2d(2, 3, 3), mg.nn.BatchNorm2d(3, momentum=momentum), mg.nn.Flatten(),
        mg.nn.Linear(12, 2),
    ).double()  # fmt: skip
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.Flatten(),
        torch.nn.Linear(12, 2),
    ).double()  # fmt: skip
    with torch.no_grad():
        theirs[1].running_var.uniform_(0.5, 1.5)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


IMAGES = np.random.default_rng(0).standard_normal((3, 2, 4, 4))


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_modules_with_the_same_state_agree(torch, mode):
    ours, theirs = small_modules(torch)
    (out,) = assert_module_matches_torch(ours, theirs, [IMAGES], mode=mode)
    assert out.shape == (3, 2) and ours.training == (mode == "train")
    moved = ours[1].running_mean.numpy()
    assert (np.abs(moved).sum() > 0) == (mode == "train")  # the buffers were compared after
    assert all(p.grad is None for p in ours.parameters())  # the module's own are left alone
    assert isinstance(ours[0].weight, mg.nn.Parameter)


def test_each_kind_of_module_disagreement_fails(torch):
    ours, theirs = small_modules(torch)
    with torch.no_grad():
        theirs[3].bias.add_(1.0)
    with pytest.raises(AssertionError, match=r"before the call: 3\.bias"):
        assert_module_matches_torch(ours, theirs, [IMAGES])
    ours, theirs = small_modules(torch, momentum=0.2)  # running statistics move differently
    with pytest.raises(AssertionError, match=r"after a forward pass in train mode: 1\.running"):
        assert_module_matches_torch(ours, theirs, [IMAGES])
    ours, theirs = small_modules(torch, momentum=0.2)  # eval mode does not use the momentum
    assert_module_matches_torch(ours, theirs, [IMAGES], mode="eval")
    ours, theirs = small_modules(torch)
    ours[3].forward = lambda x: mg.functional.linear(x, ours[3].weight.detach(), ours[3].bias)
    with pytest.raises(AssertionError, match="gradient of parameter 3.weight"):
        assert_module_matches_torch(ours, theirs, [IMAGES], mode="eval")
    with pytest.raises(ValueError, match="mode is 'train' or 'eval'"):
        assert_module_matches_torch(ours, theirs, [IMAGES], mode="training")


def test_tests_that_use_torch_carry_the_marker(request, torch):
    assert request.node.get_closest_marker("torch") is not None


def test_the_marker_rule_sees_torch_and_the_oracle_only():
    import conftest

    plain = types.ModuleType("plain")
    plain.np, plain.mg = np, mg
    assert not conftest._imports_torch(plain)
    plain.check = assert_matches_torch
    assert conftest._imports_torch(plain)


BLOCK_TORCH = """
import sys, importlib.abc
class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoTorch())
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_torch_tests_skip_cleanly_without_torch():
    """With torch unimportable, every torch test is skipped and nothing else changes."""
    files = ["test_properties.py", "test_torch_oracle.py", "test_functional.py", "test_conv.py"]
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_TORCH, "-q", "-p", "no:xdist", "-p", "no:cacheprovider"]
        + files,
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "skipped" in done.stdout and " error" not in done.stdout.lower()
