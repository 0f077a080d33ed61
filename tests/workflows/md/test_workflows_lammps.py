from __future__ import annotations

import json
import re

import pytest
from jobflow import Flow, JobStore, run_locally
from maggma.stores import MemoryStore

from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
from naspe.workflows.md.jobs import LammpsStageMaker, run_stage
from naspe.workflows.md.outputs import sha256
from naspe.workflows.md.runner import is_recoverable

GEN = LammpsInputGenerator(thermo_every=100, restart_every=200, ion_dump_every=50, full_dump_every=500)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, small_cell):
    d = tmp_path_factory.mktemp("system")
    LammpsSystemWriter().get_system(small_cell).write(d)
    return d


@pytest.fixture(scope="module")
def annealed(tmp_path_factory, data_dir):
    """Minimised and briefly annealed cell (a stage directory to start from)."""
    root = tmp_path_factory.mktemp("prep")
    run_stage(root / "min", data_dir, StageSpec("minimize", 200), GEN, "min")
    doc = run_stage(root / "anneal", root / "min", StageSpec("anneal", 400, 353.15, create_velocities=True), GEN, "a")
    assert doc.state == "successful", doc.error
    return root / "anneal"


def test_generator_validation_and_copy():
    with pytest.raises(ValueError, match="timestep_fs=2.0 without SHAKE"):
        LammpsInputGenerator(timestep_fs=2.0, shake=False)
    with pytest.raises(ValueError, match="timestep_fs=10"):
        LammpsInputGenerator(timestep_fs=10)
    with pytest.raises(ValueError, match="stage='md'"):
        StageSpec("md", 10)
    with pytest.raises(ValueError, match="anneal_high_K=300"):
        StageSpec("anneal", 10, 353.15, anneal_high_K=300)
    half = GEN.with_timestep(1.0)
    assert half.timestep_fs == 1.0 and GEN.timestep_fs == 2.0
    assert LammpsInputGenerator.from_dict(GEN.as_dict()).as_dict() == GEN.as_dict()


def test_production_input_has_what_analysis_needs():
    s = GEN.get_input_set(StageSpec("production", 1000, 333.15), "restart", "prev.restart", ["CT-HC"], ["Na", "SBT"])
    script = s.script()
    assert "fix shake all shake 1.0e-4 20 0 b CT-HC" in script
    assert "group ions type Na SBT" in script
    assert "ions.lammpstrj id mol type xu yu zu" in script
    assert "kspace_style pppm 1e-05" in script
    assert "c_sys_com[1]" in script and "restart 200 restart.a restart.b" in script
    # the off-diagonal pressure tensor, averaged over 5 steps, for the Green-Kubo viscosity
    assert "ave/time 5 2 10 c_thermo_press[4] c_thermo_press[5] c_thermo_press[6] file pressure.dat" in script
    assert s.outputs["pressure"] == "pressure.dat"
    with pytest.raises(ValueError, match="pressure_every=0"):
        LammpsInputGenerator(pressure_every=0)
    with pytest.raises(ValueError, match="ion atom types"):
        GEN.get_input_set(StageSpec("production", 10), "restart", "x", [], [])


def test_recoverable_errors_are_recognised():
    assert is_recoverable("ERROR: Lost atoms: original 168 current 166")
    assert is_recoverable("ERROR on proc 0: Out of range atoms - cannot compute PPPM")
    assert not is_recoverable("ERROR: Unknown command: foo")


