"""Reading LAMMPS trajectories: text dumps and centre-of-mass logs.

* :class:`LammpsDumpReader` streams the frames of a text dump (``dump custom`` or
  ``dump atom``; plain or gzip-compressed). Each frame's atom block is parsed by
  one vectorised call (only the id, coordinate and image columns are
  converted); columns may come in any order and may include text columns
  (``element``); rows are sorted by atom id; the cell is read from ``ITEM: BOX BOUNDS`` (orthogonal, ``xy xz yz`` or
  ``abc origin``). Coordinates (Å) are unwrapped as the columns allow: ``xu yu zu``
  or ``xsu ysu zsu`` as they are, ``x y z`` or ``xs ys zs`` with image flags
  ``ix iy iz``; wrapped coordinates without image flags raise
  :class:`~naspe.analysis.errors.WrappedCoordinatesError`. A truncated or
  corrupt frame raises :class:`~naspe.analysis.errors.TrajectoryFormatError`
  naming the frame and the file.
* :func:`read_com_file` reads the system centre of mass (Å) written by
  ``fix ave/time N 1 N c_com[1] c_com[2] c_com[3] file com.dat``.

The data file's topology is read by :mod:`naspe.analysis.lammps_topology`.

Memory: the reader holds one frame at a time.
"""

from __future__ import annotations

import gzip
import io
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from naspe.analysis.errors import TrajectoryFormatError, WrappedCoordinatesError
from naspe.analysis.frame import Box, Frame

__all__ = ["LammpsDumpReader", "coordinate_convention", "read_com_file"]

# coordinate columns of each convention
_COORDINATES = {
    "unwrapped": ("xu", "yu", "zu"),
    "scaled_unwrapped": ("xsu", "ysu", "zsu"),
    "image": ("x", "y", "z"),
    "scaled_image": ("xs", "ys", "zs"),
}


def coordinate_convention(columns: tuple[str, ...]) -> str:
    """How the dump ``columns`` give unwrapped positions.

    Returns
    -------
    str
        ``"unwrapped"`` (xu yu zu), ``"scaled_unwrapped"`` (xsu ysu zsu),
        ``"image"`` (x y z + ix iy iz) or ``"scaled_image"`` (xs ys zs + ix iy iz).

    Raises
    ------
    WrappedCoordinatesError
        Wrapped coordinates without image flags.
    TrajectoryFormatError
        No coordinate columns at all.
    """
    have = set(columns)
    if {"xu", "yu", "zu"} <= have:
        return "unwrapped"
    if {"xsu", "ysu", "zsu"} <= have:
        return "scaled_unwrapped"
    images = {"ix", "iy", "iz"} <= have
    for names, convention in ((("x", "y", "z"), "image"), (("xs", "ys", "zs"), "scaled_image")):
        if set(names) <= have:
            if images:
                return convention
            raise WrappedCoordinatesError(
                f"dump columns {' '.join(columns)}: coordinates {' '.join(names)} are wrapped into the cell and "
                "there are no image flags (ix iy iz) to unwrap them, so an MSD would be wrong. Dump unwrapped "
                "coordinates (dump custom ... xu yu zu) or add ix iy iz to the dump."
            )
    raise TrajectoryFormatError(
        f"dump columns {' '.join(columns)}: no coordinates "
        "(need xu yu zu, xsu ysu zsu, or x y z / xs ys zs with ix iy iz)"
    )


def _open(path: Path) -> io.BufferedIOBase:
    with path.open("rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")


