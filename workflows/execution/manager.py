"""Run jobflow Flows through Parsl: locally, on Slurm or on PBS, resumable.

:class:`FlowManager` is naspe's one manager for this machine and for clusters.
It runs any jobflow Flow (naspe's or atomate2's): every job becomes a Parsl app
on the executor of its kind (``md``, ``dft``, ``analysis``; see
:mod:`naspe.workflows.execution.hpc_config`), placed by Parsl on local processes or in
Slurm/PBS blocks. The driver (the process calling :meth:`FlowManager.run`)

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
  ``<run_dir>/flow-state.json`` (written atomically), so that after the driver
  dies or the allocation ends, running again skips the finished jobs (their
  outputs are in the store) and resubmits the rest. A job that finished but
  whose output was not yet written is run again; nothing half-written is ever
  read back.

The state file also records the scheduler job ids of the Parsl blocks of each
executor, for ``naspe status``.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jobflow import Flow, Job, JobStore
from monty.json import MontyEncoder

__all__ = [
    "FlowManager",
    "ManagerReport",
    "JobRecord",
    "read_state",
    "STATE_FILE",
    "execute_job",
    "response_to_dict",
    "response_from_dict",
    "pid_alive",
]

logger = logging.getLogger(__name__)

STATE_FILE = "flow-state.json"
RESPONSE_FILE = "naspe-response.json"
RUNNING_FILE = "naspe-running.json"  # written by the worker when the job starts
ATTEMPTS_FILE = "naspe-attempts.log"  # a line per start of the job
PERSIST_SECONDS = 1.0  # job states are saved at least this often (s) while a flow runs
WAITING, RUNNING, DONE, FAILED, SKIPPED, STOPPED = "waiting", "running", "done", "failed", "skipped", "stopped"
FINAL = (DONE, FAILED, SKIPPED, STOPPED)


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
    """Outcome of :meth:`FlowManager.run`: job names by final state."""

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


class JobError(RuntimeError):
    """A job raised on its worker; the message holds the error and the end of its traceback."""


def execute_job(job: Job, job_dir: str, env: dict[str, str], walltime: float | None = None):
    """Run one job (inputs already resolved) on a worker; returns its ``Response``.

    The output is validated by writing it to a throwaway in-memory store; the
    driver writes the real one. ``walltime`` (s) is Parsl's app time limit: it
    interrupts Python code (``AppTimeout``) but not a blocking call into C or a
    child process; the scheduler's block wall time is the hard limit.
    """
    from jobflow import JobStore as _JobStore
    from maggma.stores import MemoryStore

    saved = {k: os.environ.get(k) for k in env}
    cwd = os.getcwd()
    os.environ.update(env)
    Path(job_dir).mkdir(parents=True, exist_ok=True)
    os.chdir(job_dir)
    import socket

    Path(RUNNING_FILE).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    with open(ATTEMPTS_FILE, "a") as log:  # one line per start: how often this job ran
        log.write(f"{datetime.now().isoformat()} pid {os.getpid()} on {socket.gethostname()}\n")
    try:
        scratch = _JobStore(MemoryStore())
        scratch.connect()
        response = job.run(store=scratch, job_dir=Path(job_dir))
        data = response_to_dict(response)
        # kept beside the job: a driver that died while this ran picks it up instead of running the job again
        tmp = Path(RESPONSE_FILE + ".tmp")
        tmp.write_text(json.dumps({"uuid": job.uuid, "index": job.index, "response": data}, cls=MontyEncoder))
        os.replace(tmp, RESPONSE_FILE)
        return data
    except Exception as err:
        # exceptions can hold unpicklable objects (stores, calculators): send text only
        tail = "".join(traceback.format_exception(type(err), err, err.__traceback__)[-3:])
        raise JobError(f"{type(err).__name__}: {err}\n{tail}") from None
    finally:
        Path(RUNNING_FILE).unlink(missing_ok=True)
        os.chdir(cwd)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


_RESPONSE_FLOWS = ("replace", "addition", "detour")
_RESPONSE_FLAGS = ("stop_children", "stop_jobflow")


def response_to_dict(response) -> dict:
    """A job's ``Response`` as plain JSON-able data (what a worker sends back to the driver)."""
    from monty.json import jsanitize

    data = {"output": jsanitize(response.output, strict=True, enum_values=True, allow_bson=True)}
    for key in _RESPONSE_FLOWS:
        value = getattr(response, key)
        data[key] = None if value is None else value.as_dict()
    for key in _RESPONSE_FLAGS:
        data[key] = bool(getattr(response, key))
    return data


