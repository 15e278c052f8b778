"""minigrad/shapes.py, the argument checks under the engine: ints are ints (never bools or
floats), sizes are >= 0, and the quick path for plain ints agrees with the general one."""

from __future__ import annotations

import numpy as np
import pytest

from minigrad.shapes import as_shape, is_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, True), (-1, True), (np.int64(3), True), (np.uint8(0), True), (True, False),
     (np.bool_(False), False), (2.0, False), (np.float32(1), False), ("3", False), (None, False)],
)  # fmt: skip
def test_is_int_accepts_python_and_numpy_integers_only(value, expected):
    assert is_int(value) is expected


def test_as_shape_gives_plain_ints_and_names_what_is_wrong():
    assert as_shape((2, 3), "zeros") == (2, 3)
    assert as_shape(((2, 3),), "zeros") == (2, 3)
    assert as_shape(([0, 4],), "zeros") == (0, 4)
    out = as_shape((np.int64(2), 3), "zeros")
    assert out == (2, 3) and all(type(n) is int for n in out)
    assert as_shape((2, -1), "reshape", infer=True) == (2, -1)
    with pytest.raises(TypeError, match=r"zeros: size must be ints, got True \(bool\)"):
        as_shape((2, True), "zeros")
    with pytest.raises(TypeError, match=r"got 2\.0 \(float\)"):
        as_shape((2.0, 3), "zeros")
    with pytest.raises(ValueError, match=r"zeros: size -1 in \(2, -1\) is negative"):
        as_shape((2, -1), "zeros")
    with pytest.raises(ValueError, match="only one size can be -1"):
        as_shape((-1, -1), "reshape", infer=True)
