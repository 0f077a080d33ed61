"""One k-point rule for every engine: a Gamma-centred mesh from the cell, its periodic directions and a system class.

Along each periodic direction i the mesh has

    n_i = max(1, ceil(L * |b_i|))        (b_i . a_j = delta_ij, |b_i| in Å^-1)

k-points, so that the k-point length it achieves, ``k*a`` = n_i / |b_i| (= n_i * a_i
in an orthogonal cell, Å), is at least the length L of the system class; a direction
that is not periodic (a slab's normal, every direction of a molecule in a box) gets
one. This is VASP's ``KSPACING`` rule with KSPACING = 2 pi / L (VASP wiki, KSPACING:
N_i = max(1, ceiling(|b_i| 2 pi / KSPACING))), so GPAW (``kpts={"size": mesh,
"gamma": True}``) and VASP (a Gamma-centred KPOINTS) run the same mesh on the same cell.

Lengths L (Å) of :data:`K_LENGTH_ANGSTROM`:

- ``metal`` and ``semimetal`` (Na slabs, graphene, the interfaces built on them):
  30 Å, slightly denser than the Materials Project's metallic KSPACING = 0.22 Å^-1
  (L = 28.6 Å; pymatgen ``MPScanRelaxSet``, Kingsbury et al., Phys. Rev. Mater. 6
  (2022) 013801);
- ``insulator`` (PEO and NaFSI films, molecules): 20 Å, denser than the
  Materials Project's cap for wide-gap solids (KSPACING 0.44 Å^-1, L = 14.3 Å, from
  the gap-dependent rule of Wisesa, McGill & Mueller, Phys. Rev. B 93 (2016) 155109);
- core levels (Delta-SCF) on a metal or semimetal: 40 Å
  (:data:`CORE_LEVEL_K_LENGTH_ANGSTROM`): the screening charge of the core hole sits
  at the Fermi level, so the Fermi surface has to be sampled better than for a total
  energy. Measured on a 44-atom PEO | oxidised graphene ribbon (a = 7.38 Å): halving its
  mesh (6x1x1 to 3x1x1) moves a C-O shift by 0.16 eV and a C=O shift by 0.04 eV, and at
  the Gamma point the ribbon shows a gap; a denser mesh than the rule's was not tested.

These are starting points, not proofs of convergence: the convergence scan
(:mod:`naspe.workflows.flows.convergence_scan.makers`) increases L per system class until
W_adh and E_bind stop changing, and records what it found.

A direction is periodic when the cell is periodic along it and the atoms leave no
empty gap wider than :data:`~naspe.workflows.dft.checks.SLAB_VACUUM_ANGSTROM` across
it (:func:`periodic_directions`). The system class of a structure is read from its
atoms by :func:`classify` (a metal: atoms of a metallic element with metallic
neighbours; a semimetal: an sp2 carbon sheet; otherwise an insulator), or given.
A flow decides the mesh once from its whole system (interface, complex) and runs
every part with it, so that energy differences share one Brillouin-zone sampling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SYSTEM_CLASSES",
    "K_LENGTH_ANGSTROM",
    "CORE_LEVEL_K_LENGTH_ANGSTROM",
    "PURPOSES",
    "KpointMesh",
    "k_length_for",
    "kpoint_mesh",
    "periodic_directions",
    "classify",
    "mesh_for_atoms",
    "explicit_mesh",
]

SYSTEM_CLASSES = ("metal", "semimetal", "insulator")
#: k-point length L (Å) of total energies per system class (see the module docstring for the sources)
K_LENGTH_ANGSTROM = {"metal": 30.0, "semimetal": 30.0, "insulator": 20.0}
#: k-point length L (Å) of Delta-SCF core-level single points (naspe's choice: stricter on metals)
CORE_LEVEL_K_LENGTH_ANGSTROM = {"metal": 40.0, "semimetal": 40.0, "insulator": 20.0}
PURPOSES = ("energy", "core_level")

#: metallic elements :func:`classify` looks for (alkali, alkaline-earth, Al and the 3d-5d transition metals)
_METALS = frozenset(
    "Li Na K Rb Cs Be Mg Ca Sr Ba Al Sc Ti V Cr Mn Fe Co Ni Cu Zn Y Zr Nb Mo Ru Rh Pd Ag Cd "
    "Hf Ta W Re Os Ir Pt Au".split()
)
#: a metal atom with a metal neighbour closer than this factor times twice its covalent radius is metallic
#: (bcc Na: 3.66 Å nearest neighbours, 2 x 1.66 Å covalent radius (ASE) x 1.25 = 4.15 Å)
_METAL_CONTACT_FACTOR = 1.25
#: C-C distance (Å) below which two carbons are bonded (graphene 1.42 Å, C-C single bond 1.54 Å)
_CC_BOND_ANGSTROM = 1.7


@dataclass(frozen=True)
class KpointMesh:
    """A Gamma-centred mesh and what it achieves.

    Attributes
    ----------
    mesh
        k-points along the three cell vectors.
    k_length_angstrom
        Achieved k-point length n_i / |b_i| (Å) along each periodic direction; None along a non-periodic one.
    target_angstrom
        The length L (Å) the rule asked for (None for an explicit mesh).
    system_class
        ``metal``, ``semimetal`` or ``insulator`` (None for an explicit mesh).
    periodic
        Which directions were treated as periodic.
    purpose
        ``energy`` or ``core_level``.
    """

    mesh: tuple[int, int, int]
    k_length_angstrom: tuple[float | None, float | None, float | None]
    target_angstrom: float | None
    system_class: str | None
    periodic: tuple[bool, bool, bool]
    purpose: str = "energy"

    def as_dict(self) -> dict:
        """JSON-able record for a task document's parameters."""
        return {
            "mesh": list(self.mesh),
            "gamma_centred": True,
            "k_length_angstrom": [None if k is None else round(k, 3) for k in self.k_length_angstrom],
            "target_k_length_angstrom": self.target_angstrom,
            "system_class": self.system_class,
            "periodic": list(self.periodic),
            "purpose": self.purpose,
            "rule": "n_i = max(1, ceil(L |b_i|)) along periodic directions (naspe.workflows.dft.kpoints)",
        }


