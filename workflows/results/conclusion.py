"""The rules that turn the report's numbers into the conclusion's sentences.

Each rule is a small function ``rule(results) -> list[Paragraph]`` (an empty list: the
rule has nothing to say) over :class:`Results`, the rows of the query tables; a
paragraph is a tuple of segments (text and :class:`~naspe.workflows.results.report_format.Num`,
so every number stays linked to its job). :data:`RULES` lists them in the order of the
conclusion. The thresholds they use are module constants, each with the source it
relies on:

- :data:`CONDUCTIVITY_WINDOWS`, :data:`AGREEMENT_DECADES`: measured conductivity of
  PEO20NaFSI, ~1e-7 S/cm at 30 °C and ~1e-4 S/cm at 60-80 °C (Zhao et al., Angew. Chem.
  Int. Ed. 58 (2019) 17026; approximate, hence agreement within half a decade);
- :data:`CARBON_CLASSES`: the substrates Zhao et al. find PEO20NaFSI bonded to (the
  carbon of the Na/C anode) against Na foil, from which it delaminates;
- :data:`CARBONYL_ENVIRONMENTS`: the C=O signature of that bond, C 1s near 289 eV
  (:data:`naspe.workflows.results.study.PAPER_XPS_EV`);
- the quick preset's MD budgets from :data:`naspe.workflows.flows.conductivity.makers.CONDUCTIVITY_PRESETS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from naspe.workflows.results.conclusion_dft import (
    CARBON_CLASSES,
    CARBONYL_ENVIRONMENTS,
    bond_phrase,
    core_levels_vs_xps,
    na_on_carbon,
    strongest_binding,
    substrate_comparison,
)
from naspe.workflows.results.report_format import Segment, join, num, rows
from naspe.workflows.results.study import PAPER_30C, PAPER_HOT, ZHAO_2019
from naspe.workflows.results.validation_evidence import validation_sentence

__all__ = [
    "Results",
    "Paragraph",
    "ConductivityWindow",
    "CONDUCTIVITY_WINDOWS",
    "AGREEMENT_DECADES",
    "CARBON_CLASSES",
    "CARBONYL_ENVIRONMENTS",
    "RULES",
    "conclusion",
    "bond_phrase",
    "substrate_comparison",
    "na_on_carbon",
    "strongest_binding",
    "core_levels_vs_xps",
    "conductivity_window_sentence",
    "diffusive_sentence",
    "conductivity_vs_paper",
    "preset_limits",
]

#: one paragraph of the conclusion
Paragraph = tuple[Segment, ...]


@dataclass(frozen=True)
class Results:
    """The rows (dicts, NaN as None) of the query tables the conclusion reads; each defaults to none."""

    cond: list[dict] = field(default_factory=list)
    adhesion: list[dict] = field(default_factory=list)
    bonds: list[dict] = field(default_factory=list)
    core: list[dict] = field(default_factory=list)
    validation: list[dict] = field(default_factory=list)

    @classmethod
    def of(cls, cond, adhesion, bonds, core, validation=None) -> Results:
        """From the query DataFrames (or lists of row dicts); ``validation``: the validation table's rows."""
        return cls(rows(cond), rows(adhesion), rows(bonds), rows(core), [] if validation is None else rows(validation))


@dataclass(frozen=True)
class ConductivityWindow:
    """A temperature window (K) in which simulated σ_EH is compared with a measured conductivity (S/cm)."""

    label: str
    t_min_K: float
    t_max_K: float
    measured_S_cm: float
    reference: str = ZHAO_2019


#: where simulated conductivities meet the paper's (Zhao et al. 2019, approximate): 30 °C ± 5 K, 60-80 °C ± 1 K
CONDUCTIVITY_WINDOWS = (
    ConductivityWindow("30 °C", PAPER_30C[0] - 5.0, PAPER_30C[0] + 5.0, PAPER_30C[1]),
    ConductivityWindow("60-80 °C", PAPER_HOT[0] - 1.0, PAPER_HOT[1] + 1.0, PAPER_HOT[2]),
)
#: |log10(σ_sim / σ_measured)| up to which the simulation "agrees" (the measured values are order-of-magnitude)
AGREEMENT_DECADES = 0.5


def _with_sigma(cond: list[dict]) -> list[dict]:
    return [r for r in cond if r["sigma_eh_S_cm"] is not None and r["sigma_eh_S_cm"] > 0]


