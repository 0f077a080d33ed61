"""Typed topology carried on :class:`ase.Atoms`.

Every builder in :mod:`naspe.structures` returns an ``ase.Atoms`` whose per-atom
arrays say which molecule each atom belongs to, its force-field type name and its
partial charge (e), and whose ``info`` holds the bond list. The types are set by
the builder that made the atoms (it knows what it built); nothing here guesses
them from geometry.

Per-atom data live in ``atoms.arrays`` (they survive slicing, ``repeat`` and
``extend``); bonds and molecule names live in ``atoms.info`` and are only kept
consistent by the functions of this module (:func:`combine`, :func:`select`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from ase import Atoms
from pymatgen.core import Lattice, Molecule, Structure

MOL_ID = "mol_id"
FF_TYPE = "ff_type"
BONDS = "bonds"
MOL_NAMES = "molecule_names"

__all__ = [
    "MOL_ID",
    "FF_TYPE",
    "BONDS",
    "MOL_NAMES",
    "tag",
    "bonds_of",
    "combine",
    "select",
    "molecule_names",
    "net_charge",
    "has_topology",
    "to_pymatgen",
]


def tag(
    atoms: Atoms,
    types: Sequence[str],
    charges: Sequence[float],
    bonds: Iterable[tuple[int, int]],
    name: str,
) -> Atoms:
    """Attach a one-molecule topology to ``atoms`` (in place) and return it.

    Parameters
    ----------
    atoms
        The molecule (or extended solid) to tag.
    types
        Force-field type name of each atom (keys of the naspe force field).
    charges
        Partial charge of each atom, in units of e.
    bonds
        Pairs of 0-based atom indices.
    name
        Molecule name (``"PEO"``, ``"FSI"``, ``"Na"``, ...).
    """
    n = len(atoms)
    if len(types) != n or len(charges) != n:
        raise ValueError(
            f"topology of {name!r}: got {len(types)} types and {len(charges)} charges "
            f"for {n} atoms; one of each per atom is required"
        )
    bond_array = np.array(sorted({tuple(sorted(b)) for b in bonds}), dtype=int).reshape(-1, 2)
    if bond_array.size and (bond_array.min() < 0 or bond_array.max() >= n):
        raise ValueError(f"topology of {name!r}: bond index outside 0..{n - 1}")
    atoms.set_array(MOL_ID, np.zeros(n, dtype=int))
    atoms.set_array(FF_TYPE, np.array(list(types), dtype="U16"))
    atoms.set_initial_charges(np.asarray(charges, dtype=float))
    atoms.info[BONDS] = bond_array
    atoms.info[MOL_NAMES] = [name]
    return atoms


def has_topology(atoms: Atoms) -> bool:
    """Return True when ``atoms`` carries molecule ids, types and bonds."""
    return MOL_ID in atoms.arrays and FF_TYPE in atoms.arrays and BONDS in atoms.info


def bonds_of(atoms: Atoms) -> np.ndarray:
    """Bond list of ``atoms`` as an ``(n_bonds, 2)`` integer array."""
    return np.asarray(atoms.info.get(BONDS, np.zeros((0, 2), dtype=int)), dtype=int).reshape(-1, 2)


def molecule_names(atoms: Atoms) -> list[str]:
    """Name of each molecule, indexed by molecule id."""
    return list(atoms.info.get(MOL_NAMES, []))


def net_charge(atoms: Atoms) -> float:
    """Sum of the partial charges of ``atoms`` (e)."""
    return float(np.sum(atoms.get_initial_charges()))


def combine(parts: Sequence[Atoms], cell: np.ndarray | None = None, pbc: bool | Sequence[bool] = True) -> Atoms:
    """Join tagged structures into one, renumbering molecules and bonds.

    Parameters
    ----------
    parts
        Tagged structures (from naspe builders), each holding one or more molecules.
    cell
        Cell (Å) of the result; the cell of the first part when None.
    pbc
        Periodic boundary flags of the result.
    """
    if not parts:
        raise ValueError("combine needs at least one structure")
    for i, part in enumerate(parts):
        if not has_topology(part):
            raise ValueError(
                f"part {i} ({part.get_chemical_formula()}) has no naspe topology; "
                "build it with a naspe.structures builder or tag it with topology.tag"
            )
    out = Atoms(cell=parts[0].cell if cell is None else cell, pbc=pbc)
    mol_ids, types, charges, bonds, names = [], [], [], [], []
    offset_atoms = 0
    offset_mols = 0
    for part in parts:
        out.extend(Atoms(part.get_chemical_symbols(), positions=part.positions))
        mol_ids.append(part.arrays[MOL_ID] + offset_mols)
        types.append(part.arrays[FF_TYPE])
        charges.append(part.get_initial_charges())
        bonds.append(bonds_of(part) + offset_atoms)
        names.extend(molecule_names(part))
        offset_atoms += len(part)
        offset_mols += len(molecule_names(part))
    out.set_array(MOL_ID, np.concatenate(mol_ids))
    out.set_array(FF_TYPE, np.concatenate(types).astype("U16"))
    out.set_initial_charges(np.concatenate(charges))
    out.info[BONDS] = np.concatenate(bonds).reshape(-1, 2)
    out.info[MOL_NAMES] = names
    return out


def select(atoms: Atoms, mask: np.ndarray) -> Atoms:
    """Return the atoms where ``mask`` is True with their bonds and molecule ids renumbered.

    Whole molecules must be selected: a bond with one end selected and the other
    not is an error, since the result would carry a broken molecule.
    """
    mask = np.asarray(mask, dtype=bool)
    old_to_new = -np.ones(len(atoms), dtype=int)
    old_to_new[mask] = np.arange(mask.sum())
    bonds = bonds_of(atoms)
    kept = mask[bonds[:, 0]] & mask[bonds[:, 1]]
    cut = mask[bonds[:, 0]] ^ mask[bonds[:, 1]]
    if cut.any():
        raise ValueError(f"selection cuts {int(cut.sum())} bonds; select whole molecules")
    sub = atoms[mask]
    old_ids = atoms.arrays[MOL_ID][mask]
    unique_ids, new_ids = np.unique(old_ids, return_inverse=True)
    names = molecule_names(atoms)
    sub.set_array(MOL_ID, new_ids.astype(int))
    sub.info[BONDS] = old_to_new[bonds[kept]]
    sub.info[MOL_NAMES] = [names[i] for i in unique_ids] if names else []
    return sub


def to_pymatgen(atoms: Atoms):
    """Convert to a pymatgen ``Structure`` (periodic) or ``Molecule`` (not periodic).

    The site properties ``charge`` (e), ``ff_type`` and ``mol_id`` carry the
    topology across; bonds are not part of pymatgen's model and are dropped.
    """
    props: dict[str, list] = {"charge": [float(q) for q in atoms.get_initial_charges()]}
    if has_topology(atoms):
        props["ff_type"] = [str(t) for t in atoms.arrays[FF_TYPE]]
        props["mol_id"] = [int(i) for i in atoms.arrays[MOL_ID]]
    symbols = atoms.get_chemical_symbols()
    if atoms.pbc.any():
        return Structure(
            Lattice(np.array(atoms.cell)), symbols, atoms.positions, coords_are_cartesian=True, site_properties=props
        )
    return Molecule(symbols, atoms.positions, charge=round(net_charge(atoms)), site_properties=props)
