"""The processes of a run: who they are (more than a PID), the lock of the running driver, stopping them.

A PID alone names a process only while it lives: once it has exited the kernel
hands the number to the next process. Every process naspe records (a driver, a
Parsl interchange, a local worker block, the worker running a job) is therefore
recorded as a :class:`ProcessId`: PID, start time (clock ticks since boot,
``/proc/<pid>/stat`` field 22), boot id and host; :meth:`ProcessId.running` is
true only for that very process.

The lock a driver holds on its run directory is in
:mod:`naspe.workflows.execution.run_lock`.

A driver that was killed leaves its Parsl interchanges and, on the local
scheduler, its worker blocks (process groups) running; :func:`stop_leftovers`
stops those that are still the processes recorded. A job may still be running
in such a worker: its ``naspe-running.json`` marker names the process, and the
next driver waits for it (:func:`wait_while_running`) rather than running the
job twice.

:func:`stop_signals` turns SIGINT and SIGTERM into a stop request for as long as
a driver runs, so that Ctrl-C and ``naspe cancel`` stop it cleanly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "ProcessId",
    "pid_alive",
    "is_interchange",
    "python_bin_on_path",
    "signal_process",
    "stop_groups",
    "stop_leftovers",
    "stop_marked",
    "stop_signals",
    "wait_while_running",
]

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
        return _stat_fields(pid)[0] != "Z"
    except (OSError, IndexError):
        return True


def _stat_fields(pid: int) -> list[str]:
    """Fields 3... of ``/proc/<pid>/stat`` (after the command name, which may hold spaces and parentheses)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def _start_ticks(pid: int) -> int | None:
    """Start time of process ``pid`` in clock ticks since boot (stat field 22), or None when it does not exist."""
    try:
        return int(_stat_fields(pid)[19])
    except (OSError, IndexError, ValueError):
        return None


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


@dataclass(frozen=True)
class ProcessId:
    """A process as naspe records it: PID, start time (clock ticks since boot), boot id and host."""

    pid: int
    start: int | None = None
    boot: str | None = None
    host: str | None = None

    @classmethod
    def of(cls, pid: int) -> ProcessId:
        """The live process ``pid`` of this host (start None when there is none)."""
        return cls(int(pid), _start_ticks(int(pid)), _boot_id(), socket.gethostname())

    @classmethod
    def current(cls) -> ProcessId:
        """The calling process."""
        return cls.of(os.getpid())

    @classmethod
    def from_dict(cls, data: dict | int | str) -> ProcessId:
        """From :meth:`as_dict`, or a bare PID (a record of an older naspe: its identity is unknown)."""
        if isinstance(data, dict):
            return cls(int(data.get("pid", 0)), data.get("start"), data.get("boot"), data.get("host"))
        return cls(int(data))

    def as_dict(self) -> dict:
        """JSON-ready record."""
        return asdict(self)

    @property
    def known(self) -> bool:
        """True when the record holds a start time (not a bare PID)."""
        return self.start is not None

    def running(self) -> bool:
        """True when this very process is alive: its PID lives and has the recorded start time and boot."""
        if self.host is not None and self.host != socket.gethostname():
            return False
        if not pid_alive(self.pid):
            return False
        if self.boot is not None and self.boot != _boot_id():
            return False
        return self.start is None or _start_ticks(self.pid) == self.start

    def why_not_running(self) -> str:
        """One phrase: why :meth:`running` is false (``has exited``, ``is another process``, ...)."""
        if self.host is not None and self.host != socket.gethostname():
            return f"was on host {self.host}"
        if not pid_alive(self.pid):
            return "has exited"
        return "is another process"