def response_from_dict(data: dict):
    """Inverse of :func:`response_to_dict` (the output stays in its serialised form)."""
    from jobflow import Response
    from monty.json import MontyDecoder

    decoder = MontyDecoder()
    flows = {k: None if data[k] is None else decoder.process_decoded(data[k]) for k in _RESPONSE_FLOWS}
    return Response(output=data["output"], **flows, **{k: data[k] for k in _RESPONSE_FLAGS})


def pid_alive(pid: int) -> bool:
    """True when process ``pid`` runs (exists and is not an exited, unreaped zombie)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # an exited, unreaped process is not running the job
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (OSError, IndexError):
        return True


def _is_interchange(pid: int) -> bool:
    try:
        return b"interchange" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _python_bin_on_path() -> None:
    import sys

    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


def read_state(run_dir: str | Path) -> dict | None:
    """The persisted state of the flow run in ``run_dir`` (None if there is none)."""
    path = Path(run_dir) / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else None


class FlowManager:
    """Run flows through Parsl with the store written only here.

    Parameters
    ----------
    store
        The results store (see :func:`naspe.workflows.execution.store.open_store`).
    run_dir
        Directory for the state file, Parsl's files and the job directories.
    config
        Execution configuration (:class:`naspe.workflows.execution.hpc_config.ExecutionConfig`);
        None: the local defaults.
    max_retries
        Retries per job after its first failure (None: ``config.max_retries``).
    job_walltime
        Enforce each kind's ``walltime`` on every job as a Parsl app time limit.
    """

    def __init__(
        self,
        store: JobStore,
        run_dir: str | Path,
        config=None,
        max_retries: int | None = None,
        job_walltime: bool = True,
    ) -> None:
        from naspe.workflows.execution.hpc_config import load_execution_config

        self.store = store
        self.run_dir = Path(run_dir).resolve()
        self.config = config if config is not None else load_execution_config(None)
        self.max_retries = self.config.max_retries if max_retries is None else max_retries
        if self.max_retries < 0:
            raise ValueError(f"max_retries={self.max_retries}: must be >= 0")
        self.job_walltime = job_walltime
        self.jobs: dict[str, Job] = {}
        self.records: dict[str, JobRecord] = {}
        self.blockers: dict[str, set[str]] = {}  # uuid -> detour jobs its children must also wait for
        self.stoppers: set[str] = set()  # jobs that returned stop_children
        self.root: dict | None = None
        self.added: list[dict] = []
        self._stop = False
        self._apps: dict[str, Callable] = {}
        self._dfk = None
        self._t0 = 0.0
        self._orphan_blocks: list[int] = []
        self._orphan_processes: list[int] = []

    # ----------------------------------------------------------------- state
    def _state_path(self) -> Path:
        return self.run_dir / STATE_FILE

    def _persist(self, dfk=None) -> None:
        blocks: dict[str, list[str]] = {}
        interchanges: list[int] = []
        if dfk is not None:
            for label, ex in dfk.executors.items():
                ids = getattr(ex, "blocks_to_job_id", {}) or {}
                if ids:
                    blocks[label] = [str(v) for v in ids.values()]
                proc = getattr(ex, "interchange_proc", None)
                if proc is not None:
                    interchanges.append(proc.pid)
        state = {
            "root": self.root,
            "added": self.added,
            "records": {u: r.as_dict() for u, r in self.records.items()},
            "stoppers": sorted(self.stoppers),
            "blockers": {u: sorted(b) for u, b in self.blockers.items()},
            "scheduler_jobs": blocks,
            "interchanges": interchanges,
            "scheduler": self.config.scheduler,
            "driver_pid": os.getpid(),
            "updated": datetime.now().isoformat(),
        }
        tmp = self._state_path().with_suffix(".tmp")
        tmp.write_text(json.dumps(state, cls=MontyEncoder))  # Makers hold enums
        os.replace(tmp, self._state_path())

    def _register(self, job: Job) -> None:
        from naspe.workflows.base.kinds import job_kind

        previous = self.records.get(job.uuid)
        name = previous.name if previous is not None else job.name  # a replacement continues the job it replaces
        self.jobs[job.uuid] = job
        self.records[job.uuid] = JobRecord(job.uuid, job.index, name, job_kind(job))

    def _add_flow(self, flow: Flow | Job, persist_as_added: bool) -> None:
        from naspe.workflows.base.identity import all_jobs

        for job in all_jobs(flow):
            if persist_as_added:
                self.added.append(job.as_dict())
            self._register(job)

    def _load(self, flow: Flow | Job) -> list[str]:
        """Set up jobs from ``flow`` and any saved state; returns the names of jobs reused from the store."""
        from monty.json import MontyDecoder

        from naspe.workflows.execution.resumable import finished_output

        self.run_dir.mkdir(parents=True, exist_ok=True)
        saved = read_state(self.run_dir)
        flow_dict = flow.as_dict()
        if saved is not None and saved["root"].get("uuid") == flow_dict.get("uuid"):
            self.root = saved["root"]
            root = MontyDecoder().process_decoded(self.root)
            self._add_flow(root, persist_as_added=False)
            for job_dict in saved["added"]:
                job = MontyDecoder().process_decoded(job_dict)
                self.added.append(job_dict)
                self._register(job)
            if not pid_alive(int(saved.get("driver_pid", 0))):
                # the dead driver's Parsl interchanges (children of the driver, never told to stop) and, when
                # local, its worker pools: nothing will talk to them again
                self._orphan_processes = [p for p in saved.get("interchanges", []) if _is_interchange(p)]
                if saved.get("scheduler") == "local":
                    self._orphan_blocks = [int(p) for ids in saved.get("scheduler_jobs", {}).values() for p in ids]
            self.stoppers = set(saved.get("stoppers", []))
            self.blockers = {u: set(b) for u, b in saved.get("blockers", {}).items()}
            for uuid, rec in saved["records"].items():
                if uuid in self.records and rec["index"] == self.records[uuid].index:
                    r = self.records[uuid]
                    r.attempts = 0 if rec["state"] in (FAILED, SKIPPED) else rec["attempts"]
                    if rec["state"] == STOPPED:
                        r.state = STOPPED
        else:
            self.root = flow_dict
            self._add_flow(flow, persist_as_added=False)
        reused = []
        for uuid, rec in self.records.items():
            if rec.state == STOPPED:
                continue
            if self._stored(uuid, rec.index, finished_output):
                rec.state = DONE
                reused.append(rec.name)
            else:
                rec.state = WAITING
        return reused

    def _stored(self, uuid: str, index: int, finished_output) -> bool:
        doc = self.store.query_one({"uuid": uuid, "index": index}, properties=["uuid"], load=False)
        return doc is not None and finished_output(self.store, uuid) is not None

    # -------------------------------------------------------------- schedule
    def _parents(self, job: Job) -> set[str]:
        return {ref.uuid for ref in job.input_references}

    def _update_waiting(self) -> list[Job]:
        """Mark jobs that can never run; return the jobs ready to submit."""
        from jobflow.core.reference import OnMissing

        ready = []
        changed = True
        while changed:
            changed = False
            ready = []
            for uuid, rec in self.records.items():
                if rec.state != WAITING:
                    continue
                job = self.jobs[uuid]
                parents = self._parents(job)
                for p in list(parents):
                    parents |= self.blockers.get(p, set())
                blocked = False
                for p in parents:
                    prec = self.records.get(p)
                    if prec is None:
                        continue  # an external reference: resolved from the store
                    if p in self.stoppers:
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

    def _app(self, kind: str):
        if kind not in self._apps:
            from parsl import python_app

            self._apps[kind] = python_app(execute_job, executors=[kind], data_flow_kernel=self._dfk)
        return self._apps[kind]

    def _submit(self, job: Job) -> Future:
        rec = self.records[job.uuid]
        rec.state, rec.attempts, rec.started = RUNNING, rec.attempts + 1, datetime.now().isoformat()
        resolved = job.resolve_args(store=self.store, inplace=False)
        env = self.config.settings_env(rec.kind)
        job_dir = self._job_dir(job)
        kwargs: dict[str, Any] = {}
        limit = self.config.resources[rec.kind].walltime_s if self.job_walltime else None
        if limit:
            kwargs["walltime"] = limit
        logger.info("submit %s (%s, %s, attempt %d)", job.name, job.uuid, rec.kind, rec.attempts)
        return self._app(rec.kind)(resolved, str(job_dir), env, **kwargs)

    def _job_dir(self, job: Job) -> Path:
        return self.run_dir / "jobs" / f"{job.uuid}_{job.index}"

    def _wait_for_orphans(self, timeout_seconds: float = 3600.0) -> None:
        """Wait for jobs still running on this host in workers of a driver that died (their marker file)."""
        import socket

        host = socket.gethostname()
        end = time.monotonic() + timeout_seconds
        for uuid, rec in self.records.items():
            marker = self._job_dir(self.jobs[uuid]) / RUNNING_FILE
            if rec.state != WAITING:
                continue
            while marker.exists() and time.monotonic() < end:
                try:
                    info = json.loads(marker.read_text())
                except (OSError, ValueError):
                    break
                if info.get("host") != host or not pid_alive(int(info.get("pid", 0))):
                    break  # another node's worker (its block decides), or a dead process: run it again
                logger.info("waiting for %s, still running in orphaned worker %s", rec.name, info["pid"])
                time.sleep(0.5)

    def _collect_orphans(self) -> list[str]:
        """Finish waiting jobs whose worker completed after the previous driver died (their response file)."""
        self._wait_for_orphans()
        for pid in self._orphan_blocks:  # local worker pools of the dead driver: nothing will talk to them again
            try:
                group = os.getpgid(pid)
                if group != os.getpgrp():  # Parsl starts each local block in a process group of its own
                    os.killpg(group, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
        self._orphan_blocks = []
        for pid in self._orphan_processes:
            try:
                os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
        self._orphan_processes = []
        names = []
        for uuid, rec in list(self.records.items()):
            path = self._job_dir(self.jobs[uuid]) / RESPONSE_FILE
            if rec.state != WAITING or not path.exists():
                continue
            try:
                saved = json.loads(path.read_text())
                if (saved["uuid"], saved["index"]) != (uuid, rec.index):
                    continue
                self._finish(self.jobs[uuid], response_from_dict(saved["response"]))
            except Exception as err:  # unreadable or unstorable: run the job again
                logger.warning("response of %s in %s not used (%s); running it again", rec.name, path, err)
                continue
            names.append(rec.name)
        return names

    def _store_output(self, job: Job, response) -> None:
        from jobflow.core.schemas import JobStoreDocument
        from monty.json import jsanitize

        output = jsanitize(response.output, strict=True, enum_values=True, allow_bson=True)
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
        self.store.update(doc, key=["uuid", "index"], save=save)

    def _finish(self, job: Job, response) -> None:
        """Record the response's new jobs, then store the output (in that order: a crash in between reruns it)."""
        rec = self.records[job.uuid]
        if response.replace is not None:
            self._add_flow(response.replace, persist_as_added=True)  # the same uuid comes back as index + 1
        if response.addition is not None:
            self._add_flow(response.addition, persist_as_added=True)
        if response.detour is not None:
            self._add_flow(response.detour, persist_as_added=True)
            from naspe.workflows.base.identity import all_jobs

            self.blockers[job.uuid] = {j.uuid for j in all_jobs(response.detour)}
        if response.stop_children:
            self.stoppers.add(job.uuid)
        if any(x is not None for x in (response.replace, response.addition, response.detour)) or response.stop_children:
            self._persist()  # new jobs are on disk before the output that created them
        self._store_output(job, response)
        if response.replace is None:
            rec.state, rec.finished, rec.error = DONE, datetime.now().isoformat(), None
        if response.stop_jobflow:
            for other in self.records.values():
                if other.state == WAITING:
                    other.state, other.error = STOPPED, f"{job.name} stopped the flow"

    def _fail(self, job: Job, err: BaseException) -> None:
        rec = self.records[job.uuid]
        text = "".join(traceback.format_exception_only(type(err), err)).strip()
        logger.warning("%s failed (attempt %d): %s", job.name, rec.attempts, text)
        if rec.attempts <= self.max_retries:
            rec.state, rec.error = WAITING, text
        else:
            rec.state, rec.error, rec.finished = FAILED, text, datetime.now().isoformat()

    # ------------------------------------------------------------------- run
    def request_stop(self, *_args) -> None:
        """Stop submitting, let the driver persist its state and exit (SIGTERM/SIGINT handler)."""
        self._stop = True

    def resume(self, poll_seconds: float = 0.2, progress: Callable[[dict], None] | None = None) -> ManagerReport:
        """Run the flow saved in ``run_dir`` again: finished jobs are skipped, the rest resubmitted."""
        from monty.json import MontyDecoder

        saved = read_state(self.run_dir)
        if saved is None:
            raise FileNotFoundError(f"no flow to resume in {self.run_dir} (no {STATE_FILE})")
        return self.run(MontyDecoder().process_decoded(saved["root"]), poll_seconds, progress)

    def snapshot(self) -> dict:
        """Progress: job counts by state, running job names, elapsed time and a rough time left (s)."""
        counts: dict[str, int] = {}
        for rec in self.records.values():
            counts[rec.state] = counts.get(rec.state, 0) + 1
        running, queued = [], 0
        for r in self.records.values():
            if r.state == RUNNING:
                d = self._job_dir(self.jobs[r.uuid])
                if (d / RUNNING_FILE).exists() and not (d / RESPONSE_FILE).exists():
                    running.append(r.name)
                else:
                    queued += 1
        durations: dict[str, list[float]] = {}
        for r in self.records.values():
            if r.state == DONE and r.started and r.finished:
                dt = (datetime.fromisoformat(r.finished) - datetime.fromisoformat(r.started)).total_seconds()
                durations.setdefault(r.kind, []).append(dt)
        left = 0.0
        for kind in {r.kind for r in self.records.values()}:
            todo = sum(1 for r in self.records.values() if r.kind == kind and r.state in (WAITING, RUNNING))
            if todo and durations.get(kind):
                res = self.config.resources[kind]
                slots = max(1, res.workers_per_block * res.max_blocks)
                left += todo * (sum(durations[kind]) / len(durations[kind])) / slots
        known = all(durations.get(r.kind) for r in self.records.values() if r.state in (WAITING, RUNNING))
        return {
            "counts": counts,
            "total": len(self.records),
            "running": running,
            "queued": queued,
            "elapsed_s": time.monotonic() - self._t0 if self._t0 else 0.0,
            "left_s": left if known else None,
        }

    def run(
        self, flow: Flow | Job, poll_seconds: float = 0.2, progress: Callable[[dict], None] | None = None
    ) -> ManagerReport:
        """Run (or resume) ``flow``; returns when every job is final or a stop was requested.

        ``progress`` is called with :meth:`snapshot` about once a second while jobs run.
        """
        import threading

        from parsl import DataFlowKernel

        reused = self._load(flow)
        reused += self._collect_orphans()
        self._persist()
        report = ManagerReport(reused=reused)
        if not self._update_waiting():
            return self._report(report)
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
            for s in previous:
                signal.signal(s, self.request_stop)
        _python_bin_on_path()  # Parsl starts its interchange and workers by script name
        self._dfk = DataFlowKernel(self.config.parsl_config(self.run_dir / "parsl"))
        self._apps = {}
        running: dict[Future, Job] = {}
        last_persist = last_progress = 0.0
        self._t0 = time.monotonic()
        try:
            while not self._stop:
                for job in self._update_waiting():
                    try:
                        running[self._submit(job)] = job
                    except Exception as err:  # inputs that cannot be resolved
                        self._fail(job, err)
                if progress is not None and time.monotonic() - last_progress > 1.0:
                    progress(self.snapshot())
                    last_progress = time.monotonic()
                if time.monotonic() - last_persist > PERSIST_SECONDS or not running:
                    self._persist(self._dfk)  # states only: the store is the truth about finished jobs
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
            if self._stop:
                report.interrupted = True
                for job in running.values():  # Parsl cannot cancel a task; shutting its blocks down ends it
                    self.records[job.uuid].state = WAITING
            self._persist(self._dfk)
            self._dfk.cleanup()
            for s, handler in previous.items():
                signal.signal(s, handler)
        return self._report(report)

    def _report(self, report: ManagerReport) -> ManagerReport:
        for rec in self.records.values():
            if rec.state == DONE and rec.name not in report.reused:
                report.done.append(rec.name)
            elif rec.state == FAILED:
                report.failed[rec.name] = rec.error or ""
            elif rec.state == SKIPPED:
                report.skipped.append(rec.name)
            elif rec.state == STOPPED:
                report.stopped.append(rec.name)
        return report


def wait_for(predicate: Callable[[], bool], timeout_seconds: float, poll_seconds: float = 0.2) -> bool:
    """Poll ``predicate`` until it is true or ``timeout_seconds`` pass (for CLIs and tests)."""
    end = time.monotonic() + timeout_seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(poll_seconds)
    return predicate()
