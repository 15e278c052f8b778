"""The tensor engine: `Tensor`, a numpy array that records the operations applied to it.

A Tensor made by an operation remembers its parents and the `Function` that made
it (`grad_fn`); `loss.backward()` hands the graph to the walk in `autograd.py`,
which calls each Function's backward. Every method below is either a call to one
primitive in `ops/` or a short composition of other methods (softmax, var, relu):
composed methods need no backward of their own.

Shape letters used in docstrings: N batch, C channels, H/W height/width, D dims.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from numbers import Number
from typing import Any, NamedTuple

import numpy as np

from . import autograd, inplace, recording, rng
from .autograd import Function, PartialGrad, run_backward
from .device import CPU, CPU_ONLY, check_cpu, device, is_device
from .ops.elementwise import (
    Abs,
    Add,
    Cast,
    Cos,
    Div,
    Exp,
    Log,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    PowScalar,
    Sigmoid,
    Sin,
    Sqrt,
    Sub,
    Tanh,
    Where,
    sign,
)
from .ops.matmul import MatMul
from .ops.movement import BroadcastTo, Concat, GetItem, Pad, Permute, Reshape
from .ops.reduce import Amax, Sum, SumTo
from .ops.write import Clone, SetRegion
from .shapes import (
    as_dim,
    as_dim_list,
    as_dims,
    as_float,
    as_int,
    as_pad_widths,
    as_shape,
    dim_or_axis,
)

float32 = np.dtype("float32")
float64 = np.dtype("float64")
float16 = np.dtype("float16")
int64 = np.dtype("int64")
int32 = np.dtype("int32")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")
long = int64
DEFAULT_DTYPE = float32


def as_dtype(dtype: Any) -> np.dtype:
    """A numpy dtype from a dtype, its name ('float64') or a Python type."""
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"dtype {dtype!r} is not understood; use mg.float32, mg.float64, mg.int64, "
            "a numpy dtype or its name such as 'float32'"
        ) from None


# PyTorch's legacy type names, for x.type() and x.type('torch.FloatTensor')
_TYPE_NAMES = {
    float32: "FloatTensor",
    float64: "DoubleTensor",
    float16: "HalfTensor",
    int64: "LongTensor",
    int32: "IntTensor",
    np.dtype("int16"): "ShortTensor",
    np.dtype("int8"): "CharTensor",
    uint8: "ByteTensor",
    bool_: "BoolTensor",
}
_TYPE_DTYPES = {name: dtype for dtype, name in _TYPE_NAMES.items()}


def _to_args(args: tuple, kwargs: dict, op: str) -> tuple[Any, np.dtype | None, bool]:
    """(device, dtype, copy) from the ways PyTorch's `.to` can be called."""
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"{op}: unexpected keyword argument(s) {sorted(unknown)}")
    where, dtype = kwargs.get("device"), kwargs.get("dtype")
    if len(args) > 3:
        raise TypeError(f"{op}: expected a device, a dtype and non_blocking at most, got {args}")
    for a in args:
        if isinstance(a, bool):  # to(dtype, non_blocking) / to(device, dtype, non_blocking)
            continue
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif is_device(a):
            where = a
        elif a is not None:
            dtype = a
    return where, None if dtype is None else as_dtype(dtype), bool(kwargs.get("copy", False))


def _array(data: Any, dtype: Any = None, keep_numpy_dtype: bool = False) -> np.ndarray:
    """The ndarray a Tensor holds: Python floats become float32, Python ints int64.

    With `keep_numpy_dtype` (what `mg.tensor` does, as `torch.tensor` does), numpy arrays and
    numpy numbers keep their own dtype: a float64 array stays float64, an int32 one int32.
    """
    if isinstance(data, Tensor):
        data = data._data
    if data is None:
        raise TypeError("mg.tensor: data is None; expected a number, nested lists or an ndarray")
    try:
        arr = np.array(data) if dtype is None else np.array(data, dtype=as_dtype(dtype))
    except ValueError as e:
        place = _ragged(data)
        if place is None:
            raise ValueError(f"mg.tensor: cannot make a tensor from this data ({e})") from None
        where_, lengths = place
        raise ValueError(
            f"mg.tensor: the nested lists are ragged: the items of data{where_} have lengths "
            f"{lengths} (None marks a number among lists). A tensor is rectangular: every "
            "list at one depth must have the same length. Pad the short rows, or keep them "
            "as separate tensors."
        ) from None
    if dtype is not None:
        return arr
    if keep_numpy_dtype and _from_numpy(data) and arr.dtype.kind in "biuf":
        return arr
    if arr.dtype.kind == "f" or arr.dtype == object:
        try:
            return arr.astype(DEFAULT_DTYPE)
        except (TypeError, ValueError):
            raise TypeError(
                f"mg.tensor: cannot make a numeric tensor from {type(data).__name__}"
            ) from None
    if arr.dtype.kind in "iu" and arr.dtype != uint8:
        return arr.astype(int64)
    if arr.dtype.kind not in "biu":
        raise TypeError(
            f"mg.tensor: expected numbers (a number, nested lists, or an ndarray), "
            f"got data of dtype {arr.dtype}"
        )
    return arr


def _ragged(data: Any, where: str = "") -> tuple[str, list] | None:
    """Where nested lists stop being rectangular: ("[1]", [2, 1]) or None if they do not."""
    if not isinstance(data, (list, tuple)):
        return None
    lengths = [len(x) if isinstance(x, (list, tuple)) else None for x in data]
    if len(set(lengths)) > 1:
        return where, lengths
    for i, x in enumerate(data):
        found = _ragged(x, f"{where}[{i}]")
        if found:
            return found
    return None


def _from_numpy(data: Any) -> bool:
    """True when `data` is a numpy array or number, or a (nested) list whose first element is:
    its dtype then decides the tensor's, as in PyTorch."""
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, (np.ndarray, np.generic))


