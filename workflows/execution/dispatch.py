"""How the flow manager hands a job to a worker: through Parsl, or in its own process.

Both dispatchers take the same arguments and return a ``Future`` whose result
is the job's response as data (:func:`~naspe.workflows.execution.worker.execute_job`);
everything else (dependencies, skipping finished jobs, retries, failure
records, store writes) is the manager's, the same for both.

- :class:`ParslDispatch`: one HighThroughputExecutor per job kind, local
  processes or Slurm/PBS blocks, as the execution configuration says. Jobs run
  in parallel, each kind's ``walltime`` is enforced per job. Starting the
  executors costs a few seconds (an interchange per kind, then the blocks).
- :class:`InProcessDispatch`: the job runs in the driver's process, one after
  another, no start-up cost and no per-job time limit. What the command-line
  calculations of one interface (``naspe adhesion``, ``naspe bonding``), the
  examples and the tests use.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import traceback
from concurrent.futures import Future
from pathlib import Path

from jobflow import Job

from naspe.workflows.execution.processes import ProcessId, python_bin_on_path, stop_leftovers, stop_marked
from naspe.workflows.execution.worker import execute_job

__all__ = ["ParslDispatch", "InProcessDispatch", "describe_failure"]

logger = logging.getLogger(__name__)

#: longest wait (s) for Parsl's own shut-down; whatever is left then is stopped by naspe
SHUTDOWN_SECONDS = 20.0
#: set in every job's environment (the run directory): how the processes a job started are found at a stop
JOB_MARK = "NASPE_RUN_DIR"


#: Parsl's errors for a worker whose block is gone (node failure, the scheduler's time limit, scancel):
#: a lost heartbeat (ManagerLost, WorkerLost) or the scheduler no longer listing the block (BadStateException)
_LOST_WORKER_ERRORS = frozenset({"ManagerLost", "WorkerLost", "BadStateException"})


def describe_failure(err: BaseException) -> str:
    """One line on why a job failed outside its own code, as a user reads it in ``naspe status``.

    A worker that vanished reads ``worker lost (its block ended: node failure,
    scheduler time limit or cancellation): <Parsl's words>``, whichever of
    Parsl's ways of noticing it came first; any other error keeps its type.
    """
    text = "".join(traceback.format_exception_only(err)).strip()
    if any(cls.__name__ in _LOST_WORKER_ERRORS for cls in type(err).__mro__):
        return f"worker lost (its block ended: node failure, scheduler time limit or cancellation): {text}"
    return text


def _stop_started_executors(executors) -> None:
    """Stop the interchanges that executors of a DataFlowKernel which failed to start have already started."""
    for ex in executors:
        proc = getattr(ex, "interchange_proc", None)
        if proc is None:
            continue
        try:
            proc.terminate()
            proc.wait(timeout=5) if hasattr(proc, "wait") else proc.join(5)
        except Exception:  # already gone, or deaf to SIGTERM
            with contextlib.suppress(Exception):
                proc.kill()


class ParslDispatch:
    """Jobs go to the Parsl executor of their kind (see :meth:`ExecutionConfig.parsl_config`).

    Parameters
    ----------
    config
        The execution configuration.
    parsl_dir
        Parsl's run directory (logs, submit scripts).
    """

    signals = True  # the driver only waits: SIGTERM/SIGINT ask it to stop cleanly

    def __init__(self, config, parsl_dir: Path) -> None:
        self.config = config
        self.parsl_dir = parsl_dir
        self._dfk = None
        self._apps: dict[str, object] = {}
        self._ids: dict[int, ProcessId] = {}  # pid -> the process first seen under it

    def start(self) -> None:
        """Start Parsl's DataFlowKernel (the executors; blocks start on demand)."""
        from parsl import DataFlowKernel  # heavy: only when jobs are dispatched through Parsl

        python_bin_on_path()  # Parsl starts its interchange and workers by script name
        config = self.config.parsl_config(self.parsl_dir)
        try:
            self._dfk = DataFlowKernel(config)
        except BaseException:  # e.g. a full disk while the second executor writes its keys: the first one runs
            _stop_started_executors(config.executors)
            raise
        self._apps = {}

    def submit(self, kind: str, job: Job, job_dir: Path, env: dict[str, str], walltime: float | None) -> Future:
        """Send ``job`` (inputs resolved) to the executor of ``kind``."""
        if kind not in self._apps:
            from parsl import python_app  # heavy: see start

            label = self.config.executor_label(kind)  # MD and DFT may share one local pool
            self._apps[kind] = python_app(execute_job, executors=[label], data_flow_kernel=self._dfk)
        kwargs = {"walltime": walltime} if walltime else {}
        env = {**env, JOB_MARK: str(self.parsl_dir.parent)}
        return self._apps[kind](job, str(job_dir), env, **kwargs)

    def blocks(self) -> tuple[dict[str, list[str]], list[int]]:
        """Scheduler job ids of the blocks by kind, and the interchange process ids."""
        blocks: dict[str, list[str]] = {}
        interchanges: list[int] = []
        if self._dfk is not None:
            for label, ex in self._dfk.executors.items():
                ids = getattr(ex, "blocks_to_job_id", {}) or {}
                if ids:
                    blocks[label] = [str(v) for v in ids.values()]
                proc = getattr(ex, "interchange_proc", None)
                if proc is not None:
                    interchanges.append(proc.pid)
        return blocks, interchanges

    def processes(self) -> dict[str, list[dict]]:
        """The interchanges and (local scheduler) the block processes as :class:`ProcessId` records."""
        blocks, interchanges = self.blocks()
        local = [int(p) for ids in blocks.values() for p in ids] if self.config.scheduler == "local" else []

        def ident(pid: int) -> dict:
            if pid not in self._ids:
                self._ids[pid] = ProcessId.of(pid)  # the start time of the process first seen under this pid
            return self._ids[pid].as_dict()

        return {"interchanges": [ident(p) for p in interchanges], "blocks": [ident(p) for p in local]}

    def stop(self, timeout_seconds: float = SHUTDOWN_SECONDS) -> None:
        """Shut the executors and their blocks down (a running task ends with its block), within a bounded time.

        Parsl's clean-up talks to the interchanges without a time limit; when it
        has not finished after ``timeout_seconds`` (s), the interchanges and the
        local blocks it started are stopped here (SIGTERM, then SIGKILL), as are,
        on this machine, the processes of the run's jobs that left their block's
        process group (their environment names the run: ``NASPE_RUN_DIR``).
        """
        if self._dfk is None:
            return
        procs = self.processes()
        dfk, self._dfk = self._dfk, None
        done = threading.Event()

        def cleanup() -> None:
            try:
                dfk.cleanup()
            except Exception as err:  # whatever went wrong in Parsl, its processes are stopped below
                logger.warning("Parsl clean-up failed: %s: %s", type(err).__name__, err)
            finally:
                done.set()

        threading.Thread(target=cleanup, name="naspe-parsl-cleanup", daemon=True).start()
        if not done.wait(timeout_seconds):
            logger.warning("Parsl did not shut down within %.0f s; stopping its processes", timeout_seconds)
        stop_leftovers(
            [ProcessId.from_dict(p) for p in procs["blocks"]], [ProcessId.from_dict(p) for p in procs["interchanges"]]
        )
        if self.config.scheduler == "local":  # job processes in sessions of their own (MPI proxies and ranks)
            stop_marked(JOB_MARK, str(self.parsl_dir.parent))


class InProcessDispatch:
    """Jobs run in this process, one at a time, as they are submitted (no per-job time limit)."""

    signals = False  # a job runs in this process: Ctrl-C interrupts it, the state on disk stays valid

    def start(self) -> None:
        """Nothing to start."""

    def submit(self, kind: str, job: Job, job_dir: Path, env: dict[str, str], walltime: float | None) -> Future:
        """Run ``job`` now; the returned future is already done (its result or its error)."""
        future: Future = Future()
        try:
            future.set_result(execute_job(job, str(job_dir), env))
        except Exception as err:  # the job's failure, recorded by the manager like a worker's
            future.set_exception(err)
        return future

    def blocks(self) -> tuple[dict[str, list[str]], list[int]]:
        """No blocks, no interchanges."""
        return {}, []

    def processes(self) -> dict[str, list[dict]]:
        """No processes of its own."""
        return {"interchanges": [], "blocks": []}

    def stop(self) -> None:
        """Nothing to stop."""
