from __future__ import annotations

import pytest
import yaml

from naspe.structures.forcefield import KJ_PER_KCAL, MissingParameterError, default_forcefield


def test_every_parameter_has_a_source():
    ff = default_forcefield()
    data = yaml.safe_load(ff.path.read_text())
    for name, row in data["atom_types"].items():
        assert len(row[-1]) > 5, name
    for section in ("bonds", "angles", "dihedrals"):
        for row in data[section]:
            assert isinstance(row[-1], str) and len(row[-1]) > 5, row


def test_reference_values_from_design():
    ff = default_forcefield()
    # CL&P charges and OPLS-AA ether oxygen (DESIGN reference numbers)
    assert ff.charge("SBT") == 1.02 and ff.charge("NBT") == -0.66 and ff.charge("OBT") == -0.53
    assert ff.charge("FS") == -0.13 and ff.charge("F1") == -0.16 and ff.charge("CBT") == 0.35
    assert ff.charge("OS") == -0.40
    na = ff.atom_type("Na")
    # Aqvist Na+ as used by OPLS: sigma 3.33 Å, epsilon 0.0116 kJ/mol (= 0.00277 kcal/mol)
    assert na.sigma == pytest.approx(3.33, abs=0.01)
    assert na.epsilon_kj / KJ_PER_KCAL == pytest.approx(0.00277, abs=1e-5)
    assert ff.default_ion_scaling == 0.8


def test_missing_parameter_is_named():
    ff = default_forcefield()
    with pytest.raises(MissingParameterError, match="no dihedral parameter for OS-SBT-NBT-CTe"):
        ff.dihedral("OS", "SBT", "NBT", "CTe")
    with pytest.raises(MissingParameterError, match="atom type 'XX'"):
        ff.atom_type("XX")
