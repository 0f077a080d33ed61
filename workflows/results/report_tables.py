"""The report's tables as plain data: headers and rows of cells, each number linked to its job.

Each function takes a query table of :mod:`naspe.workflows.results.queries` and returns
a :class:`Table`; a cell is a tuple of segments (:mod:`naspe.workflows.results.report_format`),
so ``σ_EH ± stderr`` is ``(Num(σ), " ± ", Num(stderr))``. Units are in the headers. The
template (``templates/macros.html``) renders the cells; an empty table (no rows) is the
template's cue to say that the component has no results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from naspe.workflows.results.report_format import MISSING, Cells, Code, fmt, num, rows
from naspe.workflows.results.store_reader import newest_by_uuid

__all__ = [
    "Table",
    "conductivity_rows",
    "fit_rows",
    "adhesion_rows",
    "bond_rows",
    "core_level_rows",
    "engine_rows",
    "job_rows",
]


@dataclass(frozen=True)
class Table:
    """Column headers (with units) and rows of cells."""

    headers: tuple[str, ...]
    rows: list[tuple[Cells, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


def _uuid_cell(uuid: str) -> Cells:
    return (Code(uuid),)


def _converged_cell(r: dict) -> Cells:
    """'yes', 'no: <why>' or 'unknown' for a row's convergence (query column ``converged``)."""
    if r.get("converged") is True:
        return ("yes" + str(r.get("convergence_detail") or "converged").removeprefix("converged"),)
    if r.get("converged") is False:
        return ("no: " + str(r.get("convergence_detail") or "").removeprefix("not converged: "),)
    return ("unknown (not recorded)",)


def _value_cell(value: Cells, r: dict) -> Cells:
    """A computed value, marked when it is not shown to be converged (not used in the conclusion)."""
    if r.get("converged") is True:
        return value
    return (*value, " (not converged)" if r.get("converged") is False else " (convergence unknown)")


def conductivity_rows(cond: pd.DataFrame) -> Table:
    """One row per transport run: T (°C, K), replica, σ_EH and σ_NE (S/cm) ± stderr, Haven ratio, diffusive."""
    table = Table(
        (
            "T (°C)",
            "T (K)",
            "replica",
            "σ_EH (S/cm)",
            "σ_NE (S/cm)",
            "Haven ratio",
            "diffusive",
            "analysed (ps)",
            "preset",
            "job uuid",
        )
    )
    for r in rows(cond):
        u = r["job_uuid"]
        slope = r.get("min_loglog_slope")
        table.rows.append(
            (
                (num(r["temperature_C"], u, ".1f"),),
                (num(r["temperature_K"], u, ".2f"),),
                (fmt(r.get("replica"), "d"),),
                (num(r["sigma_eh_S_cm"], u), " ± ", num(r["sigma_eh_stderr_S_cm"], u, ".2g")),
                (num(r["sigma_ne_S_cm"], u), " ± ", num(r["sigma_ne_stderr_S_cm"], u, ".2g")),
                (num(r["haven_ratio"], u, ".2f"),),
                (fmt(r["diffusive"]),) + ((" (slope ", num(slope, u, ".2f"), ")") if slope is not None else ()),
                (num(r["duration_ps"], u, ".0f"),),
                (r.get("preset") or MISSING,),
                _uuid_cell(u),
            )
        )
    return table


def fit_rows(fits: pd.DataFrame) -> Table:
    """One row per stored fit: model, quantity, Ea or B kB (eV) ± stderr, prefactor, T0 (K), temperatures."""
    table = Table(("model", "quantity", "Ea or B kB (eV)", "prefactor", "T0 (K)", "temperatures", "job uuid"))
    for r in rows(fits):
        u = r["job_uuid"]
        table.rows.append(
            (
                (r["model"],),
                (r["quantity"],),
                (num(r["activation_energy_eV"], u, ".3f"), " ± ", num(r["activation_energy_stderr_eV"], u, ".2f")),
                (num(r["prefactor"], u),),
                (num(r.get("t0_K"), u, ".0f"),),
                (num(r["n_temperatures"], u, "d"),),
                _uuid_cell(u),
            )
        )
    return table


def adhesion_rows(adh: pd.DataFrame) -> Table:
    """One row per interface: W_adh and W_UBER (J/m^2), area (Å^2), PEO coverage (EO/nm^2), strain, bonds, film."""
    table = Table(
        (
            "system (film/substrate)",
            "substrate class",
            "engine",
            "W_adh (J/m^2)",
            "W_UBER (J/m^2)",
            "area (Å^2)",
            "PEO coverage (EO/nm^2)",
            "strain",
            "interface bonds",
            "film intact",
            "film charge (e)",
            "converged",
            "purpose",
            "preset",
            "job uuid",
        )
    )
    for r in rows(adh):
        u = r["job_uuid"]
        table.rows.append(
            (
                (r.get("system") or "unknown",),
                (r.get("substrate_class") or MISSING,),
                (str(r.get("engine")),),
                _value_cell((num(r["w_adh_J_m2"], u, ".3f"),), r),
                (num(r.get("w_uber_J_m2"), u, ".3f"),),
                (num(r.get("area_angstrom2"), u, ".1f"),),
                (num(r.get("film_eo_per_nm2"), u, ".2f"),),
                (num(r.get("strain"), u, ".3f"),),
                (r.get("interface_bonds") or "none",),
                (fmt(r.get("film_intact")),),
                (num(r.get("film_charge_e"), u, "+.2f"),),
                _converged_cell(r),
                (r.get("purpose") or "unknown",),
                (r.get("preset") or MISSING,),
                _uuid_cell(u),
            )
        )
    return table


