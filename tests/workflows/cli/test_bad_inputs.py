"""The bad-input catalogue: every refused value gives exit 2 and one stderr line naming it, and writes nothing.

Each case runs the real console entry point (``naspe.workflows.cli.main.main``) in-process, with
the current directory, the default data directory (``naspe-data``) and every output inside an
empty temporary directory, and checks: status 2, exactly one line on stderr starting
``naspe: error:``, the option (or file) and the bad value named in it, no traceback, and nothing
written anywhere in the directory afterwards. :func:`test_every_option_of_every_command_has_a_case`
reads the options from the typer app itself, so a new option without a case fails the suite.
"""

from __future__ import annotations

import os
import sys

import pytest
import typer
from conftest import run_naspe

from naspe.workflows.cli.main import app, main

LONG = "x" * 300
FILES = ["--trajectory", "t", "--topology", "d"]
NO_DIR = ["--trajectory", ".", "--topology", "d"]
#: existing (if meaningless) files, so that the option under test is the first thing refused
ANALYZE_FILES = ["analyze", "conductivity", "--trajectory", "afile", "--topology", "afile", "--temperature-c", "80"]
ROOT = os.geteuid() == 0  # root writes into a read-only (0o555) directory: that case cannot fail there

# (arguments, words the one error line must contain)
BUILD_ANALYZE = [
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
    # build electrolyte: neat PEO, glymes, salt by ratio, molality or molarity (issue 13.5)
    (["build", "electrolyte", "--polymer", "pvc", "--out", "o"], ["--polymer", "pvc"]),
    (["build", "electrolyte", "--glyme", "G7", "--out", "o"], ["--glyme", "G7"]),
    (["build", "electrolyte", "--glyme", "G4", "--molality", "-1", "--out", "o"], ["--molality", "-1", "(0, 20]"]),
    (["build", "electrolyte", "--glyme", "G4", "--molarity", "0", "--out", "o"], ["--molarity", "0"]),
    (["build", "electrolyte", "--glyme", "G4", "--molecules", "0", "--salt", "none", "--out", "o"], ["n_molecules=0"]),
    (
        ["build", "electrolyte", "--glyme", "G1", "--molality", "1", "--molecules", "100000000", "--out", "o"],
        ["n_molecules=100000000", "1.6e+09 atoms", "1 to 200000"],
    ),
    (["build", "electrolyte", "--chains", "100000", "--out", "o"], ["n_chains=100000", "1 to 200000"]),
    (["analyze", "conductivity", *FILES, "--temperature-c", "353.15"], ["353.15", "surely a temperature in K"]),
    (["build", "electrolyte", "--build-density", "0.1", "--out", "o"], ["--build-density", "0.1", "g/cm³"]),
    (["build", "electrolyte", "--build-density", "2", "--out", "o"], ["build_density_g_cm3=2", "above"]),
    (["build", "electrolyte", "--glyme", "G4", "--polymer", "peo", "--out", "o"], ["--polymer peo", "--glyme G4"]),
    (["build", "electrolyte", "--polymer", "none", "--out", "o"], ["--polymer none", "--glyme"]),
    (["build", "electrolyte", "--molality", "1", "--out", "o"], ["--molality", "glyme"]),
    (["build", "electrolyte", "--glyme", "G4", "--salt", "LiTFSI", "--out", "o"], ["--eo-per-cation", "--molarity"]),
    (
        ["build", "electrolyte", "--glyme", "G4", "--salt", "NaFSI", "--molarity", "1", "--out", "o"],
        ["molarity", "NaFSI", "density"],
    ),
    (["build", "electrolyte", "--salt", "none", "--eo-per-cation", "20", "--out", "o"], ["--salt none"]),
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
    (["build", "electrolyte", "--chain-length", "0", "--out", "o"], ["chain_length=0"]),
    (["build", "electrolyte", "--eo-per-cation", "0", "--out", "o"], ["eo_per_cation=0"]),
    (["build", "interface", "--substrate", "graphene", "--format", "pdb", "--out", "o"], ["--format", "pdb"]),
    (["build", "interface", "--substrate", "graphene", "--out", "afile"], ["--out", "afile", "not a directory"]),
    (
        ["analyze", "conductivity", *FILES, "--temperature-c", "80", "--timestep-fs", "0"],
        ["--timestep-fs", "0.05 to 10"],
    ),
    (["analyze", "conductivity", *FILES, "--temperature-c", "80", "--charge-scaling", "2"], ["--charge-scaling", "2"]),
    (["analyze", "conductivity", *FILES, "--temperature-c", "80", "--blocks", "1"], ["--blocks", "1", ">= 2"]),
    (["analyze", "conductivity", *FILES, "--temperature-c", "80", "--stride", "0"], ["--stride", "0", ">= 1"]),
    (
        [
            "analyze",
            "conductivity",
            "--trajectory",
            "afile",
            "--topology",
            "afile",
            "--temperature-c",
            "80",
            "--com-file",
            "missing.dat",
        ],
        ["--com-file", "missing.dat", "no such file"],
    ),
    (
        [*ANALYZE_FILES, "--full-trajectory", "missing.lammpstrj"],
        ["--full-trajectory", "missing.lammpstrj", "no such file"],
    ),
    ([*ANALYZE_FILES, "--full-trajectory", "."], ["--full-trajectory", "directory"]),
    ([*ANALYZE_FILES, "--pressure-file", "missing.dat"], ["--pressure-file", "missing.dat", "no such file"]),
    ([*ANALYZE_FILES, "--viscosity-mpas", "-1"], ["--viscosity-mpas", "-1", "0.01 to 1e+09 mPa s"]),
    ([*ANALYZE_FILES, "--viscosity-mpas", "nan"], ["--viscosity-mpas", "nan"]),
    (
        [*ANALYZE_FILES, "--viscosity-mpas", "1", "--pressure-file", "afile"],
        ["--viscosity-mpas", "--pressure-file", "not both"],
    ),
]

