"""LAMMPS jobs: one Maker per MD stage, run in a separate runner process.

:class:`LammpsStageMaker` follows atomate2's ``BaseVaspMaker``: a dataclass whose
fields are the choices, a ``make`` decorated with ``@job`` that writes inputs,
runs, builds a document and returns a ``Response``; ``make`` never changes the
Maker's fields (a recovery uses a *copy* of the input generator with a smaller
time step).

The compute job only sees files: it starts from a data directory
(``system.data`` + ``system.in.settings`` + ``system.lammps.json``) or from the
run directory of the previous stage (its ``final.restart``), and writes
everything in its own working directory.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from jobflow import Maker, Response, job

from naspe.structures.lammps_env import mpi_environment
from naspe.workflows.base.settings import NaspeSettings, load_settings
from naspe.workflows.md.documents import LammpsTaskDocument, Recovery
from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
from naspe.workflows.md.outputs import clean_series
from naspe.workflows.md.run_files import RUN_SPEC_FILE, SYSTEM_META
from naspe.workflows.md.runner import latest_restart

__all__ = ["LammpsStageMaker", "run_stage", "SYSTEM_META"]

RESTART_FILES = ("restart.a", "restart.b", "restart.term")
"""Restart files a stage writes as it runs (``restart`` every N steps; ``restart.term`` at a wall-time stop)."""

SERIES_FILES = ("ions.lammpstrj", "full.lammpstrj", "com.dat", "thermo.dat", "pressure.dat", "drude_temp.dat")
"""Outputs a resumed stage appends to: each is cleaned of the steps run twice."""


def _system_meta(prev_dir: Path) -> dict:
    path = prev_dir / SYSTEM_META
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: start from a directory written by naspe (LammpsSystem.write) or a naspe stage"
        )
    return json.loads(path.read_text())


def run_stage(
    run_dir: Path,
    prev_dir: Path,
    spec: StageSpec,
    generator: LammpsInputGenerator,
    task_label: str,
    settings: NaspeSettings | None = None,
    ranks: int | None = None,
    max_restarts: int = 3,
    timestep_factor: float = 0.5,
    max_resumes: int = 5,
    chunk_steps: int = 1000,
    max_wall_s: float | None = None,
) -> LammpsTaskDocument:
    """Run one stage in ``run_dir`` starting from ``prev_dir``, recovering from instabilities.

    A run that stops with a recoverable LAMMPS error (lost atoms, non-finite
    energy, PPPM out-of-range atoms, SHAKE failure) restarts from its latest
    restart file (or from the start if none was written yet) with the time step
    multiplied by ``timestep_factor``, at most ``max_restarts`` times. A
    production stage starts over instead, so that its trajectory has a single
    time step. A run
    stopped by the wall-time limit resumes from its restart file with the same
    time step, at most ``max_resumes`` times. A stage run again in the directory
    of an attempt that was killed (no ``result.json``, a restart file) continues
    from that restart file at that attempt's time step, or starts over if that
    fails (a restart file cut short by the kill) or if a production's killed
    attempt ran at another time step. Steps run twice are removed from the
    appended outputs (:data:`SERIES_FILES`).
    """
    settings = settings or load_settings()
    ranks = ranks or settings.default_ranks
    run_dir.mkdir(parents=True, exist_ok=True)
    meta = _system_meta(prev_dir)
    shutil.copy(prev_dir / SYSTEM_META, run_dir / SYSTEM_META)
    if (prev_dir / "final.restart").exists():
        start, start_file = "restart", str((prev_dir / "final.restart").resolve())
    elif (prev_dir / "system.data").exists():
        for name in ("system.data", "system.in.settings"):
            shutil.copy(prev_dir / name, run_dir / name)
        start, start_file = "data", "system.in.settings"
    else:
        raise FileNotFoundError(f"{prev_dir} holds neither final.restart nor system.data to start from")
    slab = "kspace_modify slab" in meta.get("post_read", "")
    initial = (start, start_file)
    gen, resume = generator, False
    recoveries: list[Recovery] = []
    n_failures = n_resumes = 0
    killed = _killed_attempt(run_dir, asdict(spec))
    if killed is not None and spec.stage == "production" and killed[1] != gen.timestep_fs:
        _start_over(run_dir)  # a production trajectory keeps one time step throughout
    elif killed is not None:
        restart, timestep_fs = killed
        gen = gen.with_timestep(timestep_fs) if timestep_fs != gen.timestep_fs else gen
        recoveries.append(
            Recovery(
                attempt=0,
                reason="killed: an earlier attempt in this directory ended without a result",
                restarted_from=restart.name,
                new_timestep_fs=gen.timestep_fs,
            )
        )
        start, start_file, resume = "restart", _kept(restart, len(recoveries)), True
    t0 = time.perf_counter()
    while True:
        inputs = gen.get_input_set(
            spec,
            start,
            start_file,
            meta["constrained_bond_types"],
            meta["ion_atom_types"],
            resume=resume,
            slab=slab,
            drude=meta.get("drude"),
        )
        (run_dir / "in.lammps").write_text(inputs.script())
        (run_dir / "result.json").unlink(missing_ok=True)
        if not resume:  # a run from the stage's start: no restart file of an earlier run may be taken for its own
            for name in RESTART_FILES:
                (run_dir / name).unlink(missing_ok=True)
        runner_spec = {
            "workdir": str(run_dir.resolve()),
            "input": inputs.as_dict(),
            "timestep_fs": gen.timestep_fs,
            "chunk_steps": chunk_steps,
            "max_wall_s": max_wall_s,
            "stage": asdict(spec),
            "lammps_python_path": str(settings.lammps_python_path) if settings.lammps_python_path else None,
        }
        (run_dir / RUN_SPEC_FILE).write_text(json.dumps(runner_spec, indent=2))
        cmd = [*settings.mpi_launch(ranks), sys.executable, "-m", "naspe.workflows.md.runner", RUN_SPEC_FILE]
        proc = subprocess.run(cmd, cwd=run_dir, env=mpi_environment(), capture_output=True, text=True)
        (run_dir / "runner.log").write_text(proc.stdout + proc.stderr)
        result_path = run_dir / "result.json"
        if result_path.exists():
            result = json.loads(result_path.read_text())
        else:  # the process died before it could say how LAMMPS ended: a failed attempt of the job, retried
            raise LammpsRunnerDied(_death(proc.returncode, proc.stdout + proc.stderr, run_dir))
        status = result["status"]
        if status == "completed":
            break
        if status == "failed" and resume and recoveries[-1].reason.startswith("killed") and not result.get("md_steps"):
            # the killed attempt's restart file may be cut short (killed while it was written): start over once
            _start_over(run_dir)
            recoveries.append(
                Recovery(
                    attempt=len(recoveries),
                    reason=f"continuing from {recoveries[-1].restarted_from} failed ({result.get('error') or ''})",
                    step=result.get("step"),
                    new_timestep_fs=generator.timestep_fs,
                )
            )
            gen, (start, start_file), resume = generator, initial, False
            continue
        restart = latest_restart(run_dir)
        if status == "walltime" and n_resumes < max_resumes:
            n_resumes += 1
            recoveries.append(
                Recovery(
                    attempt=len(recoveries),
                    reason="walltime",
                    step=result.get("step"),
                    restarted_from=restart.name if restart else None,
                    new_timestep_fs=gen.timestep_fs,
                )
            )
        elif status == "failed" and result.get("recoverable") and n_failures < max_restarts:
            n_failures += 1
            new_gen = gen.with_timestep(gen.timestep_fs * timestep_factor)
            recoveries.append(
                Recovery(
                    attempt=len(recoveries),
                    reason=result.get("error") or "",
                    step=result.get("step"),
                    restarted_from=restart.name if restart else None,
                    new_timestep_fs=new_gen.timestep_fs,
                )
            )
            gen = new_gen
        else:
            break
        if status == "failed" and spec.stage == "production":
            _start_over(run_dir)  # a production trajectory keeps one time step throughout
            restart = None
        if restart is None:
            (start, start_file), resume = initial, False
        else:
            start, start_file, resume = "restart", _kept(restart, len(recoveries)), True
    for name in SERIES_FILES:
        clean_series(run_dir / name)
    return LammpsTaskDocument.from_directory(
        run_dir,
        task_label=task_label,
        spec=asdict(spec),
        input_script=(run_dir / "in.lammps").read_text(),
        input_parameters={
            "generator": generator.parameters(),
            "stage": asdict(spec),
            "final_timestep_fs": gen.timestep_fs,
        },
        recoveries=recoveries,
        wall_time_s=time.perf_counter() - t0,
        ranks=ranks,
    )


def _killed_attempt(run_dir: Path, stage: dict) -> tuple[Path, float] | None:
    """The latest restart file and time step (fs) of an attempt of ``stage`` in ``run_dir`` that ended without a result.

    An attempt that LAMMPS ended (completed, failed or stopped at its wall time)
    leaves ``result.json``; one whose process was killed (the driver or the
    batch job killed, a node lost) leaves its input record and restart files
    only. Such a run continues from its latest restart file rather than from
    the start of the stage, if its record is of the same stage (``stage``: the
    :class:`StageSpec` as a dict; records written before naspe kept it are taken
    as the same stage).
    """
    restart = latest_restart(run_dir)
    path = run_dir / RUN_SPEC_FILE
    if restart is None or not path.exists() or (run_dir / "result.json").exists():
        return None
    record = json.loads(path.read_text())
    if record.get("stage", stage) != json.loads(json.dumps(stage)):
        return None
    return restart, float(record["timestep_fs"])


def _kept(restart: Path, n: int) -> str:
    """Copy ``restart`` to ``resume-<n>.restart`` beside it, which the next run's own restart writes leave alone."""
    kept = restart.with_name(f"resume-{n}.restart")
    shutil.copy(restart, kept)
    return kept.name


