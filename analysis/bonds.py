"""Bond detection and classification for interface models.

Bonds are found from interatomic distances with element-pair cutoffs, then
named and classified: C-O single (ether/alcohol, ~1.43 Å), C=O double
(carbonyl, ~1.21 Å), Na-O, Na-N, Na-F, C-C, C-H, S-O, S-N, ... Bond orders from
the engine (tblite Wiberg indices) refine the C-O single/double call when given.

.. warning::
   Geometry alone cannot tell a chemical bond from a close contact: Na-O at
   2.3-2.6 Å is the coordination of Na by ether or carbonyl oxygen, not a
   covalent bond. Classes carry the distance and, when available, the bond order
   and charge transfer, so a report can say which. Cutoffs are listed in
   :data:`PAIR_CUTOFFS` with their basis; C-O classification uses 1.32 Å between
   C=O (1.21 Å, Allen et al. 1987) and C-O (1.43 Å).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from pydantic import BaseModel, Field

__all__ = ["Bond", "BondSet", "find_bonds", "bond_changes", "PAIR_CUTOFFS", "classify", "order_matrix"]

#: element pair -> largest distance (Å) counted as a bond. Covalent pairs: ~1.2 x the
#: sum of covalent radii (Cordero et al., Dalton Trans. (2008) 2832); Na-X: first
#: minimum of the Na-X radial distribution in salts/ethers (~3.0 Å for Na-O).
PAIR_CUTOFFS: dict[tuple[str, str], float] = {
    ("C", "C"): 1.75,
    ("C", "H"): 1.25,
    ("C", "O"): 1.70,
    ("C", "N"): 1.70,
    ("C", "F"): 1.60,
    ("C", "S"): 2.00,
    ("H", "O"): 1.20,
    ("N", "S"): 1.85,
    ("O", "S"): 1.75,
    ("F", "S"): 1.85,
    ("Na", "O"): 3.00,
    ("Na", "N"): 3.00,
    ("Na", "F"): 2.90,
    ("C", "Na"): 2.90,
    ("Na", "Na"): 3.90,
    ("Li", "O"): 2.40,
    ("Li", "N"): 2.50,
    ("Li", "F"): 2.40,
}
PAIR_CUTOFFS = {(min(k), max(k)): v for k, v in PAIR_CUTOFFS.items()}  # looked up by the sorted pair
C_O_DOUBLE_MAX = 1.32  # Å: C=O 1.21 Å, C-O 1.43 Å (Allen et al., J. Chem. Soc. Perkin Trans. 2 (1987) S1)


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def classify(el_i: str, el_j: str, distance: float, order: float | None = None) -> str:
    """Name of a bond: ``"C=O"``, ``"C-O"``, ``"Na-O"``, ... (elements in alphabetical order otherwise)."""
    a, b = _key(el_i, el_j)
    if (a, b) == ("C", "O"):
        if order is not None:
            return "C=O" if order >= 1.5 else "C-O"
        return "C=O" if distance <= C_O_DOUBLE_MAX else "C-O"
    if "Na" in (a, b) or "Li" in (a, b):
        metal = "Na" if "Na" in (a, b) else "Li"
        other = b if a == metal else a
        return f"{metal}-{other}"
    return f"{a}-{b}"


class Bond(BaseModel):
    """One bond: atom indices, elements, length (Å), class and optional order."""

    i: int = Field(description="Index of the first atom")
    j: int = Field(description="Index of the second atom")
    elements: tuple[str, str] = Field(description="Elements of i and j")
    length_angstrom: float = Field(description="Bond length (Å), minimum image")
    kind: str = Field(description="Class, e.g. 'C=O', 'C-O', 'Na-O', 'Na-N'")
    order: float | None = Field(None, description="Bond order from the engine (tblite Wiberg), if available")


@dataclass
class BondSet:
    """All bonds of a structure."""

    bonds: list[Bond]

    def of_kind(self, kind: str) -> list[Bond]:
        """Bonds of one class."""
        return [b for b in self.bonds if b.kind == kind]

    def counts(self) -> dict[str, int]:
        """Number of bonds of each class."""
        out: dict[str, int] = {}
        for b in self.bonds:
            out[b.kind] = out.get(b.kind, 0) + 1
        return dict(sorted(out.items()))

    def pairs(self) -> set[tuple[int, int]]:
        """Index pairs (i < j)."""
        return {(b.i, b.j) for b in self.bonds}


def order_matrix(n_atoms: int, pairs) -> np.ndarray:
    """Symmetric ``(n, n)`` bond-order matrix from ``(i, j, order)`` triples (engine documents)."""
    matrix = np.zeros((n_atoms, n_atoms))
    for i, j, order in pairs:
        if not (0 <= i < n_atoms and 0 <= j < n_atoms):
            raise ValueError(f"bond order pair ({i}, {j}) outside 0..{n_atoms - 1}")
        matrix[i, j] = matrix[j, i] = order
    return matrix


def find_bonds(atoms: Atoms, bond_orders: np.ndarray | None = None, scale: float = 1.0) -> BondSet:
    """Bonds of ``atoms`` from :data:`PAIR_CUTOFFS` (times ``scale``), minimum image.

    Parameters
    ----------
    atoms
        Structure (periodic or not).
    bond_orders
        Optional ``(n, n)`` matrix of bond orders (e.g. tblite Wiberg indices).
    scale
        Factor on all cutoffs.
    """
    if scale <= 0:
        raise ValueError(f"scale={scale}: must be > 0")
    from ase.neighborlist import neighbor_list  # SciPy's sparse graphs (0.3 s): when bonds are found

    symbols = atoms.get_chemical_symbols()
    cutoff = max(PAIR_CUTOFFS.values()) * scale
    i, j, d = neighbor_list("ijd", atoms, cutoff)
    bonds = []
    for a, b, r in zip(i, j, d, strict=True):
        if a >= b:
            continue
        limit = PAIR_CUTOFFS.get(_key(symbols[a], symbols[b]))
        if limit is None or r > limit * scale:
            continue
        order = float(bond_orders[a, b]) if bond_orders is not None else None
        bonds.append(
            Bond(
                i=int(a),
                j=int(b),
                elements=(symbols[a], symbols[b]),
                length_angstrom=float(r),
                kind=classify(symbols[a], symbols[b], float(r), order),
                order=order,
            )
        )
    bonds.sort(key=lambda x: (x.i, x.j))
    return BondSet(bonds)


def bond_changes(
    before: Atoms, after: Atoms, after_orders: np.ndarray | None = None, **kwargs
) -> dict[str, list[Bond]]:
    """Bonds formed and broken between two structures with the same atoms in the same order.

    ``after_orders`` (bond orders of the final structure, e.g. tblite Wiberg)
    classify and annotate the bonds of ``after``.
    """
    if before.get_chemical_symbols() != after.get_chemical_symbols():
        raise ValueError("bond_changes needs the same atoms in the same order before and after")
    b0, b1 = find_bonds(before, **kwargs), find_bonds(after, bond_orders=after_orders, **kwargs)
    p0, p1 = b0.pairs(), b1.pairs()
    return {
        "formed": [b for b in b1.bonds if (b.i, b.j) not in p0],
        "broken": [b for b in b0.bonds if (b.i, b.j) not in p1],
    }
