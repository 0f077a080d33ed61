"""What every naspe engine Maker shares: input checks, in-process or MPI runs, the task document.

:class:`EngineMaker` is atomate2's ``AseRelaxMaker`` (fixed cell; ``steps <= 1``
is a single point) writing a :class:`~naspe.workflows.dft.documents.DftTaskDocument`
(energy, forces, final structure, engine and version, all parameters, level of
theory, SCF and force convergence as a
:class:`~naspe.workflows.dft.convergence.RelaxationConvergence`: a relaxation that
stops at its step limit with forces above ``fmax`` is recorded as not converged,
charges and bond orders). The engines subclass it:
:mod:`~naspe.workflows.dft.gpaw`, :mod:`~naspe.workflows.dft.cp2k` and
:mod:`~naspe.workflows.dft.tblite` (VASP runs through atomate2's own Makers,
:mod:`~naspe.workflows.dft.vasp`).

The contract the flows rely on, and nothing else: ``engine`` and ``package`` (names),
``steps`` and :attr:`EngineMaker.fmax_ev_per_a` (the relaxation), ``prepare`` (input
checks), :attr:`EngineMaker.localised_basis` and
:meth:`EngineMaker.counterpoise_single_point` (whether energies need a counterpoise
correction, and the Maker of its single points, which take ``ghosts``),
:meth:`EngineMaker.settings_purpose` (screening or production settings), the level of
theory (:meth:`EngineMaker.level_of_theory`), the MPI ranks
(:meth:`EngineMaker.ranks_to_use`) and the registry entry's limits.

A structure is checked before any calculation (:mod:`naspe.workflows.dft.checks`:
atoms closer than 0.6 Å are refused; a periodic cell with a vacuum gap along z
is a slab). An SCF that does not converge gives a failed document with no energy
and stops the jobs that depend on it. An engine that supports MPI runs with
``ranks > 1`` under ``settings.mpi_command`` through :mod:`naspe.workflows.dft.runner`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ase import Atoms
from atomate2.ase.jobs import AseRelaxMaker
from atomate2.ase.schemas import AseResult
from atomate2.ase.utils import AseRelaxer
from jobflow import Response, job
from pymatgen.core import Structure

from naspe.workflows.dft.checks import EngineCrashed, ScfNotConverged, check_distances, to_atoms
from naspe.workflows.dft.convergence import Purpose, RelaxationConvergence
from naspe.workflows.dft.documents import DftTaskDocument
from naspe.workflows.dft.progress import RelaxProgress

__all__ = ["EngineMaker", "check_inputs", "engine_properties", "relaxation_of", "ASE_DEFAULT_FMAX_EV_A"]

#: force criterion (eV/Å) of atomate2's ``AseRelaxer.relax`` when ``relax_kwargs`` gives none
ASE_DEFAULT_FMAX_EV_A = 0.1


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - site builds without metadata
        return "unknown"


@dataclass
class EngineMaker(AseRelaxMaker):
    """A fixed-cell ASE relaxation (``steps <= 1``: single point) that writes a :class:`DftTaskDocument`.

    Subclasses name the engine and build its calculator; this class validates
    the structure before any calculation, runs it (in-process, or under the MPI
    launcher when ``ranks > 1`` and the engine supports it), and turns an SCF
    failure into a failed document with no energy that stops the jobs depending
    on it. An engine process that dies (a signal, a crash) raises
    :class:`~naspe.workflows.dft.checks.EngineCrashed` out of the job instead: a
    failed attempt, retried up to the execution configuration's ``max_retries``
    (a node fault or an out-of-memory kill may not recur), then the job's error,
    naming the signal or exit status and the engine's last lines.
    """

    job_kind: ClassVar[str] = "dft"  # the workers that run its jobs (naspe.workflows.base.kinds)

    engine = "ase"
    package = "ase"
    supports_mpi = False
    scf_errors = ()  # the engine's SCF-failure exception types
    crash_errors = ()  # the engine's process-death exception types (raised as EngineCrashed: a failed attempt)

    @property
    def localised_basis(self) -> str | None:
        """The localised basis of its energies, which counterpoise corrects; None: no basis-set superposition error."""
        return None

    def settings_purpose(self) -> Purpose:
        """What its settings are good for, before any step or force criterion: screening unless an engine says."""
        return Purpose.screening

    def counterpoise_single_point(self) -> EngineMaker | None:
        """The single-point copy the counterpoise runs use (ghost atoms set per run); None when none is needed."""
        return None

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

    def release(self, calc) -> None:
        """Free what ``calc`` holds (an engine process) once the run is over; nothing by default."""

    def run_in_process(self, atoms) -> tuple[AseResult, dict]:
        """Relax ``atoms`` here; returns atomate2's result and the engine extras."""
        calc = self.calculator_for(atoms)
        try:
            relaxer = AseRelaxer(
                calc, relax_cell=self.relax_cell, relax_shape=self.relax_shape, **self.optimizer_kwargs
            )
            progress = RelaxProgress.for_maker(self, atoms)  # every step to dft-progress.jsonl in the job directory
            relaxer.opt_class = progress.optimizer(relaxer.opt_class)
            try:
                result = relaxer.relax(atoms, steps=self.steps, **self.relax_kwargs)
            except self.scf_errors as err:
                raise ScfNotConverged(f"{self.engine}: SCF not converged ({type(err).__name__}: {err})") from err
            except self.crash_errors as err:
                raise EngineCrashed(f"{self.engine}: {err}") from err
            progress.close(atoms)
            final = result.final_mol_or_struct
            vars(final).pop("calc", None)  # pymatgen's adaptor attaches the live calculator; results must not hold it
            final_atoms = atoms.copy()
            final_atoms.positions = final.cart_coords
            return result, self.properties(calc, final_atoms)
        finally:
            self.release(calc)

    def ranks_to_use(self) -> int:
        """MPI ranks of this run under the launcher: 1 (in-process) unless an engine with MPI support says more."""
        return 1

    def level_of_theory(self) -> str:
        """The level of theory of its calculations, in words, as its documents record it (read from its settings)."""
        raise NotImplementedError(f"{type(self).__name__} does not say its level of theory")

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

    @property
    def fmax_ev_per_a(self) -> float:
        """The force criterion of the relaxation (eV/Å)."""
        return float(self.relax_kwargs.get("fmax", ASE_DEFAULT_FMAX_EV_A))

    def _extras(self, atoms, ranks: int) -> dict:
        return {
            "engine": self.engine,
            "engine_version": _package_version(self.package),
            "parameters": self.parameters(atoms),
            "ranks": ranks,
            "level_of_theory": self.level_of_theory(),
        }

    @job(data=["trajectory"], output_schema=DftTaskDocument)
    def make(self, structure: Structure, prev_dir: str | Path | None = None) -> DftTaskDocument | Response:
        """Relax (or single-point) ``structure`` at fixed cell as a job.

        Returns
        -------
        DftTaskDocument (its ``relaxation`` says whether the forces reached ``fmax``
        within ``steps``), or a Response with a failed document (no energy) and
        ``stop_children`` when the SCF did not converge.

        Raises
        ------
        EngineCrashed
            The engine process died (signal or exit status and its last lines): a failed attempt of the job.
        """
        atoms = self.prepare(structure)
        ranks = self.ranks_to_use()
        name = self.engine
        try:
            result, props = self.execute(atoms)
        except ScfNotConverged as err:
            failed = RelaxationConvergence.scf_failed(max_steps=self.steps, fmax_ev_per_a=self.fmax_ev_per_a)
            doc = DftTaskDocument.failed(
                structure,
                calculator_name=name,
                error=str(err),
                extras={**self._extras(atoms, ranks), "relaxation": failed},
            )
            return Response(output=doc, stop_children=True)
        relaxation = RelaxationConvergence.from_ase_result(
            result, max_steps=self.steps, fmax_ev_per_a=self.fmax_ev_per_a
        )
        return DftTaskDocument.from_result(
            result,
            calculator_name=name,
            steps=self.steps,
            relax_kwargs=self.relax_kwargs,
            optimizer_kwargs=self.optimizer_kwargs,
            relax_cell=self.relax_cell,
            extras={**self._extras(atoms, ranks), "scf_converged": True, "relaxation": relaxation, **props},
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
    if not isinstance(maker, EngineMaker):
        return
    for label, structure in structures.items():
        try:
            maker.prepare(structure)
        except ValueError as err:
            raise ValueError(f"{label} ({maker.name}): {err}") from err


def engine_properties(maker, relax_job) -> dict:
    """References to the ``charges``, ``charge_method`` and ``bond_orders`` of a relax job's document.

    Each is None for Makers whose documents do not have them (atomate2's VASP Makers).
    """
    if isinstance(maker, EngineMaker):
        out = relax_job.output
        return {"charges": out.charges, "charge_method": out.charge_method, "bond_orders": out.bond_orders}
    return {"charges": None, "charge_method": None, "bond_orders": None}


def relaxation_of(maker, relax_job):
    """Reference to the ``relaxation`` convergence of a relax job's document; None (unknown) for other Makers.

    atomate2's VASP documents carry no :class:`~naspe.workflows.dft.convergence.RelaxationConvergence`:
    their parts read as unknown, never as converged.
    """
    if isinstance(maker, EngineMaker):
        return relax_job.output.relaxation
    return None
