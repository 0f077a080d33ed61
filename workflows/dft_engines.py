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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from atomate2.ase.jobs import AseRelaxMaker, GFNxTBRelaxMaker
from atomate2.ase.utils import AseRelaxer
from atomate2.vasp.sets.core import RelaxSetGenerator, StaticSetGenerator

__all__ = [
    "GpawRelaxMaker",
    "GpawStaticMaker",
    "TbliteRelaxMaker",
    "TbliteStaticMaker",
    "vasp_slab_relax_maker",
    "vasp_slab_static_maker",
    "is_slab",
    "SLAB_VACUUM_ANGSTROM",
    "SlabRelaxSetGenerator",
    "SlabStaticSetGenerator",
    "ENGINES",
]

SLAB_VACUUM_ANGSTROM = 6.0
GPAW_EDGE_ANGSTROM = 3.0  # localized functions of atoms closer than this to a non-periodic face cross it
ENGINES = ("gpaw", "tblite", "vasp")


def is_slab(atoms) -> bool:
    """True when the structure has an empty gap along z wider than :data:`SLAB_VACUUM_ANGSTROM`."""
    z = np.sort(np.mod(atoms.get_scaled_positions()[:, 2], 1.0)) * atoms.cell.lengths()[2]
    gaps = np.diff(np.concatenate([z, [z[0] + atoms.cell.lengths()[2]]]))
    return bool(gaps.max() > SLAB_VACUUM_ANGSTROM)


def _to_atoms(mol_or_struct):
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(mol_or_struct)
    if atoms.pbc.all() and is_slab(atoms):
        atoms.pbc = (True, True, False)
    return atoms


@dataclass
class GpawRelaxMaker(AseRelaxMaker):
    """Relax with GPAW + D3(BJ); fixed cell by default (slabs and interfaces).

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

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.mode not in ("lcao", "pw"):
            raise ValueError(f"mode={self.mode!r}: allowed GPAW modes are 'lcao' and 'pw'")
        if self.dispersion not in ("d3bj", "d3zero", None):
            raise ValueError(f"dispersion={self.dispersion!r}: allowed are 'd3bj', 'd3zero' or None")
        if self.kpoint_density <= 0:
            raise ValueError(f"kpoint_density={self.kpoint_density}: must be > 0 k-points per Å^-1")

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

    def calculator_for(self, atoms):
        """GPAW (+ D3) calculator for ``atoms``."""
        from ase.calculators.mixing import SumCalculator
        from gpaw import GPAW

        slab = not atoms.pbc[2]
        calc = GPAW(**self.gpaw_parameters(slab))
        if self.dispersion is not None:
            from dftd3.ase import DFTD3

            calc = SumCalculator([calc, DFTD3(method="PBE", damping=self.dispersion)])
        if self.mode == "lcao":
            # GPAW's LCAO mode has no stress; say so, so that atomate2's observer does not ask for it
            calc.implemented_properties = [p for p in calc.implemented_properties if p != "stress"]
        return calc

    def run_ase(self, mol_or_struct, prev_dir: str | Path | None = None):
        """Relax (or single-point when ``steps <= 1``) with a calculator set up for this structure."""
        atoms = _to_atoms(mol_or_struct)
        if not atoms.pbc[2]:
            z, c = atoms.positions[:, 2], atoms.cell.lengths()[2]
            if z.min() < GPAW_EDGE_ANGSTROM or z.max() > c - GPAW_EDGE_ANGSTROM:
                raise ValueError(
                    f"slab atoms span z = {z.min():.2f}-{z.max():.2f} Å in a {c:.2f} Å cell: GPAW's non-periodic z "
                    f"needs >= {GPAW_EDGE_ANGSTROM} Å of vacuum to each face; add vacuum"
                )
        calc = self.calculator_for(atoms)
        relaxer = AseRelaxer(calc, relax_cell=self.relax_cell, relax_shape=self.relax_shape, **self.optimizer_kwargs)
        return relaxer.relax(atoms, steps=self.steps, **self.relax_kwargs)


@dataclass
class GpawStaticMaker(GpawRelaxMaker):
    """Single-point GPAW + D3 energy."""

    name: str = "GPAW static"
    steps: int = 1


@dataclass
class TbliteRelaxMaker(GFNxTBRelaxMaker):
    """Relax with GFN2-xTB (tblite) at fixed cell."""

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

    def run_ase(self, mol_or_struct, prev_dir: str | Path | None = None):
        """Relax with tblite; charges and spin come from the calculator settings, not site properties."""
        atoms = _to_atoms(mol_or_struct)
        atoms.pbc = True  # tblite treats the cell as 3D periodic; the vacuum separates slab images
        atoms.set_initial_charges(np.zeros(len(atoms)))
        relaxer = AseRelaxer(
            self.calculator, relax_cell=self.relax_cell, relax_shape=self.relax_shape, **self.optimizer_kwargs
        )
        return relaxer.relax(atoms, steps=self.steps, **self.relax_kwargs)


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
