"""Conductivity validation cases: a naspe electrolyte cell through the adaptive conductivity MD.

:class:`ConductivityCaseMaker` builds the case's cell
(:func:`~naspe.workflows.validation.md_jobs.checked_build`: a glyme or PEO
electrolyte) and runs it through
:class:`~naspe.workflows.flows.conductivity.makers.ConductivityMaker` at the reference
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
- Self-diffusion coefficients of a periodic cell are lower than the macroscopic ones by
  the Yeh-Hummer increment k_B T xi / (6 pi eta L) (J. Phys. Chem. B 108 (2004) 15873),
  the same for every species: in the DME solution (Green-Kubo eta 0.74 mPa s, L ~ 23 Å)
  about 3.7e-6 cm²/s, about as large as the ions' raw D's here (``dme-solvent-diffusion``,
  ``docs/validation.md``). The D's these cases compare with PFG-NMR are therefore the
  corrected ones (each replica's Green-Kubo viscosity of its production's ``pressure.dat``);
  without that viscosity a D is not compared. The term is one of self-diffusion; no
  correction of this kind is applied to sigma_EH.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from jobflow import Flow, Maker, job

from naspe.analysis.values import ValueWithError
from naspe.workflows.flows.conductivity.makers import ConductivityMaker
from naspe.workflows.flows.conductivity.schemas import ConductivitySummary
from naspe.workflows.validation.documents import ValidationDocument
from naspe.workflows.validation.md_jobs import checked_build

__all__ = ["ConductivityCaseMaker", "conductivity_document", "diffusion_comparison", "QUANTITIES"]

#: conductivities a case can compare, by the summary's field name
CONDUCTIVITIES = ("sigma_ne_S_cm", "sigma_eh_S_cm")
#: what a case can compare: a conductivity (mS/cm) or one ion species' self-diffusion (cm^2/s, see ``species``)
QUANTITIES = (*CONDUCTIVITIES, "diffusion_cm2_s")
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
        What is compared: ``sigma_eh_S_cm`` (the collective conductivity a measurement sees),
        ``sigma_ne_S_cm`` or ``diffusion_cm2_s`` (the self-diffusion of ``species``, as PFG-NMR
        measures it).
    conductivity
        The MD settings (lengths, budgets, error target, replicas, ranks); its temperatures are
        replaced by ``temperature_C``, and its target quantity by ``quantity`` when that is a
        conductivity (a diffusion case keeps the maker's: the error of sigma_NE follows the D's).
        The ``model`` of its input generator (``fixed``, ``clpol``) is also the cell's.
    species
        The ion species of a ``diffusion_cm2_s`` case (``Li``, ``TFSI``).
    ion_charge_scaling
        Factor on the ions' partial charges (the force field's default when None).
    diffusion_references_cm2_s
        Measured (PFG-NMR) self-diffusion coefficient of each ion species (cm^2/s) at the case's
        conditions, by the species name of the transport analysis (``Li``, ``TFSI``); compared in
        the document's details with the tolerance ``diffusion_tolerance``.
    diffusion_tolerance
        Relative tolerance of the D comparison (0.5: within ± 50 % of the measured D).
    """

    name: str = "validation conductivity"
    case: str = "li-dme-tfsi-conductivity"
    kind: str = "glyme"
    params: dict = field(default_factory=dict)
    temperature_C: float = 60.0
    quantity: str = "sigma_ne_S_cm"
    conductivity: ConductivityMaker = field(default_factory=ConductivityMaker)
    ion_charge_scaling: float | None = None
    diffusion_references_cm2_s: dict[str, float] = field(default_factory=dict)
    diffusion_tolerance: float = 0.5
    species: str | None = None

    def make(self) -> Flow:
        """The Flow: build -> conductivity MD (adaptive) -> validation document."""
        if self.quantity not in QUANTITIES:
            raise ValueError(f"quantity={self.quantity!r}: allowed are {', '.join(QUANTITIES)}")
        if (self.quantity == "diffusion_cm2_s") != (self.species is not None):
            raise ValueError(
                f"species={self.species!r} with quantity={self.quantity!r}: a diffusion_cm2_s case names its ion "
                "species (e.g. 'Li'), a conductivity case none"
            )
        if not 0 < self.diffusion_tolerance:
            raise ValueError(f"diffusion_tolerance={self.diffusion_tolerance}: must be > 0 (a fraction, 0.5 = 50 %)")
        model = self.conductivity.input_generator.model  # the cell is written for the model the MD runs
        build = checked_build(self.case, self.kind, self.params, self.ion_charge_scaling, model)
        target = self.quantity if self.quantity in CONDUCTIVITIES else self.conductivity.target_quantity
        md = dataclasses.replace(
            self.conductivity,
            name=f"{self.case} conductivity",
            temperatures_C=(self.temperature_C,),
            target_quantity=target,
        )
        flow = md.make(build.output)
        doc = conductivity_document(
            self.case,
            flow.output,
            self.quantity,
            self.ion_charge_scaling,
            dict(self.diffusion_references_cm2_s),
            self.diffusion_tolerance,
            self.species,
        )
        doc.name = f"{self.case} document"
        return Flow([build, flow, doc], output=doc.output, name=self.name)


