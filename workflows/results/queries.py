"""Queries of the results database as pandas DataFrames, one row per stored result.

Every function takes a jobflow ``JobStore`` (or a naspe data directory, opened
with :func:`naspe.workflows.execution.store.open_store`) and keyword filters, and returns
a DataFrame whose rows carry the ``job_uuid`` (and ``job_index``, ``job_name``,
``completed_at``) of the job that produced the number and the parameters of that
job: the campaign metadata (``campaign``, ``preset``, ``component``, ``salt``,
``system``) plus the document's own settings (engine, temperature, area, ...).

Documents are selected by the class of their output (``output.@class``, e.g.
``TransportResult``, ``AdhesionDocument``); of a job that was replaced (several
indices), only the highest index counts.

Filters (all optional, combined with AND; a row whose value is unknown does not
match a filter on it):

- ``salt``, ``preset``, ``campaign``, ``engine``: exact, case-insensitive;
- ``interface``: the row's system (``film/substrate`` for adhesion, the interface
  name for core levels, ``fragment/site`` or the reaction for bonding); exact
  when some row's system equals it, otherwise a case-insensitive substring;
- temperatures (conductivity): ``tmin_c``/``tmax_c`` in °C or ``tmin_k``/``tmax_k`` in K, inclusive.

Functions
---------
- :func:`conductivity_table`: one row per transport analysis (temperature, replica): sigma (S/cm) and D (cm^2/s).
- :func:`conductivity_fit_table`: the Arrhenius / VTF fits of the conductivity summaries.
- :func:`adhesion_table`: one row per work-of-adhesion document (J/m^2).
- :func:`bonding_table`: one row per (document, bond class): interface bonds of adhesion documents and
  substrate-fragment bonds of binding / reaction documents, with lengths (Å) and orders.
- :func:`core_level_table`: one row per excited atom: core-level shift and XPS-aligned binding energy (eV).
- :func:`jobs_table`: every job of the runs under ``<data_dir>/runs`` with its state and completion time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "conductivity_table",
    "conductivity_fit_table",
    "adhesion_table",
    "bonding_table",
    "core_level_table",
    "jobs_table",
    "campaigns",
    "substrate_class",
    "SUBSTRATE_CLASSES",
    "META_KEYS",
]

#: campaign metadata keys copied into every row (None when the job has no such key)
META_KEYS = ("campaign", "preset", "component", "salt", "system")

#: class of each substrate for the W_adh comparison (the study's question: Na foil vs the carbon of Na/C)
SUBSTRATE_CLASSES: dict[str, str] = {
    "na100": "Na",
    "na110": "Na",
    "na111": "Na",
    "graphene": "carbon",
    "graphite": "carbon",
    "graphene-vacancy": "defective/oxidised carbon",
    "graphene-divacancy": "defective/oxidised carbon",
    "graphene-edge": "defective/oxidised carbon",
    "graphene-edge-armchair": "defective/oxidised carbon",
    "graphene-oxidised": "defective/oxidised carbon",
    "graphene-epoxide": "defective/oxidised carbon",
    "graphene-hydroxyl": "defective/oxidised carbon",
    "graphene-ether": "defective/oxidised carbon",
    "na-on-graphene": "Na/C",
}
_SITE_SUBSTRATE = {"vacancy": "graphene-vacancy", "edge": "graphene-edge", "oxidised": "graphene-oxidised"}
_ROW_KEYS = ("job_uuid", "job_index", "job_name", "completed_at")


def substrate_class(substrate: str | None, film: str | None = None) -> str | None:
    """Class of a substrate: 'Na', 'carbon', 'defective/oxidised carbon' or 'Na/C' (None if unknown).

    A Na film on a carbon substrate (``na110/graphite``) is the Na/C composite too.
    """
    if substrate is None:
        return None
    substrate = _SITE_SUBSTRATE.get(substrate, substrate)
    cls = SUBSTRATE_CLASSES.get(substrate)
    if cls is None and substrate.startswith("graphene-"):
        cls = "defective/oxidised carbon"
    metal_film = film is not None and film.startswith("na") and film != "nafsi"
    if metal_film and cls in ("carbon", "defective/oxidised carbon"):
        return "Na/C"
    return cls


# --------------------------------------------------------------------------- store access
def _as_store(store):
    """A connected JobStore from a JobStore or a data directory."""
    if isinstance(store, (str, Path)):
        from naspe.workflows.execution.store import open_store

        return open_store(store)
    store.connect()
    return store


def _latest(store, criteria: dict) -> list[dict]:
    """Documents matching ``criteria``, the highest index of each uuid, oldest completion first."""
    seen: dict[str, dict] = {}
    for doc in store.query(criteria, sort={"index": -1}):
        if doc.get("name") == "store_inputs":
            continue  # jobflow's stand-in for a replaced job: a copy of the replacing flow's output, listed already
        if doc["uuid"] not in seen:
            seen[doc["uuid"]] = doc
    return sorted(seen.values(), key=lambda d: (str(d.get("completed_at") or ""), d["uuid"]))


def _by_class(store, cls: str) -> list[dict]:
    return _latest(store, {"output.@class": cls})


def _base_row(doc: dict) -> dict[str, Any]:
    meta = doc.get("metadata") or {}
    row: dict[str, Any] = {
        "job_uuid": doc["uuid"],
        "job_index": doc.get("index"),
        "job_name": doc.get("name"),
        "completed_at": doc.get("completed_at"),
    }
    for key in META_KEYS:
        row[key] = meta.get(key)
    row["metadata"] = json.dumps(meta, sort_keys=True, default=str)
    return row


def campaigns(store) -> list[str]:
    """Names of the campaigns (``metadata.campaign``) present in the store, sorted."""
    store = _as_store(store)
    names = {(d.get("metadata") or {}).get("campaign") for d in store.query({}, properties=["metadata"])}
    return sorted(n for n in names if n)


# --------------------------------------------------------------------------- filters
def _equal(value, wanted) -> bool:
    return value is not None and str(value).lower() == str(wanted).lower()


def _filter(
    rows: list[dict],
    *,
    salt: str | None = None,
    interface: str | None = None,
    engine: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> list[dict]:
    for key, wanted in (("salt", salt), ("engine", engine), ("preset", preset), ("campaign", campaign)):
        if wanted is not None:
            rows = [r for r in rows if _equal(r.get(key), wanted)]
    if interface is not None:
        exact = [r for r in rows if _equal(r.get("system"), interface)]
        if exact:
            rows = exact
        else:
            needle = interface.lower()
            rows = [r for r in rows if r.get("system") is not None and needle in str(r["system"]).lower()]
    return rows


def _frame(rows: list[dict], columns: Iterable[str]) -> pd.DataFrame:
    """DataFrame with ``columns`` first (in order), then any others; empty frames keep the columns."""
    columns = list(columns)
    extra = [k for r in rows for k in r if k not in columns]
    return pd.DataFrame(rows, columns=columns + list(dict.fromkeys(extra)))


# --------------------------------------------------------------------------- conductivity
_T_NAME = re.compile(r"transport\s+(?P<t>-?[\d.]+)C\s+r(?P<r>\d+)")
_CONDUCTIVITY_COLUMNS = (
    *_ROW_KEYS,
    *META_KEYS,
    "engine",
    "temperature_K",
    "temperature_C",
    "replica",
    "sigma_eh_S_cm",
    "sigma_eh_stderr_S_cm",
    "sigma_ne_S_cm",
    "sigma_ne_stderr_S_cm",
    "log10_sigma_eh",
    "haven_ratio",
    "haven_ratio_stderr",
    "transference_cation",
    "diffusive",
    "min_loglog_slope",
    "duration_ps",
    "charges",
    "warnings",
)


def _replica(doc: dict) -> int | None:
    m = _T_NAME.search(doc.get("name") or "")
    if m:
        return int(m.group("r"))
    for w in (doc["output"].get("warnings") or [])[::-1]:
        m = re.match(r"replica (\d+)", w)
        if m:
            return int(m.group(1))
    return None


def conductivity_table(
    store,
    *,
    salt: str | None = None,
    tmin_c: float | None = None,
    tmax_c: float | None = None,
    tmin_k: float | None = None,
    tmax_k: float | None = None,
    interface: str | None = None,
    engine: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> pd.DataFrame:
    """One row per stored ``TransportResult`` (a temperature and replica of the conductivity flow).

    Parameters
    ----------
    store
        A jobflow JobStore or a naspe data directory.
    salt, interface, engine, preset, campaign
        Filters (see the module notes); the engine of MD results is ``"lammps"``.
    tmin_c, tmax_c, tmin_k, tmax_k
        Inclusive temperature range in °C or K.

    Returns
    -------
    pandas.DataFrame
        Columns ``job_uuid``, ``job_index``, ``job_name``, ``completed_at``, the metadata keys,
        ``temperature_K`` (K), ``temperature_C`` (°C), ``replica``, ``sigma_eh_S_cm`` and
        ``sigma_ne_S_cm`` (S/cm) with their standard errors, ``log10_sigma_eh``, ``haven_ratio``,
        ``transference_cation``, ``diffusive``, ``min_loglog_slope``, ``duration_ps`` (ps),
        ``D_<species>_cm2_s`` (cm^2/s) per ion species, ``warnings``; sorted by temperature.
    """
    store = _as_store(store)
    rows = []
    for doc in _by_class(store, "TransportResult"):
        out = doc["output"]
        row = _base_row(doc)
        t_k = float(out["temperature_K"])
        eh, ne = out.get("sigma_eh_S_cm") or {}, out.get("sigma_ne_S_cm") or {}
        haven = out.get("haven_ratio") or {}
        slopes = [s for s in (out.get("loglog_slope") or {}).values() if s is not None]
        row.update(
            engine="lammps",
            temperature_K=t_k,
            temperature_C=t_k - 273.15,
            replica=_replica(doc),
            sigma_eh_S_cm=eh.get("value"),
            sigma_eh_stderr_S_cm=eh.get("stderr"),
            sigma_ne_S_cm=ne.get("value"),
            sigma_ne_stderr_S_cm=ne.get("stderr"),
            log10_sigma_eh=float(np.log10(eh["value"])) if (eh.get("value") or 0) > 0 else None,
            haven_ratio=haven.get("value"),
            haven_ratio_stderr=haven.get("stderr"),
            transference_cation=(out.get("transference_cation") or {}).get("value"),
            diffusive=out.get("diffusive"),
            min_loglog_slope=min(slopes) if slopes else None,
            duration_ps=out.get("duration_ps"),
            charges=out.get("charges"),
            warnings="; ".join(out.get("warnings") or []),
        )
        for species, d in sorted((out.get("diffusion_cm2_s") or {}).items()):
            row[f"D_{species}_cm2_s"] = (d or {}).get("value")
        rows.append(row)
    rows = _filter(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    low = max(x for x in (tmin_k, None if tmin_c is None else tmin_c + 273.15, -np.inf) if x is not None)
    high = min(x for x in (tmax_k, None if tmax_c is None else tmax_c + 273.15, np.inf) if x is not None)
    rows = [r for r in rows if low - 1e-6 <= r["temperature_K"] <= high + 1e-6]
    rows.sort(key=lambda r: (r["temperature_K"], r["replica"] if r["replica"] is not None else -1, r["job_uuid"]))
    return _frame(rows, _CONDUCTIVITY_COLUMNS).reset_index(drop=True)


def _summaries(store) -> list[dict]:
    """Conductivity summary documents (a plain dict output with points and a caveat)."""
    docs = _latest(store, {"output.points": {"$exists": True}, "output.n_finished": {"$exists": True}})
    return [d for d in docs if isinstance(d.get("output"), dict) and "caveat" in d["output"]]


def conductivity_fit_table(
    store,
    *,
    salt: str | None = None,
    interface: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> pd.DataFrame:
    """One row per fit (Arrhenius or VTF, of sigma_EH or sigma_NE) of each stored conductivity summary.

    Returns
    -------
    pandas.DataFrame
        ``job_uuid`` (the summary job) and metadata, ``model`` ("arrhenius", "vtf"), ``quantity``
        ("sigma_eh_S_cm", "sigma_ne_S_cm"), ``activation_energy_eV`` (Ea, or B kB for VTF) and its
        ``..._stderr``, ``prefactor`` (S/cm; S cm^-1 K^1/2 for VTF), ``t0_K`` (VTF), ``n_temperatures``,
        ``tmin_K``/``tmax_K``, ``reduced_chi2``, ``n_finished``/``n_requested`` of the summary, ``caveat``.
    """
    store = _as_store(store)
    rows = []
    for doc in _summaries(store):
        out = doc["output"]
        for key, fit in sorted(out.items()):
            m = re.fullmatch(r"(arrhenius|vtf)_(sigma_(?:eh|ne)_S_cm)", key)
            if not m or not isinstance(fit, dict):
                continue
            row = _base_row(doc)
            energy = fit.get("activation_energy_eV") or fit.get("pseudo_activation_energy_eV") or {}
            prefactor = fit.get("prefactor_S_cm") or fit.get("prefactor_S_cm_K05") or {}
            temps = fit.get("temperatures_K") or []
            row.update(
                engine="lammps",
                model=m.group(1),
                quantity=m.group(2),
                activation_energy_eV=energy.get("value"),
                activation_energy_stderr_eV=energy.get("stderr"),
                prefactor=prefactor.get("value"),
                t0_K=(fit.get("t0_K") or {}).get("value"),
                n_temperatures=len(set(temps)),
                tmin_K=min(temps) if temps else None,
                tmax_K=max(temps) if temps else None,
                reduced_chi2=fit.get("reduced_chi2"),
                n_finished=out.get("n_finished"),
                n_requested=out.get("n_requested"),
                caveat=out.get("caveat"),
            )
            rows.append(row)
    rows = _filter(rows, salt=salt, interface=interface, preset=preset, campaign=campaign)
    return _frame(rows, (*_ROW_KEYS, *META_KEYS, "model", "quantity", "activation_energy_eV")).reset_index(drop=True)


# --------------------------------------------------------------------------- adhesion
_ADHESION_COLUMNS = (
    *_ROW_KEYS,
    *META_KEYS,
    "film",
    "substrate",
    "substrate_class",
    "engine",
    "w_adh_J_m2",
    "w_adh_eV_A2",
    "area_angstrom2",
    "strain",
    "film_intact",
    "film_charge_e",
    "interface_bonds",
    "n_interface_bonds",
    "interface_bonds_formed",
    "w_uber_J_m2",
    "formula",
)


def _formula(structure: dict | None) -> str | None:
    if not isinstance(structure, dict) or "sites" not in structure:
        return None
    counts: dict[str, int] = {}
    for site in structure["sites"]:
        for sp in site.get("species", []):
            counts[sp["element"]] = counts.get(sp["element"], 0) + 1
    return "".join(f"{el}{n if n > 1 else ''}" for el, n in sorted(counts.items()))


def _study_systems(store) -> dict[tuple[float, float], str]:
    """(W_adh J/m^2, area Å^2) -> system, from adhesion study summaries (for documents without metadata)."""
    found: dict[tuple[float, float], str] = {}
    for doc in _by_class(store, "AdhesionStudySummary"):
        for row in doc["output"].get("rows") or []:
            if row.get("w_adh_J_m2") is not None and row.get("area_angstrom2") is not None:
                found[(round(row["w_adh_J_m2"], 9), round(row["area_angstrom2"], 6))] = row["system"]
    return found


def _crosses(bond: dict, n_substrate: int) -> bool:
    return (bond["i"] < n_substrate) != (bond["j"] < n_substrate)


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}:{v}" for k, v in sorted(counts.items()))


def adhesion_table(
    store,
    *,
    salt: str | None = None,
    interface: str | None = None,
    engine: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> pd.DataFrame:
    """One row per stored ``AdhesionDocument``: work of adhesion and interface bonds.

    The system (``film/substrate``) comes from the job's metadata, else from an
    adhesion-study summary holding the same W_adh and area, else it is unknown
    (None; ``formula`` still names the interface).

    Returns
    -------
    pandas.DataFrame
        Job and metadata columns, ``film``, ``substrate``, ``substrate_class`` ('Na', 'carbon',
        'defective/oxidised carbon', 'Na/C'), ``engine``, ``w_adh_J_m2`` (J/m^2), ``w_adh_eV_A2`` (eV/Å^2),
        ``area_angstrom2`` (Å^2), ``strain`` (fraction), ``film_intact``, ``film_charge_e`` (e),
        ``interface_bonds`` ("kind:count, ..." in the relaxed interface), ``n_interface_bonds``,
        ``interface_bonds_formed`` (kinds formed on relaxation), ``w_uber_J_m2`` (J/m^2, if scanned),
        ``formula``; strongest adhesion first.
    """
    store = _as_store(store)
    known = None
    rows = []
    for doc in _by_class(store, "AdhesionDocument"):
        out = doc["output"]
        row = _base_row(doc)
        if row["system"] is None:
            known = _study_systems(store) if known is None else known
            row["system"] = known.get((round(out["w_adh_J_m2"], 9), round(out["area_angstrom2"], 6)))
        film, _, substrate = (row["system"] or "").partition("/")
        formed: dict[str, int] = {}
        for b in out.get("bonds_formed") or []:
            if _crosses(b, out["n_substrate"]):
                formed[b["kind"]] = formed.get(b["kind"], 0) + 1
        bonds = out.get("interface_bonds") or {}
        row.update(
            film=film or None,
            substrate=substrate or None,
            substrate_class=substrate_class(substrate or None, film or None),
            engine=out.get("engine"),
            w_adh_J_m2=out["w_adh_J_m2"],
            w_adh_eV_A2=out.get("w_adh_eV_A2"),
            area_angstrom2=out.get("area_angstrom2"),
            strain=out.get("strain"),
            film_intact=out.get("film_intact"),
            film_charge_e=out.get("film_charge_e"),
            interface_bonds=_counts_text(bonds),
            n_interface_bonds=int(sum(bonds.values())),
            interface_bonds_formed=_counts_text(formed),
            w_uber_J_m2=(out.get("uber") or {}).get("w_adh_J_m2"),
            formula=_formula(out.get("relaxed_interface")),
        )
        rows.append(row)
    rows = _filter(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    rows.sort(key=lambda r: -r["w_adh_J_m2"])
    return _frame(rows, _ADHESION_COLUMNS).reset_index(drop=True)


# --------------------------------------------------------------------------- bonds
_BOND_COLUMNS = (
    *_ROW_KEYS,
    *META_KEYS,
    "source",
    "engine",
    "bond_kind",
    "count",
    "n_formed",
    "length_min_angstrom",
    "length_mean_angstrom",
    "length_max_angstrom",
    "order_mean",
    "energy_eV",
    "w_adh_J_m2",
    "intact",
    "charge_transfer_e",
)


def _bond_rows(base: dict, counts: dict[str, int], bonds: list[dict], formed: dict[str, int] | None) -> list[dict]:
    """One row per bond class of ``counts`` (lengths and orders from ``bonds``); one 'none' row without bonds."""
    by_kind: dict[str, list[dict]] = {}
    for b in bonds:
        by_kind.setdefault(b["kind"], []).append(b)
    kinds = sorted(set(counts) | set(by_kind))
    if not kinds:
        return [base | {"bond_kind": None, "count": 0, "n_formed": 0}]
    rows = []
    for kind in kinds:
        lengths = [b["length_angstrom"] for b in by_kind.get(kind, [])]
        orders = [b["order"] for b in by_kind.get(kind, []) if b.get("order") is not None]
        rows.append(
            base
            | {
                "bond_kind": kind,
                "count": int(counts.get(kind, len(lengths))),
                "n_formed": int(len(lengths) if formed is None else formed.get(kind, 0)),
                "length_min_angstrom": min(lengths) if lengths else None,
                "length_mean_angstrom": float(np.mean(lengths)) if lengths else None,
                "length_max_angstrom": max(lengths) if lengths else None,
                "order_mean": float(np.mean(orders)) if orders else None,
            }
        )
    return rows


def bonding_table(
    store,
    *,
    salt: str | None = None,
    interface: str | None = None,
    engine: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> pd.DataFrame:
    """Bonds across interfaces: one row per (document, bond class).

    Sources: ``adhesion`` (AdhesionDocument: counts of substrate-film bonds in the
    relaxed interface, lengths and orders of those formed on relaxation),
    ``binding`` (BindingDocument: substrate-fragment bonds of the relaxed complex;
    system ``fragment/site``) and ``reaction`` (ReactionDocument: bonds formed in
    the product; system = the reaction name). A document without such bonds
    gives one row with ``bond_kind`` None and ``count`` 0.

    Returns
    -------
    pandas.DataFrame
        Job and metadata columns, ``source``, ``engine``, ``bond_kind`` (e.g. 'C-O', 'Na-O'), ``count``,
        ``n_formed``, ``length_min/mean/max_angstrom`` (Å), ``order_mean`` (Wiberg, tblite only),
        ``energy_eV`` (binding or reaction energy, eV), ``w_adh_J_m2`` (J/m^2, adhesion),
        ``intact`` (film/fragment bonds kept), ``charge_transfer_e`` (e).
    """
    store = _as_store(store)
    adhesion = adhesion_table(store)
    rows: list[dict] = []
    for doc in _by_class(store, "AdhesionDocument"):
        out = doc["output"]
        match = adhesion[adhesion["job_uuid"] == doc["uuid"]]
        base = _base_row(doc)
        base["system"] = match["system"].iloc[0] if len(match) else base["system"]
        base.update(
            source="adhesion",
            engine=out.get("engine"),
            energy_eV=None,
            w_adh_J_m2=out["w_adh_J_m2"],
            intact=out.get("film_intact"),
            charge_transfer_e=out.get("film_charge_e"),
        )
        across = [b for b in out.get("bonds_formed") or [] if _crosses(b, out["n_substrate"])]
        formed: dict[str, int] = {}
        for b in across:
            formed[b["kind"]] = formed.get(b["kind"], 0) + 1
        rows += _bond_rows(base, out.get("interface_bonds") or {}, across, formed)
    for doc in _by_class(store, "BindingDocument"):
        out = doc["output"]
        base = _base_row(doc)
        if base["system"] is None and (out.get("site") or out.get("fragment")):
            base["system"] = f"{out.get('fragment') or '?'}/{out.get('site') or '?'}"
        base.update(
            source="binding",
            engine=out.get("engine"),
            energy_eV=out["binding_energy_eV"],
            w_adh_J_m2=None,
            intact=out.get("fragment_intact"),
            charge_transfer_e=out.get("charge_transfer_e"),
        )
        rows += _bond_rows(base, out.get("interface_bonds") or {}, out.get("bonds_formed") or [], None)
    for doc in _by_class(store, "ReactionDocument"):
        out = doc["output"]
        base = _base_row(doc)
        base["system"] = base["system"] or out.get("reaction")
        base.update(
            source="reaction",
            engine=out.get("engine"),
            energy_eV=out["reaction_energy_eV"],
            w_adh_J_m2=None,
            intact=out.get("intended_bonds_kept"),
            charge_transfer_e=out.get("charge_transfer_e"),
        )
        formed_bonds = out.get("bonds_formed") or []
        counts: dict[str, int] = {}
        for b in formed_bonds:
            counts[b["kind"]] = counts.get(b["kind"], 0) + 1
        rows += _bond_rows(base, counts, formed_bonds, None)
    rows = _filter(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    return _frame(rows, _BOND_COLUMNS).reset_index(drop=True)


# --------------------------------------------------------------------------- core levels
_CORE_COLUMNS = (
    *_ROW_KEYS,
    *META_KEYS,
    "engine",
    "formula",
    "element",
    "index",
    "environment",
    "shift_eV",
    "binding_energy_eV",
    "xps_low_eV",
    "xps_high_eV",
    "deviation_from_xps_eV",
    "within_xps",
    "reference_index",
    "reference_environment",
    "reference_binding_energy_eV",
    "final_state",
)


def core_level_table(
    store,
    *,
    salt: str | None = None,
    interface: str | None = None,
    engine: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
    element: str | None = None,
) -> pd.DataFrame:
    """One row per excited atom of each stored ``CoreLevelShiftDocument`` (Delta-SCF, GPAW).

    The system is the job's metadata ``system`` (the interface name), else the formula.

    Returns
    -------
    pandas.DataFrame
        Job and metadata columns, ``engine`` ('gpaw'), ``formula``, ``element`` ('C', 'O'), ``index``,
        ``environment`` ('C-C', 'C-O', 'C=O', 'O-C=O', ...), ``shift_eV`` (eV vs the reference atom),
        ``binding_energy_eV`` (XPS-aligned, eV), ``xps_low_eV``/``xps_high_eV`` (the XPS range of the
        class, eV), ``deviation_from_xps_eV``, ``within_xps``, the reference atom and the final state.
    """
    store = _as_store(store)
    rows = []
    for doc in _by_class(store, "CoreLevelShiftDocument"):
        out = doc["output"]
        base = _base_row(doc)
        base["system"] = base["system"] or out.get("formula")
        settings = out.get("settings") or {}
        for s in out.get("shifts") or []:
            xps = s.get("xps_range_eV")
            dev = s.get("deviation_from_xps_eV")
            rows.append(
                base
                | {
                    "engine": settings.get("engine", "gpaw"),
                    "formula": out.get("formula"),
                    "element": s["element"],
                    "index": s["index"],
                    "environment": s["environment"],
                    "shift_eV": s["shift_eV"],
                    "binding_energy_eV": s["binding_energy_eV"],
                    "xps_low_eV": xps[0] if xps else None,
                    "xps_high_eV": xps[1] if xps else None,
                    "deviation_from_xps_eV": dev,
                    "within_xps": None if dev is None else abs(dev) < 1e-9,
                    "reference_index": out.get("reference_index"),
                    "reference_environment": out.get("reference_environment"),
                    "reference_binding_energy_eV": out.get("reference_binding_energy_eV"),
                    "final_state": settings.get("final_state"),
                }
            )
    rows = _filter(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    if element is not None:
        rows = [r for r in rows if _equal(r["element"], element)]
    return _frame(rows, _CORE_COLUMNS).reset_index(drop=True)


# --------------------------------------------------------------------------- jobs
_JOB_COLUMNS = (
    "run",
    "job_uuid",
    "job_index",
    "job_name",
    "kind",
    "state",
    "attempts",
    "started",
    "finished",
    "completed_at",
    *META_KEYS,
    "error",
)


def _job_metadata(node, found: dict[str, dict]) -> None:
    """Collect uuid -> metadata of every serialised Job inside ``node`` (a Flow / Job dict)."""
    if isinstance(node, dict):
        if node.get("@class") == "Job" and "uuid" in node:
            found.setdefault(node["uuid"], node.get("metadata") or {})
        for value in node.values():
            _job_metadata(value, found)
    elif isinstance(node, list):
        for value in node:
            _job_metadata(value, found)


def jobs_table(
    data_dir: str | Path,
    store=None,
    *,
    run: str | None = None,
    state: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
    component: str | None = None,
    salt: str | None = None,
    interface: str | None = None,
) -> pd.DataFrame:
    """Every job of the runs under ``<data_dir>/runs`` (or of ``run``) with its state.

    Parameters
    ----------
    data_dir
        naspe data directory.
    store
        The results store, for ``completed_at`` and the metadata of finished jobs; None: no store
        columns from it (the metadata still comes from the run's flow).
    run
        Run name; None: all runs.
    state
        Keep jobs in this state (waiting, running, done, failed, skipped, stopped).
    preset, campaign, component, salt, interface
        Filters on the jobs' metadata (``interface`` on ``system``).

    Returns
    -------
    pandas.DataFrame
        ``run``, ``job_uuid``, ``job_index``, ``job_name``, ``kind``, ``state``, ``attempts``, ``started``,
        ``finished``, ``completed_at`` (store), metadata columns and ``error`` (first line).

    Raises
    ------
    naspe.workflows.execution.runs.RunError
        When ``run`` is not found.
    """
    from naspe.workflows.execution.manager import read_state
    from naspe.workflows.execution.runs import FLOW_FILE, SUBMISSION_FILE, find_run, runs_dir

    if run is not None:
        runs = [find_run(data_dir, run)]
    else:
        base = runs_dir(data_dir)
        runs = sorted(p for p in base.glob("*") if (p / SUBMISSION_FILE).exists()) if base.exists() else []
    if store is not None:
        store = _as_store(store)
    rows = []
    for run_dir in runs:
        saved = read_state(run_dir) or {"records": {}}
        meta: dict[str, dict] = {}
        try:
            _job_metadata(saved.get("root") or json.loads((run_dir / FLOW_FILE).read_text()), meta)
        except (OSError, ValueError):
            pass
        _job_metadata(saved.get("added") or [], meta)
        for uuid, rec in saved["records"].items():
            doc = None
            if store is not None:
                doc = store.query_one(
                    {"uuid": uuid}, properties=["completed_at", "metadata", "index"], sort={"index": -1}
                )
            m = (doc or {}).get("metadata") or meta.get(uuid) or {}
            error = (rec.get("error") or "").strip().splitlines()
            rows.append(
                {
                    "run": run_dir.name,
                    "job_uuid": uuid,
                    "job_index": rec.get("index"),
                    "job_name": rec.get("name"),
                    "kind": rec.get("kind"),
                    "state": rec.get("state"),
                    "attempts": rec.get("attempts"),
                    "started": rec.get("started"),
                    "finished": rec.get("finished"),
                    "completed_at": (doc or {}).get("completed_at"),
                    **{k: m.get(k) for k in META_KEYS},
                    "error": error[0] if error else None,
                }
            )
    rows = _filter(rows, salt=salt, interface=interface, preset=preset, campaign=campaign)
    for key, wanted in (("state", state), ("component", component)):
        if wanted is not None:
            rows = [r for r in rows if _equal(r.get(key), wanted)]
    rows.sort(key=lambda r: (r["run"], r["started"] or "~", r["job_name"] or ""))
    return _frame(rows, _JOB_COLUMNS).reset_index(drop=True)
