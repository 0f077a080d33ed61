"""What the flow manager knows about a run, and how it is kept on disk.

A run directory holds ``flow-state.json``: the flow (``root``), the jobs created
on the way (``added``), every job's :class:`JobRecord`, the dynamic-flow
bookkeeping and the Parsl blocks and interchanges of the driver (as
:class:`~naspe.workflows.execution.processes.ProcessId` records). It is written
atomically (a temporary file, fsync, rename), so a reader never sees half a
state; a file that is not valid JSON all the same (written by something else,
a disk that filled up) is reported by :func:`read_json`, never taken for no state.

The store is the truth about finished jobs: :func:`finished_output` is the one
test of whether a job needs to run again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naspe.analysis.output_files import write_text_replacing
from naspe.workflows.execution.processes import ProcessId, is_interchange

if TYPE_CHECKING:
    from jobflow import Job, JobStore

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
    "StateError",
    "read_json",
    "read_state",
    "encode_state",
    "write_state",
    "finished_output",
    "store_output",
    "flow_fingerprint",
    "saved_uuid_map",
    "leftover_processes",
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
    stop_signal: int | None = None  # the signal that stopped the run (SIGINT, SIGTERM), if one did
    running_stopped: list[str] = field(default_factory=list)  # jobs that were running when it stopped

    @property
    def finished(self) -> bool:
        """Every job finished successfully (stopped children of stop_children count as intended)."""
        return not self.failed and not self.skipped and not self.interrupted

    def collect(self, records: dict[str, JobRecord]) -> ManagerReport:
        """Add the final state of every job of ``records`` (jobs reused stay in ``reused`` only); returns self."""
        for rec in records.values():
            if rec.state == DONE and rec.name not in self.reused:
                self.done.append(rec.name)
            elif rec.state == FAILED:
                self.failed[rec.name] = rec.error or ""
            elif rec.state == SKIPPED:
                self.skipped.append(rec.name)
            elif rec.state == STOPPED:
                self.stopped.append(rec.name)
        return self


class StateError(ValueError):
    """A file of a run (its state, flow, submission or results) cannot be read; the message says what to do."""


def read_json(path: str | Path, remedy: str = "move it away to start again") -> Any:
    """The JSON data of ``path``; StateError (one line, naming the file and ``remedy``) when it is not valid JSON.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    StateError
        ``path`` is empty or not valid JSON (truncated?), or cannot be read.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as err:
        raise StateError(f"{path} cannot be read ({err}); {remedy}") from None
    try:
        return json.loads(text)
    except ValueError as err:
        size = f"{len(text)} bytes" if text else "empty"
        raise StateError(f"{path} is not valid JSON (truncated? {size}: {err}); {remedy}") from None


def read_state(run_dir: str | Path) -> dict | None:
    """The persisted state of the flow run in ``run_dir`` (None if there is none).

    Raises
    ------
    StateError
        The state file is not valid JSON (it is never written half, so something else broke it).
    """
    path = Path(run_dir) / STATE_FILE
    if not path.exists():
        return None
    remedy = "move it away to run the flow again from the results in the store (finished jobs are kept)"
    return read_json(path, remedy)


def encode_state(value: Any) -> str:
    """JSON of ``value`` as the state file holds it (Makers hold enums: monty's encoder)."""
    from monty.json import MontyEncoder  # jobflow's stack: not for the readers of a state file

    return json.dumps(value, cls=MontyEncoder)


def write_state(run_dir: Path, state: dict, encoded: dict[str, str] | None = None) -> None:
    """Write ``state`` to ``run_dir/flow-state.json`` atomically (temporary file, fsync, rename).

    ``encoded``: more entries of the state, given as their JSON already (large parts encoded once by the caller).
    """
    text = encode_state(state)
    if encoded:
        extra = ", ".join(f"{json.dumps(key)}: {value}" for key, value in encoded.items())
        text = "{" + extra + (", " + text[1:] if text != "{}" else "}")
    write_text_replacing(run_dir / STATE_FILE, text)


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
    from jobflow.core.schemas import JobStoreDocument
    from monty.json import jsanitize

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

    from monty.json import MontyEncoder

    plain = json.loads(json.dumps(flow_dict, cls=MontyEncoder))
    text = json.dumps(canonical(plain), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest(), list(seen)


def saved_uuid_map(saved: dict | None, flow_dict: dict) -> dict[str, str] | None:
    """UUID of a job of ``flow_dict`` -> its UUID in the ``saved`` state, when that state is this flow's run.

    ``{}`` when the saved run is the same flow (same UUID, or built the same way
    with the same UUIDs); None when it is another flow, or there is none (a new run).
    """
    if saved is None or not saved.get("root"):
        return None
    if saved["root"].get("uuid") == flow_dict.get("uuid"):
        return {}
    digest, uuids = flow_fingerprint(flow_dict)
    saved_digest, saved_uuids = flow_fingerprint(saved["root"])
    if digest != saved_digest:
        return None
    return {a: b for a, b in zip(uuids, saved_uuids, strict=True) if a != b}


def leftover_processes(saved: dict) -> tuple[list[ProcessId], list[ProcessId]]:
    """The local worker blocks and the interchanges recorded in the ``saved`` state of a driver.

    States of older versions hold bare PIDs: their interchanges are taken only
    when the PID is still an interchange, their blocks not at all.
    """
    procs = saved.get("processes")
    if procs is not None:
        blocks = [ProcessId.from_dict(p) for p in procs.get("blocks", [])]
        return blocks, [ProcessId.from_dict(p) for p in procs.get("interchanges", [])]
    return [], [ProcessId(p) for p in saved.get("interchanges", []) if is_interchange(p)]