def diffusion_comparison(
    computed: dict[str, ValueWithError], measured: dict[str, float], tolerance: float
) -> dict[str, dict[str, float | bool | None]]:
    """Each measured species' D: computed and measured (cm^2/s), their ratio and whether it is within ``tolerance``.

    A species the run has no D for gets ``computed`` None and ``agrees`` False.
    """
    out: dict[str, dict[str, float | bool | None]] = {}
    for species, ref in measured.items():
        d = computed.get(species, ValueWithError())
        ratio = None if d.value is None else d.value / ref
        out[species] = {
            "computed_cm2_s": d.value,
            "computed_stderr_cm2_s": d.stderr,
            "measured_cm2_s": ref,
            "ratio": ratio,
            "agrees": ratio is not None and abs(ratio - 1.0) <= tolerance,
        }
    return out


@job(output_schema=ValidationDocument)
def conductivity_document(
    case: str,
    summary: ConductivitySummary | dict | None,
    quantity: str,
    ion_charge_scaling: float | None = None,
    diffusion_references_cm2_s: dict[str, float] | None = None,
    diffusion_tolerance: float = 0.5,
    species: str | None = None,
) -> ValidationDocument:
    """The combined ``quantity`` of the case's adaptive production against its reference.

    A conductivity is compared in mS/cm, a self-diffusion coefficient (``species``) in cm^2/s.

    The details hold both conductivities (mS/cm), the ionicity sigma_EH/sigma_NE, each ion's D
    (cm^2/s) and, where ``diffusion_references_cm2_s`` gives measured ones, their comparison.
    """
    from naspe.workflows.validation.registry import get_case

    spec = get_case("md", case)
    if ion_charge_scaling is not None and spec.ion_charge_scaling is not None:
        spec = spec.with_ion_charge_scaling(ion_charge_scaling)
    if summary is None:
        return ValidationDocument.not_run(spec, "the conductivity flow produced no summary")
    s = ConductivitySummary.model_validate(summary) if isinstance(summary, dict) else summary
    if not s.productions:
        return ValidationDocument.not_run(spec, "the adaptive production did not finish")
    out = s.productions[0]
    corrected = out.diffusion_corrected_cm2_s  # Yeh-Hummer: what PFG-NMR of the macroscopic liquid sees
    if quantity == "diffusion_cm2_s":
        value, scale = corrected.get(species or "", ValueWithError()), 1.0
    else:
        value, scale = getattr(out, quantity), _S_CM_TO_MS_CM
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
            for q in CONDUCTIVITIES
        },
        "ionicity": (out.ionicity.value, out.ionicity.stderr),
        "ion_charge_scaling": spec.ion_charge_scaling,
        "diffusion_cm2_s": {k: (v.value, v.stderr) for k, v in out.diffusion_cm2_s.items()},
        "diffusion_corrected_cm2_s": {k: (v.value, v.stderr) for k, v in corrected.items()},
        "yeh_hummer_delta_cm2_s": (out.yeh_hummer_delta_cm2_s.value, out.yeh_hummer_delta_cm2_s.stderr),
        "diffusion_vs_pfg_nmr": diffusion_comparison(corrected, diffusion_references_cm2_s or {}, diffusion_tolerance),
        "diffusion_tolerance": diffusion_tolerance,
    }
    if not out.diffusive:
        return ValidationDocument.not_run(
            spec,
            f"no conductivity: the MSDs were not diffusive after {out.duration_ps:g} ps x {out.replicas} "
            f"replica(s) (stopped: {out.stop_reason}); a longer budget is needed",
            details=details,
            wall_time_s=out.wall_time_s,
        )
    if value.value is None:  # diffusive, but a D without its Yeh-Hummer increment is not compared with PFG-NMR
        why = "no Yeh-Hummer correction (no Green-Kubo viscosity of the run)" if scale == 1.0 else "no value"
        return ValidationDocument.not_run(spec, why, details=details, wall_time_s=out.wall_time_s)
    err = None if value.stderr is None else value.stderr * scale
    rel = "n/a" if out.relative_error is None else f"{100 * out.relative_error:.0f} %"
    if out.relative_error is None or out.relative_error > out.error_target:
        rel += " (target NOT reached: the value is an estimate, its error above the target)"
    return ValidationDocument.from_computed(
        spec,
        value.value * scale,
        uncertainty=err,
        convergence=f"adaptive production, {out.replicas} replica(s) x {out.duration_ps:g} ps, diffusive, "
        f"stopped: {out.stop_reason}; relative error {rel} (target {100 * out.error_target:.0f} %); "
        "uncertainty: block standard error pooled over replicas",
        wall_time_s=out.wall_time_s,
        engine="lammps",
        details=details,
    )
