"""The jobs of the MD validation cases: build a cell, turn an NPT run into a density document.

:func:`build_cell` writes the LAMMPS inputs of a naspe electrolyte cell (a
:class:`~naspe.structures.glyme.GlymeElectrolyte` or a
:class:`~naspe.structures.electrolyte.PolymerElectrolyte`) in its job directory;
:func:`density_document` reads the NPT stage's ``thermo.dat`` and compares the
mean density of its second half (g/cm³, with a block-average standard error over
five blocks) with the case's reference. The wall time of a case is the sum of its
LAMMPS stages' wall times (s); the build is not counted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from jobflow import job

from naspe.structures.electrolyte import PolymerElectrolyte
from naspe.structures.glyme import GlymeElectrolyte
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.md.outputs import read_thermo
from naspe.workflows.validation.documents import ValidationDocument

__all__ = ["build_cell", "checked_build", "density_document", "CELL_KINDS", "block_mean"]

#: cell kinds :func:`build_cell` takes, and their builders
CELL_KINDS = {"glyme": GlymeElectrolyte, "peo": PolymerElectrolyte}


@job
def build_cell(kind: str, params: dict, ion_charge_scaling: float | None = None) -> str:
    """Build the ``kind`` cell (``glyme`` or ``peo``) from ``params`` and write its LAMMPS files here.

    ``ion_charge_scaling`` multiplies the ions' partial charges (the force field's default when None).
    """
    if kind not in CELL_KINDS:
        raise ValueError(f"cell kind {kind!r}: allowed are {', '.join(CELL_KINDS)}")
    atoms = CELL_KINDS[kind](**params).build()
    LammpsSystemWriter(ion_charge_scaling=ion_charge_scaling).get_system(atoms).write(Path.cwd())
    return str(Path.cwd().resolve())


def checked_build(case: str, kind: str, params: dict, ion_charge_scaling: float | None = None):
    """The ``{case} build`` job of a ``kind`` cell, after refusing a bad kind or composition (before any job).

    Raises
    ------
    ValueError
        ``kind`` not in :data:`CELL_KINDS`, parameters the builder refuses, or an ion charge
        scaling outside (0, 1].
    """
    if kind not in CELL_KINDS:
        raise ValueError(f"kind={kind!r}: allowed are {', '.join(CELL_KINDS)}")
    CELL_KINDS[kind](**params)  # the builder checks the composition without building
    if ion_charge_scaling is not None and not 0.0 < ion_charge_scaling <= 1.0:
        raise ValueError(f"ion_charge_scaling={ion_charge_scaling}: must be in (0, 1] (1 = formal charges)")
    build = build_cell(kind, dict(params), ion_charge_scaling)
    build.name = f"{case} build"
    return build


def block_mean(values: np.ndarray, n_blocks: int = 5) -> tuple[float, float | None]:
    """Mean of ``values`` and its block-average standard error (None with fewer values than blocks)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < n_blocks:
        return mean, None
    blocks = np.array([b.mean() for b in np.array_split(values, n_blocks)])
    return mean, float(blocks.std(ddof=1) / np.sqrt(n_blocks))


@job(output_schema=ValidationDocument)
def density_document(
    case: str,
    npt_dir: str,
    wall_times_s: list[float],
    ranks: int | None = None,
    lammps_version: int | None = None,
    start_density_g_cm3: float | None = None,
) -> ValidationDocument:
    """The density (g/cm³) of the second half of the NPT run in ``npt_dir`` against the case's reference."""
    from naspe.workflows.validation.registry import get_case

    thermo = read_thermo(Path(npt_dir) / "thermo.dat")
    rho = thermo["density_g_cm3"]
    if len(rho) < 2:
        return ValidationDocument.not_run(get_case("md", case), f"the NPT run in {npt_dir} wrote no density")
    half = len(rho) // 2
    mean, err = block_mean(rho[half:])
    step_fs = float(np.median(np.diff(thermo["step"]))) if len(rho) > 1 else 0.0
    return ValidationDocument.from_computed(
        get_case("md", case),
        mean,
        uncertainty=err,
        convergence=f"NPT mean over the second half ({len(rho) - half} thermo points); uncertainty: standard "
        "error of 5 block averages",
        wall_time_s=float(sum(t for t in wall_times_s if t is not None)),
        engine="lammps",
        engine_version=None if lammps_version is None else str(lammps_version),
        ranks=ranks,
        details={
            "start_density_g_cm3": start_density_g_cm3,
            "first_half_density_g_cm3": float(rho[:half].mean()),
            "last_density_g_cm3": float(rho[-1]),
            "thermo_interval_steps": step_fs,
            "mean_temperature_K": float(thermo["temperature_K"][half:].mean()),
        },
    )
