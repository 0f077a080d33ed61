"""What the periodic DFT engines (GPAW, CP2K) share: k-points, ghost atoms, D3(BJ), spin, smearing, ranks.

:class:`PeriodicEngineMaker` holds the settings both engines read the same way, so one
interface run with GPAW and with CP2K samples the same Brillouin zone (naspe's one k-point
rule, :mod:`naspe.workflows.dft.kpoints`), adds the same dispersion (D3(BJ) from ``dftd3``,
Grimme et al., J. Comput. Chem. 32 (2011) 1456, outside the engine, between real atoms only)
and gives the counterpoise single points the same ghost atoms (basis functions without
nucleus, electrons or dispersion). Each engine adds its basis and electrostatics.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes

from naspe.workflows.dft.base import EngineMaker
from naspe.workflows.dft.defaults import GPAW_DISPERSION, GPAW_SMEARING_EV
from naspe.workflows.dft.kpoints import (
    PURPOSES,
    SYSTEM_CLASSES,
    KpointMesh,
    explicit_mesh,
    mesh_for_atoms,
    periodic_directions,
)

__all__ = ["PeriodicEngineMaker", "RealAtomsCalculator", "DISPERSIONS", "for_system"]

DISPERSIONS = ("d3bj", "d3zero", None)


class RealAtomsCalculator(Calculator):
    """An ASE calculator restricted to some atoms: energy of ``atoms[indices]`` (eV), forces (eV/Å) zero elsewhere.

    Wraps D3 in a counterpoise single point, where the ghost atoms carry basis
    functions but are no dispersion partners.
    """

    implemented_properties = ["energy", "free_energy", "forces"]

    def __init__(self, calc, indices: list[int]):
        super().__init__()
        self.calc = calc
        self.indices = [int(i) for i in indices]

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        """Energy and forces of the real atoms."""
        super().calculate(atoms, properties, system_changes)
        sub = self.atoms[self.indices]
        sub.constraints = []
        sub.calc = self.calc
        energy = sub.get_potential_energy()
        forces = np.zeros((len(self.atoms), 3))
        forces[self.indices] = sub.get_forces()
        self.results = {"energy": energy, "free_energy": energy, "forces": forces}


@dataclass
class PeriodicEngineMaker(EngineMaker):
    """A periodic DFT engine's shared settings (see the module docstring); engines subclass it.

    Parameters
    ----------
    system_class
        ``"metal"``, ``"semimetal"`` or ``"insulator"`` for the k-point rule; None: read from
        each structure's atoms. A flow sets it (and ``periodic``) from its whole system, so
        every part runs one mesh.
    periodic
        Periodic directions for the k-point rule and, along z, the cell's treatment (False: a
        slab, non-periodic z; True: 3D periodic, whatever vacuum a part shows); None: from each
        structure's atoms (a vacuum gap wider than 6 Å makes a direction non-periodic: one
        k-point along it, and a slab along z).
    k_length_angstrom
        k-point length L (Å) instead of the rule's for the class (convergence scans).
    kpoint_purpose
        ``"energy"`` or ``"core_level"`` (Delta-SCF: a stricter length on metals).
    kpts
        An explicit Gamma-centred mesh; wins over the rule.
    ghosts
        Indices of ghost atoms (counterpoise single points).
    dispersion
        ``"d3bj"`` (default), ``"d3zero"`` or None.
    spinpol
        Spin-polarised calculation (open-shell fragments such as a Na atom).
    smearing_eV
        Fermi-Dirac width kB*T (eV).
    ranks
        MPI ranks (None: ``settings.default_ranks``).
    """

    system_class: str | None = None
    periodic: tuple[bool, bool, bool] | None = None
    k_length_angstrom: float | None = None
    kpoint_purpose: str = "energy"
    kpts: tuple[int, int, int] | None = None
    ghosts: tuple[int, ...] = ()
    dispersion: str | None = GPAW_DISPERSION
    spinpol: bool = False
    smearing_eV: float = GPAW_SMEARING_EV
    ranks: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.dispersion not in DISPERSIONS:
            raise ValueError(f"dispersion={self.dispersion!r}: allowed are 'd3bj', 'd3zero' or None")
        if self.system_class is not None and self.system_class not in SYSTEM_CLASSES:
            raise ValueError(f"system_class={self.system_class!r}: allowed are {', '.join(SYSTEM_CLASSES)} or None")
        if self.kpoint_purpose not in PURPOSES:
            raise ValueError(f"kpoint_purpose={self.kpoint_purpose!r}: allowed are {', '.join(PURPOSES)}")
        if self.k_length_angstrom is not None and not (0 < self.k_length_angstrom < 1000):
            raise ValueError(f"k_length_angstrom={self.k_length_angstrom}: must be > 0 and < 1000 Å")
        if self.kpts is not None and (len(self.kpts) != 3 or any(int(n) != n or n < 1 for n in self.kpts)):
            raise ValueError(f"kpts={self.kpts}: three integers >= 1 (a Gamma-centred mesh)")
        if self.periodic is not None and len(self.periodic) != 3:
            raise ValueError(f"periodic={self.periodic}: three booleans, one per cell vector")
        if any(int(g) != g or g < 0 for g in self.ghosts) or len(set(self.ghosts)) != len(self.ghosts):
            raise ValueError(f"ghosts={self.ghosts}: distinct atom indices >= 0")
        if not self.smearing_eV > 0:
            raise ValueError(f"smearing_eV={self.smearing_eV}: must be > 0 eV")
        if self.ranks is not None and self.ranks < 1:
            raise ValueError(f"ranks={self.ranks}: must be >= 1 (or None for settings.default_ranks)")

    def ranks_to_use(self) -> int:
        """MPI ranks under the launcher: ``ranks`` or ``settings.default_ranks`` when the engine runs under MPI."""
        if not self.supports_mpi:
            return 1
        if self.ranks is not None:
            return self.ranks
        from naspe.workflows.base.settings import load_settings

        return int(load_settings().default_ranks)

    def sampling_in_words(self) -> str:
        """The k-points, smearing and spin of its level of theory (shared by the periodic engines' descriptions)."""
        if self.kpts is not None:
            kpoints = f"k-point mesh {tuple(self.kpts)}"
        elif self.k_length_angstrom is not None:
            kpoints = f"k-point length {self.k_length_angstrom:g} Å"
        else:
            kpoints = "k-points by naspe's k-point rule"
        spin = "spin-polarised" if self.spinpol else "spin-restricted"
        return f"{kpoints}, Fermi-Dirac {self.smearing_eV:g} eV, {spin}"

    def dispersion_in_words(self) -> str:
        """The dispersion correction as a suffix of the functional ("-D3(BJ)", "-D3(zero)" or "")."""
        return {"d3bj": "-D3(BJ)", "d3zero": "-D3(zero)", None: ""}.get(self.dispersion, f"+{self.dispersion}")

    def prepare(self, mol_or_struct) -> Atoms:
        """Atoms whose slab or 3D treatment is the whole system's when a flow fixed it (:meth:`for_system`).

        A part of a complex (the film alone, or one part of a counterpoise run) can show a
        vacuum gap along z that the complex does not have; computed as a slab, its energy
        would differ from the complex's by the boundary condition, not only by the interaction.
        """
        atoms = super().prepare(mol_or_struct)
        if self.periodic is not None and atoms.pbc[0] and atoms.pbc[1]:
            atoms.pbc = (True, True, bool(self.periodic[2]))
        return atoms

    def kpoint_mesh(self, atoms) -> KpointMesh:
        """The Gamma-centred mesh of ``atoms``: ``kpts`` if given, else naspe's rule for the class and directions."""
        if self.kpts is not None:
            periodic = periodic_directions(atoms) if self.periodic is None else self.periodic
            return explicit_mesh(atoms.cell[:], self.kpts, periodic)
        return mesh_for_atoms(atoms, self.system_class, self.kpoint_purpose, self.k_length_angstrom, self.periodic)

    def for_system(self, atoms) -> PeriodicEngineMaker:
        """A copy whose k-point class and periodic directions are those of ``atoms`` (a flow's whole system).

        Every part of the flow (substrate and film in the interface cell, say) then runs the
        whole system's mesh and its slab or 3D treatment (:meth:`prepare`). Settings given
        explicitly (``kpts``, ``system_class``, ``periodic``) stay.
        """
        if self.kpts is not None:
            return self if self.periodic is not None else dataclasses.replace(self, periodic=periodic_directions(atoms))
        mesh = self.kpoint_mesh(atoms)
        return dataclasses.replace(self, system_class=mesh.system_class, periodic=mesh.periodic)

    def check_ghosts_and_spin(self, atoms) -> None:
        """Raise ValueError for ghost indices out of range, moments on ghosts, or moments without spin."""
        if self.ghosts and max(self.ghosts) >= len(atoms):
            raise ValueError(f"ghosts={self.ghosts}: indices are 0..{len(atoms) - 1}")
        if self.ghosts and np.any(atoms.get_initial_magnetic_moments()[list(self.ghosts)] != 0):
            raise ValueError(f"ghosts={self.ghosts}: ghost atoms carry no electrons, so no initial magnetic moment")
        if not self.spinpol and np.any(atoms.get_initial_magnetic_moments() != 0):
            raise ValueError(
                "the structure carries initial magnetic moments (site property 'magmom') but spinpol=False: "
                "set spinpol=True or drop the moments"
            )

    @staticmethod
    def check_slab_vacuum(atoms, edge_angstrom: float, why: str) -> None:
        """Raise ValueError when a slab (z not periodic) has atoms closer than ``edge_angstrom`` (Å) to a z face."""
        if atoms.pbc[2]:
            return
        z, c = atoms.positions[:, 2], atoms.cell.lengths()[2]
        if z.min() < edge_angstrom or z.max() > c - edge_angstrom:
            raise ValueError(
                f"slab atoms span z = {z.min():.2f}-{z.max():.2f} Å in a {c:.2f} Å cell: {why} "
                f">= {edge_angstrom} Å of vacuum to each face; add vacuum or centre the slab"
            )

    def with_dispersion(self, calc, atoms):
        """``calc`` plus D3 (``dftd3``) between the real atoms, or ``calc`` when ``dispersion`` is None."""
        if self.dispersion is None:
            return calc
        from ase.calculators.mixing import SumCalculator
        from dftd3.ase import DFTD3

        d3 = DFTD3(method="PBE", damping=self.dispersion)
        if self.ghosts:  # dispersion acts between real atoms only
            d3 = RealAtomsCalculator(d3, [i for i in range(len(atoms)) if i not in set(self.ghosts)])
        return SumCalculator([calc, d3])

    def counterpoise_single_point(self) -> PeriodicEngineMaker | None:
        """The one-step copy the counterpoise single points run (ghosts set per run), or None without a local basis."""
        if self.localised_basis is None:
            return None
        return dataclasses.replace(self, steps=1, ghosts=(), name=f"{self.name} counterpoise single point")


def for_system(maker, structure):
    """``maker`` with the k-point class and periodic directions of ``structure`` (a flow's whole system) fixed.

    Every part of the flow (substrate and film in the interface cell, the fragment in
    the complex cell) then runs the whole system's mesh, so that an energy difference
    shares one Brillouin-zone sampling. A periodic engine Maker (GPAW, CP2K) or an input
    set generator with a ``for_system`` method (naspe's VASP slab sets) is copied; any
    other Maker (tblite: Gamma only) is returned as it is.
    """
    if maker is None:
        return None
    from naspe.workflows.dft.checks import to_atoms

    if isinstance(maker, PeriodicEngineMaker):
        return maker.for_system(to_atoms(structure))
    if isinstance(maker, EngineMaker):  # tblite, CHGNet: no k-point mesh to fix
        return maker
    from atomate2.vasp.jobs.base import BaseVaspMaker  # the VASP path only

    from naspe.workflows.dft.vasp import SlabKpoints

    if isinstance(maker, BaseVaspMaker) and isinstance(maker.input_set_generator, SlabKpoints):
        generator = maker.input_set_generator.for_system(to_atoms(structure))
        return dataclasses.replace(maker, input_set_generator=generator)
    return maker
