"""The adaptive production's document: one temperature, its replicas, the combined conductivity, why it stopped."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from naspe.analysis.transport_result import TransportResult, ValueWithError
from naspe.workflows.md.segment_documents import SegmentRecord

__all__ = ["AdaptiveProductionDocument", "ProductionStop", "TargetQuantity", "COMBINATION_METHOD"]

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
