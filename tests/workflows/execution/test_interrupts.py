"""Ctrl-C and SIGTERM stop `naspe submit` within seconds, in one line, with nothing left behind, resumable.

A real job (a 10 s `sleep`) runs on a real Parsl worker block of this machine when the
signal goes to the whole process group of the command, as a terminal's Ctrl-C does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jobflow import Flow

from naspe.workflows.execution.probe_jobs import add, sleep
from naspe.workflows.execution.processes import ProcessId

NASPE = str(Path(sys.executable).parent / "naspe")
STOP_SECONDS = 15.0  # longest time (s) from the signal to the command's exit


def _processes_of_run(run: Path, group: int) -> list[ProcessId]:
    """Every live process of the command's group, of the run's interchanges, and of its worker blocks' groups."""
    state = json.loads((run / "flow-state.json").read_text())
    procs = [ProcessId.from_dict(p) for p in state["processes"]["interchanges"] + state["processes"]["blocks"]]
    groups = {group}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(run).encode() in cmdline:  # the worker pools name their log directory in the run
            groups.add(os.getpgid(int(entry.name)))
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) in groups:
                procs.append(ProcessId.of(int(entry.name)))
    return [p for p in procs if p.running()]


def _submit(cwd: Path, name: str, **streams) -> subprocess.Popen:
    """``naspe submit --flow flow.json --name NAME`` in a process group of its own (a terminal's foreground job)."""
    return subprocess.Popen(
        [NASPE, "submit", "--flow", "flow.json", "--name", name],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
        **streams,
    )


def _wait_for(predicate, seconds: float, what: str) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_the_group_stops_submit_in_seconds_and_the_run_resumes(tmp_path, signum, code):
    marker = tmp_path / "ran"
    long = sleep(10.0, str(marker))
    flow = Flow([long, add(long.output, 1)], name="long")
    (tmp_path / "flow.json").write_text(json.dumps(flow.as_dict()))
    run = tmp_path / "naspe-data" / "runs" / "long"
    out, err = open(tmp_path / "out.txt", "w"), open(tmp_path / "err.txt", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [NASPE, "submit", "--flow", "flow.json", "--name", "long"],
        cwd=tmp_path,
        stdout=out,
        stderr=err,
        start_new_session=True,  # its own process group, as a terminal's foreground job has
    )
    seen: list[ProcessId] = []
    try:
        _wait_for(marker.exists, 120, "the job to start on its worker")

        def blocks_recorded() -> bool:
            state = json.loads((run / "flow-state.json").read_text())
            return bool(state.get("processes", {}).get("blocks"))

        _wait_for(blocks_recorded, 5, "the worker block in flow-state.json")
        seen = _processes_of_run(run, proc.pid)
        assert len(seen) >= 5, seen  # the command, 2 interchanges, the block's shell, pool and worker
        t0 = time.monotonic()
        os.killpg(proc.pid, signum)
        try:
            returncode = proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {STOP_SECONDS} s after the signal") from None
        elapsed = time.monotonic() - t0
        out.close()
        err.close()
        stdout, stderr = (tmp_path / "out.txt").read_text(), (tmp_path / "err.txt").read_text()
        assert returncode == code, (returncode, stderr)
        assert stderr.splitlines() == [
            "naspe: stopped run long (0 of 2 jobs finished, 1 running stopped); "
            "resume with `naspe submit --resume long`"
        ], stderr
        assert stdout == ""
        logs = "".join(p.read_text() for p in (run / "parsl").glob("interchange-*.log"))
        for text in (stdout, stderr, logs):
            assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-3000:]
        time.sleep(0.5)  # the kernel reaps what just exited
        left = [p for p in seen if p.running()]
        assert left == [], f"left behind {elapsed:.1f} s after the signal: {left}"
    finally:  # whatever this test started and is still there
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for p in seen:
            if p.running() and p.pid != os.getpid():
                os.kill(p.pid, signal.SIGKILL)
        out.close()
        err.close()

    marker.unlink()
    again = subprocess.run(
        [NASPE, "submit", "--resume", "long"], cwd=tmp_path, capture_output=True, text=True, timeout=180
    )
    assert again.returncode == 0, again.stderr
    assert "long: 2 done" in again.stdout
    assert len(marker.read_text().splitlines()) == 1  # the stopped job ran again, once


def _marked_sleeps(run: Path) -> list[ProcessId]:
    """Processes of this run's jobs (their environment names the run) that run `sleep`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                env = (entry / "environ").read_bytes().split(b"\0")
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"NASPE_RUN_DIR={run}".encode() in env and cmd[:1] == [b"sleep"]:
                found.append(ProcessId.of(int(entry.name)))
    return [p for p in found if p.running()]


@pytest.mark.slow
def test_a_job_process_in_a_session_of_its_own_is_stopped_too(tmp_path):
    """As MPI launchers start their proxies and ranks: out of reach of the block's process group."""
    from jobflow import Job

    detached = Job(subprocess.check_call, function_args=(["setsid", "sleep", "60"],), name="detached")
    (tmp_path / "flow.json").write_text(json.dumps(Flow([detached], name="detached").as_dict()))
    run = tmp_path / "naspe-data" / "runs" / "detached"
    proc = _submit(tmp_path, "detached", stderr=subprocess.PIPE, text=True)
    sleeps: list[ProcessId] = []
    try:
        _wait_for(lambda: bool(_marked_sleeps(run)), 120, "the job's sleep in a session of its own")
        sleeps = _marked_sleeps(run)
        assert all(os.getsid(p.pid) == p.pid for p in sleeps)  # its own session, not the block's group
        os.killpg(proc.pid, signal.SIGINT)
        try:
            stderr = proc.communicate(timeout=STOP_SECONDS)[1]
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {STOP_SECONDS} s after the signal") from None
        assert proc.returncode == 130 and "naspe: stopped run detached" in stderr, stderr
        time.sleep(0.5)
        assert [p for p in sleeps if p.running()] == [], "the job's own-session process was left running"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for p in sleeps:
            if p.running():
                os.kill(p.pid, signal.SIGKILL)


@pytest.mark.slow
def test_a_driver_killed_by_sigkill_leaves_no_parsl_process_behind(tmp_path):
    """kill -9 gives the driver no clean-up: its watchdog stops the interchanges and the worker block."""
    marker = tmp_path / "ran"
    long = sleep(30.0, str(marker))
    (tmp_path / "flow.json").write_text(json.dumps(Flow([long], name="long").as_dict()))
    run = tmp_path / "naspe-data" / "runs" / "killed"
    proc = _submit(tmp_path, "killed", stderr=subprocess.DEVNULL)
    seen: list[ProcessId] = []
    try:
        _wait_for(marker.exists, 120, "the job to start on its worker")
        _wait_for(
            lambda: bool(json.loads((run / "flow-state.json").read_text()).get("processes", {}).get("blocks")),
            5,
            "the worker block in flow-state.json",
        )
        seen = [p for p in _processes_of_run(run, proc.pid) if p.pid != proc.pid]
        assert len(seen) >= 4, seen  # 2 interchanges and the block's processes
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        _wait_for(lambda: not [p for p in seen if p.running()], 20, "the driver's Parsl processes to end")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in seen:
            if p.running():
                os.kill(p.pid, signal.SIGKILL)
