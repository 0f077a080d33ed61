"""Conductivity validation cases: a naspe electrolyte cell through the adaptive conductivity MD.

:class:`ConductivityCaseMaker` builds the case's cell
(:func:`~naspe.workflows.validation.md_jobs.checked_build`: a glyme or PEO
electrolyte) and runs it through
:class:`~naspe.workflows.flows.conductivity.ConductivityMaker` at the reference
temperature: minimise, anneal, NPT until density and energy plateau, then
production in segments until the MSDs are diffusive and the target
conductivity's relative error is below the target, or the budget is spent.
:func:`conductivity_document` turns the production's outcome into a
:class:`~naspe.workflows.validation.documents.ValidationDocument` in mS/cm.

Physics to keep in mind
-----------------------
- A run that never reached the diffusive regime has no conductivity: the case is
  then *not run*, with what the production saw, never a pass or a fail.
- The Nernst-Einstein conductivity (sigma_NE, from the ions' self-diffusion)
  neglects ion-ion correlations: where ions pair (LiTFSI in DME, epsilon ~ 7) it
  is an upper bound of the measured (collective) conductivity. The
  Einstein-Helfand value (sigma_EH) is the measured quantity but needs far longer
  runs for the same error; both are in the document's details.
- A conductivity from a cell of a few ion pairs carries finite-size effects on D
  (Yeh-Hummer, ~ k_B T xi / 6 pi eta L): a few per cent at L ~ 25 Å in a
  low-viscosity glyme, small against the tolerance.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from jobflow import Flow, Maker, job

from naspe.workflows.flows.conductivity import ConductivityMaker
from naspe.workflows.flows.conductivity_documents import ConductivitySummary
from naspe.workflows.validation.documents import ValidationDocument
from naspe.workflows.validation.md_jobs import checked_build

__all__ = ["ConductivityCaseMaker", "conductivity_document", "QUANTITIES"]

#: conductivities a case can compare, by the summary's field name
QUANTITIES = ("sigma_ne_S_cm", "sigma_eh_S_cm")
_S_CM_TO_MS_CM = 1000.0


@dataclass
class ConductivityCaseMaker(Maker):
    """The conductivity (mS/cm) of an electrolyte cell at one temperature, against a measured value.

    Parameters
    ----------
    name
        Flow name.
    case
        The validation case this Flow answers.
    kind
        Cell builder (:data:`~naspe.workflows.validation.md_jobs.CELL_KINDS`): ``glyme`` or ``peo``.
    params
        The builder's parameters.
    temperature_C
        Temperature (°C) of the run.
    quantity
        The conductivity compared: ``sigma_ne_S_cm`` or ``sigma_eh_S_cm``.
    conductivity
        The MD settings (lengths, budgets, error target, replicas, ranks); its temperatures are
        replaced by ``temperature_C`` and its target quantity by ``quantity``.
    """

    name: str = "validation conductivity"
    case: str = "li-dme-tfsi-conductivity"
    kind: str = "glyme"
    params: dict = field(default_factory=dict)
    temperature_C: float = 60.0
    quantity: str = "sigma_ne_S_cm"
    conductivity: ConductivityMaker = field(default_factory=ConductivityMaker)

    def make(self) -> Flow:
        """The Flow: build -> conductivity MD (adaptive) -> validation document."""
        if self.quantity not in QUANTITIES:
            raise ValueError(f"quantity={self.quantity!r}: allowed are {', '.join(QUANTITIES)}")
        build = checked_build(self.case, self.kind, self.params)
        md = dataclasses.replace(
            self.conductivity,
            name=f"{self.case} conductivity",
            temperatures_C=(self.temperature_C,),
            target_quantity=self.quantity,
        )
        flow = md.make(build.output)
        doc = conductivity_document(self.case, flow.output, self.quantity)
        doc.name = f"{self.case} document"
        return Flow([build, flow, doc], output=doc.output, name=self.name)


@job(output_schema=ValidationDocument)
def conductivity_document(case: str, summary: ConductivitySummary | dict | None, quantity: str) -> ValidationDocument:
    """The combined ``quantity`` (mS/cm) of the case's adaptive production against its reference."""
    from naspe.workflows.validation.registry import get_case

    spec = get_case("md", case)
    if summary is None:
        return ValidationDocument.not_run(spec, "the conductivity flow produced no summary")
    s = ConductivitySummary.model_validate(summary) if isinstance(summary, dict) else summary
    if not s.productions:
        return ValidationDocument.not_run(spec, "the adaptive production did not finish")
    out = s.productions[0]
    value = getattr(out, quantity)
    details = {
        "temperature_K": out.temperature_K,
        "replicas": out.replicas,
        "production_ps_per_replica": out.duration_ps,
        "budget_ps": out.budget_ps,
        "stop_reason": out.stop_reason,
        "diffusive": out.diffusive,
        "relative_error": out.relative_error,
        "error_target": out.error_target,
        "ns_per_day": out.ns_per_day,
        **{
            f"{q.removesuffix('_S_cm')}_mS_cm": (
                None if getattr(out, q).value is None else getattr(out, q).value * _S_CM_TO_MS_CM,
                None if getattr(out, q).stderr is None else getattr(out, q).stderr * _S_CM_TO_MS_CM,
            )
            for q in QUANTITIES
        },
    }
    if not out.diffusive or value.value is None:
        return ValidationDocument.not_run(
            spec,
            f"no conductivity: the MSDs were not diffusive after {out.duration_ps:g} ps x {out.replicas} "
            f"replica(s) (stopped: {out.stop_reason}); a longer budget is needed",
            details=details,
            wall_time_s=out.wall_time_s,
        )
    err = None if value.stderr is None else value.stderr * _S_CM_TO_MS_CM
    rel = "n/a" if out.relative_error is None else f"{100 * out.relative_error:.0f} %"
    return ValidationDocument.from_computed(
        spec,
        value.value * _S_CM_TO_MS_CM,
        uncertainty=err,
        convergence=f"adaptive production, {out.replicas} replica(s) x {out.duration_ps:g} ps, diffusive, "
        f"stopped: {out.stop_reason}; relative error {rel} (target {100 * out.error_target:.0f} %); "
        "uncertainty: block standard error pooled over replicas",
        wall_time_s=out.wall_time_s,
        engine="lammps",
        details=details,
    )
