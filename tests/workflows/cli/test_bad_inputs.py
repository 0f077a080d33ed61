"""The bad-input catalogue: every refused value gives exit 2 and one stderr line naming it, and writes nothing.

Each case runs the real console entry point (``naspe.workflows.cli.main.main``) in-process, with
the current directory and every output inside an empty temporary directory, and checks:
status 2, exactly one line on stderr starting ``naspe: error:``, the option (or file) and the
bad value named in it, no traceback, and the directory still empty afterwards.
"""

from __future__ import annotations

import sys

import pytest
from conftest import run_naspe

from naspe.workflows.cli.main import main

LONG = "x" * 300
FILES = ["--trajectory", "t", "--topology", "d"]
NO_DIR = ["--trajectory", ".", "--topology", "d"]

# (arguments, words the one error line must contain)
CASES = [
    # build: physical bounds, named with the value and the allowed range
    (["build", "interface", "--substrate", "graphene", "--gap", "-3", "--out", "o"], ["--gap", "-3", "1 to 10 Å"]),
    (["build", "interface", "--substrate", "graphene", "--gap", "nan", "--out", "o"], ["--gap", "nan"]),
    (["build", "interface", "--substrate", "graphene", "--vacuum", "1", "--out", "o"], ["--vacuum", "1", "3 to 100"]),
    (["build", "interface", "--substrate", "graphene", "--max-strain", "0.5", "--out", "o"], ["--max-strain", "0.5"]),
    (["build", "interface", "--substrate", "graphene", "--max-area", "-1", "--out", "o"], ["--max-area", "-1"]),
    (["build", "interface", "--substrate", "graphene", "--repeat", "0", "3", "--out", "o"], ["--repeat", "0"]),
    (["build", "interface", "--substrate", "graphene", "--layers", "0", "--out", "o"], ["--layers", "0"]),
    (["build", "interface", "--substrate", "graphene", "--seed", "-5", "--out", "o"], ["--seed", "-5"]),
    (["build", "interface", "--substrate", "copper", "--out", "o"], ["copper", "allowed"]),
    (["build", "interface", "--substrate", "graphene", "--film", "lipid", "--out", "o"], ["lipid", "allowed"]),
    (["build", "interface", "--substrate", "na110", "--film", "na", "--out", "o"], ["na110", "graphite"]),
    (["build", "slab", "graphene", "--vacuum", "-5", "--out", "o"], ["--vacuum", "-5"]),
    (["build", "slab", "graphene", "--vacuum", "0", "--out", "o"], ["--vacuum", "0"]),
    (["build", "slab", "graphene", "--repeat", "0", "2", "--out", "o"], ["--repeat", "0"]),
    (["build", "slab", "graphene", "--layers", "99", "--out", "o"], ["--layers", "99"]),
    (["build", "slab", "copper", "--out", "o"], ["copper", "allowed"]),
    (["build", "slab", "graphene", "--format", "pdb", "--out", "o"], ["--format", "pdb"]),
    (["build", "slab", "graphene", "--out", "afile"], ["--out", "afile", "not a directory"]),
    (["build", "slab", "graphene", "--out", LONG], ["--out", "300 characters", "255"]),
    (["build", "electrolyte", "--seed", "-5", "--out", "o"], ["--seed", "-5"]),
    (["build", "electrolyte", "--density", "5", "--out", "o"], ["--density", "5", "g/cm³"]),
    (["build", "electrolyte", "--density", "-1", "--out", "o"], ["--density", "-1"]),
    (["build", "electrolyte", "--charge-scaling", "1.5", "--out", "o"], ["--charge-scaling", "1.5"]),
    (["build", "electrolyte", "--charge-scaling", "0", "--out", "o"], ["ion_charge_scaling", "0"]),
    (["build", "electrolyte", "--salt", "KCl", "--out", "o"], ["KCl", "allowed"]),
    (["build", "electrolyte", "--chains", "0", "--out", "o"], ["0"]),
    (["build", "electrolyte", "--chains", "abc", "--out", "o"], ["--chains", "abc"]),
    (["build", "electrolyte", "--eo-per-cation", "7", "--out", "o"], ["EO:cation", "7"]),
    (["build", "electrolyte", "--out", "afile"], ["--out", "afile"]),
    (["build", "electrolyte", "--bogus", "1"], ["--bogus"]),
    # analyze: temperatures with their unit, files named by option
    (
        ["analyze", "conductivity", *FILES, "--temperature", "80"],
        ["80", "200 to 1000 K"],
    ),
    (["analyze", "conductivity", *FILES, "--temperature", "1e6"], ["1000000"]),
    (["analyze", "conductivity", *FILES, "--temperature-c", "-300"], ["-300"]),
    (["analyze", "conductivity", "--trajectory", "t", "--topology", "d"], ["--temperature-k", "--temperature-c"]),
    (
        ["analyze", "conductivity", *NO_DIR, "--temperature-c", "80"],
        ["--trajectory", "directory"],
    ),
    (
        ["analyze", "conductivity", *FILES, "--temperature-c", "80"],
        ["--trajectory", "no such file"],
    ),
    (["analyze", "arrhenius", "broken.json"], ["broken.json", "not JSON"]),
    (["analyze", "arrhenius", "wrong.json"], ["wrong.json", "not a `naspe analyze conductivity --json` result"]),
    (["analyze", "arrhenius", "missing.json"], ["missing.json", "no such file"]),
    (["analyze", "arrhenius", "wrong.json", "--plot", "."], ["--plot", ".png"]),
    (["analyze", "arrhenius", "wrong.json", "--quantity", "sigma"], ["sigma", "allowed"]),
]


@pytest.mark.parametrize("args, words", CASES, ids=[" ".join(a)[:70] for a, _ in CASES])
def test_bad_input_is_one_line_naming_it(args, words, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a directory\n")
    (tmp_path / "broken.json").write_text("{broken")
    (tmp_path / "wrong.json").write_text('{"a": 1}')
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setattr(sys, "argv", ["naspe", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert exit_info.value.code == 2, captured
    assert len(lines) == 1 and lines[0].startswith("naspe: error: "), captured.err
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in captured.out + captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "a refused command wrote something"


@pytest.mark.parametrize(
    "name, head", [("g.dcd", b""), ("g.xtc", b""), ("h.dcd", b"T\0\0\0CORD"), ("h.xtc", b"\0\0\x07\xcb")]
)
def test_garbage_trajectory_is_one_line_without_a_reader_traceback(name, head, tmp_path):
    # a subprocess: a destructor's traceback goes to the real stderr (pytest would turn it into a warning)
    from naspe.structures.synthetic_cell import build_cell

    cell = build_cell(tmp_path / "cell", 2)
    garbage = tmp_path / name
    garbage.write_bytes(head + bytes(range(256)) * 8)
    argv = ["analyze", "conductivity", "--trajectory", garbage, "--topology", cell.data_path, "--temperature-c", "80"]
    p = run_naspe(*argv)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"naspe: error: {garbage}"), p.stderr
    assert "Traceback" not in p.stderr and "Exception ignored" not in p.stderr, p.stderr
