from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from ase import Atoms
from ase.build import molecule
from ase.calculators.singlepoint import SinglePointCalculator
from conftest import run_naspe
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.workflows.dft.progress import (
    PROGRESS_FILE,
    ProgressFollower,
    RelaxProgress,
    estimate_steps_left,
    format_step,
    read_progress,
)
from naspe.workflows.dft.tblite import TbliteRelaxMaker, TbliteStaticMaker
from naspe.workflows.execution.runner import run_flow


def _rattled_water():
    a = molecule("H2O")
    a.cell = [7.0, 7.0, 7.0]
    a.center()
    a.pbc = True
    a.positions[1] += [0.15, 0.1, 0.0]  # a stretched O-H: the relaxation has work to do
    return AseAtomsAdaptor.get_structure(a)


def _evaluated(energy_eV: float, forces_eV_A: list) -> Atoms:
    atoms = Atoms("H" * len(forces_eV_A), positions=np.zeros((len(forces_eV_A), 3)))
    atoms.calc = SinglePointCalculator(atoms, energy=energy_eV, forces=np.asarray(forces_eV_A))
    return atoms


def test_steps_left_follow_a_geometric_fmax_decay_and_never_exceed_the_limit():
    decay = [1.0 * 0.5**k for k in range(5)]  # fmax halves each step: 0.0625 now, 0.05 needs one more step
    assert estimate_steps_left(decay, 0.05, 100) == 1
    assert estimate_steps_left([1.0 * 0.9**k for k in range(6)], 0.01, 100) == math.ceil(
        math.log(0.01 / 0.9**5) / math.log(0.9)
    )
    assert estimate_steps_left(decay, 1e-9, 3) == 3  # the trend asks for more than the limit allows
    assert estimate_steps_left([0.5, 0.6, 0.7], 0.05, 40) == 40  # rising forces: only the limit is known
    assert estimate_steps_left([0.5, 0.2], 0.05, 40) == 40  # too few steps for a trend
    assert estimate_steps_left([0.5, 0.04], 0.05, 40) == 0  # converged
    with pytest.raises(ValueError, match="target_fmax_eV_A=0"):
        RelaxProgress("x", 10, 0.0)


@pytest.mark.slow
def test_a_real_relaxation_writes_one_line_per_step_in_its_job_directory_and_the_follower_prints_them(tmp_path):
    maker = TbliteRelaxMaker(steps=6, relax_kwargs={"fmax": 0.01})
    relax, single = maker.make(_rattled_water()), TbliteStaticMaker().make(_rattled_water())
    lines: list[str] = []
    with ProgressFollower(tmp_path, emit=lines.append, poll_seconds=0.05):
        run = run_flow([relax, single], tmp_path)
    doc = run.output(relax)
    files = {p.parent.name.split("_")[0]: p for p in tmp_path.glob(f"jobs/*/{PROGRESS_FILE}")}
    steps = read_progress(files[relax.uuid])
    assert [s.step for s in steps] == list(range(len(steps))) and 2 <= len(steps) <= 7  # step 0 to at most 6
    # a line per force evaluation of the optimizer (atomate2's trajectory adds the final frame once more)
    assert len(steps) == len(doc["output"]["ionic_steps"]) - 1
    assert steps[-1].energy_eV == pytest.approx(doc["output"]["energy"], abs=1e-6)
    forces = np.asarray(doc["output"]["forces"])
    assert steps[-1].fmax_eV_A == pytest.approx(np.linalg.norm(forces, axis=1).max(), abs=1e-6)
    assert steps[0].fmax_eV_A > steps[-1].fmax_eV_A and all(s.step_time_s > 0 for s in steps)
    assert [s.steps_left for s in steps][0] == 6 and all(s.time_left_s >= 0 for s in steps)
    assert all(s.label == "GFN2-xTB relaxation H2O" and s.max_steps == 6 for s in steps)
    (point,) = read_progress(files[single.uuid])  # a single point: one line
    assert point.step == 0 and point.max_steps == 1
    assert lines == [format_step(s) for s in steps] + [format_step(point)]
    assert re.match(r"GFN2-xTB relaxation H2O: step 1/6 E = -\d+\.\d{6} eV, fmax \d\.\d{3} eV/Å", lines[1])

    # a follower started over the finished run prints nothing old; a job that starts afresh in its folder is shown
    again: list[str] = []
    with ProgressFollower(tmp_path, emit=again.append, poll_seconds=0.05) as follower:
        follower.poll()
        assert again == []
        fresh = RelaxProgress("rerun", 6, 0.01, files[relax.uuid])
        fresh.record(_evaluated(-1.0, [[0.0, 0.3, 0.4]]))
    assert again == [format_step(fresh.steps[0])] and "fmax 0.500 eV/Å" in again[0]


@pytest.mark.slow
def test_naspe_bonding_prints_every_relaxation_step_on_stderr(tmp_path):
    p = run_naspe(
        "bonding", "--site", "vacancy", "--fragment", "dme", "--engine", "tblite", "--steps", "2", cwd=tmp_path
    )
    assert p.returncode == 0, p.stderr
    shown = [line for line in p.stderr.splitlines() if re.search(r": (step \d+/2|single point) E = ", line)]
    files = sorted((tmp_path / "naspe-bonding").glob(f"jobs/*/{PROGRESS_FILE}"))
    written = [format_step(s) for f in files for s in read_progress(f)]
    assert len(files) >= 3 and sorted(shown) == sorted(written)  # every step of every relaxation, once
    assert any(": step 2/2 E = " in line for line in shown)
    assert all(json.loads(line)["step"] >= 0 for f in files for line in f.read_text().splitlines())
