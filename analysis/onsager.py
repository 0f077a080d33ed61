r"""Onsager transport coefficients of the ions: cation-cation, anion-anion, cation-anion, self and distinct.

Following Fong, Self, McCloskey & Persson, Macromolecules 54 (2021) 2575 ("Ion correlations
and their impact on transport in polymer-based electrolytes"), the Onsager coefficients of
the ion groups a, b (a, b = + for all cations, - for all anions) are

.. math::

   L^{ab} = \frac{1}{6 k_B T V} \lim_{t\to\infty} \frac{d}{dt}
            \Big\langle \sum_{i \in a} \Delta r_i(t) \cdot \sum_{j \in b} \Delta r_j(t) \Big\rangle ,

split for a = b into a *self* part (i = j: :math:`N_a \langle \Delta r^2 \rangle`, the
Nernst-Einstein term) and a *distinct* part (i != j: correlations between different ions);
:math:`L^{+-}` is distinct only. With the charges :math:`z_+ e, z_- e` of the groups the
conductivity and the cation transference number that include every correlation are

.. math::

   \sigma = e^2 (z_+^2 L^{++} + z_-^2 L^{--} + 2 z_+ z_- L^{+-}), \qquad
   t_+ = e^2 (z_+^2 L^{++} + z_+ z_- L^{+-}) / \sigma ,

for monovalent ions :math:`t_+ = (L^{++} - L^{+-}) / (L^{++} + L^{--} - 2 L^{+-})`
(Fong et al. 2021, eqs 4-6). Here every :math:`L` is reported multiplied by :math:`e^2`,
i.e. in S/cm (the conductivity a group of unit charges would carry), so that the sums
above need only the dimensionless z.

The sums are computed from collective mean-squared displacements (FFT, all time origins):
with :math:`R_a = \sum_{i\in a} r_i`, :math:`\langle\Delta R_+\cdot\Delta R_-\rangle =
\tfrac12(\langle|\Delta(R_+ + R_-)|^2\rangle - \langle|\Delta R_+|^2\rangle - \langle|\Delta R_-|^2\rangle)`.

.. warning::
   * **Noise.** The total and distinct parts are collective quantities (one vector per
     group), as noisy as the Einstein-Helfand conductivity; their block errors are large
     unless the run is long. The self parts are as well averaged as D.
   * **Reference frame.** The positions are relative to the system centre of mass
     (barycentric frame). The distinct parts depend on the frame (Fong et al. 2021,
     section 2); only sigma does not (for a neutral system). A cell of ions alone whose
     drift is removed with the ions' own centre of mass is forced to
     m+ dR+ + m- dR- = 0: its distinct parts then mirror the self parts and say nothing
     about ion pairing; use the system centre of mass (``com_file``) of a cell with solvent.
   * **Charges.** z are the charges the transport analysis uses (formal or scaled); the
     L themselves do not depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from naspe.analysis.fit_points import SIGNIFICANCE
from naspe.analysis.msd import collective_msd_fft
from naspe.analysis.regime import fit_line
from naspe.analysis.transport_result import OnsagerCoefficient, OnsagerTransport
from naspe.analysis.units import conductivity_S_cm
from naspe.analysis.values import ValueWithError

__all__ = [
    "GroupCorrelations",
    "OnsagerEstimate",
    "group_correlations",
    "onsager_estimate",
    "ion_groups",
    "onsager_transport",
]


@dataclass
class GroupCorrelations:
    r"""Time-origin averaged displacement correlations of the cation and anion groups (Å^2) at each lag.

    Attributes
    ----------
    plus_plus, minus_minus, plus_minus
        :math:`\langle\Delta R_a\cdot\Delta R_b\rangle` of the group sums (Å^2).
    plus_self, minus_self
        :math:`\sum_{i\in a}\langle|\Delta r_i|^2\rangle` (Å^2): the self parts.
    """

    plus_plus: np.ndarray
    minus_minus: np.ndarray
    plus_minus: np.ndarray
    plus_self: np.ndarray
    minus_self: np.ndarray


@dataclass
class OnsagerEstimate:
    """Onsager coefficients times e^2 (S/cm), conductivity (S/cm) and t+ of one stretch of trajectory."""

    l_pp: float
    l_mm: float
    l_pm: float
    l_pp_self: float
    l_mm_self: float
    sigma_S_cm: float
    transference_cation: float

    @property
    def l_pp_distinct(self) -> float:
        """Distinct part of L++ (S/cm)."""
        return self.l_pp - self.l_pp_self

    @property
    def l_mm_distinct(self) -> float:
        """Distinct part of L-- (S/cm)."""
        return self.l_mm - self.l_mm_self


def ion_groups(charges: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float] | str:
    """Cation and anion indices and their charges z+, z- (e), or why no Onsager analysis is possible.

    Parameters
    ----------
    charges
        Charge of each ion (e), as the transport analysis uses them.
    """
    charges = np.asarray(charges, dtype=float)
    plus, minus = np.flatnonzero(charges > 0), np.flatnonzero(charges < 0)
    if plus.size == 0 or minus.size == 0:
        return "the ions are not of both signs"
    for name, group in (("cations", plus), ("anions", minus)):
        if np.ptp(charges[group]) > 1e-6:
            return f"the {name} carry different charges: one z per group is needed"
    return plus, minus, float(charges[plus[0]]), float(charges[minus[0]])


def group_correlations(positions: np.ndarray, plus: np.ndarray, minus: np.ndarray, self_msd: dict) -> GroupCorrelations:
    """The group displacement correlations of ``positions`` (Å, shape (n_frames, n_ions, 3)).

    Parameters
    ----------
    positions
        Unwrapped, drift-free ion positions (Å).
    plus, minus
        Indices of the cations and of the anions.
    self_msd
        ``{"plus": sum of the cations' MSDs, "minus": ...}`` (Å^2), already computed per species.
    """
    r_plus = positions[:, plus].astype(np.float64).sum(axis=1)
    r_minus = positions[:, minus].astype(np.float64).sum(axis=1)
    pp = collective_msd_fft(r_plus)
    mm = collective_msd_fft(r_minus)
    both = collective_msd_fft(r_plus + r_minus)
    return GroupCorrelations(
        plus_plus=pp,
        minus_minus=mm,
        plus_minus=0.5 * (both - pp - mm),
        plus_self=self_msd["plus"],
        minus_self=self_msd["minus"],
    )


def onsager_estimate(
    lag_fs: np.ndarray,
    corr: GroupCorrelations,
    window: tuple[int, int],
    volume_angstrom3: float,
    temperature_K: float,
    z_plus: float,
    z_minus: float,
) -> OnsagerEstimate:
    """L (S/cm), sigma and t+ from the slopes of the correlations over lags ``window`` (indices, inclusive)."""

    def coefficient(c: np.ndarray) -> float:
        return conductivity_S_cm(fit_line(lag_fs, c, *window) / 6.0, volume_angstrom3, temperature_K)

    pp, mm, pm = coefficient(corr.plus_plus), coefficient(corr.minus_minus), coefficient(corr.plus_minus)
    sigma = z_plus**2 * pp + z_minus**2 * mm + 2.0 * z_plus * z_minus * pm
    cation = z_plus**2 * pp + z_plus * z_minus * pm
    return OnsagerEstimate(
        l_pp=pp,
        l_mm=mm,
        l_pm=pm,
        l_pp_self=coefficient(corr.plus_self),
        l_mm_self=coefficient(corr.minus_self),
        sigma_S_cm=sigma,
        transference_cation=cation / sigma if sigma != 0 else float("nan"),
    )


def _coefficient(whole: OnsagerEstimate, blocks: list[OnsagerEstimate], total: str, self_part: str | None):
    def pick(attr: str | None) -> ValueWithError:
        if attr is None:
            return ValueWithError(value=0.0, stderr=0.0)
        return ValueWithError.from_blocks(getattr(whole, attr), [getattr(b, attr) for b in blocks])

    distinct = None if self_part is None else f"{total}_distinct"
    return OnsagerCoefficient(
        total=pick(total), self_part=pick(self_part), distinct=pick(distinct) if distinct else pick(total)
    )


def onsager_transport(
    whole: OnsagerEstimate,
    blocks: list[OnsagerEstimate],
    cations: list[str],
    anions: list[str],
    z_plus: float,
    z_minus: float,
) -> OnsagerTransport:
    """The result document from the whole-run estimate and the block estimates (standard errors)."""
    sigma = ValueWithError.from_blocks(whole.sigma_S_cm, [b.sigma_S_cm for b in blocks])
    t_plus = ValueWithError.from_blocks(whole.transference_cation, [b.transference_cation for b in blocks])
    why = None
    if sigma.value is None or sigma.stderr is None or sigma.value <= SIGNIFICANCE * sigma.stderr:
        shown = "undefined" if sigma.value is None else f"{sigma.value:.3g} ± {sigma.stderr or 0:.2g} S/cm"
        why = (
            f"sigma from the Onsager coefficients = {shown} is not significantly positive (> {SIGNIFICANCE:g} "
            "standard errors): the ions move together (pairs, neutral clusters) or the run is too short"
        )
        t_plus = ValueWithError()
    return OnsagerTransport(
        cations=cations,
        anions=anions,
        z_cation=z_plus,
        z_anion=z_minus,
        cation_cation=_coefficient(whole, blocks, "l_pp", "l_pp_self"),
        anion_anion=_coefficient(whole, blocks, "l_mm", "l_mm_self"),
        cation_anion=_coefficient(whole, blocks, "l_pm", None),
        sigma_S_cm=sigma,
        transference_cation=t_plus,
        transference_cation_undefined=why,
        block_sigma_S_cm=[_finite(b.sigma_S_cm) for b in blocks],
        block_transference_cation=[_finite(b.transference_cation) for b in blocks],
    )


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None
