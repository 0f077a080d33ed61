"""Poly(ethylene oxide) chains: oligomers and an infinite periodic chain.

Geometry (Å, degrees): C-O 1.42, C-C 1.52, C-H 1.09, O-H 0.96, C-O-C 112,
X-C-Y 109.47 (tetrahedral), C-O-H 108.5. Bond lengths are the average values of
Allen et al., J. Chem. Soc. Perkin Trans. 2 (1987) S1-S19 for aliphatic ethers
(C-O 1.416-1.426, Csp3-Csp3 1.524, C-H 1.09 from neutron data); the C-O-C angle
is that of dimethyl ether (111.7°, Kimura & Kubo, J. Chem. Phys. 30 (1959) 151).

Backbone torsions are chosen per bond kind. ``"helix"`` is the tgt sequence of
crystalline PEO (7/2 helix, Takahashi & Tadokoro, Macromolecules 6 (1973) 672);
``"trans"`` is the planar zigzag; ``"random"`` draws rotational-isomeric states
with the melt populations of PEO (C-O mostly trans, C-C mostly gauche; Smith,
Jaffe & Yoon, J. Phys. Chem. 97 (1993) 12752), forbids the g+g- "pentane" pairs
and rejects self-overlap, which gives compact coils that pack at melt density.

Types (OPLS-AA, see the force-field file): ``CTm`` ether CH3 carbon, ``CTe``
ether CH2 carbon, ``CTa`` CH2 of an alcohol end, ``OS`` ether oxygen, ``OH``/``HO``
hydroxyl, ``HCe``/``HCa`` H on ether/alcohol carbons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from ase import Atoms

from naspe.structures.forcefield import default_forcefield
from naspe.structures.topology import tag
from naspe.structures.zmatrix import dihedral_deg, place

__all__ = ["peo_oligomer", "periodic_peo_chain", "PeriodicChain", "EO_MASS_G_MOL"]

BOND = {("C", "O"): 1.42, ("C", "C"): 1.52, ("C", "H"): 1.09, ("H", "O"): 0.96}
ANGLE_COC = 112.0
ANGLE_TET = 109.47
ANGLE_COH = 108.5
GAUCHE = 68.0
EO_MASS_G_MOL = 44.053  # C2H4O

Conformation = Literal["random", "helix", "trans"]
End = Literal["methyl", "hydroxyl"]

#: rotational-isomeric populations (trans, gauche+, gauche-) for the PEO melt
#: around C-O and C-C bonds (Smith, Jaffe & Yoon 1993, ~340 K)
RIS_POPULATIONS = {"C-O": (0.70, 0.15, 0.15), "C-C": (0.20, 0.40, 0.40)}


def _bond(e1: str, e2: str) -> float:
    return BOND[tuple(sorted((e1, e2)))]


def _backbone(n_eo: int, end: End) -> list[str]:
    if end == "methyl":
        return ["C", "O"] + ["C", "C", "O"] * n_eo + ["C"]
    return ["O"] + ["C", "C", "O"] * n_eo


def _validate(n_eo: int, end: str, conformation: str) -> None:
    if not isinstance(n_eo, (int, np.integer)) or n_eo < 1:
        raise ValueError(f"n_eo={n_eo!r}: the number of EO units must be an integer >= 1")
    if end not in ("methyl", "hydroxyl"):
        raise ValueError(f"end={end!r}: allowed end groups are 'methyl' and 'hydroxyl'")
    if conformation not in ("random", "helix", "trans"):
        raise ValueError(f"conformation={conformation!r}: allowed are 'random', 'helix', 'trans'")


def _torsion_sequence(elements: list[str], conformation: Conformation, rng: np.random.Generator) -> list[float]:
    """Dihedral (deg) that places backbone atom i (i >= 3) about bond (i-1, i-2)."""
    out = [0.0, 0.0, 0.0]
    for i in range(3, len(elements)):
        kind = "C-C" if elements[i - 1] == elements[i - 2] == "C" else "C-O"
        if conformation == "trans":
            out.append(180.0)
        elif conformation == "helix":
            out.append(GAUCHE if kind == "C-C" else 180.0)
        else:
            out.append(float("nan"))  # drawn during growth
    return out


def _grow_backbone(
    elements: list[str], conformation: Conformation, rng: np.random.Generator, max_tries: int = 200
) -> tuple[np.ndarray, list[float]]:
    """Backbone positions (Å) and the torsions used, self-avoiding for ``random``."""
    n = len(elements)
    angles = [ANGLE_COC if e == "O" else ANGLE_TET for e in elements]
    for _ in range(max_tries):
        torsions = _torsion_sequence(elements, conformation, rng)
        pos = np.zeros((n, 3))
        pos[1] = [_bond(elements[0], elements[1]), 0.0, 0.0]
        if n > 2:
            theta = np.radians(180.0 - angles[1])
            b = _bond(elements[1], elements[2])
            pos[2] = pos[1] + [b * np.cos(theta), b * np.sin(theta), 0.0]
        ok = True
        for i in range(3, n):
            choices = [torsions[i]]
            if np.isnan(torsions[i]):
                kind = "C-C" if elements[i - 1] == elements[i - 2] == "C" else "C-O"
                p = RIS_POPULATIONS[kind]
                order = rng.choice(3, size=3, replace=False, p=p)
                choices = [(180.0, GAUCHE, -GAUCHE)[k] for k in order]
                prev = torsions[i - 1] if i > 3 else 180.0
                # no g+g- / g-g+ pairs on consecutive bonds (pentane effect)
                choices = [c for c in choices if not (abs(c) < 120 and abs(prev) < 120 and c * prev < 0)]
            placed = False
            for phi in choices:
                trial = place(pos[i - 1], pos[i - 2], pos[i - 3], _bond(elements[i - 1], elements[i]), angles[i - 1], phi)
                if i > 4 and np.min(np.linalg.norm(pos[: i - 3] - trial, axis=1)) < 3.0:
                    continue
                pos[i] = trial
                torsions[i] = phi
                placed = True
                break
            if not placed:
                ok = False
                break
        if ok:
            return pos, torsions
    raise RuntimeError(f"could not grow a self-avoiding chain of {n} backbone atoms in {max_tries} tries")


def _add_hydrogens(
    elements: list[str], pos: np.ndarray
) -> tuple[list[str], np.ndarray, list[tuple[int, int]], list[int]]:
    """Saturate the linear backbone; returns symbols, positions, bonds and each H's parent."""
    n = len(elements)
    symbols = list(elements)
    coords = list(pos)
    bonds = [(i, i + 1) for i in range(n - 1)]
    parent: list[int] = []

    def add(i: int, a: np.ndarray, b: np.ndarray, c: np.ndarray, bond: float, angle: float, phis: list[float]) -> None:
        for phi in phis:
            coords.append(place(a, b, c, bond, angle, phi))
            symbols.append("H")
            bonds.append((i, len(symbols) - 1))
            parent.append(i)

    staggered = [180.0, 60.0, -60.0]
    for i, el in enumerate(elements):
        if el == "C" and i == 0:
            add(i, pos[0], pos[1], pos[2], BOND[("C", "H")], ANGLE_TET, staggered)
        elif el == "C" and i == n - 1:
            add(i, pos[i], pos[i - 1], pos[i - 2], BOND[("C", "H")], ANGLE_TET, staggered)
        elif el == "C" and i >= 2:
            # the two H sit at +-120 deg from the next backbone atom about bond (i, i-1)
            phi = dihedral_deg(pos[i + 1], pos[i], pos[i - 1], pos[i - 2])
            add(i, pos[i], pos[i - 1], pos[i - 2], BOND[("C", "H")], ANGLE_TET, [phi + 120.0, phi - 120.0])
        elif el == "C":
            phi = dihedral_deg(pos[i - 1], pos[i], pos[i + 1], pos[i + 2])
            add(i, pos[i], pos[i + 1], pos[i + 2], BOND[("C", "H")], ANGLE_TET, [phi + 120.0, phi - 120.0])
        elif el == "O" and i == 0:
            add(i, pos[0], pos[1], pos[2], BOND[("H", "O")], ANGLE_COH, [180.0])
        elif el == "O" and i == n - 1:
            add(i, pos[i], pos[i - 1], pos[i - 2], BOND[("H", "O")], ANGLE_COH, [180.0])
    return symbols, np.array(coords), bonds, parent


