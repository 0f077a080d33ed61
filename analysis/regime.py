"""Finding the diffusive regime of an MSD and fitting its slope there.

An MSD is diffusive where it grows linearly in time, i.e. where its local
log-log slope ``beta(t) = d ln MSD / d ln t`` is 1. At short times motion is
ballistic (beta = 2) and, in polymer electrolytes, then sub-diffusive (beta < 1)
while ions rattle in their solvation cages, often for nanoseconds; at lags
approaching the run length few time origins remain and the MSD is noisy.
Fitting ``MSD = 6 D t`` outside the diffusive regime gives a number that is not
a diffusion coefficient, so the window is chosen from ``beta(t)``:

* ``beta`` is computed on a log-spaced grid (``points_per_decade``) and smoothed by
  a sliding least-squares fit over ``smoothing_decades``;
* among lags within the searched range (by default 5-50 % of the run), the
  window is the longest stretch (in log time) where every species has
  ``|beta - 1| <= tolerance``, if it spans at least a factor ``min_ratio`` in time.
"""

from __future__ import annotations

import numpy as np

__all__ = ["loglog_slope", "find_diffusive_window", "window_loglog_slope", "fit_line", "lag_index_range"]


def loglog_slope(
    lag: np.ndarray, msd: np.ndarray, smoothing_decades: float = 0.2, points_per_decade: int = 20
) -> np.ndarray:
    """Smoothed local slope d ln MSD / d ln t at each lag.

    Parameters
    ----------
    lag
        Lag times (any unit), ascending, ``lag[0] = 0``.
    msd
        MSD at those lags (any unit).
    smoothing_decades
        Width of the sliding fit in decades of time.
    points_per_decade
        Density of the log-spaced grid.

    Returns
    -------
    numpy.ndarray
        The slope at each lag; NaN at lag 0.
    """
    lag = np.asarray(lag, dtype=float)
    msd = np.asarray(msd, dtype=float)
    out = np.full(lag.shape, np.nan)
    if lag.size < 3:
        return out
    log_t = np.log(lag[1:])
    log_y = np.log(np.clip(msd[1:], 1e-300, None))
    step = np.log(10.0) / points_per_decade
    grid = np.arange(log_t[0], log_t[-1] + 0.5 * step, step)
    grid[-1] = min(grid[-1], log_t[-1])
    y = np.interp(grid, log_t, log_y)
    half = max(1, int(round(0.5 * smoothing_decades * points_per_decade)))
    n = grid.size
    lo = np.clip(np.arange(n) - half, 0, n - 1)
    hi = np.clip(np.arange(n) + half, 0, n - 1) + 1

    def window_sum(v: np.ndarray) -> np.ndarray:
        c = np.concatenate([[0.0], np.cumsum(v)])
        return c[hi] - c[lo]

    count = (hi - lo).astype(float)
    sx, sy = window_sum(grid), window_sum(y)
    sxx, sxy = window_sum(grid * grid), window_sum(grid * y)
    denominator = count * sxx - sx * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(denominator > 0, (count * sxy - sx * sy) / denominator, np.nan)
    if np.isnan(slope).all():
        return out
    good = ~np.isnan(slope)
    out[1:] = np.interp(log_t, grid[good], slope[good])
    return out


def lag_index_range(n_frames: int, fractions: tuple[float, float]) -> tuple[int, int]:
    """Lag indices (inclusive) spanning ``fractions`` of a run of ``n_frames`` frames."""
    last = n_frames - 1
    start = max(1, int(np.ceil(fractions[0] * last - 1e-9)))
    stop = min(last, int(np.floor(fractions[1] * last + 1e-9)))
    return start, stop


def find_diffusive_window(
    lag: np.ndarray,
    slopes: list[np.ndarray],
    search: tuple[int, int],
    tolerance: float,
    min_ratio: float,
) -> tuple[int, int] | None:
    """The longest (in log time) run of lags where every slope is within ``1 +- tolerance``.

    Parameters
    ----------
    lag
        Lag times, ``lag[0] = 0``.
    slopes
        Local log-log slopes, one array per species.
    search
        First and last lag index (inclusive) the window may use.
    tolerance
        Largest accepted ``|slope - 1|``.
    min_ratio
        Smallest accepted ratio of window end to window start time.

    Returns
    -------
    tuple of int or None
        First and last lag index of the window, or None when no run is long enough.
    """
    start, stop = search
    if stop <= start:
        return None
    ok = np.ones(stop - start + 1, dtype=bool)
    for beta in slopes:
        ok &= np.abs(beta[start : stop + 1] - 1.0) <= tolerance
    edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
    run_starts = np.flatnonzero(edges == 1)
    run_stops = np.flatnonzero(edges == -1) - 1
    best: tuple[int, int] | None = None
    best_span = -np.inf
    for a, b in zip(run_starts + start, run_stops + start, strict=True):
        span = np.log(lag[b] / lag[a]) if b > a else 0.0
        if span >= best_span:
            best, best_span = (int(a), int(b)), span
    if best is None or best[1] - best[0] < 2 or best_span < np.log(min_ratio):
        return None
    return best


def window_loglog_slope(lag: np.ndarray, msd: np.ndarray, start: int, stop: int) -> float:
    """Slope of ln MSD against ln t over lags ``start..stop`` (inclusive), evenly weighted in ln t."""
    t = lag[start : stop + 1]
    y = np.asarray(msd[start : stop + 1], dtype=float)
    if np.any(y <= 0) or t.size < 2:
        return float("nan")
    grid = np.linspace(np.log(t[0]), np.log(t[-1]), 50)
    return float(np.polyfit(grid, np.interp(grid, np.log(t), np.log(y)), 1)[0])


def fit_line(lag: np.ndarray, msd: np.ndarray, start: int, stop: int) -> float:
    """Least-squares slope of ``msd`` against ``lag`` over lags ``start..stop`` (inclusive), with intercept."""
    if stop - start < 1:
        raise ValueError(f"fit window of lags {start}..{stop} has fewer than 2 points")
    return float(np.polyfit(lag[start : stop + 1], msd[start : stop + 1], 1)[0])
