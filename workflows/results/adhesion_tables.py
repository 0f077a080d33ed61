"""Adhesion table: one row per work-of-adhesion document, with its system and substrate class.

The system (``film/substrate``) of an ``AdhesionDocument`` is the job's metadata
``system``, set where the study or the campaign made the job; a document made
without it is named by the adhesion-study summary that lists its job uuid
(``AdhesionStudyRow.document_uuid``). Nothing is matched by its numbers.

The documents are read by :func:`~naspe.workflows.results.typed_read.read` as
:class:`~naspe.workflows.flows.adhesion.schemas.AdhesionDocument` (its relaxed interface as
its sites' elements). That light module (pydantic and pymatgen's core, no jobflow or atomate2)
is imported when a table reads adhesion documents, so the tables that read none (``naspe query
jobs``) do not load pymatgen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from naspe.structures.systems import SUBSTRATE_CLASSES, substrate_class
from naspe.workflows.results.row_table import RowTable
from naspe.workflows.results.store_reader import (
    META_KEYS,
    QUALITY_KEYS,
    ROW_KEYS,
    as_store,
    filter_rows,
    quality_columns,
)
from naspe.workflows.results.typed_read import Stored, StructureSites, read

if TYPE_CHECKING:
    import pandas as pd

    from naspe.analysis.bonds import Bond
    from naspe.workflows.flows.adhesion.schemas import AdhesionDocument

__all__ = [
    "adhesion_table",
    "adhesion_row_table",
    "adhesion_rows",
    "substrate_class",
    "SUBSTRATE_CLASSES",
    "bonds_across",
    "count_kinds",
    "counts_text",
    "film_eo_units",
]


_ADHESION_COLUMNS = (
    *ROW_KEYS,
    *META_KEYS,
    "film",
    "substrate",
    "substrate_class",
    "engine",
    "w_adh_J_m2",
    *QUALITY_KEYS,
    "w_adh_eV_A2",
    "area_angstrom2",
    "film_eo_per_nm2",
    "strain",
    "film_intact",
    "film_charge_e",
    "interface_bonds",
    "n_interface_bonds",
    "interface_bonds_formed",
    "w_uber_J_m2",
    "w_adh_cp_J_m2",
    "w_adh_raw_J_m2",
    "formula",
)


def bonds_across(doc: AdhesionDocument) -> list[Bond]:
    """Bonds formed on relaxation between substrate and film (of a stored AdhesionDocument)."""
    n_substrate = doc.n_substrate
    return [b for b in doc.bonds_formed if (b.i < n_substrate) != (b.j < n_substrate)]


def count_kinds(bonds: Iterable[Bond]) -> dict[str, int]:
    """Number of bonds of each kind ('C-O', 'Na-O', ...)."""
    counts: dict[str, int] = {}
    for b in bonds:
        counts[b.kind] = counts.get(b.kind, 0) + 1
    return counts


def counts_text(counts: dict[str, int]) -> str:
    """'kind:count, ...' sorted by kind."""
    return ", ".join(f"{k}:{v}" for k, v in sorted(counts.items()))


def _formula(structure: StructureSites) -> str | None:
    """'C2O' of a structure's elements (sorted by element, counts above 1 written); None without sites."""
    if not structure.sites:
        return None
    counts: dict[str, int] = {}
    for element in structure.elements():
        counts[element] = counts.get(element, 0) + 1
    return "".join(f"{el}{n if n > 1 else ''}" for el, n in sorted(counts.items()))


def film_eo_units(interface: StructureSites, n_substrate: int) -> int | None:
    """Ethylene-oxide units (-CH2CH2O-) of the film of an interface, or None (no PEO in it).

    Counted in the relaxed interface (an AdhesionDocument's ``relaxed_interface`` as read) from
    its film atoms (index ``n_substrate`` on) as the film's O atoms less the FSI anions'
    (2 O per S in N(SO2F)2), so an oxidised substrate's O and a salt's O are not counted: PEO's
    coverage per area, which W_adh per area scales with.
    """
    film = interface.elements(n_substrate)
    units = film.count("O") - 2 * film.count("S")
    return units if units > 0 else None


def _study_documents(store) -> dict[str, str]:
    """Document job uuid -> system, from the rows of the adhesion-study summaries."""
    from naspe.workflows.flows.adhesion.schemas import AdhesionStudySummary  # pymatgen: when read

    found: dict[str, str] = {}
    for stored in read(store, AdhesionStudySummary):
        for row in stored.doc.rows:
            if row.document_uuid:
                found[row.document_uuid] = row.system
    return found


