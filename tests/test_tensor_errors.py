"""Mistakes a learner will make with tensors, and the messages that explain them.

Each message must name the op, show the shapes (or values) received and say what was
expected, so that the traceback alone is enough to fix the code.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg


def _message(exc_type, fn):
    with pytest.raises(exc_type) as err:
        fn()
    return str(err.value)


def _has_all(message, *parts):
    missing = [p for p in parts if p not in message]
    assert not missing, f"{missing} not in: {message}"


def test_matmul_with_mismatched_inner_dims():
    m = _message(ValueError, lambda: mg.randn(2, 3) @ mg.randn(4, 5))
    _has_all(m, "matmul", "(2, 3)", "(4, 5)", "(3)", "(4)", "must equal")


def test_matmul_with_a_vector_of_the_wrong_length():
    m = _message(ValueError, lambda: mg.randn(2, 3) @ mg.randn(4))
    _has_all(m, "matmul", "(2, 3)", "(4,)", "only dim")


def test_matmul_with_batch_dims_that_do_not_broadcast():
    m = _message(ValueError, lambda: mg.randn(2, 3, 4) @ mg.randn(5, 4, 2))
    _has_all(m, "matmul", "(2, 3, 4)", "(5, 4, 2)", "batch dims", "(2,)", "(5,)")


def test_matmul_with_a_scalar():
    m = _message(ValueError, lambda: mg.tensor(2.0) @ mg.randn(3))
    _has_all(m, "matmul", "at least 1 dimension", "use *")


@pytest.mark.parametrize(
    "op, fn",
    [
        ("add", lambda a, b: a + b),
        ("sub", lambda a, b: a - b),
        ("mul", lambda a, b: a * b),
        ("div", lambda a, b: a / b),
        ("pow", lambda a, b: a**b),
        ("maximum", lambda a, b: mg.maximum(a, b)),
        ("minimum", lambda a, b: mg.minimum(a, b)),
        ("where", lambda a, b: mg.where(a.numpy() > 0, a, b)),
    ],
)
def test_elementwise_ops_with_shapes_that_do_not_broadcast(op, fn):
    m = _message(ValueError, lambda: fn(mg.randn(2, 3), mg.randn(4)))
    _has_all(m, f"{op}:", "(2, 3)", "(4,)", "broadcast", "equal or one of them 1")


def test_an_ndarray_of_the_wrong_shape_is_reported_like_a_tensor():
    m = _message(ValueError, lambda: np.ones((2, 2)) + mg.randn(3))
    _has_all(m, "add", "(2, 2)", "(3,)")


def test_combining_a_tensor_with_something_that_is_not_a_number():
    m = _message(TypeError, lambda: mg.randn(2) * "abc")
    _has_all(m, "mul", "str", "'abc'", "expected a Tensor, a number")


def test_backward_on_a_non_scalar_without_grad():
    y = mg.randn(3, 2, requires_grad=True) * 2.0
    m = _message(RuntimeError, y.backward)
    _has_all(m, "backward", "(3, 2)", "single number", "y.sum()", "grad=")


def test_backward_with_a_grad_of_the_wrong_shape():
    y = mg.randn(3, requires_grad=True) * 2.0
    m = _message(ValueError, lambda: y.backward(mg.ones(2)))
    _has_all(m, "backward", "(2,)", "(3,)", "must be equal")


def test_backward_on_a_tensor_that_does_not_require_grad():
    m = _message(RuntimeError, lambda: (mg.randn(3) * 2.0).sum().backward())
    _has_all(m, "backward", "does not require grad", "requires_grad=True", "no_grad")


def test_mg_grad_on_an_output_or_input_without_requires_grad():
    x = mg.randn(2, requires_grad=True)
    _has_all(_message(RuntimeError, lambda: mg.grad(mg.randn(1).sum(), [x])), "mg.grad", "output")
    m = _message(RuntimeError, lambda: mg.grad((x * 2).sum(), [mg.randn(2)]))
    _has_all(m, "mg.grad", "input", "does not require grad")
    m = _message(RuntimeError, lambda: mg.grad(x * 2, [x]))
    _has_all(m, "mg.grad", "(2,)", "grad_outputs")


def test_reshape_to_a_different_number_of_elements():
    m = _message(ValueError, lambda: mg.randn(2, 3).reshape(4, 2))
    _has_all(m, "reshape", "(2, 3)", "6 elements", "(4, 2)", "must stay the same")


@pytest.mark.parametrize(
    "op, fn",
    [
        ("sum", lambda x: x.sum(2)),
        ("mean", lambda x: x.mean(dim=(0, 5))),
        ("var", lambda x: x.var(-3)),
        ("amax", lambda x: x.amax(2)),
        ("max", lambda x: x.max(2)),
        ("min", lambda x: x.min(axis=-4)),
        ("logsumexp", lambda x: x.logsumexp(3)),
        ("softmax", lambda x: x.softmax(2)),
        ("log_softmax", lambda x: x.log_softmax(-3)),
        ("transpose", lambda x: x.transpose(0, 2)),
        ("squeeze", lambda x: x.squeeze(2)),
        ("flatten", lambda x: x.flatten(2)),
        ("cat", lambda x: mg.cat([x, x], dim=2)),
        ("split", lambda x: x.split(1, dim=2)),
        ("argmax", lambda x: x.argmax(2)),
    ],
)
def test_a_dim_out_of_range(op, fn):
    m = _message(IndexError, lambda: fn(mg.randn(2, 3)))
    _has_all(m, f"{op}:", "out of range", "2 dimensions", "valid: -2 to 1")


def test_unsqueeze_out_of_range_says_where_the_new_axis_may_go():
    m = _message(IndexError, lambda: mg.randn(2, 3).unsqueeze(4))
    _has_all(m, "unsqueeze", "dim 4", "2 dimensions", "-3 to 2")


def test_max_with_several_dims_points_to_amax():
    m = _message(TypeError, lambda: mg.randn(2, 3).max(dim=(0, 1)))
    _has_all(m, "max", "one int", "(0, 1)", "amax")


def test_dim_and_axis_together():
    _has_all(_message(TypeError, lambda: mg.randn(2).sum(dim=0, axis=0)), "sum", "dim or axis")


def test_permute_with_dims_that_are_not_a_reordering():
    m = _message(ValueError, lambda: mg.randn(2, 3).permute(0, 0))
    _has_all(m, "permute", "(0, 0)", "(2, 3)", "reordering")


@pytest.mark.parametrize("name", ["expand", "broadcast_to"])
def test_expand_to_a_shape_that_does_not_fit(name):
    m = _message(ValueError, lambda: getattr(mg.randn(2, 3), name)(3, 3))
    _has_all(m, f"{name}:", "(2, 3)", "(3, 3)", "be 1")


def test_indexing_out_of_bounds():
    m = _message(IndexError, lambda: mg.randn(2, 3)[:, [0, 7]])
    _has_all(m, "getitem", "7", "axis 1", "size 3", "(2, 3)")


def test_cat_and_stack_with_mismatched_shapes():
    m = _message(ValueError, lambda: mg.cat([mg.randn(2, 3), mg.randn(3, 3)], dim=1))
    _has_all(m, "cat", "(2, 3)", "(3, 3)", "every dim except 1")
    m = _message(ValueError, lambda: mg.stack([mg.randn(2, 3), mg.randn(3, 3)]))
    _has_all(m, "stack", "(2, 3)", "(3, 3)", "same shape")
    _has_all(_message(ValueError, lambda: mg.cat([])), "cat", "non-empty")


def test_split_chunk_and_pad_with_bad_sizes():
    x = mg.randn(2, 3)
    _has_all(_message(ValueError, lambda: x.split([1, 1], dim=1)), "split", "[1, 1]", "3")
    _has_all(_message(ValueError, lambda: x.split(0)), "split", "split_size", ">= 1")
    _has_all(_message(ValueError, lambda: x.chunk(0)), "chunk", "chunks", ">= 1")
    _has_all(_message(ValueError, lambda: x.pad((1,))), "pad", "pairs", "(1,)")
    _has_all(_message(ValueError, lambda: x.pad((1, -4))), "pad", "remove more than the 3")


def test_item_and_truth_value_of_a_tensor_with_many_elements():
    _has_all(_message(ValueError, lambda: mg.randn(2, 3).item()), "item", "(2, 3)")
    _has_all(_message(ValueError, lambda: bool(mg.randn(2))), "ambiguous", "(2,)", ".any()")


def test_max_of_an_empty_tensor():
    _has_all(_message(ValueError, lambda: mg.zeros(0).max()), "empty", "(0,)")
    _has_all(_message(ValueError, lambda: mg.zeros(2, 0).max(1)), "max", "empty")


def test_bad_data_dtype_and_shape_arguments():
    _has_all(_message(TypeError, lambda: mg.tensor("abc")), "mg.tensor", "numbers")
    _has_all(_message(TypeError, lambda: mg.tensor([1.0], dtype="floot")), "floot", "mg.float32")
    _has_all(_message(ValueError, lambda: mg.zeros(2, -1)), "negative", "(2, -1)")


def test_requires_grad_false_on_a_non_leaf():
    y = mg.randn(2, requires_grad=True) * 2
    _has_all(_message(RuntimeError, lambda: y.requires_grad_(False)), "leaves", ".detach()")


def test_a_backward_returning_a_gradient_of_the_wrong_shape_names_the_op():
    class BadShape(mg.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, grad):
            return grad.sum(0)  # (3, 2) -> (2,): not x's shape (3, 2) ... nor a broadcast of it

    x = mg.randn(3, 2, requires_grad=True)
    m = _message(RuntimeError, lambda: BadShape.apply(x).sum().backward())
    _has_all(m, "BadShape.backward returned", "(2,)", "(3, 2)")