ADHESION = ["adhesion", "--substrate", "graphene", "--engine", "tblite"]
BONDING = ["bonding", "--site", "vacancy", "--engine", "tblite"]
# adhesion, bonding, demo: bounds of relaxations and structures, outputs checked before any work
DFT = [
    ([*ADHESION, "--gap", "-2"], ["--gap", "-2", "1 to 10 Å"]),
    ([*ADHESION, "--gap", "nan"], ["--gap", "nan"]),
    ([*ADHESION, "--fmax", "-1"], ["--fmax", "-1", "0.001 to 5 eV/Å"]),
    ([*ADHESION, "--fmax", "0"], ["--fmax", "0"]),
    ([*ADHESION, "--steps", "0"], ["--steps", "0", "1 to 10000"]),
    ([*ADHESION, "--steps", "-5"], ["--steps", "-5"]),
    ([*ADHESION, "--steps", "1e9"], ["--steps", "1e9"]),
    ([*ADHESION, "--layers", "0"], ["--layers", "0", "1 to 30"]),
    ([*ADHESION, "--repeat", "0", "2"], ["--repeat", "0"]),
    ([*ADHESION, "--max-strain", "5"], ["--max-strain", "5", "0 to 0.2"]),
    (["adhesion", "--substrate", "copper"], ["substrate 'copper'", "allowed"]),
    (["adhesion", "--substrate", "graphene", "--film", "lipid"], ["film 'lipid'", "allowed"]),
    (["adhesion", "--substrate", "graphene", "--engine", "abinit"], ["--engine", "abinit", "cp2k"]),
    ([*ADHESION, "--out", "afile"], ["--out", "afile", "not a directory"]),
    ([*ADHESION, "--out", LONG], ["--out", "300 characters", "255"]),
    ([*ADHESION, "--out", "afile/run"], ["--out", "afile", "not a directory"]),
    ([*ADHESION, "--out", "ro/run"], ["--out", "ro", "not writable"]),
    ([*BONDING, "--height", "0.2"], ["--height", "0.2", "1 to 10 Å"]),
    ([*BONDING, "--height", "-1"], ["--height", "-1"]),
    ([*BONDING, "--steps", "0"], ["--steps", "0", "1 to 10000"]),
    ([*BONDING, "--fmax", "-1"], ["--fmax", "-1", "0.001 to 5 eV/Å"]),
    ([*BONDING, "--layers", "99"], ["--layers", "99"]),
    ([*BONDING, "--repeat", "2", "0"], ["--repeat", "0"]),
    (["bonding", "--site", "moon"], ["site 'moon'", "allowed"]),
    (["bonding", "--site", "vacancy", "--fragment", "water"], ["fragment 'water'", "allowed"]),
    ([*BONDING, "--reaction", "combustion"], ["reaction 'combustion'", "allowed"]),
    (["bonding", "--site", "vacancy", "--engine", "abinit"], ["--engine", "abinit"]),
    ([*BONDING, "--out", "afile"], ["--out", "afile", "not a directory"]),
    ([*BONDING, "--out", LONG], ["--out", "300 characters"]),
    ([*BONDING, "--out", "ro/run"], ["--out", "ro", "not writable"]),
    (["demo", "--out", "afile"], ["--out", "afile", "not a directory"]),
    (["demo", "--out", LONG], ["--out", "300 characters"]),
    (["demo", "--out", "ro/demo"], ["--out", "ro", "not writable"]),
]

