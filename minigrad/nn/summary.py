r"""`nn.summary(model, input_shape)`: the table of layers, output shapes and parameter counts.

It runs one forward pass on a random batch (batch size 1 by default, under `no_grad`, in
eval mode) with a forward hook on every module, and records what each layer produced.
The parameter count of a layer is what it owns itself:

    Linear(in, out):          in * out + out
    Conv2d(C, O, K):          O * C/groups * KH * KW + O
    BatchNorm(C):             2 * C (running statistics are buffers, not parameters)

so the column adds up to the total. The layout follows Keras' `model.summary()` and
torchinfo: total, trainable and non-trainable parameters, then their memory.

The "Activations" column is the memory a training step keeps for the backward pass: the
output of every innermost layer (a layer with no sublayers), in bytes, for the batch the
summary ran with. A container row shows "--" (its layers are listed below it), or, when
`depth` folds it, the sum of the layers inside it; each array is counted once (an Identity
or a view such as Flatten adds nothing). It is a lower bound, as torchinfo's is: the
engine also keeps some intermediates inside layers (a convolution's unfolded columns) and
dropout's masks, which the summary (run in eval mode) does not see. It grows linearly with
the batch size.

The "MACs" column is the compute: multiply-accumulates (one multiplication and one
addition, a += w * x) of one forward pass of the batch the summary ran with. Counted:

    Conv2d(C, O, K, groups=g):   output elements * C/g * KH * KW     (N * O * OH * OW of them)
    Linear(in, out):             output elements * in                (N * out for a batch)
    any layer with a method `count_macs(inputs, output) -> int`: what it returns

Not counted (a dash in the column): bias additions, batch norm, activations, pooling,
dropout, local response norm, and the additions and concatenations between layers. Each of
these costs about one operation per element it outputs, which in the networks of the zoo
is well under 1% of the convolutions' work. This is the convention of the published counts
(VGG-19: 19.6 G, ResNet-34: 3.6 G, ResNet-50: 4.1 G multiply-accumulates at 224 x 224) and of
fvcore and torchvision. FLOPs are 2 x MACs (a multiplication and an addition are two
floating-point operations); some papers call MACs "FLOPs", which is why published "FLOPs"
sometimes differ by a factor of 2. A layer called twice is counted twice (compute is per
call; parameters are counted once). `compare_summaries` puts several models side by side.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..factory import from_numpy
from ..recording import no_grad
from ..tensor import Tensor, as_dtype
from .conv import Conv2d
from .lazy import has_uninitialized_params
from .linear import Linear
from .module import Module

__all__ = ["summary", "ModelSummary", "SummaryRow", "compare_summaries", "count_macs"]


@dataclass
class SummaryRow:
    """One module call: its dotted name (as in named_modules), class, output shape, params."""

    name: str
    type: str
    output_shape: Any
    num_params: int | None  # None: the module has no parameters of its own but has children
    trainable: int = 0
    depth: int = 0
    activation_bytes: int | None = None  # None: a container whose layers have their own rows
    macs: int | None = None  # None: a container, or a layer whose work is not counted


@dataclass
class ModelSummary:
    """What `nn.summary` measured; `str(s)` is the table."""

    model_name: str
    input_shape: tuple
    rows: list[SummaryRow]
    total_params: int
    trainable_params: int
    param_bytes: int
    buffer_count: int = 0
    buffer_bytes: int = 0
    output_shape: Any = None
    input_bytes: int = 0
    activation_bytes: int = 0  # outputs of the innermost layers, kept for backward
    total_macs: int = 0  # multiply-accumulates of convolutions and linear layers, this batch
    batch_size: int = 1
    width: int = field(default=80, repr=False)

    @property
    def total_flops(self) -> int:
        """2 x MACs: each multiply-accumulate is a multiplication and an addition."""
        return 2 * self.total_macs

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    @property
    def param_mb(self) -> float:
        return self.param_bytes / 2**20

    @property
    def total_bytes(self) -> int:
        """Input, kept activations, parameters and buffers: the memory of a training step
        before gradients (add param_bytes again for the parameters' gradients)."""
        return self.input_bytes + self.activation_bytes + self.param_bytes + self.buffer_bytes

    def __str__(self) -> str:
        headers = ("Layer (name)", "Type", "Output shape", "Param #", "MACs", "Activations (B)")
        body = [
            (
                "  " * r.depth + r.name,
                r.type,
                _shape_text(r.output_shape),
                "--" if r.num_params is None else f"{r.num_params:,}",
                "--" if r.macs is None else f"{r.macs:,}",
                "--" if r.activation_bytes is None else f"{r.activation_bytes:,}",
            )
            for r in self.rows
        ]
        widths = [max([len(h)] + [len(row[i]) for row in body]) for i, h in enumerate(headers)]
        total_width = max(sum(widths) + 2 * (len(widths) - 1), 60)
        fmt = "  ".join(f"{{:{'>' if i >= 3 else '<'}{w}}}" for i, w in enumerate(widths))
        rule, thin = "=" * total_width, "-" * total_width
        lines = [
            f'Model: "{self.model_name}"   input: {_shape_text(self.input_shape)}',
            rule,
            fmt.format(*headers),
            rule,
        ]
        lines += [fmt.format(*row) for row in body]
        lines += [
            rule,
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
            thin,
            f"MACs (multiply-accumulates): {_giga(self.total_macs)} ({self.total_macs:,}), "
            f"batch of {self.batch_size}",
            f"FLOPs (2 x MACs): {_giga(self.total_flops)} (convolutions and linear layers)",
            thin,
            f"Input size (MB): {self.input_bytes / 2**20:.2f}",
            f"Activations kept for backward (MB): {self.activation_bytes / 2**20:.2f}",
            f"Params size (MB): {self.param_mb:.2f}",
        ]
        if self.buffer_count:
            lines.append(
                f"Buffers (running statistics, not parameters): {self.buffer_count:,} values, "
                f"{self.buffer_bytes / 2**20:.2f} MB"
            )
        lines.append(f"Estimated total size (MB): {self.total_bytes / 2**20:.2f}")
        lines.append(rule)
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython / Jupyter
        p.text(str(self))


def _giga(n: int) -> str:
    """A count in G (1e9) or M (1e6) with two decimals: 19.63 G, 0.42 M."""
    return f"{n / 1e9:.2f} G" if n >= 1e8 else f"{n / 1e6:.2f} M"


def count_macs(module: Module, inputs: tuple, output: Any) -> int | None:
    """The multiply-accumulates of one call of `module` (the rules in the module docstring),
    or None for a layer whose work is not counted."""

    if isinstance(module, Conv2d) and isinstance(output, Tensor):
        kh, kw = module.kernel_size
        return output.numel() * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, Linear) and isinstance(output, Tensor):
        return output.numel() * module.in_features
    rule = getattr(module, "count_macs", None)
    if callable(rule):
        return int(rule(inputs, output))
    return None


