"""Core-level table: one row per excited atom of each core-level-shift document (Delta-SCF, eV).

The documents are read as :class:`~naspe.workflows.flows.core_levels.schemas.CoreLevelShiftDocument`
(:func:`~naspe.workflows.results.typed_read.read`); that module imports ASE and SciPy, so it is
imported when the table is made.
"""

from __future__ import annotations

import pandas as pd

from naspe.workflows.flows.core_levels.methods import method_name
from naspe.workflows.results.store_reader import (
    META_KEYS,
    ROW_KEYS,
    as_store,
    equal,
    filter_rows,
    frame,
    quality_columns,
)
from naspe.workflows.results.typed_read import read

__all__ = ["core_level_table"]

_CORE_COLUMNS = (
    *ROW_KEYS,
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
    "core_level_method",
    "converged",
    "convergence",
    "not_converged",
    "convergence_detail",
    "purpose",
    "level_of_theory",
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
        ``environment`` ('C sp2', 'C-C', 'C-O', 'C=O', 'O-C=O', ...), ``shift_eV`` (eV vs the reference atom),
        ``binding_energy_eV`` (XPS-aligned, eV), ``xps_low_eV``/``xps_high_eV`` (the XPS range of the
        class, eV), ``deviation_from_xps_eV``, ``within_xps``, the reference atom, the final state,
        ``core_level_method`` (the preset whose core-level settings these are, or None) and the
        convergence / purpose columns of the document (unknown for documents without them).
    """
    from naspe.workflows.flows.core_levels.schemas import CoreLevelShiftDocument  # ASE, SciPy: when read

    store = as_store(store)
    rows = []
    for stored in read(store, CoreLevelShiftDocument):
        doc = stored.doc
        base = stored.row()
        base["system"] = base["system"] or doc.formula
        settings = doc.settings
        quality = quality_columns(doc.convergence, None, None, base.get("preset"))  # no purpose, level of theory
        method = method_name(
            settings.get("mode", ""),
            settings.get("basis"),
            settings.get("grid_spacing_angstrom"),
            settings.get("ecut_eV"),
            settings.get("spinpol", True),
            settings.get("xc", "PBE"),
        )
        for s in doc.shifts:
            xps = s.xps_range_eV
            dev = s.deviation_from_xps_eV
            rows.append(
                base
                | {
                    "engine": settings.get("engine", "gpaw"),
                    "formula": doc.formula,
                    "element": s.element,
                    "index": s.index,
                    "environment": s.environment,
                    "shift_eV": s.shift_eV,
                    "binding_energy_eV": s.binding_energy_eV,
                    "xps_low_eV": xps[0] if xps else None,
                    "xps_high_eV": xps[1] if xps else None,
                    "deviation_from_xps_eV": dev,
                    "within_xps": None if dev is None else abs(dev) < 1e-9,
                    "reference_index": doc.reference_index,
                    "reference_environment": doc.reference_environment,
                    "reference_binding_energy_eV": doc.reference_binding_energy_eV,
                    "final_state": doc.final_state or settings.get("final_state"),
                    "final_state_reason": doc.final_state_reason,
                    "ground_state_band_gap_eV": doc.ground_state_band_gap_eV,
                    "core_level_method": method,
                    **quality,
                }
            )
    rows = filter_rows(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    if element is not None:
        rows = [r for r in rows if equal(r["element"], element)]
    return frame(rows, _CORE_COLUMNS)
