"""What every command shares."""

from __future__ import annotations

import argparse
from pathlib import Path


def out_dir(path: str) -> Path:
    """Create (if needed) and return an output folder, with a clear error if it is a file."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise SystemExit(f"minigrad: --out {path} exists and is not a folder")
    p.mkdir(parents=True, exist_ok=True)
    return p


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    return _positive(int, "integer", text)


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0."""
    return _positive(float, "number", text)


def _positive(convert: type, what: str, text: str) -> int | float:
    try:
        value = convert(text)
    except ValueError:
        value = 0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive {what}, got {text!r}")
    return value