def _shape_text(shape: Any) -> str:
    if shape is None:
        return "--"
    if isinstance(shape, tuple) and all(isinstance(n, (int, np.integer)) for n in shape):
        return "[" + ", ".join(str(int(n)) for n in shape) + "]"
    if isinstance(shape, (list, tuple)):
        return "(" + ", ".join(_shape_text(s) for s in shape) + ")"
    return str(shape)


def _arrays(out: Any) -> list[np.ndarray]:
    """The arrays of every Tensor in a (possibly nested) output."""
    if isinstance(out, Tensor):
        return [out.numpy()]
    if isinstance(out, (list, tuple)):
        return [a for o in out for a in _arrays(o)]
    if isinstance(out, dict):
        return [a for o in out.values() for a in _arrays(o)]
    return []


def _memory_root(arr: np.ndarray) -> np.ndarray:
    """The array that owns the memory a view looks at."""
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def _output_shape(out: Any) -> Any:
    if isinstance(out, Tensor):
        return tuple(out.shape)
    if isinstance(out, (list, tuple)):
        return [_output_shape(o) for o in out]
    if isinstance(out, dict):
        return {k: _output_shape(v) for k, v in out.items()}
    return type(out).__name__


def summary(
    model: Module,
    input_shape: Sequence[int] | Sequence[Sequence[int]] | None = None,
    *,
    batch_size: int = 1,
    dtype: Any = None,
    input_data: Any = None,
    depth: int | None = None,
    verbose: bool = True,
) -> ModelSummary:
    """Run `model` once on a random batch and tabulate every layer it called.

    `input_shape` is the shape of ONE example, without the batch axis, as in Keras and
    torchsummary: (3, 224, 224) for an RGB image (a list of shapes for several inputs).
    Or give `input_data` (a Tensor, or a tuple of them) to use as it is. `depth` limits how
    deep into nested modules the table goes (None: all). Prints the table unless
    `verbose=False`; returns a `ModelSummary` (`.rows`, `.total_params`,
    `.trainable_params`, `str()` is the table).

    >>> s = summary(Sequential(Linear(4, 3), ReLU()), (4,), verbose=False)  # doctest: +SKIP
    >>> s.total_params                                                      # doctest: +SKIP
    15
    """
    if not isinstance(model, Module):
        raise TypeError(f"nn.summary: expected an nn.Module, got {type(model).__name__}")
    inputs = _make_inputs(input_shape, input_data, batch_size, dtype)

    rows: list[SummaryRow] = []
    names = {id(m): name for name, m in model.named_modules()}
    counted: set[int] = set()
    # per module call in progress: its row (or None), and the bytes and MACs counted before it
    pending: dict[int, list[tuple[SummaryRow | None, int, int]]] = {}
    kept = {"bytes": 0, "seen": set(), "macs": 0}  # activation bytes, memory seen, MACs so far
    # keep every output alive until the end, so that no id() is reused by a new array
    outputs: list[Any] = []

    def before(module: Module, args: tuple) -> None:
        name = names.get(id(module), "?")
        level = 0 if not name else name.count(".") + 1
        folded = depth is not None and level == depth and bool(module._modules)
        # a row counts the parameters the module owns, or, at the depth limit, all inside it
        own = list(module.parameters(recurse=folded))
        if id(module) in counted:  # called again (shared): count its parameters once
            n_params, trainable = (0, 0) if own else (None, 0)
        else:
            counted.add(id(module))
            n_params = sum(p.numel() for p in own)
            trainable = sum(p.numel() for p in own if p.requires_grad)
            if not own and module._modules and not folded:
                n_params = None
        row = SummaryRow(name or "(model)", type(module).__name__, None, n_params, trainable)
        row.depth = max(level - 1, 0)
        # the model itself is a row only if it owns parameters directly
        if (name == "" and not own) or (depth is not None and level > depth):
            row = None
        else:
            rows.append(row)
        pending.setdefault(id(module), []).append((row, kept["bytes"], kept["macs"]))

    def after(module: Module, args: tuple, out: Any) -> None:
        row, start, macs_start = pending[id(module)].pop()
        is_leaf = not module._modules
        macs = count_macs(module, args, out) if is_leaf else None
        if macs is not None:
            kept["macs"] += macs
        if is_leaf:  # the innermost layers' outputs are what backward needs
            outputs.append(out)
            for arr in _arrays(out):
                root = _memory_root(arr)
                if id(root) not in kept["seen"]:
                    kept["seen"].add(id(root))
                    kept["bytes"] += root.nbytes
        if row is not None:
            row.output_shape = _output_shape(out)
            folded = depth is not None and row.depth + 1 >= depth
            if is_leaf or folded:
                row.activation_bytes = kept["bytes"] - start
            if is_leaf:
                row.macs = macs
            elif folded:
                row.macs = kept["macs"] - macs_start

    modes = {id(m): m.training for m in model.modules()}
    handles = []
    try:
        model.eval()
        if has_uninitialized_params(model):  # lazy layers take their shapes from a first pass
            with no_grad():
                model(*inputs)
        for m in model.modules():
            handles.append(m.register_forward_pre_hook(before))
            handles.append(m.register_forward_hook(after))
        with no_grad():
            out = model(*inputs)
    finally:
        for h in handles:
            h.remove()
        for m in model.modules():
            object.__setattr__(m, "training", modes[id(m)])

    params = list(model.parameters())
    buffers = [b for b in model.buffers() if b.dtype.kind == "f"]
    result = ModelSummary(
        model_name=type(model).__name__,
        input_shape=tuple(tuple(x.shape) for x in inputs)
        if len(inputs) > 1
        else tuple(inputs[0].shape),
        rows=rows,
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        param_bytes=sum(p.numpy().nbytes for p in params),
        buffer_count=sum(b.numel() for b in buffers),
        buffer_bytes=sum(b.numpy().nbytes for b in buffers),
        output_shape=_output_shape(out),
        input_bytes=sum(x.numpy().nbytes for x in inputs),
        activation_bytes=kept["bytes"],
        total_macs=kept["macs"],
        batch_size=inputs[0].shape[0] if inputs and inputs[0].ndim else 1,
    )
    if verbose:
        print(result)
    return result


