"""Submitted runs: their directory, the driver process, its status and cancellation.

A run lives in ``<data_dir>/runs/<run_id>/``:

- ``submission.json``: the execution configuration (resolved, no secrets) and the data directory;
- ``flow.json``: the jobflow Flow as submitted;
- ``flow-state.json``: the manager's persisted state (see :mod:`naspe.workflows.execution.manager`);
- ``driver.lock``: held (``flock``) by the live driver for its whole life, and
  naming it; the truth about whether the run is being run (the kernel drops
  the lock with its holder, a reused PID holds nothing);
- ``driver.pid`` / ``driver.log``: the driver's process (PID, start time, boot id,
  host) while it runs, and its log; a ``driver.pid`` whose process holds no lock
  is stale and reported so;
- ``jobs/`` and ``parsl/``: job directories and Parsl's files.

Every file is written atomically. ``python -m naspe.workflows.execution.runs
RUN_DIR`` runs (or resumes) the run's flow; :func:`start_driver` starts it
detached (its own session, so it outlives the shell); :func:`cancel_run` sends
SIGTERM to the process holding the run's lock, and only to it, on which it
stops submitting, cancels its scheduler blocks, saves its state and exits.
SIGINT (Ctrl-C) does the same to a driver in the foreground (:func:`run_driver`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from monty.json import MontyEncoder

from naspe.analysis.output_files import write_text_replacing
from naspe.workflows.execution.hpc_config import ConfigError, validate_execution_config
from naspe.workflows.execution.old_runs import OldRunError, load_flow, translate
from naspe.workflows.execution.processes import ProcessId, signal_process, stop_signals
from naspe.workflows.execution.run_files import FLOW_FILE, SUBMISSION_FILE, RunError, find_run, runs_dir
from naspe.workflows.execution.run_lock import RunLocked, hold_lock, lock_holder
from naspe.workflows.execution.runner import FlowRun, run_flow
from naspe.workflows.execution.state import read_json, read_state
from naspe.workflows.execution.store import open_store

__all__ = [
    "create_run",
    "start_driver",
    "run_driver",
    "check_run",
    "run_status",
    "cancel_run",
    "find_run",
    "driver_pid",
    "driver_status",
    "stopped_message",
    "runs_dir",
    "RunError",
    "SUBMISSION_FILE",
]

PID_FILE = "driver.pid"
START_SECONDS = 120.0  # longest wait (s) for a detached driver to take the run's lock
LOG_FILE = "driver.log"


def create_run(flow, config, data_dir: str | Path, name: str | None = None, extra: dict | None = None) -> Path:
    """Write a new run directory for ``flow`` with ``config``; returns it.

    Raises
    ------
    RunError
        When a run of that name exists already (resume it instead).
    """
    run_id = name or f"{flow.name.replace(' ', '-')}-{flow.uuid[:8]}"
    run = runs_dir(data_dir) / run_id
    if (run / SUBMISSION_FILE).exists():
        raise RunError(f"run {run_id!r} exists in {run.parent}; resume it with `naspe submit --resume {run_id}`")
    run.mkdir(parents=True, exist_ok=True)
    submission = {
        "config": config.model_dump(mode="json"),
        "data_dir": str(Path(data_dir).resolve()),
        "created": datetime.now().isoformat(),
        "flow_name": flow.name,
        **(extra or {}),
    }
    write_text_replacing(run / FLOW_FILE, json.dumps(flow.as_dict(), cls=MontyEncoder))  # Makers hold enums
    write_text_replacing(run / SUBMISSION_FILE, json.dumps(submission, indent=2))
    return run


def _recorded_driver(run: Path) -> ProcessId | None:
    """The driver ``driver.pid`` names (a bare PID in runs of older versions), or None."""
    try:
        text = (run / PID_FILE).read_text()
    except OSError:
        return None
    try:
        data = json.loads(text)
        return ProcessId.from_dict(data) if isinstance(data, (dict, int)) else None
    except (ValueError, TypeError):
        return None


def driver_status(run: Path) -> dict:
    """The run's driver: ``state`` (``running``, ``not running`` or ``stale``), ``pid`` and a one-line ``detail``.

    ``running`` means a process holds the run's lock (``pid`` is that process);
    ``stale``: ``driver.pid`` names a process that holds no lock (``pid`` is the
    PID recorded, ``detail`` says whether it has exited or is another process now).
    """
    holder = lock_holder(run)
    if holder is not None:
        pid = holder.get("pid")
        return {"state": "running", "pid": pid, "detail": f"driver pid {pid}"}
    recorded = _recorded_driver(run)
    if recorded is None:
        return {"state": "not running", "pid": None, "detail": "driver not running"}
    if recorded.known and recorded.running():
        why = "is alive but does not hold the run's lock"
    else:
        why = recorded.why_not_running()
    return {
        "state": "stale",
        "pid": recorded.pid,
        "detail": f"driver not running (stale {PID_FILE}: pid {recorded.pid} {why})",
    }


def driver_pid(run: Path) -> int | None:
    """PID of the run's live driver (the process holding its lock), or None."""
    status = driver_status(run)
    return status["pid"] if status["state"] == "running" else None


