"""The names of the files a LAMMPS stage leaves in its run directory, importable without the engine modules."""

from __future__ import annotations

__all__ = ["RUN_SPEC_FILE", "SYSTEM_META"]

#: the cell's force-field metadata beside its data file (ion types, charge scaling, constrained bonds)
SYSTEM_META = "system.lammps.json"
#: the runner's input in a stage's run directory (workdir, input set, timestep_fs, ...)
RUN_SPEC_FILE = "run.json"
