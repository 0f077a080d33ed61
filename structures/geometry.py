"""Geometry checks shared by every builder and engine: atoms that no chemistry puts this close.

One check, :func:`check_min_distance`, with the threshold and the advice given by the caller
(a builder says how to fix its inputs, an engine that the structure must be fixed first).
"""

from __future__ import annotations

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list

__all__ = ["closest_pair", "check_min_distance"]


def closest_pair(atoms: Atoms, cutoff: float) -> tuple[int, int, float] | None:
    """The closest pair of atoms (periodic images included) within ``cutoff`` Å, as (i, j, d Å), or None."""
    if len(atoms) < 2 and not atoms.pbc.any():
        return None
    i, j, d = neighbor_list("ijd", atoms, cutoff)
    if not len(d):
        return None
    k = int(np.argmin(d))
    return int(i[k]), int(j[k]), float(d[k])


def check_min_distance(atoms: Atoms, min_distance: float, advice: str) -> None:
    """Raise ValueError naming the closest pair when two atoms are closer than ``min_distance`` Å.

    Parameters
    ----------
    atoms
        The structure (periodic images of periodic directions count).
    min_distance
        Smallest allowed interatomic distance (Å).
    advice
        What the user should do, appended to the message.
    """
    pair = closest_pair(atoms, min_distance)
    if pair is not None:
        a, b, d = pair
        raise ValueError(
            f"atoms too close: atoms {a} ({atoms[a].symbol}) and {b} ({atoms[b].symbol}) are {d:.2f} Å apart, "
            f"closer than the minimum {min_distance} Å; {advice}"
        )