# ------------------------------------------------------------------ signals
def signal_process(process: ProcessId, signum: int) -> bool:
    """Send ``signum`` to ``process`` only if it is still that process; True when it was sent.

    Through a pidfd where the kernel has them (Linux >= 5.3): the check and the
    signal then concern one process even if the PID were reused in between.
    """
    if not process.running():
        return False
    try:
        if hasattr(os, "pidfd_open"):
            fd = os.pidfd_open(process.pid)
            try:
                if not process.running():  # checked again now that the pidfd pins the process
                    return False
                signal.pidfd_send_signal(fd, signum)
            finally:
                os.close(fd)
        else:  # pragma: no cover - kernels before 5.3
            os.kill(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


class _StopSignals:
    """SIGINT/SIGTERM recorded as a stop request and passed on to the callbacks registered."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.callbacks: list[Callable[[int], None]] = []

    def __call__(self, signum: int, _frame=None) -> None:
        if self.signum is None:
            self.signum = signum
        for callback in list(self.callbacks):
            callback(signum)

    @contextlib.contextmanager
    def on_stop(self, callback: Callable[[int], None]) -> Iterator[None]:
        """Call ``callback(signum)`` on a stop signal while the block runs (at once if one came already)."""
        self.callbacks.append(callback)
        if self.signum is not None:
            callback(self.signum)
        try:
            yield
        finally:
            self.callbacks.remove(callback)


_active: list[_StopSignals] = []


@contextlib.contextmanager
def stop_signals(enabled: bool = True) -> Iterator[_StopSignals | None]:
    """SIGINT and SIGTERM become a stop request while the block runs (nested: the outermost one's).

    Yields the recorder (``.signum``: the first stop signal, ``.on_stop(callback)``),
    or None when ``enabled`` is false or this is not the main thread (Python
    delivers signals there only): Ctrl-C then raises KeyboardInterrupt as usual.
    """
    if _active:
        yield _active[-1]
        return
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield None
        return
    recorder = _StopSignals()
    previous = {s: signal.signal(s, recorder) for s in (signal.SIGINT, signal.SIGTERM)}
    _active.append(recorder)
    try:
        yield recorder
    finally:
        _active.remove(recorder)
        for s, handler in previous.items():
            signal.signal(s, handler)


# ------------------------------------------------------------------ stopping processes
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


def _group_members(pgid: int) -> list[int]:
    """Live processes of process group ``pgid`` (zombies left out)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = _stat_fields(int(entry.name))
            except (OSError, IndexError):
                continue
            if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def stop_groups(pgids: Iterable[int], grace_seconds: float = 3.0) -> None:
    """SIGTERM process groups ``pgids``, then SIGKILL what is left of them after ``grace_seconds`` (s)."""
    groups = [g for g in set(pgids) if g > 1 and g != os.getpgrp()]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for group in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)
        end = time.monotonic() + grace_seconds
        while time.monotonic() < end and any(_group_members(g) for g in groups):
            time.sleep(0.1)
        groups = [g for g in groups if _group_members(g)]
        if not groups:
            return
    logger.warning("process groups %s did not stop", groups)


def _marked(entry: bytes) -> list[int]:
    """Live processes (not this one) whose environment holds the ``NAME=value`` ``entry``."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                if entry in (proc / "environ").read_bytes().split(b"\0") and pid_alive(int(proc.name)):
                    found.append(int(proc.name))
            except OSError:  # gone, or another user's
                continue
    return found


def stop_marked(name: str, value: str, grace_seconds: float = 3.0) -> list[int]:
    """SIGTERM, then SIGKILL after ``grace_seconds`` (s), the processes whose environment has ``name=value``.

    What finds the processes a job started in sessions of their own (MPI
    launchers put their proxies and ranks there), out of reach of its block's
    process group; returns the PIDs that were signalled.
    """
    entry = f"{name}={value}".encode()
    signalled = []
    for sig in (signal.SIGTERM, signal.SIGKILL):
        procs = [ProcessId.of(pid) for pid in _marked(entry)]
        for proc in procs:
            if signal_process(proc, sig):
                signalled.append(proc.pid)
        end = time.monotonic() + grace_seconds
        while procs and time.monotonic() < end and any(p.running() for p in procs):
            time.sleep(0.1)
        if not _marked(entry):
            break
    return sorted(set(signalled))


def stop_leftovers(blocks: Iterable[ProcessId], interchanges: Iterable[ProcessId]) -> None:
    """Stop the local worker blocks (their process groups) and the interchanges of a dead driver.

    Only processes that are still the ones recorded are touched: a PID reused by
    another process since is left alone (a bare PID of an older record only when
    it is still an interchange, for interchanges).
    """
    groups = []
    for block in blocks:
        if block.known and block.running():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                groups.append(os.getpgid(block.pid))  # Parsl starts each local block in a process group of its own
    for proc in interchanges:
        if proc.running() and (proc.known or is_interchange(proc.pid)):
            signal_process(proc, signal.SIGTERM)
    stop_groups(groups)


def wait_while_running(
    markers: Iterable[tuple[str, Path]], timeout_seconds: float = 3600.0, stop: Callable[[], bool] | None = None
) -> None:
    """Wait while a job of ``markers`` (its name and its running marker) still runs on this host.

    A marker of another host (its block decides), of a dead process or of a PID
    now used by another process ends the wait for that job: it is run again.
    ``stop()`` true ends every wait (the driver was asked to stop).
    """
    host = socket.gethostname()
    end = time.monotonic() + timeout_seconds
    for name, marker in markers:
        while marker.exists() and time.monotonic() < end and not (stop and stop()):
            try:
                info = json.loads(marker.read_text())
            except (OSError, ValueError):
                break
            worker = ProcessId.from_dict(info)
            if info.get("host") != host or not worker.running():
                break
            if worker.pid == os.getpid():
                break  # left by this process (an in-process job that was interrupted): not running any more
            logger.info("waiting for %s, still running in orphaned worker %s", name, worker.pid)
            time.sleep(0.5)
