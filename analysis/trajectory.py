"""Ion centre-of-mass trajectories: what the transport analysis works on.

:func:`load_ion_trajectory` streams a trajectory (LAMMPS text dump, or DCD/XTC
through MDAnalysis) frame by frame and keeps only, per frame, the centre of
mass of every ion (mass-weighted, from unwrapped atom positions), the cell
volume and the time. Memory therefore grows with ions x frames, not with
atoms x frames. Positions are stored in single precision: LAMMPS text dumps
carry 6 significant digits by default and DCD/XTC are single precision, so
nothing is lost; all arithmetic on them is done in double precision.

Centre-of-mass drift is removed frame by frame, from (in this order of
preference) the system centre of mass that LAMMPS logged (``com_file``), or the
mass-weighted centre of mass of all atoms in the trajectory. The latter is the
system's only when the trajectory holds every atom of the data file; when it
holds only the ions, the reference is said to be partial in ``com_reference``
and in ``warnings``.

Every frame is checked for jumps: an atom moving by more than half a cell
between consecutive frames means the coordinates are wrapped (or the frames
too far apart), and the trajectory is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from naspe.analysis.errors import TrajectoryFormatError, WrappedCoordinatesError
from naspe.analysis.frame import Frame
from naspe.analysis.lammps_io import LammpsDumpReader, read_com_file
from naspe.analysis.lammps_topology import DataTopology, read_data_topology
from naspe.analysis.mda_io import MDANALYSIS_FORMATS, iter_mdanalysis_frames
from naspe.analysis.species import IonTable, identify_ions

__all__ = ["IonTrajectory", "load_ion_trajectory"]

#: naspe's default MD time step (fs), used to turn dump steps into times


@dataclass
class IonTrajectory:
    """Unwrapped, drift-free centre-of-mass positions of the ions of a run.

    Ions are grouped by species (cations first), so each species is a contiguous
    slice of the ion axis.

    Attributes
    ----------
    species
        Species name of each ion, shape (n_ions,).
    formal_charges
        Formal charge z of each ion (e), shape (n_ions,).
    charge_sums
        Sum of the ion's partial charges in the data file (e), e.g. +0.8 for a
        scaled Na+.
    masses
        Ion masses (g/mol).
    mol_ids
        Molecule ids of the ions in the data file.
    time_fs
        Time of each frame (fs), equally spaced, shape (n_frames,).
    positions
        Centre-of-mass positions (Å), unwrapped, drift removed, float32,
        shape (n_frames, n_ions, 3).
    volume_angstrom3
        Cell volume of each frame (Å^3), shape (n_frames,).
    com_reference
        Which centre of mass was subtracted.
    source
        The trajectory file.
    charge_scaling
        Ionic charge scaling assumed when identifying ions.
    warnings
        Caveats found while loading (e.g. a partial centre-of-mass reference).
    cell_matrix
        Time-averaged cell edge vectors as rows (Å), shape (3, 3); None when not recorded.
    """

    species: np.ndarray
    formal_charges: np.ndarray
    charge_sums: np.ndarray
    masses: np.ndarray
    mol_ids: np.ndarray
    time_fs: np.ndarray
    positions: np.ndarray
    volume_angstrom3: np.ndarray
    com_reference: str
    source: str = ""
    charge_scaling: float = 0.8
    warnings: list[str] = field(default_factory=list)
    cell_matrix: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.positions.ndim != 3 or self.positions.shape[2] != 3:
            raise ValueError(f"positions have shape {self.positions.shape}; need (n_frames, n_ions, 3)")
        n_frames, n_ions = self.positions.shape[:2]
        for name in ("species", "formal_charges", "charge_sums", "masses", "mol_ids"):
            if len(getattr(self, name)) != n_ions:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries for {n_ions} ions")
        for name in ("time_fs", "volume_angstrom3"):
            if len(getattr(self, name)) != n_frames:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries for {n_frames} frames")
        species = np.asarray(self.species)
        changes = int(np.count_nonzero(species[1:] != species[:-1]))
        if changes != len(set(species.tolist())) - 1:
            raise ValueError("ions of each species must be contiguous along the ion axis (group them by species)")

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.positions.shape[0])

    @property
    def n_ions(self) -> int:
        """Number of ions."""
        return int(self.positions.shape[1])

    @property
    def frame_interval_fs(self) -> float:
        """Time between frames (fs)."""
        return float(self.time_fs[1] - self.time_fs[0]) if self.n_frames > 1 else 0.0

    @property
    def species_names(self) -> list[str]:
        """Species in ion order (cations first)."""
        return list(dict.fromkeys(self.species.tolist()))

    def species_slice(self, name: str) -> slice:
        """The contiguous range of ions of species ``name``."""
        where = np.flatnonzero(self.species == name)
        if where.size == 0:
            raise KeyError(f"species {name!r} not in this trajectory; it has {self.species_names}")
        return slice(int(where[0]), int(where[-1]) + 1)

    def frames(self, start: int, stop: int) -> IonTrajectory:
        """The frames ``start:stop`` (a view, no copy of the positions)."""
        return replace(
            self,
            time_fs=self.time_fs[start:stop],
            positions=self.positions[start:stop],
            volume_angstrom3=self.volume_angstrom3[start:stop],
            warnings=list(self.warnings),
        )


class _FrameStore:
    """Append-only (n_frames, n_ions, 3) float32 buffer, preallocated from an estimate."""

    def __init__(self, n_ions: int, estimate: int | None) -> None:
        self.data = np.empty((max(estimate or 64, 1), n_ions, 3), dtype=np.float32)
        self.n = 0

    def append(self, frame: np.ndarray) -> None:
        if self.n == self.data.shape[0]:
            grown = np.empty((int(self.n * 1.5) + 1, *self.data.shape[1:]), dtype=np.float32)
            grown[: self.n] = self.data
            self.data = grown
        self.data[self.n] = frame
        self.n += 1

    def result(self) -> np.ndarray:
        if self.n < 0.9 * self.data.shape[0]:
            return self.data[: self.n].copy()
        return self.data[: self.n]


def _frames(
    path: Path, topology: DataTopology, ions: IonTable, stride: int, fmt: str | None
) -> tuple[Iterator[Frame], int | None]:
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind in MDANALYSIS_FORMATS:
        return iter_mdanalysis_frames(path, topology, topology.atom_ids[ions.atom_index], stride), None
    reader = LammpsDumpReader(path, stride=stride)
    return iter(reader), reader.estimate_n_frames()


def _check_finite(frame: Frame, path: Path) -> None:
    """Refuse a frame with a NaN or infinite coordinate or cell length (a blown-up or corrupt run)."""
    if not np.isfinite(frame.box.matrix).all():
        raise TrajectoryFormatError(
            f"{path}: frame {frame.index} (counting from 0) has a non-finite cell (NaN or inf); the run blew up "
            "or the file is corrupt: analyse the frames before it (truncate the file) or rerun the stage"
        )
    bad = ~np.isfinite(frame.positions)
    if bad.any():
        row = int(np.flatnonzero(bad.any(axis=1))[0])
        raise TrajectoryFormatError(
            f"{path}: frame {frame.index} (counting from 0) has {int(bad.any(axis=1).sum())} atom(s) with a NaN or "
            f"infinite coordinate (first: atom id {int(frame.ids[row])}); the run blew up or the file is corrupt: "
            "analyse the frames before it (truncate the file) or rerun the stage"
        )


def _check_jumps(frame: Frame, previous: np.ndarray, path: Path) -> None:
    """Refuse coordinates that jump by more than half a cell between frames (wrapped)."""
    jump = np.abs(frame.box.to_fractional(frame.positions - previous))
    worst = np.unravel_index(int(np.argmax(jump)), jump.shape)
    if jump[worst] > 0.5:
        atom = int(frame.ids[worst[0]])
        raise WrappedCoordinatesError(
            f"{path}: atom id {atom} moves by {jump[worst]:.2f} cell lengths along {'abc'[worst[1]]} between "
            f"frames {frame.index - 1} and {frame.index} (counting from 0): the coordinates are wrapped into the "
            "cell (or the frames are too far apart). Write unwrapped coordinates (dump custom ... xu yu zu, "
            "or dump_modify unwrap yes for dcd/xtc) or image flags ix iy iz."
        )


def _times(steps: list[int | None], times: list[float | None], timestep_fs: float | None, path: Path) -> np.ndarray:
    if all(s is not None for s in steps):
        if timestep_fs is None:  # a wrong guess would scale D and sigma by the ratio of time steps
            raise ValueError(
                f"{path}: its frames are numbered by MD step, not time: give the run's time step "
                "(timestep_fs, `--timestep-fs` on the command line) in fs"
            )
        time_fs = np.asarray(steps, dtype=float) * timestep_fs
    else:
        time_fs = np.asarray(times, dtype=float)
    if time_fs.size < 2:
        raise TrajectoryFormatError(f"{path}: {time_fs.size} frame(s); an MSD needs many frames")
    dt = np.diff(time_fs)
    bad = np.flatnonzero(dt <= 0)
    if bad.size:
        k = int(bad[0])
        what = f"step {steps[k + 1]}" if steps[k + 1] is not None else f"time {time_fs[k + 1]} fs"
        raise TrajectoryFormatError(
            f"{path}: frame {k + 1} ({what}) does not come after frame {k}; remove repeated or "
            "out-of-order frames (a continued run often repeats its first step)"
        )
    irregular = np.flatnonzero(np.abs(dt - dt[0]) > 1e-6 * dt[0])
    if irregular.size:
        k = int(irregular[0])
        raise TrajectoryFormatError(
            f"{path}: frames are not equally spaced in time ({dt[0]:g} fs, then {dt[k]:g} fs between frames "
            f"{k} and {k + 1}); the FFT MSD needs a constant dump interval"
        )
    return time_fs


def load_ion_trajectory(
    trajectory: str | Path,
    topology: str | Path | DataTopology,
    timestep_fs: float | None = None,
    com_file: str | Path | None = None,
    charge_scaling: float = 0.8,
    stride: int = 1,
    remove_drift: bool = True,
    format: str | None = None,
    neutral: bool = False,
) -> IonTrajectory:
    """Read a trajectory and return the unwrapped, drift-free centre-of-mass positions of its ions.

    Parameters
    ----------
    trajectory
        LAMMPS text dump (any suffix; gzip fine) or a DCD/XTC/TRR file.
    topology
        The LAMMPS data file of the run (``atom_style full``), or its parsed topology.
    timestep_fs
        MD time step (fs) that turns dump step numbers into times. Required for frames numbered by
        step (LAMMPS dumps, DCD): never guessed, since D and sigma scale with it; None is fine for
        files that carry times.
    com_file
        System centre of mass per step as written by
        ``fix ave/time N 1 N c_com[1] c_com[2] c_com[3] file com.dat``; it must
        have a line for every frame's step.
    charge_scaling
        Scaling of ionic charges in the force field (naspe default 0.8); sets the
        formal charge of charged molecules that are not a known ion.
    stride
        Use every ``stride``-th frame.
    remove_drift
        Subtract the centre-of-mass motion (True), or keep positions as dumped.
    format
        Force a format (``"lammpsdump"``, ``"dcd"``, ``"xtc"``, ...); from the suffix when None.
    neutral
        Track the neutral molecules (solvent, chains; named by Hill formula, charge 0) instead
        of the ions (:func:`~naspe.analysis.species.identify_ions`); the trajectory must hold them.

    Returns
    -------
    IonTrajectory
        Ion centres of mass, volumes and times.

    Raises
    ------
    WrappedCoordinatesError
        Wrapped coordinates without image flags, or jumps of more than half a cell.
    TrajectoryFormatError
        Truncated or corrupt files, missing atoms, irregular frame times, or a
        COM file without the frames' steps.
    """
    path = Path(trajectory)
    if not path.is_file():
        raise FileNotFoundError(f"trajectory {path} does not exist")
    if timestep_fs is not None and (not np.isfinite(float(timestep_fs)) or float(timestep_fs) <= 0):
        raise ValueError(f"timestep_fs={timestep_fs}: must be a positive time step in fs (e.g. 2.0)")
    if int(stride) != stride or stride < 1:
        raise ValueError(f"stride={stride}: must be a positive integer")
    topo = topology if isinstance(topology, DataTopology) else read_data_topology(topology)
    ions = identify_ions(topo, charge_scaling=charge_scaling, neutral=neutral)
    com_log = read_com_file(com_file) if com_file is not None else None
    frames, estimate = _frames(path, topo, ions, int(stride), format)

    ion_atom_ids = topo.atom_ids[ions.atom_index]
    weights = topo.masses[ions.atom_index] / ions.masses[ions.ion_of_atom]
    store: _FrameStore | None = None
    steps: list[int | None] = []
    times: list[float | None] = []
    volumes: list[float] = []
    cell_sum = np.zeros((3, 3))
    first_ids: np.ndarray | None = None
    previous: np.ndarray | None = None
    com0: np.ndarray | None = None
    rows = dump_masses = None
    for frame in frames:
        if first_ids is None:
            first_ids = frame.ids
            frame_index = topo.index_of(frame.ids)
            rows = np.searchsorted(frame.ids, ion_atom_ids)
            rows = np.clip(rows, 0, frame.ids.size - 1)
            missing = frame.ids[rows] != ion_atom_ids
            if missing.any():
                mol = topo.mol_ids[ions.atom_index[np.flatnonzero(missing)[0]]]
                raise TrajectoryFormatError(
                    f"{path}: {int(missing.sum())} ion atoms are not in the trajectory (first: atom id "
                    f"{int(ion_atom_ids[missing][0])} of molecule {int(mol)}); dump every ion atom"
                )
            dump_masses = topo.masses[frame_index]
            store = _FrameStore(ions.n_ions, None if estimate is None else int(estimate * 1.02) + 1)
        elif frame.ids.size != first_ids.size or not np.array_equal(frame.ids, first_ids):
            raise TrajectoryFormatError(
                f"{path}: frame {frame.index} holds other atoms than frame 0 ({frame.ids.size} vs {first_ids.size}); "
                "the dumped group must not change"
            )
        # the first frame set them (mypy cannot follow that through the loop)
        assert store is not None and dump_masses is not None
        _check_finite(frame, path)
        if previous is not None:
            _check_jumps(frame, previous, path)
        previous = frame.positions

        atom_xyz = frame.positions[rows] * weights[:, None]
        com_ions = np.stack(
            [np.bincount(ions.ion_of_atom, weights=atom_xyz[:, d], minlength=ions.n_ions) for d in range(3)],
            axis=1,
        )
        if com_log is not None:
            reference = _logged_com(com_log, frame, com_file, path)
        elif remove_drift:
            reference = dump_masses @ frame.positions / dump_masses.sum()
        else:
            reference = np.zeros(3)
        if com0 is None:
            com0 = reference
        store.append(com_ions - (reference - com0))
        steps.append(frame.step)
        times.append(frame.time_fs)
        volumes.append(frame.box.volume_angstrom3)
        cell_sum += frame.box.matrix

    if store is None or first_ids is None:
        raise TrajectoryFormatError(f"{path}: no frames")
    notes: list[str] = []
    if com_file is not None:  # com_log was read from it
        reference_text = f"system centre of mass logged by LAMMPS in {Path(com_file).name}"
    elif not remove_drift:
        reference_text = "none (positions as dumped; drift not removed)"
    elif first_ids.size == topo.n_atoms:
        reference_text = f"mass-weighted centre of mass of all {topo.n_atoms} atoms (the whole system)"
    else:
        reference_text = (
            f"mass-weighted centre of mass of the {first_ids.size} dumped atoms only "
            f"(the data file has {topo.n_atoms}): not the system's"
        )
        notes.append(
            f"the trajectory holds {first_ids.size} of {topo.n_atoms} atoms and no com_file was given: the drift "
            "removed is that of the dumped atoms, which also removes part of the ions' motion relative to the "
            "rest of the system; pass com_file (fix ave/time of compute com) for the system centre of mass"
        )
    return IonTrajectory(
        species=ions.species,
        formal_charges=ions.formal_charges,
        charge_sums=ions.charge_sums,
        masses=ions.masses,
        mol_ids=ions.mol_ids,
        time_fs=_times(steps, times, timestep_fs, path),
        positions=store.result(),
        volume_angstrom3=np.asarray(volumes),
        com_reference=reference_text,
        source=str(path),
        charge_scaling=float(charge_scaling),
        warnings=notes,
        cell_matrix=cell_sum / len(volumes),
    )


def _logged_com(com_log: tuple[np.ndarray, np.ndarray], frame: Frame, com_file: str | Path | None, path: Path):
    steps, com = com_log
    if frame.step is None:
        raise TrajectoryFormatError(f"{path}: frames carry no step numbers to match against {com_file}")
    k = int(np.searchsorted(steps, frame.step))
    if k >= steps.size or steps[k] != frame.step:
        interval = int(np.median(np.diff(steps))) if steps.size > 1 else 0
        raise TrajectoryFormatError(
            f"{com_file}: no line for step {frame.step} (frame {frame.index} of {path.name}); it has steps "
            f"{int(steps[0])}..{int(steps[-1])} every {interval}: write the COM at least as often as the dump "
            "(fix ave/time N 1 N with N dividing the dump interval)"
        )
    return com[k]
