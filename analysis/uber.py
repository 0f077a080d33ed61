"""Universal binding-energy relation (UBER) fit of a rigid separation scan.

Rose, Smith & Ferrante, Phys. Rev. B 28 (1983) 1835 showed that the energy of
two surfaces pulled apart rigidly follows

    E(d) = E_inf - W A (1 + x) exp(-x),   x = (d - d0) / l

with W the work of adhesion (energy per area), d0 the equilibrium separation
and l a length scale of the bond's decay. :func:`fit_uber` fits W, d0, l and
E_inf to energies at several gaps d (Å) between the top substrate atom and the
lowest film atom.

.. warning::
   A rigid scan measures the *ideal* work of separation of the frozen
   geometry; it is larger than the relaxed W_adh when the surfaces relax on
   separation, and it says nothing about a reaction (broken film bonds). Points
   well past the minimum (d - d0 >= 3 l) are needed for E_inf; dispersion-bound
   films decay slowly (l ~ 1 Å), so scan to at least 4-5 Å past d0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

__all__ = ["UberFit", "fit_uber", "uber_energy"]

EV_PER_A2_TO_J_PER_M2 = 16.021766  # 1 eV/Å^2 = 1.602176634e-19 J / 1e-20 m^2


def uber_energy(d: np.ndarray, e_inf: float, w_area: float, d0: float, length: float) -> np.ndarray:
    """UBER energy (eV) at separations ``d`` (Å); ``w_area`` = W * A (eV)."""
    x = (np.asarray(d, dtype=float) - d0) / length
    return e_inf - w_area * (1.0 + x) * np.exp(-x)


class UberFit(BaseModel):
    """UBER parameters of a rigid separation scan."""

    w_adh_J_m2: float = Field(description="Work of separation from the fit (J/m^2)")
    w_adh_J_m2_error: float = Field(description="One-sigma fit uncertainty of w_adh_J_m2 (J/m^2)")
    w_adh_eV_A2: float = Field(description="Work of separation from the fit (eV/Å^2)")
    d0_angstrom: float = Field(description="Equilibrium separation (Å)")
    length_angstrom: float = Field(description="UBER length scale l (Å)")
    e_inf_eV: float = Field(description="Energy at infinite separation (eV)")
    rms_eV: float = Field(description="Root-mean-square residual of the fit (eV)")
    separations_angstrom: list[float] = Field(description="Scanned separations (Å)")
    energies_eV: list[float] = Field(description="Scanned energies (eV)")


def fit_uber(
    separations_angstrom: Sequence[float] | np.ndarray, energies_eV: Sequence[float] | np.ndarray, area_angstrom2: float
) -> UberFit:
    """Fit the UBER to a rigid scan.

    Parameters
    ----------
    separations_angstrom
        Gaps d (Å), at least 4 distinct values, some beyond the minimum.
    energies_eV
        Total energies (eV) at those gaps.
    area_angstrom2
        Interface area A (Å^2).

    Raises
    ------
    ValueError
        Too few points, a scan that does not bracket a minimum, or a failed fit.
    """
    d = np.asarray(separations_angstrom, dtype=float)
    e = np.asarray(energies_eV, dtype=float)
    if d.shape != e.shape or d.ndim != 1:
        raise ValueError(f"separations ({d.shape}) and energies ({e.shape}) must be 1-D and of equal length")
    if len(np.unique(d)) < 4:
        raise ValueError(f"{len(np.unique(d))} distinct separations: the UBER fit needs at least 4")
    if area_angstrom2 <= 0:
        raise ValueError(f"area_angstrom2={area_angstrom2}: must be > 0 Å^2")
    if not np.all(np.isfinite(e)):
        raise ValueError("energies contain non-finite values")
    order = np.argsort(d)
    d, e = d[order], e[order]
    k = int(np.argmin(e))
    if k == len(d) - 1:
        raise ValueError(
            f"the lowest energy is at the largest separation ({d[-1]:.2f} Å): the scan does not reach past the "
            "minimum; the surfaces do not bind or the scan is too short"
        )
    p0 = [e[-1], max(e[-1] - e[k], 1e-6), d[k], 0.7]
    from scipy.optimize import curve_fit  # SciPy's optimizers (0.5 s): when a scan is fitted

    try:
        popt, pcov = curve_fit(
            uber_energy, d, e, p0=p0, bounds=([-np.inf, 0.0, d[0] - 2.0, 0.05], [np.inf, np.inf, d[-1], 5.0])
        )
    except RuntimeError as err:
        raise ValueError(f"UBER fit failed: {err}") from err
    e_inf, w_area, d0, length = (float(x) for x in popt)
    rms = float(np.sqrt(np.mean((uber_energy(d, *popt) - e) ** 2)))
    w_err = float(np.sqrt(max(pcov[1, 1], 0.0))) if np.all(np.isfinite(pcov)) else float("nan")
    return UberFit(
        w_adh_J_m2=w_area / area_angstrom2 * EV_PER_A2_TO_J_PER_M2,
        w_adh_J_m2_error=w_err / area_angstrom2 * EV_PER_A2_TO_J_PER_M2,
        w_adh_eV_A2=w_area / area_angstrom2,
        d0_angstrom=d0,
        length_angstrom=length,
        e_inf_eV=e_inf,
        rms_eV=rms,
        separations_angstrom=d.tolist(),
        energies_eV=e.tolist(),
    )
