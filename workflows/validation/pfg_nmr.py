"""Measured (PFG-NMR) self-diffusion of LiTFSI in PEG dimethyl ethers, as a function of chain length and T.

Hayamizu, Akiba, Bando & Aihara, J. Chem. Phys. 117 (2002) 5929 measured 7Li, 19F and 1H
self-diffusion in CH3O(CH2CH2O)nCH3 + LiTFSI at [Li]/[O] = 0.05 for n = 3-50. The values
below are their Fig. 8 (D against temperature) with the chain lengths of their Table 1, as
digitised by A. Thum (github.com/andthum/lintf2_ether_ana_postproc,
``scripts/bulk_and_walls/mdt/msd/plot_diff_coeff_chain-length_dependence_exp.py``, commit
53671b4003ddac601295da825f0c5bb1ecdeaecd); neither the figure nor the salt ratio could be
read in the paper here (the ratio is that repository's label r = 0.05). Digitising a
log-scale figure adds a few per cent to the ~5 % of PFG-NMR.

:func:`measured_li_diffusion` interpolates them: each measured chain's ln D at the wanted
temperature (its least-squares Arrhenius line, or, for a chain measured at 333 K only, that
point moved with the activation energy interpolated in ln(chain) from its neighbours), then
ln D linear in ln(ether O per chain). Chains outside the measured 11.6-56.3 ether O are
extrapolated along the nearest segment and say so.
"""

from __future__ import annotations

import math

import numpy as np

from naspe.analysis.transport_cost import GAS_CONSTANT_J_MOL_K, arrhenius_factor

__all__ = ["HAYAMIZU_2002_LI_CM2_S", "HAYAMIZU_2002_SOURCE", "measured_li_diffusion"]

HAYAMIZU_2002_SOURCE = (
    "PFG-NMR (7Li) of PEGDME + LiTFSI, [Li]/[O] = 0.05: Hayamizu, Akiba, Bando & Aihara, J. Chem. Phys. 117 (2002) "
    "5929, Fig. 8 and Table 1, as digitised in github.com/andthum/lintf2_ether_ana_postproc (commit 53671b40)"
)
#: ether O per chain -> {T (K): D(Li) (cm^2/s)}; 1 nm^2/ns = 1e-5 cm^2/s
HAYAMIZU_2002_LI_CM2_S: dict[float, dict[float, float]] = {
    11.6: {303.0: 1.44467e-7, 333.0: 4.25789e-7, 343.0: 6.33618e-7, 363.0: 1.08657e-6},
    23.9: {333.0: 1.03120e-7},
    56.3: {333.0: 3.89734e-8, 343.0: 5.79263e-8, 363.0: 1.12581e-7},
}
_T_COMMON_K = 333.0


def _arrhenius_line(points: dict[float, float]) -> tuple[float, float]:
    """Least-squares (activation energy in kJ/mol, ln D at 1/T = 0) of {T (K): D}."""
    t = np.array(sorted(points))
    slope, intercept = np.polyfit(1.0 / t, np.log([points[x] for x in t]), 1)
    return float(-slope * GAS_CONSTANT_J_MOL_K / 1000.0), float(intercept)


def measured_li_diffusion(ether_oxygens: float, temperature_K: float) -> tuple[float, str]:
    """D(Li) (cm^2/s) of PEGDME/LiTFSI at [Li]/[O] = 0.05 from Hayamizu 2002, and how it was obtained.

    Parameters
    ----------
    ether_oxygens
        Ether O per chain (n + 1 for CH3O(CH2CH2O)nCH3).
    temperature_K
        Temperature (K); the measurements span 303-363 K.

    Raises
    ------
    ValueError
        A chain of fewer than 2 ether O or a temperature outside 250-450 K.
    """
    if not ether_oxygens >= 2:
        raise ValueError(f"ether_oxygens={ether_oxygens}: a chain has at least 2 ether O")
    if not 250.0 <= temperature_K <= 450.0:
        raise ValueError(f"temperature_K={temperature_K}: allowed is 250-450 K")
    chains = sorted(HAYAMIZU_2002_LI_CM2_S)
    ln_n = np.log(chains)
    lines = {c: _arrhenius_line(p) for c, p in HAYAMIZU_2002_LI_CM2_S.items() if len(p) >= 2}
    ln_fitted, ea_fitted = np.log(list(lines)), [ea for ea, _ in lines.values()]
    x = math.log(ether_oxygens)
    e = float(np.interp(x, ln_fitted, ea_fitted))  # held at the end values outside

    def ln_d(c: float) -> float:  # ln D of a measured chain at temperature_K: its own fit, or 333 K + Ea
        if c in lines:
            ea, intercept = lines[c]
            return intercept - ea * 1000.0 / GAS_CONSTANT_J_MOL_K / temperature_K
        ea = float(np.interp(math.log(c), ln_fitted, ea_fitted))
        return math.log(HAYAMIZU_2002_LI_CM2_S[c][_T_COMMON_K] * arrhenius_factor(ea, _T_COMMON_K, temperature_K))

    values = [ln_d(c) for c in chains]
    i = 0 if x <= ln_n[0] else len(chains) - 2 if x >= ln_n[-1] else int(np.searchsorted(ln_n, x)) - 1
    d = math.exp(values[i] + (values[i + 1] - values[i]) * (x - ln_n[i]) / (ln_n[i + 1] - ln_n[i]))
    inside = chains[0] <= ether_oxygens <= chains[-1]
    how = (
        f"{'interpolated' if inside else 'EXTRAPOLATED'} in ln(chain) between the measured {chains[0]:g}-"
        f"{chains[-1]:g} ether O, each at {temperature_K:g} K from its Arrhenius fit (Ea {e:.1f} kJ/mol here)"
    )
    return d, how