def k_length_for(system_class: str, purpose: str = "energy") -> float:
    """The rule's k-point length L (Å) for a system class and purpose.

    Raises
    ------
    ValueError
        Unknown class or purpose, naming what is allowed.
    """
    if system_class not in SYSTEM_CLASSES:
        raise ValueError(f"system_class={system_class!r}: allowed are {', '.join(SYSTEM_CLASSES)}")
    if purpose not in PURPOSES:
        raise ValueError(f"purpose={purpose!r}: allowed are {', '.join(PURPOSES)}")
    table = CORE_LEVEL_K_LENGTH_ANGSTROM if purpose == "core_level" else K_LENGTH_ANGSTROM
    return table[system_class]


def _reciprocal_lengths(cell) -> np.ndarray:
    """|b_i| (Å^-1, without 2 pi) of the three cell vectors (rows of ``cell``, Å)."""
    cell = np.asarray(cell, dtype=float)
    if cell.shape != (3, 3) or abs(np.linalg.det(cell)) < 1e-9:
        raise ValueError("cell: must be three linearly independent vectors (Å)")
    return np.linalg.norm(np.linalg.inv(cell).T, axis=1)


def kpoint_mesh(
    cell,
    periodic,
    system_class: str,
    purpose: str = "energy",
    k_length_angstrom: float | None = None,
) -> KpointMesh:
    """The Gamma-centred mesh of the rule for a cell.

    Parameters
    ----------
    cell
        Cell vectors as rows (3 x 3, Å).
    periodic
        Three booleans: the directions along which the system is periodic.
    system_class
        ``metal``, ``semimetal`` or ``insulator``.
    purpose
        ``energy`` (total energies) or ``core_level`` (stricter on metals).
    k_length_angstrom
        A length L (Å) to use instead of the rule's (convergence scans); > 0.

    Raises
    ------
    ValueError
        A degenerate cell, an unknown class or purpose, or a non-positive length.
    """
    target = k_length_for(system_class, purpose)
    if k_length_angstrom is not None:
        target = float(k_length_angstrom)
        if not (math.isfinite(target) and target > 0):
            raise ValueError(f"k_length_angstrom={k_length_angstrom}: must be a finite length > 0 Å")
    periodic = tuple(bool(p) for p in periodic)
    if len(periodic) != 3:
        raise ValueError(f"periodic={periodic}: three booleans, one per cell vector")
    inverse = _reciprocal_lengths(cell)
    mesh, achieved = [], []
    for p, b in zip(periodic, inverse, strict=True):
        if not p:
            mesh.append(1)
            achieved.append(None)
            continue
        n = max(1, math.ceil(target * b - 1e-9))
        mesh.append(n)
        achieved.append(float(n / b))
    return KpointMesh(tuple(mesh), tuple(achieved), target, system_class, periodic, purpose)  # type: ignore[arg-type]


