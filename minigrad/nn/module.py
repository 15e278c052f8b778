r"""`Module` and `Parameter`: how layers hold their weights and each other.

A model is a tree of modules. Each module keeps three ordered tables, filled by plain
attribute assignment in `__init__` (as in PyTorch):

    self.weight = Parameter(...)        -> _parameters  (what the optimizer trains)
    self.register_buffer("running_mean", t) -> _buffers (state that is saved, not trained)
    self.conv1 = Conv2d(...)            -> _modules     (children)

Everything else walks that tree: `parameters()` for the optimizer, `state_dict()` for a
checkpoint (keys are dotted paths such as "features.0.weight", exactly PyTorch's), `train()`
and `eval()` for layers that behave differently while training (dropout, batch norm).

`module(x)` runs `forward(x)` inside `recording.scope(...)`, so every graph node the layer
creates is tagged with the layer that made it: the pictures group nodes by module with it.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from .. import inplace, recording
from ..device import CPU_ONLY, check_cpu
from ..factory import from_numpy
from ..tensor import DEFAULT_DTYPE, Tensor, _to_args, as_dtype
from .hooks import BackwardHookCall

__all__ = ["Parameter", "Module", "RemovableHandle", "IncompatibleKeys"]


class Parameter(Tensor):
    """A tensor that a `Module` trains: assigning one to a module attribute registers it.

    It requires grad by default. Results of operations on a Parameter are plain Tensors
    (only the weights themselves are Parameters, so `model.parameters()` finds exactly them).

    >>> p = Parameter(np.zeros((2, 3)))
    >>> p.requires_grad, p.dtype, p.is_leaf
    (True, dtype('float32'), True)
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty((0,), dtype=np.float32)
        if isinstance(data, Tensor):
            if data.grad_fn is not None:
                data = data.detach()
            # share memory with the tensor it wraps, like PyTorch (no copy: a VGG-16 is 0.5 GB)
            super().__init__(np.empty((0,), dtype=data.dtype))
            self.data = data
            self._counter = inplace.counter(data)  # and so its version
            self.requires_grad_(requires_grad)
        else:
            super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def zero_grad(p: Tensor, set_to_none: bool) -> None:
    """Forget one parameter's gradient as PyTorch does (module.zero_grad, optimizer.zero_grad)."""
    if p.grad is None:
        return
    if set_to_none:
        p.grad = None
    else:
        if p.grad.grad_fn is not None:  # made with create_graph=True: detach it first
            p.grad = p.grad.detach()
        else:
            p.grad.requires_grad_(False)
        p.grad.zero_()


def layer_dtype(layer: str, dtype: Any, device: Any) -> np.dtype:
    """The dtype a layer makes its parameters and buffers in: float32 unless `dtype` says.

    `device` is accepted as in PyTorch (None, 'cpu', mg.device('cpu')); any other device
    raises a RuntimeError, since minigrad computes with numpy on the CPU only.
    """
    check_cpu(device, layer)
    dtype = as_dtype(DEFAULT_DTYPE if dtype is None else dtype)
    if dtype.kind != "f":
        raise TypeError(
            f"{layer}: dtype must be a floating-point type such as mg.float32 or mg.float64 "
            f"(parameters need gradients), got {dtype}"
        )
    return dtype


def filled(shape: tuple[int, ...], value: float, dtype: np.dtype) -> Tensor:
    """A tensor of `shape` filled with `value`, in exactly `dtype` (for parameters, buffers).

    Zeros come from np.zeros: the system hands out zeroed memory, written only when first
    used (a weight drawn next, or never under skip_init), not once more here."""
    if value == 0:
        return from_numpy(np.zeros(shape, dtype=dtype))
    return from_numpy(np.full(shape, value, dtype=dtype))  # made in dtype: no copy


def weight_and_bias(
    layer: Module,
    name: str,
    weight_shape: tuple[int, ...],
    bias_size: int | None,
    dtype: Any,
    device: Any,
) -> None:
    """Give a Linear or convolution layer its `weight` and its `bias` (of `bias_size`, or
    None), made in the layer's dtype, then drawn by its reset_parameters()."""
    dtype = layer_dtype(name, dtype, device)
    layer.weight = Parameter(filled(weight_shape, 0.0, dtype))
    if bias_size is None:
        layer.register_parameter("bias", None)
    else:
        layer.bias = Parameter(filled((bias_size,), 0.0, dtype))
    layer.reset_parameters()


