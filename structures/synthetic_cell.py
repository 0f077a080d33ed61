"""A cell of naspe-built ions (and PEO oligomers) for synthetic trajectories with known transport.

:func:`build_cell` places cation-anion pairs (and optionally neutral PEO
oligomers) at random in a cell and writes its LAMMPS data file with
:class:`~naspe.structures.lammps_data.LammpsSystemWriter`; the
:mod:`naspe.analysis.synthetic` walks then move its molecules with a known
diffusion coefficient (Å²/fs), for tests and benchmarks of the analysis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from naspe.analysis.lammps_topology import read_data_topology
from naspe.analysis.synthetic import SyntheticCell
from naspe.structures.ions import anion as make_anion
from naspe.structures.ions import cation as make_cation
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.structures.peo import peo_oligomer
from naspe.structures.topology import combine

__all__ = ["build_cell"]


def build_cell(
    directory: str | Path,
    n_pairs: int,
    cation: str = "Na",
    anion: str = "FSI",
    cell: np.ndarray | tuple[float, float, float] = (40.0, 40.0, 40.0),
    n_peo: int = 0,
    peo_length: int = 3,
    seed: int = 0,
) -> SyntheticCell:
    """Place ``n_pairs`` cation-anion pairs (and ``n_peo`` PEO oligomers) in a cell and write its data file.

    Parameters
    ----------
    directory
        Where ``system.data`` is written.
    n_pairs
        Number of cations and of anions.
    cation, anion
        Ion names (``Na``/``Li``, ``FSI``/``TFSI``).
    cell
        Orthorhombic edge lengths (Å) or a 3x3 matrix of edge vectors (rows, LAMMPS
        lower-triangular form for a triclinic cell).
    n_peo
        Number of neutral methyl-capped PEO oligomers.
    peo_length
        EO units per oligomer.
    seed
        Seed of the random placement and orientations.

    Returns
    -------
    SyntheticCell
        The written cell.
    """
    rng = np.random.default_rng(seed)
    matrix = np.diag(cell) if np.ndim(cell) == 1 else np.asarray(cell, dtype=float)
    parts = []
    builders = [lambda: make_cation(cation)] * n_pairs + [lambda: make_anion(anion)] * n_pairs
    builders += [lambda: peo_oligomer(peo_length, seed=int(rng.integers(1 << 30)))] * n_peo
    for build in builders:
        molecule = build()
        centre = rng.uniform(0.0, 1.0, 3) @ matrix
        rotation = Rotation.random(random_state=int(rng.integers(1 << 30))).as_matrix()
        molecule.positions = molecule.positions @ rotation.T + centre
        parts.append(molecule)
    atoms = combine(parts, cell=matrix, pbc=True)
    data_path, _ = LammpsSystemWriter().get_system(atoms).write(directory)
    topology = read_data_topology(data_path)
    return SyntheticCell(
        data_path=data_path,
        topology=topology,
        reference_positions=atoms.positions.copy(),
        molecule_of_atom=np.asarray(atoms.arrays["mol_id"]),
        molecule_names=list(atoms.info["molecule_names"]),
        box=topology.box,
    )
