"""``naspe build electrolyte`` for the cell kinds of issue 13.5: a glyme with salt by ratio, a neat PEO melt."""

from __future__ import annotations

import json

import pytest
from conftest import run_naspe


@pytest.mark.slow
def test_glyme_and_neat_peo_cells_from_the_command_line(tmp_path):
    p = run_naspe(
        "build", "electrolyte", "--glyme", "G4", "--salt", "LiTFSI", "--eo-per-cation", "4", "--molecules", "8",
        "--seed", "3", "--out", "li-g4", cwd=tmp_path,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    s = json.loads((tmp_path / "li-g4" / "system.json").read_text())
    assert s["glyme"] == "G4" and s["n_glyme"] == 8 and s["n_cation"] == s["n_anion"] == 8
    assert s["n_chains"] == 0 and s["total_charge"] == 0
    assert s["build_density_g_cm3"] == 0.5 and abs(s["density_g_cm3"] - s["target_density_g_cm3"]) < 1e-6
    # the equimolar solvate at its ideal-mixing density: 1.40 g/cm^3, 2.75 mol/L, 4.50 mol/kg
    assert abs(s["target_density_g_cm3"] - 1.400) < 0.002 and abs(s["molality_mol_kg"] - 4.499) < 0.002
    p = run_naspe("build", "electrolyte", "--salt", "none", "--chains", "2", "--chain-length", "8", "--out", "peo",
                  cwd=tmp_path)  # fmt: skip
    assert p.returncode == 0, p.stderr
    s = json.loads((tmp_path / "peo" / "system.json").read_text())
    assert s["salt"] is None and s["n_cation"] == 0 and s["n_chains"] == 2 and s["n_eo"] == 16
    assert abs(s["density_g_cm3"] - 1.105) < 1e-6
