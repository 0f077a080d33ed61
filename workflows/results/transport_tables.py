"""Conductivity tables: one row per transport analysis, one row per Arrhenius / VTF fit of a summary.

The rows are read from the documents' fields: the temperature and replica of a
:class:`~naspe.analysis.transport_result.TransportResult`, the fits of a
:class:`~naspe.workflows.flows.conductivity_documents.ConductivitySummary`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from naspe.workflows.results.store_reader import (
    META_KEYS,
    ROW_KEYS,
    as_store,
    base_row,
    by_class,
    filter_rows,
    frame,
)

__all__ = ["conductivity_table", "conductivity_fit_table"]

_CONDUCTIVITY_COLUMNS = (
    *ROW_KEYS,
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

#: fields of ArrheniusFit / VTFFit holding the activation energy (eV) and the prefactor
_ENERGY_FIELD = {"arrhenius": "activation_energy_eV", "vtf": "pseudo_activation_energy_eV"}
_PREFACTOR_FIELD = {"arrhenius": "prefactor_S_cm", "vtf": "prefactor_S_cm_K05"}


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

    The replica is the result's ``replica`` field (None when it was not part of a replica set).

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
    store = as_store(store)
    rows = []
    for doc in by_class(store, "TransportResult"):
        out = doc["output"]
        row = base_row(doc)
        t_k = float(out["temperature_K"])
        eh, ne = out.get("sigma_eh_S_cm") or {}, out.get("sigma_ne_S_cm") or {}
        haven = out.get("haven_ratio") or {}
        slopes = [s for s in (out.get("loglog_slope") or {}).values() if s is not None]
        row.update(
            engine="lammps",
            temperature_K=t_k,
            temperature_C=t_k - 273.15,
            replica=out.get("replica"),
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
    rows = filter_rows(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    low = max(x for x in (tmin_k, None if tmin_c is None else tmin_c + 273.15, -np.inf) if x is not None)
    high = min(x for x in (tmax_k, None if tmax_c is None else tmax_c + 273.15, np.inf) if x is not None)
    rows = [r for r in rows if low - 1e-6 <= r["temperature_K"] <= high + 1e-6]
    rows.sort(key=lambda r: (r["temperature_K"], r["replica"] if r["replica"] is not None else -1, r["job_uuid"]))
    return frame(rows, _CONDUCTIVITY_COLUMNS)


def conductivity_fit_table(
    store,
    *,
    salt: str | None = None,
    interface: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> pd.DataFrame:
    """One row per fit (Arrhenius or VTF, of sigma_EH or sigma_NE) of each stored ``ConductivitySummary``.

    Returns
    -------
    pandas.DataFrame
        ``job_uuid`` (the summary job) and metadata, ``model`` ("arrhenius", "vtf"), ``quantity``
        ("sigma_eh_S_cm", "sigma_ne_S_cm"), ``activation_energy_eV`` (Ea, or B kB for VTF) and its
        ``..._stderr``, ``prefactor`` (S/cm; S cm^-1 K^1/2 for VTF), ``t0_K`` (VTF), ``n_temperatures``,
        ``tmin_K``/``tmax_K``, ``reduced_chi2``, ``n_finished``/``n_requested`` of the summary, ``caveat``.
    """
    from naspe.workflows.flows.conductivity_documents import FIT_FIELDS  # imports scipy: only when fits are read

    store = as_store(store)
    rows = []
    for doc in by_class(store, "ConductivitySummary"):
        out = doc["output"]
        for (model, quantity), name in FIT_FIELDS.items():
            fit = out.get(name)
            if not isinstance(fit, dict):
                continue  # not fitted (too few temperatures, or the fit failed)
            energy = fit.get(_ENERGY_FIELD[model]) or {}
            prefactor = fit.get(_PREFACTOR_FIELD[model]) or {}
            temps = fit.get("temperatures_K") or []
            row = base_row(doc)
            row.update(
                engine="lammps",
                model=model,
                quantity=quantity,
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
    rows = filter_rows(rows, salt=salt, interface=interface, preset=preset, campaign=campaign)
    return frame(rows, (*ROW_KEYS, *META_KEYS, "model", "quantity", "activation_energy_eV"))
