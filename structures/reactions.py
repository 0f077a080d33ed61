"""Product states of PEO / NaFSI reactions at carbon and Na surfaces, each with its intact adsorbed reactant.

Every builder returns a :class:`ReactionStates`: the reactant (the fragment
intact, physisorbed at the site, from :func:`naspe.structures.placement.binding_complex`)
and the product, with the same atoms in the same order and the same cell, so
that ``E_product - E_reactant`` is a reaction energy. Products are starting
geometries: molecular groups are moved rigidly (their internal geometry is
kept) onto the new partner at a typical bond length, then turned about the new
bond to stay clear of the other atoms; the relaxation decides what survives.

Reactions (:data:`REACTIONS`), the chemistry the 2019 study infers from XPS
(C=O near 289 eV and C-O-C between carbon cloth and PEO; Na-N and Na-F from
NaFSI reduction on Na):

- ``dme-vacancy-bridge``: CH3OCH3 at a graphene monovacancy -> CH3O on one
  dangling carbon (a C-O-C bridge between the carbon and the ether, C-O 1.43 Å)
  + CH3 on another (C-C 1.52 Å).
- ``dme-vacancy-carbonyl``: the ether O becomes a carbonyl on one dangling carbon
  (C=O 1.22 Å) and both CH3 go to the other two.
- ``dme-na-methoxide``: CH3OCH3 on Na(110) -> CH3O-Na (O in a hollow, Na-O 2.25 Å,
  as in sodium methoxide) + CH3 in another hollow (Na-C 2.5 Å).
- ``fsi-na-fluoride``: NaFSI on Na(110) -> S-F cleavage, F in a hollow (Na-F 2.25 Å;
  2.31 Å in rock-salt NaF).
- ``fsi-na-nitride``: NaFSI on Na(110) -> N-S cleavage, the N of the FSO2N group
  over a hollow (Na-N 2.4 Å) and the SO2F group in another hollow with F down.

Bond lengths: Allen et al., J. Chem. Soc. Perkin Trans. 2 (1987) S1 (C-O, C=O,
C-C); NaF lattice a = 4.63 Å (Na-F 2.31 Å).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ase import Atoms

from naspe.analysis.bonds import find_bonds
from naspe.structures.fragments import rotation_between
from naspe.structures.placement import MIN_DISTANCE_ANGSTROM, Placement, binding_complex, check_geometry
from naspe.structures.sites import hollow_sites, lateral_mic, site_position, top_indices

__all__ = ["REACTIONS", "ReactionStates", "ReactionSpec", "build_reaction", "move_group"]

C_O_SINGLE = 1.43  # Å, ether C-O
C_O_DOUBLE = 1.22  # Å, carbonyl C=O
C_C_SINGLE = 1.52  # Å, C(sp2)-CH3
NA_O = 2.25  # Å, Na-O of a methoxide O in a hollow
NA_C = 2.5  # Å, Na-CH3
NA_F = 2.25  # Å, Na-F (2.31 Å in NaF)
NA_N = 2.4  # Å, Na-N (amide N on Na)
MIN_PRODUCT_CONTACT = 1.15  # Å: non-bonded atoms of a built product closer than this are a clash


@dataclass
class ReactionStates:
    """Reactant and product of one reaction: same atoms, same order, same cell.

    Attributes
    ----------
    name
        Reaction name (a key of :data:`REACTIONS`).
    reactant
        The intact fragment adsorbed at the site (Å).
    product
        The product state (Å).
    n_substrate
        Substrate atoms (the first ``n_substrate``).
    description
        What breaks and what forms.
    intended_bonds
        Atom pairs (i < j) that the product is built to bond.
    magmoms
        Initial magnetic moments (μB) per atom, shared by both states.
    """

    name: str
    reactant: Atoms
    product: Atoms
    n_substrate: int
    description: str
    intended_bonds: list[tuple[int, int]]
    magmoms: np.ndarray


def move_group(
    atoms: Atoms,
    group: list[int],
    head: int,
    old_partner: np.ndarray,
    new_partner: np.ndarray,
    length: float,
    direction: np.ndarray,
    keep_clear: list[int] | None = None,
    n_turns: int = 24,
) -> None:
    """Move ``group`` rigidly (in place) so that ``head`` is bonded to a new partner.

    The old bond vector (``old_partner`` -> ``head``) is turned onto ``direction``
    and ``head`` placed ``length`` Å from ``new_partner`` along it; the group is
    then turned about the new bond to the angle that keeps it farthest from the
    atoms in ``keep_clear`` (default: every atom outside the group).
    """
    if head not in group:
        raise ValueError(f"head atom {head} must be in the group {group}")
    pos = atoms.positions
    d = np.asarray(direction, dtype=float)
    d /= np.linalg.norm(d)
    rel = pos[group] - pos[head]
    rel = rel @ rotation_between(pos[head] - np.asarray(old_partner, dtype=float), d).T
    target = np.asarray(new_partner, dtype=float) + length * d
    others = [k for k in range(len(atoms)) if k not in group] if keep_clear is None else keep_clear
    best, best_pos = -np.inf, None
    for phi in np.linspace(0.0, 2 * np.pi, n_turns, endpoint=False):
        c, s = np.cos(phi), np.sin(phi)
        kx = np.array([[0.0, -d[2], d[1]], [d[2], 0.0, -d[0]], [-d[1], d[0], 0.0]])
        turn = np.eye(3) + s * kx + (1 - c) * kx @ kx
        cand = target + rel @ turn.T
        if others:
            trial = atoms.copy()
            trial.positions[group] = cand
            m = min(trial.get_distances(g, others, mic=True).min() for g in group)
        else:
            m = 0.0
        if m > best:
            best, best_pos = m, cand
    atoms.positions[group] = best_pos


def _settle(atoms: Atoms, groups: list[tuple[list[int], int, int]], passes: int = 2) -> None:
    """Turn each (group, head, partner) about its bond to the head again, now that all groups are in place."""
    for _ in range(passes):
        for group, head, partner in groups:
            p = atoms.positions[partner].copy()
            v = atoms.positions[head] - p
            move_group(atoms, group, head, p, p, float(np.linalg.norm(v)), v)


def _bond(i: int, j: int) -> tuple[int, int]:
    """The atom pair ``i``, ``j`` in ascending order."""
    return (i, j) if i <= j else (j, i)


def _check_product(product: Atoms, intended: list[tuple[int, int]], name: str) -> None:
    check_geometry(product, MIN_DISTANCE_ANGSTROM)
    d = product.get_all_distances(mic=True)
    np.fill_diagonal(d, np.inf)
    bonded = find_bonds(product).pairs() | set(intended)
    for i, j in zip(*np.nonzero(d < MIN_PRODUCT_CONTACT), strict=True):
        if i < j and (i, j) not in bonded:
            raise ValueError(
                f"reaction {name!r}: atoms {i} and {j} of the built product are {d[i, j]:.2f} Å apart "
                f"(< {MIN_PRODUCT_CONTACT} Å); use a larger cell (repeat)"
            )


def _fragment_index(placement: Placement, symbol: str, nth: int = 0) -> int:
    sym = placement.atoms.get_chemical_symbols()
    idx = [k for k in range(placement.n_substrate, len(sym)) if sym[k] == symbol]
    return idx[nth]


def _hydrogens_of(atoms: Atoms, k: int) -> list[int]:
    sym = atoms.get_chemical_symbols()
    hs = [m for m in range(len(atoms)) if sym[m] == "H"]
    return [m for m in hs if atoms.get_distance(k, m, mic=True) < 1.25]


def _dangling_carbons(atoms: Atoms, n_substrate: int) -> list[int]:
    """Under-coordinated top-layer carbons (two C neighbours) of the substrate, nearest the vacancy site first."""
    sub = atoms[:n_substrate]
    site = site_position(sub, "vacancy")
    top = top_indices(sub)
    carbons = [k for k in top if sub[k].symbol == "C"]
    out = []
    for k in carbons:
        d = sub.get_distances(k, [m for m in carbons if m != k], mic=True)
        if (d < 1.75).sum() == 2:
            out.append(int(k))
    out.sort(key=lambda k: float(np.linalg.norm(lateral_mic(sub, sub.positions[k] - site))))
    return out[:3]


def _outward(atoms: Atoms, k: int, site: np.ndarray) -> np.ndarray:
    v = lateral_mic(atoms, atoms.positions[k] - site)[0]
    return v / np.linalg.norm(v)


def _dme_vacancy(name: str, carbonyl: bool, repeat: tuple[int, int] | None) -> ReactionStates:
    placed = binding_complex("vacancy", "dme", repeat=repeat)
    reactant = placed.atoms
    n_sub = placed.n_substrate
    product = reactant.copy()
    o = _fragment_index(placed, "O")
    c_a, c_b = _fragment_index(placed, "C", 0), _fragment_index(placed, "C", 1)
    d1, d2, d3 = _dangling_carbons(reactant, n_sub)
    site = site_position(reactant[:n_sub], "vacancy")
    methyl_b = [c_b, *_hydrogens_of(reactant, c_b)]
    up = np.array([0.0, 0.0, 1.0])
    if carbonyl:
        methyl_a = [c_a, *_hydrogens_of(reactant, c_a)]
        # C=O upright on d1; the two methyls on d2 and d3, tilted away from the vacancy
        product.positions[o] = product.positions[d1] + C_O_DOUBLE * up
        for grp, dc in ((methyl_a, d2), (methyl_b, d3)):
            move_group(
                product,
                grp,
                grp[0],
                reactant.positions[o],
                product.positions[dc],
                C_C_SINGLE,
                up + 0.35 * _outward(product, dc, site),
            )
        _settle(product, [(methyl_a, c_a, d2), (methyl_b, c_b, d3)])
        intended = [_bond(o, d1), _bond(c_a, d2), _bond(c_b, d3)]
        text = "CH3OCH3 + monovacancy -> C=O on one dangling C + CH3 on each of the two others"
    else:
        methoxy = [o, c_a, *_hydrogens_of(reactant, c_a)]
        move_group(
            product,
            methoxy,
            o,
            reactant.positions[c_b],
            product.positions[d1],
            C_O_SINGLE,
            up - 0.3 * _outward(product, d1, site),
        )
        move_group(
            product,
            methyl_b,
            c_b,
            reactant.positions[o],
            product.positions[d2],
            C_C_SINGLE,
            up + 0.35 * _outward(product, d2, site),
        )
        _settle(product, [(methoxy, o, d1), (methyl_b, c_b, d2)])
        intended = [_bond(o, d1), _bond(c_b, d2)]
        text = "CH3OCH3 + monovacancy -> C(vac)-O-CH3 bridge on one dangling C + CH3 on another"
    _check_product(product, intended, name)
    return ReactionStates(name, reactant, product, n_sub, text, intended, placed.magmoms)


def _hollow_height(substrate: Atoms, xy: np.ndarray, distance: float, minimum: float = 1.0) -> float:
    """Height (Å) above the top layer at ``xy`` that puts an atom ``distance`` Å from the nearest top atom."""
    top = top_indices(substrate)
    r = np.linalg.norm(lateral_mic(substrate, substrate.positions[top] - xy), axis=1).min()
    return float(np.sqrt(max(distance**2 - r**2, minimum**2)))


def _second_hollow(substrate: Atoms, first: np.ndarray, min_separation: float, avoid: list[np.ndarray]) -> np.ndarray:
    for h in hollow_sites(substrate, near=first):
        far = np.linalg.norm(lateral_mic(substrate, h - first)) >= min_separation
        if far and all(np.linalg.norm(lateral_mic(substrate, h - a)) >= min_separation for a in avoid):
            return h
    raise ValueError(f"no second hollow {min_separation} Å from the first; use a larger cell (repeat)")


def _dme_na_methoxide(name: str, repeat: tuple[int, int] | None) -> ReactionStates:
    placed = binding_complex("na110", "dme", repeat=repeat or (3, 4))
    reactant, n_sub = placed.atoms, placed.n_substrate
    sub = reactant[:n_sub]
    product = reactant.copy()
    o = _fragment_index(placed, "O")
    c_a, c_b = _fragment_index(placed, "C", 0), _fragment_index(placed, "C", 1)
    z_top = sub.positions[top_indices(sub), 2].max()
    h1 = hollow_sites(sub, near=reactant.positions[o])[0]
    h2 = _second_hollow(sub, h1, 3.5, [])
    up = np.array([0.0, 0.0, 1.0])
    o_site = h1 + [0.0, 0.0, z_top + _hollow_height(sub, h1, NA_O)]
    c_site = h2 + [0.0, 0.0, z_top + _hollow_height(sub, h2, NA_C)]
    methoxy = [o, c_a, *_hydrogens_of(reactant, c_a)]
    methyl = [c_b, *_hydrogens_of(reactant, c_b)]
    move_group(product, methoxy, o, reactant.positions[c_b], o_site - up, 1.0, up)
    move_group(product, methyl, c_b, reactant.positions[o], c_site - up, 1.0, up)
    top = top_indices(sub)
    na_o = int(top[np.argmin(product.get_distances(o, top, mic=True))])
    na_c = int(top[np.argmin(product.get_distances(c_b, top, mic=True))])
    intended = [_bond(na_o, o), _bond(na_c, c_b)]
    _check_product(product, intended, name)
    text = "CH3OCH3 on Na(110) -> CH3O-Na (O in a hollow) + CH3 on Na (another hollow)"
    return ReactionStates(name, reactant, product, n_sub, text, intended, placed.magmoms)


def _fsi_groups(placed: Placement) -> dict[str, list[int]]:
    """Indices of the NaFSI pair in ``placed``: F0 S1 N2 O3 O4 S5 O6 O7 F8 Na9 (naspe.structures.ions order)."""
    n = placed.n_substrate
    return {
        "half_a": [n + 0, n + 1, n + 3, n + 4],  # F-SO2 on S1
        "half_b": [n + 5, n + 6, n + 7, n + 8],  # SO2-F on S5
        "n": [n + 2],
        "na": [n + 9],
    }


def _fsi_na(name: str, cleave: str, repeat: tuple[int, int] | None) -> ReactionStates:
    placed = binding_complex("na110", "nafsi", repeat=repeat or (3, 4))
    reactant, n_sub = placed.atoms, placed.n_substrate
    sub = reactant[:n_sub]
    product = reactant.copy()
    g = _fsi_groups(placed)
    z_top = sub.positions[top_indices(sub), 2].max()
    top = top_indices(sub)
    if cleave == "S-F":
        # the lowest F leaves its S for the nearest hollow at least 2.6 Å from that S
        f = min((g["half_a"][0], g["half_b"][3]), key=lambda k: reactant.positions[k, 2])
        s = g["half_a"][1] if f == g["half_a"][0] else g["half_b"][0]
        for h in hollow_sites(sub, near=reactant.positions[f]):
            pos = h + [0.0, 0.0, z_top + _hollow_height(sub, h, NA_F)]
            trial = product.copy()
            trial.positions[f] = pos
            others = [k for k in range(len(trial)) if k != f]
            if trial.get_distance(f, s, mic=True) >= 2.6 and trial.get_distances(f, others, mic=True).min() >= 1.9:
                product.positions[f] = pos
                break
        else:
            raise ValueError(f"reaction {name!r}: no hollow for the F; use a larger cell (repeat)")
        na = int(top[np.argmin(product.get_distances(f, top, mic=True))])
        intended = [_bond(na, f)]
        text = "NaFSI on Na(110) -> S-F cleavage, F in a Na hollow (Na-F)"
    else:
        # N-S cleavage: FSO2N (half a + N) with N down over a hollow, SO2F (half b) in another hollow, F down
        nsf = [g["n"][0], *g["half_a"]]
        nitrogen, s_b = g["n"][0], g["half_b"][0]
        h1 = hollow_sites(sub, near=reactant.positions[nitrogen])[0]
        n_pos = h1 + [0.0, 0.0, z_top + _hollow_height(sub, h1, NA_N)]
        up = np.array([0.0, 0.0, 1.0])
        # the S of FSO2N straight above its N
        move_group(product, nsf, nitrogen, reactant.positions[g["half_a"][1]], n_pos + up, 1.0, -up)
        h2 = _second_hollow(sub, h1, 4.0, [product.positions[placed.n_substrate + 9]])
        f_b = g["half_b"][3]
        f_pos = h2 + [0.0, 0.0, z_top + _hollow_height(sub, h2, NA_F)]
        move_group(product, g["half_b"], f_b, reactant.positions[s_b], f_pos + up, 1.0, -up)
        na_n = int(top[np.argmin(product.get_distances(nitrogen, top, mic=True))])
        na_f = int(top[np.argmin(product.get_distances(f_b, top, mic=True))])
        intended = [_bond(na_n, nitrogen), _bond(na_f, f_b)]
        text = "NaFSI on Na(110) -> N-S cleavage, N of FSO2N on Na (Na-N) + SO2F on Na via F"
    _check_product(product, intended, name)
    return ReactionStates(name, reactant, product, n_sub, text, intended, placed.magmoms)


@dataclass(frozen=True)
class ReactionSpec:
    """A reaction: its binding site and fragment (:mod:`naspe.structures.fragments`) and its builder."""

    site: str
    fragment: str
    build: Callable[[str, tuple[int, int] | None], ReactionStates]
    description: str


REACTIONS: dict[str, ReactionSpec] = {
    "dme-vacancy-bridge": ReactionSpec(
        "vacancy", "dme", lambda n, r: _dme_vacancy(n, False, r), "C-O-C bridge: CH3O + CH3 on a monovacancy"
    ),
    "dme-vacancy-carbonyl": ReactionSpec(
        "vacancy", "dme", lambda n, r: _dme_vacancy(n, True, r), "C=O + 2 CH3 on a monovacancy"
    ),
    "dme-na-methoxide": ReactionSpec("na110", "dme", _dme_na_methoxide, "CH3O-Na + CH3-Na on Na(110)"),
    "fsi-na-fluoride": ReactionSpec(
        "na110", "nafsi", lambda n, r: _fsi_na(n, "S-F", r), "S-F cleavage, Na-F on Na(110)"
    ),
    "fsi-na-nitride": ReactionSpec(
        "na110", "nafsi", lambda n, r: _fsi_na(n, "N-S", r), "N-S cleavage, Na-N on Na(110)"
    ),
}


def build_reaction(name: str, repeat: tuple[int, int] | None = None) -> ReactionStates:
    """Reactant and product of the reaction ``name`` (one of :data:`REACTIONS`).

    Parameters
    ----------
    name
        Reaction name.
    repeat
        Lateral substrate repeats; the default leaves room for the products.
    """
    if name not in REACTIONS:
        raise ValueError(f"reaction {name!r}: allowed are {', '.join(REACTIONS)}")
    states = REACTIONS[name].build(name, repeat)
    if states.reactant.get_chemical_symbols() != states.product.get_chemical_symbols():
        raise RuntimeError(f"reaction {name!r}: reactant and product atoms differ")  # builder bug
    return states
