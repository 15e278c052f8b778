"""The one comparison with PyTorch that tests use: `assert_matches_torch`.

PyTorch 2.13 is the oracle: for the same inputs, minigrad must give the same values, the same
first and second derivatives, the same dtypes and shapes (NaN and inf in the same places), or
raise a clear error where PyTorch raises. Tests import it as

    from torch_oracle import assert_matches_torch

and it skips the test (never fails it) when torch is not installed.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import minigrad as mg

USER_ERRORS = (TypeError, ValueError, IndexError, RuntimeError)

# (rtol, atol) per dtype; atol is relative to the largest finite magnitude compared
TOLERANCES = {
    np.dtype(np.float64): (1e-7, 1e-9),
    np.dtype(np.float32): (2e-4, 2e-5),
    np.dtype(np.float16): (2e-2, 2e-3),
}


def import_torch():
    """torch (threads matched to the test process), or skip the calling test."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")
    if torch.get_num_threads() != 1:  # two test processes share two cores
        torch.set_num_threads(1)
    return torch


def to_torch(torch, a: Any, requires_grad: bool = False):
    """A torch tensor with the array's dtype (a copy: the two libraries never share memory)."""
    t = torch.from_numpy(np.array(a, copy=True))
    return t.requires_grad_(requires_grad) if requires_grad else t


def torch_to_numpy(t) -> np.ndarray:
    return t.detach().numpy(force=True)  # force: PyTorch's ZeroTensor gradients too


def _tuple(out: Any) -> tuple:
    if isinstance(out, (tuple, list)):  # also ValuesIndices and torch's return_types
        return tuple(out)
    return (out,)


def _is_float(a: np.ndarray) -> bool:
    return a.dtype.kind == "f"


def assert_close(
    ours: Any,
    theirs: Any,
    what: str,
    rtol: float | None = None,
    atol=None,
    loosen: float = 1.0,
    precision: Any = None,
) -> None:
    """Same shape, dtype, NaN and inf positions (and signs), and close finite values.

    Default tolerances are those of `precision` (a dtype; by default the values' own, see
    TOLERANCES); `loosen` multiplies them."""
    a = ours.numpy() if isinstance(ours, mg.Tensor) else np.asarray(ours)
    b = theirs if isinstance(theirs, np.ndarray) else torch_to_numpy(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape}, PyTorch {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype}, PyTorch {b.dtype}"
    if not _is_float(b):
        np.testing.assert_array_equal(a, b, err_msg=what)
        return
    default_rtol, default_atol = TOLERANCES[np.dtype(precision or b.dtype)]
    rtol = (default_rtol if rtol is None else rtol) * loosen
    atol = (default_atol if atol is None else atol) * loosen
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if (nan_a != nan_b).any():
        k = tuple(int(i) for i in np.argwhere(nan_a != nan_b)[0])
        raise AssertionError(f"{what}: NaN differs at {k}: ours {a[k]}, PyTorch {b[k]}")
    inf_a, inf_b = np.isinf(a), np.isinf(b)
    if (inf_a != inf_b).any() or (a[inf_b] != b[inf_b]).any():
        k = tuple(int(i) for i in np.argwhere((inf_a != inf_b) | (inf_b & (a != b)))[0])
        raise AssertionError(f"{what}: inf differs at {k}: ours {a[k]}, PyTorch {b[k]}")
    finite = ~(nan_b | inf_b)
    if not finite.all():
        a, b = a[finite], b[finite]
    a, b = a.astype(np.float64, copy=False), b.astype(np.float64, copy=False)
    scale = 1.0 + (float(np.abs(b).max()) if b.size else 0.0)
    if (np.abs(a - b) <= atol * scale + rtol * np.abs(b)).all():
        return  # numpy's test below, without its cost on large arrays (50M weights)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol * scale, err_msg=what)


