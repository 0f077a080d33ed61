r"""Shear viscosity from the off-diagonal pressure tensor of an MD run (Green-Kubo).

.. math:: \eta = \frac{V}{k_B T} \int_0^\infty \langle P_{\alpha\beta}(0) P_{\alpha\beta}(t) \rangle\, dt

averaged over the three off-diagonal components xy, xz, yz (Allen & Tildesley, Computer
Simulation of Liquids, 2nd ed. 2017, section 8.5). The autocorrelation is computed over all
time origins by FFT; the running integral is cut where the standard deviation of the running
integrals of the three components in ``n_blocks`` consecutive blocks exceeds 40 % of their
mean (the cutoff rule of Zhang, Otani & Maginn, J. Chem. Theory Comput. 11 (2015) 3537), at
most at a quarter of a block. The value is the whole run's running integral there, the
standard error that of the block means.

:func:`read_pressure_tensor` reads the file naspe's production stage writes,
``fix ave/time N 2 2N c_thermo_press[4] c_thermo_press[5] c_thermo_press[6] file pressure.dat``
(step pxy pxz pyz; LAMMPS ``real`` units: atm): a sample every N steps, each line the mean of
two. Averaging keeps the zero-frequency power of the signal, and the integral is unchanged
by the sampling as long as N steps are much shorter than the stress
correlation time and the signal has no power above half the sampling frequency (with X-H
bonds constrained by SHAKE, 10 fs between samples puts that at 1670 cm^-1, above the
fastest free vibrations of the ethers and ions, the S=O stretches near 1350 cm^-1).

.. warning::
   * **Long tails.** In polymers the stress autocorrelation has a slow tail (chain
     relaxation, up to ns and beyond) that a short run cannot resolve: the noise cutoff
     then comes before the tail and underestimates eta. A viscosity from the literature or a long
     non-equilibrium run (``viscosity_mPa_s``) is safer for PEO.
   * **Noise.** The GK integral's error grows with the cutoff time; tens of per cent are
     normal for runs of a few ns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.fft

from naspe.analysis.errors import TrajectoryFormatError
from naspe.analysis.units import BOLTZMANN_J_PER_K
from naspe.analysis.values import ValueWithError

__all__ = ["ATM_TO_PA", "BAR_TO_PA", "read_pressure_tensor", "green_kubo_viscosity", "viscosity_from_file"]

#: 1 atm (Pa), exact
ATM_TO_PA = 101325.0
#: 1 bar (Pa), exact
BAR_TO_PA = 1e5
#: the integral is cut where the spread of the block/component running integrals exceeds this fraction of
#: their mean (Zhang, Otani & Maginn, J. Chem. Theory Comput. 11 (2015) 3537: 0.4)
NOISE_FRACTION = 0.4


def read_pressure_tensor(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Steps and off-diagonal pressure components (step pxy pxz pyz per line; ``#`` comments).

    Returns
    -------
    steps : numpy.ndarray
        MD steps, shape (n,).
    off_diagonal : numpy.ndarray
        pxy, pxz, pyz in the file's pressure unit, shape (n, 3).
    """
    path = Path(path)
    try:
        table = np.loadtxt(path, comments="#", ndmin=2)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TrajectoryFormatError(f"{path}: not a table of numbers ({exc})") from None
    if table.shape[0] < 2 or table.shape[1] < 4:
        raise TrajectoryFormatError(
            f"{path}: {table.shape[0]} lines of {table.shape[1] if table.size else 0} columns; a pressure-tensor "
            "file has lines 'step pxy pxz pyz' (fix ave/time of c_thermo_press[4] [5] [6])"
        )
    steps = table[:, 0].astype(np.int64)
    if np.any(np.diff(steps) <= 0):
        raise TrajectoryFormatError(f"{path}: steps do not increase (a repeated or continued run?)")
    return steps, table[:, 1:4]


def _acf(x: np.ndarray) -> np.ndarray:
    """Autocorrelation over all origins of each column, lags 0..n-1, shape (n, columns)."""
    n = x.shape[0]
    n_fft = scipy.fft.next_fast_len(2 * n, real=True)
    spectrum = scipy.fft.rfft(x - x.mean(axis=0), n=n_fft, axis=0)
    power = spectrum.real**2 + spectrum.imag**2
    return scipy.fft.irfft(power, n=n_fft, axis=0)[:n] / (n - np.arange(n))[:, None]


