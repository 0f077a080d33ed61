"""GPAW (PBE, LCAO or plane waves) plus D3(BJ) dispersion as atomate2 ASE Makers.

:class:`GpawRelaxMaker` / :class:`GpawStaticMaker`: GPAW plus D3(BJ) from ``dftd3``
(Grimme et al., J. Comput. Chem. 32 (2011) 1456) through ASE's ``SumCalculator``;
k-points from naspe's one rule (:mod:`naspe.workflows.dft.kpoints`: a Gamma-centred mesh with
k*a >= 30 Å on metals and semimetals, >= 20 Å on insulators, one k-point along a non-periodic
direction), the same mesh VASP gets for the same cell; dipole correction for slabs (vacuum along z,
not periodic along z for GPAW, which its dipole layer needs); optional spin polarisation;
Hirshfeld charges. Ghost atoms (``ghosts``: their LCAO basis functions without nucleus, electrons or
dispersion; GPAW ``setups={index: "ghost"}``) give the counterpoise energies of
:mod:`naspe.workflows.flows.common.counterpoise`. With ``ranks > 1`` GPAW runs under ``settings.mpi_command``
through :mod:`naspe.workflows.dft.runner`. Defaults: :mod:`naspe.workflows.dft.defaults`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms

from naspe.workflows.dft.checks import GPAW_EDGE_ANGSTROM
from naspe.workflows.dft.convergence import Purpose
from naspe.workflows.dft.defaults import GPAW_BASIS, RELAX_FMAX_EV_A
from naspe.workflows.dft.periodic import PeriodicEngineMaker, RealAtomsCalculator

__all__ = ["GpawRelaxMaker", "GpawStaticMaker", "RealAtomsCalculator"]


@dataclass
class GpawRelaxMaker(PeriodicEngineMaker):
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
    dipole_correction
        Add GPAW's dipole layer along z for slabs.
    hirshfeld_charges
        Compute Hirshfeld charges (e) of the final structure.

    Notes
    -----
    The k-point, ghost, dispersion, spin, smearing and ranks settings are
    :class:`~naspe.workflows.dft.periodic.PeriodicEngineMaker`'s (ghost atoms need LCAO;
    no charges are computed with ghosts). With more than one rank GPAW runs under
    ``settings.mpi_command``.
    """

    name: str = "GPAW relaxation"
    relax_cell: bool = False
    steps: int = 200
    relax_kwargs: dict = field(default_factory=lambda: {"fmax": RELAX_FMAX_EV_A})
    mode: str = "lcao"
    basis: str = GPAW_BASIS
    ecut_eV: float = 400.0
    grid_spacing_angstrom: float = 0.2
    dipole_correction: bool = True
    hirshfeld_charges: bool = True

    engine = "gpaw"
    package = "gpaw"
    supports_mpi = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.mode not in ("lcao", "pw"):
            raise ValueError(f"mode={self.mode!r}: allowed GPAW modes are 'lcao' and 'pw'")
        if "kpts" in self.calculator_kwargs:
            raise ValueError("calculator_kwargs['kpts']: give the mesh as kpts=(n1, n2, n3) (recorded)")
        if self.ghosts and self.mode != "lcao":
            raise ValueError(f"ghosts={self.ghosts}: ghost atoms need mode='lcao' (basis functions without atoms)")

    @property
    def localised_basis(self) -> str | None:
        """The LCAO basis (counterpoise-corrected energies); None in plane-wave mode."""
        return self.basis if self.mode == "lcao" else None

    def settings_purpose(self) -> Purpose:
        """Plane waves: production; LCAO (the registry's default): screening."""
        return Purpose.production if self.mode == "pw" else Purpose.screening

    def level_of_theory(self) -> str:
        """PBE with its dispersion, GPAW's mode and basis or cutoff, grid, k-points, smearing, spin, dipole layer."""
        lcao = f"LCAO {self.basis}, grid {self.grid_spacing_angstrom:g} Å"
        mode = f"PW {self.ecut_eV:g} eV" if self.mode == "pw" else lcao
        dipole = "dipole layer along z" if self.dipole_correction else "no dipole correction"
        return f"PBE{self.dispersion_in_words()}, GPAW {mode}, {self.sampling_in_words()}, {dipole}"

    def counterpoise_single_point(self) -> GpawRelaxMaker | None:
        """The one-step LCAO copy of the counterpoise single points (no charges), None in plane-wave mode."""
        copy = super().counterpoise_single_point()
        return None if copy is None else dataclasses.replace(copy, hirshfeld_charges=False)

    @property
    def scf_errors(self) -> tuple[type[BaseException], ...]:
        """GPAW's SCF failure."""
        from gpaw import KohnShamConvergenceError

        return (KohnShamConvergenceError,)

    def _get_calculator(self):
        """A bulk-cell calculator (names the engine in atomate2's document); run_ase builds the real one."""
        from ase import Atoms

        return self.calculator_for(Atoms(cell=np.eye(3) * 10.0, pbc=True))

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
        self.check_ghosts_and_spin(atoms)
        self.check_slab_vacuum(atoms, GPAW_EDGE_ANGSTROM, "GPAW's non-periodic z needs")
        return atoms

    def calculator_for(self, atoms):
        """GPAW (+ D3) calculator for ``atoms``."""
        from gpaw import GPAW
        from gpaw.mpi import world

        params = self.gpaw_parameters(atoms)
        if world.size > 1 and os.environ.get("GPAW_MPI_BACKEND") == "mpi4py" and "parallel" not in params:
            # measured here (GPAW 26.7, mpi4py backend): domain decomposition gives wrong total energies
            # (H2O -3.79 eV on 2 ranks vs -11.47 eV serial); k-point parallelism is exact
            params["parallel"] = {"domain": 1}
        calc = self.with_dispersion(GPAW(**params), atoms)
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