def _make_inputs(input_shape: Any, input_data: Any, batch_size: int, dtype: Any) -> list:
    if input_data is not None:
        items = input_data if isinstance(input_data, (tuple, list)) else (input_data,)
        return [x if isinstance(x, Tensor) else Tensor(np.asarray(x)) for x in items]
    if input_shape is None:
        raise TypeError(
            "nn.summary: give input_shape, the shape of one example without the batch axis "
            "(e.g. (1, 32, 32) for a 32x32 grayscale image), or input_data"
        )
    shapes = input_shape if isinstance(input_shape[0], (tuple, list)) else [input_shape]
    dtype = as_dtype(dtype or np.float32)
    rng = np.random.default_rng(0)  # a local generator: the summary leaves mg's seed alone
    out = []
    for shape in shapes:
        if not all(isinstance(n, (int, np.integer)) and n > 0 for n in shape):
            raise ValueError(
                f"nn.summary: input_shape must be positive ints, got {tuple(shape)}; give the "
                "shape of one example without the batch axis, e.g. (3, 224, 224)"
            )
        arr = rng.standard_normal((batch_size, *shape)).astype(dtype)
        out.append(from_numpy(arr))
    return out


def compare_summaries(summaries: dict[str, ModelSummary]) -> str:
    """Several models side by side: input, parameters, MACs, FLOPs and activation memory.

    `summaries` maps a name to what `summary(..., verbose=False)` returned. The ratios in the
    last columns are to the first model.
    """
    if not summaries:
        raise ValueError("compare_summaries: give at least one {name: ModelSummary}")
    first = next(iter(summaries.values()))
    headers = (
        "Model", "Input", "Params", "MACs", "FLOPs", "Activations (MB)", "Params x", "MACs x",
    )  # fmt: skip
    body = []
    for name, s in summaries.items():
        body.append(
            (
                name,
                _shape_text(s.input_shape),
                f"{s.total_params:,}",
                _giga(s.total_macs),
                _giga(s.total_flops),
                f"{s.activation_bytes / 2**20:.1f}",
                f"{s.total_params / first.total_params:.2f}" if first.total_params else "--",
                f"{s.total_macs / first.total_macs:.2f}" if first.total_macs else "--",
            )
        )
    widths = [max([len(h)] + [len(row[i]) for row in body]) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    rule = "=" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [rule, fmt.format(*headers), rule, *(fmt.format(*row) for row in body), rule]
    lines += textwrap.wrap(
        "MACs: multiply-accumulates of the convolutions and linear layers in one forward pass "
        "of the batch (FLOPs = 2 x MACs). Activations: the layer outputs a training step keeps "
        "for backward. The last two columns are ratios to the first model.",
        width=max(len(rule), 60),
    )
    return "\n".join(lines)
