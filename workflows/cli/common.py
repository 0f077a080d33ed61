"""What every command of the command line shares: the one-line error and the configuration it reads."""

from __future__ import annotations

import errno
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from naspe.workflows.dft.engine_names import ENGINE_NAMES

if TYPE_CHECKING:
    from naspe.workflows.dft.registry import EngineSpec

__all__ = ["fail", "config_and_data_dir", "Engine", "engine_options"]


def fail(message: str | Exception) -> NoReturn:
    """Print ``naspe: error: <message>`` on one line of stderr and exit with status 2."""
    text = str(message).replace("\n", "; ")
    typer.echo(f"naspe: error: {text}", err=True)
    raise typer.Exit(code=2)


def config_and_data_dir(config_file: Path | None):
    """The execution configuration (``--config`` or the defaults) and the data directory it names (absolute)."""
    from naspe.workflows.base.settings import load_settings
    from naspe.workflows.execution.hpc_config import ConfigError, load_execution_config

    try:
        config = load_execution_config(config_file)
    except ConfigError as err:
        fail(err)
    try:
        data_dir = config.data_dir or load_settings().data_dir
    except (ValueError, FileNotFoundError) as err:  # naspe.yaml / NASPE_*: one line, never a value given
        fail(err)
    return config, Path(data_dir).expanduser().resolve()  # once, here: drivers and jobs change directory


#: DFT / tight-binding engines: the names of the engine registry (:data:`naspe.workflows.dft.registry.ENGINES`)
Engine = Enum("Engine", {name: name for name in ENGINE_NAMES}, type=str, module=__name__)


def engine_options(ctx: typer.Context, choice: Engine, **values) -> tuple[EngineSpec, dict]:
    """The registry entry of ``--engine`` and the ``values`` (capability -> option value) it honours.

    Raises ValueError (one line) when an option set on the command line is one the
    engine ignores (naming ``--<option>``, the engine and what it supports; ``--no-<flag>``
    does not count as set), or when the engine cannot run here (VASP without
    ``vasp_command``). An option left at its default that the engine ignores is left
    out, so the engine's own setting applies.
    """
    from naspe.workflows.dft.registry import engine

    spec = engine(choice.value)
    # by name: typer ships its own copy of click, whose ParameterSource is not click's
    set_here = {k for k in values if ctx.get_parameter_source(k).name not in ("DEFAULT", "DEFAULT_MAP")}
    given = {k: f"--{k}" for k, v in values.items() if k in set_here and v is not False}
    honoured = spec.honoured(values, given)
    spec.check_runnable()
    return spec, honoured


#: errno values that mean "this machine's storage refuses", not "naspe is broken"
_RESOURCE_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
}


def resource_fault(err: BaseException, again: str | None = None) -> str | None:
    """One line for a full disk, an exceeded quota or a read-only file system (naming the path); else None.

    ``again`` is the command that resumes the run (None: the run was not created, the same command starts it).
    """
    if not isinstance(err, OSError) or err.errno not in _RESOURCE_ERRORS:
        return None
    where = f" writing {err.filename}" if err.filename else ""
    then = f"`{again}` resumes the run" if again else "rerun the same command"
    return (
        f"{_RESOURCE_ERRORS[err.errno]}{where} ({err.strerror}); the run stopped cleanly and the store is intact: "
        f"free space (or choose another data directory), then {then}"
    )