def _start_over(run_dir: Path) -> None:
    """Remove a stage's trajectories, series and restart files, so that it runs again from its start."""
    for name in (*SERIES_FILES, *RESTART_FILES):
        (run_dir / name).unlink(missing_ok=True)


class LammpsRunnerDied(RuntimeError):
    """The LAMMPS runner process was killed or crashed without writing its result (a failed attempt of its job)."""


def _death(returncode: int, output: str, run_dir: Path) -> str:
    """One line: how the runner ended (signal or exit code), where, and its last output lines."""
    number = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    hydra = re.search(r"EXIT STRING: .*\(signal (\d+)\)", output)  # MPICH's launcher: exit code N for signal N
    if hydra:
        number = int(hydra.group(1))
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = None
    if returncode < 0 and name:
        how = f"killed by signal {number} ({name})"
    elif name:  # mpiexec reports a rank killed by signal N as exit code 128 + N
        how = f"exit code {returncode}: signal {number} ({name})"
    else:
        how = f"exit code {returncode}"
    tail = " | ".join(line.strip() for line in output.strip().splitlines()[-5:] if line.strip())
    return f"LAMMPS runner died without a result ({how}) in {run_dir}; last lines: {tail or '(none)'}"


@dataclass
class LammpsStageMaker(Maker):
    """Maker of one LAMMPS stage.

    Parameters
    ----------
    name
        Job name.
    spec
        The stage (kind, steps, temperature, ...).
    input_generator
        LAMMPS input choices (time step, SHAKE, output intervals, ...).
    ranks
        MPI ranks; the settings' ``default_ranks`` when None.
    max_restarts
        Automatic restarts with a smaller time step after an instability.
    timestep_factor
        Factor applied to the time step at each such restart.
    chunk_steps
        Steps between progress reports and checks.
    max_wall_s
        Wall-time limit (s) of one runner process; the run then resumes from its restart file.
    """

    job_kind: ClassVar[str] = "md"  # the workers that run its jobs (naspe.workflows.base.kinds)

    name: str = "lammps stage"
    spec: StageSpec = field(default_factory=lambda: StageSpec("nvt", 1000))
    input_generator: LammpsInputGenerator = field(default_factory=LammpsInputGenerator)
    ranks: int | None = None
    max_restarts: int = 3
    timestep_factor: float = 0.5
    chunk_steps: int = 1000
    max_wall_s: float | None = None

    @job(output_schema=LammpsTaskDocument)
    def make(
        self,
        prev_dir: str,
        first_step: int | None = None,
        volume_angstrom3: float | None = None,
        n_steps: int | None = None,
    ) -> Response:
        """Run the stage from ``prev_dir`` (a naspe data directory or a previous stage's directory).

        ``first_step``, ``volume_angstrom3`` and ``n_steps``, when given, replace those of the
        Maker's ``spec`` for this job (a segment of a stage run in segments continues the step
        count of the previous one; the first production segment takes the equilibrated volume,
        known only when the NPT has finished); the Maker itself is not changed.
        """
        changes = {"first_step": first_step, "volume_angstrom3": volume_angstrom3, "n_steps": n_steps}
        spec = replace(self.spec, **{k: v for k, v in changes.items() if v is not None})
        doc = run_stage(
            Path.cwd(),
            Path(prev_dir),
            spec,
            self.input_generator,
            task_label=self.name,
            ranks=self.ranks,
            max_restarts=self.max_restarts,
            timestep_factor=self.timestep_factor,
            chunk_steps=self.chunk_steps,
            max_wall_s=self.max_wall_s,
        )
        return Response(output=doc, stop_children=doc.state != "successful")