def bond_rows(bonds: pd.DataFrame) -> Table:
    """One row per bond kind of each adhesion, binding or reaction job: count, formed, lengths (Å), order, energy."""
    table = Table(
        (
            "source",
            "system",
            "engine",
            "bond",
            "count",
            "formed",
            "length (Å)",
            "mean order",
            "energy",
            "converged",
            "purpose",
            "job uuid",
        )
    )
    for r in rows(bonds):
        u = r["job_uuid"]
        if r.get("length_mean_angstrom") is None:
            lengths: Cells = (MISSING,)
        else:
            lengths = (
                num(r["length_min_angstrom"], u, ".2f"),
                "–",
                num(r["length_max_angstrom"], u, ".2f"),
                " (mean ",
                num(r["length_mean_angstrom"], u, ".2f"),
                ")",
            )
        if r["source"] == "adhesion":
            energy: Cells = ("W_adh ", num(r["w_adh_J_m2"], u, ".3f"), " J/m^2")
        else:
            label = "E_bind" if r["source"] == "binding" else "ΔE"
            energy = (f"{label} ", num(r.get("energy_eV"), u, ".2f"), " eV")
        table.rows.append(
            (
                (r["source"],),
                (r.get("system") or "unknown",),
                (str(r.get("engine")),),
                (r.get("bond_kind") or "none",),
                (num(r["count"], u, "d"),),
                (num(r.get("n_formed"), u, "d"),),
                lengths,
                (num(r.get("order_mean"), u, ".2f"),),
                _value_cell(energy, r),
                _converged_cell(r),
                (r.get("purpose") or "unknown",),
                _uuid_cell(u),
            )
        )
    return table


def core_level_rows(core: pd.DataFrame) -> Table:
    """One row per excited atom: shift and XPS-aligned binding energy (eV) against the XPS range of its class."""
    table = Table(
        (
            "system",
            "atom",
            "environment",
            "shift (eV)",
            "binding energy (eV)",
            "XPS range (eV)",
            "outside range by (eV)",
            "final state",
            "converged",
            "purpose",
            "job uuid",
        )
    )
    for r in rows(core):
        u = r["job_uuid"]
        xps = MISSING if r.get("xps_low_eV") is None else f"{r['xps_low_eV']:.1f}–{r['xps_high_eV']:.1f}"
        table.rows.append(
            (
                (str(r.get("system")),),
                (f"{r['element']}{r['index']}",),
                (r["environment"],),
                (num(r["shift_eV"], u, "+.2f"),),
                _value_cell((num(r["binding_energy_eV"], u, ".2f"),), r),
                (xps,),
                (num(r.get("deviation_from_xps_eV"), u, "+.2f"),),
                (r.get("final_state") or MISSING,),
                _converged_cell(r),
                (r.get("purpose") or "unknown",),
                _uuid_cell(u),
            )
        )
    return table


def engine_rows(*tables: pd.DataFrame) -> Table:
    """One row per DFT engine of the tables: levels of theory, purposes, converged values and its limits."""
    from naspe.workflows.dft.registry import ENGINES

    found: dict[str, list[dict]] = {}
    for df in tables:
        for r in rows(df):
            if r.get("engine") and "job_uuid" in r:
                found.setdefault(str(r["engine"]), []).append(r)
    table = Table(("engine", "level of theory", "purpose", "converged values", "what it cannot do"))
    for name, mine in sorted(found.items()):
        jobs = {r["job_uuid"]: r for r in mine}
        levels = sorted({r.get("level_of_theory") or "not recorded" for r in jobs.values()})
        purposes = sorted({r.get("purpose") or "unknown" for r in jobs.values()})
        ok = sum(r.get("converged") is True for r in jobs.values())
        spec = ENGINES.get(name)
        limits = "; ".join(spec.known_limits.lines()[1:]) if spec is not None else MISSING
        table.rows.append(((name,), ("; ".join(levels),), (", ".join(purposes),), (f"{ok} of {len(jobs)}",), (limits,)))
    return table


def job_rows(store, uuids: list[str]) -> Table:
    """The appendix: each job's uuid (the anchor the numbers link to), name, index, completion time and metadata."""
    table = Table(("job uuid", "job name", "index", "completed", "parameters (metadata)"))
    newest = newest_by_uuid(store, list(uuids), ["name", "completed_at", "metadata"])
    for uuid in uuids:
        doc = newest.get(uuid) or {}
        table.rows.append(
            (
                (Code(uuid, anchor=f"job-{uuid}"),),
                (doc.get("name") or MISSING,),
                (str(doc.get("index")) if doc.get("index") is not None else MISSING,),
                (str(doc.get("completed_at") or MISSING),),
                (Code(json.dumps(doc.get("metadata") or {}, sort_keys=True, default=str)),),
            )
        )
    return table
