r"""In-place changes (`x.add_(1)`, `x += 1`, `x[0] = 5`) and how the graph stays right.

**Versions.** Every tensor's memory has a *version*: how many in-place changes it has
seen. Views (reshape, permute, transpose, indexing without index arrays, expand) and
detached tensors share the memory of the tensor they come from, and so its version.
A recorded op notes the versions of its inputs. When backward reaches the op and an input
whose values it reads (`Function.reads_input`) is at another version now, those values
are not the ones the forward pass used: backward raises, naming the tensor, the op and
both versions, as PyTorch does. Changes inside `no_grad` count too (they overwrite the
same memory); changes through `.data` or `.numpy()` are not seen (as in PyTorch).

**A recorded change rewrites the graph.** When gradients are on and the tensor or the
other operand requires grad, the change itself is a step of the computation:

    old = the tensor as it was: a new Tensor object that takes over its place in the graph
    new = op(old, other)         computed out of place and recorded as usual
    the tensor's memory <- new's values, and the tensor becomes new's node

So after `y = x * 1; y.mul_(3)`, y is the node mul(old_y, 3) and old_y is mul(x, 1):
gradients reach x through both. If the op reads `old` in its backward (mul_ by a tensor
that requires grad), `old` keeps a copy of the overwritten values. A leaf that requires
grad cannot be changed this way (its gradient would lose its meaning): that raises, as in
PyTorch, except inside `no_grad`, where nothing is recorded (`p -= lr * p.grad`).

**Views.** A view changed in place changes the memory of its base, so the base is
rewritten too: base = SetRegion(old_base, new values of the view), and the view becomes
the region of the new base again. `x[index] = v` is SetRegion(old_x, v) directly.

**One limitation** (listed in docs/differences.md): graph edges point at tensors, not at
tensors-at-a-version. An op that used the tensor *before* a recorded in-place change would
send its gradient into the changed tensor's new node. Backward detects this (the version
the op recorded is older than the change that rewrote the node) and raises, where PyTorch
would compute the gradient: write such code out of place (`h = h * 2`), or change a clone.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .autograd import Function
from .ops.write import SetRegion, view_steps
from .recording import is_grad_enabled


class VersionCounter:
    """How many in-place changes one block of memory has seen; shared by the tensors on it.

    A tensor gets one (`t._counter`) when it is first changed in place or viewed; until
    then its version is 0, and recording an op that uses it costs nothing extra.
    """

    __slots__ = ("version",)

    def __init__(self, version: int = 0) -> None:
        self.version = version


def counter(t: Any) -> VersionCounter:
    """The version counter of t's memory (made when first needed)."""
    if t._counter is None:
        t._counter = VersionCounter()
    return t._counter


def version(t: Any) -> int:
    """How many in-place changes the memory of `t` has seen (PyTorch's `t._version`)."""
    return 0 if t._counter is None else t._counter.version


def versions(inputs: tuple) -> tuple[int, ...]:
    return tuple([version(x) for x in inputs])


def count_write(t: Any) -> None:
    """Note one in-place change of t's memory (bump its version)."""
    counter(t).version += 1


def _requires_grad(x: Any) -> bool:
    return getattr(x, "requires_grad", False) is True


# --------------------------------------------------------------------------------------------
# Changing a tensor in place


def change(
    t: Any,
    name: str,
    compute: Callable[[Any], Any],
    operands: tuple = (),
    cast: bool = False,
) -> Any:
    """Change `t` in place to `compute(t, *operands)`, computed out of place.

    `cast=True` converts the result to t's dtype whatever it is (copy_, fill_, setitem);
    otherwise it must be a dtype t can hold (an int tensor cannot take a float result).
    """
    if not t._data.flags.writeable:
        raise RuntimeError(
            f"{name}: this tensor of shape {t.shape} was made by expand or broadcast_to, so "
            "several of its elements share one memory location and an in-place change would "
            "write each of them several times. Please clone() the tensor before performing "
            "the operation."
        )
    base = t if t._view is None else t._view[0]  # whose graph node the change rewrites
    if is_grad_enabled():
        _check_not_leaf(t, base, name)
    recorded = (
        is_grad_enabled()
        and t._data.dtype.kind == "f"
        and (base.requires_grad or any(_requires_grad(o) for o in operands))
    )
    if not recorded:  # no_grad, or constants only: change the memory, nothing else
        new = compute(t, *operands)
        _check_result(t, new, name, cast)
        if new._data is not t._data:
            t._data[...] = new._data
        count_write(t)
        return t
    _rewrite(t, name, compute, operands, cast)
    return t


