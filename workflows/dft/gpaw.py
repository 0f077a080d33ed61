"""GPAW (PBE, LCAO or plane waves) plus D3(BJ) dispersion as atomate2 ASE Makers.

:class:`GpawRelaxMaker` / :class:`GpawStaticMaker`: GPAW plus D3(BJ) from ``dftd3``
(Grimme et al., J. Comput. Chem. 32 (2011) 1456) through ASE's ``SumCalculator``;
k-points from naspe's one rule (:mod:`naspe.workflows.dft.kpoints`: a Gamma-centred mesh with
k*a >= 30 Å on metals and semimetals, >= 20 Å on insulators, one k-point along a non-periodic
direction), the same mesh VASP gets for the same cell; dipole correction for slabs (vacuum along z,
not periodic along z for GPAW, which its dipole layer needs); optional spin polarisation;
Hirshfeld charges. Ghost atoms (``ghosts``: their LCAO basis functions without nucleus, electrons or
dispersion; GPAW ``setups={index: "ghost"}``) give the counterpoise energies of
:mod:`naspe.workflows.flows.counterpoise`. With ``ranks > 1`` GPAW runs under ``settings.mpi_command``
through :mod:`naspe.workflows.dft.runner`. Defaults: :mod:`naspe.workflows.dft.defaults`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes

from naspe.workflows.dft.base import EngineMaker
from naspe.workflows.dft.checks import GPAW_EDGE_ANGSTROM
from naspe.workflows.dft.defaults import GPAW_BASIS, GPAW_DISPERSION, GPAW_SMEARING_EV, RELAX_FMAX_EV_A
from naspe.workflows.dft.kpoints import (
    PURPOSES,
    SYSTEM_CLASSES,
    KpointMesh,
    explicit_mesh,
    mesh_for_atoms,
    periodic_directions,
)

__all__ = ["GpawRelaxMaker", "GpawStaticMaker", "RealAtomsCalculator"]


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
class GpawRelaxMaker(EngineMaker):
    """Relax with GPAW + D3(BJ); fixed cell (slabs and interfaces).

    Parameters
    ----------
    mode
        ``"lcao"`` (fast, for screening and tests) or ``"pw"`` (plane waves, converged work).
    basis
        LCAO basis set (``"dzp"``, ``"szp(dzp)"``, ...).
    ecut_eV
        Plane-wave cutoff (eV) in ``pw`` mode.
    grid_spacing_angstrom
        Real-space grid spacing (Å) of the density (LCAO mode).
    system_class
        ``"metal"``, ``"semimetal"`` or ``"insulator"`` for the k-point rule
        (:mod:`naspe.workflows.dft.kpoints`); None: read from each structure's atoms.
        A flow sets it (and ``periodic``) from its whole system, so every part runs one mesh.
    periodic
        Periodic directions for the k-point rule; None: from each structure's atoms (a vacuum
        gap wider than 6 Å makes a direction non-periodic: one k-point along it).
    k_length_angstrom
        k-point length L (Å) instead of the rule's for the class (convergence scans).
    kpoint_purpose
        ``"energy"`` or ``"core_level"`` (Delta-SCF: a stricter length on metals).
    kpts
        An explicit Gamma-centred mesh; wins over the rule (tiny tests, a user's own mesh).
    ghosts
        Indices of ghost atoms: their basis functions stay, their nuclei, electrons and D3
        terms go (LCAO only; counterpoise energies). No charges are computed with ghosts.
    dispersion
        ``"d3bj"`` (default), ``"d3zero"`` or None.
    dipole_correction
        Add GPAW's dipole layer along z for slabs.
    spinpol
        Spin-polarised calculation (open-shell fragments, Na adatoms on defects).
    smearing_eV
        Fermi-Dirac width (eV).
    hirshfeld_charges
        Compute Hirshfeld charges (e) of the final structure.
    ranks
        MPI ranks (None: ``settings.default_ranks``). With more than one rank
        GPAW runs under ``settings.mpi_command``.
    """

    name: str = "GPAW relaxation"
    relax_cell: bool = False
    steps: int = 200
    relax_kwargs: dict = field(default_factory=lambda: {"fmax": RELAX_FMAX_EV_A})
    mode: str = "lcao"
    basis: str = GPAW_BASIS
    ecut_eV: float = 400.0
    grid_spacing_angstrom: float = 0.2
    system_class: str | None = None
    periodic: tuple[bool, bool, bool] | None = None
    k_length_angstrom: float | None = None
    kpoint_purpose: str = "energy"
    kpts: tuple[int, int, int] | None = None
    ghosts: tuple[int, ...] = ()
    dispersion: str | None = GPAW_DISPERSION
    dipole_correction: bool = True
    spinpol: bool = False
    smearing_eV: float = GPAW_SMEARING_EV
    hirshfeld_charges: bool = True
    ranks: int | None = None

    engine = "gpaw"
    package = "gpaw"
    supports_mpi = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.mode not in ("lcao", "pw"):
            raise ValueError(f"mode={self.mode!r}: allowed GPAW modes are 'lcao' and 'pw'")
        if self.dispersion not in ("d3bj", "d3zero", None):
            raise ValueError(f"dispersion={self.dispersion!r}: allowed are 'd3bj', 'd3zero' or None")
        if self.system_class is not None and self.system_class not in SYSTEM_CLASSES:
            raise ValueError(f"system_class={self.system_class!r}: allowed are {', '.join(SYSTEM_CLASSES)} or None")
        if self.kpoint_purpose not in PURPOSES:
            raise ValueError(f"kpoint_purpose={self.kpoint_purpose!r}: allowed are {', '.join(PURPOSES)}")
        if self.k_length_angstrom is not None and not (0 < self.k_length_angstrom < 1000):
            raise ValueError(f"k_length_angstrom={self.k_length_angstrom}: must be > 0 and < 1000 Å")
        if self.kpts is not None and (len(self.kpts) != 3 or any(int(n) != n or n < 1 for n in self.kpts)):
            raise ValueError(f"kpts={self.kpts}: three integers >= 1 (a Gamma-centred mesh)")
        if "kpts" in self.calculator_kwargs:
            raise ValueError("calculator_kwargs['kpts']: give the mesh as kpts=(n1, n2, n3) (recorded)")
        if self.periodic is not None and len(self.periodic) != 3:
            raise ValueError(f"periodic={self.periodic}: three booleans, one per cell vector")
        if self.ghosts and self.mode != "lcao":
            raise ValueError(f"ghosts={self.ghosts}: ghost atoms need mode='lcao' (basis functions without atoms)")
        if any(int(g) != g or g < 0 for g in self.ghosts) or len(set(self.ghosts)) != len(self.ghosts):
            raise ValueError(f"ghosts={self.ghosts}: distinct atom indices >= 0")
        if self.ranks is not None and self.ranks < 1:
            raise ValueError(f"ranks={self.ranks}: must be >= 1 (or None for settings.default_ranks)")

    @property
    def scf_errors(self) -> tuple[type[BaseException], ...]:
        """GPAW's SCF failure."""
        from gpaw import KohnShamConvergenceError

        return (KohnShamConvergenceError,)

    def _get_calculator(self):
        """A bulk-cell calculator (names the engine in atomate2's document); run_ase builds the real one."""
        from ase import Atoms

        return self.calculator_for(Atoms(cell=np.eye(3) * 10.0, pbc=True))

    def kpoint_mesh(self, atoms) -> KpointMesh:
        """The Gamma-centred mesh of ``atoms``: ``kpts`` if given, else naspe's rule for the class and directions."""
        if self.kpts is not None:
            periodic = periodic_directions(atoms) if self.periodic is None else self.periodic
            return explicit_mesh(atoms.cell[:], self.kpts, periodic)
        return mesh_for_atoms(atoms, self.system_class, self.kpoint_purpose, self.k_length_angstrom, self.periodic)

    def for_system(self, atoms) -> GpawRelaxMaker:
        """A copy whose k-point class and periodic directions are those of ``atoms`` (a flow's whole system).

        Every part of the flow (substrate and film in the interface cell, say) then runs the
        whole system's mesh. Settings given explicitly (``kpts``, ``system_class``, ``periodic``) stay.
        """
        if self.kpts is not None:
            return self
        mesh = self.kpoint_mesh(atoms)
        return dataclasses.replace(self, system_class=mesh.system_class, periodic=mesh.periodic)

    def gpaw_parameters(self, atoms, slab: bool | None = None) -> dict:
        """Keyword arguments of ``gpaw.GPAW`` for ``atoms``; ``slab`` (dipole layer) None: not periodic along z."""
        from gpaw import PW

        slab = not atoms.pbc[2] if slab is None else slab
        params = {
            "xc": "PBE",
            "mode": PW(self.ecut_eV) if self.mode == "pw" else "lcao",
            "kpts": {"size": self.kpoint_mesh(atoms).mesh, "gamma": True},
            "occupations": {"name": "fermi-dirac", "width": self.smearing_eV},
            "spinpol": self.spinpol,
            "txt": "gpaw.txt",
            "legacy_gpaw": True,  # Hirshfeld charges and core-hole setups need the legacy calculator
        }
        if self.mode == "lcao":
            params.update(basis=self.basis, h=self.grid_spacing_angstrom)
        if slab and self.dipole_correction:
            params["poissonsolver"] = {"dipolelayer": "xy"}
        if self.ghosts:
            params["setups"] = {int(i): "ghost" for i in self.ghosts}
        params.update(self.calculator_kwargs)
        return params

    def parameters(self, atoms) -> dict:
        """GPAW keywords (mode and mesh written out), dispersion, dipole layer and ghosts used for ``atoms``."""
        params = self.gpaw_parameters(atoms)
        if self.mode == "pw":
            params["mode"] = {"name": "pw", "ecut": self.ecut_eV}
        params.pop("txt", None)
        if isinstance(params.get("kpts"), dict) and "size" in params["kpts"]:
            params["kpts"] = {**params["kpts"], "size": list(params["kpts"]["size"])}
        if "setups" in params and isinstance(params["setups"], dict):
            params["setups"] = {str(k): v for k, v in params["setups"].items()}
        return {
            **params,
            "kpoints": self.kpoint_mesh(atoms).as_dict(),
            "dispersion": self.dispersion,
            "hirshfeld_charges": self.hirshfeld_charges and not self.ghosts,
            "ghosts": [int(i) for i in self.ghosts],
        }

    def prepare(self, mol_or_struct) -> Atoms:
        """Atoms with GPAW's vacuum requirement checked (>= 3 Å from a non-periodic face)."""
        atoms = super().prepare(mol_or_struct)
        if self.ghosts and max(self.ghosts) >= len(atoms):
            raise ValueError(f"ghosts={self.ghosts}: indices are 0..{len(atoms) - 1}")
        if self.ghosts and np.any(atoms.get_initial_magnetic_moments()[list(self.ghosts)] != 0):
            raise ValueError(f"ghosts={self.ghosts}: ghost atoms carry no electrons, so no initial magnetic moment")
        if not self.spinpol and np.any(atoms.get_initial_magnetic_moments() != 0):
            raise ValueError(
                "the structure carries initial magnetic moments (site property 'magmom') but spinpol=False: "
                "set spinpol=True or drop the moments"
            )
        if not atoms.pbc[2]:
            z, c = atoms.positions[:, 2], atoms.cell.lengths()[2]
            if z.min() < GPAW_EDGE_ANGSTROM or z.max() > c - GPAW_EDGE_ANGSTROM:
                raise ValueError(
                    f"slab atoms span z = {z.min():.2f}-{z.max():.2f} Å in a {c:.2f} Å cell: GPAW's non-periodic z "
                    f"needs >= {GPAW_EDGE_ANGSTROM} Å of vacuum to each face; add vacuum"
                )
        return atoms

    def calculator_for(self, atoms):
        """GPAW (+ D3) calculator for ``atoms``."""
        from ase.calculators.mixing import SumCalculator
        from gpaw import GPAW
        from gpaw.mpi import world

        params = self.gpaw_parameters(atoms)
        if world.size > 1 and os.environ.get("GPAW_MPI_BACKEND") == "mpi4py" and "parallel" not in params:
            # measured here (GPAW 26.7, mpi4py backend): domain decomposition gives wrong total energies
            # (H2O -3.79 eV on 2 ranks vs -11.47 eV serial); k-point parallelism is exact
            params["parallel"] = {"domain": 1}
        calc = GPAW(**params)
        if self.dispersion is not None:
            from dftd3.ase import DFTD3

            d3 = DFTD3(method="PBE", damping=self.dispersion)
            if self.ghosts:  # dispersion acts between real atoms only
                d3 = RealAtomsCalculator(d3, [i for i in range(len(atoms)) if i not in set(self.ghosts)])
            calc = SumCalculator([calc, d3])
        if self.mode == "lcao":
            # GPAW's LCAO mode has no stress; say so, so that atomate2's observer does not ask for it
            calc.implemented_properties = [p for p in calc.implemented_properties if p != "stress"]
        return calc

    def properties(self, calc, atoms) -> dict:
        """Hirshfeld charges (e) of the final structure (none with ghost atoms)."""
        if not self.hirshfeld_charges or self.ghosts:
            return {}
        from gpaw.analyse.hirshfeld import HirshfeldPartitioning

        mixer = getattr(calc, "mixer", None)  # ASE's SumCalculator keeps its calculators in .mixer.calcs
        gpaw_calc = mixer.calcs[0] if mixer is not None else calc
        charges = HirshfeldPartitioning(gpaw_calc).get_charges()
        return {"charges": [float(q) for q in charges], "charge_method": "hirshfeld"}


@dataclass
class GpawStaticMaker(GpawRelaxMaker):
    """Single-point GPAW + D3 energy."""

    name: str = "GPAW static"
    steps: int = 1
