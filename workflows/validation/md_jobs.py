"""The jobs of the MD validation cases: build a cell, turn an NPT run into a density document.

:func:`build_cell` writes the LAMMPS inputs of a naspe electrolyte cell (a
:class:`~naspe.structures.glyme.GlymeElectrolyte` or a
:class:`~naspe.structures.electrolyte.PolymerElectrolyte`) in its job directory;
:func:`density_document` reads the NPT stage's ``thermo.dat`` and compares the
mean density of its second half (g/cm³, with a block-average standard error over
five blocks) with the case's reference. The wall time of a case is the sum of its
LAMMPS stages' wall times (s); the build is not counted.

A cell is written with the fixed-charge force field or, with ``model="clpol"``, with the
polarisable CL&Pol model; :func:`clpol_refusal` says, before anything is built, why a cell
cannot be polarised (a fragment pair whose LJ scaling needs a dimer distance that CL&Pol's
``fragment.ff`` does not give).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from jobflow import Maker, job

from naspe.structures.electrolyte import PolymerElectrolyte
from naspe.structures.forcefield.drude import default_clpol
from naspe.structures.glyme import GlymeElectrolyte
from naspe.structures.ions import SALTS
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.md.inputs import MODELS, LammpsInputGenerator, StageSpec
from naspe.workflows.md.jobs import LammpsStageMaker
from naspe.workflows.md.outputs import read_thermo
from naspe.workflows.validation.documents import ValidationDocument

__all__ = [
    "build_cell",
    "checked_build",
    "clpol_refusal",
    "density_document",
    "CellCaseMaker",
    "CELL_KINDS",
    "block_mean",
]

#: cell kinds :func:`build_cell` takes, and their builders
CELL_KINDS = {"glyme": GlymeElectrolyte, "peo": PolymerElectrolyte}


@job
def build_cell(kind: str, params: dict, ion_charge_scaling: float | None = None, model: str = "fixed") -> str:
    """Build the ``kind`` cell (``glyme`` or ``peo``) from ``params`` and write its LAMMPS files here.

    ``ion_charge_scaling`` multiplies the ions' partial charges (the model's default when None: the
    force field's for ``fixed``, 1 for ``clpol``); ``model`` is the writer's
    (:class:`~naspe.structures.lammps_data.LammpsSystemWriter`).
    """
    if kind not in CELL_KINDS:
        raise ValueError(f"cell kind {kind!r}: allowed are {', '.join(CELL_KINDS)}")
    atoms = CELL_KINDS[kind](**params).build()
    LammpsSystemWriter(ion_charge_scaling=ion_charge_scaling, model=model).get_system(atoms).write(Path.cwd())
    return str(Path.cwd().resolve())


def clpol_refusal(kind: str, params: dict) -> str | None:
    """Why the ``kind`` cell of ``params`` cannot be written with CL&Pol (one line), or None when it can.

    The cell's molecules are its solvent (the ether fragment) and its salt's ions; a fragment pair
    whose k_ij needs a dimer distance r_COM that the CL&Pol parameters lack refuses the cell (every
    TFSI- cell: CL&Pol's ``fragment.ff`` has no Li-, Na- or ether-ntf2 dimer).
    """
    salt = getattr(CELL_KINDS[kind](**params), "salt", None)  # the builder's default when params name none
    molecules = [kind, *(SALTS[salt] if salt in SALTS else ())]
    clpol = default_clpol()
    missing = clpol.missing_dimers(molecules)
    if not missing:
        return None
    pairs = ", ".join(f"{a}-{b}" for a, b in missing)
    return (
        f"CL&Pol cannot build this {salt or kind} cell: fragment.ff (github.com/paduagroup/clandpol "
        f"{clpol.commit[:7]}) has no r_COM for the {pairs} dimer(s) its k_ij LJ scaling needs"
    )


def checked_build(case: str, kind: str, params: dict, ion_charge_scaling: float | None = None, model: str = "fixed"):
    """The ``{case} build`` job of a ``kind`` cell, after refusing a bad kind or composition (before any job).

    ``model`` is the cell's force-field model (``fixed`` or ``clpol``); the fixed-charge job is made
    exactly as before the model existed (same arguments, so the same job).

    Raises
    ------
    ValueError
        ``kind`` not in :data:`CELL_KINDS`, parameters the builder refuses, an ion charge
        scaling outside (0, 1], an unknown model, or a cell the model cannot build (:func:`clpol_refusal`).
    """
    if kind not in CELL_KINDS:
        raise ValueError(f"kind={kind!r}: allowed are {', '.join(CELL_KINDS)}")
    CELL_KINDS[kind](**params)  # the builder checks the composition without building
    if ion_charge_scaling is not None and not 0.0 < ion_charge_scaling <= 1.0:
        raise ValueError(f"ion_charge_scaling={ion_charge_scaling}: must be in (0, 1] (1 = formal charges)")
    if model not in MODELS:
        raise ValueError(f"model={model!r}: allowed are {', '.join(MODELS)}")
    reason = clpol_refusal(kind, params) if model == "clpol" else None
    if reason is not None:
        raise ValueError(f"case {case}: {reason}")
    if model == MODELS[0]:  # the arguments of the fixed-charge job are those it always had
        build = build_cell(kind, dict(params), ion_charge_scaling)
    else:
        build = build_cell(kind, dict(params), ion_charge_scaling, model=model)
    build.name = f"{case} build"
    return build


@dataclass
class CellCaseMaker(Maker):
    """An MD validation case on one cell: the cell, and the NPT that finds its density.

    Subclasses make the case's Flow; :meth:`equilibrated` gives its first three jobs.

    Parameters
    ----------
    name
        Flow name.
    case
        The validation case this Flow answers.
    kind
        Cell builder (:data:`CELL_KINDS`): ``glyme`` (:class:`~naspe.structures.glyme.GlymeElectrolyte`)
        or ``peo`` (:class:`~naspe.structures.electrolyte.PolymerElectrolyte`).
    params
        The builder's parameters (its ``density_g_cm3`` is the start density).
    temperature_K
        Temperature (K) of the NPT (1 atm) and of what follows it.
    npt_ps
        NPT length (ps).
    minimize_steps
        Minimiser iterations before the NPT.
    input_generator
        LAMMPS input choices (2 fs with SHAKE by default); its ``model`` (``fixed``, ``clpol``) is also the
        cell's.
    ranks
        MPI ranks of the LAMMPS stages (settings default when None).
    """

    name: str = "validation cell"
    case: str = "g1-density"
    kind: str = "glyme"
    params: dict = field(default_factory=dict)
    temperature_K: float = 298.15
    npt_ps: float = 200.0
    minimize_steps: int = 500
    input_generator: LammpsInputGenerator = field(default_factory=LammpsInputGenerator)
    ranks: int | None = None

    def equilibrated(
        self,
        input_generator: LammpsInputGenerator | None = None,
        ion_charge_scaling: float | None = None,
        seed: int = 12345,
    ) -> list:
        """The case's ``build``, ``minimize`` and ``npt`` jobs: its density found by NPT at 1 atm.

        The cell is built for the generator's force-field model (:func:`checked_build`; the
        Maker's ``input_generator`` when None), minimised, then run ``npt_ps`` (ps) of NPT at
        ``temperature_K`` (K) from velocities drawn with ``seed``; each job's output feeds the next.
        """
        gen = self.input_generator if input_generator is None else input_generator
        build = checked_build(self.case, self.kind, self.params, ion_charge_scaling, gen.model)
        minimize = LammpsStageMaker(
            f"{self.case} minimize", StageSpec("minimize", self.minimize_steps), gen, self.ranks
        ).make(build.output)
        steps = max(1, round(self.npt_ps * 1000.0 / gen.timestep_fs))
        npt = LammpsStageMaker(
            f"{self.case} npt",
            StageSpec("npt", steps, self.temperature_K, create_velocities=True, seed=seed),
            gen,
            self.ranks,
        ).make(minimize.output.dir_name)
        return [build, minimize, npt]


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
