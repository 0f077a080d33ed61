"""Bonding table: bonds across interfaces, one row per (document, bond class).

Sources: adhesion documents (system as in :mod:`naspe.workflows.results.adhesion_tables`),
binding documents (system ``fragment/site`` from their fields, unless the job's
metadata names it) and reaction documents (system: the reaction's name).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from naspe.workflows.results.adhesion_tables import adhesion_rows, bonds_across, count_kinds
from naspe.workflows.results.store_reader import (
    META_KEYS,
    QUALITY_KEYS,
    ROW_KEYS,
    as_store,
    base_row,
    by_class,
    filter_rows,
    frame,
    quality_columns,
)

__all__ = ["bonding_table"]

_BOND_COLUMNS = (
    *ROW_KEYS,
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
    *QUALITY_KEYS,
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
        ``intact`` (film/fragment bonds kept), ``charge_transfer_e`` (e), and the convergence / purpose
        columns of the document (:func:`~naspe.workflows.results.store_reader.quality_columns`).
    """
    store = as_store(store)
    rows: list[dict] = []
    for doc, base in adhesion_rows(store):
        out = doc["output"]
        base.update(
            source="adhesion",
            engine=out.get("engine"),
            energy_eV=None,
            w_adh_J_m2=out["w_adh_J_m2"],
            intact=out.get("film_intact"),
            charge_transfer_e=out.get("film_charge_e"),
            **quality_columns(out, base.get("preset")),
        )
        across = bonds_across(out)
        rows += _bond_rows(base, out.get("interface_bonds") or {}, across, count_kinds(across))
    for doc in by_class(store, "BindingDocument"):
        out = doc["output"]
        base = base_row(doc)
        if base["system"] is None and (out.get("site") or out.get("fragment")):
            base["system"] = f"{out.get('fragment') or '?'}/{out.get('site') or '?'}"
        base.update(
            source="binding",
            engine=out.get("engine"),
            energy_eV=out["binding_energy_eV"],
            w_adh_J_m2=None,
            intact=out.get("fragment_intact"),
            charge_transfer_e=out.get("charge_transfer_e"),
            **quality_columns(out, base.get("preset")),
        )
        rows += _bond_rows(base, out.get("interface_bonds") or {}, out.get("bonds_formed") or [], None)
    for doc in by_class(store, "ReactionDocument"):
        out = doc["output"]
        base = base_row(doc)
        base["system"] = base["system"] or out.get("reaction")
        base.update(
            source="reaction",
            engine=out.get("engine"),
            energy_eV=out["reaction_energy_eV"],
            w_adh_J_m2=None,
            intact=out.get("intended_bonds_kept"),
            charge_transfer_e=out.get("charge_transfer_e"),
            **quality_columns(out, base.get("preset")),
        )
        formed = out.get("bonds_formed") or []
        rows += _bond_rows(base, count_kinds(formed), formed, None)
    rows = filter_rows(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    return frame(rows, _BOND_COLUMNS)
