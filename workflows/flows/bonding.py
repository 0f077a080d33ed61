"""Binding and reaction energies of PEO / NaFSI fragments at carbon and Na sites, with the bonds they make.

:class:`BaseBindingMaker` (in the way of :class:`~naspe.workflows.flows.adhesion.BaseAdhesionMaker`)
splits a complex (substrate + fragment) into its substrate and fragment, both
kept in the complex's cell, relaxes the three and computes

    E_bind = E_complex - E_substrate - E_fragment     (eV; negative: the fragment binds)

It names the bonds formed between fragment and substrate (length in Å, bond
order where the engine gives one: tblite Wiberg indices), the bonds of the
fragment that broke, and the charge transferred (e; from the engine's atomic
charges: Hirshfeld for GPAW, Mulliken for tblite).

:class:`BaseReactionMaker` relaxes a reactant (the intact adsorbed fragment) and a
product with the same atoms in the same cell (see :mod:`naspe.structures.reactions`)
and computes ``E_product - E_reactant`` (eV) with the bonds formed and broken.

A calculation that fails (SCF not converged) leaves a failed engine document
(with its error) and stops the document job: no binding or reaction document is
written. Bad inputs (atoms closer than 0.7 Å, mismatched reactant/product,
n_substrate out of range, and what the engine Maker refuses: too little vacuum
for GPAW, initial moments without spin polarisation) raise ValueError in
``make``, before any calculation.

Reference values (checked by tests/test_bonding.py): a Na adatom on graphene
prefers the hollow site, binds by roughly -0.5 to -1 eV against the isolated
atom in PBE(-D) and gives ~0.5-0.9 e to the sheet (Chan, Neaton & Cohen,
Phys. Rev. B 77 (2008) 235430; Nakada & Ishii, Solid State Commun. 151 (2011) 13).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from jobflow import Flow, Maker, Response, job
from pydantic import BaseModel, Field
from pymatgen.core import Structure

from naspe.analysis.bonds import Bond, find_bonds, order_matrix
from naspe.workflows.dft.engines import GpawRelaxMaker, TbliteRelaxMaker, check_inputs, vasp_slab_relax_maker

__all__ = [
    "BindingDocument",
    "ReactionDocument",
    "BaseBindingMaker",
    "GpawBindingMaker",
    "TbliteBindingMaker",
    "VaspBindingMaker",
    "BaseReactionMaker",
    "GpawReactionMaker",
    "TbliteReactionMaker",
    "VaspReactionMaker",
    "BindingSetMaker",
    "split_complex",
    "bonding_flows",
    "binding_document",
    "reaction_document",
    "MIN_DISTANCE_ANGSTROM",
]

MIN_DISTANCE_ANGSTROM = 0.7  # Å: closer nuclei are a building error


class BindingDocument(BaseModel):
    """Binding of one fragment at one site, with its bonds and charge transfer."""

    engine: str = Field(description="Engine of the relaxations (gpaw, tblite, vasp)")
    site: str | None = Field(None, description="Binding site name (e.g. 'vacancy', 'na110')")
    fragment: str | None = Field(None, description="Fragment name (e.g. 'dme', 'na')")
    binding_energy_eV: float = Field(
        description="E_complex - E_substrate - E_fragment (eV); negative when the fragment binds"
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


def _check_structure(structure: Structure, label: str) -> None:
    d = structure.distance_matrix
    np.fill_diagonal(d, np.inf)
    if len(structure) > 1 and d.min() < MIN_DISTANCE_ANGSTROM:
        i, j = np.unravel_index(np.argmin(d), d.shape)
        raise ValueError(
            f"{label}: atoms {i} ({structure[i].specie}) and {j} ({structure[j].specie}) are {d[i, j]:.2f} Å apart "
            f"(< {MIN_DISTANCE_ANGSTROM} Å); fix the structure"
        )


def _fixed_bottom(structure: Structure, n_substrate: int, fix_bottom_angstrom: float) -> list[bool]:
    z = structure.cart_coords[:, 2]
    z_min = z[:n_substrate].min()
    return [bool(k < n_substrate and z[k] < z_min + fix_bottom_angstrom) for k in range(len(structure))]


def _clean(structure: Structure, fixed: list[bool]) -> Structure:
    """Copy of ``structure`` with only ``magmom`` (if any) and the fixed atoms as ``selective_dynamics``."""
    props = {"selective_dynamics": [[not f] * 3 for f in fixed]}
    if "magmom" in structure.site_properties:
        props["magmom"] = list(structure.site_properties["magmom"])
    return Structure(
        structure.lattice, structure.species, structure.cart_coords, coords_are_cartesian=True, site_properties=props
    )


def split_complex(
    complex_structure: Structure, n_substrate: int, fix_bottom_angstrom: float
) -> tuple[Structure, Structure, Structure]:
    """Complex, substrate and fragment in the complex's cell, substrate bottom fixed, magnetic moments kept.

    Raises
    ------
    ValueError
        ``n_substrate`` outside 1..len-1, or atoms closer than :data:`MIN_DISTANCE_ANGSTROM`.
    """
    if not 0 < n_substrate < len(complex_structure):
        raise ValueError(
            f"n_substrate={n_substrate}: must be between 1 and {len(complex_structure) - 1} (the complex size - 1)"
        )
    _check_structure(complex_structure, "complex")
    whole = _clean(complex_structure, _fixed_bottom(complex_structure, n_substrate, fix_bottom_angstrom))
    substrate = Structure.from_sites(whole.sites[:n_substrate])
    fragment = Structure.from_sites(whole.sites[n_substrate:])
    return whole, substrate, fragment


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
) -> Response:
    """Binding energy (eV), bonds formed/broken and charge transfer (e) from the three relaxations."""
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
    doc = BindingDocument(
        engine=engine,
        site=site,
        fragment=fragment,
        binding_energy_eV=e_c - e_s - e_f,
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
) -> Response:
    """Reaction energy (eV) and the bonds formed and broken between the relaxed reactant and product."""
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
    )
    return Response(output=doc)


def _extras(relax_job, wanted: bool) -> dict:
    """References to the engine document's charges and bond orders (naspe engines only)."""
    if not wanted:
        return {"charges": None, "bond_orders": None, "charge_method": None}
    return {
        "charges": relax_job.output.charges,
        "bond_orders": relax_job.output.bond_orders,
        "charge_method": relax_job.output.charge_method,
    }


