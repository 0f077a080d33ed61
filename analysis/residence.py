"""Continuous residence of contacts: the survival function over all time origins and its decay time.

A contact (a cation-partner pair) present in frames ``s..e`` without a gap is one *run* of
length ``L = e - s + 1`` frames. Over all origins t0 (frames), the survival function

    S(m) = sum_runs max(L - m, 0) / sum_{t0 <= N-1-m} n(t0)

is the probability that a contact present at t0 is present at every frame up to t0 + m
(n(t0): contacts in frame t0; a run of length L offers L - m origins that survive m frames).
For contacts that end at random with rate 1/tau, S(m) = exp(-m dt / tau): this is the
"continuous" residence correlation of Impey, Madden & McDonald, J. Phys. Chem. 87 (1983) 5071.
"""

from __future__ import annotations

import numpy as np

__all__ = ["survival_function", "residence_time", "SURVIVAL_FLOOR"]

#: survival values below this are noise-dominated and left out of the fit
SURVIVAL_FLOOR = 0.05


def survival_function(frames: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """S(m) at lags m = 0..(N-1)//2 frames of the contacts of ``frames``.

    Parameters
    ----------
    frames
        One array of distinct non-negative integer contact keys per frame (equally spaced frames).

    Returns
    -------
    lags : numpy.ndarray
        Lags (frames).
    survival : numpy.ndarray
        S at those lags (NaN where no contact exists at any usable origin).
    n_contacts : int
        Contacts summed over frames.
    """
    n = len(frames)
    counts = np.array([f.size for f in frames], dtype=float)
    lags = np.arange((n - 1) // 2 + 1)
    if counts.sum() == 0:
        return lags, np.full(lags.size, np.nan), 0
    keys = np.concatenate(frames).astype(np.int64)
    when = np.repeat(np.arange(n), counts.astype(int))
    order = np.lexsort((when, keys))
    keys, when = keys[order], when[order]
    new_run = np.r_[True, (keys[1:] != keys[:-1]) | (when[1:] != when[:-1] + 1)]
    starts = np.flatnonzero(new_run)
    lengths = np.diff(np.r_[starts, keys.size])
    # sum_runs max(L - m, 0) for every m, from the histogram of run lengths
    hist = np.bincount(lengths, minlength=n + 1).astype(float)
    at_least = np.cumsum(hist[::-1])[::-1]  # runs with L >= m
    beyond = np.cumsum(at_least[::-1])[::-1]  # beyond[k] = sum_{j >= k} #(L >= j)
    survive = beyond[lags + 1]  # sum_{L > m} (L - m) = sum_{k >= m+1} #(L >= k)
    origins = np.cumsum(counts)[n - 1 - lags]
    with np.errstate(invalid="ignore", divide="ignore"):
        survival = np.where(origins > 0, survive / origins, np.nan)
    return lags, survival, int(counts.sum())


def residence_time(lag_ps: np.ndarray, survival: np.ndarray) -> tuple[float | None, str | None]:
    """Residence time tau (ps) from a fit ln S = a - t/tau where S > :data:`SURVIVAL_FLOOR`, or why none.

    Parameters
    ----------
    lag_ps
        Lags (ps), starting at 0.
    survival
        S at those lags.
    """
    if lag_ps.size < 2 or not np.any(np.isfinite(survival[1:])):
        return None, "no contacts, or too few frames for a survival function"
    tail = np.isfinite(survival) & (survival > 0)
    last = survival[np.flatnonzero(tail)[-1]] if tail.any() else 0.0
    if last > np.exp(-1.0):
        return None, (
            f"the survival is still {last:.2f} at the longest lag ({lag_ps[-1]:.4g} ps, half the run): "
            "tau exceeds what the run can measure; run longer"
        )
    use = tail & (survival > SURVIVAL_FLOOR)
    use[0] = False
    if use.sum() < 2:
        return None, (
            f"the survival falls below {SURVIVAL_FLOOR} within {lag_ps[1]:.4g} ps (one frame interval): "
            "tau is shorter than the time between frames; use more frequent frames"
        )
    slope = np.polyfit(lag_ps[use], np.log(survival[use]), 1)[0]
    if not slope < 0:
        return None, "the survival does not decay"
    return float(-1.0 / slope), None
