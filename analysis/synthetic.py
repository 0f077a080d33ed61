"""Synthetic trajectories with known transport, written as real LAMMPS files.

For tests and benchmarks of the analysis: a :class:`SyntheticCell` (made by
:func:`naspe.structures.synthetic_cell.build_cell` from naspe-built ions, written
as a LAMMPS data file) is moved by :func:`gaussian_walk` makes random walks with a set diffusion coefficient (per-
step displacement sigma = sqrt(2 D dt) per axis, so MSD = 6 D t exactly in
expectation); :func:`rigid_motion` moves every molecule rigidly along a given
centre-of-mass path; :func:`write_dump` writes a LAMMPS text dump with unwrapped
coordinates, wrapped ones with image flags, scaled ones, or wrapped ones without
image flags (to check they are refused). :func:`ornstein_uhlenbeck_stress` makes an
off-diagonal pressure tensor whose Green-Kubo viscosity is known
(:func:`ornstein_uhlenbeck_viscosity_mPa_s`), and :func:`write_pressure_file` writes it
as naspe's production writes ``pressure.dat``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from naspe.analysis.frame import Box
from naspe.analysis.lammps_topology import DataTopology
from naspe.analysis.units import BOLTZMANN_J_PER_K
from naspe.analysis.viscosity import ATM_TO_PA

__all__ = [
    "SyntheticCell",
    "gaussian_walk",
    "rigid_motion",
    "write_dump",
    "write_com_file",
    "ornstein_uhlenbeck_stress",
    "ornstein_uhlenbeck_viscosity_mPa_s",
    "write_pressure_file",
]


@dataclass
class SyntheticCell:
    """A cell written to a LAMMPS data file, with what is needed to move its molecules.

    Attributes
    ----------
    data_path
        The data file.
    topology
        Its parsed topology (ordered by atom id = order of ``reference_positions``).
    reference_positions
        Atom positions (Å) of whole, unwrapped molecules, shape (n_atoms, 3).
    molecule_of_atom
        0-based molecule index of each atom.
    molecule_names
        Name of each molecule (``"Na"``, ``"FSI"``, ``"PEO"``, ...).
    box
        The cell.
    """

    data_path: Path
    topology: DataTopology
    reference_positions: np.ndarray
    molecule_of_atom: np.ndarray
    molecule_names: list[str]
    box: Box

    @property
    def n_molecules(self) -> int:
        """Number of molecules."""
        return len(self.molecule_names)

    def molecules(self, name: str) -> np.ndarray:
        """Indices of the molecules called ``name``."""
        return np.flatnonzero(np.array(self.molecule_names) == name)


def gaussian_walk(
    rng: np.random.Generator, n_frames: int, n_walkers: int, diffusion_cm2_s: float, interval_fs: float
) -> np.ndarray:
    """Random walks with diffusion coefficient ``diffusion_cm2_s``, starting at 0.

    Parameters
    ----------
    rng
        Random generator.
    n_frames
        Frames (the first is 0).
    n_walkers
        Independent walkers.
    diffusion_cm2_s
        D (cm^2/s).
    interval_fs
        Time between frames (fs).

    Returns
    -------
    numpy.ndarray
        Displacements (Å), shape (n_frames, n_walkers, 3).
    """
    sigma = np.sqrt(2.0 * diffusion_cm2_s * 10.0 * interval_fs)  # 1 cm^2/s = 10 Å^2/fs
    steps = rng.normal(0.0, sigma, size=(n_frames, n_walkers, 3))
    steps[0] = 0.0
    return np.cumsum(steps, axis=0)


def rigid_motion(cell: SyntheticCell, displacements: np.ndarray) -> np.ndarray:
    """Atom positions when each molecule translates rigidly by ``displacements``.

    Parameters
    ----------
    cell
        The cell.
    displacements
        Displacement of each molecule (Å), shape (n_frames, n_molecules, 3).

    Returns
    -------
    numpy.ndarray
        Unwrapped atom positions (Å), shape (n_frames, n_atoms, 3).
    """
    return cell.reference_positions[None] + displacements[:, cell.molecule_of_atom]


def write_dump(
    path: str | Path,
    cell: SyntheticCell,
    positions: np.ndarray,
    steps: np.ndarray,
    style: str = "unwrapped",
    atoms: np.ndarray | None = None,
    shuffle: np.random.Generator | None = None,
    boxes: list[Box] | None = None,
) -> Path:
    """Write a LAMMPS text dump of unwrapped ``positions``.

    Parameters
    ----------
    path
        Dump file to write.
    cell
        The cell (atom ids, types, box).
    positions
        Unwrapped positions (Å), shape (n_frames, n_atoms, 3).
    steps
        MD step of each frame.
    style
        ``"unwrapped"`` (id type xu yu zu), ``"image"`` (id type x y z ix iy iz),
        ``"scaled_image"`` (id type xs ys zs ix iy iz) or ``"wrapped"`` (id type x y z:
        no image flags).
    atoms
        Indices of the atoms to dump (all when None).
    shuffle
        Shuffle the atom order of every frame with this generator (LAMMPS does not sort).
    boxes
        Cell of each frame (``cell.box`` for all when None).

    Returns
    -------
    pathlib.Path
        The dump file.
    """
    path = Path(path)
    select = np.arange(positions.shape[1]) if atoms is None else np.asarray(atoms)
    ids = cell.topology.atom_ids[select]
    types = cell.topology.type_ids[select]
    columns = {
        "unwrapped": "id type xu yu zu",
        "image": "id type x y z ix iy iz",
        "scaled_image": "id type xs ys zs ix iy iz",
        "wrapped": "id type x y z",
    }[style]
    with path.open("w") as f:
        for k, step in enumerate(steps):
            box = cell.box if boxes is None else boxes[k]
            r = positions[k][select]
            frac = (r - box.origin) @ np.linalg.inv(box.matrix)
            image = np.floor(frac)
            if style == "unwrapped":
                values = r
            elif style == "scaled_image":
                values = frac - image
            else:
                values = box.origin + (frac - image) @ box.matrix
            table = np.column_stack([ids, types, values] + ([image] if style in ("image", "scaled_image") else []))
            order = shuffle.permutation(len(ids)) if shuffle is not None else np.arange(len(ids))
            f.write(f"ITEM: TIMESTEP\n{int(step)}\nITEM: NUMBER OF ATOMS\n{len(ids)}\n")
            f.write(_box_bounds(box))
            f.write(f"ITEM: ATOMS {columns}\n")
            fmt = "%d %d %.6f %.6f %.6f" + (" %d %d %d" if table.shape[1] == 8 else "") + "\n"
            f.write((fmt * len(ids)) % tuple(table[order].ravel().tolist()))
    return path


def _box_bounds(box: Box) -> str:
    lo = box.origin
    (lx, _, _), (xy, ly, _), (xz, yz, lz) = box.matrix
    hi = lo + np.array([lx, ly, lz])
    if box.is_orthogonal:
        return f"ITEM: BOX BOUNDS pp pp pp\n{lo[0]} {hi[0]}\n{lo[1]} {hi[1]}\n{lo[2]} {hi[2]}\n"
    xlo_b = lo[0] + min(0.0, xy, xz, xy + xz)
    xhi_b = hi[0] + max(0.0, xy, xz, xy + xz)
    ylo_b = lo[1] + min(0.0, yz)
    yhi_b = hi[1] + max(0.0, yz)
    return f"ITEM: BOX BOUNDS xy xz yz pp pp pp\n{xlo_b} {xhi_b} {xy}\n{ylo_b} {yhi_b} {xz}\n{lo[2]} {hi[2]} {yz}\n"


def write_com_file(path: str | Path, steps: np.ndarray, com: np.ndarray) -> Path:
    """Write a centre-of-mass log as ``fix ave/time ... c_com[1] c_com[2] c_com[3] file`` does."""
    path = Path(path)
    with path.open("w") as f:
        f.write("# Time-averaged data for fix com_ave\n# TimeStep c_com[1] c_com[2] c_com[3]\n")
        np.savetxt(f, np.column_stack([steps, com]), fmt="%d %.8g %.8g %.8g")
    return path


def ornstein_uhlenbeck_stress(
    rng: np.random.Generator, n_samples: int, interval_fs: float, tau_fs: float, sigma_atm: float
) -> np.ndarray:
    """Three off-diagonal stresses (atm) with a known correlation, shape ``(n_samples, 3)``.

    ``n_samples`` every ``interval_fs`` (fs), each component an Ornstein-Uhlenbeck process with
    ``<P(0) P(t)> = sigma_atm^2 exp(-t / tau_fs)``.
    """
    a = np.exp(-interval_fs / tau_fs)
    noise = rng.normal(0.0, sigma_atm * np.sqrt(1 - a * a), size=(n_samples, 3))
    x = np.empty((n_samples, 3))
    x[0] = rng.normal(0.0, sigma_atm, 3)
    for k in range(1, n_samples):
        x[k] = a * x[k - 1] + noise[k]
    return x


def ornstein_uhlenbeck_viscosity_mPa_s(
    volume_angstrom3: float, temperature_K: float, tau_fs: float, sigma_atm: float
) -> float:
    """Green-Kubo viscosity (mPa s) of :func:`ornstein_uhlenbeck_stress`: ``V sigma^2 tau / (k_B T)``."""
    sigma_pa = sigma_atm * ATM_TO_PA
    return volume_angstrom3 * 1e-30 / (BOLTZMANN_J_PER_K * temperature_K) * sigma_pa**2 * tau_fs * 1e-15 * 1e3


def write_pressure_file(path: str | Path, steps: np.ndarray, tensor: np.ndarray) -> Path:
    """Write ``step pxy pxz pyz`` (atm) lines as naspe's production writes ``pressure.dat`` (``fix ave/time``)."""
    path = Path(path)
    with path.open("w") as f:
        f.write(
            "# Time-averaged data for fix press_ave\n# TimeStep c_thermo_press[4] c_thermo_press[5] c_thermo_press[6]\n"
        )
        np.savetxt(f, np.column_stack([steps, tensor]), fmt="%d %.6g %.6g %.6g")
    return path
