"""Checks every engine runs on its input before any calculation: atoms too close, vacuum, slabs.

A structure that fails here is a building error; the message names the atoms and
the distance (Å) so the user can fix the structure before any engine runs.
"""

from __future__ import annotations

import numpy as np

from naspe.structures.geometry import check_min_distance

__all__ = [
    "SLAB_VACUUM_ANGSTROM",
    "GPAW_EDGE_ANGSTROM",
    "MIN_DISTANCE_ANGSTROM",
    "ScfNotConverged",
    "EngineCrashed",
    "exit_status",
    "check_distances",
    "is_slab",
    "to_atoms",
]

SLAB_VACUUM_ANGSTROM = 6.0
GPAW_EDGE_ANGSTROM = 3.0  # localized functions of atoms closer than this to a non-periodic face cross it


def is_slab(atoms) -> bool:
    """True when the structure has an empty gap along z wider than :data:`SLAB_VACUUM_ANGSTROM`.

    The gap is measured normal to the ab plane (fractional z times the interplanar spacing
    1/|b_3|), as the k-point rule measures it (:func:`naspe.workflows.dft.kpoints.periodic_directions`).
    """
    spacing = 1.0 / np.linalg.norm(atoms.cell.reciprocal()[2])
    z = np.sort(np.mod(atoms.get_scaled_positions()[:, 2], 1.0)) * spacing
    gaps = np.diff(np.concatenate([z, [z[0] + spacing]]))
    return bool(gaps.max() > SLAB_VACUUM_ANGSTROM)


MIN_DISTANCE_ANGSTROM = 0.6  # closer than any bond (H-H 0.74 Å): a building error, not a structure


class ScfNotConverged(RuntimeError):
    """The engine's electronic self-consistency did not converge."""


class EngineCrashed(RuntimeError):
    """The engine's process died (a signal or an abort); the message has its status and last output lines."""


def exit_status(returncode: int | None) -> str:
    """How a process ended, in words: 'killed by SIGKILL', 'exit status 139 (SIGSEGV in a rank)', ...

    ``returncode`` is :attr:`subprocess.Popen.returncode` (negative: the signal that killed it; above 128: an
    MPI launcher reporting a rank killed by signal ``returncode - 128``); None: still running.
    """
    import signal

    if returncode is None:
        return "still running but not answering"
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    if returncode > 128 and returncode - 128 in signal.Signals._value2member_map_:
        return f"exit status {returncode} ({signal.Signals(returncode - 128).name} in a rank)"
    return f"exit status {returncode}"


def to_atoms(mol_or_struct):
    """ASE Atoms of a pymatgen Structure or Molecule; a periodic cell with a vacuum gap along z becomes a slab."""
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(mol_or_struct)
    if atoms.pbc.all() and is_slab(atoms):
        atoms.pbc = (True, True, False)
    return atoms


def check_distances(atoms, min_distance: float = MIN_DISTANCE_ANGSTROM) -> None:
    """Raise ValueError naming the closest pair of atoms when closer than ``min_distance`` (Å)."""
    check_min_distance(atoms, min_distance, "fix the structure before running an engine")
