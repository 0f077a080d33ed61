"""The driver's companion: when the driver dies without its clean-up (``kill -9``), it stops its Parsl processes.

A driver stopped by a signal it can catch (Ctrl-C, SIGTERM) shuts Parsl down itself; ``kill -9``
or an out-of-memory kill gives it no chance, and its interchanges and local worker blocks would
run on until the next run of the same directory stops them. The watchdog, started by the driver
in a session of its own, polls the driver once a second; when the driver is gone it reads the
run's ``flow-state.json`` and, if that state was written by the driver it watched (not by a new
driver that resumed the run meanwhile), stops the processes recorded there with
:func:`~naspe.workflows.execution.processes.stop_leftovers`, which signals only processes that
are still the ones recorded (a reused PID is left alone). A driver that ends normally stops its
watchdog first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from naspe.workflows.execution.processes import ProcessId, stop_leftovers
from naspe.workflows.execution.state import StateError, leftover_processes, read_state

__all__ = ["start_watchdog", "watch"]


def start_watchdog(run_dir: Path) -> subprocess.Popen:
    """Start the watchdog of this process (the driver) for ``run_dir``; the caller terminates it at the end."""
    me = json.dumps(ProcessId.current().as_dict())
    return subprocess.Popen(
        [sys.executable, "-m", "naspe.workflows.execution.driver_watchdog", str(run_dir), me],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C to the driver's group is the driver's to handle, not the watchdog's
    )


def watch(run_dir: Path, driver: ProcessId, poll_seconds: float = 1.0) -> bool:
    """Wait until ``driver`` is gone, then stop the Parsl processes its state records; True when it stopped any."""
    while driver.running():
        time.sleep(poll_seconds)
    try:
        saved = read_state(run_dir)
    except StateError:
        return False
    if saved is None or ProcessId.from_dict(saved.get("driver") or {}) != driver:
        return False  # another driver has resumed the run: its processes are not ours to stop
    blocks, interchanges = leftover_processes(saved)
    stop_leftovers(blocks, interchanges)
    return bool(blocks or interchanges)


if __name__ == "__main__":
    watch(Path(sys.argv[1]), ProcessId.from_dict(json.loads(sys.argv[2])))
