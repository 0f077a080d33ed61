"""Reading LAMMPS files: data-file topology, text dumps and centre-of-mass logs.

* :func:`read_data_topology` reads an ``atom_style full`` data file (as written by
  :class:`naspe.structures.lammps_data.LammpsSystemWriter` or by ``write_data``):
  atom and molecule ids, types (with their labels from ``Atom Type Labels`` when
  present, numbers otherwise), per-atom masses and charges, the cell (bounds and
  tilt, or general triclinic vectors) and elements guessed from the masses.
* :class:`LammpsDumpReader` streams the frames of a text dump (``dump custom`` or
  ``dump atom``; plain or gzip-compressed). Each frame's atom block is parsed by
  one vectorised call (only the id, coordinate and image columns are
  converted); columns may come in any order and may include text columns
  (``element``); rows are sorted by atom id; the cell is read from ``ITEM: BOX BOUNDS`` (orthogonal, ``xy xz yz`` or
  ``abc origin``). Coordinates are unwrapped as the columns allow: ``xu yu zu``
  or ``xsu ysu zsu`` as they are, ``x y z`` or ``xs ys zs`` with image flags
  ``ix iy iz``; wrapped coordinates without image flags raise
  :class:`~naspe.analysis.errors.WrappedCoordinatesError`. A truncated or
  corrupt frame raises :class:`~naspe.analysis.errors.TrajectoryFormatError`
  naming the frame and the file.
* :func:`read_com_file` reads the system centre of mass written by
  ``fix ave/time N 1 N c_com[1] c_com[2] c_com[3] file com.dat``.

Drude particles (polarisable CL&Pol cells, :mod:`naspe.structures.forcefield.drude`): atom types whose
label ends in :data:`DRUDE_SUFFIX` are folded into the core they are bonded to, mass and charge, so the
topology holds the atoms of the fixed-charge model (elements from the masses, molecule charges as the
force field's) and matches the ion and full dumps, which leave the Drude particles out.

Memory: the reader holds one frame at a time.
"""

from __future__ import annotations

import gzip
import io
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from naspe.analysis.errors import TrajectoryFormatError, WrappedCoordinatesError
from naspe.analysis.frame import Box, Frame
from naspe.analysis.species import element_from_mass

__all__ = [
    "DRUDE_SUFFIX",
    "DataTopology",
    "read_data_topology",
    "LammpsDumpReader",
    "coordinate_convention",
    "read_com_file",
]

_SECTIONS = {
    "Atoms",
    "Velocities",
    "Masses",
    "Ellipsoids",
    "Lines",
    "Triangles",
    "Bodies",
    "Bonds",
    "Angles",
    "Dihedrals",
    "Impropers",
    "Pair Coeffs",
    "PairIJ Coeffs",
    "Bond Coeffs",
    "Angle Coeffs",
    "Dihedral Coeffs",
    "Improper Coeffs",
    "BondBond Coeffs",
    "BondAngle Coeffs",
    "MiddleBondTorsion Coeffs",
    "EndBondTorsion Coeffs",
    "AngleTorsion Coeffs",
    "AngleAngleTorsion Coeffs",
    "BondBond13 Coeffs",
    "AngleAngle Coeffs",
    "Atom Type Labels",
    "Bond Type Labels",
    "Angle Type Labels",
    "Dihedral Type Labels",
    "Improper Type Labels",
}

#: type-label suffix of Drude particles (``OS_DP`` is the Drude particle of type ``OS``)
DRUDE_SUFFIX = "_DP"

# coordinate columns of each convention
_COORDINATES = {
    "unwrapped": ("xu", "yu", "zu"),
    "scaled_unwrapped": ("xsu", "ysu", "zsu"),
    "image": ("x", "y", "z"),
    "scaled_image": ("xs", "ys", "zs"),
}


