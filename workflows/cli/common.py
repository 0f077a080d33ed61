"""What every command of the command line shares: the one-line error and the configuration it reads."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import NoReturn

import typer

__all__ = ["fail", "config_and_data_dir", "Engine"]


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
    data_dir = config.data_dir or load_settings().data_dir
    return config, Path(data_dir).expanduser().resolve()  # once, here: drivers and jobs change directory


class Engine(str, Enum):
    """DFT / tight-binding engines."""

    gpaw = "gpaw"
    tblite = "tblite"
    vasp = "vasp"
