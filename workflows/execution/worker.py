"""One job on a worker: run it with its inputs resolved, and hand its ``Response`` back as plain data.

:func:`execute_job` is what a Parsl worker (or, in-process, the driver itself)
calls. It never touches the results store: it runs the job in its own
directory, validates the output against a throwaway in-memory store and
returns the response as JSON-able data (:func:`response_to_dict`). Beside the
job it leaves

- ``naspe-running.json`` while it runs (its process as a
  :class:`~naspe.workflows.execution.processes.ProcessId`: PID, start time, boot
  id, host), so a driver that resumes after a crash knows the job is still
  running somewhere, and is not fooled by a PID reused since;
- ``naspe-response.json`` when it has finished (written atomically), so that
  driver stores the result instead of running the job again;
- ``naspe-attempts.log``, a line per start: how often the job ran.
"""

from __future__ import annotations

import json
import os
import socket
import traceback
from datetime import datetime
from pathlib import Path

from jobflow import Job, JobStore, Response
from maggma.stores import MemoryStore
from monty.json import MontyDecoder, MontyEncoder, jsanitize

from naspe.analysis.output_files import write_text_replacing
from naspe.workflows.execution.processes import ProcessId

__all__ = [
    "RESPONSE_FILE",
    "RUNNING_FILE",
    "ATTEMPTS_FILE",
    "JobError",
    "execute_job",
    "response_to_dict",
    "response_from_dict",
]

RESPONSE_FILE = "naspe-response.json"
RUNNING_FILE = "naspe-running.json"  # written by the worker when the job starts
ATTEMPTS_FILE = "naspe-attempts.log"  # a line per start of the job

_RESPONSE_FLOWS = ("replace", "addition", "detour")
_RESPONSE_FLAGS = ("stop_children", "stop_jobflow")


class JobError(RuntimeError):
    """A job raised on its worker; the message holds the error and the end of its traceback."""


def execute_job(job: Job, job_dir: str, env: dict[str, str], walltime: float | None = None) -> dict:
    """Run one job (inputs already resolved) in ``job_dir`` with ``env`` set; returns its ``Response`` as data.

    Parameters
    ----------
    job
        The job, its references already resolved.
    job_dir
        Absolute directory the job runs in (created).
    env
        Environment variables set while the job runs (restored afterwards).
    walltime
        Parsl's app time limit (s); Parsl reads it, the job does not. It
        interrupts Python code (``AppTimeout``) but not a blocking call into C or
        a child process; the scheduler's block wall time is the hard limit.

    Raises
    ------
    JobError
        The job raised; the message holds its error and the end of its traceback.
    """
    saved = {k: os.environ.get(k) for k in env}
    cwd = os.getcwd()
    os.environ.update(env)
    Path(job_dir).mkdir(parents=True, exist_ok=True)
    os.chdir(job_dir)
    write_text_replacing(RUNNING_FILE, json.dumps(ProcessId.current().as_dict()))
    with open(ATTEMPTS_FILE, "a") as log:  # one line per start: how often this job ran
        log.write(f"{datetime.now().isoformat()} pid {os.getpid()} on {socket.gethostname()}\n")
    try:
        scratch = JobStore(MemoryStore())
        scratch.connect()
        response = job.run(store=scratch, job_dir=Path(job_dir))
        data = response_to_dict(response)
        # kept beside the job: a driver that died while this ran picks it up instead of running the job again
        saved_response = {"uuid": job.uuid, "index": job.index, "response": data}
        write_text_replacing(RESPONSE_FILE, json.dumps(saved_response, cls=MontyEncoder))
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


def response_to_dict(response) -> dict:
    """A job's ``Response`` as plain JSON-able data (what a worker sends back to the driver)."""
    data = {"output": jsanitize(response.output, strict=True, enum_values=True, allow_bson=True)}
    for key in _RESPONSE_FLOWS:
        value = getattr(response, key)
        data[key] = None if value is None else value.as_dict()
    for key in _RESPONSE_FLAGS:
        data[key] = bool(getattr(response, key))
    return data


def response_from_dict(data: dict):
    """Inverse of :func:`response_to_dict` (the output stays in its serialised form)."""
    decoder = MontyDecoder()
    flows = {k: None if data[k] is None else decoder.process_decoded(data[k]) for k in _RESPONSE_FLOWS}
    return Response(output=data["output"], **flows, **{k: data[k] for k in _RESPONSE_FLAGS})
