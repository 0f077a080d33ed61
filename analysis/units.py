"""Physical constants and the unit conversions of the transport analysis.

Internally lengths are in Å, times in fs and charges in units of the elementary
charge e; results are reported in cm^2/s (diffusion) and S/cm (conductivity).
Constants are the exact SI values of the 2019 redefinition.
"""

from __future__ import annotations

__all__ = [
    "ELEMENTARY_CHARGE_C",
    "BOLTZMANN_J_PER_K",
    "BOLTZMANN_EV_PER_K",
    "ANGSTROM2_PER_FS_TO_CM2_PER_S",
    "conductivity_S_cm",
]

#: elementary charge (C), exact
ELEMENTARY_CHARGE_C = 1.602176634e-19
#: Boltzmann constant (J/K), exact
BOLTZMANN_J_PER_K = 1.380649e-23
#: Boltzmann constant (eV/K) = k_B / e
BOLTZMANN_EV_PER_K = BOLTZMANN_J_PER_K / ELEMENTARY_CHARGE_C
#: 1 Å^2/fs = 1e-16 cm^2 / 1e-15 s = 0.1 cm^2/s
ANGSTROM2_PER_FS_TO_CM2_PER_S = 0.1

_ANGSTROM2_PER_FS_TO_M2_PER_S = 1e-5
_ANGSTROM3_TO_M3 = 1e-30
_S_PER_M_TO_S_PER_CM = 1e-2


def conductivity_S_cm(q2_diffusivity: float, volume_angstrom3: float, temperature_K: float) -> float:
    """Conductivity sigma = e^2 X / (V k_B T) in S/cm.

    Parameters
    ----------
    q2_diffusivity
        X in e^2 Å^2/fs: ``sum_s N_s q_s^2 D_s`` (Nernst-Einstein) or the slope
        of the charge-displacement MSD ``<|sum_i q_i dr_i(t)|^2>`` divided by 6
        (Einstein-Helfand); q in units of e.
    volume_angstrom3
        Cell volume V (Å^3).
    temperature_K
        Temperature T (K).

    Returns
    -------
    float
        sigma (S/cm).
    """
    numerator = ELEMENTARY_CHARGE_C**2 * q2_diffusivity * _ANGSTROM2_PER_FS_TO_M2_PER_S
    denominator = volume_angstrom3 * _ANGSTROM3_TO_M3 * BOLTZMANN_J_PER_K * temperature_K
    return numerator / denominator * _S_PER_M_TO_S_PER_CM
