"""Named adsorption sites of a substrate slab (Å): where a fragment is placed for a binding energy.

Sites (:data:`SITE_KINDS`): ``hollow`` (the point of the top layer farthest from
its atoms, nearest the cell centre: hexagon centre of graphene, four-fold hollow
of Na(100)), ``top``, ``bridge``, ``vacancy`` (centroid of the under-coordinated
carbons), ``edge`` (an edge carbon of a ribbon), ``carbonyl`` (the C=O of an
oxidised edge), ``adatom`` (on top of the highest atom, e.g. the Na of
na-on-graphene). The binding sites of the CLI (:data:`SITES`) map a name to a
catalog substrate and a site kind.
"""

from __future__ import annotations

import numpy as np
from ase import Atoms
from ase.geometry import find_mic

__all__ = ["SITES", "SITE_KINDS", "site_position", "hollow_sites", "top_indices", "lateral_mic"]

SITE_KINDS: tuple[str, ...] = ("hollow", "top", "bridge", "vacancy", "edge", "carbonyl", "adatom")

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


def top_indices(substrate: Atoms, depth: float = 0.6) -> np.ndarray:
    """Indices of the non-H atoms within ``depth`` Å of the highest one: the top layer."""
    z = substrate.positions[:, 2]
    heavy = substrate.numbers != 1
    top = np.flatnonzero(heavy & (z > z[heavy].max() - depth))
    return top


def lateral_mic(substrate: Atoms, vectors: np.ndarray) -> np.ndarray:
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
    d = lateral_mic(substrate, substrate.positions[indices] - origin)
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
    top = top_indices(substrate)

    def nearest(indices: np.ndarray) -> int:
        d = np.linalg.norm(lateral_mic(substrate, substrate.positions[indices] - centre), axis=1)
        return int(indices[np.argmin(d)])

    if kind == "adatom":
        k = int(np.argmax(substrate.positions[:, 2]))
        return substrate.positions[k] * [1, 1, 0]
    if kind == "top":
        return substrate.positions[nearest(top)] * [1, 1, 0]
    if kind == "bridge":
        k = nearest(top)
        d = np.linalg.norm(lateral_mic(substrate, substrate.positions[top] - substrate.positions[k]), axis=1)
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
            d = np.linalg.norm(lateral_mic(substrate, substrate.positions[low] - substrate.positions[k]), axis=1)
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
    top = top_indices(substrate)
    cell = np.array(substrate.cell)
    n = [max(8, int(np.linalg.norm(cell[i]) / 0.1)) for i in (0, 1)]
    fx, fy = np.meshgrid(np.arange(n[0]) / n[0], np.arange(n[1]) / n[1], indexing="ij")
    pts = (fx[..., None] * cell[0] + fy[..., None] * cell[1]).reshape(-1, 3)
    d = np.full(len(pts), np.inf)
    for k in top:
        d = np.minimum(d, np.linalg.norm(lateral_mic(substrate, pts - substrate.positions[k]), axis=1))
    dm = d.reshape(n[0], n[1])
    peak = np.ones_like(dm, dtype=bool)
    for sx in (-1, 0, 1):
        for sy in (-1, 0, 1):
            if sx or sy:
                peak &= dm >= np.roll(np.roll(dm, sx, axis=0), sy, axis=1) - 1e-9
    peak &= dm > dm.max() - 0.3
    out: list[np.ndarray] = []
    for c in np.flatnonzero(peak.ravel()):
        ring = top[np.linalg.norm(lateral_mic(substrate, substrate.positions[top] - pts[c]), axis=1) < d[c] + 0.3]
        h = _mean_around(substrate, ring, pts[c]) if len(ring) >= 3 else pts[c] * [1, 1, 0]
        if all(np.linalg.norm(lateral_mic(substrate, h - o)) > 0.3 for o in out):
            out.append(h)
    ref = _centre(substrate) if near is None else np.asarray(near, dtype=float)
    hollows = np.array(out)
    order = np.argsort(np.linalg.norm(lateral_mic(substrate, hollows - ref), axis=1), kind="stable")
    return hollows[order]
