"""Output directories checked before any work: :func:`check_output_dir`.

Files themselves are written by :func:`naspe.analysis.output_files.write_replacing` (temporary
file beside the target, fsync, rename: never half-written, never through a link).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["check_output_dir", "NAME_MAX"]

#: longest file or directory name (bytes) of the usual Linux file systems (ext4, xfs, tmpfs)
NAME_MAX = 255


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
