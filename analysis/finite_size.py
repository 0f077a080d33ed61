r"""Finite-size correction of self-diffusion coefficients (Yeh & Hummer).

In a periodic cell of edge L a diffusing particle drags its periodic images along through
the hydrodynamic flow it creates, which lowers its diffusion coefficient by

.. math:: D_\infty = D_{PBC} + \frac{k_B T \xi}{6 \pi \eta L}, \qquad \xi = 2.837297

for a cubic cell (Yeh & Hummer, J. Phys. Chem. B 108 (2004) 15873, eq 11; xi from the Ewald
sum of the Oseen tensor, Dünweg & Kremer, J. Chem. Phys. 99 (1993) 6983). The correction is
the same for every species and does not depend on its size.

.. warning::
   * **Cell shape.** xi = 2.837297 holds for cubic cells. For non-cubic orthorhombic cells
     the correction differs (Kikugawa et al., J. Chem. Phys. 143 (2015) 024507); L = V^(1/3) is
     used here with a warning when the edges differ by more than 10 % or the cell is tilted.
   * **Viscosity.** eta must be the shear viscosity of the *same model at the same
     temperature*, computed in the periodic cell (Yeh & Hummer found it nearly independent of
     L). A Green-Kubo eta from a short run is uncertain by tens of per cent; its error enters
     the corrected D.
   * **Conductivity.** The Nernst-Einstein sigma is built from the uncorrected D; the
     collective (Einstein-Helfand) conductivity has no correction of this form.
"""

from __future__ import annotations

import numpy as np

from naspe.analysis.transport_result import FiniteSizeCorrection
from naspe.analysis.units import BOLTZMANN_J_PER_K
from naspe.analysis.values import ValueWithError

__all__ = ["XI_CUBIC", "yeh_hummer_delta_cm2_s", "finite_size_correction"]

#: Yeh & Hummer (2004) xi of a cubic lattice
XI_CUBIC = 2.837297


def yeh_hummer_delta_cm2_s(temperature_K: float, viscosity_mPa_s: float, box_length_angstrom: float) -> float:
    """The Yeh-Hummer increment kB T xi / (6 pi eta L) in cm^2/s.

    Parameters
    ----------
    temperature_K
        Temperature (K).
    viscosity_mPa_s
        Shear viscosity eta (mPa s = cP).
    box_length_angstrom
        Cell edge L (Å).
    """
    if not (np.isfinite(viscosity_mPa_s) and viscosity_mPa_s > 0):
        raise ValueError(f"viscosity {viscosity_mPa_s} mPa s: must be a positive number")
    if not (np.isfinite(box_length_angstrom) and box_length_angstrom > 0):
        raise ValueError(f"box length {box_length_angstrom} Å: must be positive")
    eta_pa_s = viscosity_mPa_s * 1e-3
    length_m = box_length_angstrom * 1e-10
    return BOLTZMANN_J_PER_K * temperature_K * XI_CUBIC / (6.0 * np.pi * eta_pa_s * length_m) * 1e4


def finite_size_correction(
    diffusion_cm2_s: dict[str, ValueWithError],
    viscosity_mPa_s: ValueWithError,
    viscosity_source: str,
    cell_matrix_angstrom: np.ndarray,
    temperature_K: float,
) -> FiniteSizeCorrection:
    """The Yeh-Hummer corrected D of every species, with the raw ones left as they are.

    Parameters
    ----------
    diffusion_cm2_s
        Raw D_PBC of each species (cm^2/s).
    viscosity_mPa_s
        Shear viscosity with its standard error (mPa s).
    viscosity_source
        Where the viscosity came from (recorded in the result).
    cell_matrix_angstrom
        Mean cell edge vectors as rows (Å).
    temperature_K
        Temperature (K).
    """
    matrix = np.asarray(cell_matrix_angstrom, dtype=float)
    length = float(abs(np.linalg.det(matrix)) ** (1.0 / 3.0))
    eta = viscosity_mPa_s.value
    if eta is None:
        raise ValueError("viscosity undefined (null): the Yeh-Hummer correction needs a positive viscosity")
    delta = yeh_hummer_delta_cm2_s(temperature_K, eta, length)
    delta_err = delta * viscosity_mPa_s.stderr / eta if viscosity_mPa_s.stderr is not None else None
    notes = []
    edges = np.linalg.norm(matrix, axis=1)
    if edges.max() > 1.1 * edges.min() or not np.allclose(matrix, np.diag(np.diag(matrix))):
        notes.append(
            f"the cell is not cubic (edges {', '.join(f'{e:.3g}' for e in edges)} Å): the cubic xi with "
            "L = V^(1/3) is an approximation (Kikugawa et al. 2015)"
        )
    corrected = {}
    for name, d in diffusion_cm2_s.items():
        if d.value is None:
            corrected[name] = ValueWithError()
            continue
        parts = [e for e in (d.stderr, delta_err) if e is not None]
        corrected[name] = ValueWithError(
            value=d.value + delta,
            stderr=float(np.hypot(parts[0], parts[1])) if len(parts) == 2 else (parts[0] if parts else None),
        )
        if d.value > 0 and delta > d.value:
            notes.append(f"the correction exceeds D({name}) itself: check the viscosity and the cell size")
    return FiniteSizeCorrection(
        viscosity_mPa_s=viscosity_mPa_s,
        viscosity_source=viscosity_source,
        box_length_angstrom=length,
        xi=XI_CUBIC,
        delta_diffusion_cm2_s=ValueWithError(value=delta, stderr=delta_err),
        diffusion_cm2_s=corrected,
        warnings=notes,
    )
