"""Which atoms solvate the cations: monatomic cations, ether O of neutral molecules, O and N of each anion.

Made from the data-file topology (elements from masses, molecules from molecule ids, ions from
their charges, :mod:`naspe.analysis.species`); used by :mod:`naspe.analysis.solvation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SolvationSites", "solvation_sites"]


@dataclass(frozen=True)
class SolvationSites:
    """Which atoms the solvation analysis uses (indices into the topology, ordered by atom id).

    Attributes
    ----------
    cation
        Cation species name.
    cation_index
        Topology index of each cation atom (monatomic cations).
    partners
        Partner kind (``O_ether``, ``O_FSI``, ``N_FSI``, ...) -> topology indices of its atoms.
    partner_molecule
        Partner kind -> molecule id of each of its atoms.
    anion_of_partner
        Partner kind -> anion species it belongs to (absent for ``O_ether``).
    """

    cation: str
    cation_index: np.ndarray
    partners: dict[str, np.ndarray]
    partner_molecule: dict[str, np.ndarray]
    anion_of_partner: dict[str, str]


def solvation_sites(topology, ions) -> SolvationSites:
    """The cations and partner atoms of a data-file topology.

    Parameters
    ----------
    topology
        :class:`~naspe.analysis.lammps_topology.DataTopology` of the run.
    ions
        Its :class:`~naspe.analysis.species.IonTable`.

    Raises
    ------
    ValueError
        No monatomic cation, or several cation species.
    """
    cation_rows = np.flatnonzero(ions.formal_charges > 0)
    names = sorted(set(ions.species[cation_rows].tolist()))
    if len(names) != 1:
        raise ValueError(f"solvation needs one cation species; the cell has {names or 'none'}")
    atoms_per_ion = np.bincount(ions.ion_of_atom, minlength=ions.n_ions)
    if np.any(atoms_per_ion[cation_rows] != 1):
        raise ValueError(f"the cation {names[0]} is not monatomic: its solvation shell is not analysed")
    cation_index = ions.atom_index[np.isin(ions.ion_of_atom, cation_rows)]
    ion_mols = set(ions.mol_ids.tolist())
    neutral = ~np.isin(topology.mol_ids, list(ion_mols))
    partners = {"O_ether": np.flatnonzero(neutral & (topology.elements == "O"))}
    anion_of = {}
    for name in dict.fromkeys(ions.species[ions.formal_charges < 0].tolist()):
        mols = ions.mol_ids[ions.species == name]
        in_anion = np.isin(topology.mol_ids, mols)
        for element in ("O", "N"):
            index = np.flatnonzero(in_anion & (topology.elements == element))
            if index.size:
                partners[f"{element}_{name}"] = index
                anion_of[f"{element}_{name}"] = name
    partners = {k: v for k, v in partners.items() if v.size}
    return SolvationSites(
        cation=names[0],
        cation_index=cation_index,
        partners=partners,
        partner_molecule={k: topology.mol_ids[v] for k, v in partners.items()},
        anion_of_partner=anion_of,
    )
