"""``naspe validate``: the case list, the charge-scaling option's checks and its table (synthetic documents)."""

from __future__ import annotations

from conftest import run_naspe as run

from naspe.workflows.cli.validate_tables import scaling_table


def test_validate_md_list_names_every_case_with_its_reference_source_and_tolerance(tmp_path):
    p = run("validate", "md", "--list", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    for name in ("g1-density", "peo-melt-density", "li-dme-tfsi-conductivity", "pegdme-litfsi-diffusion"):
        assert f"\n{name} (" in "\n" + p.stdout
    assert "Hayamizu, Akiba, Bando & Aihara, J. Chem. Phys. 117 (2002) 5929, Fig. 8" in p.stdout
    assert p.stdout.count("tolerance: ± ") == p.stdout.count("source   : ") >= 6
    assert not (tmp_path / "naspe-data").exists()  # listing runs nothing


def test_charge_scalings_are_checked_before_anything_runs(tmp_path):
    for value, message in (
        ("0.8,abc", "give numbers in (0, 1]"),
        ("0,0.8", "each must be in (0, 1]"),
        ("1.25", "each must be in (0, 1]"),
    ):
        p = run("validate", "md", "--charge-scalings", value, cwd=tmp_path)
        assert p.returncode == 2 and message in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    p = run("validate", "dft", "--charge-scalings", "0.9", cwd=tmp_path)
    assert p.returncode == 2 and "force-field (md) choice" in p.stderr
    p = run(
        "validate",
        "md",
        "--charge-scalings",
        "0.7,1",
        "--cases",
        "g1-density,li-dme-tfsi-conductivity",
        "--list",
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    listed = [line.split(" ")[0] for line in p.stdout.splitlines() if not line.startswith(" ")]
    assert listed == ["g1-density", "li-dme-tfsi-conductivity@q0.7", "li-dme-tfsi-conductivity@q1"]
    assert "ion charges x 0.7" in p.stdout and not (tmp_path / "naspe-data").exists()


def _doc(case: str, q: float | None, computed: float, unit: str, status: str, **details) -> dict:
    return {
        "case": case,
        "unit": unit,
        "computed": computed,
        "reference": 9.83 if unit == "mS/cm" else 0.8617,
        "status": status,
        "details": {"ion_charge_scaling": q, **details},
    }


def test_scaling_table_shows_d_against_pfg_nmr_both_conductivities_and_the_ionicity():
    docs = [
        _doc("g1-density", None, 0.860, "g/cm^3", "passed"),
        _doc(
            "li-dme-tfsi-conductivity@q1",
            1.0,
            8.1,
            "mS/cm",
            "passed",
            diffusion_cm2_s={"Li": (4.0e-6, 4e-7), "TFSI": (5.0e-6, 5e-7)},
            diffusion_vs_pfg_nmr={"Li": {"ratio": 0.45, "agrees": False}, "TFSI": {"ratio": 0.62, "agrees": True}},
            sigma_ne_mS_cm=(14.0, 1.0),
            sigma_eh_mS_cm=(8.1, 2.0),
            ionicity=(0.58, 0.15),
        ),
    ]
    lines = scaling_table(docs).splitlines()
    assert lines[0].split()[:3] == ["case", "q", "density"]
    assert lines[1].split()[:3] == ["g1-density", "-", "0.86"]
    row = lines[2]
    assert "Li 4e-06 ± 4e-07 (x0.45 PFG !)" in row and "TFSI 5e-06 ± 5e-07 (x0.62 PFG)" in row
    assert "14 ± 1" in row and "8.1 ± 2" in row and "0.58 ± 0.15" in row and "8.1 vs 9.83 mS/cm" in row
    assert row.rstrip().endswith("passed") and row.split()[1] == "1"
