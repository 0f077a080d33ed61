from __future__ import annotations

import numpy as np
import pytest

from naspe.structures.electrolyte import PolymerElectrolyte


@pytest.fixture(scope="session")
def small_cell():
    """PEO20NaFSI with 2 chains of 10 EO (1 NaFSI), built once."""
    return PolymerElectrolyte("NaFSI", eo_per_cation=20, n_chains=2, chain_length=10, seed=3).build()


def bond_lengths(atoms):
    from naspe.structures.topology import bonds_of

    b = bonds_of(atoms)
    d = atoms.positions[b[:, 1]] - atoms.positions[b[:, 0]]
    if atoms.pbc.any():
        from ase.geometry import find_mic

        d, _ = find_mic(d, atoms.cell, atoms.pbc)
    return b, np.linalg.norm(d, axis=1)
