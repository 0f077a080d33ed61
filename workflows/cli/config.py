"""``naspe config``: check and show execution configuration files (``hpc_configs/*.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.base.kinds import KINDS
from naspe.workflows.cli.common import fail

__all__ = ["config_app"]

config_app = typer.Typer(
    help="Check and show execution configurations (scheduler, resources per job kind, engines, store).",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="Execution configuration YAML file (e.g. hpc_configs/slurm.yaml)")]


def _readable(path: Path) -> None:
    """One line and exit 2 unless ``path`` is a UTF-8 text file of YAML (what it is otherwise, in words)."""
    import yaml

    from naspe.workflows.base.yaml_files import load_yaml

    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        fail(f"{path}: cannot be read ({err.strerror or err})")
    except UnicodeDecodeError as err:
        fail(f"{path}: not a text file (byte {err.start} is not UTF-8); give an execution configuration YAML file")
    try:
        load_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        fail(f"{path}: not valid YAML{where} ({getattr(err, 'problem', None) or err})")


def _load(path: Path):
    """The configuration in ``path``; a file that is no YAML text is one line, each validation error one line."""
    from naspe.workflows.execution.hpc_config import ConfigError, load_execution_config  # pydantic models: here only

    _readable(path)
    try:
        return load_execution_config(path)
    except ConfigError as err:
        typer.echo(f"{path}: {len(err.errors)} error{'s' if len(err.errors) != 1 else ''}", err=True)
        for location, message in err.errors:
            typer.echo(f"{location}: {message}", err=True)
        raise typer.Exit(code=2) from None


@config_app.command("check")
def check(path: FileArg) -> None:
    """Validate FILE; print a one-line summary, or every error as `location: message` (exit code 2)."""
    config = _load(path)
    typer.echo(f"OK {path}: {config.summary()}")


@config_app.command("show")
def show(
    path: FileArg,
    env: Annotated[
        bool, typer.Option("--env", help="Also print the environment and block start-up lines per job kind")
    ] = False,
) -> None:
    """Print FILE's resolved configuration (defaults filled in) as YAML."""
    import yaml

    config = _load(path)
    data = config.model_dump(mode="json")
    if env:
        data["derived"] = {
            kind: {"settings_env": config.settings_env(kind), "block_init": config.block_init(kind)} for kind in KINDS
        }
    typer.echo(yaml.safe_dump(data, sort_keys=False, default_flow_style=False).rstrip())
