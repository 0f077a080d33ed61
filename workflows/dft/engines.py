"""DFT and tight-binding engines as atomate2 ASE Makers, plus VASP through atomate2.

- :class:`GpawRelaxMaker` / :class:`GpawStaticMaker`: GPAW (PBE, LCAO or plane
  waves) plus D3(BJ) dispersion from ``dftd3`` (Grimme et al., J. Comput. Chem.
  32 (2011) 1456) through ASE's ``SumCalculator``; k-points from a density;
  dipole correction for slabs (vacuum along z); optional spin polarisation.
- :class:`TbliteRelaxMaker` / :class:`TbliteStaticMaker`: GFN2-xTB (Bannwarth,
  Ehlert & Grimme, J. Chem. Theory Comput. 15 (2019) 1652) with its built-in D4
  dispersion, for screening many configurations.
- :func:`vasp_slab_relax_maker` / :func:`vasp_slab_static_maker`: atomate2's VASP
  Makers with PBE + D3(BJ) (IVDW = 12), dipole correction along z (LDIPOL,
  IDIPOL = 3) and slab k-points (one k-point along z).

The ASE Makers take pymatgen structures (atomate2's convention); a structure
whose largest empty gap along z exceeds ``SLAB_VACUUM_ANGSTROM`` is treated as a
slab: not periodic along z for GPAW (needed by its dipole layer) and with the
dipole correction on. Site property ``selective_dynamics`` fixes atoms.

Every ASE Maker writes a :class:`~naspe.workflows.dft.documents.DftTaskDocument`
(energy, forces, final structure, engine and version, all parameters, SCF and
force convergence, charges and bond orders). Structures with atoms closer than
0.6 Å are refused before any calculation; an SCF that does not converge gives a
failed document with no energy and stops the jobs that depend on it. GPAW with
``ranks > 1`` runs under ``settings.mpi_command`` through
:mod:`naspe.workflows.dft.runner`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
from ase import Atoms
from ase.calculators.calculator import CalculationFailed
from atomate2.ase.jobs import AseRelaxMaker
from atomate2.ase.schemas import AseResult
from atomate2.ase.utils import AseRelaxer
from atomate2.vasp.sets.core import RelaxSetGenerator, StaticSetGenerator
from jobflow import Response, job
from pymatgen.core import Structure

from naspe.workflows.dft.checks import (
    GPAW_EDGE_ANGSTROM,
    SLAB_VACUUM_ANGSTROM,
    ScfNotConverged,
    check_distances,
    is_slab,
    to_atoms,
)
from naspe.workflows.dft.documents import DftTaskDocument

__all__ = [
    "GpawRelaxMaker",
    "GpawStaticMaker",
    "TbliteRelaxMaker",
    "TbliteStaticMaker",
    "vasp_slab_relax_maker",
    "vasp_slab_static_maker",
    "is_slab",
    "check_distances",
    "engine_properties",
    "check_inputs",
    "ScfNotConverged",
    "SLAB_VACUUM_ANGSTROM",
    "SlabRelaxSetGenerator",
    "SlabStaticSetGenerator",
]


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - site builds without metadata
        return "unknown"


@dataclass
class _EngineMaker(AseRelaxMaker):
    """A fixed-cell ASE relaxation (``steps <= 1``: single point) that writes a :class:`DftTaskDocument`.

    Subclasses name the engine and build its calculator; this class validates
    the structure before any calculation, runs it (in-process, or under the MPI
    launcher when ``ranks > 1`` and the engine supports it), and turns an SCF
    failure into a failed document with no energy that stops the jobs depending
    on it.
    """

    job_kind: ClassVar[str] = "dft"  # the workers that run its jobs (naspe.workflows.base.kinds)

    engine = "ase"
    package = "ase"
    supports_mpi = False
    scf_errors = ()  # the engine's SCF-failure exception types

    def prepare(self, mol_or_struct) -> Atoms:
        """ASE atoms for this engine; raises ValueError for unusable structures."""
        atoms = to_atoms(mol_or_struct)
        check_distances(atoms)
        return atoms

    def calculator_for(self, atoms):  # pragma: no cover - abstract
        """The engine's calculator for ``atoms``."""
        raise NotImplementedError

    def parameters(self, atoms) -> dict:
        """JSON-able record of every calculator setting used for ``atoms``."""
        return {}

    def properties(self, calc, atoms) -> dict:
        """Charges / bond orders of the final structure (``DftTaskDocument`` fields)."""
        return {}

    def run_in_process(self, atoms) -> tuple[AseResult, dict]:
        """Relax ``atoms`` here; returns atomate2's result and the engine extras."""
        calc = self.calculator_for(atoms)
        relaxer = AseRelaxer(calc, relax_cell=self.relax_cell, relax_shape=self.relax_shape, **self.optimizer_kwargs)
        try:
            result = relaxer.relax(atoms, steps=self.steps, **self.relax_kwargs)
        except self.scf_errors as err:
            raise ScfNotConverged(f"{self.engine}: SCF not converged ({type(err).__name__}: {err})") from err
        final = result.final_mol_or_struct
        vars(final).pop("calc", None)  # pymatgen's adaptor attaches the live calculator; results must not hold it
        final_atoms = atoms.copy()
        final_atoms.positions = final.cart_coords
        return result, self.properties(calc, final_atoms)

    def ranks_to_use(self) -> int:
        """MPI ranks for this run (the maker's ``ranks`` or the settings' default)."""
        if not self.supports_mpi:
            return 1
        ranks = getattr(self, "ranks", None)
        if ranks is None:
            from naspe.workflows.base.settings import load_settings

            ranks = load_settings().default_ranks
        return int(ranks)

    def run_ase(self, mol_or_struct, prev_dir: str | Path | None = None) -> AseResult:
        """atomate2's hook: relax and return only the ASE result."""
        return self.execute(self.prepare(mol_or_struct))[0]

    def execute(self, atoms) -> tuple[AseResult, dict]:
        """Run in-process or under the MPI launcher."""
        ranks = self.ranks_to_use()
        if ranks > 1:
            from naspe.workflows.dft.runner import run_under_mpi

            return run_under_mpi(self, atoms, ranks)
        return self.run_in_process(atoms)

    def _extras(self, atoms, ranks: int) -> dict:
        return {
            "engine": self.engine,
            "engine_version": _package_version(self.package),
            "parameters": self.parameters(atoms),
            "ranks": ranks,
        }

    @job(data=["trajectory"], output_schema=DftTaskDocument)
    def make(self, structure: Structure, prev_dir: str | Path | None = None) -> DftTaskDocument | Response:
        """Relax (or single-point) ``structure`` at fixed cell as a job.

        Returns
        -------
        DftTaskDocument, or a Response with a failed document (no energy) and
        ``stop_children`` when the SCF did not converge.
        """
        atoms = self.prepare(structure)
        ranks = self.ranks_to_use()
        name = self.engine
        try:
            result, props = self.execute(atoms)
        except ScfNotConverged as err:
            doc = DftTaskDocument.failed(
                structure, calculator_name=name, error=str(err), extras=self._extras(atoms, ranks)
            )
            return Response(output=doc, stop_children=True)
        return DftTaskDocument.from_result(
            result,
            calculator_name=name,
            steps=self.steps,
            relax_kwargs=self.relax_kwargs,
            optimizer_kwargs=self.optimizer_kwargs,
            relax_cell=self.relax_cell,
            extras={**self._extras(atoms, ranks), "scf_converged": True, **props},
            tags=self.tags,
        )


