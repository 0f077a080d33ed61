"""Run jobflow Flows locally, on Slurm or on PBS, resumable: the one flow manager.

:class:`FlowManager` runs any jobflow Flow (naspe's or atomate2's). Each job is
handed to a dispatcher (:mod:`naspe.workflows.execution.dispatch`): through
Parsl to the executor of its kind (``md``, ``dft``, ``analysis``; local
processes or Slurm/PBS blocks), or in the driver's own process. The driver (the
process calling :meth:`FlowManager.run`)

- resolves a job's references from the store and sends the job with its
  resolved inputs, so compute nodes never touch the database;
- receives the job's ``Response`` and writes the output to the store (the only
  writer), after recording any new jobs the response created;
- handles dynamic flows as jobflow's ``run_locally`` does: ``replace`` (the job
  continues as a new index with the same UUID), ``addition``, ``detour`` (the
  job's children also wait for the detour), ``stop_children``,
  ``stop_jobflow``;
- retries a failing job up to ``max_retries`` times, then records it as failed
  with the error and skips only the jobs that need its output; independent
  branches go on;
- persists the flow, the jobs created on the way and every job's state in
  ``<run_dir>/flow-state.json`` (:mod:`naspe.workflows.execution.state`), so
  that after the driver dies or the allocation ends, running again skips the
  finished jobs (their outputs are in the store) and resubmits the rest. A job
  that finished but whose output was not yet written is stored from the
  response it left; nothing half-written is ever read back.

The driver holds the run directory's lock (:mod:`~naspe.workflows.execution.run_lock`):
a second driver is refused. Under Parsl, SIGINT and SIGTERM stop it: nothing more is
submitted, the state is saved, blocks and interchanges are shut down (bounded in
time), the report says ``interrupted`` and by which signal; running jobs rerun next time.

Running a flow again in the same directory resumes the saved one when it is the
same flow (the same UUID, or built the same way: :func:`~naspe.workflows.execution.state.flow_fingerprint`), so
even jobs with random UUIDs are found again. Most callers use
:func:`naspe.workflows.execution.runner.run_flow`, which sets this up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from datetime import datetime
from pathlib import Path

from jobflow import Flow, Job, JobStore

from naspe.workflows.base.identity import all_jobs
from naspe.workflows.base.kinds import job_kind
from naspe.workflows.execution.dispatch import InProcessDispatch, ParslDispatch, describe_failure
from naspe.workflows.execution.driver_watchdog import start_watchdog
from naspe.workflows.execution.hpc_config import load_execution_config
from naspe.workflows.execution.old_runs import install_redirects, load_flow, translate
from naspe.workflows.execution.processes import ProcessId, stop_leftovers, stop_signals, wait_while_running
from naspe.workflows.execution.run_lock import hold_lock
from naspe.workflows.execution.scheduling import ready_jobs, snapshot
from naspe.workflows.execution.state import (
    DONE,
    FAILED,
    RUNNING,
    SKIPPED,
    STATE_FILE,
    STOPPED,
    WAITING,
    JobRecord,
    ManagerReport,
    encode_state,
    finished_output,
    leftover_processes,
    read_state,
    saved_uuid_map,
    store_output,
    write_state,
)
from naspe.workflows.execution.worker import RESPONSE_FILE, RUNNING_FILE, JobError, response_from_dict

__all__ = ["FlowManager", "ManagerReport", "JobRecord", "read_state", "STATE_FILE"]

logger = logging.getLogger(__name__)

PERSIST_SECONDS = 1.0  # job states are saved at least this often (s) while a flow runs


class FlowManager:
    """Run flows with the store written only here.

    Parameters
    ----------
    store
        The results store (see :func:`naspe.workflows.execution.store.open_store`).
    run_dir
        Directory for the state file, Parsl's files and the job directories (made absolute here).
    config
        Execution configuration (:class:`naspe.workflows.execution.hpc_config.ExecutionConfig`);
        None: the local defaults. In-process, None also leaves the job environment
        alone (the settings of ``naspe.yaml`` and ``NASPE_*`` apply).
    max_retries
        Retries per job after its first failure (None: ``config.max_retries``).
    job_walltime
        Enforce each kind's ``walltime`` on every job as a Parsl app time limit.
    in_process
        Run the jobs in this process, one after another (:class:`InProcessDispatch`), not through Parsl.
    """

    def __init__(
        self,
        store: JobStore,
        run_dir: str | Path,
        config=None,
        max_retries: int | None = None,
        job_walltime: bool = True,
        in_process: bool = False,
    ) -> None:
        self.store = store
        self.run_dir = Path(run_dir).resolve()
        self._job_env = config is not None or not in_process
        self.config = config if config is not None else load_execution_config(None)
        self.max_retries = self.config.max_retries if max_retries is None else max_retries
        if self.max_retries < 0:
            raise ValueError(f"max_retries={self.max_retries}: must be >= 0")
        self.job_walltime = job_walltime and not in_process
        self.dispatch = InProcessDispatch() if in_process else ParslDispatch(self.config, self.run_dir / "parsl")
        self.jobs: dict[str, Job] = {}
        self.records: dict[str, JobRecord] = {}
        self.blockers: dict[str, set[str]] = {}  # uuid -> detour jobs its children must also wait for
        self.stoppers: set[str] = set()  # jobs that returned stop_children
        self.flow_stopper: str | None = None  # the job that returned stop_jobflow
        self.uuid_map: dict[str, str] = {}  # a job's uuid in the flow given -> its uuid in the resumed run
        self.reused: set[str] = set()  # uuids of the jobs finished before this run
        self.root: dict | None = None
        self.added: list[dict] = []
        self._stop = False
        self.stop_signal: int | None = None  # the signal that asked the driver to stop
        self._t0 = 0.0
        self._orphan_blocks: list[ProcessId] = []
        self._orphan_processes: list[ProcessId] = []
        self._root_json: tuple[dict | None, str] | None = None  # (the root it encodes, its JSON)
        self._added_json: list[str] = []  # the JSON of each added job, in order
        self._parent_uuids: dict[str, tuple[Job, frozenset[str]]] = {}

    # ----------------------------------------------------------------- state
    def _persist(self) -> None:
        blocks, interchanges = self.dispatch.blocks()
        state = {
            "records": {u: r.as_dict() for u, r in self.records.items()},
            "stoppers": sorted(self.stoppers),
            "flow_stopper": self.flow_stopper,
            "blockers": {u: sorted(b) for u, b in self.blockers.items()},
            "scheduler_jobs": blocks,
            "interchanges": interchanges,
            "processes": self.dispatch.processes(),  # interchanges and local blocks as ProcessId records
            "scheduler": "in-process" if isinstance(self.dispatch, InProcessDispatch) else self.config.scheduler,
            "driver_pid": os.getpid(),
            "driver": ProcessId.current().as_dict(),
            "updated": datetime.now().isoformat(),
        }
        write_state(self.run_dir, state, encoded={"root": self._encoded_root(), "added": self._encoded_added()})

    def _encoded_root(self) -> str:
        """The flow's JSON, encoded once (it changes only when the run is set up)."""
        if self._root_json is None or self._root_json[0] is not self.root:
            self._root_json = (self.root, encode_state(self.root))
        return self._root_json[1]

    def _encoded_added(self) -> str:
        """The JSON of the jobs added while running: a list that only grows, each job encoded once."""
        self._added_json.extend(encode_state(job) for job in self.added[len(self._added_json) :])
        return "[" + ", ".join(self._added_json) + "]"

    def _parents(self, job: Job) -> frozenset[str]:
        """UUIDs of the jobs whose outputs ``job`` reads (found once per job object: a search of its arguments)."""
        held = self._parent_uuids.get(job.uuid)
        if held is None or held[0] is not job:
            held = self._parent_uuids[job.uuid] = (job, frozenset(ref.uuid for ref in job.input_references))
        return held[1]

    def _register(self, job: Job) -> None:
        previous = self.records.get(job.uuid)
        name = previous.name if previous is not None else job.name  # a replacement continues the job it replaces
        self.jobs[job.uuid] = job
        self.records[job.uuid] = JobRecord(job.uuid, job.index, name, job_kind(job))

    def _add_flow(self, flow: Flow | Job, persist_as_added: bool) -> None:
        for job in all_jobs(flow):
            if persist_as_added:
                self.added.append(job.as_dict())
            self._register(job)

    def _load(self, flow: Flow | Job) -> list[str]:
        """Set up jobs from ``flow`` and any saved state; returns the names of jobs reused from the store.

        Raises
        ------
        OldRunError
            The saved state names a class or function this version does not have.
        """
        self.run_dir.mkdir(parents=True, exist_ok=True)
        saved = read_state(self.run_dir)
        flow_dict = flow.as_dict()
        mapping = saved_uuid_map(saved, flow_dict)
        if mapping is not None:
            self.uuid_map = mapping
            self.root = translate(saved["root"])
            self._add_flow(load_flow(self.root), persist_as_added=False)
            for job_dict in saved["added"]:
                job_dict = translate(job_dict)
                self.added.append(job_dict)
                self._register(load_flow(job_dict))
            # this driver holds the run's lock: the one that saved the state is gone, its interchanges and local
            # blocks that still run (the processes recorded, not a reused PID) are stopped in _recover
            self._orphan_blocks, self._orphan_processes = leftover_processes(saved)
            self.stoppers = set(saved.get("stoppers", []))
            self.flow_stopper = saved.get("flow_stopper")
            self.blockers = {u: set(b) for u, b in saved.get("blockers", {}).items()}
            for uuid, rec in saved["records"].items():
                if uuid in self.records and rec["index"] == self.records[uuid].index:
                    r = self.records[uuid]
                    r.attempts = 0 if rec["state"] in (FAILED, SKIPPED) else rec["attempts"]
        else:
            self.root = flow_dict
            self._add_flow(flow, persist_as_added=False)
        reused = []
        for uuid, rec in self.records.items():
            if self._stored(uuid, rec.index):
                rec.state = DONE
                self.reused.add(uuid)
                reused.append(rec.name)
            else:
                rec.state = WAITING
        # a job that runs again (its output was a failed calculation) decides again whether to stop the others;
        # the children of stoppers whose results stand are stopped again by ready_jobs
        self.stoppers = {u for u in self.stoppers if self.records.get(u) is None or self.records[u].state == DONE}
        if self.flow_stopper is not None and self.flow_stopper in self.records:
            stopper = self.records[self.flow_stopper]
            if stopper.state != DONE:
                self.flow_stopper = None
            for other in self.records.values():
                if self.flow_stopper is not None and other.state == WAITING:
                    other.state, other.error = STOPPED, f"{stopper.name} stopped the flow"
        return reused

    def _stored(self, uuid: str, index: int) -> bool:
        doc = self.store.query_one({"uuid": uuid, "index": index}, properties=["uuid"], load=False)
        return doc is not None and finished_output(self.store, uuid) is not None

    # -------------------------------------------------------------- schedule
    def _submit(self, job: Job) -> Future:
        rec = self.records[job.uuid]
        rec.state, rec.attempts, rec.started = RUNNING, rec.attempts + 1, datetime.now().isoformat()
        resolved = job.resolve_args(store=self.store, inplace=False)
        env = self.config.settings_env(rec.kind) if self._job_env else {}
        limit = self.config.resources[rec.kind].walltime_s if self.job_walltime else None
        logger.info("submit %s (%s, %s, attempt %d)", job.name, job.uuid, rec.kind, rec.attempts)
        return self.dispatch.submit(rec.kind, resolved, self._job_dir(job), env, limit)

    def _job_dir(self, job: Job) -> Path:
        return self.run_dir / "jobs" / f"{job.uuid}_{job.index}"

    def _recover(self) -> list[str]:
        """Finish waiting jobs whose worker completed after the previous driver died (their response file)."""
        waiting = [(u, r) for u, r in self.records.items() if r.state == WAITING]
        markers = ((r.name, self._job_dir(self.jobs[u]) / RUNNING_FILE) for u, r in waiting)
        wait_while_running(markers, stop=lambda: self._stop)
        stop_leftovers(self._orphan_blocks, self._orphan_processes)
        self._orphan_blocks, self._orphan_processes = [], []
        names = []
        for uuid, rec in waiting:
            path = self._job_dir(self.jobs[uuid]) / RESPONSE_FILE
            if not path.exists():
                continue
            try:
                saved = json.loads(path.read_text())
                if (saved["uuid"], saved["index"]) != (uuid, rec.index):
                    continue
                if self.store.query_one({"uuid": uuid, "index": rec.index}, properties=["uuid"], load=False):
                    continue  # stored already, yet not a result (a failed calculation): run it again
                # a response saved by an older naspe names functions where they lived then
                self._finish(self.jobs[uuid], response_from_dict(translate(saved["response"])))
                self.reused.add(uuid)
            except Exception as err:  # unreadable or unstorable: run the job again
                logger.warning("response of %s in %s not used (%s); running it again", rec.name, path, err)
                continue
            names.append(rec.name)
        return names

    def _finish(self, job: Job, response) -> None:
        """Record the response's new jobs, then store the output (in that order: a crash in between reruns it)."""
        rec = self.records[job.uuid]
        if response.replace is not None:
            self._add_flow(response.replace, persist_as_added=True)  # the same uuid comes back as index + 1
        if response.addition is not None:
            self._add_flow(response.addition, persist_as_added=True)
        if response.detour is not None:
            self._add_flow(response.detour, persist_as_added=True)
            self.blockers[job.uuid] = {j.uuid for j in all_jobs(response.detour)}
        if response.stop_children:
            self.stoppers.add(job.uuid)
        if response.stop_jobflow:
            self.flow_stopper = job.uuid
        dynamic = any(x is not None for x in (response.replace, response.addition, response.detour))
        if dynamic or response.stop_children or response.stop_jobflow:
            self._persist()  # new jobs and stop decisions are on disk before the output that made them
        store_output(self.store, job, response.output)
        if response.replace is None:
            rec.state, rec.finished, rec.error = DONE, datetime.now().isoformat(), None
        if response.stop_jobflow:
            for other in self.records.values():
                if other.state == WAITING:
                    other.state, other.error = STOPPED, f"{job.name} stopped the flow"

    def _fail(self, job: Job, err: BaseException) -> None:
        rec = self.records[job.uuid]
        # a job's own error as the worker described it; anything else (a lost worker, a time-out) with its type
        text = str(err) if isinstance(err, JobError) else describe_failure(err)
        logger.warning("%s failed (attempt %d): %s", job.name, rec.attempts, text)
        if rec.attempts <= self.max_retries:
            rec.state, rec.error = WAITING, text
        else:
            rec.state, rec.error, rec.finished = FAILED, text, datetime.now().isoformat()

    # ------------------------------------------------------------------- run
    def request_stop(self, signum: int | None = None, *_args) -> None:
        """Stop submitting, let the driver persist its state and return (what SIGTERM/SIGINT call)."""
        self._stop = True
        if self.stop_signal is None:
            self.stop_signal = signum

    def resume(self, poll_seconds: float = 0.2, progress: Callable[[dict], None] | None = None) -> ManagerReport:
        """Run the flow saved in ``run_dir`` again: finished jobs are skipped, the rest resubmitted."""
        saved = read_state(self.run_dir)
        if saved is None:
            raise FileNotFoundError(f"no flow to resume in {self.run_dir} (no {STATE_FILE})")
        return self.run(load_flow(saved["root"]), poll_seconds, progress)

    def snapshot(self) -> dict:
        """Progress: job counts by state, running job names, elapsed time and a rough time left (s)."""
        return snapshot(self.records, self.job_started, self.config, self._t0)

    def job_started(self, uuid: str) -> bool:
        """True when the running job ``uuid`` has started on its worker (not only been queued)."""
        d = self._job_dir(self.jobs[uuid])
        return (d / RUNNING_FILE).exists() and not (d / RESPONSE_FILE).exists()

    def run(
        self, flow: Flow | Job, poll_seconds: float = 0.2, progress: Callable[[dict], None] | None = None
    ) -> ManagerReport:
        """Run (or resume) ``flow``; returns when every job is final or a stop was requested.

        ``progress`` is called with :meth:`snapshot` about once a second while jobs run.

        Raises
        ------
        RunLocked
            Another process runs the flow of ``run_dir``.
        """
        with hold_lock(self.run_dir), stop_signals(self.dispatch.signals) as stops:
            with stops.on_stop(self.request_stop) if stops is not None else contextlib.nullcontext():
                return self._run(flow, poll_seconds, progress)

    def _run(self, flow: Flow | Job, poll_seconds: float, progress: Callable[[dict], None] | None) -> ManagerReport:
        install_redirects()  # outputs stored before the restructuring decode as the classes they were
        reused = self._load(flow)
        reused += self._recover()
        self._persist()
        report = ManagerReport(reused=reused)
        if not ready_jobs(self.records, self.jobs, self.blockers, self.stoppers, self._parents) or self._stop:
            report.interrupted, report.stop_signal = self._stop, self.stop_signal
            return report.collect(self.records)
        running: dict[Future, Job] = {}
        last_persist = last_progress = 0.0
        self._t0 = time.monotonic()
        watchdog = None
        try:
            self.dispatch.start()
            if not isinstance(self.dispatch, InProcessDispatch):  # Parsl processes outlive a driver killed by -9
                watchdog = start_watchdog(self.run_dir)
            while not self._stop:
                for job in ready_jobs(self.records, self.jobs, self.blockers, self.stoppers, self._parents):
                    if self._stop:
                        break
                    try:
                        running[self._submit(job)] = job
                    except Exception as err:  # inputs that cannot be resolved
                        self._fail(job, err)
                if progress is not None and time.monotonic() - last_progress > 1.0:
                    progress(self.snapshot())
                    last_progress = time.monotonic()
                if time.monotonic() - last_persist > PERSIST_SECONDS or not running:
                    self._persist()  # states only: the store is the truth about finished jobs
                    last_persist = time.monotonic()
                if not running:
                    if any(r.state == WAITING for r in self.records.values()):
                        continue  # failed submissions waiting for their retry
                    break
                finished, _ = wait(list(running), timeout=poll_seconds, return_when=FIRST_COMPLETED)
                for fut in finished:
                    job = running.pop(fut)
                    try:
                        response = response_from_dict(fut.result())
                    except Exception as err:  # the job, its worker or its block failed
                        self._fail(job, err)
                        continue
                    try:
                        self._finish(job, response)
                    except Exception as err:  # an output the store cannot take
                        self._fail(job, err)
        finally:
            report.interrupted, report.stop_signal = self._stop, self.stop_signal
            # jobs still running: Parsl cannot cancel a task (shutting its blocks down ends it), and an in-process
            # job interrupted by Ctrl-C has stopped; either way they run again next time
            for uuid, rec in self.records.items():
                if rec.state == RUNNING:
                    rec.state = WAITING
                    if self.job_started(uuid):
                        report.running_stopped.append(rec.name)
            try:
                self._persist()
            finally:  # a state that cannot be written (a full disk) never leaves the blocks and interchanges running
                self.dispatch.stop()
                if watchdog is not None:
                    watchdog.terminate()
                    watchdog.wait()
            self._persist()  # the blocks and interchanges are gone
        return report.collect(self.records)
