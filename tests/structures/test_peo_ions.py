from __future__ import annotations

import numpy as np
import pytest
from conftest import bond_lengths

from naspe.structures.ions import anion, cation, fsi, tfsi
from naspe.structures.lammps_data import angles_and_dihedrals
from naspe.structures.peo import peo_oligomer, periodic_peo_chain
from naspe.structures.topology import FF_TYPE, bonds_of, net_charge
from naspe.structures.zmatrix import angle_deg

EXPECTED = {("C", "O"): 1.42, ("C", "C"): 1.52, ("C", "H"): 1.09, ("H", "O"): 0.96}


def _check_bonds(atoms, tol=0.01):
    b, d = bond_lengths(atoms)
    sym = atoms.get_chemical_symbols()
    for (i, j), r in zip(b, d, strict=True):
        key = tuple(sorted((sym[i], sym[j])))
        assert abs(r - EXPECTED[key]) < tol, (key, r)


def _check_angles(atoms, lo=104.0, hi=116.0):
    _, d = bond_lengths(atoms)
    angles, _ = angles_and_dihedrals(len(atoms), bonds_of(atoms))
    for i, j, k in angles:
        a = angle_deg(atoms.positions[i], atoms.positions[j], atoms.positions[k])
        assert lo < a < hi, (atoms[j].symbol, a)


@pytest.mark.parametrize("end", ["methyl", "hydroxyl"])
@pytest.mark.parametrize("conformation", ["random", "helix", "trans"])
def test_peo_geometry_and_charge(end, conformation):
    a = peo_oligomer(6, end, conformation, seed=2)
    n_c = 2 * 6 + (2 if end == "methyl" else 0)
    assert a.get_chemical_symbols().count("C") == n_c
    assert a.get_chemical_symbols().count("O") == 7
    assert a.get_chemical_symbols().count("H") == 2 * n_c + (2 if end == "methyl" else 2)
    _check_bonds(a)
    _check_angles(a)
    assert abs(net_charge(a)) < 1e-9
    # no non-bonded contacts shorter than 1.7 Å inside the chain (H...H 1-5 included)
    d = a.get_all_distances()
    close = np.argwhere((d < 1.7) & (d > 0))
    bonded = {tuple(sorted(b)) for b in bonds_of(a)}
    angles, _ = angles_and_dihedrals(len(a), bonds_of(a))
    geminal = {tuple(sorted((i, k))) for i, _, k in angles}
    assert all(tuple(sorted(p)) in bonded | geminal for p in close)


def test_peo_types_by_construction():
    a = peo_oligomer(2, "hydroxyl", "trans")
    types = list(a.arrays[FF_TYPE])
    assert types.count("OH") == 2 and types.count("HO") == 2 and types.count("OS") == 1
    assert types.count("CTa") == 2 and types.count("CTe") == 2
    m = peo_oligomer(2, "methyl", "trans")
    assert list(m.arrays[FF_TYPE]).count("CTm") == 2


def test_peo_seed_reproducible_and_varies():
    a, b, c = peo_oligomer(12, seed=5), peo_oligomer(12, seed=5), peo_oligomer(12, seed=6)
    assert np.allclose(a.positions, b.positions)
    assert not np.allclose(a.positions, c.positions)


def test_helix_is_tgt():
    from naspe.structures.zmatrix import dihedral_deg

    a = peo_oligomer(4, "methyl", "helix")
    # backbone atoms come first: C O C C O C C ...; C-C torsion O-C-C-O is gauche, C-O torsions trans
    p = a.positions
    assert abs(abs(dihedral_deg(p[1], p[2], p[3], p[4])) - 68.0) < 1.0
    assert abs(abs(dihedral_deg(p[0], p[1], p[2], p[3])) - 180.0) < 1.0


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_peo_bad_n(bad):
    with pytest.raises(ValueError, match="n_eo"):
        peo_oligomer(bad)


def test_peo_bad_end_and_conformation():
    with pytest.raises(ValueError, match="end='ethyl'"):
        peo_oligomer(3, "ethyl")
    with pytest.raises(ValueError, match="conformation='coil'"):
        peo_oligomer(3, "methyl", "coil")


def test_periodic_chain():
    c = periodic_peo_chain(4)
    assert 7.0 < c.repeat_angstrom < 7.3  # planar zigzag PEO fibre period 7.12 Å
    assert abs(c.atoms.cell[0, 0] - 2 * c.repeat_angstrom) < 1e-9
    _check_bonds(c.atoms)
    assert c.atoms.get_chemical_formula() == "C8H16O4"
    assert len(bonds_of(c.atoms)) == 28  # 12 backbone (one across x) + 16 C-H
    assert abs(net_charge(c.atoms)) < 1e-9
    with pytest.raises(ValueError, match="even number"):
        periodic_peo_chain(3)


@pytest.mark.parametrize("builder,formula,n_bonds", [(fsi, "F2NO4S2", 8), (tfsi, "C2F6NO4S2", 14)])
def test_anions(builder, formula, n_bonds):
    a = builder()
    assert a.get_chemical_formula() == formula
    assert len(bonds_of(a)) == n_bonds
    assert abs(net_charge(a) + 1.0) < 1e-9
    b, d = bond_lengths(a)
    sym = a.get_chemical_symbols()
    ref = {("N", "S"): 1.570, ("O", "S"): 1.437, ("F", "S"): 1.575, ("C", "F"): 1.323, ("C", "S"): 1.818}
    for (i, j), r in zip(b, d, strict=True):
        assert abs(r - ref[tuple(sorted((sym[i], sym[j])))]) < 1e-6
    dist = a.get_all_distances()
    np.fill_diagonal(dist, 9.0)
    assert dist.min() > 1.3


def test_cations_and_bad_names():
    assert cation("Na").get_initial_charges()[0] == 1.0
    assert cation("Li").get_chemical_symbols() == ["Li"]
    with pytest.raises(ValueError, match="'K'"):
        cation("K")
    with pytest.raises(ValueError, match="'PF6'"):
        anion("PF6")
