"""The documents of a binding and a reaction calculation, and the jobs that write them.

:class:`BindingDocument`: E_bind = E_complex - E_substrate - E_fragment (eV;
negative: the fragment binds), the bonds formed between fragment and substrate
(length in Å, bond order where the engine gives one: tblite Wiberg indices), the
fragment's bonds that broke, and the charge transferred (e; from the engine's
atomic charges: Hirshfeld for GPAW, Mulliken for tblite).

:class:`ReactionDocument`: E_product - E_reactant (eV) of a product state against
the intact adsorbed reactant (same atoms, same cell), with the bonds formed and
broken. The Makers that relax the states are in :mod:`naspe.workflows.flows.bonding`.

Both carry ``convergence`` (:class:`~naspe.workflows.dft.convergence.DerivedConvergence`
of their relaxations: not converged when any relaxation stopped at its step limit,
which are named), ``level_of_theory`` and ``purpose`` (screening or production). A
positive E_bind means the fragment is not bound at that geometry.
"""

from __future__ import annotations

import numpy as np
from jobflow import Response, job
from pydantic import BaseModel, Field
from pymatgen.core import Structure

from naspe.analysis.bonds import Bond, find_bonds, order_matrix
from naspe.workflows.dft.convergence import DerivedConvergence, Purpose
from naspe.workflows.flows.counterpoise import CounterpoiseCorrection

__all__ = ["BindingDocument", "ReactionDocument", "binding_document", "reaction_document"]


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


def _atoms(structure: Structure):
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.constraints = []
    return atoms


def _order_matrix(n: int, bond_orders: list | None) -> np.ndarray | None:
    """Dense (n, n) bond-order matrix from ``(i, j, order)`` triples, or None without orders."""
    return None if bond_orders is None else order_matrix(n, bond_orders)


def _energy(value: float | None, label: str) -> float:
    if value is None or not np.isfinite(value):
        raise ValueError(f"the {label} relaxation gave no finite energy ({value!r}); see its engine document")
    return float(value)


@job(output_schema=BindingDocument)
def binding_document(
    energy_complex_eV: float,
    energy_substrate_eV: float,
    energy_fragment_eV: float,
    relaxed_complex: Structure,
    relaxed_fragment: Structure,
    n_substrate: int,
    engine: str,
    site: str | None = None,
    fragment: str | None = None,
    complex_charges: list[float] | None = None,
    fragment_charges: list[float] | None = None,
    charge_method: str | None = None,
    complex_bond_orders: list[tuple[int, int, float]] | None = None,
    fragment_bond_orders: list[tuple[int, int, float]] | None = None,
    counterpoise: CounterpoiseCorrection | dict | None = None,
    convergence_parts: dict | None = None,
    level_of_theory: str | None = None,
    purpose: Purpose | str = Purpose.unknown,
) -> Response:
    """Binding energy (eV), bonds formed/broken and charge transfer (e) from the three relaxations.

    ``counterpoise``: the BSSE of the LCAO energies; the binding energy used is then corrected.

    ``convergence_parts``: label -> the ``relaxation`` of each relaxation (None: unknown).
    """
    e_c = _energy(energy_complex_eV, "complex")
    e_s = _energy(energy_substrate_eV, "substrate")
    e_f = _energy(energy_fragment_eV, "fragment")
    n = len(relaxed_complex)
    after = _atoms(relaxed_complex)
    bonds = find_bonds(after, bond_orders=_order_matrix(n, complex_bond_orders)).bonds
    across = [b for b in bonds if (b.i < n_substrate) != (b.j < n_substrate)]
    inside = {(b.i, b.j) for b in bonds if b.i >= n_substrate and b.j >= n_substrate}
    # the isolated fragment, indexed as in the complex (offset n_substrate)
    frag_atoms = _atoms(relaxed_fragment)
    iso = find_bonds(frag_atoms, bond_orders=_order_matrix(len(frag_atoms), fragment_bond_orders)).bonds
    broken = [
        b.model_copy(update={"i": b.i + n_substrate, "j": b.j + n_substrate})
        for b in iso
        if (b.i + n_substrate, b.j + n_substrate) not in inside
    ]
    counts: dict[str, int] = {}
    for b in across:
        counts[b.kind] = counts.get(b.kind, 0) + 1
    q_frag = q_transfer = None
    if complex_charges is not None:
        q_frag = float(np.sum(complex_charges[n_substrate:]))
        if fragment_charges is not None:
            q_transfer = q_frag - float(np.sum(fragment_charges))
    raw = e_c - e_s - e_f
    cp = None if counterpoise is None else CounterpoiseCorrection.model_validate(counterpoise)
    doc = BindingDocument(
        engine=engine,
        site=site,
        fragment=fragment,
        binding_energy_eV=raw if cp is None else raw + cp.bsse_eV,
        binding_energy_raw_eV=raw,
        binding_energy_cp_eV=None if cp is None else raw + cp.bsse_eV,
        counterpoise=cp,
        energy_complex_eV=e_c,
        energy_substrate_eV=e_s,
        energy_fragment_eV=e_f,
        n_substrate=n_substrate,
        n_fragment=n - n_substrate,
        bonds_formed=across,
        bonds_broken=broken,
        interface_bonds=dict(sorted(counts.items())),
        fragment_intact=not broken,
        charge_transfer_e=q_transfer,
        fragment_charge_e=q_frag,
        charge_method=charge_method if complex_charges is not None else None,
        bond_orders_available=complex_bond_orders is not None,
        relaxed_complex=relaxed_complex,
        convergence=DerivedConvergence.from_parts(convergence_parts or {}),
        level_of_theory=level_of_theory,
        purpose=Purpose(purpose),
    )
    return Response(output=doc)


