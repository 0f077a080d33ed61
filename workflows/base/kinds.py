"""Job kinds: which workers (MD, DFT or analysis) run a job, declared where the job is defined.

A Maker says what its jobs are with the class attribute ``job_kind``; a function
job with :func:`runs_on` under its ``@job``; atomate2's VASP and ASE Makers are
DFT. Moving a module never re-routes a job: nothing here looks at module names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeVar, get_args

if TYPE_CHECKING:  # jobflow is not needed to name the kinds (the command line's start-up)
    from jobflow import Job

__all__ = ["JobKind", "KINDS", "job_kind", "runs_on"]

JobKind = Literal["md", "dft", "analysis"]
KINDS: tuple[str, ...] = get_args(JobKind)

F = TypeVar("F", bound=Callable)


def _checked(kind: str, where: str) -> JobKind:
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} is not one of {KINDS}")
    return kind  # type: ignore[return-value]


def runs_on(kind: JobKind) -> Callable[[F], F]:
    """Mark a function job as ``md``, ``dft`` or ``analysis`` work; put it under ``@job``."""

    def mark(function: F) -> F:
        function.naspe_kind = _checked(kind, function.__qualname__)  # type: ignore[attr-defined]
        return function

    return mark


def job_kind(job: Job) -> JobKind:
    """The kind of a jobflow Job: ``md``, ``dft`` or ``analysis``.

    An explicit ``job.metadata["naspe_kind"]`` or ``job.config.manager_config["kind"]``
    wins; then the ``job_kind`` class attribute of the job's Maker (atomate2's VASP
    and ASE Makers are ``dft``); then the mark :func:`runs_on` left on the job's
    function; every other job is ``analysis``.

    Raises
    ------
    ValueError
        When an explicit kind is not one of :data:`KINDS`.
    """
    name = getattr(job, "name", job)
    metadata = getattr(job, "metadata", None) or {}
    config = getattr(job, "config", None)
    manager_config = getattr(config, "manager_config", None) or {}
    override = metadata.get("naspe_kind") or manager_config.get("kind")
    if override is not None:
        return _checked(override, f"job {name!r}")
    maker = getattr(job, "maker", None)
    if maker is not None:
        declared = getattr(type(maker), "job_kind", None)
        if declared is not None:
            return _checked(declared, f"{type(maker).__name__}.job_kind")
        from atomate2.ase.jobs import AseMaker  # atomate2's engine Makers: imported only when a job has a Maker
        from atomate2.vasp.jobs.base import BaseVaspMaker

        return "dft" if isinstance(maker, (AseMaker, BaseVaspMaker)) else "analysis"
    declared = getattr(getattr(job, "function", None), "naspe_kind", None)
    return _checked(declared, f"job {name!r}") if declared is not None else "analysis"
