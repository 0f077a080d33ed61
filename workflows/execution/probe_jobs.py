"""Small jobs that exercise an execution set-up (and the manager's tests and benchmark).

``naspe config check FILE --probe`` and the tests submit these through
:class:`~naspe.workflows.execution.manager.FlowManager` to see that blocks start, the
environment of each job kind arrives, outputs come back and dynamic flows work,
without spending time in an engine.
"""

from __future__ import annotations

import os
import socket
import time

from jobflow import Flow, Response, job

__all__ = [
    "noop",
    "payload",
    "length",
    "add",
    "where",
    "fan_out",
    "total",
    "sleep",
    "fail",
    "failed_document",
    "probe_flow",
]


@job
def noop() -> None:
    """Do nothing (dispatch overhead)."""
    return None


@job
def payload(i: int, kib: int = 8) -> dict:
    """A document of about ``kib`` KiB (a stand-in for a calculation's output)."""
    return {"i": i, "values": [float(i)] * (kib * 128)}


@job
def length(document: dict) -> int:
    """The number of values of a :func:`payload` document (a job that reads another's output)."""
    return len(document["values"])


@job
def add(a: float, b: float) -> float:
    """Sum of two numbers."""
    return a + b


@job
def where() -> dict:
    """Host, process, working directory and naspe environment of the worker."""
    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
        "pbs_job_id": os.environ.get("PBS_JOBID"),
        "env": {k: v for k, v in os.environ.items() if k.startswith("NASPE_") or k == "OMP_NUM_THREADS"},
    }


@job
def fan_out(n: int, offset: float = 100.0) -> Response:
    """Replace itself by ``n`` additions whose outputs become its output (a dynamic flow)."""
    jobs = [add(i, offset) for i in range(n)]
    return Response(replace=Flow(jobs, output=[j.output for j in jobs]))


@job
def total(values: list[float]) -> float:
    """Sum of a list."""
    return float(sum(values))


@job
def sleep(seconds: float, marker: str | None = None, after: object = None, release: str | None = None) -> float:
    """Sleep ``seconds`` (s); append a line to ``marker`` (a file) first, to count how often it ran.

    ``after`` is ignored: pass another job's output to run after it. ``release``: a file whose
    appearance ends the sleep early (polled every 0.1 s), so a test holds a job exactly as long as it needs.
    """
    if marker:
        with open(marker, "a") as fh:
            fh.write(f"{os.getpid()}\n")
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (release and os.path.exists(release)):
        time.sleep(min(0.1, max(0.0, end - time.monotonic())))
    return seconds


@job
def fail(message: str = "probe failure") -> None:
    """Raise RuntimeError(message)."""
    raise RuntimeError(message)


@job
def failed_document(message: str = "probe: SCF not converged") -> Response:
    """A calculation that failed: a document saying why (``error``), and its children stopped (as the engines do)."""
    return Response(output={"state": "failed", "error": message}, stop_children=True)


def probe_flow(kinds: tuple[str, ...] = ("md", "dft", "analysis")) -> Flow:
    """A ``where`` job on each job kind, plus a two-way dynamic fan-out and its sum."""
    jobs = []
    for kind in kinds:
        j = where()
        j.name = f"where {kind}"
        j.metadata["naspe_kind"] = kind
        jobs.append(j)
    spread = fan_out(2)
    jobs += [spread, total(spread.output)]
    return Flow(jobs, name="naspe probe")
