"""Output document of a LAMMPS stage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from naspe.workflows.md.outputs import read_thermo, sha256

__all__ = ["LammpsTaskDocument", "TrajectoryFile", "Recovery"]


class TrajectoryFile(BaseModel):
    """A file the stage wrote, with its checksum."""

    path: str = Field(description="Absolute path of the file")
    sha256: str = Field(description="SHA-256 of the file content")
    size_bytes: int = Field(description="File size in bytes")

    @classmethod
    def from_path(cls, path: Path) -> TrajectoryFile:
        """Describe ``path``."""
        return cls(path=str(path.resolve()), sha256=sha256(path), size_bytes=path.stat().st_size)


class Recovery(BaseModel):
    """One automatic restart after a failed or interrupted run."""

    attempt: int = Field(description="Run attempt that failed (0 = first)")
    reason: str = Field(description="LAMMPS error or 'walltime'")
    step: int | None = Field(None, description="Time step reached when it stopped")
    restarted_from: str | None = Field(None, description="Restart file used, or None if started over")
    new_timestep_fs: float = Field(description="Time step (fs) of the next attempt")


class LammpsTaskDocument(BaseModel):
    """Summary of one LAMMPS stage (minimisation, NVT, NPT, anneal or production)."""

    task_label: str = Field(description="Name of the job")
    dir_name: str = Field(description="Run directory")
    state: str = Field(description="'successful' or 'failed'")
    stage: str = Field(description="Stage kind")
    error: str | None = Field(None, description="LAMMPS error of the last attempt when failed")
    temperature_K: float = Field(description="Target temperature (K)")
    pressure_atm: float | None = Field(None, description="Target pressure (atm), NPT only")
    n_steps: int = Field(description="MD steps asked for (minimiser iterations for 'minimize')")
    first_step: int = Field(0, description="Step number the stage started at (> 0: a continuation segment)")
    timestep_fs: float = Field(description="Time step (fs) of the run that finished")
    duration_ps: float = Field(description="Simulated time (ps)")
    mean_temperature_K: float | None = Field(None, description="Mean temperature over the second half (K)")
    mean_density_g_cm3: float | None = Field(None, description="Mean density over the second half (g/cm^3)")
    mean_volume_angstrom3: float | None = Field(None, description="Mean cell volume over the second half (Å^3)")
    mean_pe_kcal_mol: float | None = Field(None, description="Mean potential energy, second half (kcal/mol)")
    mean_etotal_kcal_mol: float | None = Field(None, description="Mean total energy, second half (kcal/mol)")
    final_pe_kcal_mol: float | None = Field(None, description="Last potential energy written (kcal/mol)")
    wall_time_s: float = Field(description="Wall time of all attempts (s)")
    ns_per_day: float | None = Field(None, description="MD speed of the last attempt (ns/day)")
    ranks: int = Field(description="MPI ranks")
    lammps_version: int | None = Field(None, description="LAMMPS version (YYYYMMDD)")
    trajectories: dict[str, TrajectoryFile] = Field(
        default_factory=dict, description="Ion dump, full dump and centre-of-mass files (production)"
    )
    final_data: str | None = Field(None, description="Data file of the final configuration")
    final_restart: str | None = Field(None, description="Restart file of the final configuration")
    input_script: str = Field(description="The stage's LAMMPS input as one script")
    input_parameters: dict = Field(default_factory=dict, description="Input generator choices and the stage spec")
    recoveries: list[Recovery] = Field(default_factory=list, description="Automatic restarts that happened")

    @classmethod
    def from_directory(
        cls,
        dir_name: Path,
        task_label: str,
        spec: dict,
        input_script: str,
        input_parameters: dict,
        recoveries: list[Recovery],
        wall_time_s: float,
        ranks: int,
    ) -> LammpsTaskDocument:
        """Build the document from the files in ``dir_name`` (``result.json``, ``thermo.dat``, outputs)."""
        result_path = dir_name / "result.json"
        result = json.loads(result_path.read_text()) if result_path.exists() else {}
        thermo = read_thermo(dir_name / "thermo.dat")
        half = len(thermo["step"]) // 2

        def mean(key: str) -> float | None:
            values = thermo[key][half:]
            return float(np.mean(values)) if len(values) else None

        completed = result.get("status") == "completed"
        trajectories = {
            key: TrajectoryFile.from_path(dir_name / name)
            for key, name in (("ions", "ions.lammpstrj"), ("full", "full.lammpstrj"), ("com", "com.dat"))
            if (dir_name / name).exists()
        }
        timestep = float(result.get("timestep_fs", input_parameters.get("timestep_fs", 0.0)))
        return cls(
            task_label=task_label,
            dir_name=str(dir_name.resolve()),
            state="successful" if completed else "failed",
            stage=spec["stage"],
            error=None if completed else (result.get("error") or "the runner wrote no result"),
            temperature_K=spec["temperature_K"],
            pressure_atm=spec.get("pressure_atm") if spec["stage"] == "npt" else None,
            n_steps=spec["n_steps"],
            first_step=spec.get("first_step", 0),
            timestep_fs=timestep,
            duration_ps=0.0 if spec["stage"] == "minimize" else spec["n_steps"] * timestep / 1000.0,
            mean_temperature_K=mean("temperature_K"),
            mean_density_g_cm3=mean("density_g_cm3"),
            mean_volume_angstrom3=mean("volume_angstrom3"),
            mean_pe_kcal_mol=mean("pe_kcal_mol"),
            mean_etotal_kcal_mol=mean("etotal_kcal_mol"),
            final_pe_kcal_mol=float(thermo["pe_kcal_mol"][-1]) if len(thermo["step"]) else None,
            wall_time_s=wall_time_s,
            ns_per_day=result.get("ns_per_day"),
            ranks=ranks,
            lammps_version=result.get("lammps_version"),
            trajectories=trajectories,
            final_data=str((dir_name / "final.data").resolve()) if (dir_name / "final.data").exists() else None,
            final_restart=str((dir_name / "final.restart").resolve())
            if (dir_name / "final.restart").exists()
            else None,
            input_script=input_script,
            input_parameters=input_parameters,
            recoveries=recoveries,
        )
