"""PEO/salt fragments for binding energies, and their orientation over a substrate.

Fragments (tagged ``ase.Atoms``, Å):

- ``dme``: dimethyl ether CH3-O-CH3, the smallest ether unit of PEO (C-O 1.42 Å,
  C-O-C 112°, as in :mod:`naspe.structures.peo`; Kimura & Kubo, J. Chem. Phys.
  30 (1959) 151).
- ``diglyme``: CH3O(CH2CH2O)2CH3 (:func:`naspe.structures.peo.peo_oligomer`, n_eo = 2, all trans).
- ``peo``: a short methyl-capped PEO chain (n_eo = 3 by default, all trans).
- ``na``: a neutral Na atom (one unpaired electron: initial magnetic moment 1 μB).
- ``nafsi``: a neutral contact pair Na+ FSI- (:mod:`naspe.structures.ions`), Na
  2.4 Å from one sulfonyl O of each S.

A fragment is oriented with its anchor atom lowest (``anchor-down``) or with its
long axis in plane (``flat``); :mod:`naspe.structures.placement` puts it over a
site of :mod:`naspe.structures.sites`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from ase import Atoms

from naspe.structures.ions import anion, cation
from naspe.structures.peo import ANGLE_COC, BOND, chain_from_backbone, peo_oligomer
from naspe.structures.topology import MOL_NAMES, combine, tag

__all__ = [
    "FRAGMENTS",
    "FragmentSpec",
    "Orientation",
    "build_fragment",
    "dimethyl_ether",
    "diglyme",
    "peo_chain",
    "na_atom",
    "nafsi_pair",
    "orient_fragment",
    "rotation_between",
]

NA_PAIR_ANGSTROM = 2.4  # Na-O in the NaFSI contact pair (Na-O of Na+ with sulfonyl O, ~2.3-2.5 Å)
Orientation = Literal["anchor-down", "flat", "as-is"]


def _named(atoms: Atoms, name: str) -> Atoms:
    atoms.info[MOL_NAMES] = [name]
    return atoms


def dimethyl_ether() -> Atoms:
    """CH3-O-CH3 (Å), OPLS-AA types and charges (e) of :mod:`naspe.structures.peo`, centred on its centroid."""
    half = np.radians(ANGLE_COC / 2)
    co = BOND[("C", "O")]
    pos = np.array(
        [[-co * np.sin(half), 0.0, -co * np.cos(half)], [0.0, 0.0, 0.0], [co * np.sin(half), 0.0, -co * np.cos(half)]]
    )
    atoms = chain_from_backbone(["C", "O", "C"], pos)
    atoms.positions -= atoms.positions.mean(axis=0)
    return _named(atoms, "DME")


def diglyme() -> Atoms:
    """CH3O(CH2CH2O)2CH3, all trans (Å)."""
    return _named(peo_oligomer(2, "methyl", "trans"), "diglyme")


def peo_chain(n_eo: int = 3) -> Atoms:
    """Short methyl-capped PEO chain CH3O(CH2CH2O)nCH3, all trans (Å); n_eo = 3 is triglyme."""
    return peo_oligomer(n_eo, "methyl", "trans")


def na_atom() -> Atoms:
    """A neutral Na atom (charge 0 e) with an initial magnetic moment of 1 μB (3s^1)."""
    atoms = tag(Atoms("Na", positions=[[0.0, 0.0, 0.0]]), ["NaA"], [0.0], [], "Na")
    atoms.set_initial_magnetic_moments([1.0])
    return atoms


def nafsi_pair() -> Atoms:
    """Neutral Na+ FSI- contact pair: Na 2.4 Å from one sulfonyl O of each S, on the side away from the anion."""
    ion = anion("FSI")
    s_idx = [k for k, s in enumerate(ion.get_chemical_symbols()) if s == "S"]
    o_idx = [k for k, s in enumerate(ion.get_chemical_symbols()) if s == "O"]
    pos = ion.positions

    def partner(o: int) -> int:
        return min(s_idx, key=lambda s: np.linalg.norm(pos[o] - pos[s]))

    pairs = [(a, b) for a in o_idx for b in o_idx if a < b and partner(a) != partner(b)]
    oa, ob = min(pairs, key=lambda p: np.linalg.norm(pos[p[0]] - pos[p[1]]))
    mid = 0.5 * (pos[oa] + pos[ob])
    half = 0.5 * float(np.linalg.norm(pos[oa] - pos[ob]))
    away = mid - pos.mean(axis=0)
    away -= np.dot(away, pos[ob] - pos[oa]) * (pos[ob] - pos[oa]) / np.dot(pos[ob] - pos[oa], pos[ob] - pos[oa])
    away /= np.linalg.norm(away)
    na = cation("Na")
    na.positions[0] = mid + away * np.sqrt(max(NA_PAIR_ANGSTROM**2 - half**2, 0.25))
    pair = combine([ion, na], pbc=False)
    pair.positions -= pair.positions.mean(axis=0)
    return pair


@dataclass(frozen=True)
class FragmentSpec:
    """A fragment builder with its default anchor element, orientation and height (Å)."""

    build: Callable[[], Atoms]
    anchor: str
    orientation: Orientation
    height_angstrom: float
    description: str


#: fragment name -> builder and placement defaults. Heights: physisorbed ether O ~3 Å above
#: the top atoms (van der Waals contact); Na adatom 2.4 Å (hollow of graphene, carbon.py)
FRAGMENTS: dict[str, FragmentSpec] = {
    "dme": FragmentSpec(dimethyl_ether, "O", "anchor-down", 3.0, "dimethyl ether CH3OCH3"),
    "diglyme": FragmentSpec(diglyme, "O", "flat", 3.0, "diglyme CH3O(CH2CH2O)2CH3"),
    "peo": FragmentSpec(peo_chain, "O", "flat", 3.0, "short PEO chain CH3O(CH2CH2O)3CH3"),
    "na": FragmentSpec(na_atom, "Na", "as-is", 2.4, "neutral Na atom"),
    "nafsi": FragmentSpec(nafsi_pair, "F", "flat", 2.6, "Na+ FSI- contact pair"),
}


def build_fragment(name: str) -> Atoms:
    """The fragment called ``name`` (one of :data:`FRAGMENTS`)."""
    if name not in FRAGMENTS:
        raise ValueError(f"fragment {name!r}: allowed are {', '.join(FRAGMENTS)}")
    return FRAGMENTS[name].build()


def _anchor_index(fragment: Atoms, anchor: int | str) -> int:
    """Index of the anchor: an index, or an element (the atom of that element nearest the centroid)."""
    if isinstance(anchor, (int, np.integer)):
        if not 0 <= anchor < len(fragment):
            raise ValueError(f"anchor={anchor}: must be an atom index 0..{len(fragment) - 1} of the fragment")
        return int(anchor)
    idx = [k for k, s in enumerate(fragment.get_chemical_symbols()) if s == anchor]
    if not idx:
        present = sorted(set(fragment.get_chemical_symbols()))
        raise ValueError(f"anchor={anchor!r}: not in the fragment {fragment.get_chemical_formula()}; allowed {present}")
    centre = fragment.positions.mean(axis=0)
    return min(idx, key=lambda k: np.linalg.norm(fragment.positions[k] - centre))


def rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotation matrix taking direction ``a`` onto direction ``b`` (Rodrigues)."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v = np.cross(a, b)
    c = float(np.dot(a, b))
    if np.linalg.norm(v) < 1e-10:
        if c > 0:
            return np.eye(3)
        perp = np.cross(a, [1.0, 0.0, 0.0] if abs(a[0]) < 0.9 else [0.0, 1.0, 0.0])
        perp /= np.linalg.norm(perp)
        return 2.0 * np.outer(perp, perp) - np.eye(3)
    vx = np.array([[0.0, -v[2], v[1]], [v[2], 0.0, -v[0]], [-v[1], v[0], 0.0]])
    return np.eye(3) + vx + vx @ vx * (1.0 / (1.0 + c))


def orient_fragment(fragment: Atoms, anchor: int | str, orientation: Orientation) -> tuple[Atoms, int]:
    """A copy of ``fragment`` rotated so that its anchor is lowest; returns it and the anchor index.

    ``anchor-down`` points the centroid-to-anchor vector along -z; ``flat`` lays
    the longest principal axis along x and turns the molecule about it until the
    anchor is lowest; ``as-is`` keeps the orientation.
    """
    if orientation not in ("anchor-down", "flat", "as-is"):
        raise ValueError(f"orientation={orientation!r}: allowed are 'anchor-down', 'flat', 'as-is'")
    frag = fragment.copy()
    k = _anchor_index(frag, anchor)
    centre = frag.positions.mean(axis=0)
    pos = frag.positions - centre
    if orientation == "anchor-down" and len(frag) > 1 and np.linalg.norm(pos[k]) > 1e-6:
        pos = pos @ rotation_between(pos[k], np.array([0.0, 0.0, -1.0])).T
    elif orientation == "flat" and len(frag) > 2:
        _, vecs = np.linalg.eigh(pos.T @ pos)
        pos = pos @ rotation_between(vecs[:, -1], np.array([1.0, 0.0, 0.0])).T
        # turn about x so that the anchor's (y, z) points along -z
        y, z = pos[k, 1], pos[k, 2]
        if np.hypot(y, z) > 1e-6:
            phi = np.arctan2(-1.0, 0.0) - np.arctan2(z, y)
            c, s = np.cos(phi), np.sin(phi)
            pos = pos @ np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]]).T
    frag.positions = pos
    return frag, k
