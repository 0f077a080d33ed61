"""The cases of each suite, by name: what ``naspe validate dft|md`` runs.

Each suite's cases live in one module that defines ``CASES``, a tuple of
:class:`~naspe.workflows.validation.cases.ValidationCase`:

- ``dft``: :mod:`naspe.workflows.validation.dft_cases` (GPAW and CP2K);
- ``md``: :mod:`naspe.workflows.validation.md_cases` (LAMMPS).

A suite's module is imported on first use (the DFT cases import the GPAW Makers'
modules, not GPAW itself). To add a case, append it to the module's ``CASES``:
names must be unique within the suite, ``suite`` must match, and the case's
``make()`` must return a Flow whose output is a
:class:`~naspe.workflows.validation.documents.ValidationDocument` (the case's
last job); see :mod:`~naspe.workflows.validation.dft_cases` for examples.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from naspe.workflows.validation.cases import MD_MODELS, SUITES, ValidationCase

__all__ = ["SUITE_MODULES", "suite_cases", "select_cases", "get_case"]

#: suite -> the module whose ``CASES`` it runs
SUITE_MODULES = {"dft": "naspe.workflows.validation.dft_cases", "md": "naspe.workflows.validation.md_cases"}


def _check_suite(suite: str) -> None:
    if suite not in SUITES:
        raise ValueError(f"suite {suite!r}: allowed are {', '.join(SUITES)}")


def suite_cases(suite: str) -> dict[str, ValidationCase]:
    """Name -> case of ``suite``, in definition order; empty when the suite's module does not exist yet.

    Raises
    ------
    ValueError
        An unknown suite, two cases of one name, or a case of another suite in the module.
    """
    _check_suite(suite)
    name = SUITE_MODULES[suite]
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name == name:  # the suite's module is not written yet; a missing dependency inside it is raised
            return {}
        raise
    cases: dict[str, ValidationCase] = {}
    for case in module.CASES:
        if case.suite != suite:
            raise ValueError(f"{name}: case {case.name!r} is of suite {case.suite!r}, not {suite!r}")
        if case.name in cases:
            raise ValueError(f"{name}: two cases are named {case.name!r}")
        cases[case.name] = case
    return cases


def select_cases(
    suite: str, names: Iterable[str] | None = None, cheap: bool = False, engine: str | None = None
) -> list[ValidationCase]:
    """The cases of ``suite`` to run: all, or those named (in the order given), only the cheap ones with ``cheap``.

    ``engine`` keeps the cases of one engine (``gpaw``, ``cp2k``); None: every engine's.

    Raises
    ------
    ValueError
        One line naming a case that is not in the suite and the allowed names, a
        named case that is not cheap when ``cheap`` is asked for, or an engine no case runs on.
    """
    available = suite_cases(suite)
    if engine is not None:
        engines = sorted({c.engine for c in available.values()})
        if engine not in engines:
            raise ValueError(f"--engine {engine}: the {suite} cases run on {', '.join(engines)}")
        available = {n: c for n, c in available.items() if c.engine == engine}
    if names is None:
        chosen = list(available.values())
    else:
        names = list(dict.fromkeys(names))
        unknown = [n for n in names if n not in available]
        if unknown:
            allowed = ", ".join(available) or "none registered yet"
            raise ValueError(f"--cases {','.join(unknown)}: not a {suite} case; allowed are {allowed}")
        chosen = [available[n] for n in names]
    if cheap:
        if names is not None:
            costly = [c.name for c in chosen if c.cost != "cheap"]
            if costly:
                cheap_names = ", ".join(c.name for c in available.values() if c.cost == "cheap") or "none"
                raise ValueError(
                    f"--cases {','.join(costly)} with --cheap: not cheap cases; "
                    f"the cheap {suite} cases are {cheap_names}"
                )
        chosen = [c for c in chosen if c.cost == "cheap"]
    return chosen


def get_case(suite: str, name: str) -> ValidationCase:
    """The case ``name`` of ``suite`` (ValueError naming the allowed names).

    A variant's name resolves too: ``<case>@<model>`` (:meth:`ValidationCase.with_model`, e.g.
    ``g1-density@clpol``) and ``<case>@q<scaling>`` (:meth:`ValidationCase.with_ion_charge_scaling`).
    """
    base, _, variant = name.partition("@")
    case = select_cases(suite, [base])[0]
    if not variant:
        return case
    if variant in MD_MODELS:
        return case.with_model(variant)
    try:
        scaling = float(variant.removeprefix("q")) if variant.startswith("q") else None
    except ValueError:
        scaling = None
    if scaling is None:
        raise ValueError(
            f"case {name!r}: @{variant} is neither a model ({', '.join(MD_MODELS)}) nor an ion charge scaling (@q0.8)"
        )
    return case.with_ion_charge_scaling(scaling)
