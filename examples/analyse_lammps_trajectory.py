"""Conductivity of an existing LAMMPS run, without running anything else of naspe.

Give the run's ion dump (unwrapped ``xu yu zu``, or image flags), its data file
and its temperature; naspe finds the ions, removes the centre-of-mass drift and
prints D per species, the Nernst-Einstein and Einstein-Helfand conductivities
with block-average errors, and the Haven ratio.

Usage::

    python examples/analyse_lammps_trajectory.py RUN.lammpstrj SYSTEM.data 353.15 [--timestep-fs 2]
    python examples/analyse_lammps_trajectory.py --synthetic DIR   # writes and analyses a random walk
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from naspe.analysis.transport_files import analyze_conductivity


def synthetic_run(directory: Path) -> tuple[Path, Path]:
    """A 200-frame random walk of 50 Na+ (D = 1e-5 cm^2/s) and 50 FSI- (5e-6 cm^2/s) in a LAMMPS dump."""
    from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_dump
    from naspe.structures.synthetic_cell import build_cell

    directory.mkdir(parents=True, exist_ok=True)
    cell = build_cell(directory, 50, cell=(30.0, 30.0, 30.0), seed=1)
    rng = np.random.default_rng(1)
    disp = np.zeros((200, cell.n_molecules, 3))
    for name, d in (("Na", 1e-5), ("FSI", 5e-6)):
        mols = cell.molecules(name)
        disp[:, mols] = gaussian_walk(rng, 200, mols.size, d, 1000.0)
    dump = write_dump(directory / "ions.lammpstrj", cell, rigid_motion(cell, disp), np.arange(200) * 500)
    return dump, cell.data_path


def main() -> None:
    """Analyse and print the transport coefficients."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trajectory", nargs="?", type=Path)
    parser.add_argument("data_file", nargs="?", type=Path)
    parser.add_argument("temperature_K", nargs="?", type=float, default=353.15)
    parser.add_argument("--timestep-fs", type=float, default=2.0)
    parser.add_argument("--synthetic", type=Path, help="write a synthetic run into this directory and analyse it")
    args = parser.parse_args()
    if args.synthetic is not None:
        args.trajectory, args.data_file = synthetic_run(args.synthetic)
    if args.trajectory is None or args.data_file is None:
        parser.error("give TRAJECTORY and DATA_FILE, or --synthetic DIR")

    result = analyze_conductivity(args.trajectory, args.data_file, args.temperature_K, timestep_fs=args.timestep_fs)
    for species, d in result.diffusion_cm2_s.items():
        print(f"D({species}) = {d.value:.3e} ± {d.stderr:.1e} cm^2/s")
    print(f"sigma_NE = {result.sigma_ne_S_cm.value:.3e} ± {result.sigma_ne_S_cm.stderr:.1e} S/cm")
    print(f"sigma_EH = {result.sigma_eh_S_cm.value:.3e} ± {result.sigma_eh_S_cm.stderr:.1e} S/cm")
    print(f"Haven ratio = {result.haven_ratio.value:.2f}; diffusive window {result.fit_window_ps} ps")
    for warning in result.warnings:
        print(f"warning: {warning}")


if __name__ == "__main__":
    main()
