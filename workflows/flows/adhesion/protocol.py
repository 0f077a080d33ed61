"""A work-of-adhesion protocol that finishes: fast pre-relaxation, then GPAW single points (or a short refinement).

A full GPAW relaxation of the substrate, the film and the interface costs hours on
two cores for the study's cells (about 30 s per SCF iteration for a 30-atom
Na(110) slab in GPAW LCAO, up to 100 steps each). :class:`AdhesionProtocolMaker`
spends the geometry steps at a fast level and keeps GPAW for the energies:

1. **substrate**: relaxed by ``substrate_pre_relax_maker``: by default CHGNet
   (:mod:`naspe.workflows.dft.chgnet`, a universal machine-learned potential)
   when the ``mlip`` extra is installed, otherwise kept **frozen as built** (the
   bulk-terminated slab). CHGNet has no dispersion, which matters little for a
   metal's own surface relaxation and much for a physisorbed film, so it is not
   used for the film or the interface.
   Rule: no GFN2-xTB for the substrate, because at the Gamma point of a small
   cell (tblite takes no k-points) a metal's or graphene's band energy is not
   sampled and its SCF fails for several of the study's Na slabs (see
   :data:`naspe.workflows.dft.defaults.TBLITE_ELECTRONIC_TEMPERATURE_K`).
2. **film** (PEO, ethers, NaFSI: molecular and insulating, what GFN2-xTB was
   parametrised for; Bannwarth, Ehlert & Grimme, J. Chem. Theory Comput. 15
   (2019) 1652): relaxed with ``film_pre_relax_maker`` (GFN2-xTB) in the
   interface cell.
3. **interface**: the film, started at its place in the interface cell, relaxed
   with ``interface_pre_relax_maker`` (GFN2-xTB) on the substrate held fixed at
   its step-1 geometry: the fast level sets the film's shape and height only.
   None: the film is left where the builder put it (for interfaces whose
   GFN2-xTB SCF does not converge; see the engine registry).
4. **GPAW** (``dft_maker``, PBE-D3(BJ)) on the three geometries: single points
   (``refine_steps = 0``) or a relaxation of at most ``refine_steps`` steps, with
   the substrate's bottom atoms fixed as in :class:`~naspe.workflows.flows.adhesion.makers.BaseAdhesionMaker`.
5. **counterpoise** (LCAO only): the four single points of
   :mod:`naspe.workflows.flows.common.counterpoise` on the interface geometry, giving
   W_adh^cp = W_adh - BSSE / A.

W_adh = (E_substrate + E_film - E_interface) / A from the GPAW energies, with the
bond analysis of :func:`~naspe.workflows.flows.adhesion.makers.adhesion_document`. The
:class:`AdhesionProtocolDocument` records the level and steps of every stage.

Accuracy, measured here with ``benchmarks/bench_adhesion_protocol.py`` on one small
system: dimethyl ether (the ether unit of PEO) flat on 2x2 rectangular graphene
(25 atoms, graphene fixed), GPAW PBE-D3(BJ) LCAO szp(dzp), h = 0.3 Å, Gamma point,
counterpoise-corrected, on two cores under a load average of 6-11 from other work:

==========================================  =============  ===========  ==============
run                                         W_adh (J/m^2)  raw (J/m^2)  wall time (s)
==========================================  =============  ===========  ==============
full GPAW relaxation (BFGS, fmax 0.05)      0.237          0.255        890 (38 GPAW)
protocol, GPAW single points (default)      0.110          0.126        112 (7 GPAW)
protocol, 10 GPAW refinement steps          0.108          0.123        405 (27 GPAW)
==========================================  =============  ===========  ==============

The protocol gives less than half the full relaxation's W_adh here (-0.127 J/m^2)
at an eighth of the time. The cause is not the film's shape (GFN2-xTB and GPAW
agree within 0.08 Å RMSD) but the adsorption geometry at the GPAW level: the full
relaxation moves the ether 0.1 Å closer (lowest atom 2.70 Å above the sheet
against 2.80 Å, where GFN2-xTB left it) and gains 0.34 eV more in the interface
than in the film alone, most of it after step 10, so a 10-step refinement does not
recover it. This coarse level has forces of 7.7 eV/Å on the starting and the
GFN2-xTB geometries (2.7 eV/Å on the starting one at h = 0.25 Å and 2x1x1
k-points), so its energies at foreign geometries transfer poorly; the gap at the
production level (dzp, h = 0.2 Å) was not measured. Here the protocol
underestimates W_adh: use it for rankings and to reach a W_adh at all on two
cores, and expect a chemisorbed film (charge transfer to Na) to be further off.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from jobflow import Flow, Maker, job
from pydantic import BaseModel, Field
from pymatgen.core import Structure

from naspe.structures.bounds import RELAX_STEPS
from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.dft.base import EngineMaker, check_inputs
from naspe.workflows.dft.gpaw import GpawRelaxMaker
from naspe.workflows.dft.periodic import for_system
from naspe.workflows.dft.tblite import TbliteRelaxMaker
from naspe.workflows.flows.adhesion.makers import AdhesionDocument, adhesion_document
from naspe.workflows.flows.common.checks import check_gap
from naspe.workflows.flows.common.counterpoise import counterpoise_flow, counterpoise_maker
from naspe.workflows.flows.common.parts import split_interface

__all__ = [
    "AdhesionProtocolMaker",
    "AdhesionProtocolDocument",
    "ProtocolStage",
    "FROZEN",
    "default_substrate_pre_relax_maker",
]

#: what a stage with no Maker does to its structure
FROZEN = "frozen as built"


class ProtocolStage(BaseModel):
    """What one part went through: its pre-relaxation level and steps, then its GPAW stage."""

    part: str = Field(description="substrate, film or interface")
    pre_relax_level: str = Field(description=f"Maker of the fast pre-relaxation, or '{FROZEN}'")
    pre_relax_steps: int = Field(description="Step limit of the pre-relaxation (0: frozen)")
    dft_level: str = Field(description="Maker of the GPAW stage")
    dft_steps: int = Field(description="GPAW steps allowed (1: a single point)")


class AdhesionProtocolDocument(BaseModel):
    """Work of adhesion from GPAW energies on fast-level geometries, with the protocol that produced it."""

    adhesion: AdhesionDocument = Field(
        description="W_adh from the GPAW energies (J/m^2; w_adh_J_m2 counterpoise-corrected when computed, "
        "w_adh_raw_J_m2 uncorrected) and the bonds of the interface"
    )
    stages: list[ProtocolStage] = Field(description="Substrate, film and interface: levels and steps")

    @property
    def w_adh_J_m2(self) -> float:
        """The W_adh to use (J/m^2): counterpoise-corrected when computed."""
        return self.adhesion.w_adh_J_m2


def default_substrate_pre_relax_maker() -> Maker | None:
    """CHGNet (:class:`~naspe.workflows.dft.chgnet.ChgnetRelaxMaker`) when the ``mlip`` extra is installed, else None.

    None keeps the substrate frozen as built; the protocol document records which.
    """
    from naspe.workflows.dft.chgnet import ChgnetRelaxMaker, chgnet_available

    return ChgnetRelaxMaker() if chgnet_available() else None


@job
def _with_coordinates(template: Structure, geometry: Structure, hold_first: int = 0) -> Structure:
    """``template``'s sites and site properties at ``geometry``'s coordinates (Å), first ``hold_first`` sites fixed.

    ``geometry`` may be shorter than ``template`` (a substrate's relaxed positions
    placed into the interface): its coordinates replace the first ``len(geometry)`` sites.
    """
    coords = template.cart_coords.copy()
    coords[: len(geometry)] = geometry.cart_coords
    props = dict(template.site_properties)
    if hold_first:
        moves = [list(m) for m in props.get("selective_dynamics", [[True] * 3] * len(template))]
        props["selective_dynamics"] = [[False] * 3] * hold_first + moves[hold_first:]
    return Structure(template.lattice, template.species, coords, coords_are_cartesian=True, site_properties=props)


@job
def _protocol_document(adhesion: AdhesionDocument, stages: list[dict]) -> AdhesionProtocolDocument:
    """The protocol's document: the adhesion document and the stages."""
    return AdhesionProtocolDocument(adhesion=adhesion, stages=[ProtocolStage(**s) for s in stages])


