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


def test_analyze_refuses_a_nan_coordinate_and_kelvin_given_as_celsius(walks, tmp_path):
    """A blown-up frame and 353.15 "°C" end with exit 2 and one line, before any number is computed."""
    cell, dumps = walks
    lines = dumps[353.15].read_text().splitlines(keepends=True)
    atoms = [k for k, line in enumerate(lines) if line.startswith("ITEM: ATOMS")]
    row = atoms[3] + 5  # frame 3, fifth atom: its x coordinate becomes NaN
    fields = lines[row].split()
    fields[-3] = "nan"
    lines[row] = " ".join(fields) + "\n"
    broken = tmp_path / "blown.lammpstrj"
    broken.write_text("".join(lines))
    args = ["analyze", "conductivity", "--topology", str(cell.data_path), "--timestep-fs", "2"]
    p = run(*args, "--trajectory", str(broken), "--temperature-c", "80")
    assert p.returncode == 2, p.stderr
    assert p.stderr.count("\n") == 1 and "frame 3" in p.stderr and "NaN" in p.stderr, p.stderr
    assert "RuntimeWarning" not in p.stderr and not p.stdout
    p = run(*args, "--trajectory", str(dumps[353.15]), "--temperature-c", "353.15")
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
    assert "353.15" in p.stderr and "surely a temperature in K" in p.stderr


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


def _zero_com(path, steps):
    """A system centre of mass at rest (the lab frame of synthetic walkers that carry no solvent)."""
    path.write_text("# step com_x com_y com_z\n" + "".join(f"{s} 0 0 0\n" for s in steps))
    return path


@pytest.fixture(scope="module")
def naspe_run(tmp_path_factory):
    """A production directory as naspe leaves it: ion dump, whole-system dump, pressure tensor, run.json."""
    d = tmp_path_factory.mktemp("cli-run")
    cell = build_cell(d, 60, cell=(30.0, 30.0, 30.0), n_peo=4, peo_length=4, seed=6)
    rng = np.random.default_rng(6)
    n = 300
    disp = np.zeros((n, cell.n_molecules, 3))
    for name, dd in (("Na", 1e-5), ("FSI", 5e-6), ("PEO", 2e-6)):
        mols = cell.molecules(name)
        disp[:, mols] = gaussian_walk(rng, n, mols.size, dd, DUMP_EVERY * 2.0)
    steps = np.arange(n) * DUMP_EVERY
    ions = np.flatnonzero(np.isin(cell.molecule_of_atom, np.r_[cell.molecules("Na"), cell.molecules("FSI")]))
    write_dump(d / "ions.lammpstrj", cell, rigid_motion(cell, disp), steps, atoms=ions)
    write_dump(d / "full.lammpstrj", cell, rigid_motion(cell, disp[::50]), steps[::50])
    _zero_com(d / "com.dat", steps)
    (d / "run.json").write_text(json.dumps({"timestep_fs": 2.0}))
    a = np.exp(-10.0 / 200.0)  # OU stress sampled every 5 steps (10 fs), tau 200 fs, 300 atm
    p = np.zeros((20000, 3))
    noise = rng.normal(0.0, 300.0 * np.sqrt(1 - a * a), p.shape)
    for k in range(1, p.shape[0]):
        p[k] = a * p[k - 1] + noise[k]
    np.savetxt(d / "pressure.dat", np.column_stack([np.arange(p.shape[0]) * 5, p]), fmt="%d %.6g %.6g %.6g")
    return cell, d