class LammpsDumpReader:
    """Stream the frames of a LAMMPS text dump, one at a time.

    Parameters
    ----------
    path
        Dump file (``dump custom``/``dump atom`` text; ``.gz`` compressed is fine).
        It must have an ``id`` column and coordinates that can be unwrapped.
    stride
        Yield every ``stride``-th frame (the others are skipped without parsing).
    """

    def __init__(self, path: str | Path, stride: int = 1) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"dump file {self.path} does not exist")
        if int(stride) != stride or stride < 1:
            raise ValueError(f"stride={stride}: must be a positive integer")
        self.stride = int(stride)

    def estimate_n_frames(self) -> int | None:
        """Frames to expect (after the stride), from the size of the first frame; None for compressed files."""
        with _open(self.path) as f:
            if isinstance(f, gzip.GzipFile):
                return None
            first = self._read_header(f, 0)
            if first is None:
                return 0
            n_atoms = first[1]
            for _ in itertools.islice(f, n_atoms):
                pass
            frame_bytes = f.tell()
        return int(np.ceil(os.path.getsize(self.path) / max(frame_bytes, 1) / self.stride))

    def _error(self, index: int, step: int | None, what: str) -> TrajectoryFormatError:
        at = f"frame {index} (counting from 0" + (f", timestep {step})" if step is not None else ")")
        return TrajectoryFormatError(f"{self.path}: {at}: {what}")

    def _read_header(self, f: io.BufferedIOBase, index: int) -> tuple[int, int, Box, tuple[str, ...]] | None:
        """Read one frame header; None at a clean end of file."""
        step: int | None = None
        n_atoms: int | None = None
        box: Box | None = None
        line = f.readline()
        while line and not line.strip():  # blank lines between frames
            line = f.readline()
        if not line:
            return None
        while True:
            if not line:
                raise self._error(index, step, "the file ends inside the frame header (truncated dump)")
            text = line.decode(errors="replace").strip()
            if not text.startswith("ITEM:"):
                raise self._error(index, step, f"expected an 'ITEM:' line, found {text[:60]!r} (corrupt dump)")
            item = text[5:].strip()
            try:
                if item == "TIMESTEP":
                    step = int(f.readline().split()[0])
                elif item == "NUMBER OF ATOMS":
                    n_atoms = int(f.readline().split()[0])
                elif item.startswith("BOX BOUNDS"):
                    rows = [f.readline().split() for _ in range(3)]
                    values = np.array(rows, dtype=float)
                    if "abc" in item.split():
                        box = Box.from_vectors(values[0, :3], values[1, :3], values[2, :3], values[:, 3])
                    else:
                        box = Box.from_dump_bounds(values, triclinic="xy" in item.split())
                elif item.startswith("ATOMS"):
                    columns = tuple(item.split()[1:])
                    break
                elif item == "UNITS":
                    units = f.readline().decode().strip()
                    if units not in ("real", "metal"):
                        raise self._error(index, step, f"units {units!r}: positions must be in Å (real or metal)")
                else:  # ITEM: TIME and others hold one value line
                    f.readline()
            except (IndexError, ValueError) as exc:
                if isinstance(exc, TrajectoryFormatError):
                    raise
                raise self._error(index, step, f"unreadable '{item}' block (truncated or corrupt dump)") from None
            line = f.readline()
        if step is None or n_atoms is None or box is None:
            raise self._error(index, step, "header lacks TIMESTEP, NUMBER OF ATOMS or BOX BOUNDS")
        if "id" not in columns:
            raise self._error(index, step, f"columns {' '.join(columns)} have no 'id'; atoms cannot be matched")
        return step, n_atoms, box, columns

    def _parse_block(self, lines: list[bytes], columns: tuple[int, ...], index: int, step: int) -> np.ndarray:
        """The ``columns`` (indices into the ATOMS line) of the atom lines as an (n, len(columns)) array."""
        if not lines[-1].endswith(b"\n"):
            raise self._error(index, step, "the last atom line is cut short (truncated dump)")
        try:
            return np.loadtxt(lines, usecols=columns, comments=None, ndmin=2, dtype=np.float64)
        except ValueError as exc:
            raise self._error(index, step, f"unreadable atom lines ({exc}; corrupt or truncated dump)") from None

    def _layout(self, columns: tuple[str, ...], index: int, step: int) -> tuple[str, tuple[int, ...]]:
        """Coordinate convention and the columns to parse: id, three coordinates, three image flags if used."""
        try:
            convention = coordinate_convention(columns)
        except (WrappedCoordinatesError, TrajectoryFormatError) as exc:
            raise type(exc)(f"{self.path}: frame {index} (timestep {step}): {exc}") from None
        names = ["id", *_COORDINATES[convention]]
        if convention in ("image", "scaled_image"):
            names += ["ix", "iy", "iz"]
        return convention, tuple(columns.index(name) for name in names)

    def __iter__(self) -> Iterator[Frame]:
        """Yield the frames (every ``stride``-th) with unwrapped positions sorted by atom id."""
        layouts: dict[tuple[str, ...], tuple[str, tuple[int, ...]]] = {}
        with _open(self.path) as f:
            for index in itertools.count():
                header = self._read_header(f, index)
                if header is None:
                    return
                step, n_atoms, box, columns = header
                if index % self.stride:
                    got = sum(1 for _ in itertools.islice(f, n_atoms))
                    if got < n_atoms:
                        raise self._error(index, step, f"expected {n_atoms} atom lines, found {got} (truncated dump)")
                    continue
                lines = list(itertools.islice(f, n_atoms))
                if len(lines) < n_atoms:
                    raise self._error(
                        index, step, f"expected {n_atoms} atom lines, found {len(lines)} (truncated dump)"
                    )
                if columns not in layouts:
                    layouts[columns] = self._layout(columns, index, step)
                convention, used = layouts[columns]
                yield self._frame(self._parse_block(lines, used, index, step), convention, index, step, box)

    def _frame(self, values: np.ndarray, convention: str, index: int, step: int, box: Box) -> Frame:
        """Frame from parsed (id, coordinates[, images]) rows: sorted by id, unwrapped."""
        ids = values[:, 0].astype(np.int64)
        if ids.size > 1 and not np.all(ids[1:] > ids[:-1]):
            order = np.argsort(ids, kind="stable")
            ids, values = ids[order], values[order]
            if np.any(ids[1:] == ids[:-1]):
                raise self._error(index, step, "atom ids repeat (corrupt dump)")
        xyz = values[:, 1:4]
        if convention == "image":
            xyz = xyz + box.to_cartesian(values[:, 4:7])
        elif convention == "scaled_image":
            xyz = box.origin + box.to_cartesian(xyz + values[:, 4:7])
        elif convention == "scaled_unwrapped":
            xyz = box.origin + box.to_cartesian(xyz)
        return Frame(index=index, step=step, time_fs=None, box=box, ids=ids, positions=np.ascontiguousarray(xyz))


