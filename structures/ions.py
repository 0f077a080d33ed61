"""Salt ions: Na+, Li+, FSI- (bis(fluorosulfonyl)imide) and TFSI- (bis(trifluoromethylsulfonyl)imide).

Anion geometries are built from z-matrices whose bond lengths and angles are the
equilibrium values of the CL&P force field (Canongia Lopes & Padua, J. Phys.
Chem. B 108 (2004) 16893; FSI- from Phys. Chem. Chem. Phys. 19 (2017) 29617),
with the torsions of the CL&P z-matrices (``fsi.zmat``, ``ntf2.zmat``): the
trans (C2) conformer of each anion.
"""

from __future__ import annotations

from ase import Atoms

from naspe.structures.forcefield import default_forcefield
from naspe.structures.topology import tag
from naspe.structures.zmatrix import from_zmatrix

__all__ = ["fsi", "tfsi", "cation", "anion", "SALTS"]

# (symbol, ff type, z-matrix row)
_FSI = [
    ("F", "FS", ()),
    ("S", "SBT", (0, 1.575)),
    ("N", "NBT", (1, 1.570, 0, 103.0)),
    ("O", "OBT", (1, 1.437, 0, 104.1, 2, 120.0)),
    ("O", "OBT", (1, 1.437, 0, 104.1, 2, -120.0)),
    ("S", "SBT", (2, 1.570, 1, 125.6, 0, 90.0)),
    ("O", "OBT", (5, 1.437, 2, 113.6, 1, -30.0)),
    ("O", "OBT", (5, 1.437, 2, 113.6, 1, -150.0)),
    ("F", "FS", (5, 1.575, 2, 103.0, 1, 90.0)),
]
_FSI_BONDS = [(0, 1), (1, 2), (1, 3), (1, 4), (2, 5), (5, 6), (5, 7), (5, 8)]

_TFSI = [
    ("C", "CBT", ()),
    ("F", "F1", (0, 1.323)),
    ("F", "F1", (0, 1.323, 1, 107.1)),
    ("F", "F1", (0, 1.323, 1, 107.1, 2, 120.0)),
    ("S", "SBT", (0, 1.818, 1, 111.7, 2, -120.0)),
    ("N", "NBT", (4, 1.570, 0, 103.5, 2, 60.0)),
    ("O", "OBT", (4, 1.437, 0, 102.6, 5, 120.0)),
    ("O", "OBT", (4, 1.437, 0, 102.6, 5, -120.0)),
    ("S", "SBT", (5, 1.570, 4, 125.6, 0, 90.0)),
    ("O", "OBT", (8, 1.437, 5, 113.6, 4, -30.0)),
    ("O", "OBT", (8, 1.437, 5, 113.6, 4, -150.0)),
    ("C", "CBT", (8, 1.818, 5, 103.5, 4, 90.0)),
    ("F", "F1", (11, 1.323, 8, 111.7, 5, 60.0)),
    ("F", "F1", (11, 1.323, 8, 111.7, 5, -60.0)),
    ("F", "F1", (11, 1.323, 8, 111.7, 5, 180.0)),
]
_TFSI_BONDS = [
    (0, 1),
    (0, 2),
    (0, 3),
    (0, 4),
    (4, 5),
    (4, 6),
    (4, 7),
    (5, 8),
    (8, 9),
    (8, 10),
    (8, 11),
    (11, 12),
    (11, 13),
    (11, 14),
]

#: salts naspe can build: name -> (cation, anion)
SALTS = {"NaFSI": ("Na", "FSI"), "NaTFSI": ("Na", "TFSI"), "LiFSI": ("Li", "FSI"), "LiTFSI": ("Li", "TFSI")}


def _build(spec: list[tuple], bonds: list[tuple[int, int]], name: str) -> Atoms:
    symbols = [s for s, _, _ in spec]
    types = [t for _, t, _ in spec]
    pos = from_zmatrix([row for _, _, row in spec])
    ff = default_forcefield()
    atoms = Atoms(symbols, positions=pos - pos.mean(axis=0))
    return tag(atoms, types, [ff.charge(t) for t in types], bonds, name)


def fsi() -> Atoms:
    """FSI- anion, N(SO2F)2-, with CL&P types and charges (sum -1 e)."""
    return _build(_FSI, _FSI_BONDS, "FSI")


def tfsi() -> Atoms:
    """TFSI- anion, N(SO2CF3)2-, with CL&P types and charges (sum -1 e)."""
    return _build(_TFSI, _TFSI_BONDS, "TFSI")


def cation(symbol: str) -> Atoms:
    """A Na+ or Li+ ion (Aqvist Lennard-Jones, charge +1 e)."""
    if symbol not in ("Na", "Li"):
        raise ValueError(f"cation {symbol!r}: allowed cations are 'Na' and 'Li'")
    ff = default_forcefield()
    return tag(Atoms(symbol, positions=[[0.0, 0.0, 0.0]]), [symbol], [ff.charge(symbol)], [], symbol)


def anion(name: str) -> Atoms:
    """FSI- or TFSI- by name."""
    builders = {"FSI": fsi, "TFSI": tfsi}
    if name not in builders:
        raise ValueError(f"anion {name!r}: allowed anions are {sorted(builders)}")
    return builders[name]()
