r"""Shear viscosity from the off-diagonal pressure tensor of an MD run (Green-Kubo).

.. math:: \eta = \frac{V}{k_B T} \int_0^\infty \langle P_{\alpha\beta}(0) P_{\alpha\beta}(t) \rangle\, dt

averaged over the three off-diagonal components xy, xz, yz (Allen & Tildesley, Computer
Simulation of Liquids, 2nd ed. 2017, section 8.5). The autocorrelation is computed over all
time origins by FFT; the integral is cut at the first zero crossing of the (component- and
run-averaged) autocorrelation, where the signal has decayed into its noise, and at most at a
quarter of a block. The standard error comes from the same integral over ``n_blocks``
consecutive blocks.

:func:`read_pressure_tensor` reads the file naspe's production stage writes,
``fix ave/time 1 N N c_thermo_press[4] c_thermo_press[5] c_thermo_press[6] file pressure.dat``
(step pxy pxz pyz; LAMMPS ``real`` units: atm). Averaging over N steps before writing keeps
the zero-frequency power of the signal, so the integral is unchanged when N steps are much
shorter than the stress correlation time.

.. warning::
   * **Long tails.** In polymers the stress autocorrelation has a slow tail (chain
     relaxation, up to ns and beyond) that a short run cannot resolve: the zero-crossing
     cutoff then underestimates eta. A viscosity from the literature or a long
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
    """Autocorrelation over all origins of each column, averaged over the columns, lags 0..n-1."""
    n = x.shape[0]
    n_fft = scipy.fft.next_fast_len(2 * n, real=True)
    spectrum = scipy.fft.rfft(x - x.mean(axis=0), n=n_fft, axis=0)
    power = (spectrum.real**2 + spectrum.imag**2).sum(axis=1)
    return scipy.fft.irfft(power, n=n_fft)[:n] / (n - np.arange(n)) / x.shape[1]


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

    def integral(acf: np.ndarray, stop: int) -> float:
        return float(np.trapezoid(acf[: stop + 1])) * scale

    whole = _acf(p)
    limit = max(2, block // 4)
    crossing = np.flatnonzero(whole[1 : limit + 1] <= 0)
    stop = int(crossing[0]) + 1 if crossing.size else limit
    blocks = [integral(_acf(p[k * block : (k + 1) * block]), stop) for k in range(n_blocks)]
    value = integral(whole, stop)
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