@job(output_schema=ReactionDocument)
def reaction_document(
    energy_reactant_eV: float,
    energy_product_eV: float,
    relaxed_reactant: Structure,
    relaxed_product: Structure,
    n_substrate: int,
    engine: str,
    reaction: str | None = None,
    description: str | None = None,
    intended_bonds: list[tuple[int, int]] | None = None,
    reactant_charges: list[float] | None = None,
    product_charges: list[float] | None = None,
    charge_method: str | None = None,
    reactant_bond_orders: list[tuple[int, int, float]] | None = None,
    product_bond_orders: list[tuple[int, int, float]] | None = None,
    convergence_parts: dict | None = None,
    level_of_theory: str | None = None,
    purpose: Purpose | str = Purpose.unknown,
) -> Response:
    """Reaction energy (eV) and the bonds formed and broken between the relaxed reactant and product.

    ``convergence_parts``: label -> the ``relaxation`` of each relaxation (None: unknown).
    """
    e_r = _energy(energy_reactant_eV, "reactant")
    e_p = _energy(energy_product_eV, "product")
    n = len(relaxed_reactant)
    before = find_bonds(_atoms(relaxed_reactant), bond_orders=_order_matrix(n, reactant_bond_orders)).bonds
    after = find_bonds(_atoms(relaxed_product), bond_orders=_order_matrix(n, product_bond_orders)).bonds
    p0, p1 = {(b.i, b.j) for b in before}, {(b.i, b.j) for b in after}
    formed = [b for b in after if (b.i, b.j) not in p0]
    broken = [b for b in before if (b.i, b.j) not in p1]

    def touches(b: Bond) -> bool:
        return b.i >= n_substrate or b.j >= n_substrate

    intended = [tuple(sorted((int(i), int(j)))) for i, j in (intended_bonds or [])]
    q = None
    if reactant_charges is not None and product_charges is not None:
        q = float(np.sum(product_charges[n_substrate:]) - np.sum(reactant_charges[n_substrate:]))
    doc = ReactionDocument(
        engine=engine,
        reaction=reaction,
        description=description,
        reaction_energy_eV=e_p - e_r,
        energy_reactant_eV=e_r,
        energy_product_eV=e_p,
        n_substrate=n_substrate,
        bonds_formed=[b for b in formed if touches(b)],
        bonds_broken=[b for b in broken if touches(b)],
        substrate_bonds_changed=sum(not touches(b) for b in formed + broken),
        intended_bonds=intended,
        intended_bonds_kept=all(p in p1 for p in intended),
        charge_transfer_e=q,
        charge_method=charge_method if q is not None else None,
        relaxed_reactant=relaxed_reactant,
        relaxed_product=relaxed_product,
        convergence=DerivedConvergence.from_parts(convergence_parts or {}),
        level_of_theory=level_of_theory,
        purpose=Purpose(purpose),
    )
    return Response(output=doc)
