"""What every command shares."""

from __future__ import annotations

from pathlib import Path


def out_dir(path: str) -> Path:
    """Create (if needed) and return an output folder, with a clear error if it is a file."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise SystemExit(f"minigrad: --out {path} exists and is not a folder")
    p.mkdir(parents=True, exist_ok=True)
    return p
