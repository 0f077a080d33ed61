"""The conductivity flow's documents: one temperature's adaptive production, and the summary with its fits.

:class:`AdaptiveProductionDocument` is one temperature's NVT production in segments, its
replicas combined, and why it stopped.

:class:`ConductivitySummary` is what the ``conductivity summary`` job of
:class:`~naspe.workflows.flows.conductivity.makers.ConductivityMaker` returns (one
point per finished temperature and replica, the fits of sigma_NE and sigma_EH
over those points) and what the queries select by its class. The per-replica
transport output is :class:`~naspe.analysis.transport_result.TransportResult`
with its ``replica`` field set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from naspe.analysis.arrhenius import ArrheniusFit, VTFFit, fit_arrhenius, fit_vtf
from naspe.analysis.fit_points import ExcludedPoint, fit_points
from naspe.analysis.segments import pool_replicas
from naspe.analysis.transport_result import TransportResult, ValueWithError
from naspe.workflows.md.segment_documents import SegmentRecord

__all__ = [
    "AdaptiveProductionDocument",
    "ProductionStop",
    "TargetQuantity",
    "COMBINATION_METHOD",
    "ConductivityPoint",
    "ConductivitySummary",
    "ProductionOutcome",
    "FIT_FIELDS",
    "CONDUCTIVITY_CAVEAT",
    "finished_results",
]

#: why an adaptive production stopped
ProductionStop = Literal["target_reached", "budget_exhausted", "not_diffusive", "failed"]
TargetQuantity = Literal["sigma_eh_S_cm", "sigma_ne_S_cm"]

COMBINATION_METHOD = (
    "replicas of equal length pooled by blocks: value = mean of the replicas' whole-run values, "
    "stderr = std(ddof=1)/sqrt(M) of the M = replicas x blocks block values (naspe.analysis.segments.pool_replicas); "
    "diffusive only when every replica is"
)


class AdaptiveProductionDocument(BaseModel):
    """NVT production at one temperature in segments, replicas in parallel, until an error target or a budget."""

    task_label: str = Field(description="Name of the job")
    temperature_K: float = Field(description="Temperature (K)")
    replicas: int = Field(description="Independent replicas (own NPT and velocities)")
    segments: list[list[SegmentRecord]] = Field(description="Per replica, its production segments in order")
    n_segments: int = Field(description="Segments done by each replica")
    duration_ps: float = Field(description="Production time of each replica so far (ps)")
    budget_ps: float = Field(description="Most production time per replica (ps)")
    error_target: float = Field(description="Relative standard error of the target quantity to reach (e.g. 0.2)")
    target_quantity: TargetQuantity = Field(description="The conductivity whose error is the target")
    results: list[TransportResult | None] = Field(
        description="Transport analysis of each replica over all its segments (None: not analysable yet)"
    )
    sigma_eh_S_cm: ValueWithError = Field(description="Combined Einstein-Helfand conductivity (S/cm)")
    sigma_ne_S_cm: ValueWithError = Field(description="Combined Nernst-Einstein conductivity (S/cm)")
    relative_error: float | None = Field(None, description="stderr / value of the combined target quantity")
    diffusive: bool = Field(False, description="Every replica's MSDs are diffusive in their fit window")
    combination: str = Field(COMBINATION_METHOD, description="How the replicas were combined")
    time_to_target_ps: float | None = Field(
        None,
        description="Production time per replica at which the error reaches the target, error ~ 1/sqrt(t) (ps)",
    )
    ns_per_day: float | None = Field(None, description="Mean MD speed of one replica's segments (ns/day)")
    stop_reason: ProductionStop | None = Field(None, description="Why it stopped; None while segments follow")
    warnings: list[str] = Field(default_factory=list, description="What to be careful about")

    @property
    def remaining_ps(self) -> float | None:
        """Production time per replica still needed for the target (ps), capped by the budget.

        None while unknown: without an error, or before the MSDs are diffusive (the target needs both).
        """
        if self.time_to_target_ps is None or not self.diffusive:
            return None
        return max(0.0, min(self.time_to_target_ps, self.budget_ps) - self.duration_ps)


CONDUCTIVITY_CAVEAT = (
    "Amorphous-cell MD is comparable with experiment only at 60 °C and above (PEO melts near 65 °C); "
    "short runs do not reach PEO's diffusive regime."
)

Quantity = Literal["sigma_eh_S_cm", "sigma_ne_S_cm"]
Model = Literal["arrhenius", "vtf"]

#: (model, quantity) -> the summary field holding that fit; the order of the fit rows in the queries
FIT_FIELDS: dict[tuple[str, str], str] = {
    ("arrhenius", "sigma_eh_S_cm"): "arrhenius_sigma_eh_S_cm",
    ("arrhenius", "sigma_ne_S_cm"): "arrhenius_sigma_ne_S_cm",
    ("vtf", "sigma_eh_S_cm"): "vtf_sigma_eh_S_cm",
    ("vtf", "sigma_ne_S_cm"): "vtf_sigma_ne_S_cm",
}
_FITTERS = {"arrhenius": (fit_arrhenius, 2), "vtf": (fit_vtf, 4)}  # fit function, fewest temperatures it needs


def finished_results(results: Iterable[TransportResult | dict | None]) -> list[TransportResult]:
    """The results that exist (None: an analysis that did not finish), dicts validated as TransportResult."""
    return [TransportResult.model_validate(r) if isinstance(r, dict) else r for r in results if r is not None]


class ConductivityPoint(BaseModel):
    """One finished temperature and replica of the conductivity flow."""

    temperature_K: float = Field(description="Temperature of the run (K)")
    replica: int | None = Field(None, description="Replica number at this temperature (0-based)")
    sigma_eh_S_cm: ValueWithError = Field(description="Einstein-Helfand conductivity and its standard error (S/cm)")
    sigma_ne_S_cm: ValueWithError = Field(description="Nernst-Einstein conductivity and its standard error (S/cm)")
    diffusive: bool | None = Field(None, description="Every species' log-log MSD slope was near 1 in the fit window")

    @classmethod
    def from_transport(cls, result: TransportResult) -> ConductivityPoint:
        """The point of one transport analysis."""
        return cls(
            temperature_K=result.temperature_K,
            replica=result.replica,
            sigma_eh_S_cm=result.sigma_eh_S_cm,
            sigma_ne_S_cm=result.sigma_ne_S_cm,
            diffusive=result.diffusive,
        )


class ProductionOutcome(BaseModel):
    """How the adaptive production of one temperature ended: the replicas' combined conductivities."""

    temperature_K: float = Field(description="Temperature (K)")
    replicas: int = Field(description="Replicas combined")
    duration_ps: float = Field(description="Production time of each replica (ps)")
    budget_ps: float = Field(description="Most production time per replica (ps)")
    sigma_eh_S_cm: ValueWithError = Field(description="Combined Einstein-Helfand conductivity (S/cm)")
    sigma_ne_S_cm: ValueWithError = Field(description="Combined Nernst-Einstein conductivity (S/cm)")
    target_quantity: TargetQuantity = Field(description="The conductivity whose relative error was the target")
    relative_error: float | None = Field(None, description="stderr / value of the combined target quantity")
    error_target: float = Field(description="Relative standard error aimed at")
    diffusive: bool = Field(description="Every replica's MSDs were diffusive in their fit window")
    stop_reason: ProductionStop | None = Field(None, description="Why the production stopped")
    ns_per_day: float | None = Field(None, description="Mean MD speed of one replica (ns/day)")
    wall_time_s: float = Field(description="Wall time of all production segments of all replicas (s)")
    diffusion_cm2_s: dict[str, ValueWithError] = Field(
        default_factory=dict,
        description="Self-diffusion coefficient of each ion species (cm^2/s), the replicas combined as the "
        "conductivities are; empty unless every replica has a transport result",
    )
    diffusion_corrected_cm2_s: dict[str, ValueWithError] = Field(
        default_factory=dict,
        description="The same D's plus the replicas' mean Yeh-Hummer increment (cm^2/s; the Green-Kubo viscosity "
        "of each replica's run): what PFG-NMR of the macroscopic liquid is compared with; empty unless every "
        "replica has that increment",
    )
    yeh_hummer_delta_cm2_s: ValueWithError = Field(
        default_factory=ValueWithError, description="The mean Yeh-Hummer increment added (cm^2/s); null when none"
    )

    @classmethod
    def from_document(cls, doc: AdaptiveProductionDocument | dict) -> ProductionOutcome:
        """The outcome recorded in an adaptive production document (or its dict)."""
        d = AdaptiveProductionDocument.model_validate(doc) if isinstance(doc, dict) else doc
        wall = sum(seg.wall_time_s for replica in d.segments for seg in replica)
        own = ("wall_time_s", "diffusion_cm2_s", "diffusion_corrected_cm2_s", "yeh_hummer_delta_cm2_s")
        raw = _combined_diffusion(d.results)
        delta = _mean_increment(d.results)
        corrected = {} if delta.value is None else {k: _plus(v, delta) for k, v in raw.items()}
        return cls(
            wall_time_s=wall,
            diffusion_cm2_s=raw,
            diffusion_corrected_cm2_s=corrected,
            yeh_hummer_delta_cm2_s=delta,
            **{name: getattr(d, name) for name in cls.model_fields if name not in own},
        )

    @property
    def ionicity(self) -> ValueWithError:
        """sigma_EH / sigma_NE (dimensionless, 1/Haven ratio), errors combined as independent."""
        eh, ne = self.sigma_eh_S_cm, self.sigma_ne_S_cm
        if eh.value is None or not ne.value:
            return ValueWithError()
        ratio = eh.value / ne.value
        if eh.stderr is None or ne.stderr is None or eh.value == 0:
            return ValueWithError(value=ratio)
        return ValueWithError(
            value=ratio, stderr=abs(ratio) * float(np.hypot(eh.stderr / eh.value, ne.stderr / ne.value))
        )


