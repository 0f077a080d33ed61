"""Interfaces: crystal on crystal (ZSL lattice matching) and polymer on surface.

Crystal/crystal cells come from pymatgen's ``CoherentInterfaceBuilder`` with
the Zur-McGill (ZSL) search (Zur & McGill, J. Appl. Phys. 55 (1984) 378): the
film is strained onto the substrate, and the strain and matched area are
reported. A polymer is laid on a slab either as infinite all-trans PEO chains
along x (strained to the slab's x length) or as a Packmol-packed amorphous film
of PEO oligomers (with salt if asked), ``gap`` Å above the top substrate atom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.structures.bounds import DENSITY_G_CM3, GAP_ANGSTROM, MAX_AREA_ANGSTROM2, MAX_STRAIN, VACUUM_ANGSTROM
from naspe.structures.electrolyte import CH3O_CH3_MASS
from naspe.structures.ions import SALTS, anion, cation
from naspe.structures.metal import tag_solid
from naspe.structures.packing import PackItem, pack
from naspe.structures.peo import EO_MASS_G_MOL, peo_oligomer, periodic_peo_chain
from naspe.structures.topology import combine, select, to_pymatgen

__all__ = [
    "InterfaceResult",
    "crystal_interface",
    "chain_on_slab",
    "film_on_slab",
    "ion_pair_on_slab",
    "InterfaceError",
]


class InterfaceError(ValueError):
    """No interface satisfies the requested strain and area bounds."""


@dataclass
class InterfaceResult:
    """An interface cell with its matching figures.

    Attributes
    ----------
    atoms
        The interface (substrate below, film above), tagged.
    strain
        Largest absolute in-plane principal strain applied to the film (fraction).
    area_angstrom2
        Interface area (Å^2).
    n_substrate, n_film
        Atom counts of each side.
    """

    atoms: Atoms
    strain: float
    area_angstrom2: float
    n_substrate: int
    n_film: int

    def summary(self) -> dict:
        """JSON-ready summary."""
        return {
            "formula": self.atoms.get_chemical_formula(),
            "n_atoms": len(self.atoms),
            "n_substrate": self.n_substrate,
            "n_film": self.n_film,
            "strain": self.strain,
            "area_angstrom2": self.area_angstrom2,
            "cell_angstrom": [float(x) for x in self.atoms.cell.lengths()],
        }


def _in_plane_strain(strain_tensor: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvalsh(np.asarray(strain_tensor)[:2, :2]))))


def _check_placement(gap: float, vacuum: float) -> None:
    """The film's gap (Å) above the substrate and the vacuum (Å) above the film, in their bounds."""
    GAP_ANGSTROM.check(gap, "gap")
    VACUUM_ANGSTROM.check(vacuum, "vacuum")