def _types(symbols: list[str], bonds: list[tuple[int, int]]) -> list[str]:
    """Force-field types from the constructed connectivity (no geometry guessing)."""
    neighbours: list[list[int]] = [[] for _ in symbols]
    for i, j in bonds:
        neighbours[i].append(j)
        neighbours[j].append(i)

    def is_hydroxyl_o(k: int) -> bool:
        return symbols[k] == "O" and any(symbols[m] == "H" for m in neighbours[k])

    def carbon_type(k: int) -> str:
        heavy = [m for m in neighbours[k] if symbols[m] != "H"]
        if any(is_hydroxyl_o(m) for m in heavy):
            return "CTa"
        return "CTm" if len(heavy) == 1 else "CTe"

    types: list[str] = []
    for i, sym in enumerate(symbols):
        if sym == "O":
            types.append("OH" if is_hydroxyl_o(i) else "OS")
        elif sym == "C":
            types.append(carbon_type(i))
        else:
            (p,) = neighbours[i]
            types.append("HO" if symbols[p] == "O" else ("HCa" if carbon_type(p) == "CTa" else "HCe"))
    return types


def peo_oligomer(
    n_eo: int,
    end: End = "methyl",
    conformation: Conformation = "random",
    seed: int | None = 0,
) -> Atoms:
    """Build ``CH3-(O-CH2-CH2)n-O-CH3`` (``end="methyl"``) or ``HO-(CH2-CH2-O)n-H``.

    Parameters
    ----------
    n_eo
        Number of ethylene-oxide (-CH2-CH2-O-) repeat units; the methyl-capped
        chain has ``n_eo + 1`` ether oxygens, the hydroxyl-capped one ``n_eo + 1``
        oxygens of which two are hydroxyls.
    end
        End groups: ``"methyl"`` (glyme-like) or ``"hydroxyl"``.
    conformation
        ``"random"`` (melt-like coil), ``"helix"`` (tgt) or ``"trans"`` (zigzag).
    seed
        Seed of the random conformation.

    Returns
    -------
    ase.Atoms
        A non-periodic molecule (Å) tagged with OPLS-AA types and charges (e).
    """
    _validate(n_eo, end, conformation)
    rng = np.random.default_rng(seed)
    elements = _backbone(n_eo, end)
    pos, _ = _grow_backbone(elements, conformation, rng)
    symbols, coords, bonds, _ = _add_hydrogens(elements, pos)
    types = _types(symbols, bonds)
    ff = default_forcefield()
    atoms = Atoms(symbols, positions=coords - coords.mean(axis=0))
    tag(atoms, types, [ff.charge(t) for t in types], bonds, "PEO")
    atoms.info["n_eo"] = int(n_eo)
    atoms.info["end_group"] = end
    return atoms