# run, submit, status, cancel, config: files that are not what they should be, names that are not run names
RUNS = [
    (["run", "--preset", "huge"], ["preset 'huge'", "quick, standard, production"]),
    (
        ["run", "--overrides", "typo.yaml"],
        ["conductivity.overrides", "production_pss", "allowed are", "production_budget_ps"],
    ),
    (["run", "--overrides", "steps.yaml"], ["adhesion.steps", "0", "1 to 10000"]),
    (["run", "--overrides", "binary.dat"], ["binary.dat", "not a text file"]),
    (["run", "--overrides", "missing.yaml"], ["missing.yaml", "cannot be read"]),
    (["run", "--config", "binary.dat"], ["binary.dat", "not a text file"]),
    (["run", "--name", "../elsewhere"], ["--name", "../elsewhere", "one folder name"]),
    (["submit", "--flow", "wrong.json"], ["--flow", "wrong.json", "not a jobflow Flow"]),
    (["submit", "--flow", "list.json"], ["--flow", "list.json", "an array"]),
    (["submit", "--flow", "broken.json"], ["--flow", "broken.json", "not JSON"]),
    (["submit", "--flow", "binary.dat"], ["--flow", "binary.dat", "not a text file"]),
    (["submit", "--flow", "missing.json"], ["--flow", "missing.json", "cannot be read"]),
    (["submit", "--flow", "flowless.json"], ["--flow", "flowless.json", "cannot be decoded"]),
    (["submit", "--preset", "huge"], ["preset 'huge'", "allowed"]),
    (["submit", "--preset", "quick", "--overrides", "typo.yaml"], ["conductivity.overrides", "production_pss"]),
    (["submit", "--probe", "--overrides", "typo.yaml"], ["--overrides", "typo.yaml", "--preset"]),
    (["submit", "--probe", "--name", "a/b"], ["--name", "a/b", "one folder name"]),
    (["submit", "--resume", "nosuch"], ["nosuch", "not found"]),
    (["submit", "--probe", "--config", "binary.dat"], ["binary.dat", "not a text file"]),
    (["status", "nosuch"], ["nosuch", "not found"]),
    (["status", LONG], ["300 characters", "255"]),
    (["status", "--config", "bad.yaml"], ["bad.yaml", "YAML"]),
    (["cancel", "../x"], ["../x", "one folder name"]),
    (["cancel", "--timeout", "-1"], ["--timeout", "-1", ">= 0"]),
    (["cancel", "--timeout", "nan"], ["--timeout", "nan"]),
    (["cancel", "--config", "missing.yaml"], ["missing.yaml"]),
    (["config", "check", "binary.dat"], ["binary.dat", "not a text file"]),
    (["config", "check", "missing.yaml"], ["missing.yaml", "cannot be read"]),
    (["config", "check", "."], [".", "cannot be read"]),
    (["config", "check", "bad.yaml"], ["bad.yaml", "not valid YAML", "line"]),
    (["config", "show", "binary.dat"], ["binary.dat", "not a text file"]),
]

