"""Which conductivities may enter an Arrhenius or VTF fit, and why the others may not.

A fit of sigma(T) is only as good as its points. A point enters when its run reached the
diffusive regime (every species' log-log MSD slope near 1 in the fit window: before that,
"sigma" is a ballistic or caged number that depends on the run length, not a conductivity),
and its conductivity has a standard error and is significantly positive (more than
:data:`SIGNIFICANCE` standard errors above zero: a fit is made on log sigma, and a value
within its error of zero has no logarithm worth fitting). Every point left out is returned
with its reason, so a summary can list it; nothing is dropped silently.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, Field

from naspe.analysis.transport_result import TransportResult

__all__ = ["SIGNIFICANCE", "ExcludedPoint", "fit_points", "QUANTITIES"]

#: a conductivity enters a fit only when it exceeds this many standard errors
SIGNIFICANCE = 2.0
QUANTITIES = ("sigma_eh_S_cm", "sigma_ne_S_cm")


class ExcludedPoint(BaseModel):
    """A transport result left out of the fits of one conductivity, with the reason."""

    temperature_K: float = Field(description="Temperature of the run (K)")
    replica: int | None = Field(None, description="Replica number at this temperature, if any")
    quantity: str = Field(description="The conductivity it was left out of: sigma_eh_S_cm or sigma_ne_S_cm")
    reason: str = Field(description="Why: not diffusive, no standard error, or not significantly positive")


def _reason(result: TransportResult, quantity: str) -> str | None:
    value = getattr(result, quantity)
    if not result.diffusive:
        slopes = ", ".join(f"{k} {v:.2f}" for k, v in result.loglog_slope.items() if v is not None)
        return (
            f"not diffusive: log-log MSD slopes {slopes or 'undefined'} (need 1 ± {result.slope_tolerance:g}) "
            f"over {result.duration_ps:.0f} ps"
        )
    if value.value is None or not math.isfinite(value.value):
        return "conductivity undefined"
    if value.stderr is None or not value.stderr > 0:
        return "no standard error (too few frames for the block average)"
    if value.value <= SIGNIFICANCE * value.stderr:
        return (
            f"not significantly positive: {value.value:.3g} ± {value.stderr:.2g} S/cm "
            f"(needs > {SIGNIFICANCE:g} standard errors)"
        )
    return None


def fit_points(results: Sequence[TransportResult], quantity: str) -> tuple[list[TransportResult], list[ExcludedPoint]]:
    """The results whose ``quantity`` may be fitted, and the others with their reasons.

    Parameters
    ----------
    results
        Transport results (any temperatures and replicas).
    quantity
        ``"sigma_eh_S_cm"`` or ``"sigma_ne_S_cm"``.
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity={quantity!r}: allowed are {', '.join(QUANTITIES)}")
    used: list[TransportResult] = []
    left_out: list[ExcludedPoint] = []
    for result in results:
        reason = _reason(result, quantity)
        if reason is None:
            used.append(result)
        else:
            left_out.append(
                ExcludedPoint(
                    temperature_K=result.temperature_K, replica=result.replica, quantity=quantity, reason=reason
                )
            )
    return used, left_out
