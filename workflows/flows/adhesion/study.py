"""The study's interface set as one Flow: W_adh of PEO / NaFSI / Na on Na and carbon.

:class:`AdhesionStudyMaker` builds every system of
:data:`naspe.structures.study.STUDY_SYSTEMS` (or a chosen subset), runs one
adhesion flow per system with the given adhesion Maker (any engine), and ends
with :func:`adhesion_study_summary`: a table of W_adh (J/m^2), area, strain and
interface bonds, ranked, with the comparison the study turns on — does PEO
stick to the carbon side of the Na/C anode more strongly than to bare Na, and
does it do so chemically (bonds formed, film bonds broken)?

A system whose calculation fails (SCF not converged, say) appears in the
summary as failed; the others are still summarised. A system whose W_adh is not
converged (a relaxation stopped at its step limit) or of unknown convergence is
listed in ``unconverged`` and left out of the comparison: the carbon-versus-sodium
answer comes from converged W_adh only, and is None without them.

The summary's classes (:class:`AdhesionStudyRow`, :class:`AdhesionStudySummary`) are in the light
:mod:`naspe.workflows.flows.adhesion.schemas` and re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jobflow import Flow, Maker, job
from jobflow.core.reference import OnMissing

from naspe.structures.study import STUDY_SYSTEMS, build_adhesion_system
from naspe.structures.systems import Interface
from naspe.structures.topology import to_pymatgen
from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.dft.convergence import Purpose
from naspe.workflows.flows.adhesion.makers import BaseAdhesionMaker, GpawAdhesionMaker
from naspe.workflows.flows.adhesion.schemas import AdhesionStudyRow, AdhesionStudySummary

__all__ = ["AdhesionStudyMaker", "AdhesionStudyRow", "AdhesionStudySummary", "adhesion_study_summary"]

#: substrate classes (:data:`naspe.structures.systems.SUBSTRATE_CLASSES`) on each side of the study's question
#: (carbon of the composite anode against Na foil); the Na/C composite (Na on graphene) is a class of its own,
#: as in the results tables and the report's conclusion
CARBON = ("carbon", "defective/oxidised carbon")
SODIUM = ("Na",)


@job(output_schema=AdhesionStudySummary)
def adhesion_study_summary(docs: dict, engine: str, uuids: dict[str, str] | None = None) -> AdhesionStudySummary:
    """Rank the interfaces by W_adh and compare PEO on carbon with PEO on Na (``uuids``: system -> document job)."""
    rows = []
    for system, doc in docs.items():
        uuid = (uuids or {}).get(system)
        if doc is None:
            rows.append(AdhesionStudyRow(system=system, finished=False, document_uuid=uuid))
            continue
        d = doc if isinstance(doc, dict) else doc.model_dump()
        uber = d.get("uber") or {}
        convergence = d.get("convergence") or {}
        rows.append(
            AdhesionStudyRow(
                system=system,
                finished=True,
                w_adh_J_m2=d["w_adh_J_m2"],
                area_angstrom2=d["area_angstrom2"],
                strain=d["strain"],
                interface_bonds=d["interface_bonds"],
                film_intact=d["film_intact"],
                w_uber_J_m2=uber.get("w_adh_J_m2"),
                document_uuid=uuid,
                converged=convergence.get("converged"),
                not_converged=convergence.get("not_converged") or [],
                purpose=d.get("purpose") or Purpose.unknown,
            )
        )
    rows.sort(key=lambda r: -(r.w_adh_J_m2 if r.w_adh_J_m2 is not None else float("-inf")))

    def best(classes: tuple[str, ...]) -> float | None:
        values = [
            r.w_adh_J_m2
            for r in rows
            if r.w_adh_J_m2 is not None
            and r.converged is True
            and (interface := Interface.parse(r.system)).film == "peo"
            and interface.substrate_class in classes
        ]
        return max(values) if values else None

    carbon, sodium = best(CARBON), best(SODIUM)
    return AdhesionStudySummary(
        engine=engine,
        rows=rows,
        peo_carbon_max_J_m2=carbon,
        peo_sodium_max_J_m2=sodium,
        carbon_binds_peo_more=None if carbon is None or sodium is None else carbon > sodium,
        failed=[r.system for r in rows if not r.finished],
        unconverged=[r.system for r in rows if r.finished and r.converged is not True],
    )


@dataclass
class AdhesionStudyMaker(Maker):
    """Adhesion flows for the study's interfaces plus their summary.

    Parameters
    ----------
    name
        Flow name.
    adhesion_maker
        The adhesion Maker (engine, relax and static settings, scan) used for every system.
    systems
        ``"film/substrate"`` names (see :class:`naspe.structures.systems.Interface`).
    layers
        Substrate layers.
    gap_angstrom
        Initial substrate-film gap (Å).
    max_strain
        Largest film strain (fraction).
    """

    name: str = "adhesion study"
    adhesion_maker: BaseAdhesionMaker = field(default_factory=GpawAdhesionMaker)
    systems: tuple[str, ...] = STUDY_SYSTEMS
    layers: int = 3
    gap_angstrom: float = 2.8
    max_strain: float = 0.05

    def __post_init__(self) -> None:
        for system in self.systems:
            Interface.parse(system)
        if len(set(self.systems)) != len(self.systems):
            raise ValueError(f"systems={self.systems}: each system once")

    def make(self) -> Flow:
        """Build every system (errors before any calculation), one adhesion flow each, then the summary."""
        flows, outputs, seen = [], {}, set()
        for system in self.systems:
            interface = Interface.parse(system)
            film, substrate = interface.film, interface.substrate
            built = build_adhesion_system(
                substrate, film, self.layers, gap_angstrom=self.gap_angstrom, max_strain=self.max_strain
            )
            flow = self.adhesion_maker.make(to_pymatgen(built.atoms), built.n_substrate, built.strain)
            # systems can share a calculation (the same PEO film in the same cell): run it once
            kept = [j for j in flow.jobs if j.uuid not in seen]
            seen.update(j.uuid for j in kept)
            for j in kept:
                j.hosts = [h for h in j.hosts if h != flow.uuid]
            sub = Flow(kept, output=flow.output, name=f"{self.adhesion_maker.name} {system}")
            sub.update_metadata({"system": system})  # the queries read each document's system from here
            flows.append(sub)
            outputs[system] = flow.output
        uuids = {system: ref.uuid for system, ref in outputs.items()}
        summary = adhesion_study_summary(outputs, self.adhesion_maker.engine, uuids)
        summary.config.on_missing_references = OnMissing.NONE
        summary = with_content_uuid(summary)
        summary.name = f"{self.name} summary"
        return Flow([*flows, summary], output=summary.output, name=self.name)
