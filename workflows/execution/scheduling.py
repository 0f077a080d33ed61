"""Which jobs of a run can start now, and how far the run has come.

Both read the manager's job records only; neither touches the store or a worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime

from jobflow import Job
from jobflow.core.reference import OnMissing

from naspe.workflows.execution.state import DONE, FAILED, RUNNING, SKIPPED, STOPPED, WAITING, JobRecord

__all__ = ["ready_jobs", "snapshot"]


def ready_jobs(
    records: dict[str, JobRecord],
    jobs: dict[str, Job],
    blockers: dict[str, set[str]],
    stoppers: set[str],
    parents_of: Callable[[Job], Iterable[str]],
) -> list[Job]:
    """Mark the waiting jobs that can never run (skipped or stopped, in place); return those ready to start.

    Parameters
    ----------
    records, jobs
        Job records and jobs by UUID.
    blockers
        UUID -> the detour jobs its children must also wait for.
    stoppers
        Jobs that returned ``stop_children``.
    parents_of
        UUIDs of the jobs whose outputs a job reads (the manager finds them once per job).
    """
    ready: list[Job] = []
    changed = True
    while changed:
        changed = False
        ready = []
        for uuid, rec in records.items():
            if rec.state != WAITING:
                continue
            job = jobs[uuid]
            parents = set(parents_of(job))
            for p in list(parents):
                parents |= blockers.get(p, set())
            blocked = False
            for p in parents:
                prec = records.get(p)
                if prec is None:
                    continue  # an external reference: resolved from the store
                if p in stoppers:
                    rec.state, rec.error, changed = STOPPED, f"parent {prec.name} stopped its children", True
                    break
                if prec.state in (FAILED, SKIPPED, STOPPED):
                    # further down a stopped branch, a job that accepts missing inputs (a summary) still runs
                    if job.config.on_missing_references == OnMissing.ERROR:
                        new_state = STOPPED if prec.state == STOPPED else SKIPPED
                        rec.state, rec.error, changed = new_state, f"needs the output of {prec.name}", True
                        break
                    continue
                if prec.state != DONE:
                    blocked = True
            if rec.state == WAITING and not blocked:
                ready.append(job)
    return ready


def snapshot(records: dict[str, JobRecord], started: Callable[[str], bool], config, t0: float) -> dict:
    """Progress: job counts by state, running job names, elapsed time and a rough time left (s).

    Parameters
    ----------
    records
        Job records by UUID.
    started
        Whether a running job has started on its worker (not only been queued), by UUID.
    config
        The execution configuration (slots per kind for the time left).
    t0
        ``time.monotonic()`` when the run started (0: not started).
    """
    counts: dict[str, int] = {}
    for rec in records.values():
        counts[rec.state] = counts.get(rec.state, 0) + 1
    running, queued = [], 0
    for r in records.values():
        if r.state == RUNNING:
            if started(r.uuid):
                running.append(r.name)
            else:
                queued += 1
    durations: dict[str, list[float]] = {}
    for r in records.values():
        if r.state == DONE and r.started and r.finished:
            dt = (datetime.fromisoformat(r.finished) - datetime.fromisoformat(r.started)).total_seconds()
            durations.setdefault(r.kind, []).append(dt)
    left = 0.0
    for kind in {r.kind for r in records.values()}:
        todo = sum(1 for r in records.values() if r.kind == kind and r.state in (WAITING, RUNNING))
        if todo and durations.get(kind):
            res = config.resources[kind]
            slots = max(1, res.workers_per_block * res.max_blocks)
            left += todo * (sum(durations[kind]) / len(durations[kind])) / slots
    known = all(durations.get(r.kind) for r in records.values() if r.state in (WAITING, RUNNING))
    return {
        "counts": counts,
        "total": len(records),
        "running": running,
        "queued": queued,
        "elapsed_s": time.monotonic() - t0 if t0 else 0.0,
        "left_s": left if known else None,
    }
