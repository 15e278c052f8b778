"""Writing files so that they appear complete or not at all.

Every file minigrad writes (checkpoints, pictures, downloads, exercise progress) goes
through `atomic_write`: the bytes go to a temporary file in the same folder, which is
flushed to disk and then renamed over the target in one step (`os.replace`). If anything
fails midway, even Ctrl-C, the temporary file is removed and the previous file, if any,
is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file to write; on success it replaces `path`, on failure it vanishes.

    The new file keeps an existing file's permissions; a new file gets the usual
    0o666 minus the umask (a bare temporary file would be private, 0o600).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except BaseException:  # includes KeyboardInterrupt: never leave a half-written file
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
