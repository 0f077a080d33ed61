"""What the flow manager knows about a run, and how it is kept on disk.

A run directory holds ``flow-state.json``: the flow (``root``), the jobs created
on the way (``added``), every job's :class:`JobRecord`, the dynamic-flow
bookkeeping and the Parsl blocks and interchanges of the driver. It is written
atomically (a temporary file, then a rename), so a reader never sees half a state.

The store is the truth about finished jobs: :func:`finished_output` is the one
test of whether a job needs to run again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jobflow import Job, JobStore
from jobflow.core.schemas import JobStoreDocument
from monty.json import MontyEncoder, jsanitize

__all__ = [
    "STATE_FILE",
    "WAITING",
    "RUNNING",
    "DONE",
    "FAILED",
    "SKIPPED",
    "STOPPED",
    "JobRecord",
    "ManagerReport",
    "read_state",
    "write_state",
    "finished_output",
    "store_output",
    "flow_fingerprint",
]

STATE_FILE = "flow-state.json"
WAITING, RUNNING, DONE, FAILED, SKIPPED, STOPPED = "waiting", "running", "done", "failed", "skipped", "stopped"

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass
class JobRecord:
    """State of one job (its latest index) as the driver knows it."""

    uuid: str
    index: int
    name: str
    kind: str
    state: str = WAITING
    attempts: int = 0
    error: str | None = None
    started: str | None = None
    finished: str | None = None

    def as_dict(self) -> dict:
        """JSON-ready record."""
        return dict(vars(self))


@dataclass
class ManagerReport:
    """Outcome of :meth:`~naspe.workflows.execution.manager.FlowManager.run`: job names by final state."""

    done: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def finished(self) -> bool:
        """Every job finished successfully (stopped children of stop_children count as intended)."""
        return not self.failed and not self.skipped and not self.interrupted


def read_state(run_dir: str | Path) -> dict | None:
    """The persisted state of the flow run in ``run_dir`` (None if there is none)."""
    path = Path(run_dir) / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else None


def write_state(run_dir: Path, state: dict) -> None:
    """Write ``state`` to ``run_dir/flow-state.json`` atomically."""
    path = run_dir / STATE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, cls=MontyEncoder))  # Makers hold enums
    os.replace(tmp, path)


def finished_output(store: JobStore, job_uuid: str) -> Any | None:
    """The stored successful output of job ``job_uuid`` (latest index), or None.

    A document whose output holds an ``error`` (naspe's failed calculations say
    why there) is not a result: the job runs again. atomate2's ``state: failed``
    alone only means that a relaxation stopped at its step limit, a finished and
    flagged result.
    """
    doc = store.query_one({"uuid": job_uuid}, properties=["output"], sort={"index": -1}, load=False)
    if doc is None:
        return None
    output = doc.get("output")
    if isinstance(output, dict) and output.get("error"):
        return None
    return output


def store_output(store: JobStore, job: Job, output: Any) -> None:
    """Write ``output`` of ``job`` (its uuid and index) to ``store``, as jobflow's managers do (the driver only)."""
    output = jsanitize(output, strict=True, enum_values=True, allow_bson=True)
    save = {k: "output" if v is True else v for k, v in job._kwargs.items()}
    doc = JobStoreDocument(
        uuid=job.uuid,
        index=job.index,
        output=output,
        completed_at=datetime.now().isoformat(),
        metadata=job.metadata,
        hosts=job.hosts,
        name=job.name,
    )
    store.update(doc, key=["uuid", "index"], save=save)


def flow_fingerprint(flow_dict: dict) -> tuple[str, list[str]]:
    """A digest of a serialised flow that ignores its UUIDs, and the UUIDs in order of first appearance.

    Two flows built the same way (the same command run twice) have the same
    digest even when their jobs got random UUIDs; zipping the two UUID lists maps
    one flow's jobs onto the other's.
    """
    seen: dict[str, int] = {}

    def canonical(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: canonical(v) for k, v in value.items()}
        if isinstance(value, list):
            return [canonical(v) for v in value]
        if isinstance(value, str) and _UUID_RE.match(value):
            return f"<uuid {seen.setdefault(value, len(seen))}>"
        return value

    plain = json.loads(json.dumps(flow_dict, cls=MontyEncoder))
    text = json.dumps(canonical(plain), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest(), list(seen)
