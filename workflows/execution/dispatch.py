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

from concurrent.futures import Future
from pathlib import Path

from jobflow import Job

from naspe.workflows.execution.processes import python_bin_on_path
from naspe.workflows.execution.worker import execute_job

__all__ = ["ParslDispatch", "InProcessDispatch"]


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

    def start(self) -> None:
        """Start Parsl's DataFlowKernel (the executors; blocks start on demand)."""
        from parsl import DataFlowKernel  # heavy: only when jobs are dispatched through Parsl

        python_bin_on_path()  # Parsl starts its interchange and workers by script name
        self._dfk = DataFlowKernel(self.config.parsl_config(self.parsl_dir))
        self._apps = {}

    def submit(self, kind: str, job: Job, job_dir: Path, env: dict[str, str], walltime: float | None) -> Future:
        """Send ``job`` (inputs resolved) to the executor of ``kind``."""
        if kind not in self._apps:
            from parsl import python_app  # heavy: see start

            self._apps[kind] = python_app(execute_job, executors=[kind], data_flow_kernel=self._dfk)
        kwargs = {"walltime": walltime} if walltime else {}
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

    def stop(self) -> None:
        """Shut the executors and their blocks down (a running task ends with its block)."""
        if self._dfk is not None:
            self._dfk.cleanup()
            self._dfk = None


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

    def stop(self) -> None:
        """Nothing to stop."""
