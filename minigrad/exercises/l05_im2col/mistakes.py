"""Realistic wrong answers to im2col, each with the words its diagnostic must contain."""

from ..exercise import mistake
from .checks import assigns_instead_of_adding as assigned
from .solution import col2im, im2col


def geometry(shape, kh, kw, s, p):
    n, c, h, w = shape
    return n, c, h, w, (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1


@mistake("im2col", hint="channel first")
def taps_before_channels(x, kh, kw, stride=1, padding=0):
    n, c, _, _, oh, ow = geometry(x.shape, kh, kw, stride, padding)
    cols = im2col(x, kh, kw, stride, padding).reshape(n, c, kh, kw, oh * ow)
    return cols.transpose(0, 2, 3, 1, 4).reshape(n, c * kh * kw, oh * ow)


@mistake("im2col", hint="axes swapped")
def windows_as_rows(x, kh, kw, stride=1, padding=0):
    return im2col(x, kh, kw, stride, padding).transpose(0, 2, 1)


@mistake("im2col", hint="the stride is ignored")
def windows_every_pixel(x, kh, kw, stride=1, padding=0):
    n, c, _, _, oh, ow = geometry(x.shape, kh, kw, stride, padding)
    _, _, _, _, oh1, ow1 = geometry(x.shape, kh, kw, 1, padding)
    every = im2col(x, kh, kw, 1, padding).reshape(n, c * kh * kw, oh1, ow1)
    return every[:, :, :oh, :ow].reshape(n, c * kh * kw, oh * ow)


@mistake("im2col", hint="pad x with 1 zero")
def padding_forgotten(x, kh, kw, stride=1, padding=0):
    return im2col(x, kh, kw, stride, 0)


@mistake("im2col", hint="numbered down the columns")
def windows_column_major(x, kh, kw, stride=1, padding=0):
    n, c, _, _, oh, ow = geometry(x.shape, kh, kw, stride, padding)
    cols = im2col(x, kh, kw, stride, padding).reshape(n, c * kh * kw, oh, ow)
    return cols.transpose(0, 1, 3, 2).reshape(n, c * kh * kw, oh * ow)


@mistake("col2im", hint="ADD (+=)")
def assigns_instead_of_adding(cols, x_shape, kh, kw, stride=1, padding=0):
    return assigned(cols, x_shape, kh, kw, stride, padding)  # the check's own wrong answer


@mistake("col2im", hint="padding was not cropped")
def padding_left_on(cols, x_shape, kh, kw, stride=1, padding=0):
    n, c, h, w = x_shape
    return col2im(cols, (n, c, h + 2 * padding, w + 2 * padding), kh, kw, stride, 0)


@mistake("col2im", hint="crop the padding on every side")
def cropped_at_one_corner(cols, x_shape, kh, kw, stride=1, padding=0):
    n, c, h, w = x_shape
    padded = col2im(cols, (n, c, h + 2 * padding, w + 2 * padding), kh, kw, stride, 0)
    return padded[:, :, :h, :w]