def _combined_diffusion(results: list[TransportResult | None]) -> dict[str, ValueWithError]:
    """Each species' D (cm^2/s) over the replicas, pooled by blocks (:func:`~naspe.analysis.segments.pool_replicas`)."""
    if not results or any(r is None for r in results):
        return {}
    done = [r for r in results if r is not None]
    out: dict[str, ValueWithError] = {}
    for species in done[0].diffusion_cm2_s:
        values = [r.diffusion_cm2_s.get(species, ValueWithError()).value for r in done]
        if any(v is None for v in values):
            out[species] = ValueWithError()
            continue
        blocks = [r.block_diffusion_cm2_s.get(species, []) for r in done]
        value, stderr = pool_replicas([float(v) for v in values], blocks)
        out[species] = ValueWithError(value=value, stderr=stderr)
    return out


def _mean_increment(results: list[TransportResult | None]) -> ValueWithError:
    """The replicas' mean Yeh-Hummer increment (cm^2/s, stderr of the mean); null unless every replica has it."""
    done = [r for r in results or [] if r is not None]
    if not done or len(done) != len(results) or any(r.finite_size is None for r in done):
        return ValueWithError()
    deltas = [r.finite_size.delta_diffusion_cm2_s for r in done if r.finite_size is not None]
    if any(x.value is None for x in deltas):
        return ValueWithError()
    value = float(np.mean([x.value for x in deltas]))
    errors = [x.stderr for x in deltas]
    stderr = None if any(e is None for e in errors) else float(np.sqrt(np.sum(np.square(errors)))) / len(errors)
    return ValueWithError(value=value, stderr=stderr)