def crystal_interface(
    substrate: Atoms,
    film: Atoms,
    substrate_miller: tuple[int, int, int],
    film_miller: tuple[int, int, int],
    max_strain: float = 0.05,
    max_area_angstrom2: float = 200.0,
    gap: float = 2.5,
    vacuum: float = 15.0,
    substrate_layers: int = 2,
    film_layers: int = 2,
) -> InterfaceResult:
    """Lattice-matched interface of two bulk crystals (e.g. Na(110) on graphite(0001)).

    Parameters
    ----------
    substrate, film
        Bulk crystals (periodic ``ase.Atoms``).
    substrate_miller, film_miller
        Miller indices of the contact planes.
    max_strain
        Largest allowed in-plane strain of the film (fraction, e.g. 0.05 = 5 %).
    max_area_angstrom2
        Largest interface cell area (Å^2).
    gap
        Substrate-film distance (Å).
    vacuum
        Vacuum above the film (Å).
    substrate_layers, film_layers
        Slab thicknesses in unit-cell layers.

    Raises
    ------
    InterfaceError
        When no match fits the bounds; the message names the smallest strain and area that would.
    """
    _check_placement(gap, vacuum)
    MAX_STRAIN.check(max_strain, "max_strain")
    MAX_AREA_ANGSTROM2.check(max_area_angstrom2, "max_area_angstrom2")
    # pymatgen's interface builders take ~1 s to import: only when a ZSL match is asked for
    from pymatgen.analysis.elasticity.strain import Deformation
    from pymatgen.analysis.interfaces.coherent_interfaces import CoherentInterfaceBuilder
    from pymatgen.analysis.interfaces.zsl import ZSLGenerator

    if not 0 < max_strain < 0.5:
        raise ValueError(f"max_strain={max_strain}: must be a fraction in (0, 0.5)")
    if max_area_angstrom2 <= 0:
        raise ValueError(f"max_area_angstrom2={max_area_angstrom2}: must be > 0 Å^2")
    sub, fil = to_pymatgen(substrate), to_pymatgen(film)
    for s in (sub, fil):
        for key in ("ff_type", "mol_id", "charge"):
            if key in s.site_properties:
                s.remove_site_property(key)

    def matches(strain_bound: float, area_bound: float):
        """The builder and its ZSL matches as (match, in-plane strain, area in Å^2), before any interface is built."""
        zsl = ZSLGenerator(max_area=area_bound, max_length_tol=strain_bound, max_angle_tol=strain_bound)
        builder = CoherentInterfaceBuilder(sub, fil, film_miller, substrate_miller, zslgen=zsl)
        found = []
        for m in builder.zsl_matches:
            # the strain the builder records for an interface of this match, and the interface cell's area
            strain = _in_plane_strain(Deformation(m.match_transformation).green_lagrange_strain)
            found.append((m, strain, float(np.linalg.norm(np.cross(*m.substrate_sl_vectors[:2])))))
        return builder, found

    # the smallest cell, then the smallest strain (the first match on ties); only that interface is built, as
    # building every match's interface (hundreds for graphite | Na within 200 Å^2) took ~30 s
    builder, found = matches(max_strain, max_area_angstrom2)
    best = None
    for m, strain, area in found:
        if strain <= max_strain + 1e-9 and area <= max_area_angstrom2 + 1e-6:
            if best is None or (area, strain) < (best[2], best[1]):
                best = (m, strain, area)
    if best is None:
        found = matches(0.2, 4 * max_area_angstrom2)[1]
        hint = (
            f"smallest strain available: {min(f[1] for f in found):.3f} "
            f"(area {min(found, key=lambda f: (f[1], f[2]))[2]:.1f} Å^2); "
            f"smallest area: {min(f[2] for f in found):.1f} Å^2"
            if found
            else f"no match even at strain 0.2 and area {4 * max_area_angstrom2:.0f} Å^2"
        )
        raise InterfaceError(
            f"no {substrate.get_chemical_formula()}{substrate_miller}/{film.get_chemical_formula()}{film_miller} "
            f"interface with strain <= {max_strain} and area <= {max_area_angstrom2} Å^2; {hint}"
        )
    match, strain, area = best
    builder.zsl_matches = [match]
    iface = next(
        builder.get_interfaces(
            builder.terminations[0],
            gap=gap,
            vacuum_over_film=vacuum,
            film_thickness=film_layers,
            substrate_thickness=substrate_layers,
        )
    )
    atoms = AseAtomsAdaptor.get_atoms(iface)
    labels = iface.site_properties["interface_label"]
    is_sub = np.array([str(lbl).startswith("substrate") for lbl in labels])
    sub_atoms = Atoms(atoms[is_sub])
    film_atoms = Atoms(atoms[~is_sub])
    types = {"Na": "NaM", "C": "CG", "Li": "LiM", "O": "OG", "H": "HG"}
    parts = [tag_solid(sub_atoms, "substrate", types), tag_solid(film_atoms, "film", types)]
    out = combine(parts, cell=atoms.cell, pbc=True)
    out.info.update({"strain": strain, "area_angstrom2": area})
    return InterfaceResult(out, strain, area, int(is_sub.sum()), int((~is_sub).sum()))