def _engine_properties(relax_maker: Maker) -> bool:
    """True when the relax maker writes naspe's engine document (charges, bond orders)."""
    return callable(getattr(relax_maker, "properties", None))


@dataclass
class BaseBindingMaker(Maker):
    """Binding energy of a fragment on a substrate with any relax Maker.

    Parameters
    ----------
    name
        Flow name.
    relax_maker
        Maker whose ``make(structure)`` relaxes at fixed cell; its output has
        ``output.energy`` (eV) and ``structure``, and for naspe's engines
        ``charges`` (e), ``charge_method`` and ``bond_orders``.
    fix_bottom_angstrom
        Substrate atoms within this distance (Å) of its lowest atom stay fixed.
    engine
        Engine label recorded in the document.
    """

    name: str = "binding"
    relax_maker: Maker = field(default_factory=GpawRelaxMaker)
    fix_bottom_angstrom: float = 1.0
    engine: str = "gpaw"

    def make(
        self, complex_structure: Structure, n_substrate: int, site: str | None = None, fragment: str | None = None
    ) -> Flow:
        """Flow: relax substrate, fragment (both in the complex's cell) and complex, then the binding document.

        Parameters
        ----------
        complex_structure
            Substrate (first ``n_substrate`` sites) plus fragment, in one cell (Å).
            A ``magmom`` site property (μB) sets initial moments (an open-shell Na atom).
        n_substrate
            Number of substrate sites.
        site, fragment
            Labels recorded in the document.
        """
        whole, substrate, frag = split_complex(complex_structure, n_substrate, self.fix_bottom_angstrom)
        check_inputs(self.relax_maker, {"substrate": substrate, "fragment": frag, "complex": whole})
        jobs = {}
        for label, structure in (("substrate", substrate), ("fragment", frag), ("complex", whole)):
            j = self.relax_maker.make(structure)
            j.name = f"{self.name} {label} relax"
            jobs[label] = j
        props = _engine_properties(self.relax_maker)
        c, f = _extras(jobs["complex"], props), _extras(jobs["fragment"], props)
        doc = binding_document(
            jobs["complex"].output.output.energy,
            jobs["substrate"].output.output.energy,
            jobs["fragment"].output.output.energy,
            jobs["complex"].output.structure,
            jobs["fragment"].output.structure,
            n_substrate,
            self.engine,
            site=site,
            fragment=fragment,
            complex_charges=c["charges"],
            fragment_charges=f["charges"],
            charge_method=c["charge_method"],
            complex_bond_orders=c["bond_orders"],
            fragment_bond_orders=f["bond_orders"],
        )
        doc.name = f"{self.name} binding energy"
        return Flow([*jobs.values(), doc], output=doc.output, name=self.name)