def _plus(d: ValueWithError, delta: ValueWithError) -> ValueWithError:
    """D + delta (cm^2/s), standard errors in quadrature (null D stays null)."""
    if d.value is None or delta.value is None:
        return ValueWithError()
    stderr = None if d.stderr is None or delta.stderr is None else float(np.hypot(d.stderr, delta.stderr))
    return ValueWithError(value=d.value + delta.value, stderr=stderr)


class ConductivitySummary(BaseModel):
    """Conductivity over temperature: the finished points and their Arrhenius and VTF fits."""

    n_requested: int = Field(description="Transport analyses the flow asked for (temperatures x replicas)")
    n_finished: int = Field(description="Transport analyses that produced a result")
    points: list[ConductivityPoint] = Field(default_factory=list, description="One point per finished analysis")
    arrhenius_sigma_eh_S_cm: ArrheniusFit | None = Field(
        None,
        description="Arrhenius fit of sigma_EH (Ea in eV, A in S/cm); None below 2 temperatures of fittable points",
    )
    arrhenius_sigma_ne_S_cm: ArrheniusFit | None = Field(
        None,
        description="Arrhenius fit of sigma_NE (Ea in eV, A in S/cm); None below 2 temperatures of fittable points",
    )
    vtf_sigma_eh_S_cm: VTFFit | None = Field(
        None,
        description="VTF fit of sigma_EH (B in K, T0 in K, A in S cm^-1 K^1/2); "
        "None below 4 temperatures of fittable points",
    )
    vtf_sigma_ne_S_cm: VTFFit | None = Field(
        None,
        description="VTF fit of sigma_NE (B in K, T0 in K, A in S cm^-1 K^1/2); "
        "None below 4 temperatures of fittable points",
    )
    caveat: str = Field(CONDUCTIVITY_CAVEAT, description="What the numbers can and cannot be compared with")
    excluded: list[ExcludedPoint] = Field(
        default_factory=list, description="Points left out of the fits of each conductivity, with the reason"
    )
    warnings: list[str] = Field(default_factory=list, description="Fits not made or failed, and why")
    productions: list[ProductionOutcome] = Field(
        default_factory=list,
        description="Per temperature, how its adaptive production ended (combined replicas, stop reason)",
    )
    figure: str | None = Field(None, description="Path of the Arrhenius plot (conductivity.png), if drawn")

    def fit(self, model: str, quantity: str) -> ArrheniusFit | VTFFit | None:
        """The ``model`` ('arrhenius', 'vtf') fit of ``quantity`` ('sigma_eh_S_cm', 'sigma_ne_S_cm'), or None."""
        return getattr(self, FIT_FIELDS[(model, quantity)])

    @classmethod
    def from_results(cls, results: Iterable[TransportResult | dict | None]) -> ConductivitySummary:
        """Points and fits of the finished ``results`` (None: an analysis that did not finish).

        Only points that may be fitted (:func:`naspe.analysis.fit_points.fit_points`: diffusive,
        with a standard error, significantly positive) enter a fit, weighted by their errors; the
        others are listed in ``excluded`` with the reason. A fit is made when the fitted points span
        enough temperatures (Arrhenius 2, VTF 4); a fit not made, or failed, says why in ``warnings``.
        """
        results = list(results)
        done = finished_results(results)
        points = [ConductivityPoint.from_transport(r) for r in done]
        fits: dict[str, ArrheniusFit | VTFFit] = {}
        warnings: list[str] = []
        excluded: list[ExcludedPoint] = []
        for quantity in ("sigma_ne_S_cm", "sigma_eh_S_cm"):
            used, left_out = fit_points(done, quantity)
            excluded += left_out
            temps = np.array([r.temperature_K for r in used])
            sigma = np.array([getattr(r, quantity).value for r in used])
            err = np.array([getattr(r, quantity).stderr for r in used])
            for model, (fitter, needed) in _FITTERS.items():
                n_temps = len(set(temps.tolist()))
                if n_temps < needed:
                    warnings.append(
                        f"{model} fit of {quantity} not made: {n_temps} temperature(s) with points that may be "
                        f"fitted, {needed} needed ({len(left_out)} point(s) left out, see excluded)"
                    )
                    continue
                try:
                    fits[FIT_FIELDS[(model, quantity)]] = fitter(temps, sigma, err)
                except (ValueError, RuntimeError) as exc:
                    warnings.append(f"{model} fit of {quantity} failed: {exc}")
        return cls(
            n_requested=len(results),
            n_finished=len(done),
            points=points,
            excluded=excluded,
            warnings=warnings,
            **fits,
        )