def _dims(dim: Any, axis: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """Normalise `dim` (int, tuple or None; `axis` is an alias) to sorted non-negative axes,
    None meaning every dim (see shapes.as_dims)."""
    return as_dims(dim_or_axis(dim, axis, op), ndim, op)


def _in_place(method: str) -> Any:
    """The in-place form of a one-argument method: x.exp_() puts x.exp() in x's place."""

    def change(self: Tensor) -> Tensor:
        return self._change(method + "_", lambda t: getattr(t, method)())

    change.__name__, change.__qualname__ = method + "_", f"Tensor.{method}_"
    return change


class ValuesIndices(NamedTuple):
    """What `x.max(dim)` and `x.min(dim)` return: the values and the index of each, along
    `dim` (PyTorch's `torch.return_types.max` and `.min` have these two fields)."""

    values: "Tensor"
    indices: "Tensor"


class Tensor:
    """An n-dimensional array that can record its history for automatic differentiation.

    >>> x = tensor([[1.0, 2.0]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad.numpy()
    array([[2., 4.]], dtype=float32)
    """

    __slots__ = (
        "_data",
        "grad",
        "requires_grad",
        "_fn",
        "_parents",
        "_keep_grad",
        "name",
        "_counter",  # the VersionCounter of its memory (None until changed or viewed)
        "_view",  # for a view: (base, steps from base to it, such as (("getitem", 0),))
        "__weakref__",
    )
    __array_ufunc__ = None  # `ndarray + Tensor` calls Tensor.__radd__, never numpy's loop
    _saves = True  # the graph walk calls _release after backward: the node's saved arrays go

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        self._data = _array(data, dtype)
        self.grad: Tensor | None = None
        self.requires_grad = False
        self._fn: Function | None = None
        self._parents: tuple = ()
        self._keep_grad = False
        self.name = ""
        self._counter = self._view = None
        if requires_grad:
            self.requires_grad_()

    # --- construction used by Function.apply --------------------------------------------------

    @classmethod
    def _constant(cls, data: Any) -> Tensor:
        """Wrap an array without checks or copies (results of ops, gradients, masks)."""
        t = object.__new__(cls)
        t._data = data if type(data) is np.ndarray else np.asarray(data)
        t.grad = None
        t.requires_grad = False
        t._fn = None
        t._parents = ()
        t._keep_grad = False
        t.name = ""
        t._counter = t._view = None
        return t

    @classmethod
    def _from_function(cls, data: Any, fn: Function) -> Tensor:
        # _constant's fields, set here rather than by calling it: one call fewer per recorded
        # op (per-op overhead, benchmarks/bench_engine.py)
        t = object.__new__(cls)
        t._data = data if type(data) is np.ndarray else np.asarray(data)
        t.grad = None
        t.requires_grad = True
        t._fn = fn
        t._parents = fn.inputs
        t._keep_grad = False
        t.name = ""
        t._counter = t._view = None
        for x in fn.inputs:  # note the inputs' versions, for backward to check (inplace.py)
            if x._counter is not None:  # else version 0, which fn.versions = None stands for
                fn.versions = inplace.versions(fn.inputs)
                break
        return t

    def _as_view_of(self, base: Tensor, step: tuple) -> Tensor:
        """Mark this result of a movement op as a view of `base` if it shares its memory."""
        owner = self._data.base
        if owner is not None and (owner is base._data or owner is base._data.base):
            self._counter = inplace.counter(base)
            if base._view is None:  # base owns its memory, or is detach()'s alias
                self._view = (base, (step,))
            else:  # a view of a view: steps from the same base
                self._view = (base._view[0], base._view[1] + (step,))
        return self

    # --- what the graph walk calls ------------------------------------------------------------

    def _backward(self, grad: Tensor) -> list[Tensor | None]:
        fn = self._fn
        if fn.released:
            raise RuntimeError(
                f"backward through {fn.name()} a second time: its saved values were freed after "
                "the first backward. Pass retain_graph=True to the first .backward() if you "
                "need to go through the graph twice, or recompute the forward pass."
            )
        for x in fn.inputs:  # (a tensor without a version counter was never changed in place)
            if x._counter is not None:
                inplace.check_versions(self, fn)
                break
        else:
            if self._counter is not None and fn.saves_output:
                inplace.check_versions(self, fn)
        grads = fn.backward(grad)
        if not isinstance(grads, tuple):
            grads = (grads,)
        out = []
        for x, g in zip(self._parents, grads):
            if g is None or not x.requires_grad:  # e.g. Add's gradient for a constant
                out.append(None)
                continue
            gd, xd = g._data, x._data
            if gd.shape != xd.shape:  # undo broadcasting: the one place it happens
                if isinstance(g, PartialGrad):  # (no shape: see autograd.PartialGrad)
                    out.append(g)
                    continue
                g = _sum_to(g, x.shape, fn)
                gd = g._data
            if gd.dtype is not xd.dtype and gd.dtype != xd.dtype:  # (`is`: the usual case)
                g = g.to(x.dtype)
            out.append(g)
        return out

    def _takes_partial(self) -> bool:
        """May the walk hand this tensor's backward a PartialGrad as it is (autograd.py)? When
        its op takes one, and its gradient is not kept (`.grad` must be a tensor)."""
        fn = self._fn
        return (
            fn is not None
            and fn.takes_partial
            and not (self._keep_grad or recording._KeepAll.enabled)
        )

    def _accumulate(self, grad: Tensor) -> None:
        if self._fn is not None and not (self._keep_grad or recording._KeepAll.enabled):
            return  # an intermediate result: its gradient is not kept
        if not grad.requires_grad:  # own the memory: an optimizer may change it in place
            grad = Tensor._constant(grad._data.copy())
        self.grad = grad if self.grad is None else self.grad + grad

    def _release(self) -> None:
        self._fn.released = True
        self._fn.saved = ()

    # --- autograd API -------------------------------------------------------------------------

    def backward(
        self, grad: Any = None, retain_graph: bool | None = None, create_graph: bool = False
    ) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires grad.

        Results accumulate into each leaf's `.grad`. `grad` is d(final)/d(self); it may be
        left out only when this tensor has one element (a loss).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad, so there is no graph to walk. "
                "Create the inputs with requires_grad=True (parameters do this), and do not "
                "compute the loss inside mg.no_grad()."
            )
        if grad is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"backward: output has shape {self.shape}; backward() without an argument "
                    "needs a single number such as a loss. Reduce it first (y.sum() or "
                    f"y.mean()), or pass grad=, a tensor of shape {self.shape}."
                )
            grad = Tensor._constant(np.ones_like(self._data))
        else:
            grad = _seed(self, grad, "backward: grad")
        keep = create_graph if retain_graph is None else retain_graph
        run_backward([self], [grad], retain_graph=keep, create_graph=create_graph)

    def retain_grad(self) -> Tensor:
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep it)."""
        self._keep_grad = True
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Ask (in place) for gradients of this leaf tensor. Only floating tensors have them."""
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(
                f"requires_grad: only floating-point tensors can have gradients, this one is "
                f"{self.dtype}. Convert first: x.float() or mg.tensor(data, dtype=mg.float32)"
            )
        if self._fn is not None and not requires_grad:
            raise RuntimeError("requires_grad_(False) works on leaves only; use .detach()")
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """The same data (shared, not copied) as a new leaf with no history.

        It shares the version too: changing it in place is seen by the graph of `self`.
        """
        alias = Tensor._constant(self._data)
        alias._counter = inplace.counter(self)
        return alias

    def clone(self) -> Tensor:
        """A copy in memory of its own (differentiable: the gradient passes through)."""
        return Clone.apply(self)

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has seen (shared with views)."""
        return inplace.version(self)

    @property
    def data(self) -> Tensor:
        """The same numbers as a new tensor with no history (memory shared, as in PyTorch).

        Changing `x.data` changes `x` without the graph knowing: unlike `x.detach()`, it has
        a version counter of its own, so backward cannot tell that values it needs were
        overwritten (as in PyTorch; optimizers once relied on this). `x.detach()` or
        `with mg.no_grad():` say the same thing safely. `x.numpy()` is the ndarray itself.
        Assigning `x.data = y` makes x hold y's numbers (x is no longer a view of anything).
        """
        return Tensor._constant(self._data)

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)
        self._view = None

    @property
    def grad_fn(self) -> Function | None:
        return self._fn

    @property
    def is_leaf(self) -> bool:
        return self._fn is None

    # --- array facts --------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def size(self, dim: int | None = None) -> tuple[int, ...] | int:
        return self._data.shape if dim is None else self._data.shape[dim]

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def dim(self) -> int:
        return self._data.ndim

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared: changing it changes the tensor)."""
        return self._data

    def item(self) -> float | int | bool:
        if self._data.size != 1:
            raise ValueError(
                f"item: only a tensor with one element can become a Python number, "
                f"this one has shape {self.shape}"
            )
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with shape {self.shape} is ambiguous; "
                "use (x > 0).all() or .any()"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", precision=4)
        extra = []
        if self.dtype not in (float32, int64, bool_):
            extra.append(f"dtype={self.dtype}")
        if self._fn is not None:
            extra.append(f"grad_fn=<{type(self._fn).__name__}>")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extra) + ")"

    __hash__ = object.__hash__  # tensors are graph nodes: identity, not value, matters

    # --- dtype --------------------------------------------------------------------------------

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """This tensor converted: `x.to(dtype)`, `x.to(device)`, `x.to(device, dtype)`,
        `x.to(other)` (other's dtype), or keywords `dtype=`, `device=`, `copy=`.

        The result is `x` itself when nothing changes (unless copy=True); a conversion between
        floating types is differentiable. The only device is the CPU (see `minigrad/device.py`).
        """
        where, dtype, copy = _to_args(args, kwargs, "to")
        check_cpu(where, "Tensor.to")
        if dtype is None or dtype == self.dtype:
            return Tensor._constant(self._data.copy()) if copy else self
        if dtype.kind != "f":
            return Tensor._constant(self._data.astype(dtype))
        return Cast.apply(self, dtype=dtype)

    def astype(self, dtype: Any) -> Tensor:
        """numpy's name for `to(dtype)`."""
        return self.to(dtype=as_dtype(dtype))

    def type(self, dtype: Any = None) -> Tensor | str:
        """`x.type(dtype)` is `x.to(dtype)`; `x.type()` names the type ('minigrad.FloatTensor').

        PyTorch's type names ('torch.FloatTensor', 'torch.LongTensor', ...) are accepted too.
        """
        if dtype is None:
            return "minigrad." + _TYPE_NAMES.get(self.dtype, f"Tensor[{self.dtype}]")
        if isinstance(dtype, str) and dtype.rpartition(".")[2] in _TYPE_DTYPES:
            dtype = _TYPE_DTYPES[dtype.rpartition(".")[2]]
        return self.to(dtype=as_dtype(dtype))

    def float(self) -> Tensor:
        return self.to(float32)

    def double(self) -> Tensor:
        return self.to(float64)

    def half(self) -> Tensor:
        return self.to(float16)

    def long(self) -> Tensor:
        return self.to(int64)

    def int(self) -> Tensor:
        return self.to(int32)

    def bool(self) -> Tensor:
        return self.to(bool_)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    # --- device (the CPU only) ----------------------------------------------------------------

    @property
    def device(self) -> device:
        """Where the numbers live: always `device(type='cpu')`."""
        return CPU

    is_cuda = False

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        raise RuntimeError(f"Tensor.cuda: {CPU_ONLY}")

    # --- operators ----------------------------------------------------------------------------

    def _lift(self, other: Any, op: str = "combine") -> Tensor:
        """A number or array on the other side of an operator, as a tensor of a fitting dtype.

        A Python number never changes a float32 tensor's dtype (NumPy 2 would keep it too,
        but a float64 numpy *scalar* would not: we convert it here first).
        """
        if isinstance(other, Tensor):
            return other
        kind = self._data.dtype.kind
        if kind == "f" and type(other) in (float, int):  # the common case, checked first
            return Tensor._constant(_number_array(other, self._data.dtype))
        if isinstance(other, (Number, np.number, np.bool_)) and not isinstance(other, complex):
            if kind == "f" or (kind in "biu" and isinstance(other, (float, np.floating))):
                dtype = self.dtype if kind == "f" else DEFAULT_DTYPE
                return Tensor._constant(np.asarray(other, dtype=dtype))
            return Tensor._constant(np.asarray(other))
        arr = np.asarray(other)
        if arr.dtype.kind == "f" and kind == "f":
            arr = arr.astype(self.dtype, copy=False)
        elif arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{op}: cannot combine a tensor with {type(other).__name__} ({other!r:.40}); "
                "expected a Tensor, a number or an ndarray of numbers"
            )
        return Tensor._constant(arr)

    def _pair(self, other: Any, op: str, reflected: bool = False) -> tuple[Tensor, Tensor]:
        other = self._lift(other, op)
        a, b = (other, self) if reflected else (self, other)
        if a._data.dtype is not b._data.dtype and a._data.dtype != b._data.dtype:
            if op == "sub" and "b" in (a._data.dtype.kind, b._data.dtype.kind):
                _no_bool_arithmetic("Subtraction, the `-` operator,")
            a, b = _promote(a, b)
        if a._data.shape != b._data.shape and a._data.ndim and b._data.ndim:  # 0-d always fits
            _check_broadcast(op, a.shape, b.shape)
        return a, b

    def __add__(self, other: Any) -> Tensor:
        return Add.apply(*self._pair(other, "add"))

    def __radd__(self, other: Any) -> Tensor:
        return Add.apply(*self._pair(other, "add", reflected=True))

    def __sub__(self, other: Any) -> Tensor:
        return _subtract(*self._pair(other, "sub"))

    def __rsub__(self, other: Any) -> Tensor:
        return _subtract(*self._pair(other, "sub", reflected=True))

    def __mul__(self, other: Any) -> Tensor:
        return Mul.apply(*self._pair(other, "mul"))

    def __rmul__(self, other: Any) -> Tensor:
        return Mul.apply(*self._pair(other, "mul", reflected=True))

    def __truediv__(self, other: Any) -> Tensor:
        return Div.apply(*self._pair(other, "div"))

    def __rtruediv__(self, other: Any) -> Tensor:
        return Div.apply(*self._pair(other, "div", reflected=True))

    def __neg__(self) -> Tensor:
        if self._data.dtype == bool_:
            _no_bool_arithmetic("Negation, the `-` operator,")
        return Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, exponent: Any) -> Tensor:
        if isinstance(exponent, (int, float, np.integer, np.floating)) and not isinstance(
            exponent, bool
        ):  # .item(): a numpy float64 exponent would make x ** k float64 (NumPy 2 rules)
            k = exponent.item() if isinstance(exponent, np.generic) else exponent
            return PowScalar.apply(self, k=k)
        return Pow.apply(*self._pair(exponent, "pow"))

    def __rpow__(self, base: Any) -> Tensor:
        return Pow.apply(*self._pair(base, "pow", reflected=True))

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(self._lift(other), self)

    # PyTorch's method names for the operators
    add, sub, mul, div, neg = __add__, __sub__, __mul__, __truediv__, __neg__
    pow, matmul = __pow__, __matmul__

    def _compare(self, other: Any, op: Any) -> Tensor:
        if isinstance(other, Tensor) and other._data.dtype != self._data.dtype:
            a, b = _promote(self, other)  # compared in the dtype PyTorch computes in
            return Tensor._constant(op(a._data, b._data))
        other = other._data if isinstance(other, Tensor) else other
        return Tensor._constant(op(self._data, other))

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self) -> Tensor:
        return Tensor._constant(~self._data)

    def __and__(self, other: Any) -> Tensor:
        return self._compare(other, np.logical_and)

    def __or__(self, other: Any) -> Tensor:
        return self._compare(other, np.logical_or)

    def all(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        dims = _dims(dim, axis, self.ndim, "all")
        return Tensor._constant(np.asarray(np.all(self._data, axis=dims, keepdims=keepdim)))

    def any(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        dims = _dims(dim, axis, self.ndim, "any")
        return Tensor._constant(np.asarray(np.any(self._data, axis=dims, keepdims=keepdim)))

    # --- elementwise functions ----------------------------------------------------------------

    def exp(self) -> Tensor:
        return Exp.apply(self)

    def log(self) -> Tensor:
        return Log.apply(self)

    def sqrt(self) -> Tensor:
        return Sqrt.apply(self)

    def abs(self) -> Tensor:
        return Abs.apply(self)

    def sigmoid(self) -> Tensor:
        return Sigmoid.apply(self)

    def tanh(self) -> Tensor:
        return Tanh.apply(self)

    def relu(self) -> Tensor:
        r"""max(x, 0), composed as where(x > 0, x, 0): the gradient is 1 where x > 0, else 0.

        NaN stays NaN (and passes its gradient on), as in PyTorch: the mask is "not x <= 0".
        relu(-0.0) is -0.0, as in PyTorch (it only shows in 1 / relu(x)): an input holding
        a negative zero takes its zeros, signs kept, from the input instead of the number 0.
        """
        if self.dtype == bool_:
            raise TypeError("relu: bool tensors are not supported; convert with .float()")
        x = self._data
        keep = np.asarray(x <= 0)  # (an array even for a 0-d tensor)
        np.logical_not(keep, out=keep)  # (in place: one mask, not two)
        zeros: Any = 0
        if x.dtype.kind == "f" and _has_negative_zero(x):  # rare; the test is one min()
            zeros = Tensor._constant(np.where(x == 0, x, 0).astype(x.dtype, copy=False))
        return where(keep, self, zeros)

    def sign(self) -> Tensor:
        """-1, 0 or 1 (0 for NaN, as PyTorch); piecewise constant, so no gradient."""
        return Tensor._constant(sign(self._data))

    def maximum(self, other: Any) -> Tensor:
        return Maximum.apply(*self._pair(other, "maximum"))

    def minimum(self, other: Any) -> Tensor:
        return Minimum.apply(*self._pair(other, "minimum"))

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        r"""Limit to [min, max]; the gradient is 1 inside (bounds included), 0 outside."""
        for name, bound in (("min", min), ("max", max)):
            if bound is not None:
                as_float(bound, "clip", name)  # a NaN bound is a mistake, not data
        inside = np.ones(self.shape, dtype=bool)
        if min is not None:
            inside &= self._data >= min
        if max is not None:
            inside &= self._data <= max
        clipped = Tensor._constant(np.clip(self._data, min, max))
        return where(inside, self, clipped)

    clamp = clip

    # --- reductions ---------------------------------------------------------------------------

    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        return Sum.apply(self, dims=_dims(dim, axis, self.ndim, "sum"), keepdim=keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        """The average over `dim`; the mean of no elements is NaN, as in PyTorch."""
        self._check_floating("mean")
        dims = _dims(dim, axis, self.ndim, "mean")
        n = _count(self.shape, dims)
        return self.sum(dims, keepdim) / n if n else self.sum(dims, keepdim) * math.nan

    def var(
        self,
        dim: Any = None,
        unbiased: bool = True,
        keepdim: bool = False,
        *,
        correction: float | None = None,
        axis: Any = None,
    ) -> Tensor:
        r"""Variance: sum((x - mean)^2) / (n - correction); unbiased=True means correction=1.

        With n <= correction the divisor is 0 and the result inf or NaN (PyTorch warns too).
        """
        self._check_floating("var")
        dims = _dims(dim, axis, self.ndim, "var")
        correction = (1 if unbiased else 0) if correction is None else correction
        correction = as_float(correction, "var", "correction")
        centred = self - self.mean(dims, keepdim=True)
        n = _count(self.shape, dims)
        return (centred * centred).sum(dims, keepdim) / max(n - correction, 0)

    def std(
        self,
        dim: Any = None,
        unbiased: bool = True,
        keepdim: bool = False,
        *,
        correction: float | None = None,
        axis: Any = None,
    ) -> Tensor:
        r"""sqrt(var); where the spread is zero the gradient is 0, as in PyTorch (not 1/0)."""
        v = self.var(dim, unbiased, keepdim, correction=correction, axis=axis)
        zero = v._data == 0
        if not zero.any():
            return v.sqrt()
        return where(zero, 0.0, where(zero, 1.0, v).sqrt())  # no gradient flows at zero

    def amax(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        """Largest values over `dim`; ties share the gradient evenly (NaN: see ops.reduce.Amax)."""
        dims = _dims(dim, axis, self.ndim, "amax")
        self._check_nonempty("amax", dims)
        return Amax.apply(self, dims=dims, keepdim=keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        """Smallest values over `dim`, composed as -amax(-x) (integers: directly)."""
        if self.dtype.kind != "f":  # -x wraps around for uint8 and is refused for bool
            dims = _dims(dim, axis, self.ndim, "amin")
            self._check_nonempty("amin", dims)
            return Tensor._constant(np.amin(self._data, axis=dims, keepdims=keepdim))
        return -((-self).amax(dim, keepdim, axis=axis))

    def max(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None):
        """`x.max()`: the largest element. `x.max(dim)`: (values, indices) along `dim`.

        How a tie shares the gradient (the same rules as PyTorch):

        * `x.max()` (no dim) and `x.amax(...)`: split evenly, 1/k to each of the k maxima;
        * `x.max(dim)`: all of it to the element whose index is returned, the first maximum
          along `dim` (`values` is `x` indexed at `indices`, so the gradient follows them).

        NaN is larger than everything; `x.max()` shares the gradient between the NaNs.

        >>> x = tensor([[1.0, 5.0, 5.0]], requires_grad=True)
        >>> x.max(1)
        ValuesIndices(values=tensor([5.], grad_fn=<GetItem>), indices=tensor([1]))
        """
        if dim is None and axis is None:
            self._check_nonempty("max", None)
            return Amax.apply(self, dims=None, keepdim=False, nan_shares=True)
        d = _one_dim(dim, axis, self.ndim, "max")
        self._check_nonempty("max", (d,))
        return self._take_index(np.argmax, d, keepdim)

    def min(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None):
        """Like `max`, for the smallest elements."""
        if dim is None and axis is None:
            if self.dtype.kind != "f":
                return self.amin()
            return -((-self).max())
        d = _one_dim(dim, axis, self.ndim, "min")
        self._check_nonempty("min", (d,))
        return self._take_index(np.argmin, d, keepdim)

    def _take_index(self, find: Any, d: int, keepdim: bool) -> ValuesIndices:
        if self.ndim == 0:  # the only element, at index 0
            return ValuesIndices(self[()], Tensor._constant(np.zeros((), dtype=int64)))
        idx = find(self._data, axis=d)
        grid = list(np.indices(idx.shape, sparse=True))
        index = tuple(grid[:d]) + (idx,) + tuple(grid[d:])
        values = self[index]
        indices = Tensor._constant(idx.astype(int64))
        if keepdim:
            values, indices = values.unsqueeze(d), indices.unsqueeze(d)
        return ValuesIndices(values, indices)

    def _check_nonempty(self, op: str, dims: tuple[int, ...] | None) -> None:
        """A maximum of no elements is undefined: PyTorch refuses it, and so do we."""
        for d in range(self.ndim) if dims is None else dims:
            if self.ndim and self.shape[d] == 0:
                raise ValueError(
                    f"{op}: the tensor is empty along dim {d} (shape {self.shape}); there is "
                    "no extreme value of no elements. Reduce over a dim of nonzero size"
                )

    def _check_floating(self, op: str) -> None:
        if self._data.dtype.kind != "f":
            raise TypeError(
                f"{op}: needs a floating-point tensor, this one is {self.dtype}; "
                f"convert it first: x.float().{op}(...)"
            )

    def argmax(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        """Index of the first maximum along `dim` (of the flattened tensor without dim);
        NaN counts as the maximum. Piecewise constant: no gradient. `axis` is an alias."""
        return self._arg(np.argmax, "argmax", dim_or_axis(dim, axis, "argmax"), keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        """Index of the first minimum (NaN counts as the minimum), as `argmax`."""
        return self._arg(np.argmin, "argmin", dim_or_axis(dim, axis, "argmin"), keepdim)

    def _arg(self, find: Any, op: str, dim: Any, keepdim: bool) -> Tensor:
        if dim is None:
            self._check_nonempty(op, None)
            idx = np.asarray(find(self._data), dtype=int64)
            return Tensor._constant(idx.reshape((1,) * self.ndim if keepdim else ()))
        d = as_dim(dim, self.ndim, op)
        self._check_nonempty(op, (d,))
        if self.ndim == 0:
            return Tensor._constant(np.zeros((), dtype=int64))
        return Tensor._constant(find(self._data, axis=d, keepdims=keepdim).astype(int64))

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Tensor:
        r"""log(sum(exp(x))), computed as m + log(sum(exp(x - m))) with m = max(x): no overflow.

        As in PyTorch, an infinite m is replaced by 0, so a slice of -inf gives -inf (not
        NaN), and a sum over no elements is log 0 = -inf. Integers become float32.
        """
        if dim is None or dim == ():
            raise TypeError("logsumexp: dim is required (an int or a tuple of ints), as in PyTorch")
        dims = _dims(dim, None, self.ndim, "logsumexp")
        x = self if self.dtype.kind == "f" else self.float()
        m = x._shift(dims)
        m._data = np.where(np.isfinite(m._data), m._data, 0).astype(x.dtype)
        out = m + (x - m).exp().sum(dims, keepdim=True).log()
        return out if keepdim else out.reshape(_reduced_shape(self.shape, dims))

    def log_softmax(self, dim: int = -1) -> Tensor:
        r"""x - logsumexp(x): log-probabilities, finite even for logits of 1e4.

        Computed as (x - m) - log(sum(exp(x - m))) with m = max(x): subtracting m first keeps
        the digits that float32 would lose in 1e4 - (1e4 + log 3).
        """
        dims = self._softmax_dims(dim, "log_softmax")
        shifted = self - self._shift(dims)
        return shifted - shifted.exp().sum(dims, keepdim=True).log()

    def softmax(self, dim: int = -1) -> Tensor:
        r"""exp(x - max) / sum(exp(x - max)): probabilities that add up to 1 along `dim`."""
        dims = self._softmax_dims(dim, "softmax")
        e = (self - self._shift(dims)).exp()
        return e / e.sum(dims, keepdim=True)

    def _softmax_dims(self, dim: Any, op: str) -> tuple[int] | None:
        self._check_floating(op)
        d = as_dim(dim, self.ndim, op)
        return None if self.ndim == 0 else (d,)

    def _shift(self, dims: tuple[int, ...] | None) -> Tensor:
        """max(x) over dims (kept), as a constant: subtracting any constant leaves softmax
        unchanged, and the maximum keeps exp from overflowing. Named for pictures of the graph.
        (numpy's max, not amax: a constant needs no graph, and an empty dim gives -inf.)"""
        m = Tensor._constant(np.amax(self._data, axis=dims, keepdims=True, initial=-np.inf))
        m.name = "maximum (subtracted against overflow; no gradient needed)"
        return m

    # --- movement -----------------------------------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in another shape; one size may be -1 (inferred)."""
        if not shape:
            raise TypeError("reshape: the new shape is required, e.g. x.reshape(2, 3)")
        shape = as_shape(shape, "reshape", "shape", infer=True)
        try:
            target = np.empty(self.shape, dtype=bool).reshape(shape).shape  # resolves -1
        except ValueError:
            raise ValueError(
                f"reshape: cannot view shape {self.shape} ({self.numel()} elements) as "
                f"{tuple(shape)}; the number of elements must stay the same (and -1 cannot "
                "be inferred when there are no elements)"
            ) from None
        if target == self.shape:
            return self
        return Reshape.apply(self, shape=target)._as_view_of(self, ("reshape", target))

    view = reshape

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the axes: output axis i is input axis dims[i]."""
        if not dims:
            raise TypeError("permute: dims are required, e.g. x.permute(1, 0)")
        raw = as_dim_list(dims, "permute")
        if len(raw) != self.ndim:
            raise ValueError(
                f"permute: dims {raw} must be a reordering of 0..{self.ndim - 1} "
                f"for a tensor of shape {self.shape} ({len(raw)} dims given, {self.ndim} needed)"
            )
        dims = tuple(as_dim(d, self.ndim, "permute") for d in raw)
        if len(set(dims)) != len(dims):
            raise ValueError(
                f"permute: dims {raw} must be a reordering of 0..{self.ndim - 1} for a tensor of "
                f"shape {self.shape}; a dim appears twice"
            )
        if dims == tuple(range(self.ndim)):
            return self
        return Permute.apply(self, dims=dims)._as_view_of(self, ("permute", dims))

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two axes (PyTorch's `transpose`; numpy's full reversal is `.T`)."""
        a, b = (as_dim(d, self.ndim, "transpose") for d in (dim0, dim1))
        if self.ndim == 0:
            return self
        dims = list(range(self.ndim))
        dims[a], dims[b] = dims[b], dims[a]
        return self.permute(dims)

    swapaxes = transpose

    @property
    def T(self) -> Tensor:
        return self.permute(tuple(reversed(range(self.ndim))))

    @property
    def mT(self) -> Tensor:
        """Transpose of the last two axes (a batch of matrices; a 0-d tensor is itself)."""
        if self.ndim == 1:
            raise ValueError("mT: only for matrices or batches of matrices, got a 1-D tensor")
        return self if self.ndim == 0 else self.transpose(-2, -1)

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Repeat along dims of size 1 (and new leading dims) to `shape`; -1 keeps a size."""
        return self._expand(shape, "broadcast_to")

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to `sizes`; -1 keeps a dimension's size (PyTorch's `expand`)."""
        return self._expand(sizes, "expand")

    def _expand(self, sizes: tuple, op: str) -> Tensor:
        if not sizes:
            raise TypeError(f"{op}: the target size is required, e.g. x.{op}(2, 3)")
        sizes = as_shape(sizes, op, "size", keep=True)
        lead = len(sizes) - self.ndim
        if any(s == -1 for s in sizes[: max(lead, 0)]):
            raise ValueError(
                f"{op}: size -1 (keep the size) cannot be used for a new leading dim, got "
                f"{sizes} for shape {self.shape}"
            )
        shape = tuple(
            self.shape[i - lead] if (s == -1 and i >= lead) else s for i, s in enumerate(sizes)
        )
        if shape == self.shape:
            return self
        _check_broadcast(op, self.shape, shape, target=True)
        return BroadcastTo.apply(self, shape=shape)._as_view_of(self, ("broadcast_to", shape))

    def sum_to(self, shape: tuple[int, ...]) -> Tensor:
        """Sum broadcast copies down to `shape` (what backward does for broadcast inputs)."""
        shape = tuple(shape)
        return self if shape == self.shape else SumTo.apply(self, shape=shape)

    def squeeze(self, dim: Any = None) -> Tensor:
        """Remove dims of size 1 (all of them, or those in `dim` that have size 1)."""
        if dim is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        dims = _dims(dim, None, self.ndim, "squeeze")
        if dims is None:  # a 0-d tensor, or dim=(): nothing to remove
            return self
        return self.reshape(
            tuple(n for i, n in enumerate(self.shape) if not (i in dims and n == 1))
        )

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a dim of size 1 at position `dim` (-ndim-1 .. ndim)."""
        d = as_dim(dim, self.ndim, "unsqueeze", new_axis=True)
        return self.reshape(self.shape[:d] + (1,) + self.shape[d:])

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dims start_dim..end_dim into one."""
        s = as_dim(start_dim, self.ndim, "flatten", "start_dim")
        e = as_dim(end_dim, self.ndim, "flatten", "end_dim")
        if self.ndim == 0:
            return self.reshape(1)
        if s > e:
            raise ValueError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                f"for a tensor of shape {self.shape}"
            )
        merged = _count(self.shape, tuple(range(s, e + 1)))
        return self.reshape(self.shape[:s] + (merged,) + self.shape[e + 1 :])

    def __getitem__(self, index: Any) -> Tensor:
        index = _index(index)
        try:
            out = GetItem.apply(self, index=index)
        except IndexError as e:  # numpy's message, plus what a learner needs to find the bug
            raise IndexError(f"getitem: {e} (indexing a tensor of shape {self.shape})") from None
        return out._as_view_of(self, ("getitem", index))

    def pad(self, pad: Sequence[int], value: float = 0.0) -> Tensor:
        """Constant padding, widths given as PyTorch's F.pad: (left, right, top, bottom, ...)
        starting from the last dimension. A negative width removes that many elements."""
        widths = _pad_widths(pad, self.shape, "pad")
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise TypeError(f"pad: value must be a number, got {value!r:.40}")
        x = self
        crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, self.shape))
        if any(s.start or s.stop != n for s, n in zip(crop, self.shape)):
            x = x[crop]
        grow = tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)
        if not any(lo or hi for lo, hi in grow):
            return x
        return Pad.apply(x, widths=grow, value=value)

    def split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        return split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """At most `chunks` pieces of equal size along `dim` (the last may be smaller)."""
        chunks = as_int(chunks, "chunk", "chunks", minimum=1)
        d = as_dim(dim, self.ndim, "chunk")
        n = self.shape[d] if self.ndim else 1
        if n == 0:  # PyTorch gives `chunks` empty pieces
            return (self,) * chunks
        return split(self, -(-n // chunks), dim)

    # --- in-place changes (inplace.py: versions, and how a recorded change rewrites the graph)

    def _change(self, name: str, compute: Any, *operands: Any, cast: bool = False) -> Tensor:
        return inplace.change(self, name, compute, operands, cast)

    def add_(self, other: Any, *, alpha: float = 1) -> Tensor:
        """self += alpha * other, in place."""
        return self._change("add_", lambda t, o: t + (o if alpha == 1 else o * alpha), other)

    def sub_(self, other: Any, *, alpha: float = 1) -> Tensor:
        """self -= alpha * other, in place."""
        return self._change("sub_", lambda t, o: t - (o if alpha == 1 else o * alpha), other)

    def mul_(self, other: Any) -> Tensor:
        return self._change("mul_", lambda t, o: t * o, other)

    def div_(self, other: Any) -> Tensor:
        return self._change("div_", lambda t, o: t / o, other)

    def pow_(self, exponent: Any) -> Tensor:
        return self._change("pow_", lambda t, e: t**e, exponent)

    neg_, abs_, exp_, log_ = _in_place("neg"), _in_place("abs"), _in_place("exp"), _in_place("log")
    sqrt_, sigmoid_ = _in_place("sqrt"), _in_place("sigmoid")
    tanh_, relu_ = _in_place("tanh"), _in_place("relu")

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:
        return self._change("clamp_", lambda t: t.clamp(min, max))

    clip_ = clamp_

    def clamp_min_(self, min: float) -> Tensor:
        return self._change("clamp_min_", lambda t: t.clamp(min, None))

    def clamp_max_(self, max: float) -> Tensor:
        return self._change("clamp_max_", lambda t: t.clamp(None, max))

    def copy_(self, src: Any) -> Tensor:
        """Copy `src` (broadcast to this shape, converted to this dtype) into this tensor.

        The gradient flows to `src`; the old values get none (they are overwritten)."""
        return self._change("copy_", _overwritten, src, cast=True)

    def fill_(self, value: Any) -> Tensor:
        """Set every element to `value` (a number or a 0-d tensor)."""
        if isinstance(value, Tensor) and value.ndim != 0:
            raise RuntimeError(
                f"fill_: value must be a number or a 0-d tensor, got a tensor of shape "
                f"{value.shape}; use copy_ to copy a tensor into this one"
            )
        return self._change("fill_", _overwritten, value, cast=True)

    def zero_(self) -> Tensor:
        """Set every element to zero (e.g. `p.grad.zero_()` between training steps)."""
        return self.fill_(0)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of N(mean, std^2), from `generator` or minigrad's (manual_seed)."""
        if not std >= 0:
            raise RuntimeError(f"normal_: std must be >= 0, got {std}")
        samples = _generator(generator).normal(mean, std, size=self.shape)
        return self._change("normal_", _overwritten, samples, cast=True)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of U(a, b) (PyTorch calls the bounds `from` and `to`)."""
        if not a <= b:
            raise RuntimeError(f"uniform_: expects a range [a, b) with a <= b, got a={a} > b={b}")
        samples = _generator(generator).uniform(a, b, size=self.shape)
        return self._change("uniform_", _overwritten, samples, cast=True)

    # x += y changes x itself, as in PyTorch
    __iadd__, __isub__, __imul__, __itruediv__, __ipow__ = add_, sub_, mul_, div_, pow_

    def __imatmul__(self, other: Any) -> Tensor:
        raise RuntimeError(
            "In-place matmul is not supported (x @= w would change x's shape): "
            "write x = x @ w instead"
        )

    def __setitem__(self, index: Any, value: Any) -> None:
        """x[index] = value, in place; differentiable: the gradient reaches `value` from the
        written places and the old x from the others."""
        index = _index(index)
        value = self._lift(value, "setitem")
        steps = (("getitem", index),)
        try:
            self._change(
                "setitem", lambda t, v: SetRegion.apply(t, v, steps=steps), value, cast=True
            )
        except (ValueError, IndexError) as e:  # numpy's message, with what was written where
            raise type(e)(
                f"setitem: {e} (writing a value of shape {value.shape} into a tensor of "
                f"shape {self.shape})"
            ) from None

    # --- PyTorch's other spellings (what teaching code calls) ---------------------------------

    def sin(self) -> Tensor:
        return Sin.apply(self)

    def cos(self) -> Tensor:
        return Cos.apply(self)

    def square(self) -> Tensor:
        return self * self

    __abs__ = abs

    def __format__(self, spec: str) -> str:
        """f"{loss:.3f}" formats a 0-d tensor as its number, as in PyTorch."""
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        if spec:
            raise TypeError(
                f"unsupported format string {spec!r} for a tensor of shape {self.shape}: "
                "only a 0-d tensor formats as a number; use x.item() or x.tolist()"
            )
        return repr(self)

    def __index__(self) -> int:
        """An integer tensor of one element can index a list (`items[t]`, `range(t)`)."""
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError(
                "only integer tensors of a single element can be converted to an index, "
                f"this one is {self.dtype} of shape {self.shape}"
            )
        return int(self._data.item())

    def mm(self, other: Tensor) -> Tensor:
        """Matrix product of two matrices: (N, K) @ (K, M) -> (N, M)."""
        _check_ndims("mm", self, other, 2, 2)
        return matmul(self, other)

    def bmm(self, other: Tensor) -> Tensor:
        """Batched matrix product: (B, N, K) @ (B, K, M) -> (B, N, M), same B on both sides."""
        _check_ndims("bmm", self, other, 3, 3)
        if self.shape[0] != other.shape[0]:
            raise ValueError(
                f"bmm: batch sizes differ: {self.shape} and {other.shape} (dim 0 must be equal)"
            )
        return matmul(self, other)

    def mv(self, vec: Tensor) -> Tensor:
        """Matrix times vector: (N, K) @ (K,) -> (N,)."""
        _check_ndims("mv", self, vec, 2, 1)
        return matmul(self, vec)

    def dot(self, other: Tensor) -> Tensor:
        """Dot product of two vectors of one length: sum(x * y)."""
        _check_ndims("dot", self, other, 1, 1)
        return matmul(self, other)

    def t(self) -> Tensor:
        """Transpose of a matrix (a vector or a number is returned as it is)."""
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor of at most 2 dims, got shape {self.shape}")
        return self.T if self.ndim == 2 else self

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        r"""The 2-norm sqrt(sum(x^2)) (p=2 or 'fro', the default) or the 1-norm sum(|x|).

        At x = 0 the gradient of the 2-norm is 0, as in PyTorch (sqrt has an infinite slope
        at 0: its input is replaced by 1 there before the root, and the result by 0 after).
        """
        dims = _dims(dim, None, self.ndim, "norm")
        if p == 1:
            return self.abs().sum(dims, keepdim)
        if p not in (2, "fro"):
            raise ValueError(f"norm: p must be 1, 2 or 'fro', got {p!r}")
        squares = (self * self).sum(dims, keepdim)
        positive = squares._data > 0
        return where(positive, where(positive, squares, 1.0).sqrt(), 0.0)

    def cumsum(self, dim: int, *, axis: Any = None) -> Tensor:
        r"""Running sums along `dim`: y_i = x_0 + ... + x_i, composed as a product with the
        upper-triangular matrix of ones (so the engine derives the gradient)."""
        (d,) = _dims(dim, axis, self.ndim, "cumsum")
        n = self.shape[d] if self.ndim else 1
        ones = np.triu(np.ones((n, n), dtype=self.dtype if self.is_floating_point() else int64))
        moved = self.reshape(1) if self.ndim == 0 else self.transpose(d, -1)
        out = moved @ Tensor._constant(ones)
        return out.reshape(()) if self.ndim == 0 else out.transpose(d, -1)

    def contiguous(self) -> Tensor:
        return self  # numpy handles any memory layout

    def view_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    reshape_as = view_as

    def expand_as(self, other: Tensor) -> Tensor:
        return self.expand(other.shape)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def equal(self, other: Tensor) -> bool:
        """True when both tensors have the same shape and the same values."""
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def element_size(self) -> int:
        return int(self._data.itemsize)

    def new_tensor(self, data: Any, dtype: Any = None) -> Tensor:
        return Tensor(data, dtype=self.dtype if dtype is None else dtype)

    def new_zeros(self, *size: Any, dtype: Any = None) -> Tensor:
        dtype = as_dtype(dtype or self.dtype)
        return Tensor._constant(np.zeros(as_shape(size, "new_zeros"), dtype))

    def new_ones(self, *size: Any, dtype: Any = None) -> Tensor:
        dtype = as_dtype(dtype or self.dtype)
        return Tensor._constant(np.ones(as_shape(size, "new_ones"), dtype))

    def new_full(self, size: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        dtype = as_dtype(dtype or self.dtype)
        return Tensor._constant(np.full(as_shape((size,), "new_full"), fill_value, dtype))


autograd.set_result_class(Tensor)  # Function.apply makes Tensors (a Parameter's results too)


# --------------------------------------------------------------------------------------------
# Helpers


def _count(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> int:
    sizes = shape if dims is None else [shape[d] for d in dims]
    return int(np.prod(sizes, dtype=np.int64))


def _reduced_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape a reduction over `dims` (None: all) leaves with keepdim=False."""
    return () if dims is None else tuple(n for i, n in enumerate(shape) if i not in dims)


def _one_dim(dim: Any, axis: Any, ndim: int, op: str) -> int:
    """The one dim of ops that return (values, indices): max and min."""
    d = dim_or_axis(dim, axis, op)
    if isinstance(d, (tuple, list)):
        raise TypeError(
            f"{op}: dim must be one int to get (values, indices), got {d!r}; "
            f"for the values over several dims use a{op}(dims)"
        )
    return as_dim(d, ndim, op)


def _check_ndims(op: str, x: Any, y: Any, nx: int, ny: int) -> None:
    for name, t, n in (("self", x, nx), ("the argument", y, ny)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected Tensors, got {type(t).__name__} for {name}")
        if t.ndim != n:
            raise ValueError(
                f"{op}: expects a {n}-D tensor for {name}, got shape {t.shape}; "
                "use matmul (or @) for other shapes"
            )


def _pad_widths(pad: Any, shape: tuple[int, ...], op: str) -> list[tuple[int, int]]:
    """Pad widths per dim (see shapes.as_pad_widths), negative ones removing at most all."""
    widths = as_pad_widths(pad, len(shape), op)
    for d, ((lo, hi), n) in enumerate(zip(widths, shape)):
        if max(-lo, 0) + max(-hi, 0) > n:
            raise ValueError(
                f"{op}: widths ({lo}, {hi}) remove more than the {n} elements of dim {d} "
                f"(input shape {shape}); negative widths remove elements, at most all of them"
            )
    return widths


def _check_broadcast(op: str, a: tuple, b: tuple, target: bool = False) -> None:
    """Raise a clear error unless shapes `a` and `b` broadcast (with target: `a` to `b`)."""
    # compared from the right (zip stops at the shorter shape: missing dims count as 1)
    pairs = zip(reversed(a), reversed(b))
    if target:
        if len(a) > len(b) or not all(n == m or n == 1 for n, m in pairs):
            raise ValueError(
                f"{op}: cannot broadcast shape {a} to {tuple(b)}; compared from the right, "
                "each dimension must equal the target's or be 1 (new dimensions go on the left)"
            )
    elif not all(n == m or n == 1 or m == 1 for n, m in pairs):
        raise ValueError(
            f"{op}: shapes {a} and {b} cannot be broadcast together; compared from the "
            "right, each pair of dimensions must be equal or one of them 1"
        )


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating point


def _promote(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Both tensors converted to the dtype of their result, by PyTorch's rules (not numpy's).

    * A tensor of a higher category (bool < integer < float) decides: int64 with float32
      gives float32 (numpy would give float64).
    * A 0-d tensor does not raise the precision of a tensor with dimensions in its category:
      float32 with a 0-d float64 gives float32; only a higher category counts (int64 with a
      0-d float64 gives float64). Python numbers never do (see `_lift`).
    * Otherwise the wider dtype: float32 with float64 gives float64.
    """
    da, db = a._data.dtype, b._data.dtype
    if (a.ndim == 0) != (b.ndim == 0):
        dims, zero = (da, db) if b.ndim == 0 else (db, da)
        dtype = dims if _CATEGORY.get(zero.kind, 3) <= _CATEGORY.get(dims.kind, 3) else zero
    else:
        dtype = _wider(da, db)
    return a.to(dtype), b.to(dtype)


def _wider(a: np.dtype, b: np.dtype) -> np.dtype:
    """The dtype two tensors with dims combine to (`_promote`; cat and stack, over all)."""
    ca, cb = _CATEGORY.get(a.kind, 3), _CATEGORY.get(b.kind, 3)
    return (a if ca > cb else b) if ca != cb else np.promote_types(a, b)


def _subtract(a: Tensor, b: Tensor) -> Tensor:
    try:
        return Sub.apply(a, b)
    except TypeError:  # numpy refuses bool - bool (checked only then: this is a hot path)
        if a._data.dtype == bool_:
            _no_bool_arithmetic("Subtraction, the `-` operator,")
        raise


def _no_bool_arithmetic(what: str) -> None:
    raise TypeError(
        f"{what} with a bool tensor is not supported (as in PyTorch). To invert a mask use "
        "~mask; to count, convert first: mask.long() or mask.float()"
    )


def _overwritten(t: Tensor, value: Any) -> Tensor:
    r"""`value` (broadcast to t's shape, in t's dtype) in place of t's values.

    Written as where(False, t, value): its gradient is 0 for the old values and the whole
    gradient for `value` (summed over what was broadcast).
    """
    value = t._lift(value, "copy_")
    if value.dtype != t.dtype:
        value = value.to(t.dtype)
    return Where.apply(t, value, mask=np.False_)


def _generator(generator: Any) -> np.random.Generator:
    return rng.default_generator() if generator is None else generator


_NUMBERS: dict = {}  # (number, dtype, is -0.0) -> its 0-d array, read-only


def _number_array(x: float | int, dtype: np.dtype) -> np.ndarray:
    """A Python number as a 0-d array of `dtype`, made once per number and kept.

    The same few constants (0.5, 1.0, the 0.9 of a momentum) meet a tensor in every step;
    converting each anew costs more than numpy's work on a small tensor (per-op overhead,
    benchmarks/bench_engine.py). The arrays are read-only: an op reads them, never
    writes them. NaN is never kept (NaN != NaN: each would be a new key).
    """
    key = (x, dtype, x == 0 and math.copysign(1.0, x) < 0)
    arr = _NUMBERS.get(key)
    if arr is None:
        arr = np.asarray(x, dtype=dtype)
        if x == x:  # not NaN
            if len(_NUMBERS) >= 4096:  # a loop over many numbers: start again
                _NUMBERS.clear()
            arr.flags.writeable = False
            _NUMBERS[key] = arr
    return arr


def _sum_to(g: Tensor, shape: tuple[int, ...], fn: Function) -> Tensor:
    """Reduce a broadcast gradient back to an input's shape, or say which op got it wrong."""
    lead = g.ndim - len(shape)
    if lead < 0 or any(n != 1 and n != m for n, m in zip(shape, g.shape[lead:])):
        raise RuntimeError(
            f"{fn.name()}.backward returned a gradient of shape {g.shape} for "
            f"an input of shape {shape}, which broadcasting cannot explain"
        )
    return g.sum_to(shape)


def _seed(out: Tensor, grad: Any, what: str) -> Tensor:
    """The gradient given for `out` (backward's grad, mg.grad's grad_outputs), checked."""
    grad = grad if isinstance(grad, Tensor) else Tensor(grad, dtype=out.dtype)
    if grad.shape != out.shape:
        raise ValueError(
            f"{what} has shape {grad.shape} but the output it belongs to has shape "
            f"{out.shape}; they must be equal (it is d(final)/d(output), one number per "
            "element of the output)"
        )
    return grad if grad.dtype == out.dtype else grad.to(out.dtype)


def _index(index: Any) -> Any:
    """Turn tensors, lists and boolean masks in an index into what numpy expects.

    Index arrays are copied: the graph keeps them for backward, and a later in-place change
    of the tensor or array they came from must not change where the gradient goes. An index
    of plain integers and slices ends with `...`, so that x[0] of a 1-d tensor is a 0-d view
    of x (numpy would return a copy, a scalar) and changing it in place changes x.
    """
    items = index if isinstance(index, tuple) else (index,)
    out: list = []
    basic = True
    for item in items:
        if isinstance(item, Tensor):
            item = item._data
        if isinstance(item, (list, range, np.ndarray)):
            item = np.array(item)
            basic = False
            if item.dtype == bool:
                out.extend(np.nonzero(item))  # a mask selects these positions
                continue
        elif isinstance(item, (bool, np.bool_)) or not (
            item is None or item is Ellipsis or isinstance(item, (slice, int, np.integer))
        ):
            basic = False  # a bool, or something numpy will judge
        out.append(item)
    if basic and Ellipsis not in out:
        out.append(Ellipsis)
    return tuple(out) if len(out) != 1 else out[0]


# --------------------------------------------------------------------------------------------
# Functions on several tensors


def matmul(x: Tensor, y: Tensor) -> Tensor:
    r"""Matrix product with numpy's rules: (.., N, K) @ (.., K, M) -> (.., N, M); 1-D allowed."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    y = x._lift(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError("matmul: both operands need at least 1 dimension; use * for scalars")
    if x.dtype != y.dtype:
        raise TypeError(
            f"matmul: operands are {x.dtype} and {y.dtype}; convert one (x.float() or "
            "x.double()) so both have the same dtype, as PyTorch requires"
        )
    k1 = x.shape[-1]
    k2 = y.shape[-2] if y.ndim > 1 else y.shape[0]
    if k1 != k2:
        raise ValueError(
            f"matmul: shapes {x.shape} and {y.shape} cannot be multiplied: the last dim of "
            f"the first ({k1}) must equal the {'second-to-last' if y.ndim > 1 else 'only'} "
            f"dim of the second ({k2})"
        )
    if x.ndim > 2 and y.ndim > 2:
        try:
            np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        except ValueError:
            raise ValueError(
                f"matmul: shapes {x.shape} and {y.shape} cannot be multiplied: their batch dims "
                f"{x.shape[:-2]} and {y.shape[:-2]} (all but the last two) do not broadcast; "
                "compared from the right, each pair must be equal or one of them 1"
            ) from None
    return MatMul.apply(x, y)


# -0.0's bits are the sign bit alone: read as a signed integer, the smallest one there is
_NEGATIVE_ZERO_BITS = {
    n: (t, np.iinfo(t).min) for n, t in ((2, np.int16), (4, np.int32), (8, np.int64))
}


def _has_negative_zero(x: np.ndarray) -> bool:
    """Does the float array hold a -0.0? One reduction over its bits read as integers: no
    array of comparisons (x == 0 and signbit would be two passes and two arrays)."""
    bits, smallest = _NEGATIVE_ZERO_BITS[x.dtype.itemsize]
    return x.size > 0 and x.view(bits).min() == smallest


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """Elements of x where `condition` holds, else of y. The condition gets no gradient."""
    # a condition tensor is copied: backward keeps it, and it may be changed in place later
    cond = condition._data.astype(bool) if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != bool:
        cond = cond.astype(bool)
    if not isinstance(x, Tensor):
        x = y._lift(x) if isinstance(y, Tensor) else Tensor(x)
    y = x._lift(y, "where")
    x, y = _promote(x, y)
    _check_broadcast("where", x.shape, y.shape)
    _check_broadcast("where", np.broadcast_shapes(x.shape, y.shape), cond.shape)
    return Where.apply(x, y, mask=cond)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    if tensors[0].ndim == 0:
        raise ValueError("cat: 0-d tensors have no dim to join along; use mg.stack")
    d = as_dim(dim, tensors[0].ndim, "cat")
    dtype = functools.reduce(_wider, [t.dtype for t in tensors])  # PyTorch's, not numpy's
    tensors = [t if t.dtype == dtype else t.to(dtype) for t in tensors]
    for t in tensors[1:]:
        if t.ndim != tensors[0].ndim or any(
            a != b for i, (a, b) in enumerate(zip(t.shape, tensors[0].shape)) if i != d
        ):
            raise ValueError(
                f"cat: shapes {[x.shape for x in tensors]} must match in every dim except {d}"
            )
    return Concat.apply(*tensors, dim=d)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new dimension."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    return cat([t.unsqueeze(dim) for t in tensors], dim)


def split(x: Tensor, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Cut along `dim` into pieces of `split_size` (an int, or a list of sizes)."""
    d = as_dim(dim, x.ndim, "split")
    if x.ndim == 0:
        raise ValueError("split: a 0-d tensor has no dim to split; reshape it first")
    n = x.shape[d]
    if isinstance(split_size, (list, tuple)):
        sizes = [as_int(k, "split", "split_size", minimum=0) for k in split_size]
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, dim {d} has {n}")
    else:
        split_size = as_int(split_size, "split", "split_size", minimum=0 if n == 0 else 1)
        if n == 0:
            sizes = [0]
        else:
            sizes = [split_size] * (n // split_size) + ([n % split_size] if n % split_size else [])
    lead = (slice(None),) * d
    bounds = np.cumsum([0] + sizes)
    return tuple(x[lead + (slice(int(a), int(b)),)] for a, b in zip(bounds[:-1], bounds[1:]))


def maximum(x: Tensor, y: Any) -> Tensor:
    return x.maximum(y)


def minimum(x: Tensor, y: Any) -> Tensor:
    return x.minimum(y)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) as a tuple of tensors, without touching any `.grad`.

    With create_graph=True the results are themselves differentiable (Hessian-vector
    products, gradient penalties). Inputs the outputs do not depend on raise an error
    unless allow_unused=True, in which case their gradient is None.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor) or not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(
            f"mg.grad: got {len(outputs)} outputs and {len(grad_outputs)} grad_outputs; give "
            "one grad_output per output (None for an output with one element)"
        )
    roots, seeds = [], []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError("mg.grad: an output does not require grad (no graph to walk)")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    f"mg.grad: output {i} has shape {out.shape}, it is not a scalar; pass "
                    "grad_outputs, one tensor of each output's shape"
                )
            g = Tensor._constant(np.ones_like(out._data))
        roots.append(out)
        seeds.append(_seed(out, g, f"mg.grad: grad_outputs[{i}]"))
    for x in inputs:
        if not x.requires_grad:
            raise RuntimeError("mg.grad: an input does not require grad")
    keep = create_graph if retain_graph is None else retain_graph
    found = run_backward(roots, seeds, keep, create_graph, capture=inputs)
    result = tuple(found.get(x) for x in inputs)
    for x, g in zip(inputs, result):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"mg.grad: an input of shape {x.shape} was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
    return result
