"""The lock of a run directory: held by the process running its flow, for that process's whole life.

The driver of a run directory holds an exclusive ``flock`` on
``<dir>/driver.lock`` (:func:`hold_lock`); the lock is the truth about whether
the directory's flow is being run: the kernel drops it when its holder dies,
however it dies, and a process that merely reuses a PID holds nothing. The
lock file names its holder (a :class:`~naspe.workflows.execution.processes.ProcessId`
record); :func:`lock_holder` tells who holds it, without taking it for longer
than a probe.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from naspe.workflows.execution.processes import ProcessId

__all__ = ["LOCK_FILE", "RunLocked", "hold_lock", "lock_holder"]

LOCK_FILE = "driver.lock"  # held (flock) by the process running the flow of its directory


class RunLocked(RuntimeError):
    """Another live process holds the lock of a run directory; ``holder`` says who (may be empty)."""

    def __init__(self, directory: Path, holder: dict) -> None:
        self.directory, self.holder = directory, holder
        pid = holder.get("pid")
        since = f", since {holder['since'][:19].replace('T', ' ')}" if holder.get("since") else ""
        who = f"pid {pid}{since}" if pid else "another process"
        super().__init__(f"{directory} is in use by another naspe process ({who})")

    @property
    def pid(self) -> int | None:
        """The PID of the holder, when it said."""
        return self.holder.get("pid")


_held: dict[Path, list] = {}  # lock file -> [file descriptor, depth] for the locks this process holds
_held_guard = threading.Lock()


@contextlib.contextmanager
def hold_lock(directory: str | Path, wait_seconds: float = 2.0, **info) -> Iterator[Path]:
    """Hold the exclusive lock ``<directory>/driver.lock`` while the block runs (reentrant in a process).

    The lock file names its holder (this process's :class:`ProcessId`, ``since``
    and the ``info`` given) for :func:`lock_holder`. The kernel releases the lock
    when this process exits, however it exits.

    Parameters
    ----------
    directory
        The run directory (created).
    wait_seconds
        How long (s) to keep trying while another process holds it (a probe of
        :func:`lock_holder` holds it for microseconds).
    **info
        More fields of the holder's record (JSON values).

    Raises
    ------
    RunLocked
        Another process holds the lock.
    """
    path = Path(directory).resolve() / LOCK_FILE
    with _held_guard:
        entry = _held.get(path)
        if entry is not None:
            entry[1] += 1
    if entry is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        end = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN) or time.monotonic() > end:
                    os.close(fd)
                    if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                        raise RunLocked(path.parent, _read_holder(path)) from None
                    raise
                time.sleep(0.05)
        holder = ProcessId.current().as_dict() | {"since": datetime.now().isoformat(), "argv": sys.argv[:8], **info}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        with _held_guard:
            _held[path] = entry = [fd, 1]
    try:
        yield path
    finally:
        with _held_guard:
            entry[1] -= 1
            last = entry[1] == 0
            if last:
                del _held[path]
        if last:
            os.close(entry[0])  # closing the only descriptor releases the lock


def _read_holder(path: Path) -> dict:
    for _ in range(10):  # a new holder writes its name right after taking the lock
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            time.sleep(0.02)
    return {}


def lock_holder(directory: str | Path) -> dict | None:
    """Who holds ``<directory>/driver.lock`` (its record, possibly empty), or None when nobody does."""
    path = Path(directory).resolve() / LOCK_FILE
    with _held_guard:
        if path in _held:
            return _read_holder(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # free: nobody runs it (released at once below)
    except OSError as err:
        if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise
        return _read_holder(path)
    finally:
        os.close(fd)
    return None