def conductivity_window_sentence(cond: list[dict], window: ConductivityWindow) -> Paragraph:
    """The log10-mean σ_EH (S/cm) of the diffusive runs inside ``window`` against the measured value.

    Runs that did not reach the diffusive regime (or do not say) are not converged: they are named, not compared.
    """
    inside = [r for r in _with_sigma(cond) if window.t_min_K <= r["temperature_K"] <= window.t_max_K]
    pts = [r for r in inside if r.get("diffusive") is True]
    measured = window.measured_S_cm
    if not pts:
        if inside:
            return (
                f"At {window.label} the simulated Einstein-Helfand conductivity (",
                *join([(num(r["sigma_eh_S_cm"], r["job_uuid"]), " S/cm") for r in inside], ", "),
                f") is not converged (the MD did not reach the diffusive regime), so it is not compared with the "
                f"measured ~{measured:.0e} S/cm.",
            )
        return (f"No simulated point near {window.label} to compare with the measured ~{measured:.0e} S/cm.",)
    values = join(
        [(num(r["sigma_eh_S_cm"], r["job_uuid"]), f" S/cm at {r['temperature_C']:.0f} °C") for r in pts], ", "
    )
    diff = float(np.mean([math.log10(r["sigma_eh_S_cm"]) for r in pts])) - math.log10(measured)
    uuids = [r["job_uuid"] for r in pts]
    size = num(abs(diff), uuids[0], ".1f", uuids)
    if abs(diff) <= AGREEMENT_DECADES:
        verdict = (f"agrees with the measured ~{measured:.0e} S/cm (within ", size, " orders of magnitude)")
    else:
        side = "above" if diff > 0 else "below"
        verdict = ("lies ", size, f" orders of magnitude {side} the measured ~{measured:.0e} S/cm")
    return (
        f"At {window.label} the simulated Einstein-Helfand conductivity (",
        *values,
        "; log10 mean compared) ",
        *verdict,
        " of PEO20NaFSI (Zhao et al. 2019).",
    )


def diffusive_sentence(cond: list[dict]) -> Paragraph:
    """Which runs did not reach the diffusive regime (MSD log-log slope below 1), or that all did."""
    not_diffusive = [r for r in _with_sigma(cond) if r.get("diffusive") is False]
    if not not_diffusive:
        return ("Every analysed run reached the diffusive regime (log-log MSD slope within tolerance of 1).",)
    temps = join([(num(r["temperature_C"], r["job_uuid"], ".0f"), " °C") for r in not_diffusive], ", ")
    slopes = [r["min_loglog_slope"] for r in not_diffusive if r.get("min_loglog_slope") is not None]
    return (
        "The MD did not reach the diffusive regime at ",
        *temps,
        f" (smallest log-log MSD slope {min(slopes):.2f}, 1 = diffusive)" if slopes else "",
        ": these conductivities are not converged.",
    )


def conductivity_vs_paper(res: Results) -> list[Paragraph]:
    """σ_EH against the paper in each of :data:`CONDUCTIVITY_WINDOWS`, then whether the MD was diffusive."""
    if not _with_sigma(res.cond):
        return [
            (
                "No conductivity has been computed, so the comparison with the measured ~1e-7 S/cm (30 °C) and "
                "~1e-4 S/cm (60-80 °C) of Zhao et al. is open.",
            )
        ]
    sentences = [conductivity_window_sentence(res.cond, w) for w in CONDUCTIVITY_WINDOWS]
    validation = validation_sentence(res.validation, "sigma")
    return [join([*sentences, diffusive_sentence(res.cond), validation], " ")]


def preset_limits(res: Results) -> list[Paragraph]:
    """The limits of the quick preset when any job used it; a note when no job records a preset."""
    presets = {r.get("preset") for table in (res.cond, res.adhesion, res.bonds, res.core) for r in table}
    if "quick" in presets:
        from naspe.workflows.flows.conductivity.makers import CONDUCTIVITY_PRESETS

        quick = CONDUCTIVITY_PRESETS["quick"]
        return [
            (
                "Limits of the quick preset: its MD runs at most "
                f"{quick['production_budget_ps']:g} ps of production (at most {quick['npt_budget_ps']:g} ps NPT, "
                f"{quick['replicas']} replica) on a small cell, far shorter than the nanoseconds PEO needs to become "
                "diffusive, and its DFT uses small cells and loose settings (screening engines where chosen). "
                "Quick numbers prove the pipeline, not the physics; rerun with the standard or production preset "
                "before comparing with experiment.",
            )
        ]
    if presets == {None}:
        return [("The jobs carry no preset in their metadata; their settings are listed in the appendix.",)]
    return []


#: the conclusion's rules, in the order of its paragraphs
RULES: tuple[Callable[[Results], list[Paragraph]], ...] = (
    substrate_comparison,
    na_on_carbon,
    strongest_binding,
    core_levels_vs_xps,
    conductivity_vs_paper,
    preset_limits,
)


def conclusion(
    cond: pd.DataFrame | list[dict],
    adhesion: pd.DataFrame | list[dict],
    bonds: pd.DataFrame | list[dict],
    core: pd.DataFrame | list[dict],
    validation: pd.DataFrame | list[dict] | None = None,
) -> list[Paragraph]:
    """The conclusion's paragraphs from the query tables (and the validation table): every rule of :data:`RULES`."""
    res = Results.of(cond, adhesion, bonds, core, validation)
    return [p for rule in RULES for p in rule(res)]
