"""Simulation cells and trajectory frames as the readers hand them over.

:class:`Box` holds a periodic cell as an origin and three edge vectors (rows of
``matrix``, Å), whichever way the file described it: LAMMPS orthogonal bounds,
restricted triclinic bounds with tilt factors ``xy xz yz`` (data file or dump
``BOX BOUNDS xy xz yz``), LAMMPS general triclinic (``avec bvec cvec`` /
``BOX BOUNDS abc origin``) or the ``a b c alpha beta gamma`` of MDAnalysis.
Its volume is ``|det(matrix)|``, right for non-cubic and tilted cells.

:class:`Frame` is one snapshot: MD step, cell, atom ids (ascending) and
positions (Å) that the reader has unwrapped (or, for formats that cannot say,
that it passes on as they are, to be checked for jumps by the loader).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Box", "Frame"]


@dataclass(frozen=True)
class Box:
    """A periodic cell.

    Attributes
    ----------
    origin
        Corner of the cell (Å), shape (3,).
    matrix
        Edge vectors a, b, c as rows (Å), shape (3, 3). For LAMMPS restricted
        triclinic cells ``a = (lx, 0, 0)``, ``b = (xy, ly, 0)``, ``c = (xz, yz, lz)``.
    """

    origin: np.ndarray
    matrix: np.ndarray

    @classmethod
    def from_bounds(cls, lo: np.ndarray, hi: np.ndarray, tilt: np.ndarray | Sequence[float] | None = None) -> Box:
        """Cell from LAMMPS ``xlo xhi ylo yhi zlo zhi`` (Å) and tilt factors ``xy xz yz`` (Å)."""
        lo = np.asarray(lo, dtype=float)
        lengths = np.asarray(hi, dtype=float) - lo
        if np.any(lengths <= 0):
            raise ValueError(f"box bounds lo={lo.tolist()} hi={np.asarray(hi).tolist()}: every hi must exceed its lo")
        xy, xz, yz = (0.0, 0.0, 0.0) if tilt is None else (float(t) for t in tilt)
        matrix = np.array([[lengths[0], 0.0, 0.0], [xy, lengths[1], 0.0], [xz, yz, lengths[2]]])
        return cls(origin=lo, matrix=matrix)

    @classmethod
    def from_dump_bounds(cls, rows: np.ndarray, triclinic: bool) -> Box:
        """Cell from the three ``ITEM: BOX BOUNDS`` lines of a LAMMPS dump.

        Parameters
        ----------
        rows
            The three lines as a (3, 2) array (orthogonal) or (3, 3) array
            (``xlo_bound xhi_bound xy`` / ``ylo_bound yhi_bound xz`` /
            ``zlo_bound zhi_bound yz``), Å.
        triclinic
            Whether the header named tilt factors (``BOX BOUNDS xy xz yz``).
        """
        rows = np.asarray(rows, dtype=float)
        if not triclinic:
            return cls.from_bounds(rows[:, 0], rows[:, 1])
        xy, xz, yz = rows[0, 2], rows[1, 2], rows[2, 2]
        # the dump gives the bounding box of the tilted cell (LAMMPS Howto_triclinic)
        xlo = rows[0, 0] - min(0.0, xy, xz, xy + xz)
        xhi = rows[0, 1] - max(0.0, xy, xz, xy + xz)
        ylo = rows[1, 0] - min(0.0, yz)
        yhi = rows[1, 1] - max(0.0, yz)
        return cls.from_bounds(np.array([xlo, ylo, rows[2, 0]]), np.array([xhi, yhi, rows[2, 1]]), (xy, xz, yz))

    @classmethod
    def from_vectors(cls, a: np.ndarray, b: np.ndarray, c: np.ndarray, origin: np.ndarray | None = None) -> Box:
        """Cell from edge vectors a, b, c (Å), e.g. a LAMMPS general triclinic cell."""
        matrix = np.array([a, b, c], dtype=float)
        if abs(np.linalg.det(matrix)) < 1e-9:
            raise ValueError(f"cell vectors {matrix.tolist()} are linearly dependent (zero volume)")
        return cls(origin=np.zeros(3) if origin is None else np.asarray(origin, dtype=float), matrix=matrix)

    @classmethod
    def from_dimensions(cls, dimensions: np.ndarray) -> Box:
        """Cell from MDAnalysis ``[a, b, c, alpha, beta, gamma]`` (Å, degrees)."""
        # MDAnalysis (~2 s to import) only for its own trajectory formats
        from MDAnalysis.lib.mdamath import triclinic_vectors

        dims = np.asarray(dimensions, dtype=float)
        if dims.shape != (6,) or np.any(dims[:3] <= 0):
            raise ValueError(
                f"cell dimensions {dims.tolist()}: need six values a b c alpha beta gamma with a, b, c > 0"
            )
        return cls.from_vectors(*triclinic_vectors(dims))

    @property
    def volume_angstrom3(self) -> float:
        """Cell volume (Å^3)."""
        return float(abs(np.linalg.det(self.matrix)))

    @property
    def lengths(self) -> np.ndarray:
        """LAMMPS ``lx ly lz`` (Å): the diagonal of ``matrix``."""
        return np.diag(self.matrix).copy()

    @property
    def tilt(self) -> np.ndarray:
        """LAMMPS tilt factors ``xy xz yz`` (Å)."""
        return np.array([self.matrix[1, 0], self.matrix[2, 0], self.matrix[2, 1]])

    @property
    def is_orthogonal(self) -> bool:
        """Whether the edge vectors are along x, y and z."""
        return bool(np.allclose(self.matrix, np.diag(np.diag(self.matrix))))

    def to_fractional(self, displacement: np.ndarray) -> np.ndarray:
        """Cartesian vectors (Å, shape (..., 3)) in units of the edge vectors."""
        return np.asarray(displacement) @ np.linalg.inv(self.matrix)

    def to_cartesian(self, fractional: np.ndarray) -> np.ndarray:
        """Fractional vectors (shape (..., 3)) in Å; add ``origin`` for positions."""
        return np.asarray(fractional) @ self.matrix


@dataclass
class Frame:
    """One trajectory snapshot.

    Attributes
    ----------
    index
        Position of the frame in its file, counting from 0.
    step
        MD step number, when the file records it.
    time_fs
        Time (fs) when the file records a time but no step (else None).
    box
        The cell of this frame.
    ids
        LAMMPS atom ids, ascending, shape (n,).
    positions
        Positions (Å), shape (n, 3), in the order of ``ids``.
    """

    index: int
    step: int | None
    time_fs: float | None
    box: Box
    ids: np.ndarray
    positions: np.ndarray
