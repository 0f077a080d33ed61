"""CP2K (PBE in Gaussian and plane waves, GTH pseudopotentials, MOLOPT basis) plus D3(BJ) as naspe engine Makers.

:class:`Cp2kRelaxMaker` / :class:`Cp2kStaticMaker` run CP2K 2023.1 from Debian
(``cp2k_shell.psmp``, with ``ranks`` MPI ranks under OpenMPI's ``mpirun``) through
:class:`~naspe.workflows.dft.cp2k_calculator.Cp2kShellCalculator`, on the input of
:func:`~naspe.workflows.dft.cp2k_input.cp2k_input` (what it sets and why is said there):
slabs 2D periodic with the analytic Poisson solver, naspe's k-point mesh, Fermi-Dirac
smearing, D3(BJ) from ``dftd3`` between real atoms, ghost kinds for counterpoise.

Why ASE drives the geometry here and not atomate2's CP2K Makers (which run CP2K's own
``GEO_OPT`` under custodian, file based): naspe's engine contract
(:mod:`naspe.workflows.dft.base`) is an ASE relaxation at fixed cell, and a CP2K
``GEO_OPT`` cannot meet it. Its convergence test is five criteria on Cartesian force
components and steps in bohr (MAX_FORCE, RMS_FORCE, MAX_DR, RMS_DR), not the per-atom
force norm ``fmax`` (eV/Å) that GPAW and GFN2-xTB relaxations stop on and that
:class:`~naspe.workflows.dft.convergence.RelaxationConvergence` records; it writes no
per-step progress line (:mod:`naspe.workflows.dft.progress`); and its atoms cannot be
ghost kinds on a relaxation's restart. The shell keeps one CP2K process for the whole
relaxation, so each step starts from the previous step's density matrix (CP2K's
extrapolation) as a ``GEO_OPT`` would. An SCF that does not converge or a CP2K process
that dies gives a failed document naming the reason and CP2K's last output lines.
"""

from __future__ import annotations

import functools
import shlex
import shutil
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms

from naspe.workflows.dft.convergence import Purpose
from naspe.workflows.dft.cp2k_calculator import Cp2kCrashed, Cp2kScfNotConverged, Cp2kShellCalculator
from naspe.workflows.dft.cp2k_input import (
    BASIS_FILE,
    CP2K_DATA_DIR,
    VALENCE,
    check_settings,
    cp2k_input,
    kind_names,
    valence_of,
)
from naspe.workflows.dft.defaults import (
    CP2K_BASIS,
    CP2K_CUTOFF_RY,
    CP2K_EPS_SCF,
    CP2K_NA_VALENCE,
    CP2K_POTENTIAL,
    CP2K_REL_CUTOFF_RY,
    RELAX_FMAX_EV_A,
)
from naspe.workflows.dft.periodic import PeriodicEngineMaker

__all__ = ["Cp2kRelaxMaker", "Cp2kStaticMaker", "CP2K_SHELL", "MPIRUN", "SLAB_EDGE_ANGSTROM", "cp2k_available"]

#: the CP2K shell of Debian's ``cp2k`` package and the MPI launcher its OpenMPI build needs
CP2K_SHELL = "cp2k_shell.psmp"
MPIRUN = "/usr/bin/mpirun.openmpi"
#: vacuum (Å) from each face of a slab to the cell's z boundary that the 2D analytic Poisson solver is given
SLAB_EDGE_ANGSTROM = 4.0


def cp2k_available() -> bool:
    """True when Debian's CP2K shell and its data are installed here."""
    return shutil.which(CP2K_SHELL) is not None and (CP2K_DATA_DIR / BASIS_FILE).exists()


