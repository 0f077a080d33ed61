"""Binding and reaction energies of PEO / NaFSI fragments at carbon and Na sites, with the bonds they make.

:class:`BaseBindingMaker` (in the way of :class:`~naspe.workflows.flows.adhesion.makers.BaseAdhesionMaker`)
splits a complex (substrate + fragment) into its substrate and fragment, both
kept in the complex's cell, relaxes the three and computes

    E_bind = E_complex - E_substrate - E_fragment     (eV; negative: the fragment binds)

with the bonds formed and broken and the charge transferred
(:class:`~naspe.workflows.flows.bonding.schemas.BindingDocument`, written by the job
:func:`~naspe.workflows.flows.bonding.jobs.binding_document`).

:class:`BaseReactionMaker` relaxes a reactant (the intact adsorbed fragment) and a
product with the same atoms in the same cell (see :mod:`naspe.structures.reactions`)
and computes ``E_product - E_reactant`` (eV) with the bonds formed and broken
(:class:`~naspe.workflows.flows.bonding.schemas.ReactionDocument`, written by
:func:`~naspe.workflows.flows.bonding.jobs.reaction_document`). The relax
Maker of an engine comes from :mod:`naspe.workflows.dft.registry`; :func:`bonding_flows`
is the one construction ``naspe bonding`` and the campaign share.

A calculation that fails (SCF not converged) leaves a failed engine document
(with its error) and stops the document job: no binding or reaction document is
written. Bad inputs (atoms closer than 0.6 Å, as
:func:`~naspe.workflows.dft.checks.check_distances` checks for every engine;
mismatched reactant/product; n_substrate out of range; relaxation steps or fmax outside
:data:`~naspe.structures.bounds.RELAX_STEPS` / :data:`~naspe.structures.bounds.FMAX_EV_A`; and what the
engine Maker refuses: too little vacuum for GPAW, initial moments without spin polarisation) raise ValueError
in ``make``, before any calculation.

Reference values (checked by tests/workflows/flows/test_bonding.py): a Na adatom on graphene
prefers the hollow site, binds by roughly -0.5 to -1 eV against the isolated
atom in PBE(-D) and gives ~0.5-0.9 e to the sheet (Chan, Neaton & Cohen,
Phys. Rev. B 77 (2008) 235430; Nakada & Ishii, Solid State Commun. 151 (2011) 13).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from jobflow import Flow, Maker
from pymatgen.core import Structure

from naspe.structures.bounds import ANCHOR_HEIGHT_ANGSTROM
from naspe.workflows.dft import registry
from naspe.workflows.dft.base import check_inputs, engine_properties, relaxation_of
from naspe.workflows.dft.checks import check_distances, to_atoms
from naspe.workflows.dft.periodic import PeriodicEngineMaker, for_system
from naspe.workflows.flows.bonding.jobs import binding_document, reaction_document
from naspe.workflows.flows.common.checks import check_relaxation
from naspe.workflows.flows.common.counterpoise import counterpoise_flow, counterpoise_maker
from naspe.workflows.flows.common.parts import split_interface

__all__ = [
    "BaseBindingMaker",
    "GpawBindingMaker",
    "Cp2kBindingMaker",
    "TbliteBindingMaker",
    "VaspBindingMaker",
    "BaseReactionMaker",
    "GpawReactionMaker",
    "Cp2kReactionMaker",
    "TbliteReactionMaker",
    "VaspReactionMaker",
    "split_complex",
    "bonding_flows",
    "binding_document",
    "reaction_document",
]


def _check_structure(structure: Structure, label: str) -> None:
    """The engines' atoms-too-close check on ``structure``, its message prefixed with ``label``."""
    try:
        check_distances(to_atoms(structure))
    except ValueError as err:
        raise ValueError(f"{label}: {err}") from None


def _quality(relax_maker, engine: str, jobs: dict) -> dict:
    """The document's ``convergence_parts`` (label -> relaxation reference), ``level_of_theory`` and ``purpose``."""
    return {
        "convergence_parts": {label: relaxation_of(relax_maker, j) for label, j in jobs.items()},
        "level_of_theory": registry.level_of_theory_of(relax_maker),
        "purpose": registry.purpose_of(relax_maker, engine).value,
    }


