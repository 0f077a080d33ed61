"""Submitted runs: their directory, the driver process, its status and cancellation.

A run lives in ``<data_dir>/runs/<run_id>/``:

- ``submission.json``: the execution configuration (resolved, no secrets) and the data directory;
- ``flow.json``: the jobflow Flow as submitted;
- ``flow-state.json``: the manager's persisted state (see :mod:`naspe.workflows.execution.manager`);
- ``driver.pid`` / ``driver.log``: the driver's process id while it runs, and its log;
- ``jobs/`` and ``parsl/``: job directories and Parsl's files.

``python -m naspe.workflows.execution.runs RUN_DIR`` runs (or resumes) the run's flow;
:func:`start_driver` starts it detached (its own session, so it outlives the
shell); :func:`cancel_run` sends it SIGTERM, on which it stops submitting,
cancels its scheduler blocks, saves its state and exits.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from monty.json import MontyEncoder

from naspe.workflows.execution.hpc_config import ConfigError, validate_execution_config
from naspe.workflows.execution.old_runs import OldRunError, load_flow, translate
from naspe.workflows.execution.processes import pid_alive
from naspe.workflows.execution.runner import run_flow
from naspe.workflows.execution.state import read_state
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
    "runs_dir",
    "RunError",
]

PID_FILE = "driver.pid"
LOG_FILE = "driver.log"
SUBMISSION_FILE = "submission.json"
FLOW_FILE = "flow.json"


class RunError(RuntimeError):
    """A run cannot be found, started or stopped."""


def runs_dir(data_dir: str | Path) -> Path:
    """Directory holding the runs of ``data_dir``."""
    return Path(data_dir) / "runs"


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
    (run / FLOW_FILE).write_text(json.dumps(flow.as_dict(), cls=MontyEncoder))  # Makers hold enums
    (run / SUBMISSION_FILE).write_text(json.dumps(submission, indent=2))
    return run


def find_run(data_dir: str | Path, run_id: str | None) -> Path:
    """The run ``run_id`` of ``data_dir``, or its most recent run when None."""
    base = runs_dir(data_dir)
    if run_id is not None:
        run = base / run_id
        if not (run / SUBMISSION_FILE).exists():
            known = sorted(p.name for p in base.glob("*") if (p / SUBMISSION_FILE).exists()) if base.exists() else []
            raise RunError(f"run {run_id!r} not found in {base}; runs there: {', '.join(known) or 'none'}")
        return run
    runs = (
        sorted(
            (p for p in base.glob("*") if (p / SUBMISSION_FILE).exists()),
            key=lambda p: (p / SUBMISSION_FILE).stat().st_mtime,
        )
        if base.exists()
        else []
    )
    if not runs:
        raise RunError(f"no runs in {base}; start one with `naspe submit`")
    return runs[-1]


def driver_pid(run: Path) -> int | None:
    """PID of the run's live driver, or None."""
    path = run / PID_FILE
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid_alive(pid) else None


def start_driver(run: Path) -> int:
    """Start the driver of ``run`` detached; returns its PID (written to ``driver.pid``)."""
    if driver_pid(run) is not None:
        raise RunError(f"run {run.name!r} already has a live driver (pid {driver_pid(run)})")
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
    (run / PID_FILE).write_text(f"{proc.pid}\n")
    return proc.pid


def check_run(run: Path) -> None:
    """Refuse, before anything runs, a run this version of naspe cannot resume.

    Raises
    ------
    RunError
        One line: the run, what it names that no longer exists (or its invalid
        configuration), and the command that starts it again under a new name.
    """
    submission = json.loads((run / SUBMISSION_FILE).read_text())
    try:
        validate_execution_config(submission["config"])
        translate(json.loads((run / FLOW_FILE).read_text()))
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


def run_driver(run: Path, progress=None):
    """Run or resume the run's flow in this process (through Parsl); returns the :class:`FlowRun`.

    ``progress`` is called with the manager's snapshot about once a second.

    Raises
    ------
    RunError
        Another driver runs it, or this version of naspe cannot resume it (see :func:`check_run`).
    """
    other = driver_pid(run)
    if other is not None and other != os.getpid():
        raise RunError(
            f"run {run.name!r} is already being run by pid {other}; follow it with `naspe status {run.name}`"
        )
    check_run(run)
    submission = json.loads((run / SUBMISSION_FILE).read_text())
    config = validate_execution_config(submission["config"])
    store = open_store(submission["data_dir"], config.store)
    flow = load_flow(json.loads((run / FLOW_FILE).read_text()))
    (run / PID_FILE).write_text(f"{os.getpid()}\n")
    try:
        return run_flow(flow, run, store=store, config=config, dispatch="parsl", progress=progress)
    finally:
        (run / PID_FILE).unlink(missing_ok=True)


def run_status(run: Path) -> dict:
    """Jobs of the run by state, with the driver and scheduler ids."""
    state = read_state(run) or {"records": {}, "scheduler_jobs": {}}
    jobs = sorted(state["records"].values(), key=lambda r: (r["started"] or "~", r["name"]))
    counts: dict[str, int] = {}
    for rec in jobs:
        counts[rec["state"]] = counts.get(rec["state"], 0) + 1
    submission = json.loads((run / SUBMISSION_FILE).read_text())
    return {
        "run": run.name,
        "run_dir": str(run),
        "scheduler": submission["config"]["scheduler"],
        "driver_pid": driver_pid(run),
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
    """Ask the run's driver to stop (SIGTERM) and wait for it; False if no driver was running."""
    pid = driver_pid(run)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    end = time.monotonic() + timeout_seconds
    while time.monotonic() < end:
        if driver_pid(run) is None:
            return True
        time.sleep(0.2)
    raise RunError(f"the driver of {run.name!r} (pid {pid}) did not stop within {timeout_seconds:.0f} s")


def main(argv: list[str] | None = None) -> int:
    """``python -m naspe.workflows.execution.runs RUN_DIR``."""
    argv = sys.argv[1:] if argv is None else argv
    run = Path(argv[0]).resolve()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("parsl").setLevel(logging.WARNING)
    report = run_driver(run)
    logging.getLogger(__name__).info("driver finished: %s", report)
    return 0 if report.finished else 1


if __name__ == "__main__":
    sys.exit(main())
