"""Bonding table: bonds across interfaces, one row per (document, bond class).

Sources: adhesion documents (system as in :mod:`naspe.workflows.results.adhesion_tables`),
binding documents (system ``fragment/site`` from their fields, unless the job's
metadata names it) and reaction documents (system: the reaction's name), each read as
its class (:func:`~naspe.workflows.results.typed_read.read`; the light document modules,
:mod:`~naspe.workflows.flows.adhesion.schemas` and :mod:`~naspe.workflows.flows.bonding.schemas`,
are imported when the table is made: they import pymatgen).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from naspe.workflows.results.adhesion_tables import adhesion_rows, bonds_across, count_kinds
from naspe.workflows.results.store_reader import (
    META_KEYS,
    QUALITY_KEYS,
    ROW_KEYS,
    as_store,
    filter_rows,
    frame,
    quality_columns,
)
from naspe.workflows.results.typed_read import read

if TYPE_CHECKING:
    from naspe.analysis.bonds import Bond

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


def _bond_rows(
    base: dict[str, Any], counts: dict[str, int], bonds: Sequence[Bond], formed: dict[str, int] | None
) -> list[dict[str, Any]]:
    """One row per bond class of ``counts`` (lengths in Å and orders from ``bonds``); one 'none' row without bonds."""
    by_kind: dict[str, list[Bond]] = {}
    for b in bonds:
        by_kind.setdefault(b.kind, []).append(b)
    kinds = sorted(set(counts) | set(by_kind))
    if not kinds:
        return [base | {"bond_kind": None, "count": 0, "n_formed": 0}]
    rows = []
    for kind in kinds:
        lengths = [b.length_angstrom for b in by_kind.get(kind, [])]
        orders = [b.order for b in by_kind.get(kind, []) if b.order is not None]
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
    from naspe.workflows.flows.bonding.schemas import BindingDocument, ReactionDocument  # pymatgen: when read

    store = as_store(store)
    rows: list[dict[str, Any]] = []
    for stored, base in adhesion_rows(store):
        adhesion = stored.doc
        base.update(
            source="adhesion",
            engine=adhesion.engine,
            energy_eV=None,
            w_adh_J_m2=adhesion.w_adh_J_m2,
            intact=adhesion.film_intact,
            charge_transfer_e=adhesion.film_charge_e,
            **quality_columns(adhesion.convergence, adhesion.purpose, adhesion.level_of_theory, base.get("preset")),
        )
        across = bonds_across(adhesion)
        rows += _bond_rows(base, adhesion.interface_bonds, across, count_kinds(across))
    for stored_binding in read(store, BindingDocument):
        binding = stored_binding.doc
        base = stored_binding.row()
        if base["system"] is None and (binding.site or binding.fragment):
            base["system"] = f"{binding.fragment or '?'}/{binding.site or '?'}"
        base.update(
            source="binding",
            engine=binding.engine,
            energy_eV=binding.binding_energy_eV,
            w_adh_J_m2=None,
            intact=binding.fragment_intact,
            charge_transfer_e=binding.charge_transfer_e,
            **quality_columns(binding.convergence, binding.purpose, binding.level_of_theory, base.get("preset")),
        )
        rows += _bond_rows(base, binding.interface_bonds, binding.bonds_formed, None)
    for stored_reaction in read(store, ReactionDocument):
        reaction = stored_reaction.doc
        base = stored_reaction.row()
        base["system"] = base["system"] or reaction.reaction
        base.update(
            source="reaction",
            engine=reaction.engine,
            energy_eV=reaction.reaction_energy_eV,
            w_adh_J_m2=None,
            intact=reaction.intended_bonds_kept,
            charge_transfer_e=reaction.charge_transfer_e,
            **quality_columns(reaction.convergence, reaction.purpose, reaction.level_of_theory, base.get("preset")),
        )
        rows += _bond_rows(base, count_kinds(reaction.bonds_formed), reaction.bonds_formed, None)
    rows = filter_rows(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    return frame(rows, _BOND_COLUMNS)
