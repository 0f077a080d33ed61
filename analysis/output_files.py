"""Files written beside their target and renamed into place: never half-written, never through a link.

naspe writes every file this way: results, run state, reports, figures, structures.

- **Whole or not at all.** :func:`write_replacing` writes a temporary file in the same
  directory, flushes it to the disk (``fsync``) and renames it over the path, then flushes the
  directory, so the rename itself survives a crash. A kill, a crash or a full disk leaves the
  previous file whole; readers (a query, a resumed run) see one complete version.
- **Never through a link.** A user's output directory may hold a symbolic link where naspe is
  about to write (planted, or left by another tool). Opening the path would follow the link
  and overwrite its target; the rename replaces the link itself, its target is untouched.
- **The failing file is named.** A full disk or an exceeded quota raises ``OSError`` with the
  target's path as its filename (the bare write error names only the temporary file, or
  nothing).
- The file gets the permissions of any new file (``0666`` less the umask), not ``mkstemp``'s
  ``0600``, so a report or a campaign's results can be shared with the user's group.

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

__all__ = ["write_replacing", "write_text_replacing", "fsync_directory"]


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

    Raises
    ------
    OSError
        The write, flush or rename failed (a full disk, a quota, a read-only file system); its
        ``filename`` is ``path``. The temporary file is removed and ``path`` is as it was.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide a report from the user's group
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)  # the content is on the disk before the name points at it
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as err:  # a full disk or quota: name the file, which the bare write error does not
        tmp.unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(path)) from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)
    return path


def fsync_directory(directory: str | Path) -> None:
    """Flush ``directory``'s entries to the disk: a rename or a new file in it survives a crash."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's file-creation mask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_replacing(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through :func:`write_replacing`."""
    return write_replacing(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
