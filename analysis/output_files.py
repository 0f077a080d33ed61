"""Output files written beside their target and renamed into place, never through a link.

A user's output directory may hold a symbolic link where naspe is about to write (planted, or
left by another tool). Opening the path would follow the link and overwrite its target, which
may be anything the user can write. :func:`write_replacing` writes a temporary file in the
same directory and renames it over the path: the rename replaces the link itself, its target
is untouched, and a failure (a full disk, a crash) leaves the previous file whole.

Examples
--------
>>> from pathlib import Path
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = write_replacing(d / "note.txt", lambda tmp: tmp.write_text("sigma in S/cm"))
>>> (d / "note.txt").read_text()
'sigma in S/cm'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_replacing", "write_text_replacing"]


def write_replacing(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Let ``write`` fill a temporary sibling of ``path`` (same suffix), then rename it to ``path``.

    Parameters
    ----------
    path
        The file to create or replace. A symbolic link there is replaced, never followed.
    write
        Called with the temporary path; writes the whole content there (``savefig``,
        ``ase.io.write``, ``Path.write_text``). Its suffix is ``path``'s, for writers that
        choose the format from it.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide a report from the user's group
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process's file-creation mask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_replacing(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through :func:`write_replacing`."""
    return write_replacing(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
