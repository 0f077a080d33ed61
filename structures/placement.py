"""A fragment placed over a site of a substrate slab, checked for overlaps, ready for a binding energy.

The fragment is oriented (:func:`naspe.structures.fragments.orient_fragment`) and
placed with its anchor ``height`` Å above the highest substrate atom, over the
site (:func:`naspe.structures.sites.site_position`); the substrate is repeated
until the fragment has ``clearance`` Å to its periodic images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import numpy as np
from ase import Atoms

from naspe.structures.catalog import build_substrate
from naspe.structures.fragments import FRAGMENTS, Orientation, orient_fragment
from naspe.structures.geometry import check_min_distance
from naspe.structures.sites import SITES, site_position
from naspe.structures.topology import combine, to_pymatgen

__all__ = [
    "Placement",
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


def check_geometry(atoms: Atoms, min_distance: float = MIN_DISTANCE_ANGSTROM) -> None:
    """Raise ValueError when two atoms (periodic images included) are closer than ``min_distance`` Å."""
    check_min_distance(atoms, min_distance, "move the fragment up or use a larger cell")


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


def _repeat_for(
    substrate_name: str, extent: np.ndarray, clearance: float, layers: int, vacuum: float
) -> tuple[int, int]:
    """Smallest lateral repeat of ``substrate_name`` whose cell exceeds the fragment extent + clearance (Å)."""
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
    # a list (CLI, JSON) as the tuple of the hint; the builder checks that it holds two repeats
    substrate = build_substrate(substrate_name, layers, cast("tuple[int, int]", tuple(repeat)), vacuum)
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