def adhesion_rows(store) -> list[tuple[Stored[AdhesionDocument], dict[str, Any]]]:
    """(stored AdhesionDocument, its base row) pairs; the row's ``system`` is set as the module says."""
    from naspe.workflows.flows.adhesion.schemas import AdhesionDocument  # pymatgen: when read

    pairs = []
    named = None
    for stored in read(store, AdhesionDocument):
        row = stored.row()
        if row["system"] is None:
            named = _study_documents(store) if named is None else named
            row["system"] = named.get(stored.uuid)
        pairs.append((stored, row))
    return pairs


def adhesion_table(store, **filters: str | None) -> pd.DataFrame:
    """One row per stored ``AdhesionDocument``: :func:`adhesion_row_table` as a DataFrame.

    ``filters`` are those of :func:`adhesion_row_table` (``salt``, ``interface``, ``engine``,
    ``preset``, ``campaign``).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`adhesion_row_table`, strongest adhesion first.
    """
    return adhesion_row_table(store, **filters).to_frame()


def adhesion_row_table(
    store,
    *,
    salt: str | None = None,
    interface: str | None = None,
    engine: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> RowTable:
    """One row per stored ``AdhesionDocument``: work of adhesion and interface bonds.

    The system (``film/substrate``) comes from the job's metadata, else from the
    adhesion-study summary that lists the document's job uuid, else it is unknown
    (None; ``formula`` still names the interface).

    Returns
    -------
    RowTable
        Job and metadata columns, ``film``, ``substrate``, ``substrate_class`` ('Na', 'carbon',
        'defective/oxidised carbon', 'Na/C'), ``engine``, ``w_adh_J_m2`` (J/m^2), ``w_adh_eV_A2`` (eV/Å^2),
        ``area_angstrom2`` (Å^2), ``film_eo_per_nm2`` (PEO coverage, EO units per nm^2;
        :func:`film_eo_units`), ``strain`` (fraction), ``film_intact``, ``film_charge_e`` (e),
        ``interface_bonds`` ("kind:count, ..." in the relaxed interface), ``n_interface_bonds``,
        ``interface_bonds_formed`` (kinds formed on relaxation), ``w_uber_J_m2`` (J/m^2, if scanned),
        ``w_adh_cp_J_m2`` / ``w_adh_raw_J_m2`` (counterpoise-corrected and raw, J/m^2, where computed),
        ``formula``, and the convergence / purpose columns
        (:func:`~naspe.workflows.results.store_reader.quality_columns`: ``converged`` False when a
        relaxation stopped at its step limit, ``not_converged`` naming it); strongest adhesion first.
    """
    store = as_store(store)
    rows = []
    for stored, row in adhesion_rows(store):
        doc = stored.doc
        film, _, substrate = (row["system"] or "").partition("/")
        bonds = doc.interface_bonds
        row.update(
            film=film or None,
            substrate=substrate or None,
            substrate_class=substrate_class(substrate or None, film or None),
            engine=doc.engine,
            w_adh_J_m2=doc.w_adh_J_m2,
            w_adh_eV_A2=doc.w_adh_eV_A2,
            area_angstrom2=doc.area_angstrom2,
            film_eo_per_nm2=(
                None
                if (eo := film_eo_units(doc.relaxed_interface, doc.n_substrate)) is None or not doc.area_angstrom2
                else eo / (doc.area_angstrom2 / 100.0)
            ),
            strain=doc.strain,
            film_intact=doc.film_intact,
            film_charge_e=doc.film_charge_e,
            interface_bonds=counts_text(bonds),
            n_interface_bonds=int(sum(bonds.values())),
            interface_bonds_formed=counts_text(count_kinds(bonds_across(doc))),
            w_uber_J_m2=None if doc.uber is None else doc.uber.w_adh_J_m2,
            w_adh_cp_J_m2=doc.w_adh_cp_J_m2,
            w_adh_raw_J_m2=doc.w_adh_raw_J_m2,
            formula=_formula(doc.relaxed_interface),
            **quality_columns(doc.convergence, doc.purpose, doc.level_of_theory, row.get("preset")),
        )
        rows.append(row)
    rows = filter_rows(rows, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    rows.sort(key=lambda r: -r["w_adh_J_m2"])
    return RowTable(rows, _ADHESION_COLUMNS)