def _top_z(slab: Atoms) -> float:
    return float(slab.positions[:, 2].max())


def _stack(slab: Atoms, film: Atoms, vacuum: float) -> Atoms:
    cell = np.array(slab.cell)
    cell[2] = [0.0, 0.0, max(_top_z(film), _top_z(slab)) + vacuum]
    out = combine([slab, film], cell=cell, pbc=(True, True, False))
    return out


def chain_on_slab(
    slab: Atoms,
    n_chains: int = 1,
    gap: float = 3.0,
    vacuum: float = 15.0,
    max_strain: float = 0.05,
) -> InterfaceResult:
    """Infinite all-trans PEO chains along x, ``gap`` Å above ``slab``, spaced evenly along y.

    The chain period (7.15 Å per two EO units) is strained to fit the slab's x
    length; the number of EO units is the one with the smallest strain.
    """
    _check_placement(gap, vacuum)
    MAX_STRAIN.check(max_strain, "max_strain")
    if not np.allclose(np.array(slab.cell)[0, 1:], 0.0):
        raise ValueError("the slab's first cell vector must lie along x (use an orthogonal slab)")
    if n_chains < 1:
        raise ValueError(f"n_chains={n_chains}: must be >= 1")
    lx = float(slab.cell[0, 0])
    ly = float(np.linalg.norm(slab.cell[1]))
    ref = periodic_peo_chain(2)
    n_periods = max(1, round(lx / ref.repeat_angstrom))
    strain = lx / (n_periods * ref.repeat_angstrom) - 1.0
    if abs(strain) > max_strain:
        fits = ", ".join(f"{k * ref.repeat_angstrom:.2f}" for k in range(1, 5))
        raise InterfaceError(
            f"the slab's x length {lx:.2f} Å strains the PEO chain by {strain:+.3f} (> {max_strain}); "
            f"smallest strain available: {abs(strain):.3f}; x lengths within {max_strain:.0%} of {fits} Å fit"
        )
    if ly / n_chains < 4.0:
        raise InterfaceError(f"n_chains={n_chains} on a {ly:.2f} Å wide slab leaves < 4 Å between chains")
    z0 = _top_z(slab) + gap
    chains = []
    for k in range(n_chains):
        c = periodic_peo_chain(2 * n_periods, lateral_angstrom=10.0).atoms
        c.positions[:, 0] *= 1.0 + strain
        c.positions[:, 1] += (k + 0.5) * ly / n_chains - 5.0
        c.positions[:, 2] += z0 - c.positions[:, 2].min()
        chains.append(c)
    film = combine(chains, cell=slab.cell)
    out = _stack(slab, film, vacuum)
    area = float(np.linalg.norm(np.cross(slab.cell[0], slab.cell[1])))
    return InterfaceResult(out, abs(strain), area, len(slab), len(film))


