r"""Devices: minigrad computes with numpy, on the CPU only.

PyTorch code names a device everywhere (`x.to(device)`, `torch.zeros(3, device=device)`,
`torch.cuda.is_available()`), so that the same program runs on a GPU when there is one.
minigrad accepts all of it for the CPU, so that such a program runs unchanged:

    device = mg.device("cuda" if mg.cuda.is_available() else "cpu")   # -> device(type='cpu')
    x = mg.zeros(3, device=device); model.to(device)                  # nothing to move

Naming a GPU is allowed, as in PyTorch (`mg.device("cuda:0")` is only a name); putting a
tensor or a layer there raises one line that says minigrad runs on the CPU only.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

__all__ = [
    "device",
    "get_default_device",
    "set_default_device",
    "check_cpu",
    "cuda",
    "accelerator",
    "backends",
]

# The device types PyTorch's parser knows: any of them is a valid *name* here too.
_KNOWN = (
    "cpu cuda ipu xpu mkldnn opengl opencl ideep hip ve fpga maia xla lazy vulkan mps meta "
    "hpu mtia privateuseone"
).split()

CPU_ONLY = "minigrad runs on the CPU only (numpy): use device='cpu'"


class device:
    """A device name, PyTorch's `torch.device`: `device('cpu')`, `device('cuda', 0)`.

    >>> device("cpu")
    device(type='cpu')
    >>> str(device("cuda:1")), device("cuda:1").index
    ('cuda:1', 1)
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError(f"device({type}): {CPU_ONLY} (an integer names a GPU)")
        if not isinstance(type, str):
            raise TypeError(f"device: expected a name such as 'cpu', got {type!r}")
        name, _, number = type.partition(":")
        if name not in _KNOWN:
            raise RuntimeError(
                f"device: unknown device type {name!r} in {type!r}; expected one of "
                f"{', '.join(_KNOWN)} (minigrad itself uses 'cpu')"
            )
        if number:
            if index is not None or not number.isdigit():
                raise RuntimeError(f"device: invalid device string {type!r}")
            index = int(number)
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"device: the index must be an int >= 0, got {index!r}")
        object.__setattr__(self, "type", name)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("device objects cannot be changed")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        extra = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{extra})"

    def __reduce__(self):  # copy/pickle as the name
        return (device, (self.type, self.index))


CPU = device("cpu")


def check_cpu(where: Any, op: str) -> device:
    """The device `where` names (None means the CPU), or one line saying only the CPU works."""
    if where is None:
        return CPU
    dev = where if isinstance(where, device) else device(where)
    if dev.type != "cpu":
        raise RuntimeError(f"{op}: cannot use device '{dev}': {CPU_ONLY}")
    return CPU


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU."""
    return CPU


def set_default_device(where: Any) -> None:
    """Accepted for the CPU (PyTorch programs call it to pick a device); anything else raises."""
    check_cpu(where, "set_default_device")


class _NoDevices:
    """What a machine without that kind of accelerator answers (`mg.cuda`, `mg.backends.mps`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def is_available(self) -> bool:
        return False

    def device_count(self) -> int:
        return 0

    def manual_seed(self, seed: int) -> None:
        """Ignored, as PyTorch ignores it when the device is absent."""

    manual_seed_all = manual_seed

    def current_device(self) -> int:
        raise RuntimeError(f"{self.name}.current_device: {CPU_ONLY}")

    synchronize = current_device

    def __repr__(self) -> str:
        return f"<{self.name}: not available ({CPU_ONLY})>"


class _Accelerator:
    """`mg.accelerator`: PyTorch's device-neutral questions, answered for a CPU-only library."""

    def is_available(self) -> bool:
        return False

    def current_accelerator(self, check_available: bool = False) -> None:
        return None

    def device_count(self) -> int:
        return 0


cuda = _NoDevices("cuda")
accelerator = _Accelerator()
backends = SimpleNamespace(mps=_NoDevices("backends.mps"), cuda=_NoDevices("backends.cuda"))


def is_device(value: Any) -> bool:
    """True for a device or a string naming one ('cpu', 'cuda:0'), False for dtype names."""
    if isinstance(value, device):
        return True
    return isinstance(value, str) and value.partition(":")[0] in _KNOWN
