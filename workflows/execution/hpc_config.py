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

import os
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

from naspe.workflows.base.kinds import KINDS, JobKind, job_kind
from naspe.workflows.base.secrets import deep_copy, drop_entry, redact, scan_secrets, secret_values
from naspe.workflows.execution.resources import EngineCommands, JobResources, StoreConfig

if TYPE_CHECKING:
    import parsl.config
    from jobflow import Flow, Job

__all__ = [
    "KINDS",
    "ConfigError",
    "JobResources",
    "EngineCommands",
    "StoreConfig",
    "ExecutionConfig",
    "SHARED_POOL",
    "SHARED_POOL_KINDS",
    "validate_execution_config",
    "local_defaults",
    "load_execution_config",
    "assign_remote_workers",
]

_COLLECT = "naspe_collect_errors"  # validation-context key: list collecting (location, message) pairs


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


#: the kinds whose jobs share one local pool when their resources agree (:meth:`ExecutionConfig.shares_engine_pool`)
SHARED_POOL_KINDS: tuple[JobKind, JobKind] = ("md", "dft")
#: the label of that pool's executor
SHARED_POOL = "engines"


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

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)  # an error never shows a value

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
        found = scan_secrets(data)
        if not found:
            return data
        _report(info, [(_loc(loc), msg) for loc, msg in found])
        data = deep_copy(data)  # collecting: drop the offending entries so the rest is still validated
        for loc, _ in found:
            drop_entry(data, loc)
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
        """Shell lines run in a block of ``kind`` before its workers start (see :func:`parsl_config.block_init`)."""
        from naspe.workflows.execution import parsl_config  # Parsl-facing half, loaded when blocks are built

        return parsl_config.block_init(self, kind)

    def provider(self, kind: JobKind):
        """The Parsl execution provider for blocks of ``kind``."""
        from naspe.workflows.execution import parsl_config  # imports Parsl: only when blocks are built

        return parsl_config.provider(self, kind)

    def shares_engine_pool(self) -> bool:
        """Whether MD and DFT jobs run in one pool of workers (:data:`SHARED_POOL`).

        They do on the local scheduler when the two kinds ask for the same resources (ranks, threads,
        environment, ...); their worker counts add up. A campaign's MD and DFT phases overlap only in
        part; with a pool each, the workers of the kind without work idle while the other kind's jobs
        wait. One pool runs whichever job is next on any free worker and never runs more jobs at once
        than the two pools would.
        """
        if self.scheduler != "local":
            return False
        md, dft = (self.resources[k].model_dump(exclude={"workers_per_block"}) for k in SHARED_POOL_KINDS)
        return md == dft

    def executor_label(self, kind: JobKind) -> str:
        """The Parsl executor that runs jobs of ``kind``: the kind, or :data:`SHARED_POOL` (see above)."""
        return SHARED_POOL if kind in SHARED_POOL_KINDS and self.shares_engine_pool() else kind

    def executors(self) -> dict[str, tuple[JobKind, JobResources]]:
        """Executor label -> (the kind whose provider starts its blocks, its resources), one per pool."""
        out: dict[str, tuple[JobKind, JobResources]] = {}
        for kind in KINDS:
            label, res = self.executor_label(kind), self.resources[kind]
            if label in out:
                first, have = out[label]
                res = have.model_copy(update={"workers_per_block": have.workers_per_block + res.workers_per_block})
                kind = first
            out[label] = (kind, res)
        return out

    def parsl_config(self, run_dir: str | Path) -> parsl.config.Config:
        """A Parsl Config with one HighThroughputExecutor per pool (:meth:`executors`); see :mod:`parsl_config`."""
        from naspe.workflows.execution import parsl_config  # imports Parsl: only when a flow runs through it

        return parsl_config.parsl_config(self, run_dir)

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
    hidden = secret_values(data)  # never in a message, whichever field's error quotes them
    try:
        config = ExecutionConfig.model_validate(data, context={_COLLECT: collected})
    except ValidationError as err:
        errors = []
        for e in err.errors(include_input=False):
            loc, msg = tuple(e["loc"]), _clean_message(e)
            if loc and loc[-1] == "[key]":  # an unknown key of a dict (resources)
                loc, msg = loc[:-1], f"unknown key: {msg}"
            errors.append((_loc(loc), msg))
        raise ConfigError([(loc, redact(msg, hidden)) for loc, msg in collected + errors], source) from None
    if collected:
        raise ConfigError([(loc, redact(msg, hidden)) for loc, msg in collected], source)
    return config


def local_defaults(cores: int | None = None) -> ExecutionConfig:
    """Execution on this machine without a configuration file: single-rank jobs spread over its cores.

    MD and DFT each get ``max(1, (cores - 1) // 2)`` concurrent jobs, analysis the
    rest (at least one): on 2 cores one of each, on 8 cores 3 + 3 + 2. MD and DFT
    share their workers (:meth:`ExecutionConfig.shares_engine_pool`): on 2 cores two
    engine jobs of either kind at a time, on 8 cores six.
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

    from naspe.workflows.base.yaml_files import load_yaml

    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise ConfigError([(str(path), err.strerror or str(err))], path) from None
    except UnicodeDecodeError as err:  # a binary file: not a configuration, one error (not a traceback)
        raise ConfigError([(str(path), f"not a text file (byte {err.start} is not UTF-8)")], path) from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(yaml)"
        problem = getattr(err, "problem", None) or getattr(err, "context", None) or type(err).__name__
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
    from naspe.workflows.base.identity import all_jobs  # jobflow: not needed to read a configuration

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