# query and report: every filter checked against what exists before the store is opened
QUERIES = [
    (["query", "conductivity", "--engine", "cp2k"], ["--engine", "cp2k", "lammps"]),
    (["query", "conductivity", "--engine", "gpaw"], ["--engine", "gpaw", "lammps"]),
    (["query", "conductivity", "--tmin-c", "80", "--tmax-c", "30"], ["--tmin-c 80", "--tmax-c 30"]),
    (["query", "conductivity", "--tmin-k", "400", "--tmax-k", "300"], ["--tmin-k 400", "--tmax-k 300"]),
    (["query", "conductivity", "--tmin-c", "nan"], ["--tmin-c", "nan", "°C"]),
    (["query", "conductivity", "--tmax-c", "-300"], ["--tmax-c", "-300"]),
    (["query", "conductivity", "--tmax-k", "inf"], ["--tmax-k", "inf", "K"]),
    (["query", "conductivity", "--tmin-k", "-5"], ["--tmin-k", "-5"]),
    (["query", "conductivity", "--tmin-c", "30", "--tmin-k", "300"], ["--tmin-c", "--tmin-k", "once"]),
    (["query", "conductivity", "--fits", "--tmin-c", "30"], ["--fits", "--tmin-c"]),
    (["query", "conductivity", "--salt", "KCl"], ["--salt", "KCl", "NaFSI"]),
    (["query", "conductivity", "--preset", "huge"], ["--preset", "huge", "quick"]),
    (["query", "conductivity", "--json", "--csv"], ["--json", "--csv"]),
    (["query", "conductivity", "--config", "binary.dat"], ["binary.dat", "not a text file"]),
    (["query", "conductivity", "--data-dir", "afile"], ["afile", "not a directory"]),
    (["query", "adhesion", "--engine", "abinit"], ["--engine", "abinit", "gpaw, cp2k, tblite, vasp"]),
    (["query", "adhesion", "--salt", "NaCl"], ["--salt", "NaCl"]),
    (["query", "adhesion", "--preset", "fast"], ["--preset", "fast"]),
    (["query", "adhesion", "--data-dir", "afile"], ["afile", "not a directory"]),
    (["query", "adhesion", "--config", "bad.yaml"], ["bad.yaml"]),
    (["query", "bonding", "--engine", "lammps"], ["--engine", "lammps", "gpaw"]),
    (["query", "bonding", "--salt", "x"], ["--salt", "'x'"]),
    (["query", "bonding", "--preset", "x"], ["--preset", "'x'"]),
    (["query", "bonding", "--data-dir", "afile"], ["afile"]),
    (["query", "bonding", "--config", "missing.yaml"], ["missing.yaml"]),
    (["query", "corelevels", "--element", "Xx"], ["--element", "Xx", "C, O"]),
    (["query", "corelevels", "--element", "Na"], ["--element", "Na"]),
    (["query", "corelevels", "--engine", "cp2k"], ["--engine", "cp2k", "gpaw"]),
    (["query", "corelevels", "--salt", "x"], ["--salt"]),
    (["query", "corelevels", "--preset", "x"], ["--preset"]),
    (["query", "corelevels", "--data-dir", "afile"], ["afile"]),
    (["query", "corelevels", "--config", "binary.dat"], ["binary.dat"]),
    (["query", "jobs", "--state", "exploded"], ["--state", "exploded", "waiting, running, done, failed"]),
    (["query", "jobs", "--component", "md"], ["--component", "md", "conductivity, adhesion"]),
    (["query", "jobs", "--run", "nosuch"], ["nosuch", "not found"]),
    (["query", "jobs", "--run", "a/b"], ["--run", "a/b"]),
    (["query", "jobs", "--salt", "x"], ["--salt"]),
    (["query", "jobs", "--preset", "x"], ["--preset"]),
    (["query", "jobs", "--data-dir", "afile"], ["afile", "not a directory"]),
    (["query", "jobs", "--config", "binary.dat"], ["binary.dat"]),
    (["report", "--out", "afile"], ["--out", "afile", "not a directory"]),
    (["report", "--out", LONG], ["--out", "300 characters"]),
    (["report", "--out", "ro/report"], ["--out", "ro", "not writable"]),
    (["report", "--data-dir", "afile"], ["afile", "not a directory"]),
    # a data directory that does not exist: an error naming it, never a new empty store
    (["query", "adhesion", "--json", "--data-dir", "nosuch"], ["nosuch", "does not exist", "--data-dir"]),
    (["query", "conductivity", "--csv", "--data-dir", "no/such"], ["no/such", "does not exist"]),
    (["query", "jobs", "--json", "--data-dir", "nosuch"], ["nosuch", "does not exist"]),
    (["report", "--data-dir", "nosuch"], ["nosuch", "does not exist"]),
    (["report", "--config", "binary.dat"], ["binary.dat"]),
]

