"""What the standard preset's GPAW adhesion costs on this machine: seconds per SCF iteration, extrapolated.

For each key interface of the study (PEO on Na(110), PEO on oxidised graphene; 3 substrate
layers as the standard preset builds them) this runs the standard preset's GPAW settings
(the registry's GpawRelaxMaker defaults: PBE, LCAO dzp, h = 0.2 Å, naspe's k-point rule,
dipole layer) for ``--iterations`` SCF iterations (or to convergence with ``--full``),
reads the time of each iteration from GPAW's log, and extrapolates the cost of one
relaxation (steps x iterations per SCF x s/iteration) and of the preset's adhesion job
(substrate, film and interface relaxations, the four counterpoise single points).
The reference run in the same process is one bcc Na single point at the same settings,
so the ratio (interface s/iteration / bcc Na s/iteration) says how much of the cost is
the system's size and k-points rather than the machine.

Usage: ``python benchmarks/dft_standard_cost.py [--iterations 3] [--full peo/graphene-oxidised]``
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

ITER = re.compile(r"^iter:\s+(\d+)\s+(\d\d):(\d\d):(\d\d)")


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


def main() -> None:
    """Measure and print the costs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3, help="SCF iterations per interface (timing only)")
    parser.add_argument("--full", action="append", default=[], help="system run to SCF convergence")
    parser.add_argument("--steps", type=int, default=60, help="relaxation steps assumed per relaxation")
    args = parser.parse_args()

    from ase.build import bulk

    from naspe.structures.study import build_adhesion_system

    with tempfile.TemporaryDirectory(prefix="naspe-dft-cost-") as tmp:
        work = Path(tmp)
        ref = scf_cost(bulk("Na", "bcc", a=4.23), "bcc Na", None, work)
        print(f"reference: bcc Na, {ref['iterations']} iterations to convergence, {ref['s_per_iteration']:.2f} s/it")
        for system in ("peo/graphene-oxidised", "peo/na110"):
            film, substrate = system.split("/")
            built = build_adhesion_system(substrate, film, layers=3)
            full = system in args.full
            r = scf_cost(built.atoms, system, None if full else args.iterations, work)
            n_scf = r["iterations"] if full else 20
            per_scf = n_scf * r["s_per_iteration"]
            relax = args.steps * per_scf
            # substrate + film + interface relaxations (the interface dominates: bounded by 3 x interface) + 4 cp SPs
            job = 3 * relax + 4 * per_scf
            ratio = r["s_per_iteration"] / ref["s_per_iteration"]
            print(
                f"{system}: {r['atoms']} atoms, k-points {r['kpts']}, {r['mode']} {r['basis']}, h={r['h']} Å: "
                f"{r['s_per_iteration']:.1f} s/iteration (ratio to bcc Na {ratio:.0f}); "
                f"{'measured' if full else 'assumed'} {n_scf} iterations per SCF -> {per_scf / 60:.1f} min per SCF, "
                f"{relax / 3600:.1f} h per {args.steps}-step relaxation, <= {job / 3600:.1f} h for the adhesion job "
                f"(load {os.getloadavg()[0]:.1f})"
            )


if __name__ == "__main__":
    main()
