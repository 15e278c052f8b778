r"""`mg.save(obj, path)` and `mg.load(path)`: checkpoints as plain `.npz` files.

A checkpoint is data, never code: arrays go into a numpy `.npz` archive (a zip of `.npy`
files) and `load` reads it with `allow_pickle=False`, so opening a file from a stranger
cannot run anything. Nested dicts are stored under dotted keys, so the archive reads
like a state_dict even with plain numpy:

    mg.save({"model": model.state_dict(), "epoch": 3}, "ckpt.npz")
    np.load("ckpt.npz").files   ->  ['model.conv1.weight', ..., '__minigrad__']

The `__minigrad__` entry is a small JSON text that records the original structure (nested
dicts and lists, int keys, Tensors vs arrays, Python numbers and strings) and the name of
the entry holding each array, so `mg.load` gives back what was saved, whatever the keys:
any string round-trips. In entry names, characters outside letters, digits and `._- `
are escaped (%2F for "/", so that unzipping a checkpoint never writes outside its folder),
and a name already taken (the key "a.b" and the nested keys "a", "b") gets a suffix "~1".

Saving is atomic: the archive is written to a temporary file in the same folder and then
renamed over the target (`os.replace`, one step on every OS). If anything fails midway
(disk full, Ctrl-C), the previous checkpoint is untouched and the temporary file removed.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import numpy as np

from .factory import from_numpy
from .fileio import atomic_write
from .tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

MANIFEST = "__minigrad__"
FORMAT = "minigrad-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A file that `mg.load` cannot read as a checkpoint (corrupted, truncated, foreign)."""


# --------------------------------------------------------------------------------------------
# Encoding: a tree of containers and leaves -> flat arrays + a JSON description


def _encode(obj: Any, path: list[str], arrays: dict[str, np.ndarray]) -> Any:
    """The JSON description of `obj`; its arrays are added to `arrays` under dotted keys."""
    if isinstance(obj, Tensor):
        return {"tensor": _store(obj.numpy(), path, arrays)}
    if isinstance(obj, np.ndarray):
        return {"array": _store(obj, path, arrays)}
    if isinstance(obj, np.generic):
        return {"scalar": _store(np.asarray(obj), path, arrays)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"value": obj}
    if isinstance(obj, Mapping):
        items = []
        for key, value in obj.items():
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise TypeError(
                    f"mg.save: dict keys must be strings or ints, got {key!r} "
                    f"({type(key).__name__}) at {_where(path)}"
                )
            items.append([key, _encode(value, path + [str(key)], arrays)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, path + [str(i)], arrays) for i, v in enumerate(obj)]}
    hint = ""
    if hasattr(obj, "state_dict"):
        hint = " Save its state instead: mg.save(model.state_dict(), path)."
    raise TypeError(
        f"mg.save: cannot store a {type(obj).__name__} at {_where(path)}; a checkpoint holds "
        f"Tensors, arrays, numbers, strings, None, and dicts/lists of them.{hint}"
    )


def _where(path: list[str]) -> str:
    return f"key '{'.'.join(path)}'" if path else "the top level"


def _store(arr: np.ndarray, path: list[str], arrays: dict[str, np.ndarray]) -> str:
    if arr.dtype.kind not in "biufcUS":
        raise TypeError(
            f"mg.save: the array at {_where(path)} has dtype {arr.dtype}; only numeric, bool "
            "and string arrays can be stored (object arrays would need pickle)"
        )
    name = ".".join(_escape(part) for part in path) if path else "value"
    unique, n = name, 0
    while unique in arrays or unique == MANIFEST:
        n += 1
        unique = f"{name}~{n}"
    arrays[unique] = arr
    return unique


def _escape(key: str) -> str:
    """A key as (part of) an entry name: letters, digits, `._- ` kept, the rest %-escaped."""
    return quote(key, safe="._- ") if not (key.isalnum() and key.isascii()) else key


def _decode(node: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    ((kind, body),) = node.items()
    if kind == "value":
        return body
    if kind == "tensor":
        return from_numpy(arrays[body])
    if kind == "array":
        return arrays[body]
    if kind == "scalar":
        return arrays[body][()]
    if kind == "dict":
        return {key: _decode(value, arrays) for key, value in body}
    if kind == "list":
        return [_decode(v, arrays) for v in body]
    if kind == "tuple":
        return tuple(_decode(v, arrays) for v in body)
    raise KeyError(f"unknown entry kind {kind!r}")


# --------------------------------------------------------------------------------------------
# Save


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write `obj` (a state_dict, or a dict/list of Tensors, arrays, numbers and strings,
    nested as you like) to `path` as an `.npz` archive, atomically.

    The file is written exactly at `path` (no extension is added); `.npz` is the convention.
    """
    path = os.fspath(path)
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(obj, [], arrays)  # fails before any file is touched
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree})
    arrays[MANIFEST] = np.array(manifest)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"mg.save: the folder {folder!r} does not exist; create it first "
            "(os.makedirs(folder, exist_ok=True))"
        )
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"mg.save: {path!r} is a folder; give a file name such as "
            f"{os.path.join(path, 'checkpoint.npz')!r}"
        )
    with atomic_write(path) as f, zipfile.ZipFile(f, "w", allowZip64=True) as archive:
        for name, arr in arrays.items():  # what np.savez does, without keyword arguments:
            # a key such as "file" or "allow_pickle" is an entry like any other
            with archive.open(name + ".npy", "w", force_zip64=True) as entry:
                np.lib.format.write_array(entry, np.asanyarray(arr), allow_pickle=False)


# --------------------------------------------------------------------------------------------
# Load


def load(path: str | os.PathLike) -> Any:
    """Read a checkpoint written by `mg.save` (or any `.npz` of plain arrays) without
    unpickling anything. Returns what was saved; a plain `.npz` gives a dict of arrays."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"mg.load: no file at {path!r}; check the path")
    if os.path.isdir(path):
        raise IsADirectoryError(f"mg.load: {path!r} is a folder, not a checkpoint file")
    with open(path, "rb") as f:
        magic = f.read(6)
    if not (magic.startswith(b"PK") or magic.startswith(b"\x93NUMPY")):  # zip, or one .npy
        raise CheckpointError(
            f"mg.load: {path!r} is not a checkpoint: an .npz file starts like a zip archive "
            f"('PK'), this one starts with {magic!r}. Was it written by mg.save?"
        )
    try:
        archive = np.load(path, allow_pickle=False)
        if isinstance(archive, np.ndarray):  # a single .npy array
            return archive
        with archive:
            # Read every entry now: a damaged archive fails here, with the path in the error.
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, KeyError) as e:
        raise CheckpointError(
            f"mg.load: {path!r} is not a readable checkpoint: it is truncated, corrupted or "
            f"not an .npz file ({type(e).__name__}: {e}). Save it again, or restore a copy"
        ) from e
    if MANIFEST not in arrays:
        return arrays  # a plain .npz (np.savez): its arrays by name
    try:
        info = json.loads(str(arrays.pop(MANIFEST)))
        if info.get("format") != FORMAT:
            raise ValueError(f"format is {info.get('format')!r}")
        if info.get("version", 0) > VERSION:
            raise ValueError(
                f"it was written by a newer minigrad (format version {info['version']}, "
                f"this one reads up to {VERSION}); upgrade minigrad"
            )
        return _decode(info["tree"], arrays)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise CheckpointError(
            f"mg.load: {path!r} has a damaged description of its contents ({e}); save it again"
        ) from e
