"""The filters of ``naspe query``: each value checked against what exists, before the store is opened.

A filter that can match nothing is a mistake, not an empty answer: ``--engine cp2k``,
``--state exploded``, ``--element Xx``, ``--tmin-c 80 --tmax-c 30`` or NaN are refused in one
line naming the option, the value and what is allowed, instead of "no results match". The
allowed names come from where they are defined: engines from the engine registry (MD results
are LAMMPS'), job states from the flow manager, components from the campaign settings,
elements from the XPS classes, salts from the ion catalogue, presets from the campaign presets.
"""

from __future__ import annotations

from typing import Annotated

import typer

from naspe.structures.bounds import TEMPERATURE_C, TEMPERATURE_K
from naspe.workflows.cli.common import fail
from naspe.workflows.cli.options import one_of, within
from naspe.workflows.dft.engine_names import ENGINE_NAMES

__all__ = [
    "MD_ENGINES",
    "SaltOpt",
    "MdEngineOpt",
    "CoreLevelEngineOpt",
    "DftEngineOpt",
    "PresetOpt",
    "StateOpt",
    "ComponentOpt",
    "ElementOpt",
    "TminCOpt",
    "TmaxCOpt",
    "TminKOpt",
    "TmaxKOpt",
    "check_output_form",
    "check_temperatures",
    "check_fits_filters",
]

#: the engine of the MD results (the transport analyses of LAMMPS runs)
MD_ENGINES = ("lammps",)


def _salts() -> tuple[str, ...]:
    from naspe.structures.ions import SALTS

    return tuple(SALTS)


def _presets() -> tuple[str, ...]:
    from naspe.workflows.campaign.presets import CAMPAIGN_PRESETS

    return tuple(CAMPAIGN_PRESETS)


def _states() -> tuple[str, ...]:
    from naspe.workflows.execution.state import DONE, FAILED, RUNNING, SKIPPED, STOPPED, WAITING

    return (WAITING, RUNNING, DONE, FAILED, SKIPPED, STOPPED)


def _components() -> tuple[str, ...]:
    """The campaign's parts that can be switched on (``component`` metadata of their jobs), and its summary."""
    from naspe.workflows.campaign.settings import CampaignSettings

    parts = []
    for name, info in CampaignSettings.model_fields.items():
        fields = getattr(info.annotation, "model_fields", {})
        if "enabled" in fields:
            parts.append(name)
    return (*parts, "summary")


def _elements() -> tuple[str, ...]:
    from naspe.analysis.xps import ELEMENTS

    return tuple(ELEMENTS)


SaltOpt = Annotated[str | None, typer.Option(help="Salt, e.g. NaFSI (job metadata)", callback=one_of(_salts))]
MdEngineOpt = Annotated[str | None, typer.Option(help="Engine: lammps (the MD)", callback=one_of(MD_ENGINES))]
#: the engine of the core-level results (GPAW's Delta-SCF)
CORE_LEVEL_ENGINES = ("gpaw",)
CoreLevelEngineOpt = Annotated[
    str | None, typer.Option(help="Engine: gpaw (Delta-SCF core levels)", callback=one_of(CORE_LEVEL_ENGINES))
]
DftEngineOpt = Annotated[
    str | None, typer.Option(help=f"Engine: {', '.join(ENGINE_NAMES)}", callback=one_of(ENGINE_NAMES))
]
PresetOpt = Annotated[str | None, typer.Option(help="Preset: quick, standard, production", callback=one_of(_presets))]
StateOpt = Annotated[
    str | None,
    typer.Option(help="waiting, running, done, failed, skipped, stopped", callback=one_of(_states)),
]
ComponentOpt = Annotated[
    str | None,
    typer.Option(help="conductivity, adhesion, bonding, core_levels, summary", callback=one_of(_components)),
]
ElementOpt = Annotated[str | None, typer.Option(help="C or O", callback=one_of(_elements))]
TminCOpt = Annotated[
    float | None, typer.Option("--tmin-c", help="Lowest temperature (°C)", callback=within(TEMPERATURE_C))
]
TmaxCOpt = Annotated[
    float | None, typer.Option("--tmax-c", help="Highest temperature (°C)", callback=within(TEMPERATURE_C))
]
TminKOpt = Annotated[
    float | None, typer.Option("--tmin-k", help="Lowest temperature (K)", callback=within(TEMPERATURE_K))
]
TmaxKOpt = Annotated[
    float | None, typer.Option("--tmax-k", help="Highest temperature (K)", callback=within(TEMPERATURE_K))
]


def check_output_form(as_json: bool, as_csv: bool) -> None:
    """One line and exit 2 when both ``--json`` and ``--csv`` are given."""
    if as_json and as_csv:
        fail("give at most one of --json and --csv")


def check_temperatures(tmin_c: float | None, tmax_c: float | None, tmin_k: float | None, tmax_k: float | None) -> None:
    """One line and exit 2 for an end given twice (°C and K) or a lowest temperature above the highest."""
    for end, c, k in (("lowest", tmin_c, tmin_k), ("highest", tmax_c, tmax_k)):
        if c is not None and k is not None:
            option = "min" if end == "lowest" else "max"
            fail(f"--t{option}-c {c:g} and --t{option}-k {k:g}: give the {end} temperature once, in °C or in K")
    low = ("--tmin-c", tmin_c, tmin_c + 273.15) if tmin_c is not None else ("--tmin-k", tmin_k, tmin_k)
    high = ("--tmax-c", tmax_c, tmax_c + 273.15) if tmax_c is not None else ("--tmax-k", tmax_k, tmax_k)
    if low[1] is not None and high[1] is not None and low[2] > high[2]:
        fail(f"{low[0]} {low[1]:g} is above {high[0]} {high[1]:g}: no temperature lies in that range")


def check_fits_filters(**given) -> None:
    """One line and exit 2 when a filter the fits do not have (option name -> value) is given with ``--fits``."""
    for option, value in given.items():
        if value is not None:
            fail(f"--fits with {option} {value}: a fit spans every temperature of a summary; leave {option} out")