def _check_not_leaf(t: Any, base: Any, name: str) -> None:
    if t.requires_grad and t._fn is None:
        raise RuntimeError(
            f"{name}: a leaf Variable that requires grad is being used in an in-place "
            f"operation (a tensor of shape {t.shape}). Its gradient is taken at the value it "
            "had, so it cannot be changed while gradients are recorded. To update weights, "
            "change them inside `with mg.no_grad():` (as an optimizer step does); to start "
            "from a changed copy, use t.detach().clone()."
        )
    if base is not t and base.requires_grad and base._fn is None:
        raise RuntimeError(
            f"{name}: a view of a leaf Variable that requires grad is being used in an "
            f"in-place operation (the view has shape {t.shape}, the leaf {base.shape}). "
            "Change it inside `with mg.no_grad():`, or change a clone of the leaf."
        )


def _check_result(t: Any, new: Any, name: str, cast: bool) -> None:
    if new.shape != t.shape:
        raise RuntimeError(
            f"{name}: output with shape {t.shape} doesn't match the broadcast shape "
            f"{new.shape}: an in-place change keeps the tensor's shape, so the other operand "
            f"must broadcast to {t.shape}. Compute it out of place instead (y = x + other)."
        )
    if not cast and not np.can_cast(new.dtype, t.dtype, casting="same_kind"):
        raise RuntimeError(
            f"{name}: result type {new.dtype} can't be cast to the desired output type "
            f"{t.dtype}: the tensor changed in place keeps its dtype. Convert it first "
            f"(x = x.to({new.dtype.name!r})) or compute out of place."
        )


def _rewrite(t: Any, name: str, compute: Callable, operands: tuple, cast: bool) -> None:
    """The recorded change of `t` (or of a view: through its base), as the module says."""
    base, steps = (t, ()) if t._view is None else t._view
    after = version(t) + 1
    old_base = _previous(base, after)
    old = view_steps(old_base, steps)
    new = compute(old, *[_as_before(o, base, old_base) for o in operands])
    _check_result(t, new, name, cast)
    _keep_values_read(new, old)
    _hand_over(base, old_base)
    _redirect_history(operands, base, old_base)
    if steps:  # a view: base = SetRegion(old_base, new), which writes the memory
        new_base = SetRegion.apply(old_base, new.to(t.dtype), steps=steps)
        count_write(t)
        _become(base, new_base, after)
        _become(t, view_steps(base, steps), after)
    else:
        new = new.to(t.dtype)
        if new._data is not t._data:
            t._data[...] = new._data
        count_write(t)
        _become(t, new, after)


def _previous(t: Any, after: int) -> Any:
    """A new tensor on t's memory that will be t's graph node from before the change.

    It counts its own version, already `after`: its memory is about to change, and nothing
    that uses it later (the op of the change) should see that as a change.
    """
    old = t.data  # a plain Tensor on t's memory, no history (a Parameter's too)
    old._counter = VersionCounter(after)
    if t._fn is not None:
        old._fn, old._parents, old.requires_grad = t._fn, t._parents, True
    return old


def _as_before(operand: Any, base: Any, old_base: Any) -> Any:
    """An operand that is the changed tensor's base or a view of it (x.add_(x), x[1:] = x[:-1])
    must be read from the graph node from before the change, not the one the change makes."""
    if operand is base:
        return old_base
    view = getattr(operand, "_view", None)
    if view is not None and view[0] is base:
        return view_steps(old_base, view[1])
    return operand


HISTORY_LOOKBACK = 256  # nodes of an operand's history searched for uses of the changed tensor