@dataclass
class Cp2kRelaxMaker(PeriodicEngineMaker):
    """Relax with CP2K (PBE, GTH, MOLOPT) + D3(BJ) at fixed cell (slabs, interfaces, molecules in a box).

    Parameters
    ----------
    basis
        MOLOPT basis family (``DZVP-MOLOPT-PBE-GTH``); each element gets its ``-qN``.
    potential
        GTH pseudopotential family (``GTH-PBE``); each element gets its ``-qN``.
    na_valence
        Valence electrons of Na: 1 (default) or 9 (2s2p semicore).
    cutoff_ry, rel_cutoff_ry
        Plane-wave cutoff of the density's finest grid and the relative cutoff (Ry).
    eps_scf
        SCF convergence (Hartree).
    max_scf
        SCF iterations before the SCF counts as not converged.

    Notes
    -----
    The k-point, ghost, dispersion, spin, smearing and ranks settings are
    :class:`~naspe.workflows.dft.periodic.PeriodicEngineMaker`'s; the ranks run under
    ``mpirun`` inside the calculator, so the relaxation itself stays in this process.
    """

    name: str = "CP2K relaxation"
    relax_cell: bool = False
    steps: int = 200
    relax_kwargs: dict = field(default_factory=lambda: {"fmax": RELAX_FMAX_EV_A})
    basis: str = CP2K_BASIS
    potential: str = CP2K_POTENTIAL
    na_valence: int = CP2K_NA_VALENCE
    cutoff_ry: float = CP2K_CUTOFF_RY
    rel_cutoff_ry: float = CP2K_REL_CUTOFF_RY
    eps_scf: float = CP2K_EPS_SCF
    max_scf: int = 200

    engine = "cp2k"
    package = "ase"  # engine_version is ASE's (the driver); CP2K's own version is parameters["cp2k_version"]
    scf_errors = (Cp2kScfNotConverged,)
    crash_errors = (Cp2kCrashed,)

    def __post_init__(self) -> None:
        super().__post_init__()
        check_settings(self.cutoff_ry, self.rel_cutoff_ry, self.na_valence)
        if not 0 < self.eps_scf <= 1e-4:
            raise ValueError(f"eps_scf={self.eps_scf}: allowed > 0 and <= 1e-4 Hartree")
        if self.max_scf < 1:
            raise ValueError(f"max_scf={self.max_scf}: must be >= 1")

    @property
    def localised_basis(self) -> str:
        """The MOLOPT basis: CP2K energies carry basis-set superposition error, so counterpoise applies."""
        return self.basis

    def settings_purpose(self) -> Purpose:
        """Production: PBE-D3(BJ) in a double-zeta polarised basis, counterpoise-corrected.

        The convergence scan checks the k-points and the cutoff of each system class.
        """
        return Purpose.production

    def level_of_theory(self) -> str:
        """PBE with its dispersion, basis and potentials, cutoffs, k-points, smearing, spin, slab electrostatics."""
        return (
            f"PBE{self.dispersion_in_words()}, CP2K GPW {self.basis} / {self.potential} (Na q{self.na_valence}), "
            f"{self.cutoff_ry:g} Ry (relative {self.rel_cutoff_ry:g} Ry), {self.sampling_in_words()}, "
            "slabs 2D periodic (analytic Poisson)"
        )

    def ranks_to_use(self) -> int:
        """MPI ranks of CP2K (the Maker's ``ranks`` or the settings' default)."""
        if self.ranks is not None:
            return int(self.ranks)
        from naspe.workflows.base.settings import load_settings

        return int(load_settings().default_ranks)

    def execute(self, atoms) -> tuple:
        """Always in this process: the ranks are CP2K's own, under ``mpirun`` in the calculator."""
        return self.run_in_process(atoms)

    def _get_calculator(self):  # atomate2's hook; run_ase builds the real calculator per structure
        return None

    def prepare(self, mol_or_struct) -> Atoms:
        """Atoms with CP2K's needs checked: known elements, ghosts, spin, slab vacuum for the 2D Poisson solver."""
        if not cp2k_available():
            raise ValueError(f"engine 'cp2k' needs Debian's cp2k and cp2k-data ({CP2K_SHELL}, {CP2K_DATA_DIR})")
        atoms = super().prepare(mol_or_struct)
        unknown = sorted(set(atoms.get_chemical_symbols()) - set(VALENCE))
        if unknown:
            raise ValueError(f"elements {unknown}: naspe's CP2K set covers {', '.join(sorted(VALENCE))}")
        self.check_ghosts_and_spin(atoms)
        self.check_slab_vacuum(atoms, SLAB_EDGE_ANGSTROM, "CP2K's 2D-periodic Poisson solver is given")
        if not atoms.pbc[2]:
            if not np.allclose(atoms.cell[2, :2], 0.0) or not np.allclose(atoms.cell[:2, 2], 0.0):
                raise ValueError("a slab cell for CP2K's 2D-periodic Poisson solver needs c along z, normal to a and b")
        return atoms

    def input_text(self, atoms) -> str:
        """The CP2K input of ``atoms`` (coordinates left for the calculator)."""
        kinds = kind_names(atoms.get_chemical_symbols(), self.ghosts)
        return cp2k_input(
            kinds,
            atoms.cell[:],
            slab=not atoms.pbc[2],
            mesh=self.kpoint_mesh(atoms).mesh,
            basis=self.basis,
            potential=self.potential,
            na_valence=self.na_valence,
            cutoff_ry=self.cutoff_ry,
            rel_cutoff_ry=self.rel_cutoff_ry,
            smearing_eV=self.smearing_eV,
            eps_scf=self.eps_scf,
            max_scf=self.max_scf,
            spinpol=self.spinpol,
            charge=int(round(float(np.sum(atoms.get_initial_charges())))),
        )

    def command(self) -> str:
        """The shell command that starts CP2K's shell on ``ranks`` ranks (its stderr to ``cp2k.stderr``)."""
        ranks = self.ranks_to_use()
        return (
            f"env OMP_NUM_THREADS=1 OMPI_MCA_btl_vader_single_copy_mechanism=none {shlex.quote(MPIRUN)} "
            f"--allow-run-as-root --oversubscribe -n {ranks} {CP2K_SHELL} 2> cp2k.stderr"
        )

    def calculator_for(self, atoms):
        """CP2K's shell (+ D3) for ``atoms``; its input and output are ``cp2k.inp`` / ``cp2k.out`` here."""
        kinds = kind_names(atoms.get_chemical_symbols(), self.ghosts)
        calc = Cp2kShellCalculator(self.input_text(atoms), kinds, self.command(), label="cp2k")
        return self.with_dispersion(calc, atoms)

    def release(self, calc) -> None:
        """Stop the CP2K shell of ``calc`` (alone or inside the D3 sum)."""
        mixer = getattr(calc, "mixer", None)  # ASE's SumCalculator keeps its calculators in .mixer.calcs
        for part in mixer.calcs if mixer is not None else [calc]:
            if isinstance(part, Cp2kShellCalculator):
                part.close()

    def parameters(self, atoms) -> dict:
        """CP2K settings, mesh, dispersion and ghosts used for ``atoms``."""
        return {
            "xc": "PBE",
            "basis": self.basis,
            "potential": self.potential,
            "valence": {el: valence_of(el, self.na_valence) for el in sorted(set(atoms.get_chemical_symbols()))},
            "cutoff_ry": self.cutoff_ry,
            "rel_cutoff_ry": self.rel_cutoff_ry,
            "eps_scf_hartree": self.eps_scf,
            "smearing": {"name": "fermi-dirac", "width_eV": self.smearing_eV},
            "spinpol": self.spinpol,
            "electrostatics": "2D periodic, analytic Poisson solver" if not atoms.pbc[2] else "3D periodic",
            "kpoints": self.kpoint_mesh(atoms).as_dict(),
            "dispersion": self.dispersion,
            "ghosts": [int(i) for i in self.ghosts],
            "ranks": self.ranks_to_use(),
            "cp2k_version": _cp2k_version(),
        }


@functools.lru_cache(maxsize=1)
def _cp2k_version() -> str:
    """CP2K's version line (``cp2k.psmp --version``), or 'unknown'."""
    import subprocess

    exe = shutil.which("cp2k.psmp")
    if exe is None:
        return "unknown"
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    for line in out.splitlines():
        if "CP2K version" in line:
            return line.split("version", 1)[1].strip()
    return "unknown"


@dataclass
class Cp2kStaticMaker(Cp2kRelaxMaker):
    """Single-point CP2K + D3 energy."""

    name: str = "CP2K static"
    steps: int = 1
