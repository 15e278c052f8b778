"""Names used outside the engine are public ones: `mg.from_numpy` makes a constant tensor
from an array, `grad_fn` is the node that made a tensor, `x.min(dim)` returns a neutral
(values, indices) pair; private engine names stay inside the tensor engine."""

from __future__ import annotations

import ast

import numpy as np

import minigrad as mg

# The tensor engine layer (docs/architecture.md) builds tensors from arrays itself.
ENGINE = ("tensor.py", "factory.py", "inplace.py", "autograd.py", "ops/")


def _uses_outside_engine(source, attribute: str) -> list[str]:
    found = []
    for rel, path in source.modules():
        if rel.startswith(ENGINE):
            continue
        for node in source.nodes(path):
            if isinstance(node, ast.Attribute) and node.attr == attribute:
                found.append(f"{rel}:{node.lineno}")
    return found


def test_no_module_above_the_engine_calls_the_private_constructor(package_source):
    assert _uses_outside_engine(package_source, "_constant") == []


def test_no_module_above_the_engine_reads_the_private_function_slot(package_source):
    assert _uses_outside_engine(package_source, "_fn") == []


def test_from_numpy_makes_a_constant_sharing_memory_and_dtype():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = mg.from_numpy(a)
    assert t.dtype == np.float64 and not t.requires_grad and t.grad_fn is None
    a[0, 0] = 7.0
    assert t.numpy()[0, 0] == 7.0


def test_min_with_dim_returns_values_and_indices_not_a_max_result():
    x = mg.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, 0.5]])
    result = x.min(1)
    assert type(result).__name__ == "ValuesIndices"
    assert type(x.max(1)) is type(result)
    np.testing.assert_array_equal(result.values.numpy(), [1.0, 0.5])
    np.testing.assert_array_equal(result.indices.numpy(), [1, 0])
    values, indices = mg.min(x, dim=0)
    np.testing.assert_array_equal(values.numpy(), [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(indices.numpy(), [1, 0, 1])


def test_one_meaning_of_pair_in_the_package(package_source):
    """`as_pair` (shapes.py) turns an int or (h, w) into a pair; no module keeps a private
    `_pair` helper of its own for it (Tensor._pair pairs two operands, another thing)."""
    defined = []
    for rel, path in package_source.modules():
        for node in package_source.nodes(path):
            if isinstance(node, ast.FunctionDef) and node.name == "_pair":
                defined.append(rel)
    assert defined == ["tensor.py"]
    assert mg.nn.Conv2d(1, 2, 3).kernel_size == (3, 3)
