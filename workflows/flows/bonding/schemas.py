"""The documents of a binding and a reaction calculation.

:class:`BindingDocument`: E_bind = E_complex - E_substrate - E_fragment (eV;
negative: the fragment binds), the bonds formed between fragment and substrate
(length in Å, bond order where the engine gives one: tblite Wiberg indices), the
fragment's bonds that broke, and the charge transferred (e; from the engine's
atomic charges: Hirshfeld for GPAW, Mulliken for tblite).

:class:`ReactionDocument`: E_product - E_reactant (eV) of a product state against
the intact adsorbed reactant (same atoms, same cell), with the bonds formed and
broken. The Makers that relax the states are in :mod:`naspe.workflows.flows.bonding.jobs`.

Both carry ``convergence`` (:class:`~naspe.workflows.dft.convergence.DerivedConvergence`
of their relaxations: not converged when any relaxation stopped at its step limit,
which are named), ``level_of_theory`` and ``purpose`` (screening or production). A
positive E_bind means the fragment is not bound at that geometry.

This module imports pydantic, pymatgen's core and naspe's light modules only (no jobflow,
atomate2, maggma or engine), so the result tables and any other module can import it at
the top. The jobs that write these documents (``binding_document``, ``reaction_document``)
are in :mod:`naspe.workflows.flows.bonding.jobs`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pymatgen.core import Structure

from naspe.analysis.bonds import Bond
from naspe.workflows.dft.convergence import DerivedConvergence, Purpose
from naspe.workflows.flows.common.schemas import CounterpoiseCorrection

__all__ = ["BindingDocument", "ReactionDocument"]


class BindingDocument(BaseModel):
    """Binding of one fragment at one site, with its bonds and charge transfer."""

    engine: str = Field(description="Engine of the relaxations (gpaw, tblite, vasp)")
    site: str | None = Field(None, description="Binding site name (e.g. 'vacancy', 'na110')")
    fragment: str | None = Field(None, description="Fragment name (e.g. 'dme', 'na')")
    binding_energy_eV: float = Field(
        description="The binding energy to use (eV; negative when the fragment binds): the counterpoise-corrected "
        "binding_energy_cp_eV where it was computed, else E_complex - E_substrate - E_fragment"
    )
    binding_energy_raw_eV: float | None = Field(
        None,
        description="Uncorrected E_complex - E_substrate - E_fragment (eV); None in documents stored before it was "
        "recorded (their binding_energy_eV is uncorrected)",
    )
    binding_energy_cp_eV: float | None = Field(
        None,
        description="Counterpoise-corrected binding energy (eV): binding_energy_raw_eV + counterpoise.bsse_eV; None: "
        "not computed (no localised basis: plane waves, GFN2-xTB, VASP)",
    )
    counterpoise: CounterpoiseCorrection | None = Field(
        None, description="Basis-set superposition error of the LCAO energies (Boys-Bernardi), when computed"
    )
    energy_complex_eV: float = Field(description="Relaxed complex energy (eV)")
    energy_substrate_eV: float = Field(description="Relaxed substrate energy in the complex cell (eV)")
    energy_fragment_eV: float = Field(description="Relaxed isolated fragment energy in the complex cell (eV)")
    n_substrate: int = Field(description="Substrate atoms (the first n_substrate sites)")
    n_fragment: int = Field(description="Fragment atoms")
    bonds_formed: list[Bond] = Field(
        description="Substrate-fragment bonds in the relaxed complex: kind, length (Å), order (when available)"
    )
    bonds_broken: list[Bond] = Field(
        description="Bonds of the relaxed isolated fragment absent in the relaxed complex (length Å and order there)"
    )
    interface_bonds: dict[str, int] = Field(description="Counts of substrate-fragment bonds by class")
    fragment_intact: bool = Field(description="No bond of the fragment broke on binding")
    charge_transfer_e: float | None = Field(
        None,
        description=(
            "Sum of the fragment's atomic charges in the complex minus in the isolated fragment (e); "
            "positive: the fragment gave electrons to the substrate. None without engine charges"
        ),
    )
    fragment_charge_e: float | None = Field(None, description="Sum of the fragment's atomic charges in the complex (e)")
    charge_method: str | None = Field(None, description="Charge partitioning of the engine (hirshfeld, mulliken)")
    bond_orders_available: bool = Field(description="Bond orders came from the engine (tblite Wiberg)")
    relaxed_complex: Structure = Field(description="Relaxed complex structure")
    convergence: DerivedConvergence = Field(
        default_factory=DerivedConvergence,
        description="Convergence of the energy: each relaxation (complex, substrate, fragment) and which did not "
        "converge; unknown (converged None) for documents stored before it was recorded",
    )
    level_of_theory: str | None = Field(None, description="Level of theory of the relaxations; None: not recorded")
    purpose: Purpose = Field(
        Purpose.unknown, description="screening (a ranking) or production (comparable with experiment); unknown"
    )


class ReactionDocument(BaseModel):
    """Energy of one reaction step at a surface, product vs the intact adsorbed reactant."""

    engine: str = Field(description="Engine of the relaxations (gpaw, tblite, vasp)")
    reaction: str | None = Field(None, description="Reaction name (naspe.structures.reactions.REACTIONS)")
    description: str | None = Field(None, description="What breaks and what forms")
    reaction_energy_eV: float = Field(description="E_product - E_reactant (eV); negative: the product is lower")
    energy_reactant_eV: float = Field(description="Relaxed reactant energy (eV)")
    energy_product_eV: float = Field(description="Relaxed product energy (eV)")
    n_substrate: int = Field(description="Substrate atoms (the first n_substrate sites)")
    bonds_formed: list[Bond] = Field(
        description="Bonds with a fragment atom in the relaxed product and not in the relaxed reactant (Å, order)"
    )
    bonds_broken: list[Bond] = Field(
        description="Bonds with a fragment atom in the relaxed reactant and not in the relaxed product (Å, order)"
    )
    substrate_bonds_changed: int = Field(description="Substrate-substrate bonds formed plus broken (reconstruction)")
    intended_bonds: list[tuple[int, int]] = Field(description="Atom pairs the product was built to bond")
    intended_bonds_kept: bool = Field(description="Every intended bond is still a bond in the relaxed product")
    charge_transfer_e: float | None = Field(
        None,
        description="Fragment charge in the product minus in the reactant (e, sum of atomic charges) or None",
    )
    charge_method: str | None = Field(None, description="Charge partitioning of the engine (hirshfeld, mulliken)")
    relaxed_reactant: Structure = Field(description="Relaxed reactant structure")
    relaxed_product: Structure = Field(description="Relaxed product structure")
    convergence: DerivedConvergence = Field(
        default_factory=DerivedConvergence,
        description="Convergence of the energy: each relaxation (reactant, product) and which did not converge; "
        "unknown (converged None) for documents stored before it was recorded",
    )
    level_of_theory: str | None = Field(None, description="Level of theory of the relaxations; None: not recorded")
    purpose: Purpose = Field(
        Purpose.unknown, description="screening (a ranking) or production (comparable with experiment); unknown"
    )
