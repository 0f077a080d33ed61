"""The task document of every naspe DFT / tight-binding calculation.

:class:`DftTaskDocument` extends atomate2's ``AseStructureTaskDoc`` (energy,
forces, final structure, ionic steps, force convergence) with what a reader of
an adhesion or bonding result needs to trust it: the engine and its version,
every calculator parameter, whether the electronic self-consistency converged,
atomic charges and bond orders where the engine gives them, the MPI ranks, the
level of theory, whether the relaxation converged (:class:`~naspe.workflows.dft.convergence.RelaxationConvergence`:
final fmax in eV/Å, steps against the step limit, SCF), and for a failed calculation
the error, with no energy at all (so that a failed SCF can never be mistaken for a
result). A document stored before ``relaxation`` existed loads with None: unknown,
never converged.
"""

from __future__ import annotations

from typing import Any

from atomate2.ase.schemas import AseResult, AseStructureTaskDoc, AseTaskDoc
from emmet.core.types.enums import StoreTrajectoryOption, TaskState
from pydantic import Field
from pymatgen.core import Structure

from naspe.workflows.dft.convergence import RelaxationConvergence

__all__ = ["DftTaskDocument", "EngineExtras"]

#: what an engine run adds to atomate2's result (see :meth:`DftTaskDocument.from_result`)
EngineExtras = dict[str, Any]


class DftTaskDocument(AseStructureTaskDoc):
    """One GPAW / tblite calculation: atomate2's ASE document plus engine facts."""

    engine: str = Field(description="Engine: gpaw or tblite")
    engine_version: str = Field(description="Version of the engine's Python package")
    parameters: dict[str, Any] = Field(
        description="All calculator parameters (energies eV, lengths Å, k-point density per Å^-1), dispersion included"
    )
    scf_converged: bool = Field(description="Electronic self-consistency converged in every ionic step")
    ranks: int = Field(1, description="MPI ranks the engine ran on")
    charges: list[float] | None = Field(
        None, description="Atomic charges (e; positive = electron loss) of the final structure"
    )
    charge_method: str | None = Field(None, description="How the charges were partitioned: hirshfeld or mulliken")
    bond_orders: list[tuple[int, int, float]] | None = Field(
        None, description="Wiberg bond orders (i < j, order >= 0.1) of the final structure (tblite)"
    )
    error: str | None = Field(None, description="Why the calculation failed; None when it succeeded")
    relaxation: RelaxationConvergence | None = Field(
        None,
        description="Convergence of the relaxation or single point (final fmax eV/Å, steps, step limit, SCF); "
        "None: not recorded (unknown)",
    )
    level_of_theory: str | None = Field(
        None, description="Method, dispersion, basis and k-points in words (engine registry); None: not recorded"
    )

    @classmethod
    def from_result(
        cls,
        result: AseResult,
        *,
        calculator_name: str,
        steps: int,
        relax_kwargs: dict,
        optimizer_kwargs: dict,
        relax_cell: bool,
        extras: EngineExtras,
        tags: list[str] | None = None,
    ) -> DftTaskDocument:
        """Document of a finished calculation (atomate2's fields plus ``extras``)."""
        base = AseTaskDoc.to_mol_or_struct_metadata_doc(
            calculator_name,
            result,
            steps,
            relax_kwargs=relax_kwargs,
            optimizer_kwargs=optimizer_kwargs,
            relax_cell=relax_cell,
            relax_shape=False,
            store_trajectory=StoreTrajectoryOption.NO,
            tags=tags,
        )
        return cls(**dict(base), **extras)

    @classmethod
    def failed(cls, structure: Structure, *, calculator_name: str, error: str, extras: EngineExtras) -> DftTaskDocument:
        """Document of a calculation that did not finish: the input structure, no energy, the error."""
        return cls(
            structure=structure,
            ase_calculator_name=calculator_name,
            state=TaskState.FAILED,
            error=error,
            **{"scf_converged": False, **extras},
        )
