from __future__ import annotations

import pytest
import yaml

from naspe.structures.forcefield import KJ_PER_KCAL, MissingParameterError, default_forcefield


def _source_keys(text: str) -> dict[str, str]:
    """The ``# Sources`` block of the force-field file: key -> citation (continuation lines joined)."""
    keys: dict[str, str] = {}
    lines = text.splitlines()
    start = lines.index("# Sources")
    last = None
    for line in lines[start + 1 :]:
        if not line.startswith("#"):
            break
        body = line[1:]
        if body.startswith("   ") and not body.startswith("    ") and body.split():
            last, _, citation = body.strip().partition(" ")
            keys[last] = citation.strip()
        elif last is not None:
            keys[last] += " " + body.strip()
    return keys


def test_every_parameter_has_a_source():
    import re

    ff = default_forcefield()
    text = ff.path.read_text()
    keys = _source_keys(text)
    assert {"OPLSAA", "CLP2004", "CLP2017", "AQVIST", "NASPE"} <= set(keys), keys
    for key, citation in keys.items():
        if key != "NASPE":  # naspe's own choices are explained on their line
            assert re.search(r"\b(19|20)\d\d\b", citation) and re.search(r"\d+ \((19|20)\d\d\) \d+", citation), (
                key,
                citation,
            )
    data = yaml.safe_load(text)

    def cited(source: str, where) -> None:
        assert isinstance(source, str), where
        key = source.split()[0].rstrip(":,;")
        assert key in keys, f"{where}: source {source!r} names no citation of the Sources block {sorted(keys)}"
        if key == "NASPE":
            assert len(source.split()) > 3, f"{where}: a naspe choice must say why: {source!r}"

    for name, row in data["atom_types"].items():
        cited(row[-1], name)
    for section in ("bonds", "angles", "dihedrals"):
        for row in data[section]:
            cited(row[-1], row)
    cited(data["ion_charge_scaling"]["source"].replace("Electronic", "NASPE Electronic", 1), "ion_charge_scaling")
    assert re.search(r"\((19|20)\d\d\) \d+", data["ion_charge_scaling"]["source"])


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
