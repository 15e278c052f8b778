r"""Backward hooks of `Module`: identity nodes that hand a layer's gradients to its hooks.

`module.register_full_backward_hook(hook)` asks for `hook(module, grad_input, grad_output)`
once backward has computed d(loss)/d(inputs) of the layer. The engine knows nothing about
modules, so `Module.__call__` passes the layer's inputs and its output through *taps*:
identity nodes in the graph (drawn as `_gradienttap`) whose backward hands the gradient to
a callback and passes on what the callback returns. The output's tap runs first (it is
nearer the loss) and keeps grad_output; the inputs' tap then runs the hooks. This is how
PyTorch does it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import autograd
from ..tensor import Tensor, cat, split

__all__ = ["BackwardHookCall"]


class _GradientTap(autograd.Function):
    r"""z = x: an identity node; backward hands d(loss)/dz to `tap`, which may replace it.

    `tap` is set on the node after `apply` (a node without one, e.g. one replayed by the
    gradient-check pictures, passes the gradient on unchanged).
    """

    tap: Callable[[Tensor], Tensor | None] | None = None

    def forward(self, x):
        return x.view()  # the same numbers, a new array object

    def backward(self, grad):
        return grad if self.tap is None else self.tap(grad)


def _tap_together(tensors: list[Tensor], tap: Callable[[tuple], tuple]) -> list[Tensor]:
    """The same tensors, joined through one identity node so that backward calls
    `tap(grads) -> grads` once, with the gradients of all of them (several tensors are
    flattened into one for that, then cut apart again)."""
    if len(tensors) == 1:
        out = _GradientTap.apply(tensors[0])
        out.grad_fn.tap = lambda grad: tap((grad,))[0]
        return [out]
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) > 1:
        raise RuntimeError(
            "backward hooks: the tensors a hooked module takes or returns must share one "
            f"dtype (got {sorted(str(d) for d in dtypes)}); convert them with .to(dtype)"
        )
    shapes = [t.shape for t in tensors]
    sizes = [int(np.prod(s)) for s in shapes]

    def tap_flat(grad: Tensor) -> Tensor:
        pieces = split(grad, sizes) if len(sizes) > 1 else (grad,)
        grads = tap(tuple(g.reshape(s) for g, s in zip(pieces, shapes)))
        flat = [grad.new_zeros(n) if g is None else g.reshape(-1) for g, n in zip(grads, sizes)]
        return cat(flat)

    joined = _GradientTap.apply(cat([t.reshape(-1) for t in tensors]))
    joined.grad_fn.tap = tap_flat
    return [piece.reshape(s) for piece, s in zip(split(joined, sizes), shapes)]


class BackwardHookCall:
    """One call of a module with backward hooks: taps its inputs and output, keeps
    grad_output until the gradients of the inputs arrive, then runs the hooks."""

    def __init__(self, module: Any, n_args: int) -> None:
        self.module = module
        self.hooks = list(module._backward_hooks.values())
        self.pre_hooks = list(module._backward_pre_hooks.values())
        self.n_args = n_args
        self.inputs_at: list[int] = []  # positions of the tapped inputs
        self.outputs_at: list[int] = []
        self.n_outputs = 0
        self.grad_output: tuple | None = None

    def tap_inputs(self, args: tuple) -> tuple:
        self.inputs_at = [
            i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad
        ]
        if not self.inputs_at or not self.hooks:
            return args
        tapped = _tap_together([args[i] for i in self.inputs_at], self._on_grad_input)
        args = list(args)
        for i, t in zip(self.inputs_at, tapped):
            args[i] = t
        return tuple(args)

    def tap_output(self, out: Any) -> Any:
        single = isinstance(out, Tensor)
        outs = [out] if single else list(out) if isinstance(out, (tuple, list)) else []
        self.n_outputs = len(outs)
        self.outputs_at = [
            i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad
        ]
        if not self.outputs_at:
            return out
        tapped = _tap_together([outs[i] for i in self.outputs_at], self._on_grad_output)
        for i, t in zip(self.outputs_at, tapped):
            outs[i] = t
        return outs[0] if single else type(out)(outs)

    def _spread(self, at: list[int], grads: tuple, n: int) -> tuple:
        """The gradients at positions `at` of a tuple of n, None at the others."""
        given = dict(zip(at, grads))
        return tuple(given.get(i) for i in range(n))

    def _check(self, result: Any, like: tuple, what: str, kind: str) -> tuple:
        """A hook's replacement for `like` (grad_input or grad_output), checked entry by entry."""
        name = type(self.module).__name__
        if not isinstance(result, (tuple, list)) or len(result) != len(like):
            got = len(result) if isinstance(result, (tuple, list)) else type(result).__name__
            raise RuntimeError(
                f"{kind} of {name} returned an invalid number of {what}, got {got}, but "
                f"expected {len(like)}: return None or a tuple with one gradient (or None) "
                f"per entry of {what}"
            )
        for i, (g, old) in enumerate(zip(result, like)):
            if g is None:
                continue
            if not isinstance(g, Tensor):
                raise TypeError(
                    f"{kind} of {name}: {what}[{i}] must be a Tensor or None, got "
                    f"{type(g).__name__}"
                )
            if old is not None and g.shape != old.shape:
                raise RuntimeError(
                    f"{kind} of {name}: {what}[{i}] has shape {g.shape}, but the gradient it "
                    f"replaces has shape {old.shape}"
                )
        return tuple(result)

    def _on_grad_output(self, grads: tuple) -> tuple:
        grad_output = self._spread(self.outputs_at, grads, self.n_outputs)
        for hook in self.pre_hooks:
            result = hook(self.module, grad_output)
            if result is not None:
                grad_output = self._check(result, grad_output, "grad_output", "backward pre-hook")
        self.grad_output = grad_output
        if not self.inputs_at or not self.hooks:  # no input gradient will come: call now
            grad_input = (None,) * self.n_args
            for hook in self.hooks:
                result = hook(self.module, grad_input, grad_output)
                if result is not None and any(g is not None for g in result):
                    raise RuntimeError(
                        f"backward hook of {type(self.module).__name__}: no input of this "
                        "call requires grad, so the hook must return None (or all None)"
                    )
            self.grad_output = None
        return tuple(grad_output[i] for i in self.outputs_at)

    def _on_grad_input(self, grads: tuple) -> tuple:
        if self.grad_output is None:  # the gradient did not come through the output
            return grads
        grad_input = self._spread(self.inputs_at, grads, self.n_args)
        for hook in self.hooks:
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None:
                grad_input = self._check(result, grad_input, "grad_input", "backward hook")
        self.grad_output = None
        return tuple(grad_input[i] for i in self.inputs_at)
