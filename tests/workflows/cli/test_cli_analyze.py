from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import run_naspe as run

from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_dump
from naspe.structures.synthetic_cell import build_cell

DUMP_EVERY = 1000  # steps of 2 fs: frames 2 ps apart


@pytest.fixture(scope="module")
def walks(tmp_path_factory):
    """Random walks of 100 Na (D 1e-5) + 100 FSI (D 5e-6 cm^2/s) at three temperatures, D scaled by Arrhenius."""
    d = tmp_path_factory.mktemp("cli-walk")
    cell = build_cell(d, 100, cell=(35.0, 35.0, 35.0), seed=2)
    rng = np.random.default_rng(5)
    out = {}
    for temp in (333.15, 353.15, 373.15):
        factor = np.exp(-0.35 / 8.617333e-5 * (1 / temp - 1 / 353.15))
        disp = np.zeros((300, cell.n_molecules, 3))
        for name, dd in (("Na", 1e-5 * factor), ("FSI", 5e-6 * factor)):
            mols = cell.molecules(name)
            disp[:, mols] = gaussian_walk(rng, 300, mols.size, dd, DUMP_EVERY * 2.0)
        out[temp] = write_dump(
            d / f"walk{temp:.0f}.lammpstrj", cell, rigid_motion(cell, disp), np.arange(300) * DUMP_EVERY
        )
    return cell, out


def test_analyze_conductivity_json(walks, tmp_path):
    cell, dumps = walks
    p = run(
        "analyze",
        "conductivity",
        "--trajectory",
        str(dumps[353.15]),
        "--topology",
        str(cell.data_path),
        "--temperature",
        "353.15",
        "--timestep-fs",
        "2.0",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    for key in ("temperature_K", "diffusion_cm2_s", "sigma_ne_S_cm", "sigma_eh_S_cm", "haven_ratio", "fit_window_ps"):
        assert key in data
    assert data["diffusion_cm2_s"]["Na"]["value"] == pytest.approx(1e-5, rel=0.1)
    assert data["diffusion_cm2_s"]["FSI"]["value"] == pytest.approx(5e-6, rel=0.1)
    assert data["sigma_ne_S_cm"]["stderr"] > 0


def test_analyze_conductivity_bad_input(walks, tmp_path):
    cell, dumps = walks
    p = run(
        "analyze",
        "conductivity",
        "--trajectory",
        str(tmp_path / "none.lammpstrj"),
        "--topology",
        str(cell.data_path),
        "--temperature",
        "353.15",
    )
    assert p.returncode == 2 and "none.lammpstrj: no such file" in p.stderr
    p = run(
        "analyze",
        "conductivity",
        "--trajectory",
        str(dumps[353.15]),
        "--topology",
        str(cell.data_path),
        "--temperature",
        "-5",
    )
    assert p.returncode == 2 and "'--temperature'" in p.stderr and "-5.0: allowed is 200 to 1000 K" in p.stderr


def test_analyze_arrhenius_recovers_activation_energy(walks, tmp_path):
    cell, dumps = walks
    files = []
    for temp, dump in dumps.items():
        # as naspe's LAMMPS stage leaves it: the time step in run.json beside the dump (no --timestep-fs)
        (dump.parent / "run.json").write_text(json.dumps({"timestep_fs": 2.0}))
        p = run(
            "analyze",
            "conductivity",
            "--trajectory",
            str(dump),
            "--topology",
            str(cell.data_path),
            "--temperature",
            str(temp),
            "--json",
        )
        assert p.returncode == 0, p.stderr
        path = tmp_path / f"{temp:.0f}.json"
        path.write_text(p.stdout)
        files.append(str(path))
    png = tmp_path / "arrhenius.png"
    p = run("analyze", "arrhenius", *files, "--quantity", "sigma_ne_S_cm", "--plot", str(png), "--json")
    assert p.returncode == 0, p.stderr
    fit = json.loads(p.stdout)["arrhenius"]
    # sigma_NE ~ D / T: the apparent Ea is 0.35 eV minus kB*T from the 1/T prefactor (~0.03 eV)
    assert fit["activation_energy_eV"]["value"] == pytest.approx(0.35 - 8.617e-5 * 353, abs=0.03)
    assert png.stat().st_size > 10000
    p = run("analyze", "arrhenius", *files, "--quantity", "sigma_xx")
    assert p.returncode == 2 and "quantity 'sigma_xx'" in p.stderr


def test_a_foreign_dump_needs_its_time_step(walks, tmp_path):
    """Frames numbered by step and no naspe run.json beside them: the time step is asked for, never guessed."""
    import shutil

    cell, dumps = walks
    foreign = tmp_path / "elsewhere.lammpstrj"
    shutil.copy(dumps[353.15], foreign)
    args = ["analyze", "conductivity", "--trajectory", str(foreign), "--topology", str(cell.data_path)]
    p = run(*args, "--temperature-c", "80")
    assert p.returncode == 2 and "numbered by MD step" in p.stderr and "--timestep-fs" in p.stderr, p.stderr
    one = json.loads(run(*args, "--temperature-c", "80", "--timestep-fs", "1", "--json").stdout)
    two = json.loads(run(*args, "--temperature-c", "80", "--timestep-fs", "2", "--json").stdout)
    # the same frames read with half the time step: twice the D (why it is never guessed)
    assert one["diffusion_cm2_s"]["Na"]["value"] == pytest.approx(2 * two["diffusion_cm2_s"]["Na"]["value"], rel=1e-6)