def periodic_directions(atoms) -> tuple[bool, bool, bool]:
    """The directions along which ``atoms`` (ASE) are periodic: a periodic cell vector with no vacuum gap across it.

    The gap along cell vector i is measured between planes of atoms, in Å
    (fractional coordinate times the interplanar spacing 1 / |b_i|); a gap wider than
    :data:`~naspe.workflows.dft.checks.SLAB_VACUUM_ANGSTROM` (6 Å) makes the direction
    non-periodic (a slab's normal, a molecule in a box).
    """
    from naspe.workflows.dft.checks import SLAB_VACUUM_ANGSTROM  # ASE: loaded when a structure is read

    if len(atoms) == 0:
        return (False, False, False)
    spacing = 1.0 / _reciprocal_lengths(atoms.cell[:])
    scaled = np.mod(atoms.get_scaled_positions(wrap=False), 1.0)
    out = []
    for i in range(3):
        if not atoms.pbc[i]:
            out.append(False)
            continue
        s = np.sort(scaled[:, i])
        gaps = np.diff(np.concatenate([s, [s[0] + 1.0]])) * spacing[i]
        out.append(bool(gaps.max() <= SLAB_VACUUM_ANGSTROM))
    return tuple(out)  # type: ignore[return-value]


def classify(atoms) -> str:
    """``metal``, ``semimetal`` or ``insulator`` from the atoms (ASE) of a cell.

    - metal: an atom of a metallic element (Na, Li, ...) with another metal atom
      closer than 1.25 times twice its covalent radius (a Na slab, a Na cluster; not a
      lone Na+ in a salt, not one Na adatom);
    - semimetal: at least half of the carbon atoms have three carbon neighbours within
      1.7 Å (an sp2 sheet: graphene, graphite, their defective and oxidised forms);
    - insulator: anything else (PEO, NaFSI, molecules).

    The classes of the rule err on the side of more k-points: a salt with close
    cations counts as a metal.
    """
    from ase.data import covalent_radii
    from ase.neighborlist import neighbor_list

    symbols = atoms.get_chemical_symbols()
    numbers = atoms.get_atomic_numbers()
    metal = np.array([s in _METALS for s in symbols])
    if metal.sum() >= 2:
        cutoff = 2.0 * _METAL_CONTACT_FACTOR * float(max(covalent_radii[numbers[metal]]))
        i, j, d = neighbor_list("ijd", atoms, cutoff)
        pair = metal[i] & metal[j]
        limit = _METAL_CONTACT_FACTOR * (covalent_radii[numbers[i]] + covalent_radii[numbers[j]])
        if np.any(pair & (d < limit)):
            return "metal"
    carbon = np.array([s == "C" for s in symbols])
    if carbon.sum() >= 3:
        i, j = neighbor_list("ij", atoms, _CC_BOND_ANGSTROM)
        cc = carbon[i] & carbon[j]
        neighbours = np.bincount(i[cc], minlength=len(atoms))
        if np.count_nonzero(neighbours[carbon] >= 3) >= 0.5 * carbon.sum():
            return "semimetal"
    return "insulator"


def explicit_mesh(cell, mesh, periodic) -> KpointMesh:
    """A given Gamma-centred ``mesh`` with the k-point lengths (Å) it achieves along the ``periodic`` directions."""
    inverse = _reciprocal_lengths(cell)
    mesh = tuple(int(n) for n in mesh)
    if len(mesh) != 3 or min(mesh) < 1:
        raise ValueError(f"mesh={mesh}: three integers >= 1")
    periodic = tuple(bool(p) for p in periodic)
    lengths = tuple(float(n / b) if p else None for n, b, p in zip(mesh, inverse, periodic, strict=True))
    return KpointMesh(mesh, lengths, None, None, periodic)  # type: ignore[arg-type]


def mesh_for_atoms(
    atoms,
    system_class: str | None = None,
    purpose: str = "energy",
    k_length_angstrom: float | None = None,
    periodic=None,
) -> KpointMesh:
    """The rule's mesh for ASE ``atoms``: class given or :func:`classify`'s, directions given or the atoms'."""
    cls = classify(atoms) if system_class is None else system_class
    directions = periodic_directions(atoms) if periodic is None else periodic
    return kpoint_mesh(atoms.cell[:], directions, cls, purpose, k_length_angstrom)
