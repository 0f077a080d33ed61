from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.bonds import bond_changes, classify, find_bonds
from naspe.structures.carbon import na_on_carbon, oxidised_carbon
from naspe.structures.ions import fsi
from naspe.structures.peo import peo_oligomer


def test_carbonyl_is_double_epoxide_and_ether_single():
    co = find_bonds(oxidised_carbon("carbonyl"))
    assert len(co.of_kind("C=O")) == 1 and not co.of_kind("C-O")
    assert co.of_kind("C=O")[0].length_angstrom == pytest.approx(1.22, abs=0.01)
    for group, n in (("epoxide", 2), ("ether", 2), ("hydroxyl", 1)):
        bonds = find_bonds(oxidised_carbon(group))
        assert len(bonds.of_kind("C-O")) == n and not bonds.of_kind("C=O"), group


def test_peo_and_fsi_bond_counts():
    counts = find_bonds(peo_oligomer(3, "methyl", "trans")).counts()
    assert counts == {"C-C": 3, "C-H": 18, "C-O": 8}
    f = find_bonds(fsi()).counts()
    assert f == {"F-S": 2, "N-S": 2, "O-S": 4}


def test_na_on_graphene_bonds_and_changes():
    a = na_on_carbon()
    assert len(find_bonds(a).of_kind("Na-C")) == 6
    b = a.copy()
    b.positions[-1, 2] += 3.0  # lift the adatom away
    changes = bond_changes(a, b)
    assert len(changes["broken"]) == 6 and changes["formed"] == []
    with pytest.raises(ValueError, match="same atoms"):
        bond_changes(a, a[:-1])


def test_bond_orders_override_geometry():
    assert classify("C", "O", 1.28, order=1.1) == "C-O"
    assert classify("O", "C", 1.36, order=1.8) == "C=O"
    assert classify("O", "Na", 2.3) == "Na-O"
    orders = np.zeros((3, 3))
    with pytest.raises(ValueError, match="scale=0"):
        find_bonds(fsi(), bond_orders=orders, scale=0)


def test_sodium_bonds_to_n_and_f_are_found():
    from ase import Atoms

    from naspe.analysis.bonds import find_bonds

    atoms = Atoms("NaNNaF", positions=[[0, 0, 0], [2.4, 0, 0], [6, 0, 0], [8.2, 0, 0]], cell=[20, 20, 20], pbc=True)
    kinds = find_bonds(atoms).counts()
    assert kinds == {"Na-N": 1, "Na-F": 1}
