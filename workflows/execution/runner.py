"""The one way to run a flow: :func:`run_flow`, resumable, from any working directory.

Every command that runs jobs goes through here: ``naspe adhesion`` and
``naspe bonding`` (a run directory ``--out`` with its results in
``results.json``), ``naspe run`` and ``naspe submit`` (a run folder under the data
directory, see :mod:`naspe.workflows.execution.runs`), the examples and the
tests. :func:`run_flow` resolves the run directory once, here, so that a
relative and an absolute path behave the same (jobs change into their own
directories), and hands the flow to the
:class:`~naspe.workflows.execution.manager.FlowManager`, which skips every job
whose successful output is in the store, records failures and is the only
writer to the store.

Two dispatchers, one manager (:mod:`naspe.workflows.execution.dispatch`):

- ``"in-process"`` (default): the jobs run one after another in this process.
  Starting Parsl costs several seconds (an interchange per job kind, then the
  worker blocks), as long as a whole GFN2-xTB screening; one interface's
  calculations are sequential on a laptop anyway. No per-job wall time; the
  process's own settings (``naspe.yaml``, ``NASPE_*``) apply unless ``config``
  is given.
- ``"parsl"``: jobs in parallel on the executors of ``config`` (local, Slurm, PBS).

The run directory is locked while its flow runs (a second run into it is
refused with :class:`~naspe.workflows.execution.run_lock.RunLocked`). Its
default store, ``results.json``, is rewritten atomically (temporary file,
fsync, rename) on every update, and a ``results.json`` that is not valid JSON
is reported (:class:`~naspe.workflows.execution.state.StateError`), never
dropped and recomputed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from jobflow import Flow, Job, JobStore
from maggma.stores import JSONStore

from naspe.analysis.output_files import write_text_replacing
from naspe.workflows.base.identity import all_jobs
from naspe.workflows.execution.manager import FlowManager
from naspe.workflows.execution.run_lock import RunLocked, hold_lock
from naspe.workflows.execution.state import DONE, FAILED, SKIPPED, STOPPED, finished_output, read_json

__all__ = ["run_flow", "lock_run_dir", "FlowRun", "JobOutcome", "RESULTS_FILE", "ResultsFile", "RunDirBusy"]

RESULTS_FILE = "results.json"  # the store of a run directory when none is given


class RunDirBusy(ValueError):
    """Another process runs a flow in the run directory (the message names it and the option)."""


def lock_run_dir(run_dir: str | Path, option: str = "--out") -> contextlib.ExitStack:
    """Hold the lock of ``run_dir`` until the returned stack is closed (or this process exits).

    What a command holds from before :func:`run_flow` until its summary is
    written, so that a second command into the same directory is refused
    instead of merging its results with the first one's.

    Raises
    ------
    RunDirBusy
        Another process holds it (one line naming ``option``, the directory and the holder).
    """
    path = Path(run_dir).expanduser().resolve()
    held = contextlib.ExitStack()
    try:
        held.enter_context(hold_lock(path))
    except RunLocked as err:
        who = f"pid {err.pid}" if err.pid else "another process"
        since = f", since {err.holder['since'][:19].replace('T', ' ')}" if err.holder.get("since") else ""
        raise RunDirBusy(
            f"{option} {path}: in use by another naspe run ({who}{since}); "
            f"wait for it to finish or give another {option}"
        ) from None
    return held


class ResultsFile(JSONStore):
    """A writable maggma JSONStore of one file that is never half-written, and never silently dropped.

    maggma's JSONStore rewrites its file in place on every update (a kill in
    between leaves half a file) and skips a file it cannot parse (the next
    update then overwrites it with what is left). This one writes atomically
    and raises :class:`~naspe.workflows.execution.state.StateError` (one line)
    for a file that is not valid JSON.
    """

    def __init__(self, path: str | Path, **kwargs) -> None:
        super().__init__(str(path), read_only=False, **kwargs)

    def connect(self, force_reset: bool = False) -> None:
        """Load the file (created empty when missing); StateError when it is not valid JSON."""
        if self._coll is None or force_reset:
            path = Path(self.paths[0])
            if path.exists():
                remedy = "move it away to start again (its jobs then run again), or restore it from a copy"
                read_json(path, remedy)
            else:
                write_text_replacing(path, "[]")
        super().connect(force_reset=force_reset)

    def update_json_file(self) -> None:
        """Write every document to the file atomically (temporary file, fsync, rename)."""
        docs = list(self.query())
        for d in docs:
            d.pop("_id", None)
        text = orjson.dumps(docs, option=self.serialization_option, default=self.serialization_default).decode()
        write_text_replacing(self.paths[0], text)


@dataclass
class JobOutcome:
    """What became of one job: ``ran``, ``reused``, ``error`` (no result, ``reason`` says why) or ``not run``."""

    name: str
    status: Literal["ran", "reused", "error", "not run"]
    reason: str | None = None


@dataclass
class FlowRun:
    """What :func:`run_flow` did.

    Attributes
    ----------
    run_dir
        The run directory (absolute).
    store
        The store holding the results.
    jobs
        Outcome of every job by UUID (in the run), in flow order.
    interrupted
        A stop was requested (SIGTERM, Ctrl-C under Parsl) before every job was final.
    stop_signal
        The signal that asked for the stop (``signal.SIGINT``, ``signal.SIGTERM``), when one did.
    running_stopped
        Names of the jobs that were running when the run stopped (they run again on resume).
    uuids
        UUID of a job of the flow given -> its UUID in the run, where they differ
        (a flow built again resumes the saved one; see :class:`FlowManager`).
    """

    run_dir: Path
    store: JobStore
    jobs: dict[str, JobOutcome] = field(default_factory=dict)
    interrupted: bool = False
    uuids: dict[str, str] = field(default_factory=dict)
    stop_signal: int | None = None
    running_stopped: list[str] = field(default_factory=list)

    def _names(self, status: str) -> list[str]:
        return [o.name for o in self.jobs.values() if o.status == status]

    @property
    def ran(self) -> list[str]:
        """Jobs that ran to a successful output now."""
        return self._names("ran")

    @property
    def reused(self) -> list[str]:
        """Jobs whose successful output was in the store already."""
        return self._names("reused")

    @property
    def errors(self) -> dict[str, str]:
        """Jobs without a result of their own making: raised (after retries) or returned a failed document."""
        return {o.name: o.reason or "" for o in self.jobs.values() if o.status == "error"}

    @property
    def not_run(self) -> dict[str, str]:
        """Jobs that could not run (a parent failed or stopped them, or the run was interrupted), with why."""
        return {o.name: o.reason or "" for o in self.jobs.values() if o.status == "not run"}

    @property
    def failed(self) -> list[str]:
        """Every job without a successful output."""
        return [o.name for o in self.jobs.values() if o.status in ("error", "not run")]

    @property
    def finished(self) -> bool:
        """True when every job has a successful output."""
        return not self.failed and not self.interrupted

    def output(self, job: Job | str) -> Any | None:
        """The successful output (serialised) of ``job`` (a job of the flow given, or a UUID), or None."""
        uuid = job if isinstance(job, str) else job.uuid
        return finished_output(self.store, self.uuids.get(uuid, uuid))

    def failure_message(self, flow: Flow | Job | None = None) -> str:
        """One line: why ``flow`` (default: the whole run) did not finish, quoting the errors of its jobs."""
        wanted = None if flow is None else {self.uuids.get(j.uuid, j.uuid) for j in all_jobs(flow)}
        picked = [o for u, o in self.jobs.items() if wanted is None or u in wanted]
        reasons = [f"{o.name}: {_first_line(o.reason)}" for o in picked if o.status == "error"]
        if not reasons:
            missing = [o.name for o in picked if o.status != "ran" and o.status != "reused"]
            reasons = [f"no output from: {', '.join(missing)}" + (" (interrupted)" if self.interrupted else "")]
        name = f"the {flow.name} flow" if flow is not None and getattr(flow, "name", None) else "the flow"
        return f"{name} did not finish, no result written ({'; '.join(reasons)}); see {self.run_dir}"


def _first_line(text: str | None) -> str:
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[0] if lines else "failed"


def _as_flow(flow: Flow | Job | list[Flow | Job]) -> Flow | Job:
    """``flow``, or a list of jobs and flows as one Flow (copies of those that belong to another flow)."""
    if not isinstance(flow, list):
        return flow
    items = []
    for item in flow:
        if item.hosts:  # part of another flow: a copy without that flow goes into the new one
            foreign = set(item.hosts)
            item = deepcopy(item)
            for node in [item] if isinstance(item, Job) else [item, *_subflows(item), *all_jobs(item)]:
                node.hosts = [h for h in node.hosts if h not in foreign]
        items.append(item)
    return Flow(items)


def _subflows(flow: Flow) -> list[Flow]:
    subs = []
    for item in flow.jobs:
        if isinstance(item, Flow):
            subs += [item, *_subflows(item)]
    return subs


def _outcomes(manager) -> dict[str, JobOutcome]:
    outcomes = {}
    for uuid, rec in manager.records.items():
        if rec.state == DONE:
            output = finished_output(manager.store, uuid)
            error = output is None
            if error:
                doc = manager.store.query_one({"uuid": uuid}, properties=["output"], sort={"index": -1}, load=False)
                reason = str(((doc or {}).get("output") or {}).get("error") or "no output stored")
                outcomes[uuid] = JobOutcome(rec.name, "error", reason)
            else:
                outcomes[uuid] = JobOutcome(rec.name, "reused" if uuid in manager.reused else "ran")
        elif rec.state == FAILED:
            outcomes[uuid] = JobOutcome(rec.name, "error", rec.error)
        elif rec.state in (SKIPPED, STOPPED):
            outcomes[uuid] = JobOutcome(rec.name, "not run", rec.error)
        else:
            outcomes[uuid] = JobOutcome(rec.name, "not run", "the run was interrupted")
    return outcomes


def run_flow(
    flow: Flow | Job | list[Flow | Job],
    run_dir: str | Path,
    store: JobStore | None = None,
    config=None,
    dispatch: Literal["in-process", "parsl"] = "in-process",
    max_retries: int | None = None,
    progress: Callable[[dict], None] | None = None,
) -> FlowRun:
    """Run the jobs of ``flow`` that have no successful output in the store yet; rerun it to resume.

    Parameters
    ----------
    flow
        A flow, a job, or a list of them (jobs of another flow are copied into a new one).
    run_dir
        The run directory: job folders, ``flow-state.json`` and, by default, the
        store ``results.json``. Relative paths are resolved once, here.
    store
        The results store (e.g. :func:`~naspe.workflows.execution.store.open_store`);
        None: a JSON store in ``run_dir/results.json``.
    config
        Execution configuration (resources, engine commands, retries); None: the local defaults.
    dispatch
        ``"in-process"`` (jobs one after another in this process) or ``"parsl"``
        (on the executors of ``config``); see the module docstring.
    max_retries
        Retries per failing job; None: ``config.max_retries``, or 0 in-process without a configuration.
    progress
        Called with the manager's snapshot about once a second while jobs run.

    Returns
    -------
    FlowRun
        The outcome of every job and the store, to read the outputs from.

    Raises
    ------
    OldRunError
        ``run_dir`` holds the state of a run that names classes this version does not have.
    RunLocked
        Another process runs a flow in ``run_dir``.
    StateError
        ``results.json`` or ``flow-state.json`` of ``run_dir`` is not valid JSON (one line, what to do).
    """
    if dispatch not in ("in-process", "parsl"):
        raise ValueError(f"dispatch={dispatch!r}: allowed are 'in-process' and 'parsl'")
    run_dir = Path(run_dir).expanduser().resolve()  # once: the jobs change into their own directories
    run_dir.mkdir(parents=True, exist_ok=True)
    with hold_lock(run_dir):  # before the store is read: a second run into run_dir is refused here
        if store is None:
            store = JobStore(ResultsFile(run_dir / RESULTS_FILE))
        store.connect()
        in_process = dispatch == "in-process"
        if max_retries is None and config is None and in_process:
            max_retries = 0
        manager = FlowManager(store, run_dir, config, max_retries=max_retries, in_process=in_process)
        report = manager.run(_as_flow(flow), progress=progress)
    run = FlowRun(run_dir, store, _outcomes(manager), report.interrupted, dict(manager.uuid_map))
    run.stop_signal, run.running_stopped = report.stop_signal, list(report.running_stopped)
    return run