def film_on_slab(
    slab: Atoms,
    thickness: float = 12.0,
    chain_length: int = 3,
    salt: str | None = None,
    eo_per_cation: int = 20,
    density_g_cm3: float = 0.9,
    gap: float = 2.5,
    vacuum: float = 15.0,
    seed: int = 0,
) -> InterfaceResult:
    """Amorphous PEO (or PEO/salt) film of PEO oligomers packed by Packmol onto ``slab``.

    The number of chains follows from the film volume and density; with a salt,
    the EO:cation ratio is rounded to whole ion pairs (at least one). Packmol
    places rigid oligomers, so the default packing density (0.9 g/cm^3) is below
    the melt's; relaxation (MD or DFT) compacts the film.
    """
    _check_placement(gap, vacuum)
    DENSITY_G_CM3.check(density_g_cm3, "density_g_cm3")
    cell = np.array(slab.cell)
    if not (np.allclose(cell[0, 1:], 0.0) and np.allclose(cell[1, [0, 2]], 0.0)):
        raise ValueError("film_on_slab needs an orthogonal slab cell (Packmol packs rectangular regions)")
    if thickness < 6.0:
        raise ValueError(f"thickness={thickness}: a film must be >= 6 Å thick")
    if salt is not None and salt not in SALTS:
        raise ValueError(f"salt={salt!r}: allowed salts are {sorted(SALTS)} or None")
    lx, ly = float(cell[0, 0]), float(cell[1, 1])
    z0 = _top_z(slab) + gap
    # Packmol regions keep 1 Å (half the 2 Å tolerance) clear of each lateral face; the count of
    # chains fills that region at the target density, so the film averages a little less over the cell
    volume_cm3 = (lx - 2.0) * (ly - 2.0) * thickness * 1e-24
    chain_mass = chain_length * EO_MASS_G_MOL + CH3O_CH3_MASS
    n_chains = max(1, int(round(density_g_cm3 * volume_cm3 * 6.02214076e23 / chain_mass)))
    rng = np.random.default_rng(seed)
    items = [PackItem(peo_oligomer(chain_length, seed=int(s)), 1) for s in rng.integers(0, 2**31 - 1, n_chains)]
    if salt is not None:
        n_pairs = max(1, round(n_chains * chain_length / eo_per_cation))
        c, a = SALTS[salt]
        items += [PackItem(anion(a), n_pairs), PackItem(cation(c), n_pairs)]
    # Packmol's pbc box spans the film region plus a margin in z, so no image contact across the vacuum
    items = [PackItem(it.template, it.number, (0.0, 0.0, 0.0, lx, ly, thickness)) for it in items]
    film = pack(items, (lx, ly, thickness + 4.0), seed=int(rng.integers(1, 2**31 - 1)))
    film.positions[:, 2] += z0
    film.cell = cell
    out = _stack(slab, film, vacuum)
    area = lx * ly
    return InterfaceResult(out, 0.0, area, len(slab), len(film))


def ion_pair_on_slab(
    base: InterfaceResult | Atoms,
    salt: str = "NaFSI",
    gap: float = 2.5,
    vacuum: float = 15.0,
    y_fraction: float = 0.75,
) -> InterfaceResult:
    """Add one cation-anion pair ``gap`` Å above the substrate of ``base`` (a slab or a chain-on-slab result).

    The anion's centre sits at ``y_fraction`` of the cell along y, the cation 3 Å
    beside it along x (a contact ion pair, as the salt arrives at the anode).
    """
    _check_placement(gap, vacuum)
    if salt not in SALTS:
        raise ValueError(f"salt={salt!r}: allowed salts are {sorted(SALTS)}")
    if isinstance(base, InterfaceResult):
        atoms, n_sub, strain = base.atoms, base.n_substrate, base.strain
    else:
        atoms, n_sub, strain = base, len(base), 0.0
    slab = atoms[:n_sub]
    c_name, a_name = SALTS[salt]
    ion_a, ion_c = anion(a_name), cation(c_name)
    cell = np.array(atoms.cell)
    centre = cell[0] * 0.5 + cell[1] * y_fraction
    z0 = float(slab.positions[:, 2].max()) + gap
    shift = np.array([centre[0], centre[1], z0 - ion_a.positions[:, 2].min()])
    ion_a.positions += shift - ion_a.positions.mean(axis=0) * [1, 1, 0]
    ion_c.positions += [centre[0] + 3.0, centre[1], z0 + 0.5]
    film_parts = [ion_a, ion_c]
    if len(atoms) > n_sub:
        film_parts.insert(0, select(atoms, np.arange(len(atoms)) >= n_sub))
    film = combine(film_parts, cell=atoms.cell)
    out = _stack(select(atoms, np.arange(len(atoms)) < n_sub), film, vacuum)
    area = float(np.linalg.norm(np.cross(cell[0], cell[1])))
    return InterfaceResult(out, strain, area, n_sub, len(film))
