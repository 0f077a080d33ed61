r"""What a conductivity MD run will cost, from a run that was measured: simulated time and core-hours.

A conductivity from MD is a slope of a mean squared displacement fitted over a lag window
that must lie in the diffusive regime. The error of such a slope falls as
:math:`\sqrt{\tau / T}` (lag window :math:`\tau`, run length :math:`T`; Qian, Sheetz & Elson,
Biophys. J. 60 (1991) 910, their Eq. 9 for the MSD-slope variance of a Brownian walker),
and the window has to reach the same displacement whatever the ions' speed, so
:math:`\tau \propto 1/D`. Hence, for the same cell and error target,

.. math:: T_{target} = T_{ref} \left(\frac{\epsilon_{ref}}{\epsilon_{target}}\right)^2
          \frac{D_{ref}}{D} \left(\frac{N_{ref}}{N}\right)^{k}

with :math:`k = 1` for sigma_NE (the ions are averaged over, so N of them help as
:math:`1/N`) and :math:`k = 0` for sigma_EH (one collective displacement, whatever N).
:func:`production_time_ps` applies it to a measured run (its production time, the relative
error it reached, its D and ion count); :func:`diffusive_time_ps` is the other floor, the run
whose fit window lets the ions move one ion spacing; :func:`core_hours` turns simulated time into
core-hours at a measured speed, scaled to the cell's atom count (pair and PPPM work grow
about linearly with atoms at fixed density and cutoff).

.. warning::
   * **An estimate, not a promise.** The scaling holds once the run is diffusive; the
     prefactor comes from one measured run and carries its noise (a 5-block error is
     itself uncertain by ~35 %, so the time by ~70 %).
   * **D at other conditions.** Where the D of the target system was never computed,
     it has to be extrapolated (temperature, chain length, cation); say how, and treat
     the result as an order of magnitude.

Examples
--------
>>> round(production_time_ps(1000.0, 0.3, 1.0e-6, 2.5e-7, 0.2, "sigma_eh_S_cm"))
9000
"""

from __future__ import annotations

import math

__all__ = ["production_time_ps", "diffusive_time_ps", "core_hours", "arrhenius_factor"]

#: quantities the estimate knows, with the exponent of the ion-count ratio
ION_COUNT_EXPONENT = {"sigma_ne_S_cm": 1.0, "sigma_eh_S_cm": 0.0}
#: molar gas constant (J/(mol K)), CODATA 2018 exact
GAS_CONSTANT_J_MOL_K = 8.314462618


def _positive(**values: float | None) -> None:
    for name, value in values.items():
        if value is None or not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name}={value!r}: must be a finite number > 0")


def production_time_ps(
    ref_duration_ps: float,
    ref_relative_error: float,
    ref_diffusion_cm2_s: float,
    diffusion_cm2_s: float,
    error_target: float,
    quantity: str,
    ref_n_ions: int = 1,
    n_ions: int = 1,
) -> float:
    """Production time (ps per replica) that brings ``quantity`` to ``error_target``, from a measured run.

    Parameters
    ----------
    ref_duration_ps
        Production time of the measured run (ps).
    ref_relative_error
        Relative standard error of ``quantity`` that run reached (0.3 = 30 %).
    ref_diffusion_cm2_s, diffusion_cm2_s
        D of the slowest ion (cm^2/s) in the measured run and in the system estimated.
    error_target
        Relative standard error wanted (0.2 = 20 %).
    quantity
        ``sigma_eh_S_cm`` or ``sigma_ne_S_cm``.
    ref_n_ions, n_ions
        Ions in the measured cell and in the estimated one (only sigma_NE gains from more).

    Raises
    ------
    ValueError
        A non-positive or non-finite number, or an unknown quantity.
    """
    if quantity not in ION_COUNT_EXPONENT:
        raise ValueError(f"quantity={quantity!r}: allowed are {', '.join(ION_COUNT_EXPONENT)}")
    _positive(
        ref_duration_ps=ref_duration_ps,
        ref_relative_error=ref_relative_error,
        ref_diffusion_cm2_s=ref_diffusion_cm2_s,
        diffusion_cm2_s=diffusion_cm2_s,
        error_target=error_target,
        ref_n_ions=ref_n_ions,
        n_ions=n_ions,
    )
    k = ION_COUNT_EXPONENT[quantity]
    return float(
        ref_duration_ps
        * (ref_relative_error / error_target) ** 2
        * (ref_diffusion_cm2_s / diffusion_cm2_s)
        * (ref_n_ions / n_ions) ** k
    )


def diffusive_time_ps(diffusion_cm2_s: float, spacing_angstrom: float, run_per_window: float = 10.0) -> float:
    """Run length (ps) whose fit window lets the ions move one mean ion spacing: 6 D t_w = spacing^2.

    Until the ions' rms displacement over the fit window reaches the mean spacing between
    ions, (V/N)^(1/3), the MSD still holds their local (cage, solvation-shell) motion and is
    not yet diffusive (naspe's transport analysis warns then). With naspe's default fit
    windows (5 blocks, lags up to half a block) the longest lag is a tenth of the run,
    hence ``run_per_window`` = 10.
    """
    _positive(diffusion_cm2_s=diffusion_cm2_s, spacing_angstrom=spacing_angstrom, run_per_window=run_per_window)
    d_angstrom2_ps = diffusion_cm2_s * 1e4  # 1 cm^2/s = 1e16 Å^2 / 1e12 ps
    return float(run_per_window * spacing_angstrom**2 / (6.0 * d_angstrom2_ps))


def core_hours(
    simulated_ps: float, ref_ns_per_day: float, ref_atoms: int, atoms: int, ref_cores: int = 1, replicas: int = 1
) -> float:
    """Core-hours of ``simulated_ps`` (per replica, x ``replicas``) for a cell of ``atoms``.

    ``ref_ns_per_day`` is a measured speed of a cell of ``ref_atoms`` on ``ref_cores`` cores;
    the cost is scaled linearly with the atom count.
    """
    _positive(
        simulated_ps=simulated_ps, ref_ns_per_day=ref_ns_per_day, ref_atoms=ref_atoms, atoms=atoms, ref_cores=ref_cores
    )
    if not isinstance(replicas, int) or replicas < 1:
        raise ValueError(f"replicas={replicas!r}: must be an integer >= 1")
    days_per_ns = (atoms / ref_atoms) / ref_ns_per_day
    return float(simulated_ps / 1000.0 * days_per_ns * 24.0 * ref_cores * replicas)


def arrhenius_factor(activation_kJ_mol: float, from_K: float, to_K: float) -> float:
    """D(to_K) / D(from_K) for an Arrhenius activation energy (kJ/mol)."""
    _positive(activation_kJ_mol=activation_kJ_mol, from_K=from_K, to_K=to_K)
    return math.exp(-activation_kJ_mol * 1000.0 / GAS_CONSTANT_J_MOL_K * (1.0 / to_K - 1.0 / from_K))
