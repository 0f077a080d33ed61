"""The scripts in examples/ run as a user would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(script: str, *args: str, env: dict | None = None, cwd: Path) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    bin_dir = str(Path(sys.executable).parent)
    full_env["PATH"] = os.pathsep.join([bin_dir, full_env.get("PATH", "")])
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=600,
    )


def test_analyse_lammps_trajectory_example(tmp_path):
    p = _run("analyse_lammps_trajectory.py", "--synthetic", str(tmp_path / "walk"), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    d_na = float(re.search(r"D\(Na\) = ([0-9.e+-]+)", p.stdout).group(1))
    assert d_na == pytest.approx(1e-5, rel=0.15)
    assert "sigma_EH" in p.stdout and "Haven ratio" in p.stdout


def test_adhesion_custom_interface_example(tmp_path):
    p = _run("adhesion_custom_interface.py", "--steps", "2", "--data-dir", str(tmp_path / "data"), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert re.search(r"W_adh = -?[0-9.]+ J/m\^2 \(job [0-9a-f-]{36}\)", p.stdout), p.stdout
    again = _run("adhesion_custom_interface.py", "--steps", "2", "--data-dir", str(tmp_path / "data"), cwd=tmp_path)
    assert "ran 0 jobs, reused 4" in again.stdout  # the database already holds every calculation


def test_submit_to_slurm_example(slurm_cluster, tmp_path):
    config = tmp_path / "slurm.yaml"
    config.write_text(
        "scheduler: slurm\n"
        f"worker_init: source {sys.prefix}/bin/activate\n"
        "block_idle_seconds: 5\n"
        "resources:\n"
        + "".join(
            f"  {k}:\n    partition: {slurm_cluster.partition}\n    walltime: '00:05:00'\n"
            for k in ("md", "dft", "analysis")
        )
    )
    p = _run(
        "submit_to_slurm.py",
        "--config",
        str(config),
        "--data-dir",
        str(tmp_path / "data"),
        env=slurm_cluster.env,
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("Slurm job ") == 3 and "Slurm job None" not in p.stdout
    assert p.stdout.strip().endswith("finished")
