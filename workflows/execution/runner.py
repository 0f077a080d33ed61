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
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jobflow import Flow, Job, JobStore
from maggma.stores import JSONStore

from naspe.workflows.base.identity import all_jobs
from naspe.workflows.execution.manager import FlowManager
from naspe.workflows.execution.state import DONE, FAILED, SKIPPED, STOPPED, finished_output

__all__ = ["run_flow", "FlowRun", "JobOutcome", "RESULTS_FILE"]

RESULTS_FILE = "results.json"  # the store of a run directory when none is given


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
    uuids
        UUID of a job of the flow given -> its UUID in the run, where they differ
        (a flow built again resumes the saved one; see :class:`FlowManager`).
    """

    run_dir: Path
    store: JobStore
    jobs: dict[str, JobOutcome] = field(default_factory=dict)
    interrupted: bool = False
    uuids: dict[str, str] = field(default_factory=dict)

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
    """
    if dispatch not in ("in-process", "parsl"):
        raise ValueError(f"dispatch={dispatch!r}: allowed are 'in-process' and 'parsl'")
    run_dir = Path(run_dir).expanduser().resolve()  # once: the jobs change into their own directories
    run_dir.mkdir(parents=True, exist_ok=True)
    if store is None:
        store = JobStore(JSONStore(str(run_dir / RESULTS_FILE), read_only=False))
    store.connect()
    in_process = dispatch == "in-process"
    if max_retries is None and config is None and in_process:
        max_retries = 0
    manager = FlowManager(store, run_dir, config, max_retries=max_retries, in_process=in_process)
    report = manager.run(_as_flow(flow), progress=progress)
    return FlowRun(run_dir, store, _outcomes(manager), report.interrupted, dict(manager.uuid_map))
