"""Numbers from a few total energies: equation-of-state and curve minima, each with a fit uncertainty.

Pure functions of arrays (no engine, no store), so they are tested on synthetic
curves with known answers. Each returns the value and an uncertainty that is the
spread between two reasonable fits of the same points: a real fit error, not a
statistical one (the energies have no noise, the model does).
"""

from __future__ import annotations

import numpy as np

__all__ = ["bcc_lattice_constant", "curve_minimum"]


def _check_points(x, y, at_least: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D of one length, got shapes {x.shape} and {y.shape}")
    if len(x) < at_least:
        raise ValueError(f"{len(x)} points: at least {at_least} are needed")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("non-finite energies or coordinates")
    order = np.argsort(x)
    return x[order], y[order]


def bcc_lattice_constant(a_angstrom, energies_eV) -> tuple[float, float, float]:
    """Equilibrium bcc lattice constant (Å) from energies (eV per primitive cell) at lattice constants (Å).

    The Birch-Murnaghan equation of state (ASE) is fitted to E(V), V = a^3 / 2 the
    primitive-cell volume; the uncertainty is |a(Birch-Murnaghan) - a(cubic in a)|.

    Returns
    -------
    (a0_angstrom, uncertainty_angstrom, bulk_modulus_GPa)

    Raises
    ------
    ValueError
        Fewer than 5 points, or a minimum outside the scanned range.
    """
    from ase.eos import EquationOfState
    from ase.units import GPa

    a, e = _check_points(a_angstrom, energies_eV, 5)
    if np.argmin(e) in (0, len(e) - 1):
        raise ValueError(
            f"the lowest energy is at the edge of the scan (a = {a[np.argmin(e)]:.3f} Å): widen or shift the scan"
        )
    v0, _, bulk_modulus = EquationOfState(a**3 / 2, e, eos="birchmurnaghan").fit()
    a_bm = float((2 * v0) ** (1 / 3))
    a_poly, _, _ = curve_minimum(a, e)
    return a_bm, abs(a_bm - a_poly), float(bulk_modulus / GPa)


def curve_minimum(x, y) -> tuple[float, float, float]:
    """Minimum of a smooth curve sampled at ``x``: position, its uncertainty and the value there.

    A cubic is fitted to all points (at least 4); the uncertainty of the position
    is its distance to the vertex of a parabola through the three lowest points.

    Returns
    -------
    (x_min, x_min_uncertainty, y_min), in the units of ``x`` and ``y``.

    Raises
    ------
    ValueError
        Fewer than 4 points, or the lowest point at an end of the range (no bracketed minimum).
    """
    x, y = _check_points(x, y, 4)
    k = int(np.argmin(y))
    if k in (0, len(y) - 1):
        raise ValueError(f"the lowest point is at the end of the range (x = {x[k]:g}): the minimum is not bracketed")
    centre, scale = x.mean(), np.ptp(x) / 2
    t = (x - centre) / scale  # a cubic in t in [-1, 1]: well conditioned
    a3, a2, a1, a0 = np.polyfit(t, y, 3)
    # stationary points: 3 a3 t^2 + 2 a2 t + a1 = 0 (a parabola's vertex when the cubic term vanishes)
    if abs(a3) < 1e-9 * (abs(a2) + abs(a1) + 1e-300):
        stationary = [-a1 / (2 * a2)] if a2 != 0 else []
    else:
        disc = a2**2 - 3 * a3 * a1
        stationary = [] if disc < 0 else [(-a2 + sgn * np.sqrt(disc)) / (3 * a3) for sgn in (1, -1)]
    minima = [r for r in stationary if -1 <= r <= 1 and 6 * a3 * r + 2 * a2 > 0]
    if not minima:
        raise ValueError("the cubic fit has no minimum inside the range")
    t_min = min(minima, key=lambda r: abs(r - t[k]))
    x_min = float(centre + scale * t_min)
    y_min = float(np.polyval([a3, a2, a1, a0], t_min))
    c2, c1, _ = np.polyfit(x[k - 1 : k + 2], y[k - 1 : k + 2], 2)
    x_parabola = -c1 / (2 * c2) if c2 > 0 else x[k]
    return x_min, float(abs(x_min - x_parabola)), y_min
