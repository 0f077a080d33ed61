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

import math
from typing import Literal

from pydantic import BaseModel, Field, field_validator

__all__ = ["ValueWithError", "TransportResult"]


class ValueWithError(BaseModel):
    """A value and its standard error, in the unit named by the field that holds it."""

    value: float | None = Field(None, description="Best estimate (from the whole trajectory); null if undefined.")
    stderr: float | None = Field(
        None, description="Standard error (see the result's uncertainty_method); null if undefined."
    )

    @field_validator("value", "stderr", mode="before")
    @classmethod
    def _finite_or_none(cls, v: float | None) -> float | None:
        if v is None:
            return None
        v = float(v)
        return v if math.isfinite(v) else None


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
    source: str = Field("", description="Trajectory file analysed.")
    replica: int | None = Field(
        None, description="Replica number at this temperature (0-based, own velocity seed); None outside a replica set."
    )

    def to_json_dict(self) -> dict:
        """The result as plain JSON types (tuples become lists, undefined numbers null)."""
        return self.model_dump(mode="json")
