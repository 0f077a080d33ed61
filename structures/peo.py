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

__all__ = [
    "peo_oligomer",
    "periodic_peo_chain",
    "PeriodicChain",
    "GrowthSpace",
    "grow_backbone",
    "backbone_elements",
    "chain_from_backbone",
    "EO_MASS_G_MOL",
]

BOND = {("C", "O"): 1.42, ("C", "C"): 1.52, ("C", "H"): 1.09, ("H", "O"): 0.96}
ANGLE_COC = 112.0
ANGLE_TET = 109.47
ANGLE_COH = 108.5
GAUCHE = 68.0
COMFORT_ANGSTROM = 0.5  # clearance beyond the tolerance at which a drawn torsion is taken at once
EO_MASS_G_MOL = 44.053  # C2H4O

Conformation = Literal["random", "helix", "trans"]
End = Literal["methyl", "hydroxyl"]

#: rotational-isomeric populations (trans, gauche+, gauche-) for the PEO melt
#: around C-O and C-C bonds (Smith, Jaffe & Yoon 1993, ~340 K)
RIS_POPULATIONS = {"C-O": (0.70, 0.15, 0.15), "C-C": (0.20, 0.40, 0.40)}


def _bond(e1: str, e2: str) -> float:
    return BOND[(min(e1, e2), max(e1, e2))]


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


def _rotatable_kind(elements: list[str], i: int) -> str:
    """Kind of the bond (i-1, i-2) about which backbone atom i is placed."""
    return "C-C" if elements[i - 1] == elements[i - 2] == "C" else "C-O"


def _fixed_torsion(elements: list[str], i: int, conformation: Conformation) -> float:
    if conformation == "trans":
        return 180.0
    return GAUCHE if _rotatable_kind(elements, i) == "C-C" else 180.0


def _hydrogens(k: int, elements: list[str], pos: np.ndarray) -> list[np.ndarray]:
    """Hydrogen positions (Å) on backbone atom ``k``; needs its backbone neighbours placed.

    CH3 and OH ends are staggered/trans to the chain; the two H of a CH2 sit at
    +-120 degrees from the next backbone atom (ideal tetrahedron).
    """
    n = len(elements)
    el = elements[k]
    ch = BOND[("C", "H")]
    if el == "C" and k == 0:
        return [place(pos[0], pos[1], pos[2], ch, ANGLE_TET, phi) for phi in (180.0, 60.0, -60.0)]
    if el == "C" and k == n - 1:
        return [place(pos[k], pos[k - 1], pos[k - 2], ch, ANGLE_TET, phi) for phi in (180.0, 60.0, -60.0)]
    if el == "C" and k >= 2:
        phi = dihedral_deg(pos[k + 1], pos[k], pos[k - 1], pos[k - 2])
        return [place(pos[k], pos[k - 1], pos[k - 2], ch, ANGLE_TET, phi + d) for d in (120.0, -120.0)]
    if el == "C":
        phi = dihedral_deg(pos[k - 1], pos[k], pos[k + 1], pos[k + 2])
        return [place(pos[k], pos[k + 1], pos[k + 2], ch, ANGLE_TET, phi + d) for d in (120.0, -120.0)]
    if el == "O" and k == 0:
        return [place(pos[0], pos[1], pos[2], BOND[("H", "O")], ANGLE_COH, 180.0)]
    if el == "O" and k == n - 1:
        return [place(pos[k], pos[k - 1], pos[k - 2], BOND[("H", "O")], ANGLE_COH, 180.0)]
    return []


