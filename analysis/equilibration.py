"""Equilibration of an MD time series: where it starts, how correlated it is, whether it has levelled off.

:func:`equilibration` takes a series sampled at a constant interval (the density or the
potential energy of an NPT run, one value per thermo line) and returns an
:class:`EquilibrationEstimate`:

* ``t0``: the start of the equilibrated part, from pymbar's ``detect_equilibration``
  (Chodera, J. Chem. Theory Comput. 12 (2016) 1799): the origin that maximises the number
  of uncorrelated samples ``(N - t0) / g(t0)`` after it;
* ``g``: the statistical inefficiency of the equilibrated part (samples per uncorrelated
  sample, ``g = 1 + 2 tau``, tau the integrated autocorrelation time in samples), from
  pymbar's ``statistical_inefficiency``;
* the mean of the equilibrated part and its standard error ``std * sqrt(g / N_eq)``;
* a **plateau** verdict with a stated criterion (:data:`PLATEAU_CRITERION`): the
  equilibrated part holds at least ``min_effective`` uncorrelated samples, and the means
  of its earlier and later halves differ by at most ``z`` combined standard errors (each
  half's error from its own g). A series still relaxing leaves few samples after t0, or
  a drift between the halves; either keeps the verdict False.

.. warning::
   The verdict is statistical: it can only see drifts larger than the noise of the data
   at hand. A quantity relaxing more slowly than the series is long (PEO chain
   conformations below ~350 K relax over ns-us) can look flat over a short run; and g is
   an underestimate when the series is not much longer than its slowest time scale
   (pymbar says so too). Extend runs where the physics is slow, whatever the verdict.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import warnings

import numpy as np
from pydantic import BaseModel, Field

__all__ = ["EquilibrationEstimate", "equilibration", "PLATEAU_CRITERION", "timeseries"]

#: how the plateau verdict is reached (recorded in every estimate)
PLATEAU_CRITERION = (
    "equilibrated part (t >= t0, pymbar detect_equilibration) holds >= {min_effective:g} uncorrelated samples, "
    "and the means of its earlier and later halves differ by <= {z:g} combined standard errors "
    "(each half: std * sqrt(g / n), g from pymbar statistical_inefficiency)"
)
#: most origins detect_equilibration tries (it is O(N) per origin); longer series are strided
MAX_ORIGINS = 500


@functools.cache
def timeseries():
    """The ``timeseries`` module of pymbar, imported without its JAX banner and its import-time warning."""
    loggers = [logging.getLogger(n) for n in ("pymbar", "pymbar.timeseries", "pymbar.mbar_solvers")]
    levels = [lg.level for lg in loggers]
    try:
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pymbar import timeseries as module
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
    return module


class EquilibrationEstimate(BaseModel):
    """Equilibration time, statistical inefficiency and plateau verdict of one time series."""

    quantity: str = Field(description="What the series is (e.g. 'density_g_cm3', 'pe_kcal_mol'); unit in the name")
    n_samples: int = Field(description="Samples in the series")
    sample_interval_ps: float = Field(description="Time between samples (ps)")
    t0_index: int = Field(description="First sample of the equilibrated part")
    t0_ps: float = Field(description="Start of the equilibrated part (ps from the series start)")
    statistical_inefficiency: float = Field(
        description="g of the equilibrated part (samples per uncorrelated sample, >= 1)"
    )
    correlation_time_ps: float = Field(description="Integrated autocorrelation time (g - 1) / 2 * interval (ps)")
    n_effective: float = Field(description="Uncorrelated samples in the equilibrated part, (N - t0) / g")
    mean: float = Field(description="Mean of the equilibrated part (unit of the quantity)")
    stderr: float = Field(description="Standard error of that mean, std * sqrt(g / N_eq) (unit of the quantity)")
    drift: float | None = Field(
        None, description="Mean of the later half minus mean of the earlier half of the equilibrated part"
    )
    drift_stderr: float | None = Field(None, description="Combined standard error of the two half means")
    plateau: bool = Field(description="Whether the series has levelled off by the criterion")
    criterion: str = Field(description="The plateau criterion applied, with its numbers")


def _inefficiency(values: np.ndarray) -> float:
    """Statistical inefficiency (pymbar), 1 for a constant or too short series."""
    if values.size < 4 or np.ptp(values) <= 1e-12 * max(1.0, float(np.max(np.abs(values)))):
        return 1.0
    return max(1.0, float(timeseries().statistical_inefficiency(values, fast=False, mintime=3)))


def _half_stats(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard error (from its own g) of one half."""
    if values.size < 2:
        return float(np.mean(values)), float("inf")
    return float(np.mean(values)), float(np.std(values, ddof=1) * np.sqrt(_inefficiency(values) / values.size))


def equilibration(
    values: np.ndarray,
    sample_interval_ps: float,
    quantity: str,
    *,
    min_effective: float = 20.0,
    z: float = 2.0,
) -> EquilibrationEstimate:
    """Equilibration time, statistical inefficiency, mean and plateau verdict of ``values``.

    Parameters
    ----------
    values
        The series, one value per sample, equally spaced in time.
    sample_interval_ps
        Time between samples (ps).
    quantity
        Its name with the unit (recorded in the estimate).
    min_effective
        Fewest uncorrelated samples the equilibrated part needs for a plateau.
    z
        Largest accepted drift between the halves, in combined standard errors.

    Raises
    ------
    ValueError
        Fewer than 8 samples, non-finite values, or a non-positive interval, ``min_effective`` or ``z``.
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size < 8:
        raise ValueError(f"{quantity}: {x.size} samples; equilibration detection needs at least 8")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{quantity}: the series holds non-finite values")
    if not (np.isfinite(sample_interval_ps) and sample_interval_ps > 0):
        raise ValueError(f"sample_interval_ps={sample_interval_ps}: must be a positive time (ps)")
    if not min_effective > 0 or not z > 0:
        raise ValueError(f"min_effective={min_effective}, z={z}: both must be > 0")
    if np.ptp(x) <= 1e-12 * max(1.0, float(np.max(np.abs(x)))):
        t0 = 0
    else:
        nskip = max(1, x.size // MAX_ORIGINS)
        t0 = int(timeseries().detect_equilibration(x, fast=True, nskip=nskip)[0])
    t0 = min(t0, x.size - 4)  # keep a few samples to describe
    part = x[t0:]
    g = _inefficiency(part)
    n_eff = part.size / g
    mean = float(np.mean(part))
    stderr = float(np.std(part, ddof=1) * np.sqrt(g / part.size))
    half = part.size // 2
    m1, e1 = _half_stats(part[:half])
    m2, e2 = _half_stats(part[half:])
    drift, drift_err = m2 - m1, float(np.hypot(e1, e2))
    plateau = bool(n_eff >= min_effective and abs(drift) <= z * drift_err)
    criterion = PLATEAU_CRITERION.format(min_effective=min_effective, z=z) + (
        f": {n_eff:.1f} uncorrelated samples, drift {drift:.4g} ± {drift_err:.2g}"
    )
    return EquilibrationEstimate(
        quantity=quantity,
        n_samples=int(x.size),
        sample_interval_ps=float(sample_interval_ps),
        t0_index=t0,
        t0_ps=t0 * float(sample_interval_ps),
        statistical_inefficiency=g,
        correlation_time_ps=(g - 1.0) / 2.0 * float(sample_interval_ps),
        n_effective=float(n_eff),
        mean=mean,
        stderr=stderr,
        drift=float(drift),
        drift_stderr=drift_err if np.isfinite(drift_err) else None,
        plateau=plateau,
        criterion=criterion,
    )