def assert_matches_torch(
    fn: Callable[..., Any],
    torch_fn: Callable[..., Any],
    inputs: Sequence[Any],
    order: int = 2,
    *,
    differentiate: Sequence[bool] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
    what: str = "",
    finite_second: bool = False,
    conditioned_second: bool = False,
    names: Sequence[str] | None = None,
) -> tuple:
    """fn (minigrad) and torch_fn (PyTorch) agree on `inputs`, up to derivatives of `order`.

    `inputs` are arrays (or numbers); each becomes a minigrad and a torch tensor of its own
    dtype. Floating inputs are differentiated unless `differentiate` says otherwise. Checked:

    * where torch_fn raises, fn raises TypeError, ValueError, IndexError or RuntimeError;
    * every output: shape, dtype, values (NaN and inf in the same places);
    * order >= 1: the gradient of sum(out * v) for random v, w.r.t. every differentiated
      input: values, shape and dtype (no gradient and a zero gradient count as equal);
    * order >= 2: the gradient of sum(grad * u) for random u (the second derivative along u);
      with finite_second=True only where PyTorch's first derivatives are all finite (an
      infinite one meeting a mask gives NaN in PyTorch, 0 here: docs/differences.md);
      with conditioned_second=True only where PyTorch's own float32 answer agrees with
      its float64 answer (random programs find chains like x / leaky_relu(x), a constant
      up to rounding, whose float32 second derivative is a rounding residue of either sign).

    `names` label the inputs in failure messages (by default "input 0", "input 1", ...).
    Returns minigrad's outputs (a tuple), so a test can check more.
    """
    torch = import_torch()
    arrays = [np.asarray(a) for a in inputs]
    if differentiate is None:
        differentiate = [_is_float(a) for a in arrays]
    xs = [mg.tensor(a, dtype=a.dtype, requires_grad=d) for a, d in zip(arrays, differentiate)]
    txs = [to_torch(torch, a, d) for a, d in zip(arrays, differentiate)]
    label = what or getattr(fn, "__name__", "fn")
    names = list(names) if names is not None else [f"input {i}" for i in range(len(arrays))]
    assert len(names) == len(arrays), f"{label}: {len(names)} names for {len(arrays)} inputs"
    with np.errstate(all="ignore"), _torch_defaults(torch):  # inf and NaN are the point here
        try:
            touts = _tuple(torch_fn(*txs))
        except Exception as their_error:  # noqa: BLE001 - any PyTorch refusal
            with pytest.raises(USER_ERRORS) as our_error:
                fn(*xs)
            return (our_error.value, their_error)
        try:
            outs = _tuple(fn(*xs))
        except USER_ERRORS as e:
            raise AssertionError(f"{label}: raised {e!r}, PyTorch gave a result") from e
        _compare_outputs(outs, touts, label, rtol, atol)
        if order >= 1:
            in_float64 = None
            if conditioned_second and order >= 2 and any(a.dtype == np.float32 for a in arrays):

                def in_float64(vs, us):
                    """PyTorch's derivatives with every float32 array made float64."""
                    wide = [a.astype(np.float64) if a.dtype == np.float32 else a for a in arrays]
                    txs64 = [to_torch(torch, a, d) for a, d in zip(wide, differentiate)]
                    touts64 = _tuple(torch_fn(*txs64))
                    floats = [
                        t for t in touts64 if isinstance(t, torch.Tensor) and t.is_floating_point()
                    ]
                    return _derivatives(
                        torch.autograd.grad,
                        floats,
                        [t for t in txs64 if t.requires_grad],
                        [to_torch(torch, v.astype(np.float64)) for v in vs],
                        [to_torch(torch, u.astype(np.float64)) for u in us],
                        order,
                    )

            _compare_derivatives(
                torch, outs, touts, xs, txs, order, seed, label, rtol, atol, finite_second,
                in_float64, names,
            )  # fmt: skip
    return outs