def _running_integral(acf: np.ndarray) -> np.ndarray:
    """Trapezoid integral of each column from lag 0 to every lag (in units of the sample interval)."""
    out = np.zeros_like(acf)
    out[1:] = np.cumsum(0.5 * (acf[1:] + acf[:-1]), axis=0)
    return out


def green_kubo_viscosity(
    off_diagonal: np.ndarray,
    interval_fs: float,
    volume_angstrom3: float,
    temperature_K: float,
    pressure_unit_Pa: float = ATM_TO_PA,
    n_blocks: int = 5,
) -> tuple[ValueWithError, float]:
    """Green-Kubo shear viscosity (mPa s) with its block standard error, and the cutoff time (ps).

    Parameters
    ----------
    off_diagonal
        pxy, pxz, pyz per sample, shape (n, 3), in units of ``pressure_unit_Pa``.
    interval_fs
        Time between samples (fs).
    volume_angstrom3
        Cell volume (Å^3).
    temperature_K
        Temperature (K).
    pressure_unit_Pa
        One pressure unit of the data in Pa (LAMMPS real: atm; metal: bar).
    n_blocks
        Blocks of the standard error (>= 2).
    """
    p = np.asarray(off_diagonal, dtype=float)
    if p.ndim != 2 or p.shape[1] != 3:
        raise ValueError(f"off_diagonal of shape {p.shape}: need (n_samples, 3) for pxy, pxz, pyz")
    if int(n_blocks) != n_blocks or n_blocks < 2:
        raise ValueError(f"n_blocks={n_blocks}: must be an integer >= 2")
    block = p.shape[0] // n_blocks
    if block < 20:
        raise ValueError(
            f"{p.shape[0]} pressure samples: {n_blocks} blocks need >= {20 * n_blocks} (write them more often "
            "or run longer)"
        )
    if not (interval_fs > 0 and volume_angstrom3 > 0 and temperature_K > 0):
        raise ValueError("interval_fs, volume_angstrom3 and temperature_K must be positive")
    dt_s = interval_fs * 1e-15
    scale = volume_angstrom3 * 1e-30 / (BOLTZMANN_J_PER_K * temperature_K) * pressure_unit_Pa**2 * dt_s * 1e3
    limit = max(2, block // 4)
    # running integrals of each component in each block: their spread says where noise takes over
    parts = np.concatenate(
        [_running_integral(_acf(p[k * block : (k + 1) * block]))[: limit + 1] for k in range(n_blocks)], axis=1
    )
    mean, spread = parts.mean(axis=1), parts.std(axis=1, ddof=1)
    noisy = np.flatnonzero((spread[1:] > NOISE_FRACTION * np.abs(mean[1:])) & (np.arange(1, limit + 1) > 1))
    stop = int(noisy[0]) + 1 if noisy.size else limit
    value = float(_running_integral(_acf(p)).mean(axis=1)[stop]) * scale
    blocks = parts[stop].reshape(n_blocks, 3).mean(axis=1) * scale
    stderr = float(np.std(blocks, ddof=1) / np.sqrt(n_blocks))
    return ValueWithError(value=value, stderr=stderr), stop * interval_fs / 1000.0


def viscosity_from_file(
    path: str | Path,
    timestep_fs: float | None,
    volume_angstrom3: float,
    temperature_K: float,
    pressure_unit_Pa: float = ATM_TO_PA,
) -> tuple[ValueWithError, str]:
    """Green-Kubo viscosity (mPa s) of a pressure-tensor file, and a description of where it came from.

    Parameters
    ----------
    path
        ``step pxy pxz pyz`` per line (:func:`read_pressure_tensor`).
    timestep_fs
        MD time step (fs) that turns the steps into times; required.
    volume_angstrom3, temperature_K
        Cell volume (Å^3) and temperature (K) of the run.
    pressure_unit_Pa
        The file's pressure unit in Pa (LAMMPS real: atm).
    """
    if timestep_fs is None:
        raise ValueError(f"{path}: its lines are numbered by MD step: give the run's time step (--timestep-fs)")
    steps, tensor = read_pressure_tensor(path)
    gaps = np.diff(steps)
    if np.any(gaps != gaps[0]):
        raise TrajectoryFormatError(
            f"{path}: the steps are not equally spaced ({gaps[0]}, then {gaps[gaps != gaps[0]][0]})"
        )
    eta, cutoff_ps = green_kubo_viscosity(
        tensor, float(gaps[0]) * timestep_fs, volume_angstrom3, temperature_K, pressure_unit_Pa
    )
    return eta, f"Green-Kubo of {path} ({steps.size} samples, integral to {cutoff_ps:.4g} ps)"