# validate and query validation: suites and case names from the registry, checked before the store is opened
VALIDATE = [
    (["validate", "lammps"], ["lammps", "'dft', 'md'"]),
    (["validate", "dft", "--cases", "nosuch"], ["--cases", "nosuch", "allowed are na-bcc-lattice"]),
    (["validate", "dft", "--cases", "na-bcc-lattice,graphite-interlayer", "--cheap"], ["graphite-interlayer", "cheap"]),
    (["validate", "dft", "--cases", ","], ["--cases", "','"]),
    (["validate", "dft", "--data-dir", "afile"], ["--data-dir", "afile", "not a directory"]),
    (["validate", "dft", "--engine", "abinit"], ["--engine", "abinit", "cp2k, gpaw"]),
    (["validate", "md", "--engine", "cp2k"], ["--engine", "cp2k", "lammps"]),
    (["validate", "md", "--charge-scalings", "0.8,1.5"], ["--charge-scalings", "'0.8,1.5'", "(0, 1]"]),
    (["validate", "md", "--model", "foo"], ["--model", "'foo'", "allowed are fixed, clpol"]),
    (["validate", "dft", "--config", "binary.dat"], ["binary.dat", "not a text file"]),
    (["query", "validation", "--suite", "qm"], ["qm", "dft, md"]),
    (["query", "validation", "--case", "nosuch"], ["--case", "nosuch", "na-bcc-lattice"]),
    (["query", "validation", "--status", "great"], ["great", "passed, failed, not run"]),
    (["query", "validation", "--data-dir", "afile"], ["afile", "not a directory"]),
    (["query", "validation", "--config", "binary.dat"], ["binary.dat"]),
]

CASES = BUILD_ANALYZE + DFT + RUNS + QUERIES + VALIDATE

#: options no value of which is a mistake by itself, with the reason
NO_CASE = {
    "interface": "a system name or any part of one (exact, else substring): every text is a filter",
    "campaign": "a name looked up in the store (it is opened for that); tests/workflows/results covers the refusal",
}


def _files(root) -> None:
    """The inputs the cases name: a plain file, JSON that is no flow, binary data, YAML with mistakes."""
    (root / "afile").write_text("not a directory\n")
    (root / "broken.json").write_text("{broken")
    (root / "wrong.json").write_text('{"a": 1}')
    (root / "list.json").write_text("[1, 2]")
    (root / "flowless.json").write_text('{"@module": "jobflow.core.flow", "@class": "Flow"}')
    (root / "binary.dat").write_bytes(bytes(range(256)) * 4)
    (root / "bad.yaml").write_text("scheduler: [local\n")
    (root / "typo.yaml").write_text("conductivity:\n  overrides:\n    production_pss: 3\n")
    (root / "steps.yaml").write_text("adhesion:\n  steps: 0\n")
    (root / "ro").mkdir(mode=0o555)


def _tree(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("args, words", CASES, ids=[" ".join(a)[:70] for a, _ in CASES])
def test_bad_input_is_one_line_naming_it(args, words, tmp_path, monkeypatch, capsys):
    if ROOT and any(a.startswith("ro/") for a in args):
        pytest.skip("running as root: a read-only directory is writable")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NASPE_DATA_DIR", raising=False)  # the default data directory: naspe-data, here
    _files(tmp_path)
    before = _tree(tmp_path)
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
    assert _tree(tmp_path) == before, "a refused command wrote something"


def _commands(group, path=()):
    """(command path, command) of every command of the app."""
    if hasattr(group, "commands"):  # a group (typer vendors its own click)
        for name, sub in group.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield path, group


def _given(root, args: list[str]) -> tuple[tuple[str, ...], set[str]]:
    """The command path of ``args`` and the parameters they give (parsed without checking values)."""
    command, rest, path = root, list(args), []
    while hasattr(command, "commands") and rest and rest[0] in command.commands:
        path.append(rest[0])
        command = command.commands[rest.pop(0)]
    ctx = command.make_context(" ".join(path), rest, resilient_parsing=True)
    given = {n for n in ctx.params if getattr(ctx.get_parameter_source(n), "name", None) == "COMMANDLINE"}
    return tuple(path), given


def test_every_option_of_every_command_has_a_case():
    """Every option and argument taking a value (not an on/off flag) has a catalogue case, read from the app."""
    root = typer.main.get_command(app)
    covered = set()
    for args, _ in CASES:
        path, given = _given(root, args)
        covered |= {(path, name) for name in given}
    missing = [
        f"{' '.join(path)} {param.opts[0] if param.opts else param.name}"
        for path, command in _commands(root)
        for param in command.params
        if not getattr(param, "is_flag", False) and param.name not in NO_CASE and (path, param.name) not in covered
    ]
    assert not missing, f"options without a bad-input case: {missing}"


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
