"""Full-core-hole PAW setups (and their LCAO basis) generated offline by GPAW's atomic generator.

``Generator(el, "PBE", scalarrel=True, corehole=(1, 0, 1.0))`` writes a setup with a full 1s
hole in about 0.3 s per element, and ``BasisMaker`` its LCAO basis in about 0.5 s. Setups are
written into the job's working directory or a cache directory that is put on
``gpaw.setup_paths`` for the run, never into site-packages.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from naspe.analysis.xps import check_element

__all__ = ["write_core_hole_setup", "basis_file_name", "on_setup_path"]


def basis_file_name(basis: str) -> str:
    """Name of the basis file GPAW reads for an LCAO basis spec (``"szp(dzp)"`` -> ``"dzp"``)."""
    return basis[basis.index("(") + 1 : basis.rindex(")")] if "(" in basis else basis


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def write_core_hole_setup(
    element: str, directory: str | Path, xc: str = "PBE", name: str = "fch1s", basis: str | None = "dzp"
) -> Path:
    """Write a full 1s core-hole PAW setup (and an LCAO basis for it) into ``directory``.

    Files: ``{element}.{name}.{xc}`` and ``{element}.{name}.{basis}.basis``; kept when
    present (a cache), written atomically so that parallel jobs can share a directory.

    Parameters
    ----------
    element
        ``"C"`` or ``"O"``.
    directory
        Where to write; put on ``gpaw.setup_paths`` when running (never site-packages).
    xc
        Functional of the setup (that of the calculation).
    name
        Setup name, used as ``GPAW(setups={index: name})``.
    basis
        LCAO basis file name (``"dzp"``, ``"szp"``, ...) or None for no basis.

    Returns
    -------
    Path
        The directory.
    """
    from gpaw.atom.basis import BasisMaker
    from gpaw.atom.configurations import parameters
    from gpaw.atom.generator import Generator
    from gpaw.basis_data import parse_basis_name

    check_element(element)
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    setup_file = directory / f"{element}.{name}.{xc}"
    basis_file = None if basis is None else directory / f"{element}.{name}.{basis}.basis"
    if setup_file.exists() and (basis_file is None or basis_file.exists()):
        return directory
    gen = Generator(element, xc, scalarrel=True, corehole=(1, 0, 1.0), nofiles=True, txt=None)
    setup = gen.run(write_xml=False, name=name, **parameters[element])
    tmp = directory / f".{setup_file.name}.{os.getpid()}"
    setup.write_xml(str(tmp))
    os.replace(tmp, setup_file)
    if basis_file is not None:
        zeta, pol = parse_basis_name(basis)
        bm = BasisMaker.from_setup_and_generator(setup, gen, name=name, run=False, gtxt=None)
        made = bm.generate(zeta, pol, txt=None)
        from io import StringIO

        buf = StringIO()
        made.write_to(buf)
        _write_atomically(basis_file, buf.getvalue())
    return directory


@contextmanager
def on_setup_path(directory: Path) -> Iterator[None]:
    """Put ``directory`` first on ``gpaw.setup_paths`` for the duration of the block."""
    import gpaw  # heavy optional engine

    entry = str(directory)
    gpaw.setup_paths.insert(0, entry)
    try:
        yield
    finally:
        gpaw.setup_paths.remove(entry)


# ----------------------------------------------------------------------------- maker
