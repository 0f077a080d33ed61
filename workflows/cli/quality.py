"""What ``naspe adhesion`` and ``naspe bonding`` print: typed summaries, and how far each number can be trusted.

:class:`Quality` is the block their ``--json`` output (and ``adhesion.json`` /
``bonding.json``) carries next to the number: convergence (every relaxation's
final fmax in eV/Å, steps against the step limit, SCF, and which did not
converge), level of theory, purpose (screening or production) and the engine's
limits from the registry; :meth:`Quality.verdict` is the line the plain output
prints after the number when it is not converged or is a screening result. The
summaries (:class:`AdhesionSummary`, :class:`BindingSummary` with its
:class:`ReactionSummary`) are built from the flows' documents
(:class:`~naspe.workflows.flows.adhesion.schemas.AdhesionDocument`,
:class:`~naspe.workflows.flows.bonding.schemas.BindingDocument`,
:class:`~naspe.workflows.flows.bonding.schemas.ReactionDocument`), read as their classes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, Field, field_serializer

from naspe.analysis.uber import UberFit
from naspe.workflows.dft.convergence import DerivedConvergence

D = TypeVar("D", bound=BaseModel)

if TYPE_CHECKING:
    from naspe.analysis.bonds import Bond
    from naspe.workflows.flows.adhesion.schemas import AdhesionDocument
    from naspe.workflows.flows.bonding.schemas import BindingDocument, ReactionDocument

__all__ = ["Quality", "BondRow", "AdhesionSummary", "BindingSummary", "ReactionSummary", "read_document"]


def read_document(output: dict[str, Any], doc_cls: type[D], where: Path) -> D:
    """A flow's stored output read as ``doc_cls``; ValueError in one line when it is not one (an older naspe's)."""
    from pydantic import ValidationError

    from naspe.workflows.results.typed_read import reading_model

    try:
        return reading_model(doc_cls).model_validate(output)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(x) for x in first["loc"])
        raise ValueError(
            f"{where}: the stored result is not a {doc_cls.__name__} this naspe reads ({field}: {first['msg']}); "
            "run again with another --out"
        ) from None


class Quality(BaseModel):
    """Convergence, level of theory, purpose and engine limits of one number (W_adh, E_bind, a reaction energy)."""

    converged: bool | None = Field(description="Every relaxation behind the number converged; None: unknown")
    convergence: DerivedConvergence = Field(description="Each relaxation's convergence and which did not converge")
    level_of_theory: str | None = Field(description="Level of theory of the relaxations; None: not recorded")
    purpose: str = Field(description="'screening', 'production' or 'unknown'")
    engine_limits: list[str] = Field(description="The engine's known limits (registry), one line each")

    @field_serializer("convergence")
    def _convergence_json(self, value: DerivedConvergence) -> dict[str, Any]:
        return value.as_json()  # with its status and one-line summary

    @staticmethod
    def fields_of(doc: AdhesionDocument | BindingDocument | ReactionDocument) -> dict[str, Any]:
        """The quality fields of a flow's document (the keyword arguments of a summary)."""
        from naspe.workflows.dft.registry import ENGINES
        from naspe.workflows.results.store_reader import purpose_of  # the tables' rule: one rule

        spec = ENGINES.get(doc.engine)
        return {
            "converged": doc.convergence.converged,
            "convergence": doc.convergence,
            "level_of_theory": doc.level_of_theory,
            "purpose": purpose_of(doc.purpose),
            "engine_limits": list(spec.known_limits.lines()) if spec is not None else [],
        }

    def verdict(self) -> str | None:
        """'NOT CONVERGED: ...' / 'convergence unknown: ...' and 'screening result' as one line; None if neither."""
        parts = []
        summary = self.convergence.summary()
        if self.converged is False:
            parts.append("NOT CONVERGED: " + summary.removeprefix("not converged: "))
        elif self.converged is None:
            parts.append(f"convergence {summary}")
        if self.purpose != "production":
            parts.append(f"{self.purpose} result ({self.level_of_theory or 'level of theory not recorded'})")
        return "; ".join(parts) or None


class BondRow(BaseModel):
    """One bond as the summaries list it: class, length (Å), engine bond order, the two atom indices."""

    kind: str = Field(description="Class, e.g. 'C=O', 'Na-O'")
    length_angstrom: float = Field(description="Bond length (Å)")
    order: float | None = Field(description="Bond order from the engine (tblite Wiberg); None: not available")
    atoms: tuple[int, int] = Field(description="Indices of the two atoms in the relaxed cell")

    @classmethod
    def of(cls, bond: Bond) -> BondRow:
        """The row of a document's bond."""
        return cls(kind=bond.kind, length_angstrom=bond.length_angstrom, order=bond.order, atoms=(bond.i, bond.j))