@dataclass
class GpawBindingMaker(BaseBindingMaker):
    """Binding energy with GPAW (PBE + D3(BJ), Hirshfeld charges)."""

    name: str = "GPAW binding"
    relax_maker: Maker = field(default_factory=GpawRelaxMaker)
    engine: str = "gpaw"


@dataclass
class TbliteBindingMaker(BaseBindingMaker):
    """Binding energy with GFN2-xTB (Mulliken charges, Wiberg bond orders; screening)."""

    name: str = "GFN2-xTB binding"
    relax_maker: Maker = field(default_factory=TbliteRelaxMaker)
    engine: str = "tblite"


@dataclass
class VaspBindingMaker(BaseBindingMaker):
    """Binding energy with VASP (PBE + D3(BJ), dipole correction) through atomate2; no charges or orders."""

    name: str = "VASP binding"
    relax_maker: Maker = field(default_factory=vasp_slab_relax_maker)
    engine: str = "vasp"


@dataclass
class BaseReactionMaker(Maker):
    """Reaction energy of a product state against the intact adsorbed reactant, with any relax Maker.

    Parameters
    ----------
    name
        Flow name.
    relax_maker
        Maker whose ``make(structure)`` relaxes at fixed cell (see :class:`BaseBindingMaker`).
    fix_bottom_angstrom
        Substrate atoms within this distance (Å) of its lowest atom stay fixed.
    engine
        Engine label recorded in the document.
    """

    name: str = "reaction"
    relax_maker: Maker = field(default_factory=GpawRelaxMaker)
    fix_bottom_angstrom: float = 1.0
    engine: str = "gpaw"

    def make(
        self,
        reactant: Structure,
        product: Structure,
        n_substrate: int,
        reaction: str | None = None,
        description: str | None = None,
        intended_bonds: list[tuple[int, int]] | None = None,
    ) -> Flow:
        """Flow: relax reactant and product (independent), then the reaction document.

        Raises
        ------
        ValueError
            Reactant and product differ in atoms, order or cell; atoms too close; bad ``n_substrate``.
        """
        if [str(s) for s in reactant.species] != [str(s) for s in product.species]:
            raise ValueError("reactant and product must have the same atoms in the same order")
        if not np.allclose(reactant.lattice.matrix, product.lattice.matrix, atol=1e-6):
            raise ValueError("reactant and product must share one cell (energies in different cells do not compare)")
        r_whole, _, _ = split_complex(reactant, n_substrate, self.fix_bottom_angstrom)
        _check_structure(product, "product")
        p_whole = _clean(product, _fixed_bottom(reactant, n_substrate, self.fix_bottom_angstrom))
        if "magmom" not in product.site_properties and "magmom" in reactant.site_properties:
            p_whole.add_site_property("magmom", list(reactant.site_properties["magmom"]))
        check_inputs(self.relax_maker, {"reactant": r_whole, "product": p_whole})
        jobs = {}
        for label, structure in (("reactant", r_whole), ("product", p_whole)):
            j = self.relax_maker.make(structure)
            j.name = f"{self.name} {label} relax"
            jobs[label] = j
        props = _engine_properties(self.relax_maker)
        r, p = _extras(jobs["reactant"], props), _extras(jobs["product"], props)
        doc = reaction_document(
            jobs["reactant"].output.output.energy,
            jobs["product"].output.output.energy,
            jobs["reactant"].output.structure,
            jobs["product"].output.structure,
            n_substrate,
            self.engine,
            reaction=reaction,
            description=description,
            intended_bonds=intended_bonds,
            reactant_charges=r["charges"],
            product_charges=p["charges"],
            charge_method=p["charge_method"],
            reactant_bond_orders=r["bond_orders"],
            product_bond_orders=p["bond_orders"],
        )
        doc.name = f"{self.name} reaction energy"
        return Flow([*jobs.values(), doc], output=doc.output, name=self.name)


@dataclass
class GpawReactionMaker(BaseReactionMaker):
    """Reaction energy with GPAW (PBE + D3(BJ))."""

    name: str = "GPAW reaction"
    relax_maker: Maker = field(default_factory=GpawRelaxMaker)
    engine: str = "gpaw"


@dataclass
class TbliteReactionMaker(BaseReactionMaker):
    """Reaction energy with GFN2-xTB (screening)."""

    name: str = "GFN2-xTB reaction"
    relax_maker: Maker = field(default_factory=TbliteRelaxMaker)
    engine: str = "tblite"


@dataclass
class VaspReactionMaker(BaseReactionMaker):
    """Reaction energy with VASP through atomate2."""

    name: str = "VASP reaction"
    relax_maker: Maker = field(default_factory=vasp_slab_relax_maker)
    engine: str = "vasp"