def _redirect_history(operands: tuple, base: Any, old_base: Any) -> None:
    """Ops in the operands' recent history that used `base` (x -= x.mean()) now use the node
    from before the change, which is the tensor they used.

    The search stops after HISTORY_LOOKBACK nodes; a use found nowhere (older, or outside
    the operands' history) makes backward raise instead of giving a wrong gradient.
    """
    stack = [o for o in operands if getattr(o, "_fn", None) is not None]
    seen: set = set()
    while stack and len(seen) < HISTORY_LOOKBACK:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        fn = node._fn
        inputs = tuple(_as_before(x, base, old_base) for x in fn.inputs)
        stack.extend(x for x, y in zip(fn.inputs, inputs) if x is y and x._fn is not None)
        if any(x is not y for x, y in zip(fn.inputs, inputs)):
            fn.inputs = node._parents = inputs  # recorded versions stay: a read is still caught


def _keep_values_read(new: Any, old: Any) -> None:
    """If the op of the change reads `old` in its backward, keep a copy of its values."""
    fn = new._fn
    if fn is not None and any(x is old and fn.reads_input(i) for i, x in enumerate(fn.inputs)):
        old._data = old._data.copy()


def _hand_over(t: Any, old: Any) -> None:
    """`old` now holds t's former node: an op that saved its output must find it there
    (and, seeing a version it did not make, refuse to use the overwritten values)."""
    fn = old._fn
    if fn is not None and fn.saves_output:
        fn._out = weakref.ref(old)


def _become(t: Any, node: Any, after: int) -> None:
    """Give `t` the place of `node` in the graph (t keeps its own object and memory)."""
    fn: Function = node._fn
    t._fn, t._parents, t.requires_grad = fn, node._parents, True
    if fn.saves_output:
        fn._out = weakref.ref(t)
        fn.out_version = after
    fn.rebased_at = after


# --------------------------------------------------------------------------------------------
# Backward: were the values an op needs changed since it used them?


def check_versions(node: Any, fn: Function) -> None:
    """Raise if an in-place change since the forward pass makes `fn`'s backward wrong."""
    now = versions(fn.inputs)
    before = fn.versions or (0,) * len(now)  # None: all were at version 0
    if now == before and not (fn.saves_output and version(node) != fn.out_version):
        return
    for i, (x, saved, current) in enumerate(zip(fn.inputs, before, now)):
        if current != saved and fn.reads_input(i):
            raise RuntimeError(_modified(x, f"input {i}", fn, saved, current))
    if fn.saves_output and version(node) != fn.out_version:
        raise RuntimeError(_modified(node, "its output", fn, fn.out_version, version(node)))
    follows = None if node._view is None else node._view[0]  # a view follows its base
    op = fn.name().lower()
    for i, (x, saved, current) in enumerate(zip(fn.inputs, before, now)):
        if current != saved and x.requires_grad and _rewritten_since(x, saved, follows):
            raise RuntimeError(
                f"backward: {op} used a tensor of shape {x.shape} (its input {i}) that was "
                f"changed in place afterwards, while gradients were recorded (version {saved} "
                f"then, {current} now). That change gave the tensor a new place in the graph, "
                f"and minigrad's graph points at tensors, not at their past versions, so the "
                f"gradient of {op} would reach the wrong node (PyTorch can follow it). "
                "Write the change out of place (h = h * 2 instead of h *= 2), or change a "
                "copy (h2 = h.clone(); h2 *= 2)."
            )


def _rewritten_since(x: Any, saved: int, follows: Any) -> bool:
    """Did a recorded in-place change give `x` (or the base it is a view of) a new node?

    Not a problem for the op that made a view of that base (`follows`): the view's values
    are the base's memory, so its gradient belongs to the base's newest node.
    """
    owner = x if x._view is None else x._view[0]
    return owner is not follows and owner._fn is not None and owner._fn.rebased_at > saved


def _modified(x: Any, which: str, fn: Function, saved: int, current: int) -> str:
    op = fn.name().lower()
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: the {x.dtype} tensor of shape {x.shape} that {op} saved "
        f"for its backward ({which}) is at version {current}; expected version {saved} "
        f"instead (the version when {op} used it). Something changed it in place "
        "between the forward pass and backward: an in-place method (add_, zero_, ...), an "
        "augmented assignment (x += 1) or x[...] = value, also inside no_grad, also through "
        "a view. Change a copy instead (x = x.clone() first) or compute the new value out "
        "of place (x = x + 1)."
    )
