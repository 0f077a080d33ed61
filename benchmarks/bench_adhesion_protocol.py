"""Benchmark: the adhesion protocol (fast pre-relaxation, GPAW single points) against a full GPAW relaxation.

One small system, dimethyl ether (CH3OCH3, the ether unit of PEO) lying flat
2.8 Å above a 2x2 rectangular graphene cell (16 C, 4.92 x 8.52 Å, 15 Å along z),
the same GPAW level in both runs (PBE-D3(BJ), LCAO ``szp(dzp)``, h = 0.3 Å,
the Gamma point only, dipole layer; graphene held fixed, as the adhesion
flow holds a one-layer substrate):

(a) ``protocol``: :class:`~naspe.workflows.flows.adhesion.protocol.AdhesionProtocolMaker`
    with its defaults (film and interface pre-relaxed with GFN2-xTB, the
    substrate as built) and ``refine_steps`` GPAW steps (0: single points);
(b) ``full``: :class:`~naspe.workflows.flows.adhesion.makers.BaseAdhesionMaker` with a
    GPAW relaxation of each part (BFGS, at most ``--steps``, fmax 0.05 eV/Å).

Each prints W_adh (J/m^2, uncorrected and with counterpoise), the wall time (s) of the call,
the compute time (s) of all its calculations (from their progress files) and the
GPAW steps taken (relaxation steps and single points), and
writes them to ``<workdir>/<mode>.json``. The flows run through ``run_flow`` in
``<workdir>/<mode>`` (rerunning reuses finished jobs: delete it to time again).

Usage::

    nice -n 10 .venv/bin/python benchmarks/bench_adhesion_protocol.py protocol [--refine-steps 0] [--workdir DIR]
    nice -n 10 .venv/bin/python benchmarks/bench_adhesion_protocol.py full [--steps 60] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from ase.build import molecule
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.structures.carbon import graphene

GPAW_LEVEL = {"basis": "szp(dzp)", "grid_spacing_angstrom": 0.3, "kpts": (1, 1, 1), "hirshfeld_charges": False}
GAP_ANGSTROM = 2.8


def dme_on_graphene():
    """The interface (pymatgen Structure) and its substrate atom count."""
    sheet = graphene(repeat=(2, 2), vacuum=4.0)
    sheet.cell[2, 2] = 15.0
    dme = molecule("CH3OCH3")
    heavy = dme.positions[[i for i, s in enumerate(dme.get_chemical_symbols()) if s != "H"]]
    normal = np.cross(heavy[1] - heavy[0], heavy[2] - heavy[0])
    dme.rotate(normal, "z")  # the C-O-C plane parallel to the sheet
    cc = [i for i, s in enumerate(dme.get_chemical_symbols()) if s == "C"]
    dme.rotate(dme.positions[cc[1]] - dme.positions[cc[0]], "y")  # its long axis along the long cell edge
    dme.positions -= dme.positions.mean(axis=0)
    dme.positions += [sheet.cell[0, 0] / 2, sheet.cell[1, 1] / 2, 0.0]
    dme.positions[:, 2] += 4.0 + GAP_ANGSTROM - dme.positions[:, 2].min()
    interface = sheet + dme
    interface.pbc = (True, True, True)
    return AseAtomsAdaptor.get_structure(interface), len(sheet)


def _gpaw_steps(run_dir: Path) -> int:
    from naspe.workflows.dft.progress import PROGRESS_FILE, read_progress

    # a GPAW job leaves gpaw.txt in its folder; every step (or single point) is a line of its progress file
    return sum(
        len(read_progress(p)) for p in run_dir.glob(f"jobs/*/{PROGRESS_FILE}") if (p.parent / "gpaw.txt").exists()
    )


def _compute_seconds(run_dir: Path) -> float:
    """Wall time (s) of every calculation of the run: the last step's elapsed time of each progress file.

    Unlike the wall time of this call, it survives a rerun that reuses finished jobs.
    """
    from naspe.workflows.dft.progress import PROGRESS_FILE, read_progress

    return sum(steps[-1].elapsed_s for p in run_dir.glob(f"jobs/*/{PROGRESS_FILE}") if (steps := read_progress(p)))


def main() -> None:
    from naspe.workflows.dft.gpaw import GpawRelaxMaker
    from naspe.workflows.execution.runner import run_flow
    from naspe.workflows.flows.adhesion.makers import BaseAdhesionMaker

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["protocol", "full"])
    parser.add_argument("--steps", type=int, default=60, help="GPAW steps of each full relaxation")
    parser.add_argument("--refine-steps", type=int, default=0, help="GPAW steps of the protocol (0: single points)")
    parser.add_argument("--workdir", type=Path, default=Path("bench-adhesion-protocol"))
    args = parser.parse_args()
    interface, n_sub = dme_on_graphene()
    if args.mode == "full":
        relax = GpawRelaxMaker(steps=args.steps, optimizer_kwargs={"optimizer": "BFGS"}, **GPAW_LEVEL)
        maker = BaseAdhesionMaker(name="full GPAW", relax_maker=relax)
    else:
        from naspe.workflows.flows.adhesion.protocol import AdhesionProtocolMaker

        maker = AdhesionProtocolMaker(dft_maker=GpawRelaxMaker(**GPAW_LEVEL), refine_steps=args.refine_steps)
    flow = maker.make(interface, n_sub)
    run_dir = args.workdir / args.mode
    t0 = time.perf_counter()
    run = run_flow(flow, run_dir)
    wall = time.perf_counter() - t0
    doc = run.output(flow.jobs[-1])
    if doc is None:
        raise SystemExit(run.failure_message(flow))
    adhesion = doc.get("adhesion", doc)
    out = {
        "mode": args.mode,
        "w_adh_raw_J_m2": adhesion["w_adh_raw_J_m2"],
        "w_adh_cp_J_m2": adhesion["w_adh_cp_J_m2"],
        "bsse_eV": (adhesion["counterpoise"] or {}).get("bsse_eV"),
        "energies_eV": {k: adhesion[f"energy_{k}_eV"] for k in ("substrate", "film", "interface")},
        "wall_s": wall,
        "gpaw_steps": _gpaw_steps(run_dir),
        "compute_s": _compute_seconds(run_dir),
        "args": {**vars(args), "workdir": str(args.workdir)},
    }
    (args.workdir / f"{args.mode}.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