def start_driver(run: Path) -> int:
    """Start the driver of ``run`` detached; returns its PID once it holds the run's lock.

    Raises
    ------
    RunError
        The run has a live driver already, or the new one failed before taking the lock.
    """
    other = driver_pid(run)
    if other is not None:
        raise RunError(f"run {run.name!r} already has a live driver (pid {other}); `naspe status {run.name}`")
    log = open(run / LOG_FILE, "a")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [sys.executable, "-m", "naspe.workflows.execution.runs", str(run.resolve())],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=run,
    )
    log.close()
    end = time.monotonic() + START_SECONDS
    while time.monotonic() < end:  # `naspe status` right after this returns sees the driver
        holder = lock_holder(run)
        if holder is not None and holder.get("pid") == proc.pid:
            return proc.pid
        code = proc.poll()
        if code == 0:
            return proc.pid  # it ran and finished already
        if code is not None:
            lines = (run / LOG_FILE).read_text(errors="replace").strip().splitlines()
            raise RunError(
                f"the driver of {run.name!r} stopped at once (status {code}): "
                f"{lines[-1] if lines else 'no output'}; see {run / LOG_FILE}"
            )
        time.sleep(0.1)
    return proc.pid


def check_run(run: Path) -> None:
    """Refuse, before anything runs, a run this version of naspe cannot resume.

    Raises
    ------
    RunError
        One line: the run, what it names that no longer exists (or its invalid
        configuration), and the command that starts it again under a new name.
    """
    submission = read_json(run / SUBMISSION_FILE)
    try:
        validate_execution_config(submission["config"])
        translate(read_json(run / FLOW_FILE))
        state = read_state(run) or {}
        translate([state.get("root"), state.get("added")])
    except (OldRunError, ConfigError) as err:
        what = "its saved configuration is not valid now" if isinstance(err, ConfigError) else str(err)
        raise RunError(
            f"run {run.name!r} was made by an older naspe: {what}; {_start_again(run, submission)}"
        ) from None


def _start_again(run: Path, submission: dict) -> str:
    """How to start a run that cannot be resumed again under a new name."""
    preset = (submission.get("campaign") or {}).get("preset")
    if preset:
        return f"start it again as a new run: `naspe run --preset {preset} --name {run.name}-2`"
    return f"start it again as a new run: `naspe submit --flow FLOW.json --name {run.name}-2`"


def run_driver(run: Path, progress=None) -> FlowRun:
    """Run or resume the run's flow in this process (through Parsl); returns the :class:`FlowRun`.

    The driver holds the run's lock (``driver.lock``) and records itself in
    ``driver.pid`` for its whole life. SIGINT and SIGTERM, from here on, stop
    it cleanly: the returned run is ``interrupted``, with the ``stop_signal``.
    ``progress`` is called with the manager's snapshot about once a second.

    Raises
    ------
    RunError
        Another driver runs it, or this version of naspe cannot resume it (see :func:`check_run`).
    """
    with stop_signals(), contextlib.ExitStack() as held:  # a Ctrl-C from now on stops the driver cleanly
        try:
            held.enter_context(hold_lock(run, run=run.name))
        except RunLocked as err:
            raise RunError(
                f"run {run.name!r} is already being run by pid {err.pid}; follow it with `naspe status {run.name}`"
            ) from None
        try:
            write_text_replacing(run / PID_FILE, json.dumps(ProcessId.current().as_dict()) + "\n")
            check_run(run)
            submission = read_json(run / SUBMISSION_FILE)
            config = validate_execution_config(submission["config"])
            store = open_store(submission["data_dir"], config.store)
            flow = load_flow(read_json(run / FLOW_FILE))
            return run_flow(flow, run, store=store, config=config, dispatch="parsl", progress=progress)
        finally:
            (run / PID_FILE).unlink(missing_ok=True)


