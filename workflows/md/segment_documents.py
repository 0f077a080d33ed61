"""Documents of stages run in segments: one record per segment, and the NPT equilibration's verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from naspe.analysis.equilibration import EquilibrationEstimate
from naspe.workflows.md.documents import LammpsTaskDocument
from naspe.workflows.md.outputs import read_thermo

__all__ = ["SegmentRecord", "EquilibrationDocument", "segment_thermo", "EquilibrationStop"]

#: why an NPT equilibration in segments stopped
EquilibrationStop = Literal["plateau", "budget_exhausted", "failed"]


class SegmentRecord(BaseModel):
    """One segment of a stage run in segments."""

    dir_name: str = Field(description="Run directory of the segment")
    state: str = Field(description="'successful' or 'failed'")
    first_step: int = Field(description="Step number the segment started at")
    n_steps: int = Field(description="MD steps of the segment")
    timestep_fs: float = Field(description="Time step (fs)")
    duration_ps: float = Field(description="Simulated time of the segment (ps)")
    wall_time_s: float = Field(description="Wall time of the segment (s)")
    ns_per_day: float | None = Field(None, description="MD speed (ns/day)")
    error: str | None = Field(None, description="LAMMPS error when failed")

    @classmethod
    def from_task(cls, doc: LammpsTaskDocument | dict) -> SegmentRecord:
        """The record of one stage document (or its dict)."""
        d = LammpsTaskDocument.model_validate(doc) if isinstance(doc, dict) else doc
        return cls(
            dir_name=d.dir_name,
            state=d.state,
            first_step=d.first_step,
            n_steps=d.n_steps,
            timestep_fs=d.timestep_fs,
            duration_ps=d.duration_ps,
            wall_time_s=d.wall_time_s,
            ns_per_day=d.ns_per_day,
            error=d.error,
        )


def segment_thermo(dirs: list[str | Path]) -> dict[str, np.ndarray]:
    """The ``thermo.dat`` columns of consecutive segments as one series (a step logged twice is kept once)."""
    parts = [read_thermo(Path(d) / "thermo.dat") for d in dirs]
    keys = list(parts[0]) if parts else []
    out = {k: np.zeros(0) for k in keys}
    last = -np.inf
    for part in parts:
        keep = part["step"] > last
        for k in keys:
            out[k] = np.concatenate([out[k], part[k][keep]])
        if part["step"].size:
            last = max(last, float(part["step"][-1]))
    return out


class EquilibrationDocument(BaseModel):
    """An NPT equilibration run in segments until density and potential energy level off, or a budget."""

    task_label: str = Field(description="Name of the job")
    state: str = Field(description="'successful' (the last segment ran) or 'failed'")
    temperature_K: float = Field(description="Target temperature (K)")
    pressure_atm: float = Field(description="Target pressure (atm)")
    dir_name: str = Field(description="Directory of the last segment (its final.restart starts the production)")
    segments: list[SegmentRecord] = Field(description="The segments, in order")
    duration_ps: float = Field(description="Simulated NPT time over all segments (ps)")
    budget_ps: float = Field(description="Most NPT time allowed (ps)")
    density_g_cm3: EquilibrationEstimate | None = Field(
        None, description="Equilibration of the density (g/cm^3); None while the series is too short to judge"
    )
    pe_kcal_mol: EquilibrationEstimate | None = Field(
        None, description="Equilibration of the potential energy (kcal/mol); None while too short to judge"
    )
    t0_ps: float | None = Field(None, description="Start of the equilibrated part: the later of the two t0 (ps)")
    plateau: bool = Field(False, description="Density and potential energy have both levelled off")
    mean_density_g_cm3: float | None = Field(None, description="Mean density over t >= t0 (g/cm^3)")
    mean_density_stderr_g_cm3: float | None = Field(None, description="Its standard error (g/cm^3)")
    mean_volume_angstrom3: float | None = Field(
        None, description="Mean cell volume over t >= t0 (Å^3): the volume the NVT production is given"
    )
    stop_reason: EquilibrationStop | None = Field(None, description="Why it stopped; None while segments follow")
    warnings: list[str] = Field(default_factory=list, description="What to be careful about")
