"""Processes the driver looks after: is a process alive, and stopping what a dead driver left behind.

A driver that was killed leaves its Parsl interchanges (one per job kind) and,
on the local scheduler, its worker pools running; nothing will talk to them
again. A job may still be running in such a worker: its ``naspe-running.json``
marker names the process, and the next driver waits for it rather than running
the job twice.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["pid_alive", "is_interchange", "python_bin_on_path", "stop_leftovers", "wait_while_running"]

logger = logging.getLogger(__name__)


def pid_alive(pid: int) -> bool:
    """True when process ``pid`` runs (exists and is not an exited, unreaped zombie)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # an exited, unreaped process is not running the job
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (OSError, IndexError):
        return True


def is_interchange(pid: int) -> bool:
    """True when process ``pid`` is a Parsl interchange."""
    try:
        return b"interchange" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def python_bin_on_path() -> None:
    """Put this Python's ``bin`` directory first on ``PATH`` (Parsl starts its interchange and workers by name)."""
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


def stop_leftovers(block_pids: Iterable[int], interchange_pids: Iterable[int]) -> None:
    """SIGTERM the local worker pools (their process groups) and the interchanges of a dead driver."""
    for pid in block_pids:
        try:
            group = os.getpgid(pid)
            if group != os.getpgrp():  # Parsl starts each local block in a process group of its own
                os.killpg(group, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    for pid in interchange_pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass


def wait_while_running(markers: Iterable[tuple[str, Path]], timeout_seconds: float = 3600.0) -> None:
    """Wait while a job of ``markers`` (its name and its running marker) still runs on this host.

    A marker of another host (its block decides) or of a dead process ends the
    wait for that job: it is run again.
    """
    host = socket.gethostname()
    end = time.monotonic() + timeout_seconds
    for name, marker in markers:
        while marker.exists() and time.monotonic() < end:
            try:
                info = json.loads(marker.read_text())
            except (OSError, ValueError):
                break
            if info.get("host") != host or not pid_alive(int(info.get("pid", 0))):
                break
            if int(info.get("pid", 0)) == os.getpid():
                break  # left by this process (an in-process job that was interrupted): not running any more
            logger.info("waiting for %s, still running in orphaned worker %s", name, info["pid"])
            time.sleep(0.5)