def stopped_message(run: Path, report: FlowRun, resume: str) -> str:
    """The one line of a driver stopped by a signal: what it stopped and the command ``resume`` that resumes it."""
    counts = run_status(run)["counts"]
    total = sum(counts.values())
    running = len(report.running_stopped)
    what = f"{counts.get('done', 0)} of {total} jobs finished, {running} running stopped"
    return f"naspe: stopped run {run.name} ({what}); resume with `{resume}`"


def run_status(run: Path) -> dict:
    """Jobs of the run by state, with the driver and scheduler ids."""
    state = read_state(run) or {"records": {}, "scheduler_jobs": {}}
    driver = driver_status(run)
    jobs = sorted(state["records"].values(), key=lambda r: (r["started"] or "~", r["name"]))
    counts: dict[str, int] = {}
    for rec in jobs:
        counts[rec["state"]] = counts.get(rec["state"], 0) + 1
    submission = read_json(run / SUBMISSION_FILE)
    return {
        "run": run.name,
        "run_dir": str(run),
        "scheduler": submission["config"]["scheduler"],
        "driver_pid": driver["pid"] if driver["state"] == "running" else None,
        "driver": driver,
        "counts": counts,
        "scheduler_jobs": state.get("scheduler_jobs", {}),
        "updated": state.get("updated"),
        "jobs": [
            {k: rec[k] for k in ("name", "kind", "state", "attempts", "uuid")}
            | {"error": (rec["error"] or "").strip().splitlines()[0] if rec["error"] else None}
            for rec in jobs
        ],
    }


def cancel_run(run: Path, timeout_seconds: float = 120.0) -> bool:
    """Ask the run's driver to stop (SIGTERM) and wait for it; False if no driver was running.

    Only the process holding the run's lock, checked by its start time as well
    as its PID, is signalled: a stale ``driver.pid`` (see :func:`driver_status`)
    signals nothing.

    Raises
    ------
    RunError
        The driver runs on another host, or did not stop within ``timeout_seconds`` (s).
    """
    holder = lock_holder(run)
    if holder is None:
        return False
    driver = ProcessId.from_dict(holder)
    if driver.host is not None and driver.host != socket.gethostname():
        raise RunError(f"the driver of {run.name!r} runs on host {driver.host} (pid {driver.pid}); cancel it there")
    if not driver.pid or not signal_process(driver, signal.SIGTERM):
        if lock_holder(run) is None:
            return False  # it finished in the meantime
        raise RunError(f"the lock of run {run.name!r} is held by pid {driver.pid or '?'}, which cannot be signalled")
    end = time.monotonic() + timeout_seconds
    while time.monotonic() < end:
        if lock_holder(run) is None:
            return True
        time.sleep(0.2)
    raise RunError(f"the driver of {run.name!r} (pid {driver.pid}) did not stop within {timeout_seconds:.0f} s")


def main(argv: list[str] | None = None) -> int:
    """``python -m naspe.workflows.execution.runs RUN_DIR``."""
    argv = sys.argv[1:] if argv is None else argv
    run = Path(argv[0]).resolve()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("parsl").setLevel(logging.WARNING)
    log = logging.getLogger(__name__)
    try:
        report = run_driver(run)
    except (RunError, ValueError) as err:  # a second driver, an unreadable run file
        log.error("%s", err)
        return 2
    if report.interrupted:
        log.info("%s", stopped_message(run, report, f"naspe submit --resume {run.name}"))
        return 128 + (report.stop_signal or signal.SIGTERM)
    log.info("driver finished: %s", report)
    return 0 if report.finished else 1


if __name__ == "__main__":
    sys.exit(main())
