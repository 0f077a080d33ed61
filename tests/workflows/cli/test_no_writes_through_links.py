"""Build and run outputs replace a symbolic link planted where naspe writes; the link's target is never touched.

(The report's outputs are checked in tests/workflows/results/test_report.py.)
"""

from __future__ import annotations

import os

from conftest import run_naspe

SECRET = "a file of the user's that a link points at\n"


def _plant(out, names, tmp_path):
    """Links ``out/<name>`` -> a victim file each; returns the victims."""
    out.mkdir()
    victims = []
    for name in names:
        victim = tmp_path / f"victim-{name}"
        victim.write_text(SECRET)
        (out / name).symlink_to(victim)
        victims.append(victim)
    return victims


def test_build_replaces_planted_links(tmp_path):
    out = tmp_path / "slab"
    victims = _plant(out, ["structure.extxyz", "slab.json"], tmp_path)
    p = run_naspe("build", "slab", "na110", "--out", out)
    assert p.returncode == 0, p.stderr
    assert all(v.read_text() == SECRET for v in victims)
    assert not (out / "slab.json").is_symlink() and '"structure_file"' in (out / "slab.json").read_text()
    assert not (out / "structure.extxyz").is_symlink()


def test_a_run_replaces_planted_links(tmp_path):
    out = tmp_path / "run"
    victims = _plant(out, ["adhesion.json", "results.json"], tmp_path)
    victims[1].write_text("[]")  # a results store it may read: an empty one, so the run computes
    p = run_naspe(
        "adhesion", "--substrate", "graphene", "--engine", "tblite", "--steps", "1", "--out", out,
        env={**os.environ, "NASPE_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert victims[0].read_text() == SECRET and victims[1].read_text() == "[]"
    assert not (out / "adhesion.json").is_symlink() and "w_adh_J_m2" in (out / "adhesion.json").read_text()
    assert not (out / "results.json").is_symlink()
