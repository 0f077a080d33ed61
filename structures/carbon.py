"""Carbon models of the carbon-cloth surface: graphene, graphite, defects, edges, oxidised groups, Na on carbon.

Geometry: graphene a = 2.46 Å (C-C 1.42 Å), graphite AB stacking with
c = 6.71 Å (interlayer 3.355 Å; Trucano & Chen, Nature 258 (1975) 136). Cells
are orthogonal (zigzag rows along x, armchair along y): 4 atoms per
a x sqrt(3)a rectangle, so polymer films can be packed on top.

Oxygen groups (starting geometries; DFT relaxes them): epoxide O 1.27 Å above
a C-C bond midpoint (C-O 1.46 Å), hydroxyl O 1.49 Å on top of a C with O-H
0.97 Å, edge carbonyl C=O 1.22 Å in plane, edge (pyran-type) ether: one edge C
replaced by O (Szabo et al., Chem. Mater. 18 (2006) 2740; Lerf-Klinowski model).
Na adatom: hollow site, 2.45 Å above the plane (the study's design reference).

Atom types (for bookkeeping and DFT, not MD): ``CG`` carbon, ``OG`` oxygen,
``HG`` hydrogen, ``NaA`` adatom.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from ase import Atoms
from ase.build import graphene_nanoribbon

from naspe.structures.bounds import VACUUM_ANGSTROM
from naspe.structures.metal import tag_solid

__all__ = [
    "graphene",
    "graphite",
    "with_vacancy",
    "graphene_edge",
    "oxidised_carbon",
    "na_on_carbon",
    "GRAPHENE_A",
    "GRAPHITE_C",
]

GRAPHENE_A = 2.46
GRAPHITE_C = 6.71
CARBON_TYPES = {"C": "CG", "O": "OG", "H": "HG", "Na": "NaA"}


def _rect_layer(a: float, nx: int, ny: int, shift_y: float = 0.0) -> np.ndarray:
    b = np.sqrt(3.0) * a
    d = a / np.sqrt(3.0)
    basis = np.array([[0.0, 0.0], [0.0, d], [a / 2, b / 2], [a / 2, b / 2 + d]])
    pts = [basis + [i * a, j * b] for i in range(nx) for j in range(ny)]
    xy = np.vstack(pts)
    xy[:, 1] = (xy[:, 1] + shift_y) % (ny * b)
    return xy


def _check_repeat(repeat: tuple[int, int]) -> None:
    if len(repeat) != 2 or min(repeat) < 1:
        raise ValueError(f"repeat={repeat!r}: give two lateral repeats >= 1 of the 4-atom rectangular cell")


def graphene(repeat: tuple[int, int] = (3, 2), vacuum: float = 10.0, a: float = GRAPHENE_A) -> Atoms:
    """Graphene sheet in an orthogonal cell of ``repeat`` rectangles (4 C each), vacuum (Å) on each side."""
    _check_repeat(repeat)
    VACUUM_ANGSTROM.check(vacuum, "vacuum")
    nx, ny = repeat
    xy = _rect_layer(a, nx, ny)
    atoms = Atoms(
        "C" * len(xy),
        positions=np.column_stack([xy, np.full(len(xy), vacuum)]),
        cell=[nx * a, ny * np.sqrt(3) * a, 2 * vacuum],
        pbc=(True, True, False),
    )
    return tag_solid(atoms, "carbon", CARBON_TYPES)


def graphite(
    layers: int = 2,
    repeat: tuple[int, int] = (3, 2),
    vacuum: float = 10.0,
    a: float = GRAPHENE_A,
    c: float = GRAPHITE_C,
) -> Atoms:
    """AB-stacked graphite (0001) slab of ``layers`` layers (vacuum > 0) or bulk (vacuum = 0, even layers)."""
    _check_repeat(repeat)
    if not isinstance(layers, int) or layers < 1:
        raise ValueError(f"layers={layers!r}: must be an integer >= 1")
    if vacuum != 0:  # 0 is bulk graphite
        VACUUM_ANGSTROM.check(vacuum, "vacuum")
    if vacuum == 0 and layers % 2:
        raise ValueError(f"layers={layers}: bulk AB graphite (vacuum=0) needs an even number of layers")
    nx, ny = repeat
    spacing = c / 2
    d = a / np.sqrt(3.0)
    sheets = []
    for k in range(layers):
        xy = _rect_layer(a, nx, ny, shift_y=d if k % 2 else 0.0)
        sheets.append(np.column_stack([xy, np.full(len(xy), vacuum + k * spacing)]))
    pos = np.vstack(sheets)
    height = (layers - 1) * spacing + 2 * vacuum if vacuum > 0 else layers * spacing
    atoms = Atoms(
        "C" * len(pos),
        positions=pos,
        cell=[nx * a, ny * np.sqrt(3) * a, height],
        pbc=(True, True, vacuum == 0),
    )
    atoms.info["layers"] = layers
    return tag_solid(atoms, "carbon", CARBON_TYPES)


def _top_layer(atoms: Atoms) -> np.ndarray:
    z = atoms.positions[:, 2]
    return np.flatnonzero((atoms.numbers == 6) & (z > z.max() - 0.5))


def with_vacancy(carbon: Atoms, kind: Literal["mono", "di"] = "mono") -> Atoms:
    """Remove one (``mono``) or two bonded (``di``) C atoms from the centre of the top layer."""
    if kind not in ("mono", "di"):
        raise ValueError(f"kind={kind!r}: allowed vacancies are 'mono' and 'di'")
    top = _top_layer(carbon)
    centre = carbon.cell.sum(axis=0)[:2] / 2
    first = top[np.argmin(np.linalg.norm(carbon.positions[top, :2] - centre, axis=1))]
    remove = [first]
    if kind == "di":
        d = carbon.get_distances(first, top, mic=True)
        d[top == first] = np.inf
        remove.append(top[np.argmin(d)])
    keep = np.ones(len(carbon), dtype=bool)
    keep[remove] = False
    out = tag_solid(Atoms(carbon[keep]), "carbon", CARBON_TYPES)
    out.info["vacancy"] = kind
    return out


def graphene_edge(
    edge: Literal["zigzag", "armchair"] = "zigzag",
    width: int = 4,
    length: int = 2,
    saturated: bool = True,
    vacuum: float = 8.0,
) -> Atoms:
    """Graphene ribbon periodic along x with its two edges facing +-y; H-terminated when ``saturated``.

    ``width`` counts zigzag chains (zigzag) or dimer lines (armchair) across the ribbon,
    ``length`` the repeats along x.
    """
    if edge not in ("zigzag", "armchair"):
        raise ValueError(f"edge={edge!r}: allowed edges are 'zigzag' and 'armchair'")
    if width < 2 or length < 1:
        raise ValueError(f"width={width}, length={length}: need width >= 2 and length >= 1")
    VACUUM_ANGSTROM.check(vacuum, "vacuum")
    ribbon = graphene_nanoribbon(width, length, type=edge, saturated=saturated, C_H=1.09, C_C=1.42, vacuum=vacuum)
    # ASE: periodic along z, width along x, plane xz -> naspe: periodic x, width y, normal z
    pos = ribbon.positions[:, [2, 0, 1]]
    cell = np.diag(np.diag(ribbon.cell)[[2, 0, 1]])
    atoms = Atoms(ribbon.get_chemical_symbols(), positions=pos, cell=cell, pbc=(True, False, False))
    atoms.center(axis=(1, 2))
    atoms.pbc = (True, True, False)
    atoms.info.update({"edge": edge, "saturated": saturated})
    return tag_solid(atoms, "carbon", CARBON_TYPES)


def oxidised_carbon(
    group: Literal["epoxide", "hydroxyl", "carbonyl", "ether"], repeat: tuple[int, int] = (3, 2)
) -> Atoms:
    """Carbon with one oxygen group.

    ``epoxide`` and ``hydroxyl`` sit on basal graphene; ``carbonyl`` and ``ether`` at a zigzag edge.
    """
    groups = ("epoxide", "hydroxyl", "carbonyl", "ether")
    if group not in groups:
        raise ValueError(f"group={group!r}: allowed oxygen groups are {list(groups)}")
    if group in ("epoxide", "hydroxyl"):
        sheet = graphene(repeat)
        top = _top_layer(sheet)
        centre = sheet.cell.sum(axis=0)[:2] / 2
        c1 = top[np.argmin(np.linalg.norm(sheet.positions[top, :2] - centre, axis=1))]
        p1 = sheet.positions[c1]
        if group == "hydroxyl":
            o = p1 + [0.0, 0.0, 1.49]
            h = o + [0.97 * np.sin(np.radians(71.5)), 0.0, 0.97 * np.cos(np.radians(71.5))]
            extra = Atoms("OH", positions=[o, h])
        else:
            d = sheet.get_distances(c1, top, mic=True)
            d[top == c1] = np.inf
            c2 = top[np.argmin(d)]
            mid = p1 + 0.5 * sheet.get_distance(c1, c2, mic=True, vector=True)
            extra = Atoms("O", positions=[mid + [0.0, 0.0, 1.27]])
        atoms = sheet + extra
    else:
        ribbon = graphene_edge("zigzag", width=4, length=repeat[0], saturated=True)
        y = ribbon.positions[:, 1]
        edge_c = np.flatnonzero((ribbon.numbers == 6) & (y > y[ribbon.numbers == 6].max() - 0.1))
        target = edge_c[0]
        h_of = np.flatnonzero(ribbon.numbers == 1)
        h = h_of[np.argmin(ribbon.get_distances(target, h_of, mic=True))]
        atoms = Atoms(ribbon)
        if group == "carbonyl":
            direction = atoms.positions[h] - atoms.positions[target]
            atoms.positions[h] = atoms.positions[target] + 1.22 * direction / np.linalg.norm(direction)
            atoms.numbers[h] = 8
        else:
            atoms.numbers[target] = 8
            del atoms[h]
    atoms.info["group"] = group
    return tag_solid(Atoms(atoms), "carbon", CARBON_TYPES)


def na_on_carbon(carbon: Atoms | None = None, height: float = 2.45) -> Atoms:
    """One Na adatom above the hollow site nearest the cell centre of ``carbon`` (graphene by default)."""
    if height <= 0.5:
        raise ValueError(f"height={height}: the adatom height must be > 0.5 Å")
    carbon = graphene() if carbon is None else carbon
    top = _top_layer(carbon)
    centre = carbon.cell.sum(axis=0)[:2] / 2
    ring = top[np.argsort(np.linalg.norm(carbon.positions[top, :2] - centre, axis=1))]
    # the hollow is the centre of the hexagon: average of an atom's position and its opposite ring partner
    p0 = carbon.positions[ring[0]]
    d = np.linalg.norm(carbon.positions[top, :2] - p0[:2], axis=1)
    opposite = top[np.argmin(np.abs(d - 2 * 1.42))]
    hollow = 0.5 * (p0 + carbon.positions[opposite])
    z_top = carbon.positions[top, 2].max()
    atoms = carbon + Atoms("Na", positions=[[hollow[0], hollow[1], z_top + height]])
    atoms.info["adatom_site"] = "hollow"
    return tag_solid(Atoms(atoms), "carbon", CARBON_TYPES)