class AdhesionSummary(Quality):
    """``naspe adhesion``'s result: the work of adhesion (J/m², counterpoise-corrected where computed) and its bonds."""

    substrate: str = Field(description="Substrate name as given")
    film: str = Field(description="Film name as given")
    engine: str = Field(description="Engine of the relaxations")
    w_adh_J_m2: float = Field(description="The work of adhesion to use (J/m²): the corrected one where computed")
    w_adh_eV_A2: float = Field(description="w_adh_J_m2 in eV/Å²")
    counterpoise_corrected: bool = Field(description="w_adh_J_m2 is the counterpoise-corrected value")
    w_adh_raw_J_m2: float | None = Field(description="Uncorrected W_adh (J/m²)")
    w_adh_cp_J_m2: float | None = Field(description="Counterpoise-corrected W_adh (J/m²); None: not computed")
    area_angstrom2: float = Field(description="Interface area (Å²)")
    strain: float = Field(description="In-plane strain of the film (fraction)")
    bonds_formed: list[BondRow] = Field(description="Bonds formed on relaxing the interface")
    interface_bonds: dict[str, int] = Field(description="Substrate-film bonds by class")
    film_intact: bool = Field(description="No bond inside the film broke")
    uber: UberFit | None = Field(description="UBER fit of the separation scan, when one ran")
    reused_calculations: int = Field(description="Calculations reused from an earlier run in the same --out")
    run_dir: str = Field(description="The run directory (--out)")
    filed_in: str | None = Field(description="The data directory the documents were filed in (--save), or None")

    @classmethod
    def of(cls, doc: AdhesionDocument, substrate: str, film: str, **run: Any) -> AdhesionSummary:
        """The summary of an adhesion flow's document; ``run``: reused_calculations, run_dir, filed_in."""
        return cls(
            substrate=substrate,
            film=film,
            engine=doc.engine,
            w_adh_J_m2=doc.w_adh_J_m2,
            w_adh_eV_A2=doc.w_adh_eV_A2,
            counterpoise_corrected=doc.w_adh_cp_J_m2 is not None,
            w_adh_raw_J_m2=doc.w_adh_raw_J_m2,
            w_adh_cp_J_m2=doc.w_adh_cp_J_m2,
            area_angstrom2=doc.area_angstrom2,
            strain=doc.strain,
            bonds_formed=[BondRow.of(b) for b in doc.bonds_formed],
            interface_bonds=doc.interface_bonds,
            film_intact=doc.film_intact,
            uber=doc.uber,
            **Quality.fields_of(doc),
            **run,
        )


class ReactionSummary(Quality):
    """The reaction energy (eV) of ``naspe bonding --reaction`` and its bonds."""

    name: str = Field(description="Reaction name")
    description: str | None = Field(description="What breaks and what forms")
    reaction_energy_eV: float = Field(description="E_product - E_reactant (eV); negative: the product is lower")
    bonds_formed: list[BondRow] = Field(description="Bonds formed in the relaxed product")
    bonds_broken: list[BondRow] = Field(description="Bonds broken in the relaxed product")
    intended_bonds_kept: bool = Field(description="Every intended bond is still a bond in the relaxed product")
    charge_transfer_e: float | None = Field(description="Charge transfer of the product (e); None without charges")

    @classmethod
    def of(cls, doc: ReactionDocument, name: str) -> ReactionSummary:
        """The summary of a reaction flow's document."""
        return cls(
            name=name,
            description=doc.description,
            reaction_energy_eV=doc.reaction_energy_eV,
            bonds_formed=[BondRow.of(b) for b in doc.bonds_formed],
            bonds_broken=[BondRow.of(b) for b in doc.bonds_broken],
            intended_bonds_kept=doc.intended_bonds_kept,
            charge_transfer_e=doc.charge_transfer_e,
            **Quality.fields_of(doc),
        )


class BindingSummary(Quality):
    """``naspe bonding``'s result: the binding energy (eV) of a fragment at a site, its bonds and charge transfer."""

    site: str = Field(description="Binding site name")
    fragment: str = Field(description="Fragment name")
    engine: str = Field(description="Engine of the relaxations")
    binding_energy_eV: float = Field(description="Binding energy (eV; negative: binds), corrected where computed")
    energy_complex_eV: float = Field(description="Relaxed complex energy (eV)")
    energy_substrate_eV: float = Field(description="Relaxed substrate energy (eV)")
    energy_fragment_eV: float = Field(description="Relaxed fragment energy (eV)")
    n_substrate: int = Field(description="Substrate atoms")
    n_fragment: int = Field(description="Fragment atoms")
    bonds_formed: list[BondRow] = Field(description="Substrate-fragment bonds in the relaxed complex")
    bonds_broken: list[BondRow] = Field(description="Fragment bonds broken on binding")
    interface_bonds: dict[str, int] = Field(description="Substrate-fragment bonds by class")
    fragment_intact: bool = Field(description="No bond of the fragment broke on binding")
    charge_transfer_e: float | None = Field(description="Charge the fragment gave the substrate (e); None: no charges")
    fragment_charge_e: float | None = Field(description="Sum of the fragment's atomic charges in the complex (e)")
    charge_method: str | None = Field(description="Charge partitioning of the engine (hirshfeld, mulliken)")
    run_dir: str = Field(description="The run directory (--out)")
    filed_in: str | None = Field(description="The data directory the documents were filed in (--save), or None")
    reaction: ReactionSummary | None = Field(None, description="The reaction asked for with --reaction, or None")

    @classmethod
    def of(cls, doc: BindingDocument, site: str, fragment: str, **run: Any) -> BindingSummary:
        """The summary of a binding flow's document; ``run``: run_dir, filed_in and the reaction's summary."""
        return cls(
            site=site,
            fragment=fragment,
            engine=doc.engine,
            binding_energy_eV=doc.binding_energy_eV,
            energy_complex_eV=doc.energy_complex_eV,
            energy_substrate_eV=doc.energy_substrate_eV,
            energy_fragment_eV=doc.energy_fragment_eV,
            n_substrate=doc.n_substrate,
            n_fragment=doc.n_fragment,
            bonds_formed=[BondRow.of(b) for b in doc.bonds_formed],
            bonds_broken=[BondRow.of(b) for b in doc.bonds_broken],
            interface_bonds=doc.interface_bonds,
            fragment_intact=doc.fragment_intact,
            charge_transfer_e=doc.charge_transfer_e,
            fragment_charge_e=doc.fragment_charge_e,
            charge_method=doc.charge_method,
            **Quality.fields_of(doc),
            **run,
        )
