"""Grow at low density, then compress: how melt and liquid cells of realistic size are built.

Growing chains of 40-100+ EO units into a box already at melt density (1.1-1.2 g/cm³)
fails for cells of thousands of atoms: the last chains find no overlap-free path
(``naspe run --preset standard`` failed at 8 chains of 40 EO). The usual remedy for
polymer melts is to build the cell dilute and squeeze it: chains are grown without
overlaps into a box at a low *build density* (0.5 g/cm³ by default, where every
chain finds room), and the box is then shrunk affinely to the *target density* in a
short LAMMPS run (``fix deform`` with ``remap x``; Langevin thermostat, displacement-
limited NVE so that no atom moves more than 0.1 Å per step), followed by a
force-field minimisation. Building at low density and compressing in MD is the
usual route for amorphous polymer cells (e.g. Polymatic: Abbott, Hart & Colina,
Theor. Chem. Acc. 132 (2013) 1334, whose cells start at low density and are squeezed
by its 21-step compression/relaxation scheme).

During the squeeze the long-range Coulomb solver is replaced by a cut Coulomb
interaction (``lj/cut/coul/cut``, 8 Å): the squeeze only has to bring molecules
together without overlaps, and PPPM would triple its cost on a 10k-atom cell. A short
minimisation with the same interactions ends it; the MD workflow's first stage
minimises with the full force field.

The result is a start, not an equilibrated liquid: NPT equilibration (the
conductivity workflow's anneal and ``npt`` stages) sets the real density.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.lammps.coordinatetransform import Prism

from naspe.structures.ions import SALTS, anion, cation
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.structures.lammps_env import lammps_class
from naspe.structures.packing import PackingError, PackItem, min_contact_distance, pack
from naspe.structures.peo import EO_MASS_G_MOL, End, GrowthSpace, backbone_elements, chain_from_backbone, grow_backbone
from naspe.structures.relax import minimize
from naspe.structures.topology import MOL_NAMES, combine

__all__ = [
    "compress",
    "grow_and_compress",
    "box_length_angstrom",
    "ChainSpec",
    "AVOGADRO",
    "COMPRESSION_CUTOFF_ANGSTROM",
    "COMPRESSION_STEPS",
    "CONTACT_FLOOR_ANGSTROM",
    "DEFAULT_BUILD_DENSITY_G_CM3",
]

AVOGADRO = 6.02214076e23
CH3O_CH3_MASS = 46.069  # the CH3-O- ... -CH3 caps: C2H6O beyond n EO units (g/mol)
H2O_MASS = 18.015  # the H- ... -OH caps (g/mol)
#: chains are grown with 0.8 x the packing tolerance, then a force-field minimisation pushes the remaining
#: short contacts out past the tolerance
GROWTH_TOLERANCE = 0.8
#: shortest intermolecular contact (Å) accepted in a squeezed cell: the squeeze is MD, and MD brings
#: Li+ to 1.9-2.0 Å of ether and sulfonyl O (Li-O of Li+ glyme/TFSI complexes) and H to ~2 Å of H of
#: neighbouring molecules; shorter than 1.5 Å is an overlap
CONTACT_FLOOR_ANGSTROM = 1.5

#: density (g/cm³) at which chains are grown before the squeeze; every preset's cell grows at once there
DEFAULT_BUILD_DENSITY_G_CM3 = 0.5
#: Lennard-Jones and cut-Coulomb cutoff (Å) during the squeeze
COMPRESSION_CUTOFF_ANGSTROM = 8.0
#: MD steps (1 fs) of the squeeze, and of the hold at the target box that follows
COMPRESSION_STEPS = 2500
HOLD_STEPS = 500
#: temperature (K) of the squeeze: above PEO's melting point (~338 K), so chains slide past each other
COMPRESSION_TEMPERATURE_K = 400.0


def _unwrapped_positions(lmp, atoms: Atoms, cell: np.ndarray) -> np.ndarray:
    """Positions (Å, ASE frame of ``cell``) of the LAMMPS atoms, unwrapped with their image flags."""
    n = len(atoms)
    ids = np.array(lmp.gather_atoms("id", 0, 1), dtype=int)
    x = np.array(lmp.gather_atoms("x", 1, 3)).reshape(n, 3)
    image = np.array(lmp.gather_atoms("image", 0, 1), dtype=np.int64)
    ix = (image & 1023) - 512
    iy = ((image >> 10) & 1023) - 512
    iz = (image >> 20) - 512
    prism = Prism(cell, pbc=atoms.pbc)
    xhi, yhi, zhi, xy, xz, yz = prism.get_lammps_prism()
    h = np.array([[xhi, 0, 0], [xy, yhi, 0], [xz, yz, zhi]])
    unwrapped = x + np.stack([ix, iy, iz], axis=1) @ h
    return prism.vector_to_ase(unwrapped[np.argsort(ids)])


def compress(
    atoms: Atoms,
    box_angstrom: np.ndarray,
    seed: int = 1,
    steps: int = COMPRESSION_STEPS,
    temperature_K: float = COMPRESSION_TEMPERATURE_K,
    writer: LammpsSystemWriter | None = None,
) -> Atoms:
    """A copy of the orthorhombic cell ``atoms`` squeezed (or stretched) to the box ``box_angstrom`` (Å).

    Parameters
    ----------
    atoms
        Tagged periodic cell with an orthorhombic box, grown without overlaps.
    box_angstrom
        Target box lengths ``(lx, ly, lz)`` in Å.
    seed
        Seed of the initial velocities and the Langevin noise (1 to 899999998: LAMMPS' Marsaglia generator).
    steps
        MD steps (1 fs) over which the box is deformed; a hold of :data:`HOLD_STEPS` follows.
    temperature_K
        Langevin temperature (K) of the squeeze.
    writer
        Force-field choices (ion charge scaling); the defaults when None.

    Returns
    -------
    ase.Atoms
        The cell at the target box, positions unwrapped (molecules whole), after a short
        minimisation with the squeeze's cut-Coulomb interactions (the MD workflow minimises
        with the full force field as its first stage).
    """
    box = np.asarray(box_angstrom, dtype=float)
    if box.shape != (3,) or np.any(box <= 0):
        raise ValueError(f"box_angstrom={box_angstrom!r}: three lengths > 0 Å")
    if not np.allclose(np.array(atoms.cell), np.diag(atoms.cell.lengths()), atol=1e-8):
        raise ValueError("compress: the cell must be orthorhombic (the builders' boxes are)")
    if not 1 <= int(seed) < 899_999_999:
        raise ValueError(f"seed={seed}: LAMMPS' random generator takes 1 to 899999998")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps={steps!r}: must be an integer >= 1")
    writer = writer or LammpsSystemWriter()
    system = writer.get_system(atoms)
    # the same data file, with cut Coulomb and no k-space during the squeeze (module docstring)
    settings = "\n".join(
        f"pair_style lj/cut/coul/cut {COMPRESSION_CUTOFF_ANGSTROM:g}" if line.startswith("pair_style") else line
        for line in system.settings.splitlines()
    )
    with tempfile.TemporaryDirectory(prefix="naspe-squeeze-") as tmp:
        data_path, _ = system.write(Path(tmp))
        lmp = lammps_class()(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
        try:
            lmp.commands_string(f"{settings}\nread_data {data_path}\n")
            lmp.commands_string(
                "neighbor 2.0 bin\n"
                "neigh_modify every 1 delay 0 check yes\n"
                "min_style cg\n"
                "minimize 0.0 1.0 200 2000\n"
                "timestep 1.0\n"
                f"velocity all create {temperature_K:g} {int(seed)} dist gaussian mom yes rot no\n"
                "fix move all nve/limit 0.1\n"
                f"fix heat all langevin {temperature_K:g} {temperature_K:g} 100.0 {int(seed) + 1}\n"
                f"fix squeeze all deform 1 x final 0 {box[0]:.6f} y final 0 {box[1]:.6f} "
                f"z final 0 {box[2]:.6f} remap x\n"
                f"run {steps}\n"
                "unfix squeeze\n"
                f"run {HOLD_STEPS}\n"
                "unfix heat\n"
                "unfix move\n"
                "minimize 0.0 1.0 100 1000\n"
            )
            out = atoms.copy()
            out.cell = np.diag(box)
            out.positions = _unwrapped_positions(lmp, out, np.array(out.cell))
        finally:
            lmp.close()
    return out


@dataclass(frozen=True)
class ChainSpec:
    """``count`` methyl- or hydroxyl-capped ether chains of ``n_eo`` EO units, named ``name`` in the topology."""

    name: str
    n_eo: int
    count: int
    end_group: End = "methyl"

    @property
    def mass_g_mol(self) -> float:
        """Molar mass (g/mol) of one chain."""
        return self.n_eo * EO_MASS_G_MOL + (CH3O_CH3_MASS if self.end_group == "methyl" else H2O_MASS)


def box_length_angstrom(mass_g_mol: float, density_g_cm3: float) -> float:
    """Edge (Å) of the cube holding ``mass_g_mol`` (g/mol of the whole cell) at ``density_g_cm3``."""
    return float((mass_g_mol / (density_g_cm3 * AVOGADRO) * 1e24) ** (1.0 / 3.0))


def grow_and_compress(
    chains: list[ChainSpec],
    n_salt: int,
    salt: str | None,
    density_g_cm3: float,
    build_density_g_cm3: float | None,
    seed: int,
    tolerance_angstrom: float,
    workdir: str | Path | None = None,
) -> Atoms:
    """A cubic cell of ``chains`` and ``n_salt`` ion pairs of ``salt`` at ``density_g_cm3`` (g/cm³).

    Packmol places the ions in the box at ``build_density_g_cm3`` (at least ``tolerance_angstrom``
    apart); the chains are grown into the remaining space (rotational-isomeric torsions, overlap
    checks through the periodic images); when the build density is below the target the box is
    squeezed (:func:`compress`), else minimised with the force field; the shortest
    intermolecular contact is then checked (see :data:`CONTACT_FLOOR_ANGSTROM`). ``build_density_g_cm3``
    None grows directly at the target density (small cells only).
    """
    rng = np.random.default_rng(seed)
    ion_parts: list[PackItem] = []
    mass = sum(c.count * c.mass_g_mol for c in chains)
    if n_salt:
        if salt is None:
            raise ValueError(f"n_salt={n_salt} without a salt: name the salt (one of {sorted(SALTS)})")
        cation_symbol, anion_name = SALTS[salt]
        ion_c, ion_a = cation(cation_symbol), anion(anion_name)
        mass += n_salt * (ion_c.get_masses().sum() + ion_a.get_masses().sum())
        ion_parts = [PackItem(ion_a, n_salt), PackItem(ion_c, n_salt)]
    grow_density = density_g_cm3 if build_density_g_cm3 is None else build_density_g_cm3
    length = box_length_angstrom(mass, grow_density)
    box = np.array([length, length, length])
    space = GrowthSpace(box=box, tolerance=GROWTH_TOLERANCE * tolerance_angstrom, intra_heavy=2.5)
    parts = []
    if ion_parts:
        ions = pack(ion_parts, box, tolerance=tolerance_angstrom, seed=int(rng.integers(1, 2**31 - 1)), workdir=workdir)
        space.add(ions.positions, -1, np.zeros(len(ions), dtype=int), np.zeros(len(ions), dtype=bool))
    owner = 0
    total = sum(c.count for c in chains)
    for spec in chains:
        elements = backbone_elements(spec.n_eo, spec.end_group)
        for _ in range(spec.count):
            try:
                pos = grow_backbone(elements, "random", rng, space=space, owner=owner)
            except RuntimeError as err:
                raise PackingError(
                    f"molecule {owner + 1} of {total} ({spec.name}) could not be grown at {grow_density} g/cm^3: "
                    f"{err}; give a lower build density"
                ) from None
            chain = chain_from_backbone(elements, pos)
            chain.info[MOL_NAMES] = [spec.name]
            parts.append(chain)
            owner += 1
    if ion_parts:
        parts.append(ions)
    atoms = combine(parts, cell=np.diag(box), pbc=True)
    if build_density_g_cm3 is not None and abs(build_density_g_cm3 - density_g_cm3) > 1e-9:
        target = box_length_angstrom(mass, density_g_cm3)
        atoms = compress(atoms, np.array([target, target, target]), seed=int(rng.integers(1, 899_999_000)))
        floor = min(tolerance_angstrom, CONTACT_FLOOR_ANGSTROM)
    else:  # grown at the target density: the push-off minimisation of the short contacts
        atoms = minimize(atoms, max_iterations=500)
        floor = tolerance_angstrom
    d_min = min_contact_distance(atoms, floor)
    if d_min < floor - 0.05:
        raise PackingError(f"built cell has atoms of different molecules {d_min:.2f} Å apart (< {floor} Å)")
    return atoms