@dataclass(frozen=True)
class DataTopology:
    """Per-atom topology of a LAMMPS data file, ordered by ascending atom id.

    Attributes
    ----------
    path
        The data file.
    atom_ids, mol_ids, type_ids
        LAMMPS atom, molecule and numeric type ids, shape (n,).
    type_labels
        Type label of each atom (from ``Atom Type Labels``; the type number as
        text when the file has no labels).
    masses
        Atomic masses (g/mol).
    charges
        Partial charges (e) as in the file (naspe scales ion charges, e.g. Na +0.8).
    elements
        Element symbols guessed from the masses (``"X"`` when none matches).
    box
        The cell.
    """

    path: Path
    atom_ids: np.ndarray
    mol_ids: np.ndarray
    type_ids: np.ndarray
    type_labels: np.ndarray
    masses: np.ndarray
    charges: np.ndarray
    elements: np.ndarray
    box: Box

    @property
    def n_atoms(self) -> int:
        """Number of atoms."""
        return int(self.atom_ids.size)

    def index_of(self, ids: np.ndarray) -> np.ndarray:
        """Positions in this topology of the atom ``ids``; raises for ids it does not hold."""
        ids = np.asarray(ids, dtype=np.int64)
        index = np.searchsorted(self.atom_ids, ids)
        index = np.clip(index, 0, self.n_atoms - 1)
        unknown = self.atom_ids[index] != ids
        if unknown.any():
            bad = ids[unknown]
            raise ValueError(
                f"atom ids {bad[:5].tolist()}{' ...' if bad.size > 5 else ''} ({bad.size} in all) are not in "
                f"{self.path.name} ({self.n_atoms} atoms, ids {self.atom_ids[0]}..{self.atom_ids[-1]}); "
                "was the trajectory written from this data file?"
            )
        return index


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _split_sections(path: Path) -> tuple[list[str], dict[str, tuple[str, list[str]]]]:
    """Header lines and {section name: (style comment, body lines)} of a data file."""
    lines = path.read_text().splitlines()
    header: list[str] = []
    sections: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for raw in lines[1:]:  # the first line is a title
        text = _strip_comment(raw)
        if text in _SECTIONS:
            current = text
            style = raw.split("#", 1)[1].strip() if "#" in raw else ""
            sections[current] = (style, [])
        elif not text:
            continue
        elif current is None:
            header.append(text)
        else:
            sections[current][1].append(text)
    return header, sections


def _parse_box(header: list[str], path: Path) -> Box:
    lo, hi = np.zeros(3), np.zeros(3)
    tilt = np.zeros(3)
    vectors: dict[str, np.ndarray] = {}
    origin = None
    for line in header:
        words = line.split()
        for axis, name in enumerate(("xlo xhi", "ylo yhi", "zlo zhi")):
            if line.endswith(name):
                lo[axis], hi[axis] = float(words[0]), float(words[1])
        if line.endswith("xy xz yz"):
            tilt = np.array([float(w) for w in words[:3]])
        for name in ("avec", "bvec", "cvec"):
            if words[-1] == name:
                vectors[name] = np.array([float(w) for w in words[:3]])
        if line.endswith("abc origin"):
            origin = np.array([float(w) for w in words[:3]])
    if vectors:
        if len(vectors) != 3:
            raise TrajectoryFormatError(f"{path}: general triclinic cell needs avec, bvec and cvec lines")
        return Box.from_vectors(vectors["avec"], vectors["bvec"], vectors["cvec"], origin)
    if np.all(hi == lo):
        raise TrajectoryFormatError(f"{path}: no 'xlo xhi', 'ylo yhi', 'zlo zhi' lines; not a LAMMPS data file?")
    return Box.from_bounds(lo, hi, tilt)