class GrowthSpace:
    """Atoms already placed, for overlap checks while chains grow.

    Parameters
    ----------
    box
        Orthorhombic periodic box lengths (Å), or None for open space.
    tolerance
        Minimum distance (Å) between atoms of different molecules, and between
        atoms of one chain more than three bonds apart.
    intra_heavy
        Minimum distance (Å) between heavy atoms of one chain more than three
        bonds apart (keeps coils free of knots and eclipsed contacts).
    """

    def __init__(self, box: np.ndarray | None = None, tolerance: float = 2.0, intra_heavy: float = 2.9) -> None:
        self.box = None if box is None else np.asarray(box, dtype=float)
        self.tolerance = tolerance
        self.intra_heavy = intra_heavy
        self.pos = np.zeros((0, 3))
        self.owner = np.zeros(0, dtype=int)  # molecule id, -1 for fixed obstacles
        self.anchor = np.zeros(0, dtype=int)  # backbone index (H: its parent's)
        self.is_h = np.zeros(0, dtype=bool)

    def __len__(self) -> int:
        return len(self.pos)

    def add(self, pos: np.ndarray, owner: int, anchor: np.ndarray, is_h: np.ndarray) -> None:
        """Record atoms at ``pos`` (n, 3) belonging to molecule ``owner``."""
        self.pos = np.vstack([self.pos, pos])
        self.owner = np.concatenate([self.owner, np.full(len(pos), owner)])
        self.anchor = np.concatenate([self.anchor, anchor])
        self.is_h = np.concatenate([self.is_h, is_h])

    def truncate(self, n: int) -> None:
        """Forget every atom added after the first ``n``."""
        self.pos, self.owner, self.anchor, self.is_h = self.pos[:n], self.owner[:n], self.anchor[:n], self.is_h[:n]

    def margin(self, pos: np.ndarray, owner: int, anchor: np.ndarray, is_h: np.ndarray) -> float:
        """Smallest clearance (Å) of the candidate atoms over their limits; negative means an overlap."""
        if not len(self.pos):
            return np.inf
        d = self.pos[None, :, :] - pos[:, None, :]
        if self.box is not None:
            d -= self.box * np.round(d / self.box)
        r = np.sqrt((d * d).sum(axis=-1))
        same = self.owner[None, :] == owner
        topo = np.abs(self.anchor[None, :] - anchor[:, None]) + self.is_h[None, :] + is_h[:, None]
        heavy = same & (topo > 3) & ~self.is_h[None, :] & ~is_h[:, None]
        limit = np.where(heavy, self.intra_heavy, self.tolerance)
        r = np.where(same & (topo <= 3), np.inf, r)
        return float((r - limit).min())

    def clashes(self, pos: np.ndarray, owner: int, anchor: np.ndarray, is_h: np.ndarray) -> bool:
        """True when any of the candidate atoms comes too close to a placed atom."""
        return self.margin(pos, owner, anchor, is_h) < 0.0


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    a, b, c, d = q
    return np.array(
        [
            [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
            [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
            [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d],
        ]
    )


def grow_backbone(
    elements: list[str],
    conformation: Conformation,
    rng: np.random.Generator,
    space: GrowthSpace | None = None,
    owner: int = 0,
    max_restarts: int = 200,
    max_backtracks: int = 400,
) -> np.ndarray:
    """Backbone positions (Å) of one chain grown into ``space`` (which then holds it, H included).

    ``random`` conformations draw each torsion from the rotational-isomeric
    populations, try the other states and then random torsions when a candidate
    overlaps, and back-track three atoms on a dead end. In a periodic ``space``
    the chain starts at a random point with a random orientation.
    """
    space = space if space is not None else GrowthSpace()
    n = len(elements)
    angles = [ANGLE_COC if e == "O" else ANGLE_TET for e in elements]
    start_len = len(space)
    for _ in range(max_restarts):
        space.truncate(start_len)
        pos = np.zeros((n, 3))
        pos[1] = [_bond(elements[0], elements[1]), 0.0, 0.0]
        theta = np.radians(180.0 - angles[1])
        b = _bond(elements[1], elements[2])
        pos[2] = pos[1] + [b * np.cos(theta), b * np.sin(theta), 0.0]
        if space.box is not None:
            pos[:3] = pos[:3] @ _random_rotation(rng).T + rng.random(3) * space.box
        if space.clashes(pos[:3], owner, np.arange(3), np.zeros(3, dtype=bool)):
            continue
        space.add(pos[:3], owner, np.arange(3), np.zeros(3, dtype=bool))
        marks = {3: len(space)}
        torsions = np.full(n, 180.0)
        i, backtracks = 3, 0
        while i < n:
            if conformation == "random":
                order = rng.choice(3, size=3, replace=False, p=RIS_POPULATIONS[_rotatable_kind(elements, i)])
                trials = [(180.0, GAUCHE, -GAUCHE)[k] + rng.normal(0.0, 8.0) for k in order]
                prev = torsions[i - 1] if i > 3 else 180.0
                # no g+g- / g-g+ pairs on consecutive bonds (pentane effect)
                trials = [t for t in trials if not (abs(t) < 120 and abs(prev) < 120 and t * prev < 0)]
                n_ris = len(trials)
                trials += list(rng.uniform(-180.0, 180.0, size=6))
            else:
                trials = [_fixed_torsion(elements, i, conformation)]
                n_ris = 1
            owners_h = [i - 1] + ([0, 1] if i == 3 else [])
            best: tuple[float, float, np.ndarray, np.ndarray] | None = None
            for n_trial, phi in enumerate(trials):
                pos[i] = place(
                    pos[i - 1], pos[i - 2], pos[i - 3], _bond(elements[i - 1], elements[i]), angles[i - 1], phi
                )
                new = [pos[i]]
                anchors = [i]
                for k in owners_h + ([i] if i == n - 1 else []):
                    hs = _hydrogens(k, elements, pos)
                    new += hs
                    anchors += [k] * len(hs)
                new_pos, new_anchor = np.array(new), np.array(anchors)
                if conformation != "random":
                    best = (np.inf, phi, new_pos, new_anchor)
                    break
                m = space.margin(new_pos, owner, new_anchor, np.arange(len(new)) > 0)
                # the first state (drawn by RIS weight) with room to spare, else the roomiest one;
                # random torsions only when every rotational-isomeric state overlaps
                if m >= 0.0 and (best is None or m > best[0]):
                    best = (m, phi, new_pos, new_anchor)
                if best is not None and (m >= COMFORT_ANGSTROM or n_trial >= n_ris - 1):
                    break
            placed = best is not None
            if best is not None:
                _, phi, new_pos, new_anchor = best
                pos[i] = new_pos[0]
                space.add(new_pos, owner, new_anchor, np.arange(len(new_pos)) > 0)
                torsions[i] = phi
            if placed:
                i += 1
                marks[i] = len(space)
                continue
            backtracks += 1
            # a dead end at the fourth atom cannot be backed out of (its clash is the start's or the
            # first methyl's, whose H do not depend on the torsion): start again elsewhere
            if backtracks > max_backtracks or i == 3:
                break
            i = max(3, i - 3)
            space.truncate(marks[i])
        else:
            return pos
    raise RuntimeError(
        f"could not grow a chain of {n} backbone atoms without overlaps in {max_restarts} attempts; "
        "lower the density or the chain length"
    )


def _add_hydrogens(
    elements: list[str], pos: np.ndarray
) -> tuple[list[str], np.ndarray, list[tuple[int, int]], list[int]]:
    """Saturate the linear backbone; returns symbols, positions, bonds and each H's parent."""
    symbols = list(elements)
    coords = list(pos)
    bonds = [(i, i + 1) for i in range(len(elements) - 1)]
    parent: list[int] = []
    for k in range(len(elements)):
        for h in _hydrogens(k, elements, pos):
            coords.append(h)
            symbols.append("H")
            bonds.append((k, len(symbols) - 1))
            parent.append(k)
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
    elements = _backbone(n_eo, end)
    pos = grow_backbone(elements, conformation, np.random.default_rng(seed))
    atoms = chain_from_backbone(elements, pos)
    atoms.positions -= atoms.positions.mean(axis=0)
    atoms.info["n_eo"] = int(n_eo)
    atoms.info["end_group"] = end
    return atoms


def backbone_elements(n_eo: int, end: End = "methyl") -> list[str]:
    """Heavy-atom backbone of a PEO chain with ``n_eo`` EO units and the given ends."""
    _validate(n_eo, end, "random")
    return _backbone(n_eo, end)


def chain_from_backbone(elements: list[str], pos: np.ndarray) -> Atoms:
    """Saturate a grown backbone with H and tag it with OPLS-AA types and charges."""
    symbols, coords, bonds, _ = _add_hydrogens(elements, pos)
    types = _types(symbols, bonds)
    ff = default_forcefield()
    atoms = Atoms(symbols, positions=coords)
    return tag(atoms, types, [ff.charge(t) for t in types], bonds, "PEO")


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
    pos = grow_backbone(elements, "trans", np.random.default_rng(0))
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
    atoms = Atoms(
        cell_symbols, positions=cell_pos + [0.0, lateral_angstrom / 2, lateral_angstrom / 2], cell=cell, pbc=True
    )
    atoms.wrap()
    tag(atoms, types, [ff.charge(t) for t in types], cell_bonds, "PEO")
    atoms.info["n_eo"] = int(n_eo)
    return PeriodicChain(atoms=atoms, repeat_angstrom=length / (n_eo // 2), n_eo=int(n_eo))
