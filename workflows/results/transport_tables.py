"""Conductivity tables: one row per transport analysis, one row per Arrhenius / VTF fit of a summary.

The rows are read from the documents' fields: the temperature and replica of a
:class:`~naspe.analysis.transport_result.TransportResult`, the fits of a
:class:`~naspe.workflows.flows.conductivity.schemas.ConductivitySummary`
(each read as its class by :func:`~naspe.workflows.results.typed_read.read`; the
summary's module imports SciPy, so it is imported when the fits are read).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from naspe.analysis.transport_result import TransportResult
from naspe.workflows.results.store_reader import (
    META_KEYS,
    ROW_KEYS,
    as_store,
    filter_rows,
    frame,
)
from naspe.workflows.results.typed_read import read

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
    for stored in read(store, TransportResult, salt=salt, preset=preset, campaign=campaign):
        result = stored.doc
        row = stored.row()
        t_k = float(result.temperature_K)
        eh, ne = result.sigma_eh_S_cm, result.sigma_ne_S_cm
        slopes = [s for s in result.loglog_slope.values() if s is not None]
        row.update(
            engine="lammps",
            temperature_K=t_k,
            temperature_C=t_k - 273.15,
            replica=result.replica,
            sigma_eh_S_cm=eh.value,
            sigma_eh_stderr_S_cm=eh.stderr,
            sigma_ne_S_cm=ne.value,
            sigma_ne_stderr_S_cm=ne.stderr,
            log10_sigma_eh=float(np.log10(eh.value)) if (eh.value or 0) > 0 else None,
            haven_ratio=result.haven_ratio.value,
            haven_ratio_stderr=result.haven_ratio.stderr,
            transference_cation=result.transference_cation.value,
            diffusive=result.diffusive,
            min_loglog_slope=min(slopes) if slopes else None,
            duration_ps=result.duration_ps,
            charges=result.charges,
            warnings="; ".join(result.warnings),
        )
        for species, d in sorted(result.diffusion_cm2_s.items()):
            row[f"D_{species}_cm2_s"] = d.value
        rows.append(row)
    rows = filter_rows(rows, interface=interface, engine=engine)
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
    from naspe.analysis.arrhenius import ArrheniusFit
    from naspe.workflows.flows.conductivity.schemas import FIT_FIELDS, ConductivitySummary  # SciPy: when read

    store = as_store(store)
    rows = []
    for stored in read(store, ConductivitySummary, salt=salt, preset=preset, campaign=campaign):
        summary = stored.doc
        for model, quantity in FIT_FIELDS:
            fit = summary.fit(model, quantity)
            if fit is None:
                continue  # not fitted (too few temperatures, or the fit failed)
            if isinstance(fit, ArrheniusFit):
                energy, prefactor, t0 = fit.activation_energy_eV, fit.prefactor_S_cm, None
            else:  # VTF: B kB (eV), A (S cm^-1 K^1/2), T0 (K)
                energy, prefactor, t0 = fit.pseudo_activation_energy_eV, fit.prefactor_S_cm_K05, fit.t0_K.value
            temps = fit.temperatures_K
            row = stored.row()
            row.update(
                engine="lammps",
                model=model,
                quantity=quantity,
                activation_energy_eV=energy.value,
                activation_energy_stderr_eV=energy.stderr,
                prefactor=prefactor.value,
                t0_K=t0,
                n_temperatures=len(set(temps)),
                tmin_K=min(temps) if temps else None,
                tmax_K=max(temps) if temps else None,
                reduced_chi2=fit.reduced_chi2,
                n_finished=summary.n_finished,
                n_requested=summary.n_requested,
                caveat=summary.caveat,
            )
            rows.append(row)
    rows = filter_rows(rows, interface=interface)
    return frame(rows, (*ROW_KEYS, *META_KEYS, "model", "quantity", "activation_energy_eV"))