class RemovableHandle:
    """Returned by the `register_*_hook` methods: `handle.remove()` unregisters the hook
    (also as a context manager: `with module.register_forward_hook(h): ...`)."""

    _ids = itertools.count()

    def __init__(self, table: dict, extra: tuple = ()) -> None:
        self.table = table
        self.extra = extra  # other tables that mention the hook (the with_kwargs sets)
        self.id = next(RemovableHandle._ids)

    def remove(self) -> None:
        self.table.pop(self.id, None)
        for other in self.extra:
            other.discard(self.id)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of every layer and model: subclass it, assign layers and parameters as
    attributes in `__init__` (after `super().__init__()`), and write `forward`.

    >>> class TwoLayers(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = Parameter(np.ones((3, 2)))
    ...     def forward(self, x):
    ...         return x @ self.hidden
    >>> [name for name, _ in TwoLayers().named_parameters()]
    ['hidden']
    """

    training: bool
    _optional_buffers: tuple[str, ...] = ()  # may be missing from a state_dict being loaded

    def __init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", OrderedDict())
        set_(self, "_buffers", OrderedDict())
        set_(self, "_non_persistent_buffers", set())
        set_(self, "_modules", OrderedDict())
        set_(self, "_forward_hooks", OrderedDict())
        set_(self, "_forward_pre_hooks", OrderedDict())
        set_(self, "_forward_hooks_with_kwargs", set())
        set_(self, "_forward_pre_hooks_with_kwargs", set())
        set_(self, "_backward_hooks", OrderedDict())
        set_(self, "_backward_pre_hooks", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(): a Module subclass must define "
            "forward(self, x) to say what the layer computes"
        )

    # --- calling ------------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run `forward`, with the hooks around it (in PyTorch's order): forward pre-hooks,
        then forward, then forward hooks; backward hooks tap the inputs and the output."""
        if self._forward_pre_hooks:
            args, kwargs = self._run_forward_pre_hooks(args, kwargs)
        backward = None
        if (self._backward_hooks or self._backward_pre_hooks) and recording.is_grad_enabled():
            backward = BackwardHookCall(self, len(args))
            args = backward.tap_inputs(args)
        with recording.scope(type(self).__name__, kind="module", obj=self):
            out = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for key, hook in list(self._forward_hooks.items()):
                if key in self._forward_hooks_with_kwargs:
                    result = hook(self, args, kwargs, out)
                else:
                    result = hook(self, args, out)
                if result is not None:
                    out = result
        if backward is not None:
            out = backward.tap_output(out)
        return out

    def _run_forward_pre_hooks(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is None:
                    continue
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"forward pre-hook of {type(self).__name__} (with_kwargs=True) must "
                        f"return None or a pair (new_args, new_kwargs), got {result!r:.80}"
                    )
                args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        return args, kwargs

    # --- hooks ---------------------------------------------------------------------------------

    def _add_hook(self, table: dict, hook: Any, prepend: bool, kwargs_set: set | None = None):
        if not callable(hook):
            raise TypeError(f"a hook must be callable (a function), got {type(hook).__name__}")
        handle = RemovableHandle(table, () if kwargs_set is None else (kwargs_set,))
        table[handle.id] = hook
        if prepend:
            table.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call `hook(module, args, output)` after every forward; a non-None return replaces
        the output. With `with_kwargs=True` the hook is `hook(module, args, kwargs, output)`.
        `prepend=True` runs it before the hooks already registered. Returns a handle;
        `handle.remove()` takes the hook away."""
        handle = self._add_hook(self._forward_hooks, hook, prepend, self._forward_hooks_with_kwargs)
        if with_kwargs:
            self._forward_hooks_with_kwargs.add(handle.id)
        return handle

    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call `hook(module, args)` before every forward; a non-None return replaces the
        positional inputs (a single value is wrapped into a tuple). With `with_kwargs=True`
        the hook is `hook(module, args, kwargs)` and returns None or `(args, kwargs)`.
        Returns a handle with `.remove()`."""
        table, kw = self._forward_pre_hooks, self._forward_pre_hooks_with_kwargs
        handle = self._add_hook(table, hook, prepend, kw)
        if with_kwargs:
            kw.add(handle.id)
        return handle

    def register_full_backward_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        r"""Call `hook(module, grad_input, grad_output)` when backward has computed the
        gradients of the loss with respect to this module's inputs.

        grad_output: tuple, d(loss)/d(output) for each output tensor (None where none came).
        grad_input: tuple with one entry per positional argument of `forward`:
        d(loss)/d(input) for each tensor that requires grad, None for the others.
        A non-None return (a tuple of the same length) replaces grad_input: that is what
        flows on to the layers before this one. As in PyTorch, the inputs and the output
        pass through identity nodes that catch their gradients (drawn as `_gradienttap`).
        When no input requires grad, the hook is called with grad_input all None and
        must return None. (One difference: with several tensor inputs, a None returned for
        one of them gives it a zero gradient, where PyTorch gives it none.) Returns a
        handle with `.remove()`.
        """
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call `hook(module, grad_output)` when d(loss)/d(output) is known, before backward
        goes through the module; a non-None return (a tuple of the same length) replaces
        grad_output. Returns a handle with `.remove()`."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    # --- registration by attribute -------------------------------------------------------------

    def _check_initialised(self, name: str, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {what} '{name}' before Module.__init__() has run: call "
                f"super().__init__() first in {type(self).__name__}.__init__"
            )

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params, buffers, modules = (d.get(k) for k in ("_parameters", "_buffers", "_modules"))
        if isinstance(value, Parameter):
            self._check_initialised(name, "parameter")
            self._forget(name)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to '{name}' of "
                    f"{type(self).__name__}: it is a parameter, so it takes an nn.Parameter "
                    "or None. Wrap the value: nn.Parameter(value)"
                )
            params[name] = None
        elif isinstance(value, Module):
            self._check_initialised(name, "module")
            self._forget(name)
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to '{name}' of "
                    f"{type(self).__name__}: it is a submodule, so it takes a Module or None"
                )
            modules[name] = None
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                value = Tensor(np.asarray(value))
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        """Remove `name` from every table (an attribute lives in exactly one of them)."""
        self.__dict__.pop(name, None)
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the three tables.
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        if any(name in table for table in (self._parameters, self._buffers, self._modules)):
            self._forget(name)
        else:
            object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        extra = list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(set(super().__dir__()) | set(extra))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter under `name` (None reserves the name, as `bias=False` layers do)."""
        self._check_initialised(name, "parameter")
        self._check_name(name, "register_parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter('{name}'): expected an nn.Parameter or None, got "
                f"{type(param).__name__}; wrap it: nn.Parameter(t)"
            )
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Add state that is not trained but belongs to the model (batch norm's running
        statistics). Persistent buffers go into `state_dict()`."""
        self._check_initialised(name, "buffer")
        self._check_name(name, "register_buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            tensor = Tensor(np.asarray(tensor))
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under `name` (what attribute assignment does)."""
        self._check_initialised(str(name), "module")
        self._check_name(str(name), "add_module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module('{name}'): expected a Module, got {type(module).__name__}")
        self._forget(str(name))
        self._modules[str(name)] = module

    register_module = add_module

    def _check_name(self, name: str, where: str) -> None:
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"{where}: name must be a non-empty string without '.', got {name!r}")
        if hasattr(type(self), name):
            raise KeyError(f"{where}: '{name}' is already a method or attribute of the class")

    # --- walking the tree ----------------------------------------------------------------------

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every module inside it, with dotted names ('' for this one)."""
        memo = set() if memo is None else memo
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:  # depth first, children in the order they were assigned
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in memo:
                    continue
                memo.add(id(module))
            yield name, module
            children = [
                (f"{name}.{key}" if name else key, child)
                for key, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        return (module for _, module in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        return (module for _, module in self.named_children())

    def _named_members(self, table: str, prefix: str, recurse: bool, remove_duplicate: bool):
        seen: set = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_name, module in mods:
            for name, value in getattr(module, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{mod_name}.{name}" if mod_name else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two layers appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        return (b for _, b in self.named_buffers(recurse=recurse))

    # --- modes and gradients -------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode for this module and all inside it (dropout drops, batch norm uses
        batch statistics). Returns the module."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be True or False, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: `train(False)`. Dropout passes inputs through, batch norm uses
        its running statistics."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of all parameters: set `.grad` to None (PyTorch's default),
        or with set_to_none=False fill it with zeros in place (the same tensor stays)."""
        for p in self.parameters():
            zero_grad(p, set_to_none)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze (True) every parameter. Returns the module."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn(module)` on every submodule, then on this one (e.g. custom init)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Convert floating parameters and buffers in place: `model.to(dtype)`, `.to(device)`
        (the CPU: nothing moves), `.to(device, dtype)`, `.to(tensor)`. Returns the module."""
        where, dtype, _ = _to_args(args, kwargs, "Module.to")
        check_cpu(where, "Module.to")
        if dtype is None:
            return self
        if dtype.kind != "f":
            raise TypeError(
                f"Module.to: only floating dtypes are allowed for a module, got {dtype}; "
                "parameters must stay floating-point to be trained"
            )
        for t in itertools.chain(self.parameters(), self.buffers()):
            if t.dtype.kind == "f":
                t.data = t.data.to(dtype)
                if t.grad is not None:
                    t.grad = t.grad.to(dtype)
        return self

    def cpu(self) -> Module:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Module:
        raise RuntimeError(f"Module.cuda: {CPU_ONLY}")

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    # --- state dict ----------------------------------------------------------------------------

    def _state_items(self) -> Iterator[tuple[str, Tensor]]:
        """Parameters, then persistent buffers, module by module (PyTorch's key order)."""
        for mod_name, module in self.named_modules(remove_duplicate=False):
            prefix = f"{mod_name}." if mod_name else ""
            for name, p in module._parameters.items():
                if p is not None:
                    yield prefix + name, p
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent_buffers:
                    yield prefix + name, b

    def state_dict(self, *, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name ("features.0.weight",
        "bn1.running_mean"). Values share memory with the model (save or copy them)."""
        out: OrderedDict[str, Tensor] = OrderedDict()
        for key, t in self._state_items():
            out[prefix + key] = t if keep_vars else t.detach()
        return out

    def get_submodule(self, target: str) -> Module:
        """The module at a dotted path, e.g. model.get_submodule("features.c1")."""
        module = self
        for i, part in enumerate(target.split(".") if target else []):
            child = module._modules.get(part)
            if child is None:
                where = ".".join(target.split(".")[:i]) or type(self).__name__
                raise AttributeError(
                    f"get_submodule: {where} has no submodule '{part}' (it has: "
                    f"{', '.join(module._modules) or 'none'})"
                )
            module = child
        return module

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True):
        """Copy values (Tensors or ndarrays) into the parameters and buffers, in place.

        Every key must name a parameter or buffer of this model and every one of those must
        be given (unless `strict=False`); values must be numbers of the right shape (always;
        they are converted to the model's dtypes). Everything is checked before anything is
        copied, so a failed load changes nothing, and all problems are reported in one error.
        Returns (missing_keys, unexpected_keys), as PyTorch.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a dict of name -> array (from state_dict() or "
                f"mg.load), got {type(state_dict).__name__}"
            )
        own = OrderedDict(self._state_items())
        optional = {  # buffers a checkpoint may leave out (PyTorch's older checkpoints do)
            f"{prefix}.{name}" if prefix else name
            for prefix, module in self.named_modules()
            for name in module._optional_buffers
        }
        missing = [k for k in own if k not in state_dict and k not in optional]
        unexpected = [k for k in state_dict if k not in own]
        values, bad_values = {}, []
        for key, target in own.items():  # check everything first: load all or nothing
            if key in state_dict:
                problem, values[key] = _checked_value(key, state_dict[key], target)
                if problem:
                    bad_values.append(problem)
        problems = list(bad_values)
        if strict and missing:
            problems.append("missing keys: " + ", ".join(f'"{k}"' for k in missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(f'"{k}"' for k in unexpected))
        if problems:
            hint = "Check that the checkpoint was saved from the same architecture" + (
                "" if bad_values or not strict else ", or pass strict=False to load the rest"
            )
            raise RuntimeError(
                f"load_state_dict into {type(self).__name__} failed, nothing was loaded:\n  "
                + "\n  ".join(problems)
                + f"\n{hint}."
            )
        with recording.no_grad():  # in place: an optimizer holding the tensor still sees it
            for key, arr in values.items():
                own[key].copy_(arr)
        return IncompatibleKeys(missing, unexpected)

    # --- printing ------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The layer's settings inside its repr, e.g. 'in_features=3, out_features=2'."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _indent(repr(module), 2) for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{type(self).__name__}({body})"


def _checked_value(key: str, value: Any, target: Tensor) -> tuple[str, Any]:
    """(problem, array): what is wrong with a state_dict value for `target`, or its array."""
    try:
        arr = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
    except (TypeError, ValueError) as e:
        return f"{key}: the value is not an array ({type(value).__name__}: {e})", None
    if arr.dtype.kind not in "biuf":
        return (
            f"{key}: the value has dtype {arr.dtype}, not numbers "
            f"(the model's {target.dtype} tensor needs numbers)"
        ), None
    if arr.shape != target.shape:
        return (
            f"size mismatch for {key}: checkpoint has shape {arr.shape}, model has {target.shape}"
        ), None
    return "", arr


def _indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:1] + [" " * spaces + line for line in lines[1:]])