def read_data_topology(path: str | Path) -> DataTopology:
    """Read the topology (ids, types, masses, charges, cell) of an ``atom_style full`` data file.

    Parameters
    ----------
    path
        LAMMPS data file, e.g. ``system.data`` written by naspe.

    Returns
    -------
    DataTopology
        Per-atom arrays ordered by atom id.

    Raises
    ------
    TrajectoryFormatError
        When the file has no Atoms or Masses section, its Atoms section is not
        ``atom_style full`` (id mol type q x y z [ix iy iz]), or a type has no mass.
    """
    path = Path(path)
    header, sections = _split_sections(path)
    if "Atoms" not in sections:
        raise TrajectoryFormatError(f"{path}: no 'Atoms' section; not a LAMMPS data file?")
    style, atom_lines = sections["Atoms"]
    if style and style.split()[0] != "full":
        raise TrajectoryFormatError(
            f"{path}: 'Atoms # {style}': the analysis needs atom_style full (molecule ids and charges)"
        )
    labels: dict[str, int] = {}
    for line in sections.get("Atom Type Labels", ("", []))[1]:
        number, name = line.split()[:2]
        labels[name] = int(number)
    if "Masses" not in sections:
        raise TrajectoryFormatError(f"{path}: no 'Masses' section; masses are needed for centres of mass")
    type_mass: dict[int, float] = {}
    for line in sections["Masses"][1]:
        key, value = line.split()[:2]
        type_mass[labels[key] if key in labels else int(key)] = float(value)

    table = [line.split() for line in atom_lines]
    widths = {len(row) for row in table}
    if not widths <= {7, 10}:
        raise TrajectoryFormatError(
            f"{path}: Atoms lines have {sorted(widths)} columns; atom_style full has 7 "
            "(id mol type q x y z) or 10 (with image flags)"
        )
    cols = np.array([row[:4] for row in table], dtype=str).reshape(-1, 4)
    atom_ids = cols[:, 0].astype(np.int64)
    mol_ids = cols[:, 1].astype(np.int64)
    type_ids = np.array([labels[t] if t in labels else int(t) for t in cols[:, 2]], dtype=np.int64)
    charges = cols[:, 3].astype(float)
    missing = sorted(set(type_ids.tolist()) - set(type_mass))
    if missing:
        raise TrajectoryFormatError(f"{path}: atom types {missing} have no entry in the Masses section")
    number_to_label = {v: k for k, v in labels.items()}
    order = np.argsort(atom_ids, kind="stable")
    atom_ids, mol_ids, type_ids, charges = atom_ids[order], mol_ids[order], type_ids[order], charges[order]
    if np.any(np.diff(atom_ids) == 0):
        raise TrajectoryFormatError(f"{path}: atom ids repeat in the Atoms section")
    drudes = {labels[k] for k in labels if k.endswith(DRUDE_SUFFIX)}
    if drudes and np.isin(type_ids, list(drudes)).any():
        atom_ids, mol_ids, type_ids, charges, type_mass = _fold_drudes(
            path, sections, atom_ids, mol_ids, type_ids, charges, type_mass, drudes
        )
    masses = np.array([type_mass[t] for t in type_ids.tolist()])
    type_element = {t: element_from_mass(m) for t, m in type_mass.items()}
    return DataTopology(
        path=path,
        atom_ids=atom_ids,
        mol_ids=mol_ids,
        type_ids=type_ids,
        type_labels=np.array([number_to_label.get(t, str(t)) for t in type_ids.tolist()]),
        masses=masses,
        charges=charges,
        elements=np.array([type_element[t] for t in type_ids.tolist()]),
        box=_parse_box(header, path),
    )


def _fold_drudes(
    path: Path,
    sections: dict[str, tuple[str, list[str]]],
    atom_ids: np.ndarray,
    mol_ids: np.ndarray,
    type_ids: np.ndarray,
    charges: np.ndarray,
    type_mass: dict[int, float],
    drude_types: set[int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, float]]:
    """Add each Drude particle's charge and mass to its core (the atom it is bonded to) and drop it."""
    is_drude = np.isin(type_ids, list(drude_types))
    bonds = np.array([line.split()[2:4] for line in sections.get("Bonds", ("", []))[1]], dtype=np.int64)
    bonds = bonds.reshape(-1, 2)
    index = np.searchsorted(atom_ids, bonds)
    drude_end = is_drude[index]
    if np.any(drude_end.all(axis=1)):
        raise TrajectoryFormatError(f"{path}: a bond joins two Drude particles")
    dc = bonds[drude_end.any(axis=1)]
    dc_index = index[drude_end.any(axis=1)]
    drude_first = drude_end[drude_end.any(axis=1), 0]
    drude_at = np.where(drude_first, dc_index[:, 0], dc_index[:, 1])
    core_at = np.where(drude_first, dc_index[:, 1], dc_index[:, 0])
    if dc.shape[0] != int(is_drude.sum()) or np.unique(drude_at).size != drude_at.size:
        raise TrajectoryFormatError(
            f"{path}: {int(is_drude.sum())} Drude particles but {dc.shape[0]} core-Drude bonds; "
            "each Drude particle must be bonded to exactly one core"
        )
    charges = charges.copy()
    np.add.at(charges, core_at, charges[drude_at])
    folded = dict(type_mass)
    for core_type, drude_type in {(int(type_ids[c]), int(type_ids[d])) for c, d in zip(core_at, drude_at, strict=True)}:
        folded[core_type] = type_mass[core_type] + type_mass[drude_type]
    keep = ~is_drude
    return atom_ids[keep], mol_ids[keep], type_ids[keep], charges[keep], folded


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