def check_inputs(maker, structures: dict[str, Structure]) -> None:
    """Run a naspe engine Maker's input checks on each structure now, in a flow's ``make``.

    Atoms closer than 0.6 Å, too little vacuum for GPAW's non-periodic z, and
    initial moments without spin polarisation are then refused before any job of
    the flow runs (not after the first, possibly long, calculation). Makers of
    other engines (atomate2 VASP) are not checked.

    Parameters
    ----------
    maker
        The relax or static Maker of the flow.
    structures
        Label (named in the error) -> structure the Maker will run.

    Raises
    ------
    ValueError
        Naming the structure and the problem.
    """
    if not isinstance(maker, _EngineMaker):
        return
    for label, structure in structures.items():
        try:
            maker.prepare(structure)
        except ValueError as err:
            raise ValueError(f"{label} ({maker.name}): {err}") from err


def engine_properties(maker, relax_job) -> tuple:
    """References to (charges, bond_orders) of a relax job's document; (None, None) for Makers without them."""
    if isinstance(maker, _EngineMaker):
        return relax_job.output.charges, relax_job.output.bond_orders
    return None, None


@dataclass
class GpawRelaxMaker(_EngineMaker):
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
    relax_kwargs: dict = field(default_factory=lambda: {"fmax": 0.05})
    mode: str = "lcao"
    basis: str = "dzp"
    ecut_eV: float = 400.0
    grid_spacing_angstrom: float = 0.2
    kpoint_density: float = 2.0
    dispersion: str | None = "d3bj"
    dipole_correction: bool = True
    spinpol: bool = False
    smearing_eV: float = 0.1
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


