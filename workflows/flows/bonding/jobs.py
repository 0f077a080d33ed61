"""The jobs of the bonding protocol: the binding and reaction documents from the relaxed parts' energies.

:func:`binding_document` computes

    E_bind = E_complex - E_substrate - E_fragment     (eV; negative: the fragment binds)

with the bonds formed and broken (lengths in Å) and the charge transferred (e);
:func:`reaction_document` computes ``E_product - E_reactant`` (eV) with the bonds
formed and broken. Both carry the convergence of the relaxations they read, their
level of theory and purpose; the binding document also carries the counterpoise
correction where the engine has a localised basis. The Makers that make these jobs are in
:mod:`naspe.workflows.flows.bonding.makers`.
"""

from __future__ import annotations

import numpy as np
from jobflow import Response, job
from pymatgen.core import Structure

from naspe.analysis.bonds import Bond, find_bonds, order_matrix
from naspe.workflows.dft.convergence import DerivedConvergence, Purpose
from naspe.workflows.flows.bonding.schemas import BindingDocument, ReactionDocument
from naspe.workflows.flows.common.schemas import CounterpoiseCorrection

__all__ = ["binding_document", "reaction_document"]


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
