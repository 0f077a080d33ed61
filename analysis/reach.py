"""What a trajectory shows about long-range ion transport, and what a longer one would take.

Long-range transport (a diffusion coefficient, a conductivity) needs the ions to move
further than the distance between them and the MSD to grow linearly in time. When a run
is too short for block errors, or never reaches the diffusive regime, the analysis says
what it did see: the log-log slope of each species' MSD, the rms displacement against the
mean ion spacing ``(V/N_ions)^(1/3)``, and (from MSD ~ t^slope) roughly how long a run must
be for the rms displacement to reach that spacing. The extrapolation assumes the slope
stays as it is; sub-diffusive ions usually speed up towards slope 1, so it is an upper
estimate for them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ion_spacing_angstrom", "needed_duration_ps", "reach_summary", "too_short_message"]


def ion_spacing_angstrom(volume_angstrom3: float, n_ions: int) -> float:
    """Mean ion spacing (V / N)^(1/3) (Å)."""
    return float((volume_angstrom3 / n_ions) ** (1.0 / 3.0))


def needed_duration_ps(t_ps: float, msd_angstrom2: float, slope: float | None, spacing_angstrom: float) -> float | None:
    """Time (ps) at which MSD ~ t^slope, equal to ``msd_angstrom2`` at ``t_ps``, reaches spacing^2; None if no need.

    None when the rms displacement already exceeds the spacing, or the slope is not positive
    (no growth to extrapolate).
    """
    if msd_angstrom2 >= spacing_angstrom**2:
        return None
    if slope is None or not np.isfinite(slope) or slope <= 0 or msd_angstrom2 <= 0 or t_ps <= 0:
        return None
    return float(t_ps * (spacing_angstrom**2 / msd_angstrom2) ** (1.0 / slope))


def reach_summary(rms: dict[str, float | None], slopes: dict[str, float | None], spacing: float) -> str:
    """``Na: log-log slope 0.42, rms 1.3 Å; ...`` against the ion spacing."""
    parts = []
    for name, r in rms.items():
        s = slopes.get(name)
        parts.append(
            f"{name}: log-log MSD slope {'n/a' if s is None else f'{s:.2f}'}, rms displacement "
            f"{'n/a' if r is None else f'{r:.2g} Å'}"
        )
    return "; ".join(parts) + f" (mean ion spacing {spacing:.3g} Å)"


def too_short_message(n_frames: int, duration_ps: float, min_frames: int, summary: str, needed_ps: float | None) -> str:
    """Why a trajectory of ``n_frames`` gives no D or sigma, what it shows and what would do."""
    longer = (
        f"; at that growth the rms displacement reaches the ion spacing after ~{needed_ps:.3g} ps"
        if needed_ps is not None
        else ""
    )
    return (
        f"{n_frames} frames over {duration_ps:.4g} ps: too short for block errors (at least 2 blocks of "
        f"{min_frames} frames, {2 * min_frames} frames, are needed) and for a diffusive fit; it shows {summary}"
        f"{longer}. A conductivity needs a run with >= {2 * min_frames} frames (better 100+), a stretch where "
        "every slope is within tolerance of 1, and rms displacements beyond the ion spacing"
    )
