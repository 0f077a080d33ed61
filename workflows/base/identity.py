"""Content-addressed jobs: the same computation asked for twice is the same job.

A job made with :func:`with_content_uuid` gets a UUID derived from what it
computes (the Maker with all its settings, and its inputs), so the same
relaxation asked for twice, by a rerun or by two flows, is the same job, and a
runner that finds its output in the store skips it.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from typing import Any

from jobflow import Flow, Job

from naspe.workflows.base import schema_access

schema_access.install()  # flow building checks reference attributes against cached schemas

__all__ = ["content_uuid", "with_content_uuid", "all_jobs"]

NAMESPACE = uuid_module.UUID("6f1c1a52-5b0e-4c1e-9a55-6e6173706521")  # naspe's uuid5 namespace


def content_uuid(*parts: Any) -> str:
    """UUID5 of the canonical JSON of ``parts`` (Makers, structures, references, numbers)."""
    from monty.json import jsanitize

    text = json.dumps(jsanitize(list(parts), strict=True, enum_values=True, allow_bson=False), sort_keys=True)
    return str(uuid_module.uuid5(NAMESPACE, hashlib.sha256(text.encode()).hexdigest()))


def with_content_uuid(job: Job, *extra: Any) -> Job:
    """Give ``job`` the UUID of its Maker, function and arguments (plus ``extra``); returns ``job``.

    Call it before the job's output is used by another job.
    """
    maker = getattr(job, "maker", None)
    job.set_uuid(
        content_uuid(
            maker.as_dict() if maker is not None else job.function.__qualname__,
            job.function.__name__,
            list(job.function_args),
            dict(job.function_kwargs),
            *extra,
        )
    )
    return job


def all_jobs(flow: Flow | Job | list) -> list[Job]:
    """Every job of a (nested) flow, a job, or a list of them, in definition order."""
    if isinstance(flow, Job):
        return [flow]
    jobs: list[Job] = []
    for item in flow if isinstance(flow, list) else flow.jobs:
        jobs.extend(all_jobs(item))
    return jobs