@pytest.mark.slow
def test_analyze_conductivity_reports_onsager_transference_and_solvation(naspe_run):
    cell, d = naspe_run
    base = ["analyze", "conductivity", "--trajectory", str(d / "ions.lammpstrj"), "--topology", str(cell.data_path)]
    base += ["--temperature-c", "80", "--com-file", str(d / "com.dat")]
    p = run(*base, "--pressure-file", str(d / "pressure.dat"), "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    o = data["onsager"]
    for pair in ("cation_cation", "anion_anion", "cation_anion"):
        assert set(o[pair]) == {"total", "self_part", "distinct"}
    assert o["cation_anion"]["self_part"]["value"] == 0.0
    assert o["transference_cation"]["value"] == pytest.approx(2 / 3, abs=0.15)
    assert data["transference_cation"]["value"] == pytest.approx(2 / 3, abs=0.03)  # the Nernst-Einstein one beside
    # the solvation structure of full.lammpstrj beside the ion dump, found without being named
    s = data["solvation"]
    assert set(s["shells"]) == {"O_ether", "O_FSI", "N_FSI"} and s["n_frames"] == 6
    assert s["frame_interval_ps"] == pytest.approx(100.0)
    assert s["pairing"]["cation_free"] + s["pairing"]["cation_contact_pair"] + s["pairing"]["cation_aggregate"] == (
        pytest.approx(1.0)
    )
    fs = data["finite_size"]
    assert "Green-Kubo" in fs["viscosity_source"] and fs["viscosity_mPa_s"]["value"] > 0
    for name in ("Na", "FSI"):
        raw = data["diffusion_cm2_s"][name]["value"]
        assert fs["diffusion_cm2_s"][name]["value"] == pytest.approx(raw + fs["delta_diffusion_cm2_s"]["value"])
    given = json.loads(run(*base, "--viscosity-mpas", "1", "--json").stdout)["finite_size"]
    assert given["viscosity_source"] == "given" and given["delta_diffusion_cm2_s"]["value"] == pytest.approx(
        1.380649e-23 * 353.15 * 2.837297 / (6 * np.pi * 1e-3 * 30e-10) * 1e4, rel=1e-6
    )
    text = run(*base).stdout
    for line in ("L+- e^2 =", "t+ (correlations) =", "t+ (Nernst-Einstein) =", "Na-O_ether: first peak", "residence"):
        assert line in text, text


def test_paired_ions_give_positive_distinct_cation_anion_and_no_haven_ratio(tmp_path):
    cell = build_cell(tmp_path, 80, cell=(32.0, 32.0, 32.0), seed=9)
    rng = np.random.default_rng(9)
    na, fsi = cell.molecules("Na"), cell.molecules("FSI")
    common = gaussian_walk(rng, 300, na.size, 1e-5, DUMP_EVERY * 2.0)
    disp = np.zeros((300, cell.n_molecules, 3))
    disp[:, na], disp[:, fsi] = common, common + rng.normal(0.0, 0.2, size=common.shape)
    steps = np.arange(300) * DUMP_EVERY
    dump = write_dump(tmp_path / "pairs.lammpstrj", cell, rigid_motion(cell, disp), steps)
    args = ["analyze", "conductivity", "--trajectory", str(dump), "--topology", str(cell.data_path)]
    com = _zero_com(tmp_path / "com.dat", steps)
    p = run(*args, "--temperature-c", "80", "--timestep-fs", "2", "--com-file", str(com), "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    distinct = data["onsager"]["cation_anion"]["distinct"]
    assert distinct["value"] > 2.0 * distinct["stderr"]
    assert data["haven_ratio"]["value"] is None and "not significantly positive" in data["haven_ratio_undefined"]
    assert data["onsager"]["transference_cation"]["value"] is None


@pytest.mark.slow
def test_a_short_foreign_run_is_answered_with_what_it_shows(tmp_path):
    cell = build_cell(tmp_path, 30, cell=(25.0, 25.0, 25.0), seed=10)
    rng = np.random.default_rng(10)
    disp = gaussian_walk(rng, 5, cell.n_molecules, 1e-6, DUMP_EVERY * 2.0)
    dump = write_dump(tmp_path / "short.lammpstrj", cell, rigid_motion(cell, disp), np.arange(5) * DUMP_EVERY)
    args = ["analyze", "conductivity", "--trajectory", str(dump), "--topology", str(cell.data_path)]
    p = run(*args, "--temperature-c", "80", "--timestep-fs", "2", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["diffusive"] is False
    assert data["sigma_eh_S_cm"]["value"] is None and data["sigma_ne_S_cm"]["value"] is None
    assert data["onsager"] is None and data["haven_ratio"]["value"] is None
    assert "5 frames" in data["conductivity_withheld"] and "use fewer blocks" not in data["conductivity_withheld"]
    assert data["rms_displacement_angstrom"]["Na"] < data["ion_spacing_angstrom"]
    assert data["needed_duration_ps"] > data["duration_ps"]
    text = run(*args, "--temperature-c", "80", "--timestep-fs", "2")
    assert text.returncode == 0 and "no conductivity: 5 frames" in text.stdout and "log-log MSD slope" in text.stdout