def assert_module_matches_torch(
    ours: Any,
    theirs: Any,
    inputs: Sequence[Any],
    order: int = 1,
    *,
    mode: str = "train",
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
    what: str = "",
) -> tuple:
    """A minigrad module and a PyTorch module with the same state (keys and values) agree in
    `mode` ("train" or "eval"), as functions of their inputs and of every parameter.

    The parameters join the inputs of `assert_matches_torch` (each library calls its module
    with them in place of its own), so outputs and up to `order` derivatives are compared
    with respect to the inputs and to each parameter, by name. Before the call the two
    states must agree; after it, the buffers too (the running statistics batch norm updates
    in training mode). With order=0, the modules are called as they are (nothing copied).

    Returns minigrad's outputs (a tuple).
    """
    torch = import_torch()
    if mode not in ("train", "eval"):
        raise ValueError(f"assert_module_matches_torch: mode is 'train' or 'eval', got {mode!r}")
    label = what or type(ours).__name__
    ours.train(mode == "train")
    theirs.train(mode == "train")
    _assert_same_state(ours, theirs, f"{label} before the call")
    arrays = [np.asarray(a) for a in inputs]
    k = len(arrays)
    if order == 0:
        outs = assert_matches_torch(
            ours, theirs, arrays, 0, differentiate=[False] * k, rtol=rtol, atol=atol,
            what=f"{label} ({mode})",
        )  # fmt: skip
    else:
        names = [n for n, _ in ours.named_parameters()]

        def fn(*xs):
            with _parameters_replaced(ours, dict(zip(names, xs[k:]))):
                return ours(*xs[:k])

        def torch_fn(*ts):
            return torch.func.functional_call(theirs, dict(zip(names, ts[k:])), tuple(ts[:k]))

        params = [p.numpy() for _, p in ours.named_parameters()]
        outs = assert_matches_torch(
            fn, torch_fn, [*arrays, *params], order, rtol=rtol, atol=atol, seed=seed,
            what=f"{label} ({mode})",
            names=[*(f"input {i}" for i in range(k)), *(f"parameter {n}" for n in names)],
        )  # fmt: skip
    _assert_same_state(ours, theirs, f"{label} after a forward pass in {mode} mode", True)
    return outs


def _assert_same_state(ours, theirs, label: str, buffers_only: bool = False) -> None:
    """The same state-dict keys; the same values (parameters: exactly, as loaded from one
    another; buffers: up to rounding, as a forward pass in training mode updated them)."""
    mine, their = ours.state_dict(), theirs.state_dict()
    assert sorted(mine) == sorted(their), (
        f"{label}: state-dict keys differ; only ours: {sorted(set(mine) - set(their))}, "
        f"only PyTorch's: {sorted(set(their) - set(mine))}"
    )
    buffers = {name for name, _ in ours.named_buffers()}
    for key, value in mine.items():
        if key in buffers:
            assert_close(value, their[key], f"{label}: {key}")
        elif not buffers_only:
            a, b = value.numpy(), torch_to_numpy(their[key])
            if a.dtype != b.dtype or not np.array_equal(a, b):  # (fast on 50M weights)
                assert_close(value, their[key], f"{label}: {key}", rtol=0.0, atol=0.0)


@contextlib.contextmanager
def _parameters_replaced(module, tensors: dict):
    """Call `module` with these tensors (by dotted name) in place of its parameters, as
    torch.func.functional_call does: each module's parameter table holds them meanwhile."""
    saved = []
    try:
        for name, t in tensors.items():
            owner, _, leaf = name.rpartition(".")
            table = module.get_submodule(owner)._parameters
            saved.append((table, leaf, table[leaf]))
            table[leaf] = t
        yield
    finally:
        for table, leaf, p in reversed(saved):
            table[leaf] = p


