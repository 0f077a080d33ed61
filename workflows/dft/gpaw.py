"""GPAW (PBE, LCAO or plane waves) plus D3(BJ) dispersion as atomate2 ASE Makers.

:class:`GpawRelaxMaker` / :class:`GpawStaticMaker`: GPAW plus D3(BJ) from ``dftd3``
(Grimme et al., J. Comput. Chem. 32 (2011) 1456) through ASE's ``SumCalculator``;
k-points from a density; dipole correction for slabs (vacuum along z, not periodic
along z for GPAW, which its dipole layer needs); optional spin polarisation;
Hirshfeld charges. With ``ranks > 1`` GPAW runs under ``settings.mpi_command``
through :mod:`naspe.workflows.dft.runner`. Defaults: :mod:`naspe.workflows.dft.defaults`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms

from naspe.workflows.dft.base import EngineMaker
from naspe.workflows.dft.checks import GPAW_EDGE_ANGSTROM
from naspe.workflows.dft.defaults import (
    GPAW_BASIS,
    GPAW_DISPERSION,
    GPAW_KPOINT_DENSITY,
    GPAW_SMEARING_EV,
    RELAX_FMAX_EV_A,
)

__all__ = ["GpawRelaxMaker", "GpawStaticMaker"]


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
    kpoint_density
        k-points per Å^-1 (GPAW ``kpts={"density": ...}``); slabs get one along z.
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
    kpoint_density: float = GPAW_KPOINT_DENSITY
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
        if self.kpoint_density <= 0:
            raise ValueError(f"kpoint_density={self.kpoint_density}: must be > 0 k-points per Å^-1")
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

        return self.calculator_for(Atoms(pbc=True))

    def gpaw_parameters(self, slab: bool) -> dict:
        """Keyword arguments of ``gpaw.GPAW`` for a slab or a bulk cell."""
        from gpaw import PW

        params = {
            "xc": "PBE",
            "mode": PW(self.ecut_eV) if self.mode == "pw" else "lcao",
            "kpts": {"density": self.kpoint_density, "gamma": True},
            "occupations": {"name": "fermi-dirac", "width": self.smearing_eV},
            "spinpol": self.spinpol,
            "txt": "gpaw.txt",
            "legacy_gpaw": True,  # Hirshfeld charges and core-hole setups need the legacy calculator
        }
        if self.mode == "lcao":
            params.update(basis=self.basis, h=self.grid_spacing_angstrom)
        if slab and self.dipole_correction:
            params["poissonsolver"] = {"dipolelayer": "xy"}
        params.update(self.calculator_kwargs)
        return params

    def parameters(self, atoms) -> dict:
        """GPAW keywords (mode written out), dispersion and the dipole layer used for ``atoms``."""
        params = self.gpaw_parameters(slab=not atoms.pbc[2])
        if self.mode == "pw":
            params["mode"] = {"name": "pw", "ecut": self.ecut_eV}
        params.pop("txt", None)
        return {**params, "dispersion": self.dispersion, "hirshfeld_charges": self.hirshfeld_charges}

    def prepare(self, mol_or_struct) -> Atoms:
        """Atoms with GPAW's vacuum requirement checked (>= 3 Å from a non-periodic face)."""
        atoms = super().prepare(mol_or_struct)
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

        params = self.gpaw_parameters(not atoms.pbc[2])
        if world.size > 1 and os.environ.get("GPAW_MPI_BACKEND") == "mpi4py" and "parallel" not in params:
            # measured here (GPAW 26.7, mpi4py backend): domain decomposition gives wrong total energies
            # (H2O -3.79 eV on 2 ranks vs -11.47 eV serial); k-point parallelism is exact
            params["parallel"] = {"domain": 1}
        calc = GPAW(**params)
        if self.dispersion is not None:
            from dftd3.ase import DFTD3

            calc = SumCalculator([calc, DFTD3(method="PBE", damping=self.dispersion)])
        if self.mode == "lcao":
            # GPAW's LCAO mode has no stress; say so, so that atomate2's observer does not ask for it
            calc.implemented_properties = [p for p in calc.implemented_properties if p != "stress"]
        return calc

    def properties(self, calc, atoms) -> dict:
        """Hirshfeld charges (e) of the final structure."""
        if not self.hirshfeld_charges:
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
