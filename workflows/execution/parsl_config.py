"""An execution configuration as Parsl sees it: the block script, the provider and the executors per job kind.

One HighThroughputExecutor per job kind (label = the kind) on a LocalProvider,
SlurmProvider or PBSProProvider; the block script loads the modules, runs
``worker_init`` and exports the job environment. Each interchange starts in a
process group of its own with its output in ``interchange-<kind>.log`` (a
terminal's Ctrl-C is the driver's to handle: it stops them itself), as Parsl
already starts local blocks. This module imports Parsl;
:class:`~naspe.workflows.execution.hpc_config.ExecutionConfig` loads it only when
blocks are built.
"""

from __future__ import annotations

import math
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parsl.config import Config
from parsl.executors import HighThroughputExecutor
from parsl.launchers import SimpleLauncher
from parsl.providers import LocalProvider, PBSProProvider, SlurmProvider

from naspe.workflows.base.kinds import JobKind

if TYPE_CHECKING:
    from naspe.workflows.execution.hpc_config import ExecutionConfig
    from naspe.workflows.execution.resources import JobResources

__all__ = ["block_init", "provider", "parsl_config", "interchange_command"]

#: run as ``python -c LAUNCH LOG PROGRAM``: a process group of its own, stdout and stderr to LOG, then PROGRAM
_LAUNCH = (
    "import os, sys; os.setpgid(0, 0); "
    "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644); "
    "os.dup2(fd, 1); os.dup2(fd, 2); os.execvp(sys.argv[2], sys.argv[2:])"
)


def interchange_command(log: str | Path) -> list[str]:
    """The command that starts a Parsl interchange away from the driver's terminal, its output in ``log``."""
    return [sys.executable, "-c", _LAUNCH, str(log), "interchange.py"]


def block_init(config: ExecutionConfig, kind: JobKind, res: JobResources | None = None) -> str:
    """Shell lines run in a block of ``kind`` before its workers start.

    ``module load`` lines, then ``worker_init``, then the exports of
    :meth:`settings_env`; ``PARSL_CORES`` makes the worker pool start exactly
    ``workers_per_block`` workers whatever the node's core count. ``res``: the
    block's resources when its pool serves more than one kind (None: ``kind``'s).
    """
    res = config.resources[kind] if res is None else res
    lines = [f"module load {shlex.quote(m)}" for m in res.modules]
    if config.worker_init.strip():
        lines.append(config.worker_init.strip("\n"))
    env = config.settings_env(kind)
    env["PARSL_CORES"] = str(res.cores_per_block)
    if config.scheduler == "slurm":
        env.setdefault("SRUN_CPUS_PER_TASK", str(res.threads))  # srun no longer inherits --cpus-per-task
    lines.extend(f"export {name}={shlex.quote(value)}" for name, value in env.items())
    return "\n".join(lines)


def provider(config: ExecutionConfig, kind: JobKind, res: JobResources | None = None):
    """The Parsl execution provider for blocks of ``kind`` (``res``: as in :func:`block_init`)."""
    res = config.resources[kind] if res is None else res
    init = block_init(config, kind, res)
    common = dict(init_blocks=0, min_blocks=0, max_blocks=res.max_blocks, parallelism=1.0, launcher=SimpleLauncher())
    if config.scheduler == "local":
        return LocalProvider(nodes_per_block=1, worker_init=init, **common)
    if config.scheduler == "slurm":
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
    select = f"mpiprocs={res.tasks_per_node}:ompthreads={res.threads}"
    if res.memory_gb is not None:
        select += f":mem={pbs_memory(res.memory_gb)}"
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


def parsl_config(config: ExecutionConfig, run_dir: str | Path) -> Config:
    """A Parsl Config with one HighThroughputExecutor per pool (label = the kind, or the shared engine pool).

    Blocks start on demand (``init_blocks=0``) up to ``max_blocks``; Parsl's
    own retries are off (``retries=0``) because the execution manager retries.

    Parameters
    ----------
    config
        The execution configuration.
    run_dir
        Parsl's run directory (logs and submit scripts).
    """
    executors = []
    for label, (kind, res) in config.executors().items():
        extra: dict[str, Any] = {"address": "127.0.0.1"} if config.scheduler == "local" else {}
        executors.append(
            HighThroughputExecutor(
                label=label,
                provider=provider(config, kind, res),
                max_workers_per_node=res.workers_per_block,
                cores_per_worker=float(res.cores_per_job),
                heartbeat_threshold=config.lost_worker_seconds,
                heartbeat_period=max(1, config.lost_worker_seconds // 4),
                interchange_launch_cmd=interchange_command(Path(run_dir) / f"interchange-{label}.log"),
                **extra,
            )
        )
    # local blocks are processes: start them within half a second; clusters are polled every 5 s
    period = 0.5 if config.scheduler == "local" else 5.0
    return Config(
        executors=executors,
        run_dir=str(run_dir),
        retries=0,
        strategy="simple",
        strategy_period=period,
        max_idletime=config.block_idle_seconds,
    )


def pbs_memory(memory_gb: float) -> str:
    """PBS memory string for ``memory_gb`` GB (``16gb``, or MB when fractional)."""
    if float(memory_gb).is_integer():
        return f"{int(memory_gb)}gb"
    return f"{math.ceil(memory_gb * 1024)}mb"
