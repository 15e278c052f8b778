"""Containers: modules that hold other modules in order (`Sequential`, `ModuleList`) or by
name (`ModuleDict`), so that the parent finds their parameters (a plain Python list would
hide them from `parameters()` and `state_dict()`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


class Sequential(Module):
    """Layers applied one after the other: `Sequential(a, b, c)(x) == c(b(a(x)))`.

    Children are named "0", "1", ... (or by the keys of an OrderedDict), so state_dict keys
    read "0.weight", as in PyTorch.
    """

    def __init__(self, *layers: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], Mapping):
            for name, layer in layers[0].items():
                self._add(name, layer)
        else:
            for i, layer in enumerate(layers):
                self._add(str(i), layer)

    def _add(self, name: str, layer: Any) -> None:
        if not isinstance(layer, Module):
            raise TypeError(
                f"Sequential: item '{name}' is a {type(layer).__name__}, not a Module; pass "
                "layers such as nn.Linear(...) or nn.ReLU() (functions need a Module wrapper)"
            )
        self.add_module(name, layer)

    def forward(self, x: Any) -> Any:
        for layer in self._modules.values():
            x = layer(x)
        return x

    def __getitem__(self, index: int | slice) -> Module:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[_position(index, len(items), "Sequential")][1]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, layer: Module) -> Sequential:
        self._add(str(len(self)), layer)
        return self


def _position(index: int, n: int, where: str) -> int:
    if not -n <= index < n:
        raise IndexError(f"{where}: index {index} is out of range for {n} layers")
    return index % n


class ModuleList(Module):
    """A list of modules whose parameters the parent finds (a plain list would hide them)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(items[index])
        return items[_position(index, len(items), "ModuleList")]

    def __setitem__(self, index: int, module: Module) -> None:
        i = _position(index, len(self), "ModuleList")
        self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> ModuleList:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList.append: expected a Module, got {type(module).__name__}")
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        items = list(self._modules.values())
        items.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(items):
            self.add_module(str(i), m)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(
            "ModuleList has no forward(): it only holds layers. Loop over it in your "
            "model's forward (for layer in self.layers: x = layer(x)), or use nn.Sequential"
        )


class ModuleDict(Module):
    """A dict of modules whose parameters the parent finds."""

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        for name, module in (modules or {}).items():
            self[name] = module

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()
