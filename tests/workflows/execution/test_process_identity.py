"""A run's driver is the process holding its lock, not whatever now has the PID in driver.pid.

The reused PID is real: a `sleep 60` this test starts, whose PID is written into
``driver.pid`` as a killed driver would have left it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from naspe.workflows.execution.hpc_config import load_execution_config
from naspe.workflows.execution.probe_jobs import add
from naspe.workflows.execution.processes import ProcessId, stop_leftovers, wait_while_running
from naspe.workflows.execution.run_lock import hold_lock, lock_holder
from naspe.workflows.execution.runs import create_run

NASPE = str(Path(sys.executable).parent / "naspe")

HOLDER = """
import sys, time
from naspe.workflows.execution.run_lock import hold_lock
with hold_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


def naspe(*args, cwd):
    return subprocess.run([NASPE, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def unrelated():
    """A live process that is not naspe's (its PID is the 'reused' one); killed at the end."""
    proc = subprocess.Popen(["sleep", "60"])
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture
def run(tmp_path):
    return create_run(add(1, 2), load_execution_config(None), tmp_path / "naspe-data", "reused")


@pytest.mark.parametrize("record", ["bare pid", "pid and start time"])
def test_a_reused_pid_in_driver_pid_is_stale_and_never_signalled(tmp_path, run, unrelated, record):
    if record == "bare pid":  # what naspe before the lock wrote, and a killed driver left behind
        (run / "driver.pid").write_text(f"{unrelated.pid}\n")
    else:  # the driver's own record: same PID, but the process that had it started at another time
        me = ProcessId.of(unrelated.pid)
        (run / "driver.pid").write_text(json.dumps(me.as_dict() | {"start": me.start - 100}))
    p = naspe("status", "reused", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert f"driver not running (stale driver.pid: pid {unrelated.pid} is another process)" in p.stdout
    info = json.loads(naspe("status", "reused", "--json", cwd=tmp_path).stdout)
    assert info["driver_pid"] is None and info["driver"]["state"] == "stale"

    p = naspe("cancel", "reused", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == (
        f"reused: driver not running (stale driver.pid: pid {unrelated.pid} is another process); nothing signalled"
    )
    time.sleep(0.2)
    assert unrelated.poll() is None, "cancel signalled an unrelated process"


def test_an_exited_driver_is_reported_as_exited(tmp_path, run):
    gone = subprocess.Popen(["true"])
    gone.wait()
    (run / "driver.pid").write_text(json.dumps(ProcessId(gone.pid, 1, None, None).as_dict()))
    p = naspe("status", "reused", cwd=tmp_path)
    assert f"(stale driver.pid: pid {gone.pid} has exited)" in p.stdout, p.stdout


def test_cancel_signals_the_process_holding_the_lock(tmp_path, run, unrelated):
    (run / "driver.pid").write_text(f"{unrelated.pid}\n")  # the pid file lies; the lock tells the truth
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(run)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert lock_holder(run)["pid"] == holder.pid
        info = json.loads(naspe("status", "reused", "--json", cwd=tmp_path).stdout)
        assert info["driver_pid"] == holder.pid and info["driver"]["state"] == "running"
        p = naspe("cancel", "reused", "--timeout", "20", cwd=tmp_path)
        assert p.returncode == 0 and "reused: stopped; resume with" in p.stdout, p.stderr
        assert holder.wait(timeout=10) == -signal.SIGTERM
        assert unrelated.poll() is None
        assert lock_holder(run) is None  # the kernel dropped the lock with its holder
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()


def test_a_second_holder_of_a_run_directory_is_refused_and_the_lock_is_reentrant(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        from naspe.workflows.execution.run_lock import RunLocked

        with pytest.raises(RunLocked, match=f"in use by another naspe process \\(pid {holder.pid}"):
            with hold_lock(tmp_path, wait_seconds=0.2):
                pass
    finally:
        holder.kill()
        holder.wait()
    with hold_lock(tmp_path), hold_lock(tmp_path):  # the same process may take it again
        assert lock_holder(tmp_path)["pid"] == ProcessId.current().pid
    assert lock_holder(tmp_path) is None


def test_a_worker_marker_or_an_orphan_record_with_a_reused_pid_is_not_that_process(tmp_path, unrelated):
    me = ProcessId.of(unrelated.pid)
    assert me.running() and not ProcessId(me.pid, me.start + 1, me.boot, me.host).running()
    reused = me.as_dict() | {"start": me.start - 100}
    marker = tmp_path / "naspe-running.json"
    marker.write_text(json.dumps(reused))
    t0 = time.monotonic()
    wait_while_running([("job", marker)], timeout_seconds=30)  # the job's worker is gone: no wait
    assert time.monotonic() - t0 < 2.0
    stop_leftovers([ProcessId.from_dict(reused)], [ProcessId.from_dict(reused)])  # a dead driver's records
    time.sleep(0.2)
    assert unrelated.poll() is None, "a reused PID was taken for a leftover block or interchange"