def read_com_file(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a centre-of-mass log: ``step com_x com_y com_z`` per line, ``#`` comments.

    This is what ``fix ave/time N 1 N c_com[1] c_com[2] c_com[3] file com.dat``
    writes for ``compute com`` (which uses unwrapped coordinates). When a step
    appears twice (a continued run), the later line wins.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    steps : numpy.ndarray
        MD steps, ascending, shape (m,).
    com : numpy.ndarray
        Centre of mass (Å), shape (m, 3).
    """
    path = Path(path)
    try:
        table = np.loadtxt(path, comments="#", ndmin=2)
    except ValueError as exc:
        raise TrajectoryFormatError(f"{path}: not a table of numbers ({exc})") from None
    if table.size == 0:
        raise TrajectoryFormatError(f"{path}: no data lines")
    if table.shape[1] < 4:
        raise TrajectoryFormatError(
            f"{path}: {table.shape[1]} columns; a COM file has 4 (step com_x com_y com_z), "
            "as written by fix ave/time N 1 N c_com[1] c_com[2] c_com[3]"
        )
    steps = table[:, 0].astype(np.int64)
    # keep the last line of each step
    _, last = np.unique(steps[::-1], return_index=True)
    keep = np.sort(steps.size - 1 - last)
    keep = keep[np.argsort(steps[keep], kind="stable")]
    return steps[keep], table[keep, 1:4]
