"""Reading a LAMMPS data file's topology: atoms, molecules, types, masses, charges and the cell.

:func:`read_data_topology` reads an ``atom_style full`` data file (as written by
:class:`naspe.structures.lammps_data.LammpsSystemWriter` or by ``write_data``):
atom and molecule ids, types (with their labels from ``Atom Type Labels`` when
present, numbers otherwise), per-atom masses (g/mol) and charges (e), the cell
(bounds and tilt in Å, or general triclinic vectors) and elements guessed from
the masses.

Drude particles (polarisable CL&Pol cells, :mod:`naspe.structures.forcefield.drude`): atom types whose
label ends in :data:`DRUDE_SUFFIX` are folded into the core they are bonded to, mass and charge, so the
topology holds the atoms of the fixed-charge model (elements from the masses, molecule charges as the
force field's) and matches the ion and full dumps, which leave the Drude particles out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from naspe.analysis.errors import TrajectoryFormatError
from naspe.analysis.frame import Box
from naspe.analysis.species import element_from_mass

__all__ = ["DRUDE_SUFFIX", "DataTopology", "read_data_topology"]

_SECTIONS = {
    "Atoms",
    "Velocities",
    "Masses",
    "Ellipsoids",
    "Lines",
    "Triangles",
    "Bodies",
    "Bonds",
    "Angles",
    "Dihedrals",
    "Impropers",
    "Pair Coeffs",
    "PairIJ Coeffs",
    "Bond Coeffs",
    "Angle Coeffs",
    "Dihedral Coeffs",
    "Improper Coeffs",
    "BondBond Coeffs",
    "BondAngle Coeffs",
    "MiddleBondTorsion Coeffs",
    "EndBondTorsion Coeffs",
    "AngleTorsion Coeffs",
    "AngleAngleTorsion Coeffs",
    "BondBond13 Coeffs",
    "AngleAngle Coeffs",
    "Atom Type Labels",
    "Bond Type Labels",
    "Angle Type Labels",
    "Dihedral Type Labels",
    "Improper Type Labels",
}

#: type-label suffix of Drude particles (``OS_DP`` is the Drude particle of type ``OS``)
DRUDE_SUFFIX = "_DP"


@dataclass(frozen=True)
class DataTopology:
    """Per-atom topology of a LAMMPS data file, ordered by ascending atom id.

    Attributes
    ----------
    path
        The data file.
    atom_ids, mol_ids, type_ids
        LAMMPS atom, molecule and numeric type ids, shape (n,).
    type_labels
        Type label of each atom (from ``Atom Type Labels``; the type number as
        text when the file has no labels).
    masses
        Atomic masses (g/mol).
    charges
        Partial charges (e) as in the file (naspe scales ion charges, e.g. Na +0.8).
    elements
        Element symbols guessed from the masses (``"X"`` when none matches).
    box
        The cell.
    """

    path: Path
    atom_ids: np.ndarray
    mol_ids: np.ndarray
    type_ids: np.ndarray
    type_labels: np.ndarray
    masses: np.ndarray
    charges: np.ndarray
    elements: np.ndarray
    box: Box

    @property
    def n_atoms(self) -> int:
        """Number of atoms."""
        return int(self.atom_ids.size)

    def index_of(self, ids: np.ndarray) -> np.ndarray:
        """Positions in this topology of the atom ``ids``; raises for ids it does not hold."""
        ids = np.asarray(ids, dtype=np.int64)
        index = np.searchsorted(self.atom_ids, ids)
        index = np.clip(index, 0, self.n_atoms - 1)
        unknown = self.atom_ids[index] != ids
        if unknown.any():
            bad = ids[unknown]
            raise ValueError(
                f"atom ids {bad[:5].tolist()}{' ...' if bad.size > 5 else ''} ({bad.size} in all) are not in "
                f"{self.path.name} ({self.n_atoms} atoms, ids {self.atom_ids[0]}..{self.atom_ids[-1]}); "
                "was the trajectory written from this data file?"
            )
        return index


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _split_sections(path: Path) -> tuple[list[str], dict[str, tuple[str, list[str]]]]:
    """Header lines and {section name: (style comment, body lines)} of a data file."""
    lines = path.read_text().splitlines()
    header: list[str] = []
    sections: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for raw in lines[1:]:  # the first line is a title
        text = _strip_comment(raw)
        if text in _SECTIONS:
            current = text
            style = raw.split("#", 1)[1].strip() if "#" in raw else ""
            sections[current] = (style, [])
        elif not text:
            continue
        elif current is None:
            header.append(text)
        else:
            sections[current][1].append(text)
    return header, sections


def _parse_box(header: list[str], path: Path) -> Box:
    lo, hi = np.zeros(3), np.zeros(3)
    tilt = np.zeros(3)
    vectors: dict[str, np.ndarray] = {}
    origin = None
    for line in header:
        words = line.split()
        for axis, name in enumerate(("xlo xhi", "ylo yhi", "zlo zhi")):
            if line.endswith(name):
                lo[axis], hi[axis] = float(words[0]), float(words[1])
        if line.endswith("xy xz yz"):
            tilt = np.array([float(w) for w in words[:3]])
        for name in ("avec", "bvec", "cvec"):
            if words[-1] == name:
                vectors[name] = np.array([float(w) for w in words[:3]])
        if line.endswith("abc origin"):
            origin = np.array([float(w) for w in words[:3]])
    if vectors:
        if len(vectors) != 3:
            raise TrajectoryFormatError(f"{path}: general triclinic cell needs avec, bvec and cvec lines")
        return Box.from_vectors(vectors["avec"], vectors["bvec"], vectors["cvec"], origin)
    if np.all(hi == lo):
        raise TrajectoryFormatError(f"{path}: no 'xlo xhi', 'ylo yhi', 'zlo zhi' lines; not a LAMMPS data file?")
    return Box.from_bounds(lo, hi, tilt)


def read_data_topology(path: str | Path) -> DataTopology:
    """Read the topology (ids, types, masses, charges, cell) of an ``atom_style full`` data file.

    Parameters
    ----------
    path
        LAMMPS data file, e.g. ``system.data`` written by naspe.

    Returns
    -------
    DataTopology
        Per-atom arrays ordered by atom id.

    Raises
    ------
    TrajectoryFormatError
        When the file has no Atoms or Masses section, its Atoms section is not
        ``atom_style full`` (id mol type q x y z [ix iy iz]), or a type has no mass.
    """
    path = Path(path)
    header, sections = _split_sections(path)
    if "Atoms" not in sections:
        raise TrajectoryFormatError(f"{path}: no 'Atoms' section; not a LAMMPS data file?")
    style, atom_lines = sections["Atoms"]
    if style and style.split()[0] != "full":
        raise TrajectoryFormatError(
            f"{path}: 'Atoms # {style}': the analysis needs atom_style full (molecule ids and charges)"
        )
    labels: dict[str, int] = {}
    for line in sections.get("Atom Type Labels", ("", []))[1]:
        number, name = line.split()[:2]
        labels[name] = int(number)
    if "Masses" not in sections:
        raise TrajectoryFormatError(f"{path}: no 'Masses' section; masses are needed for centres of mass")
    type_mass: dict[int, float] = {}
    for line in sections["Masses"][1]:
        key, value = line.split()[:2]
        type_mass[labels[key] if key in labels else int(key)] = float(value)

    table = [line.split() for line in atom_lines]
    widths = {len(row) for row in table}
    if not widths <= {7, 10}:
        raise TrajectoryFormatError(
            f"{path}: Atoms lines have {sorted(widths)} columns; atom_style full has 7 "
            "(id mol type q x y z) or 10 (with image flags)"
        )
    cols = np.array([row[:4] for row in table], dtype=str).reshape(-1, 4)
    atom_ids = cols[:, 0].astype(np.int64)
    mol_ids = cols[:, 1].astype(np.int64)
    type_ids = np.array([labels[t] if t in labels else int(t) for t in cols[:, 2]], dtype=np.int64)
    charges = cols[:, 3].astype(float)
    missing = sorted(set(type_ids.tolist()) - set(type_mass))
    if missing:
        raise TrajectoryFormatError(f"{path}: atom types {missing} have no entry in the Masses section")
    number_to_label = {v: k for k, v in labels.items()}
    order = np.argsort(atom_ids, kind="stable")
    atom_ids, mol_ids, type_ids, charges = atom_ids[order], mol_ids[order], type_ids[order], charges[order]
    if np.any(np.diff(atom_ids) == 0):
        raise TrajectoryFormatError(f"{path}: atom ids repeat in the Atoms section")
    drudes = {labels[k] for k in labels if k.endswith(DRUDE_SUFFIX)}
    if drudes and np.isin(type_ids, list(drudes)).any():
        atom_ids, mol_ids, type_ids, charges, type_mass = _fold_drudes(
            path, sections, atom_ids, mol_ids, type_ids, charges, type_mass, drudes
        )
    masses = np.array([type_mass[t] for t in type_ids.tolist()])
    type_element = {t: element_from_mass(m) for t, m in type_mass.items()}
    return DataTopology(
        path=path,
        atom_ids=atom_ids,
        mol_ids=mol_ids,
        type_ids=type_ids,
        type_labels=np.array([number_to_label.get(t, str(t)) for t in type_ids.tolist()]),
        masses=masses,
        charges=charges,
        elements=np.array([type_element[t] for t in type_ids.tolist()]),
        box=_parse_box(header, path),
    )


def _fold_drudes(
    path: Path,
    sections: dict[str, tuple[str, list[str]]],
    atom_ids: np.ndarray,
    mol_ids: np.ndarray,
    type_ids: np.ndarray,
    charges: np.ndarray,
    type_mass: dict[int, float],
    drude_types: set[int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, float]]:
    """Add each Drude particle's charge and mass to its core (the atom it is bonded to) and drop it."""
    is_drude = np.isin(type_ids, list(drude_types))
    bonds = np.array([line.split()[2:4] for line in sections.get("Bonds", ("", []))[1]], dtype=np.int64)
    bonds = bonds.reshape(-1, 2)
    index = np.searchsorted(atom_ids, bonds)
    drude_end = is_drude[index]
    if np.any(drude_end.all(axis=1)):
        raise TrajectoryFormatError(f"{path}: a bond joins two Drude particles")
    dc = bonds[drude_end.any(axis=1)]
    dc_index = index[drude_end.any(axis=1)]
    drude_first = drude_end[drude_end.any(axis=1), 0]
    drude_at = np.where(drude_first, dc_index[:, 0], dc_index[:, 1])
    core_at = np.where(drude_first, dc_index[:, 1], dc_index[:, 0])
    if dc.shape[0] != int(is_drude.sum()) or np.unique(drude_at).size != drude_at.size:
        raise TrajectoryFormatError(
            f"{path}: {int(is_drude.sum())} Drude particles but {dc.shape[0]} core-Drude bonds; "
            "each Drude particle must be bonded to exactly one core"
        )
    charges = charges.copy()
    np.add.at(charges, core_at, charges[drude_at])
    folded = dict(type_mass)
    for core_type, drude_type in {(int(type_ids[c]), int(type_ids[d])) for c, d in zip(core_at, drude_at, strict=True)}:
        folded[core_type] = type_mass[core_type] + type_mass[drude_type]
    keep = ~is_drude
    return atom_ids[keep], mol_ids[keep], type_ids[keep], charges[keep], folded
