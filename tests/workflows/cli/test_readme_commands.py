"""The README's commands as a new user types them: from a fresh relative working directory, default outputs.

Each command runs as written in README.md, in a temporary directory that is
the working directory, with only relative paths; calculations get tiny
settings (``--steps 2``, GFN2-xTB) so each takes seconds. Not here: GPAW
commands (minutes; the engine tests cover GPAW), ``naspe run --preset quick``
(the tiny campaign of tests/workflows/campaign runs it the same way) and the
Slurm submission (tests/workflows/execution/test_manager_slurm.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[3]
NASPE = str(Path(sys.executable).parent / "naspe")


def naspe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    p = subprocess.run([NASPE, *args], capture_output=True, text=True, cwd=cwd, timeout=600)
    assert "Traceback" not in p.stderr, p.stderr[-3000:]
    return p


def ok(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    p = naspe(*args, cwd=cwd)
    assert p.returncode == 0, f"naspe {' '.join(args)}: {p.stderr[-3000:]}"
    return p


def attempts(run_dir: Path) -> int:
    """Job starts recorded in a run directory (a line per start in each job's attempts log)."""
    return sum(len(p.read_text().splitlines()) for p in run_dir.glob("jobs/*/naspe-attempts.log"))


def test_build_commands(tmp_path):
    electrolyte = "build electrolyte --salt NaFSI --eo-per-cation 20 --chains 4 --chain-length 20 --seed 7 --out cell/"
    ok(*electrolyte.split(), cwd=tmp_path)
    ok(*"build slab na110 --layers 4 --repeat 4 4 --format poscar --out na110/".split(), cwd=tmp_path)
    ok(*"build interface --substrate graphene --film peo-chain --out peo-graphene/".split(), cwd=tmp_path)
    ok(*"build interface --substrate graphite --film na --out na-graphite/".split(), cwd=tmp_path)
    for path in ("cell/system.data", "cell/system.in.settings", "cell/system.json", "na110/POSCAR"):
        assert (tmp_path / path).is_file(), path
    for path in ("peo-graphene", "na-graphite"):
        assert (tmp_path / path / "structure.extxyz").is_file(), path
    assert json.loads((tmp_path / "cell" / "system.json").read_text())["n_cation"] == 4
    ok("demo", cwd=tmp_path)
    assert (tmp_path / "demo-output" / "summary.json").is_file()


def test_analyze_commands(tmp_path):
    from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_dump
    from naspe.structures.synthetic_cell import build_cell

    rng = np.random.default_rng(3)
    for temp in (333.15, 353.15, 373.15):  # a LAMMPS run made elsewhere, one directory per temperature
        run = tmp_path / f"T{temp:.0f}"
        cell = build_cell(run, 60, cell=(30.0, 30.0, 30.0), seed=2)
        shutil.copy(cell.data_path, run / "final.data")
        factor = np.exp(-0.35 / 8.617333e-5 * (1 / temp - 1 / 353.15))
        disp = np.zeros((150, cell.n_molecules, 3))
        for name, d in (("Na", 1e-5 * factor), ("FSI", 5e-6 * factor)):
            mols = cell.molecules(name)
            disp[:, mols] = gaussian_walk(rng, 150, mols.size, d, 2000.0)
        steps = np.arange(150) * 1000
        write_dump(run / "ions.lammpstrj", cell, rigid_motion(cell, disp), steps)
        (run / "com.dat").write_text("# step com_x com_y com_z\n" + "".join(f"{s} 0 0 0\n" for s in steps))
        args = f"analyze conductivity --trajectory ions.lammpstrj --topology final.data --temperature {temp}"
        p = ok(*args.split(), "--timestep-fs", "2", "--com-file", "com.dat", "--json", cwd=run)
        (tmp_path / f"T{temp:.0f}.json").write_text(p.stdout)  # the README's "> T353.json"
        assert json.loads(p.stdout)["diffusion_cm2_s"]["Na"]["value"] == pytest.approx(1e-5 * factor, rel=0.3)
    files = sorted(str(p.name) for p in tmp_path.glob("T*.json"))  # the shell's T*.json
    ok("analyze", "arrhenius", *files, "--plot", "arrhenius.png", cwd=tmp_path)
    assert (tmp_path / "arrhenius.png").stat().st_size > 0


def test_adhesion_and_bonding_commands_resume_in_their_default_relative_out(tmp_path):
    adhesion = "adhesion --substrate graphene --film peo --engine tblite --json --steps 2".split()
    first = json.loads(ok(*adhesion, cwd=tmp_path).stdout)
    out = tmp_path / "naspe-adhesion"  # the default --out, relative to the working directory
    assert first["run_dir"] == str(out) and first["reused_calculations"] == 0 and np.isfinite(first["w_adh_J_m2"])
    assert json.loads((out / "adhesion.json").read_text()) == first
    started = attempts(out)
    assert started == 4
    # the same command with the same directory given absolute: the same run, nothing started again
    again = json.loads(ok(*adhesion, "--out", str(out), cwd=tmp_path).stdout)
    assert again["reused_calculations"] == 4 and again["w_adh_J_m2"] == first["w_adh_J_m2"]
    assert attempts(out) == started

    # the reaction line of the user guide, with the screening engine and tiny settings: its binding energy is the
    # plain bonding line's (the same four jobs; `naspe bonding` without --reaction: test_progress, test_bonding)
    bonding = "bonding --site vacancy --fragment dme --reaction dme-vacancy-bridge --engine tblite --steps 2".split()
    first = json.loads(ok(*bonding, "--json", cwd=tmp_path).stdout)
    out = tmp_path / "naspe-bonding"
    assert first["run_dir"] == str(out) and np.isfinite(first["binding_energy_eV"])
    assert np.isfinite(first["reaction"]["reaction_energy_eV"])
    started = attempts(out)
    # substrate, fragment and complex relaxations, then the binding energy; reactant and product, the reaction energy
    assert started == 7
    p = ok(*bonding, cwd=tmp_path)  # as the guide writes it (no --json); resumable: no job starts a second time
    assert "dme-vacancy-bridge: ΔE = " in p.stdout and f"E_bind = {first['binding_energy_eV']:.3f} eV" in p.stdout
    again = json.loads((out / "bonding.json").read_text())
    assert attempts(out) == started and again["binding_energy_eV"] == first["binding_energy_eV"]
    assert again["reaction"]["reaction_energy_eV"] == first["reaction"]["reaction_energy_eV"]


def _wait_until_done(cwd: Path, run: str, timeout: float = 120.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        info = json.loads(ok("status", run, "--json", cwd=cwd).stdout)
        if info["driver_pid"] is None and info["counts"]:
            return info
        time.sleep(0.5)
    raise AssertionError(f"{run} did not finish: {info}")


def test_cluster_and_query_commands(tmp_path):
    (tmp_path / "hpc_configs").mkdir()
    for name in ("slurm.yaml", "local.yaml"):
        shutil.copy(ROOT / "hpc_configs" / name, tmp_path / "hpc_configs" / name)
    ok("config", "check", "hpc_configs/slurm.yaml", cwd=tmp_path)
    p = ok("submit", "--probe", "--config", "hpc_configs/local.yaml", cwd=tmp_path)
    assert " 7 done" in p.stdout

    from jobflow import Flow

    from naspe.workflows.execution.probe_jobs import add

    first = add(1, 2)
    (tmp_path / "my_flow.json").write_text(json.dumps(Flow([first, add(first.output, 3)], name="mine").as_dict()))
    # the README submits to Slurm; here the same command with the local configuration
    p = ok("submit", "--flow", "my_flow.json", "--config", "hpc_configs/local.yaml", "--detach", cwd=tmp_path)
    run = p.stdout.split()[1]
    assert _wait_until_done(tmp_path, run)["counts"] == {"done": 2}
    assert ok("status", cwd=tmp_path).stdout.startswith(run)  # the latest run
    assert ok("cancel", cwd=tmp_path).stdout.strip().endswith("no driver running")
    p = ok("submit", "--resume", run, cwd=tmp_path)
    assert f"{run}: 2 done" in p.stdout

    # the results database under the default ./naspe-data, filled by the custom-interface example
    # single points: only the rows matter here (the example itself runs with --steps 2 in tests/test_examples.py)
    example = [sys.executable, str(ROOT / "examples" / "adhesion_custom_interface.py"), "--steps", "1"]
    p = subprocess.run(example, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "peo/graphene-epoxide" in ok("query", "adhesion", "--engine", "tblite", cwd=tmp_path).stdout
    rows = json.loads(ok("query", "adhesion", "--engine", "tblite", "--json", cwd=tmp_path).stdout)
    assert [r["system"] for r in rows] == ["peo/graphene-epoxide"]
    p = ok("query", "conductivity", "--tmin-c", "60", "--csv", cwd=tmp_path)
    assert p.stdout.startswith("job_uuid,")
    assert json.loads(ok("query", "bonding", "--interface", "vacancy", "--json", cwd=tmp_path).stdout) == []
    for args in (("query", "jobs", "--state", "failed"), ("query", "corelevels")):  # nothing failed, no core levels
        p = naspe(*args, cwd=tmp_path)
        assert p.returncode in (0, 2) and len(p.stderr.strip().splitlines()) <= 1, p.stderr
    ok("report", "--out", "report/", cwd=tmp_path)
    assert (tmp_path / "report" / "report.html").is_file()


def _parse(command, args: list[str], name: str) -> None:
    """Parse ``args`` as the command line would (unknown commands and options raise), down to the leaf command."""
    ctx = command.make_context(name, list(args))
    if hasattr(command, "resolve_command"):  # a group: the rest names a subcommand
        rest = list(getattr(ctx, "_protected_args", [])) + list(ctx.args)
        sub_name, sub, tail = command.resolve_command(ctx, rest)
        _parse(sub, tail, sub_name)


def test_every_command_of_the_readme_parses_as_written():
    """Each ``naspe ...`` line of the README's code blocks names a command and options that exist."""
    import re
    import shlex

    import typer.main

    from naspe.workflows.cli.main import app

    root = typer.main.get_command(app)
    blocks = re.findall(r"```\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    commands = [line for line in lines if line.startswith("naspe ")]
    assert len(commands) >= 8
    for command in commands:
        _parse(root, shlex.split(command)[1:], "naspe")
