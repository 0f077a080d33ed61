"""Run a flow against a jobflow store, skipping every job whose output is already there.

:func:`run_resumable` runs a flow against a jobflow store and skips every job
whose successful output is already there; downstream jobs read those outputs
from the store by UUID as usual. A job whose stored output is a failure (a
document with an ``error``) is run again.

Compute jobs never touch the store themselves: the driver (this module) is the
only writer, so a job that fails leaves the finished results as they were.
"""

from __future__ import annotations

import warnings
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobflow import Flow, Job, JobStore

from naspe.workflows.base.identity import all_jobs

__all__ = ["run_resumable", "RunReport", "finished_output"]


def finished_output(store: JobStore, job_uuid: str) -> Any | None:
    """The stored successful output of job ``job_uuid`` (latest index), or None."""
    doc = store.query_one({"uuid": job_uuid}, properties=["output"], sort={"index": -1}, load=False)
    if doc is None:
        return None
    output = doc.get("output")
    if isinstance(output, dict) and output.get("error"):
        # a calculation that failed (naspe documents say why in ``error``); atomate2's state "failed" alone
        # only means a relaxation stopped at its step limit: a finished, flagged result
        return None
    return output


@dataclass
class RunReport:
    """What :func:`run_resumable` did."""

    reused: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """True when every job has a successful output."""
        return not self.failed


def run_resumable(flow: Flow | Job | list[Flow | Job], store: JobStore, root_dir: str | Path) -> RunReport:
    """Run the jobs of ``flow`` that have no successful output in ``store`` yet.

    Parameters
    ----------
    flow
        A flat or nested flow, a job, or a list of them (e.g. part of a flow).
    store
        The results store (the only place results are written).
    root_dir
        Directory for the job folders.

    Returns
    -------
    RunReport
        Names of the jobs reused, run, and failed or not run.
    """
    from jobflow import run_locally

    store.connect()
    jobs = all_jobs(flow)
    report = RunReport()
    todo = []
    for job in jobs:
        if finished_output(store, job.uuid) is not None:
            report.reused.append(job.name)
        else:
            copy = deepcopy(job)
            copy.hosts = []  # the copy goes into a new flow of the jobs still to run
            todo.append(copy)
    if todo:
        Path(root_dir).mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="cd is deprecated", category=FutureWarning)
            run_locally(
                Flow(todo),
                store=store,
                create_folders=True,
                root_dir=root_dir,
                log=False,
                allow_external_references=True,
            )
    for job in todo:
        (report.ran if finished_output(store, job.uuid) is not None else report.failed).append(job.name)
    return report