@dataclass
class TbliteRelaxMaker(_EngineMaker):
    """Relax with GFN2-xTB (tblite) at fixed cell; the cell is treated as 3D periodic."""

    name: str = "GFN2-xTB relaxation"
    relax_cell: bool = False
    steps: int = 300
    relax_kwargs: dict = field(default_factory=lambda: {"fmax": 0.05})
    calculator_kwargs: dict = field(
        default_factory=lambda: {
            "method": "GFN2-xTB",
            "accuracy": 1.0,
            "max_iterations": 300,
            "electronic_temperature": 300.0,
            "verbosity": 0,
        }
    )

    engine = "tblite"
    package = "tblite"
    scf_errors = (CalculationFailed,)

    def _get_calculator(self):
        from tblite.ase import TBLite

        return TBLite(**self.calculator_kwargs)

    def prepare(self, mol_or_struct) -> Atoms:
        """Atoms, 3D periodic (the vacuum separates slab images), neutral."""
        atoms = super().prepare(mol_or_struct)
        atoms.pbc = True
        atoms.set_initial_charges(np.zeros(len(atoms)))
        return atoms

    def calculator_for(self, atoms):
        """A fresh tblite calculator."""
        return self._get_calculator()

    def parameters(self, atoms) -> dict:
        """Tblite keywords (electronic temperature in K)."""
        return dict(self.calculator_kwargs)

    def properties(self, calc, atoms) -> dict:
        """Mulliken charges (e) and Wiberg bond orders of the final structure."""
        charges = np.asarray(calc.results["charges"], dtype=float)
        orders = np.asarray(calc.results["bond-orders"], dtype=float)
        if orders.ndim == 3:  # one channel per spin
            orders = orders.sum(axis=-1)
        i, j = np.nonzero(np.triu(orders, 1) >= 0.1)
        return {
            "charges": charges.tolist(),
            "charge_method": "mulliken",
            "bond_orders": [(int(a), int(b), float(orders[a, b])) for a, b in zip(i, j, strict=True)],
        }


@dataclass
class TbliteStaticMaker(TbliteRelaxMaker):
    """Single-point GFN2-xTB energy."""

    name: str = "GFN2-xTB static"
    steps: int = 1


#: INCAR settings naspe adds for slab/interface work with VASP
VASP_SLAB_INCAR = {
    "GGA": "PE",
    "IVDW": 12,  # D3 with Becke-Johnson damping
    "LDIPOL": True,
    "IDIPOL": 3,  # dipole correction along the surface normal (z)
    "ISIF": 2,  # fixed cell
    "ISMEAR": 0,
    "SIGMA": 0.05,
    "EDIFF": 1e-6,
    "EDIFFG": -0.02,
    "LREAL": "Auto",
    "LASPH": True,
}


def _slab_kpoints(structure, k_product: float):
    """Gamma-centred mesh with n_i = round(k_product / a_i) in plane and one k-point along z."""
    from pymatgen.io.vasp.inputs import Kpoints

    a, b, _ = structure.lattice.abc
    mesh = (max(1, int(k_product / a + 0.5)), max(1, int(k_product / b + 0.5)), 1)
    return Kpoints(comment="naspe slab mesh", style=Kpoints.supported_modes.Gamma, kpts=[mesh])


@dataclass
class _SlabKpoints:
    """Slab k-point mesh: k_product / a in plane (50 Å, as pymatgen's MVLSlabSet), one k-point along z."""

    k_product: float = 50.0

    @property
    def kpoints_updates(self):
        """Gamma-centred slab mesh."""
        return _slab_kpoints(self.structure, self.k_product)


@dataclass
class SlabRelaxSetGenerator(_SlabKpoints, RelaxSetGenerator):
    """atomate2's relax set with the slab k-point mesh."""


@dataclass
class SlabStaticSetGenerator(_SlabKpoints, StaticSetGenerator):
    """atomate2's static set with the slab k-point mesh."""


def vasp_slab_relax_maker(k_product: float = 50.0, **incar_overrides):
    """atomate2 VASP RelaxMaker for slabs/interfaces: PBE-D3(BJ), dipole correction, fixed cell."""
    from atomate2.vasp.jobs.core import RelaxMaker

    gen = SlabRelaxSetGenerator(
        user_incar_settings=VASP_SLAB_INCAR | {"NSW": 200, "IBRION": 2} | incar_overrides, k_product=k_product
    )
    return RelaxMaker(name="VASP slab relax", input_set_generator=gen)


def vasp_slab_static_maker(k_product: float = 50.0, **incar_overrides):
    """atomate2 VASP StaticMaker for slabs/interfaces: PBE-D3(BJ), dipole correction."""
    from atomate2.vasp.jobs.core import StaticMaker

    gen = SlabStaticSetGenerator(
        user_incar_settings=VASP_SLAB_INCAR | {"NSW": 0, "IBRION": -1} | incar_overrides, k_product=k_product
    )
    return StaticMaker(name="VASP slab static", input_set_generator=gen)
