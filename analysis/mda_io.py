"""Binary trajectories (DCD, XTC, TRR, ...) through MDAnalysis, with a LAMMPS data file as topology.

The MDAnalysis ``Universe`` is built with ``Universe.empty`` and only the
coordinates are read through it: naspe's own :func:`read_data_topology` reads
the data file (MDAnalysis's DATA parser ignores ``Atom Type Labels`` and would
be a second source of truth for masses and charges).

Atom order: LAMMPS writes DCD and XTC frames sorted by atom id. A trajectory
with as many atoms as the data file maps onto all of them; one with fewer
atoms is taken to hold the ions only (the dump group of naspe's production
runs), in atom-id order; any other count is an error.

Time: DCD files from LAMMPS record the first step and the dump interval in
their header (``istart``, ``nsavc``); XTC files record the step of each
frame. The step times the MD time step gives the time. Other formats use the
time MDAnalysis reports.

These formats do not say whether coordinates are unwrapped; the loader checks
for jumps of more than half a cell between frames and refuses wrapped input.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from naspe.analysis.errors import TrajectoryFormatError
from naspe.analysis.frame import Box, Frame
from naspe.analysis.lammps_topology import DataTopology

__all__ = ["MDANALYSIS_FORMATS", "iter_mdanalysis_frames"]

#: file suffixes read through MDAnalysis
MDANALYSIS_FORMATS = {"dcd", "xtc", "trr", "nc", "ncdf", "h5md", "gro", "xyz"}


#: first bytes of a valid file: DCD (Fortran record of 84 bytes, then "CORD"), XTC (magic 1995, big-endian)
_MAGIC = {
    ".dcd": ((b"\x54\x00\x00\x00CORD", b"\x00\x00\x00\x54CORD"), "a DCD file starts with its 84-byte CORD header"),
    ".xtc": ((b"\x00\x00\x07\xcb",), "an XTC file starts with the magic number 1995"),
}


def _check_magic(path: Path) -> None:
    """Refuse a DCD/XTC whose first bytes are not that format's header, before MDAnalysis opens it."""
    expected = _MAGIC.get(path.suffix.lower())
    if expected is None:
        return
    heads, what = expected
    with path.open("rb") as handle:
        head = handle.read(max(len(h) for h in heads))
    if not any(head.startswith(h) for h in heads):
        raise TrajectoryFormatError(f"{path}: not a {path.suffix.lstrip('.').upper()} trajectory ({what})")


@contextmanager
def _native_stderr(lines: list[str]) -> Iterator[None]:
    """Collect what C code (the xdrfile/DCD readers) writes to file descriptor 2 into ``lines``."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            lines.append(sink.read().decode(errors="replace"))


@contextmanager
def _quiet_reader_cleanup() -> Iterator[None]:
    """Collect a half-built MDAnalysis reader here, without the traceback its ``__del__`` prints.

    A reader whose file failed to open lacks the handle its ``__del__`` closes; Python reports that
    AttributeError through ``sys.unraisablehook`` after naspe's own one-line error.
    """
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, AttributeError):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        gc.collect()
        sys.unraisablehook = previous


def iter_mdanalysis_frames(
    path: str | Path, topology: DataTopology, ion_atom_ids: np.ndarray, stride: int = 1
) -> Iterator[Frame]:
    """Yield the frames of a binary trajectory as :class:`Frame` objects.

    Parameters
    ----------
    path
        Trajectory file in a format MDAnalysis reads.
    topology
        The data-file topology of the system.
    ion_atom_ids
        Atom ids of the ions, used when the file holds fewer atoms than the topology.
    stride
        Use every ``stride``-th frame.
    """
    # MDAnalysis (~2 s to import) only when a DCD/XTC is read
    import MDAnalysis as mda

    path = Path(path)
    _check_magic(path)
    native: list[str] = []
    message: str | None
    with warnings.catch_warnings(), _quiet_reader_cleanup(), _native_stderr(native):
        warnings.simplefilter("ignore")  # MDAnalysis warns about missing attributes of an empty universe
        universe = mda.Universe.empty(topology.n_atoms, trajectory=True)
        try:
            universe.load_new(str(path))
        except Exception as exc:  # MDAnalysis raises many types for unreadable files
            message = f"{path}: MDAnalysis cannot read it ({type(exc).__name__}: {exc})"
        else:
            message = None
    said = " ".join(" ".join(native).split())
    if message is not None:
        raise TrajectoryFormatError(message + (f"; the reader said: {said}" if said else ""))
    if said:
        sys.stderr.write(said + "\n")
    reader = universe.trajectory
    n_file = reader.n_atoms
    if n_file == topology.n_atoms:
        ids = topology.atom_ids
    elif n_file == ion_atom_ids.size:
        ids = np.sort(ion_atom_ids)
    else:
        raise TrajectoryFormatError(
            f"{path}: {n_file} atoms per frame, but the data file has {topology.n_atoms} atoms "
            f"and {ion_atom_ids.size} ion atoms; the trajectory must hold one of these sets, sorted by atom id"
        )
    header = getattr(getattr(reader, "_file", None), "header", None)
    suffix = path.suffix.lower().lstrip(".")
    for ts in reader[::stride]:
        step: int | None = None
        time_fs: float | None = None
        if suffix == "dcd" and isinstance(header, dict) and header.get("nsavc", 0) > 0:
            step = int(header["istart"]) + ts.frame * int(header["nsavc"])
        elif suffix == "xtc" and "step" in ts.data:
            step = int(ts.data["step"])
        else:
            time_fs = float(ts.time) * 1000.0  # MDAnalysis times are in ps
        if ts.dimensions is None:
            raise TrajectoryFormatError(f"{path}: frame {ts.frame} has no cell; the volume is needed")
        yield Frame(
            index=int(ts.frame),
            step=step,
            time_fs=time_fs,
            box=Box.from_dimensions(ts.dimensions),
            ids=ids,
            positions=ts.positions.astype(np.float64),
        )