def test_stage_flow_into_store(data_dir, tmp_path):
    store = JobStore(MemoryStore())
    j1 = LammpsStageMaker("minimize", StageSpec("minimize", 100), GEN).make(str(data_dir))
    j2 = LammpsStageMaker("npt", StageSpec("npt", 200, 333.15, create_velocities=True), GEN).make(j1.output.dir_name)
    j3 = LammpsStageMaker("production", StageSpec("production", 300, 333.15), GEN).make(j2.output.dir_name)
    run_locally(Flow([j1, j2, j3]), store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    doc = store.query_one({"uuid": j3.uuid})["output"]
    assert doc["state"] == "successful" and doc["stage"] == "production"
    assert doc["temperature_K"] == 333.15 and doc["timestep_fs"] == 2.0 and doc["duration_ps"] == 0.6
    assert doc["lammps_version"] > 20200000 and doc["ns_per_day"] > 0 and doc["wall_time_s"] > 0
    assert 0.8 < doc["mean_density_g_cm3"] < 1.4
    ions = doc["trajectories"]["ions"]
    assert ions["sha256"] == sha256(ions["path"])
    frames = re.findall(r"ITEM: TIMESTEP\n(\d+)", open(ions["path"]).read())
    assert [int(f) for f in frames] == list(range(0, 301, 50))
    assert "fix md all nvt" in doc["input_script"] and doc["input_parameters"]["generator"]["timestep_fs"] == 2.0
    npt = store.query_one({"uuid": j2.uuid})["output"]
    assert npt["pressure_atm"] == 1.0 and npt["mean_volume_angstrom3"] > 0


def test_unstable_run_recovers_with_smaller_timestep(annealed, tmp_path):
    gen = LammpsInputGenerator(timestep_fs=5.0, thermo_every=50, restart_every=100, ion_dump_every=50)
    doc = run_stage(tmp_path / "run", annealed, StageSpec("nvt", 400, 353.15), gen, "unstable", max_restarts=4)
    assert doc.state == "successful", doc.error
    assert len(doc.recoveries) >= 1 and doc.timestep_fs < 5.0
    assert doc.recoveries[0].new_timestep_fs == 2.5
    assert doc.input_parameters["generator"]["timestep_fs"] == 5.0  # the maker's choice is not mutated


def test_unstable_run_fails_cleanly_and_stops_children(annealed, tmp_path):
    store = JobStore(MemoryStore())
    gen = LammpsInputGenerator(timestep_fs=5.0, thermo_every=50, restart_every=100)
    bad = LammpsStageMaker("bad", StageSpec("nvt", 400, 353.15), gen, max_restarts=0).make(str(annealed))
    child = LammpsStageMaker("child", StageSpec("nvt", 100, 353.15), GEN).make(bad.output.dir_name)
    run_locally(Flow([bad, child]), store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    doc = store.query_one({"uuid": bad.uuid})["output"]
    assert doc["state"] == "failed" and "ERROR" in doc["error"]
    assert store.query_one({"uuid": child.uuid}) is None


def test_walltime_stop_resumes_with_consistent_outputs(annealed, tmp_path):
    doc = run_stage(
        tmp_path / "run", annealed, StageSpec("production", 1000, 353.15), GEN, "wall", chunk_steps=200, max_wall_s=0.3
    )
    assert doc.state == "successful"
    assert any(r.reason == "walltime" for r in doc.recoveries)
    steps = [int(s) for s in re.findall(r"ITEM: TIMESTEP\n(\d+)", open(doc.trajectories["ions"].path).read())]
    assert steps == list(range(0, 1001, 50))
    com = [int(line.split()[0]) for line in open(doc.trajectories["com"].path) if not line.startswith("#")]
    assert com == list(range(0, 1001, 50))
    pressure = [int(line.split()[0]) for line in open(tmp_path / "run" / "pressure.dat") if not line.startswith("#")]
    assert pressure == list(range(10, 1001, 10))  # appended across the restart, no step twice
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    assert result["status"] == "completed"


def _site_lammps(tmp_path, monkeypatch, body: str) -> None:
    """A stand-in site ``lammps`` module whose constructor runs ``body``, on NASPE_LAMMPS_PYTHON_PATH."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "lammps.py").write_text(
        f"import os, signal\n\nclass lammps:\n    def __init__(self, *args, **kwargs):\n        {body}\n"
    )
    monkeypatch.setenv("NASPE_LAMMPS_PYTHON_PATH", str(site))


def test_site_lammps_module_is_used(annealed, tmp_path, monkeypatch):
    """settings.lammps_python_path points the runner at a site build (here a stand-in that refuses to start)."""
    _site_lammps(tmp_path, monkeypatch, "raise RuntimeError('site LAMMPS build used')")
    from naspe.workflows.md.jobs import LammpsRunnerDied

    with pytest.raises(LammpsRunnerDied, match="site LAMMPS build used"):  # the runner crashed: a failed attempt
        run_stage(tmp_path / "run", annealed, StageSpec("nvt", 100, 353.15), GEN, "site", max_restarts=0)


def test_two_ranks_through_the_mpi_launcher(annealed, tmp_path):
    doc = run_stage(tmp_path / "run", annealed, StageSpec("nvt", 200, 353.15), GEN, "mpi", ranks=2)
    assert doc.state == "successful", doc.error
    assert doc.ranks == 2
    assert "on 2 procs for" in (tmp_path / "run" / "log.lammps").read_text()


def test_a_killed_lammps_runner_is_a_failed_attempt_not_a_document(annealed, tmp_path, monkeypatch):
    """The runner killed (SIGKILL) before it writes its result: the job raises, naming the signal and the run."""
    from naspe.workflows.md.jobs import LammpsRunnerDied

    _site_lammps(tmp_path, monkeypatch, "os.kill(os.getpid(), signal.SIGKILL)")
    with pytest.raises(LammpsRunnerDied, match=r"SIGKILL") as err:
        run_stage(tmp_path / "run", annealed, StageSpec("nvt", 100, 353.15), GEN, "killed", max_restarts=2)
    assert str(tmp_path / "run") in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "run" / "result.json").exists()  # no result is made up for a run that said nothing


def test_a_killed_production_run_again_continues_from_its_restart_file(annealed, tmp_path):
    """The whole job killed mid-run (SIGKILL to its process group, as a lost batch job): the rerun continues."""
    import os
    import signal
    import subprocess
    import sys
    import time

    run = tmp_path / "run"
    n_steps = 4000
    script = (
        "import sys; from pathlib import Path\n"
        "from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec\n"
        "from naspe.workflows.md.jobs import run_stage\n"
        f"gen = LammpsInputGenerator.from_dict({GEN.as_dict()!r})\n"
        f"run_stage(Path({str(run)!r}), Path({str(annealed)!r}), StageSpec('production', {n_steps}, 353.15), gen, "
        "'killed', chunk_steps=100)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            progress = run / "progress.json"
            if progress.exists() and json.loads(progress.read_text() or "{}").get("steps_done", 0) >= 500:
                break
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (run / "result.json").exists() and (run / "restart.a").exists()  # killed mid-run, after a restart
    reached = json.loads((run / "progress.json").read_text())["step"]
    assert 500 <= reached < n_steps

    doc = run_stage(run, annealed, StageSpec("production", n_steps, 353.15), GEN, "killed", chunk_steps=100)
    assert doc.state == "successful", doc.error
    killed = doc.recoveries[0]
    assert killed.reason.startswith("killed") and killed.restarted_from in ("restart.a", "restart.b")
    # the second run started from the restart file (step >= 200), not from step 0 ...
    first_row = re.search(r"^\s+Step\s.*\n\s+(\d+)\s", (run / "log.lammps").read_text(), re.M)
    assert first_row and int(first_row.group(1)) >= 200
    # ... and each series holds every step once, in order, across the kill
    steps = [int(s) for s in re.findall(r"ITEM: TIMESTEP\n(\d+)", open(doc.trajectories["ions"].path).read())]
    assert steps == list(range(0, n_steps + 1, 50))
    com = [int(line.split()[0]) for line in open(run / "com.dat") if not line.startswith("#")]
    assert com == list(range(0, n_steps + 1, 50))
    pressure = [int(line.split()[0]) for line in open(run / "pressure.dat") if not line.startswith("#")]
    assert pressure == list(range(10, n_steps + 1, 10))


def test_a_killed_production_at_another_time_step_starts_over(annealed, tmp_path):
    """A killed attempt that ran at 1 fs (after a recovery) is not continued at 2 fs: one time step per trajectory."""
    from naspe.workflows.md.run_files import RUN_SPEC_FILE

    run = tmp_path / "run"
    run.mkdir()
    (run / RUN_SPEC_FILE).write_text(json.dumps({"timestep_fs": 1.0}))
    (run / "restart.a").write_text("not a restart file: reading it would fail the run")
    (run / "pressure.dat").write_text("# killed attempt\n400 1.0 2.0 3.0\n")
    doc = run_stage(run, annealed, StageSpec("production", 200, 353.15), GEN, "dt")
    assert doc.state == "successful", doc.error
    assert doc.recoveries == [] and doc.timestep_fs == 2.0
    pressure = [int(line.split()[0]) for line in open(run / "pressure.dat") if not line.startswith("#")]
    assert pressure == list(range(10, 201, 10))


def test_a_killed_attempt_whose_restart_file_is_cut_short_starts_over(annealed, tmp_path):
    """Killed while LAMMPS wrote its restart file: continuing from it fails, so the stage runs from its start."""
    from naspe.workflows.md.run_files import RUN_SPEC_FILE

    run = tmp_path / "run"
    run.mkdir()
    (run / RUN_SPEC_FILE).write_text(json.dumps({"timestep_fs": GEN.timestep_fs}))
    (run / "restart.a").write_bytes(b"LammpS RestartT")  # the first bytes of a restart file, then nothing
    doc = run_stage(run, annealed, StageSpec("production", 200, 353.15), GEN, "cut")
    assert doc.state == "successful", doc.error
    assert [r.reason.split(" ")[0] for r in doc.recoveries] == ["killed:", "continuing"]
    assert doc.recoveries[1].restarted_from is None and doc.timestep_fs == GEN.timestep_fs
    steps = [int(s) for s in re.findall(r"ITEM: TIMESTEP\n(\d+)", open(doc.trajectories["ions"].path).read())]
    assert steps == list(range(0, 201, 50))


def test_restart_files_of_another_stage_or_an_earlier_run_are_not_continued(annealed, tmp_path):
    """A killed attempt's record names its stage: restart files left by another stage spec are not taken."""
    from dataclasses import asdict

    from naspe.workflows.md.run_files import RUN_SPEC_FILE

    run = tmp_path / "run"
    run.mkdir()
    other = asdict(StageSpec("production", 999, 353.15))
    (run / RUN_SPEC_FILE).write_text(json.dumps({"timestep_fs": GEN.timestep_fs, "stage": other}))
    (run / "restart.b").write_text("left by another stage")
    doc = run_stage(run, annealed, StageSpec("production", 200, 353.15), GEN, "other")
    assert doc.state == "successful", doc.error
    assert doc.recoveries == []
    assert not (run / "restart.b").exists() or (run / "restart.b").read_bytes() != b"left by another stage"
