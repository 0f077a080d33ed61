"""Stages run in segments: continuation inputs (step count, equilibrated volume) and the joined thermo series."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
from naspe.workflows.md.segment_documents import segment_thermo


def _inputs(spec: StageSpec, resume: bool = False):
    return LammpsInputGenerator().get_input_set(spec, "restart", "prev.restart", [], ["1", "2"], resume=resume)


def test_a_continuation_segment_numbers_its_steps_on():
    inputs = _inputs(StageSpec("production", 5000, first_step=20000))
    assert "reset_timestep 20000" in inputs.setup and inputs.as_dict()["first_step"] == 20000
    assert "change_box" not in inputs.setup
    resumed = _inputs(StageSpec("production", 5000, first_step=20000), resume=True)
    assert "reset_timestep" not in resumed.setup  # a resumed segment keeps the restart file's step


def test_the_first_production_segment_takes_the_equilibrated_volume():
    inputs = _inputs(StageSpec("production", 5000, volume_angstrom3=12345.6))
    assert "variable naspe_scale equal (12345.6/vol)^(1.0/3.0)" in inputs.setup
    assert "change_box all x scale ${naspe_scale} y scale ${naspe_scale} z scale ${naspe_scale} remap" in inputs.setup
    assert inputs.setup.index("change_box") < inputs.setup.index("fix thermo_out")
    assert "change_box" not in _inputs(StageSpec("production", 5000, volume_angstrom3=12345.6), resume=True).setup


@pytest.mark.parametrize(
    ("changes", "match"),
    [({"first_step": -1}, "first_step=-1"), ({"volume_angstrom3": 0.0}, "volume_angstrom3=0.0")],
)
def test_bad_segment_specs(changes, match):
    with pytest.raises(ValueError, match=match):
        StageSpec("production", 10, **changes)


def test_segment_thermo_keeps_a_repeated_step_once(tmp_path):
    for name, steps in (("a", [0, 50, 100]), ("b", [100, 150, 200])):
        (tmp_path / name).mkdir()
        rows = "".join(f"{s} 300 1 {-s} 1 1 1.0 {1000 + s}\n" for s in steps)
        (tmp_path / name / "thermo.dat").write_text("# header\n" + rows)
    series = segment_thermo([tmp_path / "a", tmp_path / "b"])
    assert series["step"].tolist() == [0, 50, 100, 150, 200]
    assert np.allclose(series["volume_angstrom3"], [1000, 1050, 1100, 1150, 1200])