@contextlib.contextmanager
def _torch_defaults(torch):
    """float32 as the default dtype (minigrad's), and PyTorch's warnings silenced (its
    "degrees of freedom <= 0" for a variance of one number, for example)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        torch.set_default_dtype(previous)


def _compare_outputs(outs, touts, label, rtol, atol) -> None:
    assert len(outs) == len(touts), f"{label}: {len(outs)} outputs, PyTorch {len(touts)}"
    for k, (o, to) in enumerate(zip(outs, touts)):
        name = f"{label}: output {k}"
        if not isinstance(to, torch_tensor_type()):
            assert not isinstance(o, mg.Tensor) and o == to, f"{name}: {o!r}, PyTorch {to!r}"
            continue
        assert isinstance(o, mg.Tensor), f"{name}: {type(o).__name__}, PyTorch a tensor"
        assert_close(o, to, name, rtol, atol)


def torch_tensor_type():
    return import_torch().Tensor


def _compare_derivatives(
    torch, outs, touts, xs, txs, order, seed, label, rtol, atol, finite_second, in_float64, names
) -> None:
    rng = np.random.default_rng(seed)
    pairs = [
        (o, to)
        for o, to in zip(outs, touts)
        if isinstance(to, torch.Tensor) and to.dtype.is_floating_point
    ]
    wanted = [i for i, t in enumerate(txs) if t.requires_grad]
    if not pairs or not wanted:
        return
    # a float64 input's gradient computed through float32 ops has float32's precision
    precision = max(
        (np.dtype(a.dtype) for a in [*(o for o, _ in pairs), *xs] if a.dtype.kind == "f"),
        key=lambda d: TOLERANCES[d][0],
    )
    vs = [rng.standard_normal(o.shape).astype(o.dtype) for o, _ in pairs]
    us = [rng.standard_normal(xs[i].shape).astype(xs[i].dtype) for i in wanted if order >= 2]
    mine = _derivatives(
        lambda out, ins, **kw: mg.grad(out, ins, **kw),
        [o for o, _ in pairs],
        [xs[i] for i in wanted],
        [mg.tensor(v, dtype=v.dtype) for v in vs],
        [mg.tensor(u, dtype=u.dtype) for u in us],
        order,
    )
    theirs = _derivatives(
        torch.autograd.grad,
        [to for _, to in pairs],
        [txs[i] for i in wanted],
        [to_torch(torch, v) for v in vs],
        [to_torch(torch, u) for u in us],
        order,
    )
    for level, (ours, their) in enumerate(zip(mine, theirs), start=1):
        if (
            level == 2
            and finite_second
            and not all(tg is None or torch.isfinite(tg).all() for tg in theirs[0])
        ):
            break
        if (
            level == 2
            and in_float64 is not None
            and not _agree(their, in_float64(vs, us)[1], rtol, atol)
        ):
            break  # PyTorch's float32 second derivative is rounding, not the derivative
        kind = "gradient" if level == 1 else "second derivative"
        for i, g, tg in zip(wanted, ours, their):
            x = xs[i]
            g = np.zeros(x.shape, x.dtype) if g is None else g
            tg = np.zeros(x.shape, x.dtype) if tg is None else tg
            if isinstance(g, mg.Tensor):
                assert g.shape == x.shape, f"{label}: {kind} shape {g.shape}, input {x.shape}"
            loosen = 10.0 if level == 2 else 1.0  # rounding grows with each derivative
            what = f"{label}: {kind} of {names[i]}"
            assert_close(g, tg, what, rtol, atol, loosen, precision)


def _agree(narrow: list, wide: list, rtol: float | None, atol: float | None) -> bool:
    """float32 derivatives (torch tensors or None) equal to float64 ones within the
    second-derivative tolerance the comparison uses, NaN and inf in the same places."""
    default_rtol, default_atol = TOLERANCES[np.dtype(np.float32)]
    rtol, atol = 10 * (rtol or default_rtol), 10 * (atol or default_atol)
    for a, b in zip(narrow, wide):
        a = 0.0 if a is None else torch_to_numpy(a).astype(np.float64)
        b = 0.0 if b is None else torch_to_numpy(b)
        if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
            return False
    return True


def _derivatives(grad_fn, outs, inputs, vs, us, order) -> list[list]:
    """[first derivatives] or [first, second] for one library; None where nothing flows."""
    outs_vs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    if not outs_vs:
        return [[None] * len(inputs)] * order
    first = grad_fn(
        [o for o, _ in outs_vs],
        inputs,
        grad_outputs=[v for _, v in outs_vs],
        create_graph=order >= 2,
        allow_unused=True,
    )
    result = [list(first)]
    if order >= 2:
        terms = [(g * u).sum() for g, u in zip(first, us) if g is not None and g.requires_grad]
        if terms:
            total = terms[0]
            for term in terms[1:]:
                total = total + term
            result.append(list(grad_fn(total, inputs, allow_unused=True)))
        else:  # every first derivative is constant: the second is zero
            result.append([None] * len(inputs))
    return result