@dataclass
class BindingSetMaker(Maker):
    """Binding energies of every fragment at every site (one binding flow each).

    Parameters
    ----------
    name
        Flow name.
    binding_maker
        The per-complex maker (engine and relax settings).
    sites, fragments
        Names from :data:`naspe.structures.fragments.SITES` and ``FRAGMENTS``.
    """

    name: str = "binding set"
    binding_maker: BaseBindingMaker = field(default_factory=GpawBindingMaker)
    sites: tuple[str, ...] = ("graphene", "vacancy", "edge", "oxidised", "na110")
    fragments: tuple[str, ...] = ("dme",)

    def make(self) -> Flow:
        """Flow of one binding flow per (site, fragment); its output maps ``"site/fragment"`` to each document."""
        from naspe.structures.fragments import binding_complex, placement_structure

        flows = {}
        for site in self.sites:
            for frag in self.fragments:
                placed = binding_complex(site, frag)
                flows[f"{site}/{frag}"] = self.binding_maker.make(
                    placement_structure(placed.atoms, placed.magmoms), placed.n_substrate, site=site, fragment=frag
                )
        return Flow(list(flows.values()), output={k: f.output for k, f in flows.items()}, name=self.name)


def bonding_flows(
    site: str,
    fragment: str,
    engine: str,
    relax_maker: Maker | None = None,
    reaction: str | list[str] | tuple[str, ...] | None = None,
    layers: int = 3,
    repeat: tuple[int, int] | None = None,
    height: float | None = None,
) -> list[Flow]:
    """The binding flow of ``fragment`` at ``site`` and, with ``reaction`` (a name or several), the reaction flows.

    Names are checked before anything is built: unknown site, fragment, reaction
    or engine, or a reaction of another site/fragment, raise ValueError naming the
    value and what is allowed. ``relax_maker`` None: the engine's default Maker.
    The flows are named ``binding <site>/<fragment>`` and ``reaction <name>``.
    With GPAW, an open-shell fragment (initial moments, e.g. the Na atom) gets a
    spin-polarised copy of the relax Maker.
    """
    from naspe.structures.fragments import FRAGMENTS, SITES, binding_complex, placement_structure
    from naspe.structures.reactions import REACTIONS, build_reaction

    makers = {
        "gpaw": (GpawBindingMaker, GpawReactionMaker),
        "tblite": (TbliteBindingMaker, TbliteReactionMaker),
        "vasp": (VaspBindingMaker, VaspReactionMaker),
    }
    if engine not in makers:
        raise ValueError(f"engine {engine!r}: allowed are {', '.join(makers)}")
    if site not in SITES:
        raise ValueError(f"site {site!r}: allowed are {', '.join(SITES)}")
    if fragment not in FRAGMENTS:
        raise ValueError(f"fragment {fragment!r}: allowed are {', '.join(FRAGMENTS)}")
    reactions = [] if reaction is None else [reaction] if isinstance(reaction, str) else list(reaction)
    for name in reactions:
        if name not in REACTIONS:
            raise ValueError(f"reaction {name!r}: allowed are {', '.join(REACTIONS)}")
        spec = REACTIONS[name]
        if (spec.site, spec.fragment) != (site, fragment):
            raise ValueError(
                f"reaction {name!r} is for --site {spec.site} --fragment {spec.fragment}, "
                f"not --site {site} --fragment {fragment}"
            )
    binding_cls, reaction_cls = makers[engine]
    placed = binding_complex(site, fragment, layers=layers, repeat=repeat, height=height)
    if engine == "gpaw" and placed.magmoms is not None and np.any(placed.magmoms):
        import dataclasses

        # an open-shell fragment (the Na atom) needs spin polarisation: a spin-polarised copy of the Maker
        relax_maker = dataclasses.replace(relax_maker or GpawRelaxMaker(), spinpol=True)
    kwargs = {} if relax_maker is None else {"relax_maker": relax_maker}
    structure = placement_structure(placed.atoms, placed.magmoms)
    binding = binding_cls(**kwargs).make(structure, placed.n_substrate, site=site, fragment=fragment)
    binding.name = f"binding {site}/{fragment}"
    flows = [binding]
    for reaction in reactions:
        states = build_reaction(reaction, repeat=repeat)
        flow = reaction_cls(**kwargs).make(
            placement_structure(states.reactant, states.magmoms),
            placement_structure(states.product, states.magmoms),
            states.n_substrate,
            reaction=reaction,
            description=states.description,
            intended_bonds=states.intended_bonds,
        )
        flow.name = f"reaction {reaction}"
        flows.append(flow)
    return flows
