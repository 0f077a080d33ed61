"""The run directories of a data directory, found from the file system alone (no jobflow, no store).

:mod:`naspe.workflows.execution.runs` creates, starts and stops runs; this module only
names their files and finds them, for readers such as ``naspe query jobs`` that should
start without the driver's imports.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["RunError", "runs_dir", "find_run", "FLOW_FILE", "SUBMISSION_FILE"]

SUBMISSION_FILE = "submission.json"
FLOW_FILE = "flow.json"


class RunError(RuntimeError):
    """A run cannot be found, started or stopped."""


def runs_dir(data_dir: str | Path) -> Path:
    """Directory holding the runs of ``data_dir``."""
    return Path(data_dir) / "runs"


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
