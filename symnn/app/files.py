"""Writing files so that nothing is ever half-written: a temporary file in the same folder, then a rename.

A rename needs only the folder's permission, so it could replace a file its owner made
read-only; symnn refuses that instead, and a file it does replace keeps its permissions.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from symnn.errors import DocumentError


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename, so no reader sees half a file."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename (PDFs, PNGs, text).

    An existing file is replaced only when it is writable (DocumentError otherwise), and keeps its mode.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _replaceable_mode(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)  # mkstemp makes 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_replaceable(path: Path) -> None:
    """Raise DocumentError now if ``path`` exists and is read-only (before writing a set of files, so none is half-done)."""
    _replaceable_mode(Path(path))


def _replaceable_mode(path: Path) -> int:
    """The mode the new file gets: the existing file's, or the usual 0666 less the umask for a new one.

    An existing file that is read-only (for this user, or for everyone, as ``chmod 444`` makes it,
    which root could otherwise overwrite) is refused.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return 0o666 & ~_umask()
    if stat.S_ISREG(info.st_mode) and (not os.access(path, os.W_OK) or not info.st_mode & 0o222):
        raise DocumentError(f"{path} is read-only, so symnn will not replace it; make it writable "
                            f"(chmod u+w) or write somewhere else")
    return stat.S_IMODE(info.st_mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
