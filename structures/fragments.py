"""PEO/salt fragments and their placement at named sites of a substrate, for binding energies.

Fragments (tagged ``ase.Atoms``, Å):

- ``dme``: dimethyl ether CH3-O-CH3, the smallest ether unit of PEO (C-O 1.42 Å,
  C-O-C 112°, as in :mod:`naspe.structures.peo`; Kimura & Kubo, J. Chem. Phys.
  30 (1959) 151).
- ``diglyme``: CH3O(CH2CH2O)2CH3 (:func:`naspe.structures.peo.peo_oligomer`, n_eo = 2, all trans).
- ``peo``: a short methyl-capped PEO chain (n_eo = 3 by default, all trans).
- ``na``: a neutral Na atom (one unpaired electron: initial magnetic moment 1 μB).
- ``nafsi``: a neutral contact pair Na+ FSI- (:mod:`naspe.structures.ions`), Na
  2.4 Å from one sulfonyl O of each S.

Sites (:data:`SITE_KINDS`): ``hollow`` (the point of the top layer farthest from
its atoms, nearest the cell centre: hexagon centre of graphene, four-fold hollow
of Na(100)), ``top``, ``bridge``, ``vacancy`` (centroid of the under-coordinated
carbons), ``edge`` (an edge carbon of a ribbon), ``carbonyl`` (the C=O of an
oxidised edge), ``adatom`` (on top of the highest atom, e.g. the Na of
na-on-graphene). A fragment is oriented with its anchor atom lowest
(``anchor-down``) or with its long axis in plane (``flat``) and placed with the
anchor ``height`` Å above the highest substrate atom, over the site.

The binding sites of the CLI (:data:`SITES`) map a name to a catalog substrate
and a site kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from ase import Atoms
from ase.geometry import find_mic

from naspe.structures.ions import anion, cation
from naspe.structures.peo import ANGLE_COC, BOND, chain_from_backbone, peo_oligomer
from naspe.structures.topology import MOL_NAMES, combine, tag, to_pymatgen

__all__ = [
    "FRAGMENTS",
    "SITES",
    "SITE_KINDS",
    "Placement",
    "build_fragment",
    "dimethyl_ether",
    "diglyme",
    "peo_chain",
    "na_atom",
    "nafsi_pair",
    "site_position",
    "hollow_sites",
    "orient_fragment",
    "place_fragment",
    "binding_complex",
    "check_geometry",
    "placement_structure",
    "MIN_DISTANCE_ANGSTROM",
    "MIN_CONTACT_ANGSTROM",
]

#: atoms closer than this (Å) are an error: no chemistry puts nuclei this close
MIN_DISTANCE_ANGSTROM = 0.7
#: a placed fragment closer than this (Å) to the substrate overlaps it (shorter than any C-C/C-O bond)
MIN_CONTACT_ANGSTROM = 1.5
NA_PAIR_ANGSTROM = 2.4  # Na-O in the NaFSI contact pair (Na-O of Na+ with sulfonyl O, ~2.3-2.5 Å)

SiteKind = Literal["hollow", "top", "bridge", "vacancy", "edge", "carbonyl", "adatom"]
SITE_KINDS: tuple[str, ...] = ("hollow", "top", "bridge", "vacancy", "edge", "carbonyl", "adatom")
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
    half = 0.5 * np.linalg.norm(pos[oa] - pos[ob])
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

#: binding site name (CLI) -> (catalog substrate, site kind)
SITES: dict[str, tuple[str, str]] = {
    "graphene": ("graphene", "hollow"),
    "graphite": ("graphite", "hollow"),
    "vacancy": ("graphene-vacancy", "vacancy"),
    "edge": ("graphene-edge", "edge"),
    "oxidised": ("graphene-oxidised", "carbonyl"),
    "na100": ("na100", "hollow"),
    "na110": ("na110", "hollow"),
    "na111": ("na111", "hollow"),
    "na-on-graphene": ("na-on-graphene", "adatom"),
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


def _rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
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
        pos = pos @ _rotation(pos[k], np.array([0.0, 0.0, -1.0])).T
    elif orientation == "flat" and len(frag) > 2:
        _, vecs = np.linalg.eigh(pos.T @ pos)
        pos = pos @ _rotation(vecs[:, -1], np.array([1.0, 0.0, 0.0])).T
        # turn about x so that the anchor's (y, z) points along -z
        y, z = pos[k, 1], pos[k, 2]
        if np.hypot(y, z) > 1e-6:
            phi = np.arctan2(-1.0, 0.0) - np.arctan2(z, y)
            c, s = np.cos(phi), np.sin(phi)
            pos = pos @ np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]]).T
    frag.positions = pos
    return frag, k


def _top_indices(substrate: Atoms, depth: float = 0.6) -> np.ndarray:
    z = substrate.positions[:, 2]
    heavy = substrate.numbers != 1
    top = np.flatnonzero(heavy & (z > z[heavy].max() - depth))
    return top


def _lateral_mic(substrate: Atoms, vectors: np.ndarray) -> np.ndarray:
    """Minimum-image in-plane vectors (z component zeroed) in the substrate cell."""
    v = np.array(vectors, dtype=float).reshape(-1, 3)
    v[:, 2] = 0.0
    pbc = (bool(substrate.pbc[0]), bool(substrate.pbc[1]), False)
    if any(pbc):
        v, _ = find_mic(v, substrate.cell, pbc)
    return v


def _centre(substrate: Atoms) -> np.ndarray:
    return substrate.cell[0] * 0.5 + substrate.cell[1] * 0.5


def _mean_around(substrate: Atoms, indices: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """Mean in-plane position of ``indices`` unwrapped around ``origin`` (Å)."""
    d = _lateral_mic(substrate, substrate.positions[indices] - origin)
    return origin * [1, 1, 0] + d.mean(axis=0)


def _carbon_neighbours(substrate: Atoms, k: int, elements: tuple[str, ...] = ("C",), cutoff: float = 1.75) -> int:
    sym = substrate.get_chemical_symbols()
    others = [m for m in range(len(substrate)) if m != k and sym[m] in elements]
    if not others:
        return 0
    d = substrate.get_distances(k, others, mic=True)
    return int((d < cutoff).sum())


def site_position(substrate: Atoms, kind: str) -> np.ndarray:
    """In-plane position (Å, z = 0) of a site of ``kind`` (one of :data:`SITE_KINDS`) nearest the cell centre.

    Raises
    ------
    ValueError
        When the kind is unknown or the substrate has no such site (a vacancy site
        on a perfect sheet, a carbonyl without O, ...).
    """
    if kind not in SITE_KINDS:
        raise ValueError(f"site kind {kind!r}: allowed are {', '.join(SITE_KINDS)}")
    centre = _centre(substrate)
    sym = np.array(substrate.get_chemical_symbols())
    top = _top_indices(substrate)

    def nearest(indices: np.ndarray) -> int:
        d = np.linalg.norm(_lateral_mic(substrate, substrate.positions[indices] - centre), axis=1)
        return int(indices[np.argmin(d)])

    if kind == "adatom":
        k = int(np.argmax(substrate.positions[:, 2]))
        return substrate.positions[k] * [1, 1, 0]
    if kind == "top":
        return substrate.positions[nearest(top)] * [1, 1, 0]
    if kind == "bridge":
        k = nearest(top)
        d = np.linalg.norm(_lateral_mic(substrate, substrate.positions[top] - substrate.positions[k]), axis=1)
        d[top == k] = np.inf
        m = top[np.argmin(d)]
        return _mean_around(substrate, np.array([k, m]), substrate.positions[k])
    if kind in ("vacancy", "edge"):
        carbons = [k for k in top if sym[k] == "C"]
        low = np.array([k for k in carbons if _carbon_neighbours(substrate, k) < 3], dtype=int)
        if kind == "vacancy":
            low = np.array([k for k in low if _carbon_neighbours(substrate, k, ("H", "O", "N")) == 0], dtype=int)
            if len(low) == 0:
                raise ValueError("site kind 'vacancy': the substrate has no under-coordinated carbon (no vacancy)")
            k = nearest(low)
            d = np.linalg.norm(_lateral_mic(substrate, substrate.positions[low] - substrate.positions[k]), axis=1)
            return _mean_around(substrate, low[d < 3.0], substrate.positions[k])
        if len(low) == 0:
            raise ValueError("site kind 'edge': the substrate has no edge carbon (fewer than 3 C neighbours)")
        y = substrate.positions[low, 1]
        edge = low[y > y.max() - 0.3]
        return substrate.positions[nearest(edge)] * [1, 1, 0]
    if kind == "carbonyl":
        oxygens = np.array([k for k in range(len(substrate)) if sym[k] == "O"], dtype=int)
        carbonyl = [k for k in oxygens if _carbon_neighbours(substrate, k, ("C",), 1.32) == 1]
        if not carbonyl:
            raise ValueError("site kind 'carbonyl': the substrate has no C=O (O with one C within 1.32 Å)")
        o = nearest(np.array(carbonyl))
        c_idx = np.flatnonzero(sym == "C")
        c = int(c_idx[np.argmin(substrate.get_distances(o, c_idx, mic=True))])
        return _mean_around(substrate, np.array([o, c]), substrate.positions[o])
    return hollow_sites(substrate)[0]


def hollow_sites(substrate: Atoms, near: np.ndarray | None = None) -> np.ndarray:
    """In-plane hollow positions (Å, z = 0) of the top layer, nearest ``near`` (default: the cell centre) first.

    A hollow is a local maximum of the distance to the top-layer atoms on a 0.1 Å
    grid, refined to the mean of the atoms around it (the hexagon centre of
    graphene, the four-fold hollow of Na(100)). Maxima more than 0.3 Å below the
    highest are dropped (they are bridges or shallow dips, not hollows).
    """
    top = _top_indices(substrate)
    cell = np.array(substrate.cell)
    n = [max(8, int(np.linalg.norm(cell[i]) / 0.1)) for i in (0, 1)]
    fx, fy = np.meshgrid(np.arange(n[0]) / n[0], np.arange(n[1]) / n[1], indexing="ij")
    pts = (fx[..., None] * cell[0] + fy[..., None] * cell[1]).reshape(-1, 3)
    d = np.full(len(pts), np.inf)
    for k in top:
        d = np.minimum(d, np.linalg.norm(_lateral_mic(substrate, pts - substrate.positions[k]), axis=1))
    dm = d.reshape(n[0], n[1])
    peak = np.ones_like(dm, dtype=bool)
    for sx in (-1, 0, 1):
        for sy in (-1, 0, 1):
            if sx or sy:
                peak &= dm >= np.roll(np.roll(dm, sx, axis=0), sy, axis=1) - 1e-9
    peak &= dm > dm.max() - 0.3
    out: list[np.ndarray] = []
    for c in np.flatnonzero(peak.ravel()):
        ring = top[np.linalg.norm(_lateral_mic(substrate, substrate.positions[top] - pts[c]), axis=1) < d[c] + 0.3]
        h = _mean_around(substrate, ring, pts[c]) if len(ring) >= 3 else pts[c] * [1, 1, 0]
        if all(np.linalg.norm(_lateral_mic(substrate, h - o)) > 0.3 for o in out):
            out.append(h)
    ref = _centre(substrate) if near is None else np.asarray(near, dtype=float)
    hollows = np.array(out)
    order = np.argsort(np.linalg.norm(_lateral_mic(substrate, hollows - ref), axis=1), kind="stable")
    return hollows[order]


def check_geometry(atoms: Atoms, min_distance: float = MIN_DISTANCE_ANGSTROM) -> None:
    """Raise ValueError when two atoms (periodic images included) are closer than ``min_distance`` Å."""
    from ase.neighborlist import neighbor_list

    if len(atoms) < 2 and not atoms.pbc.any():
        return
    i, j, d = neighbor_list("ijd", atoms, min_distance)
    if len(d):
        k = int(np.argmin(d))
        sym = atoms.get_chemical_symbols()
        raise ValueError(
            f"atoms too close: {sym[i[k]]}{i[k]}-{sym[j[k]]}{j[k]} at {d[k]:.2f} Å "
            f"(minimum allowed {min_distance} Å); move the fragment up or use a larger cell"
        )


@dataclass
class Placement:
    """A fragment placed on a substrate.

    Attributes
    ----------
    atoms
        Substrate then fragment, tagged, in one cell (Å).
    n_substrate
        Number of substrate atoms (the first ``n_substrate``).
    anchor
        Index of the anchor atom in ``atoms``.
    site
        Site kind and its in-plane position (Å).
    magmoms
        Initial magnetic moments (μB) per atom.
    """

    atoms: Atoms
    n_substrate: int
    anchor: int
    site: str
    site_xy_angstrom: tuple[float, float]
    magmoms: np.ndarray = field(repr=False)

    @property
    def n_fragment(self) -> int:
        """Number of fragment atoms."""
        return len(self.atoms) - self.n_substrate


def place_fragment(
    substrate: Atoms,
    fragment: Atoms,
    site: str | np.ndarray = "hollow",
    anchor: int | str = 0,
    height: float = 3.0,
    orientation: Orientation = "anchor-down",
    top_vacuum: float = 7.0,
    min_contact: float = MIN_CONTACT_ANGSTROM,
) -> Placement:
    """Put ``fragment`` on ``substrate`` with its anchor ``height`` Å above the highest substrate atom, over ``site``.

    Parameters
    ----------
    substrate
        Tagged slab (periodic in x and y, surface normal +z).
    fragment
        Tagged molecule.
    site
        A site kind (:data:`SITE_KINDS`) or an in-plane position (Å).
    anchor
        Fragment atom index, or an element (the atom of that element nearest the fragment centroid).
    height
        Anchor height (Å) above the highest substrate atom.
    orientation
        See :func:`orient_fragment`.
    top_vacuum
        Vacuum (Å) above the highest atom of the result.
    min_contact
        Smallest fragment-substrate distance (Å) accepted; closer is an overlap.

    Raises
    ------
    ValueError
        Unknown site or anchor, height <= 0, atoms closer than :data:`MIN_DISTANCE_ANGSTROM`
        (periodic images included), or the fragment overlapping the substrate.
    """
    if height <= 0:
        raise ValueError(f"height={height}: the anchor height must be > 0 Å above the substrate")
    if top_vacuum < 3.0:
        raise ValueError(f"top_vacuum={top_vacuum}: must be >= 3 Å")
    frag, k = orient_fragment(fragment, anchor, orientation)
    if isinstance(site, str):
        xy = site_position(substrate, site)
        site_name = site
    else:
        xy = np.array([site[0], site[1], 0.0])
        site_name = "custom"
    z_top = float(substrate.positions[:, 2].max())
    frag.positions += np.array([xy[0], xy[1], z_top + height]) - frag.positions[k]
    cell = np.array(substrate.cell)
    cell[2] = [0.0, 0.0, max(frag.positions[:, 2].max(), z_top) + top_vacuum]
    atoms = combine([substrate, frag], cell=cell, pbc=(True, True, False))
    check_geometry(atoms)
    n_sub = len(substrate)
    i_sub = np.arange(n_sub)
    d = atoms.get_all_distances(mic=True)[n_sub:, :n_sub] if n_sub else np.zeros((0, 0))
    if d.size and d.min() < min_contact:
        f, s = np.unravel_index(np.argmin(d), d.shape)
        sym = atoms.get_chemical_symbols()
        raise ValueError(
            f"fragment overlaps the substrate: {sym[n_sub + f]}{n_sub + f}-{sym[i_sub[s]]}{s} at {d[f, s]:.2f} Å "
            f"< {min_contact} Å; raise height={height} Å or choose another anchor/orientation"
        )
    magmoms = np.concatenate(
        [
            substrate.get_initial_magnetic_moments() if substrate.has("initial_magmoms") else np.zeros(n_sub),
            fragment.get_initial_magnetic_moments() if fragment.has("initial_magmoms") else np.zeros(len(fragment)),
        ]
    )
    atoms.set_initial_magnetic_moments(magmoms)
    return Placement(atoms, n_sub, n_sub + k, site_name, (float(xy[0]), float(xy[1])), magmoms)


def _repeat_for(substrate_name: str, extent: np.ndarray, clearance: float, layers: int, vacuum: float) -> tuple:
    """Smallest lateral repeat of ``substrate_name`` whose cell exceeds the fragment extent + clearance (Å)."""
    from naspe.structures.catalog import build_substrate

    even_y = substrate_name in ("na110", "na111")  # ASE's orthogonal bcc(110)/(111) cells need an even y repeat
    unit = build_substrate(substrate_name, layers, (1, 2 if even_y else 1), vacuum)
    lengths = np.array(unit.cell.lengths()[:2]) / [1, 2 if even_y else 1]
    need = np.ceil((extent[:2] + clearance) / lengths).astype(int)
    base = 3 if substrate_name.startswith("graphene") or substrate_name == "graphite" else 2
    rep = (max(base, int(need[0])), max(2, int(need[1])))
    if even_y and rep[1] % 2:
        rep = (rep[0], rep[1] + 1)
    if substrate_name in ("graphene-vacancy", "na-on-graphene"):
        rep = (max(rep[0], 3), max(rep[1], 3 if base == 3 else 2))
    return rep


def binding_complex(
    site: str,
    fragment: str,
    layers: int = 3,
    repeat: tuple[int, int] | None = None,
    height: float | None = None,
    anchor: int | str | None = None,
    vacuum: float = 5.0,
    top_vacuum: float = 7.0,
    clearance: float = 4.0,
) -> Placement:
    """A named fragment (:data:`FRAGMENTS`) at a named binding site (:data:`SITES`).

    Parameters
    ----------
    site, fragment
        Names from :data:`SITES` and :data:`FRAGMENTS`.
    layers
        Substrate layers (Na slabs, graphite).
    repeat
        Lateral repeats of the substrate; by default the smallest that leaves
        ``clearance`` Å between the fragment and its periodic images.
    height, anchor
        Override the fragment's default anchor height (Å) and anchor.
    vacuum
        Vacuum (Å) below the substrate (and on each side of a ribbon).
    top_vacuum
        Vacuum (Å) above the fragment.
    clearance
        Smallest gap (Å) between the fragment's extent and its periodic image when ``repeat`` is chosen.
    """
    from naspe.structures.catalog import build_substrate

    if site not in SITES:
        raise ValueError(f"site {site!r}: allowed are {', '.join(SITES)}")
    if fragment not in FRAGMENTS:
        raise ValueError(f"fragment {fragment!r}: allowed are {', '.join(FRAGMENTS)}")
    spec = FRAGMENTS[fragment]
    substrate_name, kind = SITES[site]
    frag = spec.build()
    anchor = spec.anchor if anchor is None else anchor
    oriented, _ = orient_fragment(frag, anchor, spec.orientation)
    extent = oriented.positions.max(axis=0) - oriented.positions.min(axis=0)
    if repeat is None:
        repeat = _repeat_for(substrate_name, extent, clearance, layers, vacuum)
    substrate = build_substrate(substrate_name, layers, tuple(repeat), vacuum)
    placed = place_fragment(
        substrate,
        frag,
        kind,
        anchor,
        spec.height_angstrom if height is None else height,
        spec.orientation,
        top_vacuum,
    )
    placed.atoms.info.update({"site": site, "fragment": fragment, "substrate": substrate_name})
    return placed


def placement_structure(atoms: Atoms, magmoms: np.ndarray | None = None):
    """Structure (pymatgen) for the engines: force-field charges dropped, initial moments (μB) as ``magmom``."""
    s = to_pymatgen(atoms)
    s.remove_site_property("charge")
    if magmoms is None and atoms.has("initial_magmoms"):
        magmoms = atoms.get_initial_magnetic_moments()
    if magmoms is not None and np.any(np.abs(magmoms) > 0):
        s.add_site_property("magmom", [float(m) for m in magmoms])
    return s
