"""Checks and caveats of the transport analysis: the Haven ratio's definedness, withheld values, warnings.

Split from :mod:`naspe.analysis.transport` to keep it readable; everything here works on a
:class:`~naspe.analysis.transport.TransportAnalysis` after its MSDs are computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from naspe.analysis.fit_points import SIGNIFICANCE
from naspe.analysis.regime import lag_index_range, window_loglog_slope
from naspe.analysis.transport_result import TransportResult
from naspe.analysis.values import ValueWithError

if TYPE_CHECKING:
    from naspe.analysis.transport import TransportAnalysis

__all__ = [
    "FEW_IONS",
    "finite",
    "withheld",
    "fraction_pair",
    "haven_ratio",
    "non_diffusive_message",
    "transport_warnings",
]

#: fewer ions of a species than this draws a warning
FEW_IONS = 10


def finite(x: float) -> float | None:
    """``x`` as a float, or None when it is NaN or infinite (JSON has no NaN)."""
    return float(x) if np.isfinite(x) else None


def withheld(result: TransportResult, why: str, summary: str, needed_ps: float | None) -> TransportResult:
    """``result`` with D, sigma, H, t+, the Onsager part and the finite-size correction nulled, and why."""
    longer = f"; the rms displacement would reach the ion spacing after ~{needed_ps:.3g} ps" if needed_ps else ""
    reason = (
        f"{why}. The run shows {summary}{longer}. Apparent values are withheld "
        "(apparent_values=True, `--apparent`, shows them)"
    )
    null = ValueWithError()
    return result.model_copy(
        update={
            "diffusion_cm2_s": {name: null for name in result.diffusion_cm2_s},
            "sigma_ne_S_cm": null,
            "sigma_eh_S_cm": null,
            "haven_ratio": null,
            "haven_ratio_undefined": "no conductivity: the run is not diffusive",
            "transference_cation": null,
            "block_diffusion_cm2_s": {},
            "block_sigma_ne_S_cm": [],
            "block_sigma_eh_S_cm": [],
            "onsager": None,
            "onsager_undefined": "no conductivity: the run is not diffusive",
            "finite_size": None,
            "conductivity_withheld": reason,
        }
    )


def fraction_pair(name: str, value: tuple[float, float]) -> tuple[float, float]:
    """``value`` as a (start, end) pair of fractions of a block, or a ValueError naming ``name``."""
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r}: must be a pair (start, end) of fractions of a block") from None
    if not 0.0 <= a < b <= 1.0:
        raise ValueError(f"{name}={value!r}: need 0 <= start < end <= 1 (fractions of the block length)")
    return a, b


def haven_ratio(ne: ValueWithError, eh: ValueWithError) -> tuple[ValueWithError, str | None]:
    """H = sigma_NE / sigma_EH with its propagated error, or undefined (null) with the reason.

    H is defined only when sigma_EH is significantly positive (more than
    :data:`~naspe.analysis.fit_points.SIGNIFICANCE` standard errors): for paired ions sigma_EH -> 0
    and the ratio of a number to its own noise is no Haven ratio (it came out as 7e12 ± 1e14).
    """
    if ne.value is None:
        return ValueWithError(), "sigma_NE undefined"
    if eh.value is None or eh.stderr is None:
        return ValueWithError(), "sigma_EH or its standard error undefined"
    if eh.value <= SIGNIFICANCE * eh.stderr:
        return ValueWithError(), (
            f"sigma_EH = {eh.value:.3g} ± {eh.stderr:.2g} S/cm is not significantly positive "
            f"(> {SIGNIFICANCE:g} standard errors): the ions' motion is correlated (pairs) or the run is too short"
        )
    h = ne.value / eh.value
    rel = [e.stderr / e.value for e in (ne, eh) if e.stderr is not None and e.value]
    return ValueWithError(value=h, stderr=h * float(np.sqrt(np.sum(np.square(rel)))) if rel else None), None


def non_diffusive_message(analysis: TransportAnalysis, lag_fs: np.ndarray, window: tuple[int, int]) -> str:
    """Why the MSDs of ``analysis`` have no diffusive window, with their slopes over ``window`` (lag indices)."""
    a, b = lag_index_range(analysis.block_frames, analysis.fit_range_fraction)
    found = ", ".join(
        f"{name} {window_loglog_slope(lag_fs, msd, *window):.2f}" for name, msd in analysis.msd_angstrom2.items()
    )
    mean = np.nanmean([window_loglog_slope(lag_fs, m, *window) for m in analysis.msd_angstrom2.values()])
    if mean > 1 + analysis.slope_tolerance:
        why = "super-diffusive (ballistic motion or uncorrected drift)"
    elif mean < 1 - analysis.slope_tolerance:
        why = "sub-diffusive (ions still caged: run longer or hotter)"
    else:
        why = "not linear over a long enough stretch (noisy: more ions or a longer run)"
    return (
        f"no diffusive regime: between {lag_fs[a] / 1000:.4g} and {lag_fs[b] / 1000:.4g} ps no stretch of a "
        f"factor {analysis.min_window_ratio:g} in time has every species' log-log MSD slope within "
        f"1 +- {analysis.slope_tolerance:g}; over {lag_fs[window[0]] / 1000:.4g}-{lag_fs[window[1]] / 1000:.4g} ps "
        f"the slopes are {found}: the MSD is {why}; D and sigma there are apparent values"
        + (", which most likely overestimate the long-time ones" if mean < 1 - analysis.slope_tolerance else "")
    )


def transport_warnings(
    analysis: TransportAnalysis, lag_fs: np.ndarray, window: tuple[int, int], diffusive: bool, eh: ValueWithError
) -> list[str]:
    """Caveats on the numbers of this run."""
    traj = analysis.trajectory
    notes = list(traj.warnings)
    if not diffusive:
        notes.append(non_diffusive_message(analysis, lag_fs, window))
    volume = float(np.mean(traj.volume_angstrom3))
    spacing = (volume / traj.n_ions) ** (1.0 / 3.0)
    for name, msd in analysis.msd_angstrom2.items():
        count = int(np.sum(traj.species == name))
        if count < FEW_IONS:
            notes.append(f"only {count} {name} ions: their D is poorly averaged")
        rms = float(np.sqrt(max(msd[window[1]], 0.0)))
        if rms < spacing:
            notes.append(
                f"{name}: rms displacement at the end of the fit window is {rms:.2g} Å, less than the mean "
                f"ion spacing (V/N)^(1/3) = {spacing:.3g} Å: D reflects local motion more than long-range "
                "transport; run longer"
            )
    beta_q = window_loglog_slope(lag_fs, analysis.charge_msd_e2_angstrom2, *window)
    if not abs(beta_q - 1.0) <= analysis.slope_tolerance:
        notes.append(
            f"the charge-displacement MSD has log-log slope {beta_q:.2f} in the fit window (not linear): "
            "sigma_EH is uncertain beyond its block error"
        )
    if eh.value is None or eh.value <= 0:
        notes.append("sigma_EH <= 0 within noise: the Haven ratio is undefined (ions move as neutral clusters?)")
    elif eh.stderr is not None and eh.stderr > 0.5 * eh.value:
        notes.append(
            f"sigma_EH has a relative standard error of {eh.stderr / eh.value:.0%}: collective statistics "
            "are poor; run longer or average replicas"
        )
    net = float(np.sum(analysis.charges))
    if abs(net) > 1e-6:
        notes.append(f"the ions carry a net charge of {net:+.3g} e: sigma_EH depends on the reference frame")
    return notes