@dataclass(frozen=True)
class PeriodicChain:
    """An infinite all-trans PEO chain along x.

    Attributes
    ----------
    atoms
        The periodic cell (Å), tagged; the chain crosses the x boundary.
    repeat_angstrom
        Length (Å) of one period of the chain (two EO units, planar zigzag).
    n_eo
        EO units in the cell.
    """

    atoms: Atoms
    repeat_angstrom: float
    n_eo: int


def periodic_peo_chain(n_eo: int = 2, lateral_angstrom: float = 10.0) -> PeriodicChain:
    """Infinite planar-zigzag (all-trans) PEO chain along x, for slab models.

    The all-trans chain repeats every two EO units (two-fold screw per unit), so
    ``n_eo`` must be even. The zigzag lies in the xy plane.

    Parameters
    ----------
    n_eo
        EO units in the cell (even, >= 2).
    lateral_angstrom
        Cell length (Å) along y and z.
    """
    if not isinstance(n_eo, (int, np.integer)) or n_eo < 2 or n_eo % 2:
        raise ValueError(
            f"n_eo={n_eo!r}: a periodic all-trans PEO chain repeats every 2 EO units; use an even number >= 2"
        )
    if lateral_angstrom < 6.0:
        raise ValueError(f"lateral_angstrom={lateral_angstrom}: must be >= 6 Å so chain images do not overlap")
    # backbone of n_eo units plus the first three atoms of the next period
    elements = ["O"] + ["C", "C", "O"] * n_eo + ["C", "C"]
    pos, _ = _grow_backbone(elements, "trans", np.random.default_rng(0))
    period = 3 * n_eo
    axis = pos[period] - pos[0]
    length = float(np.linalg.norm(axis))
    # rotate: chain axis -> x, zigzag plane -> xy
    ex = axis / length
    side = pos[1] - pos[0]
    ey = side - np.dot(side, ex) * ex
    ey /= np.linalg.norm(ey)
    ez = np.cross(ex, ey)
    rot = np.vstack([ex, ey, ez])
    pos = (pos - pos[0]) @ rot.T
    # hydrogens from an extended backbone (one atom before and after the period)
    ext_elements = ["C"] + elements
    first = place(pos[0], pos[1], pos[2], BOND[("C", "O")], ANGLE_COC, 180.0)
    ext_pos = np.vstack([first, pos])
    symbols, coords, bonds, parent = _add_hydrogens(ext_elements, ext_pos)
    keep_backbone = list(range(1, period + 1))  # ext indices of the period's backbone atoms
    h_idx = [len(ext_elements) + k for k, p in enumerate(parent) if p in keep_backbone]
    order = keep_backbone + h_idx
    new_index = {old: new for new, old in enumerate(order)}
    cell_symbols = [symbols[i] for i in order]
    cell_pos = coords[order]
    cell_bonds = [(new_index[i], new_index[j]) for i, j in bonds if i in new_index and j in new_index]
    # bond across the x boundary: last backbone C to the first O
    cell_bonds.append((new_index[period], new_index[1]))
    types = _types(cell_symbols, cell_bonds)
    ff = default_forcefield()
    cell = np.diag([length, lateral_angstrom, lateral_angstrom])
    atoms = Atoms(cell_symbols, positions=cell_pos + [0.0, lateral_angstrom / 2, lateral_angstrom / 2], cell=cell, pbc=True)
    atoms.wrap()
    tag(atoms, types, [ff.charge(t) for t in types], cell_bonds, "PEO")
    atoms.info["n_eo"] = int(n_eo)
    return PeriodicChain(atoms=atoms, repeat_angstrom=length / (n_eo // 2), n_eo=int(n_eo))