def _steps(maker: Maker | None) -> int:
    return 0 if maker is None else int(maker.steps) if isinstance(maker, EngineMaker) else 1


@dataclass
class AdhesionProtocolMaker(Maker):
    """Work of adhesion: fast pre-relaxation of substrate, film and interface, then GPAW energies.

    Parameters
    ----------
    name
        Flow name.
    substrate_pre_relax_maker
        Fast relaxation of the substrate: CHGNet when the ``mlip`` extra is installed
        (:func:`default_substrate_pre_relax_maker`); None: frozen as built.
    film_pre_relax_maker
        Fast relaxation of the film (GFN2-xTB by default).
    interface_pre_relax_maker
        Fast relaxation of the film on the fixed substrate (GFN2-xTB by default); None: rigid placement.
    dft_maker
        The GPAW Maker of the energies (PBE-D3(BJ), the registry's defaults).
    refine_steps
        GPAW relaxation steps on the fast geometries; 0 or 1: single points.
    counterpoise
        Add the counterpoise correction (LCAO GPAW only; refused for other Makers).
    fix_bottom_angstrom
        Substrate atoms within this distance (Å) of its lowest atom stay fixed in the GPAW stage.
    """

    name: str = "adhesion protocol"
    substrate_pre_relax_maker: Maker | None = field(default_factory=lambda: default_substrate_pre_relax_maker())
    film_pre_relax_maker: Maker | None = field(default_factory=TbliteRelaxMaker)
    interface_pre_relax_maker: Maker | None = field(default_factory=TbliteRelaxMaker)
    dft_maker: Maker = field(default_factory=GpawRelaxMaker)
    refine_steps: int = 0
    counterpoise: bool = True
    fix_bottom_angstrom: float = 1.0

    def __post_init__(self) -> None:
        if self.refine_steps != 0 and not RELAX_STEPS.low <= self.refine_steps <= RELAX_STEPS.high:
            raise ValueError(f"refine_steps={self.refine_steps}: 0 (single points) or {RELAX_STEPS.describe()}")
        if self.fix_bottom_angstrom < 0:
            raise ValueError(f"fix_bottom_angstrom={self.fix_bottom_angstrom}: must be >= 0 Å")
        if not isinstance(self.dft_maker, EngineMaker):
            raise ValueError(f"dft_maker {type(self.dft_maker).__name__}: must be a naspe engine Maker (GPAW, CP2K)")
        if self.counterpoise and counterpoise_maker(self.dft_maker) is None:
            raise ValueError(
                f"counterpoise=True: {type(self.dft_maker).__name__} has no localised basis to correct "
                "(only GPAW LCAO); set counterpoise=False"
            )

    def gpaw_stage_maker(self) -> Maker:
        """The GPAW Maker of step 4: ``dft_maker`` with ``refine_steps`` steps (1: a single point)."""
        steps = max(1, self.refine_steps)
        kind = "single point" if steps == 1 else f"refinement ({steps} steps)"
        return dataclasses.replace(self.dft_maker, steps=steps, name=f"{self.dft_maker.name} {kind}")

    def make(self, interface: Structure, n_substrate: int, strain: float = 0.0) -> Flow:
        """Flow: pre-relaxations, GPAW stage, optional counterpoise, W_adh document.

        Raises
        ------
        ValueError
            Before any job: ``n_substrate`` out of range, a gap outside the bounds, or
            what an engine Maker refuses for a part (atoms too close, too little vacuum).
        """
        whole, substrate, film = split_interface(interface, n_substrate, self.fix_bottom_angstrom)
        check_gap(whole, n_substrate)
        parts = {"substrate": substrate, "film": film, "interface": whole}
        gpaw = for_system(self.gpaw_stage_maker(), whole)  # every part on the interface's k-point mesh
        check_inputs(gpaw, parts)
        check_inputs(self.substrate_pre_relax_maker, {"substrate": substrate})  # None and non-engine Makers pass
        check_inputs(self.film_pre_relax_maker, {"film": film})
        check_inputs(self.interface_pre_relax_maker, {"interface": whole})
        jobs: list = []

        def add(j, label):
            j = with_content_uuid(j)
            j.name = f"{self.name} {label}"
            jobs.append(j)
            return j

        geometry: dict[str, object] = {}
        if self.substrate_pre_relax_maker is not None:
            geometry["substrate"] = add(
                self.substrate_pre_relax_maker.make(substrate), "substrate pre-relax"
            ).output.structure
        else:
            geometry["substrate"] = substrate
        if self.film_pre_relax_maker is not None:
            geometry["film"] = add(self.film_pre_relax_maker.make(film), "film pre-relax").output.structure
        else:
            geometry["film"] = film
        start = add(_with_coordinates(whole, geometry["substrate"], n_substrate), "interface start")
        if self.interface_pre_relax_maker is not None:
            geometry["interface"] = add(
                self.interface_pre_relax_maker.make(start.output), "interface pre-relax"
            ).output.structure
        else:
            geometry["interface"] = start.output
        energy, final = {}, {}
        for label, template in parts.items():
            placed = add(_with_coordinates(template, geometry[label]), f"{label} to GPAW")
            dft = add(gpaw.make(placed.output), f"{label} GPAW")
            energy[label], final[label] = dft.output.output.energy, dft.output.structure
        cp = None
        if self.counterpoise:  # four single points on the interface geometry (Boys-Bernardi)
            cp_maker = for_system(counterpoise_maker(self.dft_maker), whole)
            cp = add(
                counterpoise_flow(final["interface"], n_substrate, cp_maker, "substrate", "film", self.name),
                "counterpoise",
            ).output
        adhesion = add(
            adhesion_document(
                energy["substrate"],
                energy["film"],
                energy["interface"],
                final["interface"],
                whole,
                n_substrate,
                strain,
                self.dft_maker.engine,
                counterpoise=cp,
            ),
            "work of adhesion",
        )
        pre = {
            "substrate": self.substrate_pre_relax_maker,
            "film": self.film_pre_relax_maker,
            "interface": self.interface_pre_relax_maker,
        }
        stages = [
            {
                "part": label,
                "pre_relax_level": FROZEN if pre[label] is None else pre[label].name,
                "pre_relax_steps": _steps(pre[label]),
                "dft_level": gpaw.name,
                "dft_steps": gpaw.steps,
            }
            for label in parts
        ]
        doc = add(_protocol_document(adhesion.output, stages), "document")
        return Flow(jobs, output=doc.output, name=self.name)
