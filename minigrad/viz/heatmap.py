"""Small heatmaps of tensors as PNG images, for the HTML explorer (no matplotlib needed).

A tensor becomes one picture: a 2-d tensor is one image, a 4-d tensor (A, B, H, W) a grid
of A x B tiles (for conv1's weight, (6, 1, 5, 5): six 5x5 filters), a 3-d tensor a row of
tiles, a 1-d tensor a strip. Colours are diverging and symmetric around zero: blue for
negative, white for zero, red for positive, scaled by the largest |value|, so the sign of
every element can be read. Not-finite elements (nan, inf) are black.

Large tensors are shrunk by averaging blocks, so a picture never exceeds MAX_SIDE pixels
a side; the browser enlarges small ones without smoothing (each element stays a square).
The PNG writer is the format's minimum: a 256-colour palette and one zlib stream.
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass

import numpy as np

MAX_SIDE = 160  # pixels: the largest picture, either side
MAX_TILES = (8, 16)  # rows x columns of tiles shown for a 4-d tensor (the first ones)
LEVELS = 253  # colours from blue to red; palette index LEVELS // 2 is white (zero)
NONFINITE, GAP = LEVELS, LEVELS + 1  # black for nan / inf, light grey between tiles


def _palette() -> bytes:
    """LEVELS colours from blue (-1) through white (0) to red (+1), then black and grey."""
    blue, white, red = np.array([33, 102, 172]), np.array([247, 247, 247]), np.array([178, 24, 43])
    t = np.linspace(-1.0, 1.0, LEVELS)[:, None]
    rgb = np.where(t < 0, white + (blue - white) * -t, white + (red - white) * t)
    rgb = np.vstack([np.round(rgb), [[0, 0, 0], [208, 208, 208]]]).astype(np.uint8)
    return rgb.tobytes()


PALETTE = _palette()


@dataclass
class Heatmap:
    """One picture of a tensor: PNG bytes, the scale (|value| shown as full colour), and how
    the tensor was laid out (e.g. '6 x 1 tiles of 5x5')."""

    png: bytes
    scale: float
    layout: str
    width: int
    height: int

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def png_indexed(pixels: np.ndarray, palette: bytes = PALETTE) -> bytes:
    """A PNG file (8-bit palette colour) from a 2-d array of palette indices (uint8)."""
    if pixels.ndim != 2 or pixels.dtype != np.uint8 or 0 in pixels.shape:
        raise ValueError(f"png_indexed: expected a non-empty 2-d uint8 array, got {pixels.shape}")
    if len(palette) % 3 or not 3 <= len(palette) <= 768:
        raise ValueError(f"png_indexed: a palette is 1-256 RGB triples, got {len(palette)} bytes")
    h, w = pixels.shape
    rows = np.zeros((h, w + 1), np.uint8)  # each row starts with its filter type, 0 (none)
    rows[:, 1:] = pixels

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)  # 8 bits, palette, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", palette)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def heatmap(a: np.ndarray) -> Heatmap | None:
    """The picture of a tensor's values (see the module doc), or None for a single number."""
    a = np.asarray(a)
    if a.size <= 1 or a.dtype.kind not in "fiub":
        return None
    grid, gap, layout = _tile(a.astype(np.float64))
    grid, gap = _shrink(grid, gap), _shrink(gap.astype(np.float64), None) == 1.0
    finite = np.isfinite(grid) & ~gap
    scale = float(np.abs(grid[finite]).max()) if finite.any() else 0.0
    norm = np.where(finite, grid, 0.0) / (scale or 1.0)
    index = np.round((norm + 1.0) * (LEVELS - 1) / 2).astype(np.uint8)
    index[~np.isfinite(grid)] = NONFINITE
    index[gap] = GAP
    h, w = index.shape
    return Heatmap(png_indexed(index), scale, layout, w, h)


def _tile(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """Lay a tensor out as one 2-d array, with a mask of the gaps between tiles, and say how."""
    shape = "x".join(str(s) for s in a.shape)
    if a.ndim == 1:
        width = min(a.size, 32)
        rows = -(-a.size // width)
        flat = np.zeros(rows * width)
        flat[: a.size] = a
        gap = np.arange(rows * width) >= a.size
        layout = f"{a.size} values, {width} a row"
        return flat.reshape(rows, width), gap.reshape(rows, width), layout
    if a.ndim == 2:
        return a, np.zeros(a.shape, bool), f"one {shape} image"
    if a.ndim == 3:  # (C, H, W): one row of C tiles
        a = a[None]
    elif a.ndim > 4:  # (..., C, H, W): the leading axes flattened into rows
        a = a.reshape((-1,) + a.shape[-3:])
    if a.shape[1] == 1:  # (6, 1, 5, 5), conv1's filters: one row of tiles reads better
        a = a.reshape((1, -1) + a.shape[-2:])
    rows, cols = min(a.shape[0], MAX_TILES[0]), min(a.shape[1], MAX_TILES[1])
    th, tw = a.shape[2], a.shape[3]
    grid = np.zeros((rows * (th + 1) - 1, cols * (tw + 1) - 1))
    gap = np.ones(grid.shape, bool)
    for i in range(rows):
        for j in range(cols):
            y, x = i * (th + 1), j * (tw + 1)
            grid[y : y + th, x : x + tw] = a[i, j]
            gap[y : y + th, x : x + tw] = False
    shown = "" if (rows, cols) == a.shape[:2] else f" (the first {rows} x {cols})"
    return grid, gap, f"{rows} x {cols} tiles of {th}x{tw}{shown}, tensor {shape}"


def _shrink(grid: np.ndarray, gap: np.ndarray | None) -> np.ndarray:
    """Average blocks so that neither side exceeds MAX_SIDE. With `gap`, gap cells are left
    out of each average (a block of gaps only is 0); a non-finite value makes its block nan."""
    h, w = grid.shape
    fy, fx = -(-h // MAX_SIDE), -(-w // MAX_SIDE)
    if fy == 1 and fx == 1:
        return grid
    ph, pw = -(-h // fy) * fy, -(-w // fx) * fx
    weight = np.zeros((ph, pw))
    weight[:h, :w] = 1.0 if gap is None else ~gap
    padded = np.zeros((ph, pw))
    padded[:h, :w] = grid
    if gap is None:  # shrinking the gap mask itself: padding counts as gap
        padded[h:, :] = padded[:, w:] = 1.0
        weight[:] = 1.0
    shape = (ph // fy, fy, pw // fx, fx)
    total = (padded * weight).reshape(shape).sum(axis=(1, 3))
    count = weight.reshape(shape).sum(axis=(1, 3))
    return total / np.maximum(count, 1.0)
