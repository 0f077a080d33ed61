"""Files that are never half-written: write to a temporary file beside the target, fsync, rename.

A kill during :func:`atomic_write_text` leaves either the old file or the new one, never a
truncated mix; readers (a query, a resumed run) see one complete version.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text", "check_output_dir", "NAME_MAX"]

#: longest file or directory name (bytes) of the usual Linux file systems (ext4, xfs, tmpfs)
NAME_MAX = 255


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (same directory temporary file, fsync, ``os.replace``)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as err:  # a full disk or quota: name the file, which the bare write error does not
        Path(tmp).unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(path)) from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)
    return path


def _probe_writable(existing: Path, path: Path, option: str) -> None:
    """Create and remove a directory in ``existing``, or raise ValueError naming the cause.

    The one test that holds for root, /proc and read-only mounts (``os.access`` says yes to
    root on all of them).
    """
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".naspe-probe-", dir=existing))
    except OSError as err:
        raise ValueError(f"{option} {path}: cannot create anything in {existing} ({err.strerror})") from None


def check_output_dir(path: str | Path, option: str = "--out") -> Path:
    """The absolute output directory ``path``, or ValueError saying why it cannot be one; creates nothing.

    Checked before any work, so a bad ``--out`` costs nothing and leaves nothing behind: an
    existing file of that name, a name longer than the file system allows, a parent that is not
    a writable directory.
    """
    path = Path(path).expanduser().absolute()
    for part in path.parts:  # before any stat: a too long name makes os.stat itself fail
        if len(os.fsencode(part)) > NAME_MAX:
            raise ValueError(
                f"{option}: the name {part[:40]}... has {len(part)} characters; at most {NAME_MAX} allowed"
            )
    try:
        if path.exists() and not path.is_dir():
            raise ValueError(f"{option} {path}: exists and is not a directory; give a directory")
        existing = path
        while not existing.exists():
            existing = existing.parent
        if not existing.is_dir():
            raise ValueError(f"{option} {path}: {existing} is not a directory")
        _probe_writable(existing, path, option)
    except OSError as err:
        raise ValueError(f"{option} {path}: {err.strerror}") from None
    return path
