"""Benchmark: naspe's full transport analysis against MDAnalysis EinsteinMSD on the same dump.

Writes a synthetic LAMMPS run (naspe data file; text dump of the ions with
``xu yu zu``, as naspe's production runs dump them; the system centre of mass
as ``fix ave/time`` writes it), then measures, each in a fresh process:

(a) naspe: read the dump, ion centres of mass, drift removal, D of both
    species, Nernst-Einstein and Einstein-Helfand conductivity, Haven ratio,
    t+, block-averaged errors (``analyze_conductivity``);
(b) MDAnalysis: ``EinsteinMSD(fft=True)`` for the two MSDs only, in one pass
    over the file (Na atoms and the N atom of each FSI as a one-atom stand-in
    for its centre of mass, split by species from ``msds_by_particle``: the
    cheapest way to get both with MDAnalysis), on a ``Universe.empty`` loaded
    with the dump (format LAMMPSDUMP), plus a linear fit per species.

Wall time is measured without tracemalloc; peak Python-heap memory (numpy
arrays included) in a separate run under tracemalloc. MDAnalysis's FFT MSD
needs the ``tidynamics`` package.

Usage::

    .venv/bin/python benchmarks/bench_analysis.py [--pairs 100] [--frames 2000] [--peo 0] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

TEMPERATURE_K = 353.15
INTERVAL_FS = 1000.0  # 500 steps of 2 fs
DUMP_EVERY = 500


def generate(workdir: Path, n_pairs: int, n_frames: int, n_peo: int) -> dict:
    """Write system.data, ions.lammpstrj and com.dat in ``workdir``."""
    from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_com_file, write_dump
    from naspe.structures.synthetic_cell import build_cell

    side = (n_pairs * 2 * 150.0 + n_peo * 400.0) ** (1 / 3)  # ~150 Å^3 per ion
    cell = build_cell(workdir, n_pairs, cell=(side, side, side), n_peo=n_peo, peo_length=10, seed=1)
    rng = np.random.default_rng(1)
    disp = np.zeros((n_frames, cell.n_molecules, 3))
    for name, d in (("Na", 2e-6), ("FSI", 1e-6)):
        mols = cell.molecules(name)
        disp[:, mols] = gaussian_walk(rng, n_frames, mols.size, d, INTERVAL_FS)
    positions = rigid_motion(cell, disp)
    ion_mols = np.r_[cell.molecules("Na"), cell.molecules("FSI")]
    ion_atoms = np.flatnonzero(np.isin(cell.molecule_of_atom, ion_mols))
    steps = np.arange(n_frames) * DUMP_EVERY
    dump = write_dump(workdir / "ions.lammpstrj", cell, positions, steps, atoms=ion_atoms, shuffle=rng)
    masses = cell.topology.masses
    write_com_file(workdir / "com.dat", steps, np.einsum("fij,i->fj", positions, masses) / masses.sum())
    labels = cell.topology.type_labels[ion_atoms]
    # dump rows are sorted by atom id in MDAnalysis: indices of Na atoms and FSI nitrogens among ion atoms
    selection = {"Na": np.flatnonzero(labels == "Na").tolist(), "FSI": np.flatnonzero(labels == "NBT").tolist()}
    (workdir / "selection.json").write_text(json.dumps(selection))
    return {
        "atoms_in_data_file": int(cell.topology.n_atoms),
        "atoms_in_dump": int(ion_atoms.size),
        "ions": int(ion_mols.size),
        "frames": n_frames,
        "dump_MB": dump.stat().st_size / 1e6,
    }


def run_naspe(workdir: Path) -> dict:
    """The full naspe analysis."""
    from naspe.analysis.transport_files import analyze_conductivity

    result = analyze_conductivity(
        workdir / "ions.lammpstrj",
        workdir / "system.data",
        TEMPERATURE_K,
        timestep_fs=2.0,
        com_file=workdir / "com.dat",
    )
    return {
        "D_cm2_s": {k: v.value for k, v in result.diffusion_cm2_s.items()},
        "sigma_ne_S_cm": result.sigma_ne_S_cm.value,
        "sigma_eh_S_cm": result.sigma_eh_S_cm.value,
    }


def run_mdanalysis(workdir: Path) -> dict:
    """One EinsteinMSD(fft=True) pass over both species (MDAnalysis's cheapest way), D per species."""
    import warnings

    import MDAnalysis as mda
    from MDAnalysis.analysis.msd import EinsteinMSD

    selection = json.loads((workdir / "selection.json").read_text())
    n_atoms = len(selection["Na"]) + 9 * len(selection["FSI"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        universe = mda.Universe.empty(n_atoms, trajectory=False)
        # the LAMMPSDUMP reader's time is step * dt: dt is the MD time step (ps)
        universe.load_new(str(workdir / "ions.lammpstrj"), format="LAMMPSDUMP", dt=0.002)
    both = selection["Na"] + selection["FSI"]
    msd = EinsteinMSD(universe.atoms[both], select="all", msd_type="xyz", fft=True).run()
    lag = msd.results.delta_t_values
    window = slice(lag.size // 100, lag.size // 10)  # the window naspe uses (5-50 % of a fifth of the run)
    out = {}
    columns = {"Na": slice(0, len(selection["Na"])), "FSI": slice(len(selection["Na"]), len(both))}
    for name, cols in columns.items():
        timeseries = msd.results.msds_by_particle[:, cols].mean(axis=1)
        slope = np.polyfit(lag[window], timeseries[window], 1)[0]  # Å^2/ps
        out[name] = slope / 6.0 * 1e-4  # cm^2/s
    return {"D_cm2_s": out}


def child(kind: str, workdir: Path, memory: bool) -> None:
    """Run one measurement and print it as JSON (imports are done before timing)."""
    import MDAnalysis  # noqa: F401

    import naspe.analysis.transport  # noqa: F401

    work = run_naspe if kind == "naspe" else run_mdanalysis
    if memory:
        tracemalloc.start()
        numbers = work(workdir)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(json.dumps({"peak_MB": peak / 1e6, **numbers}))
    else:
        start = time.perf_counter()
        numbers = work(workdir)
        print(json.dumps({"seconds": time.perf_counter() - start, **numbers}))


def measure(kind: str, workdir: Path, memory: bool) -> dict:
    """Run :func:`child` in a fresh interpreter."""
    args = [sys.executable, __file__, "--child", kind, "--workdir", str(workdir)] + (["--memory"] if memory else [])
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Generate the data, measure both tools, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100, help="Na+ FSI- pairs (default 100: 200 ions, 1000 atoms)")
    parser.add_argument("--frames", type=int, default=2000)
    parser.add_argument("--peo", type=int, default=0, help="neutral PEO 10-mers in the data file (not dumped)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--child", choices=["naspe", "mdanalysis"], help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workdir, args.memory)
        return
    try:
        import tidynamics  # noqa: F401
    except ImportError:
        raise SystemExit(
            "MDAnalysis EinsteinMSD(fft=True) needs tidynamics: .venv/bin/pip install tidynamics"
        ) from None
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        info = generate(workdir, args.pairs, args.frames, args.peo)
        print(f"synthetic run: {json.dumps(info)} (written in {time.perf_counter() - start:.1f} s)")
        rows = {
            kind: {**measure(kind, workdir, False), **measure(kind, workdir, True)} for kind in ("naspe", "mdanalysis")
        }
    a, b = rows["naspe"], rows["mdanalysis"]
    print(f"naspe full analysis (D x2, NE, EH, blocks): {a['seconds']:.2f} s, peak {a['peak_MB']:.1f} MB")
    print(f"MDAnalysis EinsteinMSD(fft=True), 2 MSDs:     {b['seconds']:.2f} s, peak {b['peak_MB']:.1f} MB")
    print(f"ratio naspe/MDAnalysis: time {a['seconds'] / b['seconds']:.2f}, memory {a['peak_MB'] / b['peak_MB']:.2f}")
    print(f"D (cm^2/s) naspe {a['D_cm2_s']}  MDAnalysis {b['D_cm2_s']}  (set: Na 2e-6, FSI 1e-6)")


if __name__ == "__main__":
    main()
