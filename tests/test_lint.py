from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_clean():
    ruff = Path(sys.executable).parent / "ruff"
    p = subprocess.run(
        [str(ruff), "check", "structures", "workflows", "analysis", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert p.returncode == 0, p.stdout[-3000:]
