"""What the adhesion engines cost on this machine: GPAW against CP2K per SCF iteration, on the same geometries.

For each key interface of the study (PEO on Na(110), PEO on oxidised graphene; 3 substrate
layers as the presets build them) this runs, in the same run and on the same geometry,

- GPAW at the registry's settings (GpawRelaxMaker: PBE, LCAO dzp, h = 0.2 Å, naspe's
  k-point rule, dipole layer) for ``--iterations`` SCF iterations on one core (or to
  convergence with ``--full``), timed from GPAW's log;
- CP2K at the registry's settings (Cp2kRelaxMaker: PBE, DZVP-MOLOPT-PBE-GTH, 400 Ry, the
  same mesh, 2D Poisson solver) to SCF convergence on ``--cp2k-ranks`` ranks (1: the same
  one core as GPAW), timed from CP2K's own per-iteration column;

and ends with ``ratio gpaw/cp2k per SCF iteration: X (peo/na110), Y (peo/graphene-oxidised)``.
Finished ``naspe adhesion`` run directories given with ``--run`` add the measured cost of
their relaxations (steps, seconds per step, wall time per job, from each job's
``dft-progress.jsonl``). GPAW's cost is extrapolated to a relaxation (steps x iterations
per SCF x s/iteration): a GPAW relaxation of these cells does not fit a session here.

Usage: ``python benchmarks/dft_standard_cost.py [--iterations 3] [--cp2k-ranks 1] [--run DIR ...]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from pathlib import Path

ITER = re.compile(r"^iter:\s+(\d+)\s+(\d\d):(\d\d):(\d\d)")
#: one SCF iteration in CP2K's output: step, method, mixing parameter, time (s), convergence, energy, change
CP2K_ITER = re.compile(r"^\s+\d+\s+\S+/Diag\.\s+\S+\s+([0-9.]+)\s+[0-9.E+-]+\s+-?[0-9.]+")


def _iteration_times(log: Path) -> list[float]:
    """Wall seconds between successive SCF iterations in a GPAW text log."""
    stamps = []
    for line in log.read_text().splitlines():
        m = ITER.match(line)
        if m:
            h, mi, s = (int(x) for x in m.groups()[1:])
            stamps.append(3600 * h + 60 * mi + s)
    return [(b - a) % 86400 for a, b in zip(stamps, stamps[1:], strict=False)]


def scf_cost(atoms, label: str, iterations: int | None, workdir: Path) -> dict:
    """Run ``iterations`` SCF iterations (None: to convergence) of ``atoms``; s/iteration and mesh."""
    from gpaw import GPAW, KohnShamConvergenceError

    from naspe.workflows.dft.gpaw import GpawRelaxMaker

    maker = GpawRelaxMaker()
    params = maker.gpaw_parameters(atoms)
    log = workdir / f"{label.replace('/', '_')}.txt"
    params |= {"txt": str(log)}
    if iterations is not None:
        params["maxiter"] = iterations
    atoms = atoms.copy()
    atoms.calc = GPAW(**params)
    t0 = time.perf_counter()
    converged = True
    try:
        atoms.get_potential_energy()
    except KohnShamConvergenceError:
        converged = False
    wall = time.perf_counter() - t0
    per = _iteration_times(log)
    return {
        "label": label,
        "atoms": len(atoms),
        "kpts": params.get("kpts"),
        "mode": params.get("mode"),
        "basis": params.get("basis"),
        "h": params.get("h"),
        "wall_s": wall,
        "iterations": len(per) + 1,
        "s_per_iteration": sum(per) / len(per) if per else None,
        "converged": converged if iterations is None else None,
    }


def cp2k_cost(atoms, label: str, ranks: int, workdir: Path) -> dict:
    """One CP2K SCF of ``atoms`` to convergence at the registry's settings; s/iteration from CP2K's own column."""
    from naspe.workflows.dft.cp2k import Cp2kStaticMaker

    maker = Cp2kStaticMaker(ranks=ranks, dispersion=None)
    atoms = atoms.copy()
    atoms.pbc = (True, True, False)
    run = workdir / f"cp2k-{label.replace('/', '_')}"
    run.mkdir()
    cwd = os.getcwd()
    os.chdir(run)
    try:
        calc = maker.calculator_for(atoms)
        atoms.calc = calc
        t0 = time.perf_counter()
        atoms.get_potential_energy()
        wall = time.perf_counter() - t0
        maker.release(calc)
        lines = (run / "cp2k.out").read_text().splitlines()
        per = [float(m.group(1)) for line in lines if (m := CP2K_ITER.match(line))]
    finally:
        os.chdir(cwd)
    return {
        "label": label,
        "ranks": ranks,
        "kpts": maker.kpoint_mesh(atoms).mesh,
        "wall_s": wall,
        "iterations": len(per),
        "s_per_iteration": sum(per) / len(per) if per else None,
    }


def relaxation_costs(run_dir: Path) -> list[str]:
    """One line per relaxation job of a finished ``naspe adhesion`` run: steps, fmax, s/step, wall time."""
    lines = []
    for path in sorted(run_dir.glob("jobs/*/dft-progress.jsonl")):
        steps = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        if not steps:
            continue
        last = steps[-1]
        lines.append(
            f"  {last['label']}: {last['step'] + 1} steps, fmax {last['fmax_eV_A']:.3f} eV/Å "
            f"({'converged' if last.get('converged') else 'not converged'}), "
            f"{last['mean_step_time_s']:.0f} s/step, {last['elapsed_s'] / 60:.1f} min"
        )
    return lines


def main() -> None:
    """Measure and print the costs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3, help="SCF iterations per interface (timing only)")
    parser.add_argument("--full", action="append", default=[], help="system run to SCF convergence")
    parser.add_argument("--steps", type=int, default=60, help="relaxation steps assumed per GPAW relaxation")
    parser.add_argument("--cp2k-ranks", type=int, default=1, help="CP2K MPI ranks (1: GPAW's one core)")
    parser.add_argument("--run", action="append", default=[], type=Path, help="a finished naspe adhesion run dir")
    parser.add_argument("--skip-gpaw", action="store_true", help="CP2K only (no ratio line)")
    args = parser.parse_args()

    from ase.build import bulk

    from naspe.structures.study import build_adhesion_system

    ratios = {}
    with tempfile.TemporaryDirectory(prefix="naspe-dft-cost-") as tmp:
        work = Path(tmp)
        if not args.skip_gpaw:
            ref = scf_cost(bulk("Na", "bcc", a=4.23), "bcc Na", None, work)
            its, per_it = ref["iterations"], ref["s_per_iteration"]
            print(f"reference: bcc Na, {its} iterations to convergence, {per_it:.2f} s/it")
        for system in ("peo/graphene-oxidised", "peo/na110"):
            film, substrate = system.split("/")
            built = build_adhesion_system(substrate, film, layers=3)
            c = cp2k_cost(built.atoms, system, args.cp2k_ranks, work)
            print(
                f"{system}: CP2K {c['ranks']} rank(s), k-points {c['kpts']}: {c['iterations']} iterations to "
                f"convergence, {c['s_per_iteration']:.1f} s/iteration, {c['wall_s']:.0f} s for the SCF "
                f"(load {os.getloadavg()[0]:.1f})"
            )
            if args.skip_gpaw:
                continue
            full = system in args.full
            r = scf_cost(built.atoms, system, None if full else args.iterations, work)
            ratios[system] = r["s_per_iteration"] / c["s_per_iteration"]
            n_scf = r["iterations"] if full else 20
            per_scf = n_scf * r["s_per_iteration"]
            relax = args.steps * per_scf
            # substrate + film + interface relaxations (the interface dominates: bounded by 3 x interface) + 4 cp SPs
            job = 3 * relax + 4 * per_scf
            ratio = r["s_per_iteration"] / ref["s_per_iteration"]
            print(
                f"{system}: GPAW {r['atoms']} atoms, k-points {r['kpts']}, {r['mode']} {r['basis']}, h={r['h']} Å: "
                f"{r['s_per_iteration']:.1f} s/iteration (ratio to bcc Na {ratio:.0f}); "
                f"{'measured' if full else 'assumed'} {n_scf} iterations per SCF -> {per_scf / 60:.1f} min per SCF, "
                f"{relax / 3600:.1f} h per {args.steps}-step relaxation, <= {job / 3600:.1f} h for the adhesion job "
                f"(load {os.getloadavg()[0]:.1f})"
            )
    for run in args.run:
        print(f"measured relaxations in {run}:")
        print("\n".join(relaxation_costs(run)) or "  none")
    if ratios:
        print(
            f"ratio gpaw/cp2k per SCF iteration: {ratios['peo/na110']:.1f} (peo/na110), "
            f"{ratios['peo/graphene-oxidised']:.1f} (peo/graphene-oxidised)"
        )


if __name__ == "__main__":
    main()
