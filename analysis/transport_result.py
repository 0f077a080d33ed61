"""The output document of the transport analysis (pydantic models, JSON-ready).

``TransportResult.to_json_dict()`` gives, e.g.::

    {"temperature_K": 353.15,
     "diffusion_cm2_s": {"Na": {"value": 1.2e-07, "stderr": 1e-08}, "FSI": {...}},
     "sigma_ne_S_cm": {"value": ..., "stderr": ...},
     "sigma_eh_S_cm": {"value": ..., "stderr": ...},
     "haven_ratio": {"value": ..., "stderr": ...},
     "transference_cation": {"value": ..., "stderr": ...},
     "fit_window_ps": [a, b], "loglog_slope": {"Na": 0.98, "FSI": 1.01}, "diffusive": true, ...}

Numbers that cannot be computed (e.g. a Haven ratio when sigma_EH <= 0) are
``null``, never NaN, so the JSON is standard.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from naspe.analysis.solvation_result import SolvationStructure
from naspe.analysis.values import ValueWithError

__all__ = ["ValueWithError", "OnsagerCoefficient", "OnsagerTransport", "FiniteSizeCorrection", "TransportResult"]


class OnsagerCoefficient(BaseModel):
    """One Onsager coefficient L times e^2 (S/cm): total, self (i = j) and distinct (i != j) parts."""

    total: ValueWithError = Field(description="L^ab e^2 (S/cm): slope of <sum_a dr_i . sum_b dr_j> / (6 V kB T).")
    self_part: ValueWithError = Field(
        description="Self part (S/cm): the i = j terms, sum_a <|dr_i|^2> / (6 V kB T t); 0 for cation-anion."
    )
    distinct: ValueWithError = Field(
        description="Distinct part (S/cm): the i != j terms, total - self; > 0 when the ions move together."
    )


class OnsagerTransport(BaseModel):
    """Onsager coefficients of the cation and anion groups (Fong, Self, McCloskey & Persson, Macromolecules 2021)."""

    cations: list[str] = Field(description="Species of the cation group (+).")
    anions: list[str] = Field(description="Species of the anion group (-).")
    z_cation: float = Field(description="Charge z+ of each cation used for sigma and t+ (e).")
    z_anion: float = Field(description="Charge z- of each anion used for sigma and t+ (e).")
    cation_cation: OnsagerCoefficient = Field(description="L++ e^2 (S/cm).")
    anion_anion: OnsagerCoefficient = Field(description="L-- e^2 (S/cm).")
    cation_anion: OnsagerCoefficient = Field(description="L+- e^2 (S/cm); distinct only (self part 0).")
    sigma_S_cm: ValueWithError = Field(
        description="z+^2 L++ + z-^2 L-- + 2 z+ z- L+- (S/cm): the Einstein-Helfand conductivity from the L."
    )
    transference_cation: ValueWithError = Field(
        description="t+ = (z+^2 L++ + z+ z- L+-) / sigma (dimensionless), every ion-ion correlation included; "
        "null when sigma is not significantly positive."
    )
    transference_cation_undefined: str | None = Field(
        None, description="Why transference_cation is null; None when defined."
    )
    block_sigma_S_cm: list[float | None] = Field(default_factory=list, description="sigma per block (S/cm).")
    block_transference_cation: list[float | None] = Field(default_factory=list, description="t+ per block.")


class FiniteSizeCorrection(BaseModel):
    """Yeh-Hummer correction of self-diffusion for the periodic cell (J. Phys. Chem. B 108 (2004) 15873)."""

    viscosity_mPa_s: ValueWithError = Field(description="Shear viscosity used (mPa s).")
    viscosity_source: str = Field(description="Where the viscosity came from: given, or Green-Kubo of a file.")
    box_length_angstrom: float = Field(description="L = V^(1/3) of the mean cell (Å).")
    xi: float = Field(description="The cubic-lattice constant xi = 2.837297 of the correction.")
    delta_diffusion_cm2_s: ValueWithError = Field(
        description="kB T xi / (6 pi eta L) (cm^2/s), added to every species' D; stderr from eta's."
    )
    diffusion_cm2_s: dict[str, ValueWithError] = Field(
        description="Corrected self-diffusion D_PBC + delta (cm^2/s); stderr from D's and delta's in quadrature."
    )
    warnings: list[str] = Field(default_factory=list, description="Caveats (non-cubic cell, poor viscosity).")


class TransportResult(BaseModel):
    """Diffusion coefficients, conductivities and their uncertainties at one temperature."""

    temperature_K: float = Field(description="Temperature of the run (K).")
    diffusion_cm2_s: dict[str, ValueWithError] = Field(
        description="Self-diffusion coefficient of each ion species (cm^2/s), from MSD = 6 D t of the ions' "
        "centres of mass in the fit window; not corrected for finite size (Yeh-Hummer)."
    )
    sigma_ne_S_cm: ValueWithError = Field(
        description="Nernst-Einstein conductivity e^2/(V kB T) sum_s N_s q_s^2 D_s (S/cm): ions as uncorrelated."
    )
    sigma_eh_S_cm: ValueWithError = Field(
        description="Einstein-Helfand conductivity (S/cm): slope of <|sum_i q_i dr_i(t)|^2> / (6 V kB T), "
        "all cation-cation, anion-anion and cation-anion correlations included."
    )
    haven_ratio: ValueWithError = Field(
        description="H = sigma_NE / sigma_EH (dimensionless); stderr by first-order error propagation of "
        "the two block errors, their correlation neglected. H > 1: ion motion correlated (ion pairs)."
    )
    haven_ratio_undefined: str | None = Field(
        None, description="Why the Haven ratio is null (sigma_EH not significantly positive, ...); None when defined."
    )
    transference_cation: ValueWithError = Field(
        description="Cation transference number estimate t+ = sum_cations N q^2 D / sum_all N q^2 D "
        "(dimensionless) from self-diffusion only: ignores ion-ion correlations."
    )
    fit_window_ps: tuple[float, float] = Field(description="Lag-time window of all fits (ps), start and end.")
    loglog_slope: dict[str, float | None] = Field(
        description="Slope of ln MSD vs ln t of each species over the fit window (1 = diffusive)."
    )
    loglog_slope_charge: float | None = Field(
        None, description="Slope of ln <|sum_i q_i dr_i|^2> vs ln t over the fit window (1 = diffusive)."
    )
    diffusive: bool = Field(description="Whether every species' log-log slope is within tolerance of 1 in the window.")
    slope_tolerance: float = Field(description="Largest accepted |log-log slope - 1|.")
    warnings: list[str] = Field(default_factory=list, description="Why a number may not be trustworthy.")
    n_ions: dict[str, int] = Field(description="Number of ions of each species.")
    charge_e: dict[str, float] = Field(description="Charge q used for each species (e): formal z or scaled sum.")
    charges: Literal["formal", "scaled"] = Field(
        description="'formal': integer charges z; 'scaled': sums of the data file's partial charges."
    )
    volume_angstrom3: float = Field(description="Time-averaged cell volume (Å^3), from the cell incl. tilt.")
    n_frames: int = Field(description="Frames analysed.")
    frame_interval_ps: float = Field(description="Time between frames (ps).")
    duration_ps: float = Field(description="Time spanned by the frames analysed (ps).")
    com_reference: str = Field(description="Centre of mass subtracted from the positions (drift removal).")
    uncertainty_method: str = Field(description="How the standard errors were obtained.")
    n_blocks: int = Field(description="Number of blocks of the block average.")
    block_diffusion_cm2_s: dict[str, list[float | None]] = Field(
        default_factory=dict, description="Diffusion coefficient of each species in each block (cm^2/s)."
    )
    block_sigma_ne_S_cm: list[float | None] = Field(default_factory=list, description="sigma_NE per block (S/cm).")
    block_sigma_eh_S_cm: list[float | None] = Field(default_factory=list, description="sigma_EH per block (S/cm).")
    rms_displacement_angstrom: dict[str, float | None] = Field(
        default_factory=dict,
        description="Root-mean-square displacement of each species at the end of the fit window (Å), or at "
        "the end of the run when it is too short for a window.",
    )
    ion_spacing_angstrom: float | None = Field(
        None, description="Mean ion spacing (V / N_ions)^(1/3) (Å): long-range transport needs rms beyond it."
    )
    conductivity_withheld: str | None = Field(
        None,
        description="Why D, sigma, the Haven ratio and t+ are null although the trajectory was read (too short "
        "for block errors, or not diffusive and apparent values not asked for); None when they are given.",
    )
    needed_duration_ps: float | None = Field(
        None,
        description="Estimated run length (ps) for the rms displacement to reach the ion spacing, from the "
        "MSD's log-log growth (MSD ~ t^slope); None when it already does or the slope is not positive.",
    )
    onsager: OnsagerTransport | None = Field(
        None, description="Onsager coefficients, sigma and t+ from ion correlations; None when withheld."
    )
    onsager_undefined: str | None = Field(None, description="Why onsager is None.")
    finite_size: FiniteSizeCorrection | None = Field(
        None, description="Yeh-Hummer corrected D, when a viscosity was given or computed; raw D stay above."
    )
    solvation: SolvationStructure | None = Field(
        None, description="Na+ solvation structure from a whole-system trajectory, when one was analysed."
    )
    source: str = Field("", description="Trajectory file analysed.")
    replica: int | None = Field(
        None, description="Replica number at this temperature (0-based, own velocity seed); None outside a replica set."
    )

    def to_json_dict(self) -> dict:
        """The result as plain JSON types (tuples become lists, undefined numbers null)."""
        return self.model_dump(mode="json")