def split_complex(
    complex_structure: Structure, n_substrate: int, fix_bottom_angstrom: float
) -> tuple[Structure, Structure, Structure]:
    """Complex, substrate and fragment in the complex's cell, substrate bottom fixed, magnetic moments kept.

    The split of :func:`~naspe.workflows.flows.common.parts.split_interface`, after the
    atoms-too-close check every engine runs (VASP's Makers included).

    Raises
    ------
    ValueError
        ``n_substrate`` outside 1..len-1, or atoms too close (:func:`~naspe.workflows.dft.checks.check_distances`).
    """
    parts = split_interface(complex_structure, n_substrate, fix_bottom_angstrom)
    _check_structure(parts[0], "complex")
    return parts


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
        Engine recorded in the document; with ``relax_maker`` None, the registry's
        relax Maker of this engine is used.
    counterpoise
        Correct the basis-set superposition error of an LCAO Maker (GPAW LCAO): four
        single points on the relaxed complex (:mod:`naspe.workflows.flows.common.counterpoise`);
        the document's ``binding_energy_eV`` is then the corrected one. Other engines: no effect.

    Notes
    -----
    Every part runs the k-point mesh of the complex (:func:`~naspe.workflows.dft.periodic.for_system`).
    """

    name: str = "binding"
    relax_maker: Maker | None = None
    fix_bottom_angstrom: float = 1.0
    engine: str = "gpaw"
    counterpoise: bool = True

    def __post_init__(self) -> None:
        self.relax_maker = registry.relax_maker_of(self.engine, self.relax_maker)

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
        check_relaxation(self.relax_maker)
        relax_maker = for_system(self.relax_maker, whole)  # the complex's k-point mesh and cell for every part
        check_inputs(relax_maker, {"substrate": substrate, "fragment": frag, "complex": whole})
        jobs = {}
        for label, structure in (("substrate", substrate), ("fragment", frag), ("complex", whole)):
            j = relax_maker.make(structure)
            j.name = f"{self.name} {label} relax"
            jobs[label] = j
        extra, counterpoise = [], None
        cp_maker = counterpoise_maker(relax_maker) if self.counterpoise else None
        if cp_maker is not None:
            cp = counterpoise_flow(
                jobs["complex"].output.structure, n_substrate, cp_maker, "substrate", "fragment", self.name
            )
            cp.name = f"{self.name} counterpoise"
            extra.append(cp)
            counterpoise = cp.output
        c, f = (engine_properties(self.relax_maker, jobs[k]) for k in ("complex", "fragment"))
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
            counterpoise=counterpoise,
            **_quality(self.relax_maker, self.engine, jobs),
        )
        doc.name = f"{self.name} binding energy"
        return Flow([*jobs.values(), *extra, doc], output=doc.output, name=self.name)


@dataclass
class GpawBindingMaker(BaseBindingMaker):
    """Binding energy with GPAW (PBE + D3(BJ), Hirshfeld charges)."""

    name: str = "GPAW binding"
    engine: str = "gpaw"


@dataclass
class Cp2kBindingMaker(BaseBindingMaker):
    """Binding energy with CP2K (PBE + D3(BJ), MOLOPT, counterpoise)."""

    name: str = "CP2K binding"
    engine: str = "cp2k"


@dataclass
class TbliteBindingMaker(BaseBindingMaker):
    """Binding energy with GFN2-xTB (Mulliken charges, Wiberg bond orders; screening)."""

    name: str = "GFN2-xTB binding"
    engine: str = "tblite"


@dataclass
class VaspBindingMaker(BaseBindingMaker):
    """Binding energy with VASP (PBE + D3(BJ), dipole correction) through atomate2; no charges or orders."""

    name: str = "VASP binding"
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
        Engine recorded in the document (see :class:`BaseBindingMaker`).
    """

    name: str = "reaction"
    relax_maker: Maker | None = None
    fix_bottom_angstrom: float = 1.0
    engine: str = "gpaw"

    def __post_init__(self) -> None:
        self.relax_maker = registry.relax_maker_of(self.engine, self.relax_maker)

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
            Reactant and product differ in atoms, order or cell; atoms too close; bad ``n_substrate``;
            relaxation steps or fmax (eV/Å) outside their bounds.
        """
        if [str(s) for s in reactant.species] != [str(s) for s in product.species]:
            raise ValueError("reactant and product must have the same atoms in the same order")
        if not np.allclose(reactant.lattice.matrix, product.lattice.matrix, atol=1e-6):
            raise ValueError("reactant and product must share one cell (energies in different cells do not compare)")
        r_whole, _, _ = split_complex(reactant, n_substrate, self.fix_bottom_angstrom)
        check_relaxation(self.relax_maker)
        p_whole = split_interface(product, n_substrate, self.fix_bottom_angstrom)[0]
        _check_structure(p_whole, "product")
        # the atoms fixed in the reactant stay fixed in the product
        p_whole.add_site_property("selective_dynamics", r_whole.site_properties["selective_dynamics"])
        if "magmom" not in product.site_properties and "magmom" in reactant.site_properties:
            p_whole.add_site_property("magmom", list(reactant.site_properties["magmom"]))
        relax_maker = for_system(self.relax_maker, r_whole)  # one k-point mesh and cell for both states
        check_inputs(relax_maker, {"reactant": r_whole, "product": p_whole})
        jobs = {}
        for label, structure in (("reactant", r_whole), ("product", p_whole)):
            j = relax_maker.make(structure)
            j.name = f"{self.name} {label} relax"
            jobs[label] = j
        r, p = (engine_properties(self.relax_maker, jobs[k]) for k in ("reactant", "product"))
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
            **_quality(self.relax_maker, self.engine, jobs),
        )
        doc.name = f"{self.name} reaction energy"
        return Flow([*jobs.values(), doc], output=doc.output, name=self.name)


@dataclass
class GpawReactionMaker(BaseReactionMaker):
    """Reaction energy with GPAW (PBE + D3(BJ))."""

    name: str = "GPAW reaction"
    engine: str = "gpaw"


@dataclass
class Cp2kReactionMaker(BaseReactionMaker):
    """Reaction energy with CP2K (PBE + D3(BJ))."""

    name: str = "CP2K reaction"
    engine: str = "cp2k"


@dataclass
class TbliteReactionMaker(BaseReactionMaker):
    """Reaction energy with GFN2-xTB (screening)."""

    name: str = "GFN2-xTB reaction"
    engine: str = "tblite"


@dataclass
class VaspReactionMaker(BaseReactionMaker):
    """Reaction energy with VASP through atomate2."""

    name: str = "VASP reaction"
    engine: str = "vasp"


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
    value and what is allowed, and a ``height`` (Å) outside
    :data:`~naspe.structures.bounds.ANCHOR_HEIGHT_ANGSTROM`. ``relax_maker`` None: the registry's relax Maker of
    ``engine``. The flows are named ``binding <site>/<fragment>`` and ``reaction <name>``.
    An open-shell fragment (initial moments, e.g. the Na atom) gets a spin-polarised
    copy of a relax Maker that has a ``spinpol`` switch (GPAW, CP2K).
    """
    from naspe.structures.fragments import FRAGMENTS
    from naspe.structures.placement import binding_complex, placement_structure
    from naspe.structures.reactions import REACTIONS, build_reaction
    from naspe.structures.sites import SITES

    chosen = registry.engine(engine)
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
    if height is not None:
        ANCHOR_HEIGHT_ANGSTROM.check(height, "height")
    placed = binding_complex(site, fragment, layers=layers, repeat=repeat, height=height)
    relax_maker = registry.relax_maker_of(chosen.name, relax_maker)
    if placed.magmoms is not None and np.any(placed.magmoms) and isinstance(relax_maker, PeriodicEngineMaker):
        # an open-shell fragment (the Na atom) needs spin polarisation: a spin-polarised copy of the Maker
        relax_maker = dataclasses.replace(relax_maker, spinpol=True)
    common = {"relax_maker": relax_maker, "engine": chosen.name}
    structure = placement_structure(placed.atoms, placed.magmoms)
    binding = BaseBindingMaker(name=f"{chosen.label} binding", **common).make(
        structure, placed.n_substrate, site=site, fragment=fragment
    )
    binding.name = f"binding {site}/{fragment}"
    flows = [binding]
    for reaction in reactions:
        states = build_reaction(reaction, repeat=repeat)
        flow = BaseReactionMaker(name=f"{chosen.label} reaction", **common).make(
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
