"""The diagnosis: each relation between a wrong answer and the right one, on its own.

Every test builds the wrong answer from the right one the way the slip does, and asserts
the relation's name; a last group checks that nothing is named when no relation holds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from property_strategies import budget

from minigrad.exercises import Wrong
from minigrad.exercises.convolution import (
    conv_data,
    conv_diagnosis,
    max_pool_backward,
    pool_diagnosis,
    pool_input,
)
from minigrad.exercises.diagnosis import relation
from minigrad.exercises.helpers import diagnose, explain

RNG = np.random.default_rng(0)
WANT = RNG.standard_normal((3, 4, 5, 5))  # no symmetry: no relation holds by accident


def named(got, want=WANT, **kw) -> str:
    text = relation(got, want, **kw)
    assert text is not None, "no relation named"
    return text


# --- off by a factor -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factor", "words"),
    [
        (-1.0, "the wrong sign"),
        (2.0, "twice the expected values"),
        (0.5, "a factor 2 is missing"),
        (-2.0, "a factor -1/2 is missing"),
        (-0.5, "a factor -1/2 too many"),
        (0.0, "all zeros"),
        (3.7, "3.7 times the expected values"),
    ],
)
def test_a_constant_factor_is_named(factor, words):
    assert words in named(factor * WANT)


@pytest.mark.parametrize("n", [3, 4, 5, 7, 64])
def test_the_batch_size_and_its_inverse_are_named(n):
    sizes = {"the batch size N": n}
    summed = named(WANT * n, sizes=sizes)
    assert f"{n} times too large" in summed and "a 1/N is missing" in summed
    assert "summed where the answer is a mean" in summed
    averaged = named(WANT / n, sizes=sizes)
    assert f"{n} times too small" in averaged and "a factor 1/N" in averaged
    assert "divided by N (a mean) where the answer is a sum" in averaged


def test_a_spatial_size_is_named_with_its_symbol_in_brackets():
    sizes = {"the batch size N": 3, "the number of pixels H*W": 49}
    text = named(WANT / 49, sizes=sizes)
    assert "a factor 1/(H*W)" in text and "the number of pixels H*W, 49" in text
    assert "a factor N" in named(WANT * 3, sizes=sizes)


def test_a_named_size_wins_over_the_plain_factor_it_equals():
    # with N = 2, halving is read as "divided by N": the check named the size on purpose
    assert "a factor 1/N" in named(WANT / 2, sizes={"the batch size N": 2})
    assert "a factor 2 is missing" in named(WANT / 2)


@pytest.mark.parametrize("n", [4, 5, 10])
def test_biased_and_unbiased_variance_are_named(n):
    assert "the unbiased variance" in named(WANT * n / (n - 1), variance_n=n)
    assert "you used the biased" in named(WANT * (n - 1) / n, variance_n=n)


@budget(30)
@given(
    st.sampled_from([-1.0, 2.0, 0.5, -2.0, -0.5]),
    st.integers(1, 4).flatmap(lambda d: st.tuples(*[st.integers(2, 4)] * d)),
    st.integers(0, 2**16),
)
def test_a_factor_is_found_on_any_shape(factor, shape, seed):
    want = np.random.default_rng(seed).standard_normal(shape) + 0.1
    text = relation(factor * want, want)
    assert text is not None
    expected = {-1.0: "wrong sign", 2.0: "twice", 0.5: "a factor 2 is missing"}
    assert expected.get(factor, "-1/2") in text


# --- where the numbers are -----------------------------------------------------------------


def test_a_transposed_matrix_is_named_whether_or_not_its_shape_changes():
    rect = RNG.standard_normal((3, 5))
    assert "transposed" in named(rect.T, rect) and "(5, 3)" in named(rect.T, rect)
    square = RNG.standard_normal((4, 4))
    assert "transposed" in named(square.T, square)


def test_swapped_axes_are_named_with_their_order():
    text = named(WANT.transpose(1, 0, 2, 3))
    assert "axes swapped" in text and "(1, 0, 2, 3)" in text
    square = RNG.standard_normal((2, 3, 4, 4))
    assert "(0, 1, 3, 2)" in named(square.transpose(0, 1, 3, 2), square)


def test_a_kernel_rotated_by_180_degrees_is_named():
    w = RNG.standard_normal((4, 3, 3, 3))
    assert "rotated by 180 degrees" in named(w[..., ::-1, ::-1], w)
    assert "rotated by 180 degrees" in named(w[0, 0, ::-1, ::-1], w[0, 0])


@pytest.mark.parametrize("p", [1, 2])
def test_padding_not_cropped_and_padding_forgotten_are_named(p):
    padded = np.pad(WANT, ((0, 0), (0, 0), (p, p), (p, p)))
    padded[..., :p, :] = RNG.standard_normal(padded[..., :p, :].shape)  # the border is junk
    text = named(padded)
    assert "padding was not cropped" in text and f"[..., {p}:-{p}, {p}:-{p}]" in text
    assert "padding was forgotten" in named(WANT[..., p:-p, p:-p])


def test_one_example_only_is_named_first_or_kth_and_times_n():
    per_example = RNG.standard_normal((3, 4, 3, 3, 3))
    want = per_example.sum(0)
    assert "the first example only" in named(per_example[0], want, per_example=per_example)
    assert "example 2 only" in named(per_example[2], want, per_example=per_example)
    assert "times N = 3" in named(3 * per_example[0], want, per_example=per_example)


# --- slips recomputed by the convolution toolbox -----------------------------------------------


def conv_case(stride=1, padding=0, dilation=1):
    x, w, b = conv_data(3)
    n, o = x.shape[0], w.shape[0]
    oh = (7 + 2 * padding - dilation * 2 - 1) // stride + 1
    dout = np.random.default_rng(4).standard_normal((n, o, oh, oh))
    return x, w, b, dout


def message(got, kw, what="dX"):
    return explain(got, what=what, **kw)


def test_dx_without_the_rotated_kernel_is_named_not_as_an_overlap():
    x, w, b, dout = conv_case()
    kw = conv_diagnosis("dX", x, w, b, dout, 1, 0)
    wrong = conv_diagnosis("dX", x, w[..., ::-1, ::-1].copy(), b, dout, 1, 0)["want"]
    text = message(wrong, kw)
    assert "rotated by 180 degrees" in text and "+=" not in text


def test_stride_ignored_is_named_in_the_forward_and_in_dx_and_dw():
    x, w, b, dout = conv_case(stride=2)
    big = conv_diagnosis("y", x, w, b, None, 1, 0)["want"]  # windows every pixel
    text = message(big[:, :, :3, :3], conv_diagnosis("y", x, w, b, None, 2, 0), "y")
    assert "the stride is ignored" in text
    full = np.zeros((3, 4, 5, 5))
    full[:, :, :3, :3] = dout
    for key in ("dX", "dW"):
        wrong = conv_diagnosis(key, x, w, b, full, 1, 0)["want"]
        assert "the stride is ignored" in message(wrong, conv_diagnosis(key, x, w, b, dout, 2, 0))


def test_dilation_ignored_is_named():
    x, w, b, _ = conv_case()
    y1 = conv_diagnosis("y", x, w, b, None, 1, 0)["want"]
    text = message(y1[:, :, :3, :3], conv_diagnosis("y", x, w, b, None, 1, 0, 2), "y")
    assert "the dilation is ignored" in text


def test_assigned_instead_of_accumulated_is_named_for_dx_and_dw():
    x, w, b, dout = conv_case()
    xp = x  # stride 1, no padding: loop over windows with `=`, the last window wins
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    for n, i, j in np.ndindex(3, 5, 5):
        dx[n, :, i : i + 3, j : j + 3] = np.einsum("o,ochw->chw", dout[n, :, i, j], w)
        dw[...] = np.einsum("o,chw->ochw", dout[n, :, i, j], xp[n, :, i : i + 3, j : j + 3])
    assert "(+=)" in message(dx, conv_diagnosis("dX", x, w, b, dout, 1, 0))
    assert "only the last one survives" in message(dw, conv_diagnosis("dW", x, w, b, dout, 1, 0))


def test_dw_over_n_and_dw_of_the_first_example_are_named():
    x, w, b, dout = conv_case(stride=2, padding=1)
    kw = conv_diagnosis("dW", x, w, b, dout, 2, 1)
    assert "a factor 1/N" in message(kw["want"] / 3, kw, "dW")
    first = conv_diagnosis("dW", x[:1], w, b, dout[:1], 2, 1)["want"]
    assert "the first example only" in message(first, kw, "dW")


def test_max_pool_stride_ignored_names_the_stride():
    x = pool_input()
    dout = np.random.default_rng(1).standard_normal((2, 3, 3, 3))
    kw = pool_diagnosis(x, dout, 3, 2)
    assert np.allclose(max_pool_backward(x, dout, 3, 2), kw["want"])  # the numpy reference
    every_kernel = max_pool_backward(x, dout, 3, 3)  # the 3 x 3 windows placed 3 pixels apart
    text = message(every_kernel, kw, "dx")
    assert "the stride is ignored" in text and "stride = 2" in text


# --- nothing is named when nothing holds ------------------------------------------------------


def test_unrelated_answers_get_the_largest_difference():
    other = WANT.copy()
    other[1, 2, 3, 4] += 1.0
    assert relation(other, WANT, sizes={"the batch size N": 3}) is None
    with pytest.raises(Wrong, match=r"largest difference 1 at index \(1, 2, 3, 4\)"):
        diagnose(other, WANT, "dX")


def test_a_right_answer_passes_and_a_known_mistake_comes_before_any_relation():
    diagnose(WANT + 1e-9, WANT, "dX")
    with pytest.raises(Wrong, match="dX: the bias is missing"):
        diagnose(2 * WANT, WANT, "dX", [(2 * WANT, "the bias is missing")])


def test_nan_in_an_answer_is_reported_as_the_largest_difference():
    bad = WANT.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(Wrong, match=r"at index \(0, 0, 0, 0\) \(yours nan"):
        diagnose(bad, WANT, "dX")


def test_a_scalar_is_only_named_for_a_known_factor():
    assert "twice" in named(np.array(4.0), np.array(2.0))
    assert relation(np.array(3.7), np.array(1.2)) is None  # any two numbers have a ratio


def test_the_batch_norm_check_computes_the_long_way_right_before_its_slips():
    from minigrad.exercises.l08_batchnorm_backward.checks import case, staged

    (x, gamma, dout), (dx, _, _) = case()
    assert np.allclose(staged(x, gamma, dout), dx, atol=1e-10)
    for slip in (dict(ddof=1), dict(var_n=False), dict(mean_n=False), dict(half=False)):
        assert not np.allclose(staged(x, gamma, dout, **slip), dx, atol=1e-3), slip
