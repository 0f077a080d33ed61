"""Ions of a simulation cell: which molecules carry charge, what they are called and their charge.

Ions are the *charged molecules* of the data-file topology (atoms sharing a
molecule id; the partial charges of a molecule summed). Their name comes from
their element composition (elements guessed from atomic masses): ``Na``,
``Li``, ``K``, ``FSI`` (F2NO4S2), ``TFSI`` (C2F6NO4S2), ``PF6``, ``BF4``,
``ClO4``; any other charged molecule is named by its Hill formula.

The *formal* charge z is +1 for the alkali cations and -1 for the named anions;
for other charged molecules ``z = round(sum(q) / charge_scaling)``, because naspe
(and many polymer-electrolyte force fields) scale ionic charges, e.g. Na +0.8 e.
Molecules whose partial charges sum to ~0 (PEO chains) are not ions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ase.data import atomic_masses, chemical_symbols

if TYPE_CHECKING:
    from naspe.analysis.lammps_topology import DataTopology

__all__ = ["ELEMENT_MASSES", "KNOWN_IONS", "IonTable", "element_from_mass", "hill_formula", "identify_ions"]

#: atomic masses (g/mol) recognised first; others come from ASE's table
ELEMENT_MASSES = {
    "H": 1.008,
    "Li": 6.94,
    "C": 12.011,
    "N": 14.007,
    "O": 15.999,
    "F": 18.998,
    "Na": 22.99,
    "S": 32.06,
}

#: Hill formula -> (name, formal charge z)
KNOWN_IONS = {
    "Na": ("Na", 1),
    "Li": ("Li", 1),
    "K": ("K", 1),
    "F2NO4S2": ("FSI", -1),
    "C2F6NO4S2": ("TFSI", -1),
    "F6P": ("PF6", -1),
    "BF4": ("BF4", -1),
    "ClO4": ("ClO4", -1),
}

#: partial-charge sums (e) below this are neutral molecules
NEUTRAL_TOLERANCE_E = 0.05


def element_from_mass(mass: float, tolerance: float = 0.1) -> str:
    """Element whose standard atomic mass is within ``tolerance`` (g/mol) of ``mass``; ``"X"`` if none."""
    for symbol, reference in ELEMENT_MASSES.items():
        if abs(mass - reference) <= tolerance:
            return symbol
    deviation = np.abs(atomic_masses[1:] - mass)
    best = int(np.argmin(deviation))
    return chemical_symbols[best + 1] if deviation[best] <= tolerance else "X"


def hill_formula(elements: list[str] | np.ndarray) -> str:
    """Hill formula: C, then H, then the rest alphabetically (all alphabetical without C)."""
    counts = Counter(str(e) for e in elements)
    first = ["C", "H"] if "C" in counts else []
    order = [e for e in first if e in counts] + sorted(e for e in counts if e not in first)
    return "".join(f"{e}{counts[e] if counts[e] > 1 else ''}" for e in order)


@dataclass(frozen=True)
class IonTable:
    """The ions of a topology, grouped by species (cations first, then by name) and ordered by molecule id.

    Attributes
    ----------
    mol_ids
        Molecule id of each ion, shape (n_ions,).
    species
        Species name of each ion.
    formal_charges
        Formal charge z of each ion (e).
    charge_sums
        Sum of the partial charges of each ion's atoms (e), as in the data file.
    masses
        Mass of each ion (g/mol).
    atom_index
        Topology index of every ion atom, grouped by ion.
    ion_of_atom
        Ion (row of this table) of each entry of ``atom_index``.
    """

    mol_ids: np.ndarray
    species: np.ndarray
    formal_charges: np.ndarray
    charge_sums: np.ndarray
    masses: np.ndarray
    atom_index: np.ndarray
    ion_of_atom: np.ndarray

    @property
    def n_ions(self) -> int:
        """Number of ions."""
        return int(self.mol_ids.size)

    @property
    def species_names(self) -> list[str]:
        """Species in table order."""
        return list(dict.fromkeys(self.species.tolist()))


def _name_and_charge(formula: str, charge_sum: float, charge_scaling: float, mol_id: int) -> tuple[str, int]:
    if formula in KNOWN_IONS:
        name, z = KNOWN_IONS[formula]
        if np.sign(charge_sum) != np.sign(z):
            raise ValueError(
                f"molecule {mol_id} ({name}) has partial charges summing to {charge_sum:+.3f} e, "
                f"but {name} is {'a cation' if z > 0 else 'an anion'}; check the data file's charges"
            )
        return name, z
    ratio = charge_sum / charge_scaling
    z = int(np.rint(ratio))
    if z == 0 or abs(ratio - z) > 0.25:
        raise ValueError(
            f"molecule {mol_id} ({formula}) has charge {charge_sum:+.3f} e, which is neither neutral "
            f"(|q| < {NEUTRAL_TOLERANCE_E} e) nor close to a multiple of charge_scaling={charge_scaling:g}; "
            "set charge_scaling to the factor the force field applied to ionic charges"
        )
    return formula, z


def identify_ions(topology: DataTopology, charge_scaling: float = 0.8, neutral: bool = False) -> IonTable:
    """Find the ions (charged molecules) of ``topology``, name them and give their formal charges.

    With ``neutral=True`` the table holds the neutral molecules instead (solvent, polymer chains),
    each named by its Hill formula with formal charge 0, so that the same trajectory reader and
    transport analysis give their self-diffusion.

    Parameters
    ----------
    topology
        The data-file topology.
    charge_scaling
        Factor applied to ionic charges in the force field (naspe default 0.8);
        used only for charged molecules that are not a known ion.
    neutral
        Table the neutral molecules (partial charges summing to less than
        :data:`NEUTRAL_TOLERANCE_E`) instead of the ions.

    Returns
    -------
    IonTable
        The ions, grouped by species.

    Raises
    ------
    ValueError
        When ``charge_scaling`` is outside (0, 1], no molecule is charged, or a
        molecule's charge does not fit its name or the scaling.
    """
    if not 0.0 < charge_scaling <= 1.0:
        raise ValueError(f"charge_scaling={charge_scaling}: must be in (0, 1] (1 = unscaled formal charges)")
    order = np.argsort(topology.mol_ids, kind="stable")
    mol_sorted = topology.mol_ids[order]
    starts = np.flatnonzero(np.r_[True, mol_sorted[1:] != mol_sorted[:-1]])
    sums = np.add.reduceat(topology.charges[order], starts)
    ions = []
    charged = np.abs(sums) >= NEUTRAL_TOLERANCE_E
    for k in np.flatnonzero(~charged if neutral else charged):
        stop = starts[k + 1] if k + 1 < starts.size else order.size
        atoms = order[starts[k] : stop]
        mol_id = int(mol_sorted[starts[k]])
        formula = hill_formula(topology.elements[atoms])
        name, z = (formula, 0) if neutral else _name_and_charge(formula, float(sums[k]), charge_scaling, mol_id)
        ions.append((name, z, mol_id, float(sums[k]), float(topology.masses[atoms].sum()), atoms))
    if not ions and neutral:
        raise ValueError(f"{topology.path}: no neutral molecule (every molecule carries charge)")
    if not ions:
        raise ValueError(
            f"{topology.path}: no charged molecule (every molecule's charges sum to less than "
            f"{NEUTRAL_TOLERANCE_E} e); there are no ions to analyse"
        )
    ions.sort(key=lambda ion: (-np.sign(ion[1]), ion[0], ion[2]))
    atom_index = np.concatenate([ion[5] for ion in ions])
    ion_of_atom = np.repeat(np.arange(len(ions)), [ion[5].size for ion in ions])
    for name in {ion[0] for ion in ions}:
        charges = [ion[3] for ion in ions if ion[0] == name]
        if max(charges) - min(charges) > 1e-3:
            raise ValueError(f"ions of species {name} carry different charges ({min(charges)}..{max(charges)} e)")
    return IonTable(
        mol_ids=np.array([ion[2] for ion in ions], dtype=np.int64),
        species=np.array([ion[0] for ion in ions]),
        formal_charges=np.array([ion[1] for ion in ions], dtype=np.int64),
        charge_sums=np.array([ion[3] for ion in ions]),
        masses=np.array([ion[4] for ion in ions]),
        atom_index=atom_index,
        ion_of_atom=ion_of_atom,
    )
