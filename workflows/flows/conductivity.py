"""Ionic conductivity of a polymer electrolyte from MD across temperatures.

:class:`ConductivityMaker` turns an electrolyte cell (a naspe data directory, or
the parameters of a :class:`~naspe.structures.electrolyte.PolymerElectrolyte`)
into a Flow:

``build`` (optional) -> ``minimize`` -> ``anneal`` (heat, hold, cool) ->
for each temperature and replica: ``npt`` (new velocities, replica seed) ->
``production`` (NVT, ion dumps) -> ``transport analysis`` ->
``summary`` (Arrhenius and VTF fits, figure).

The temperatures fan out as independent branches: one failing temperature
stops only its own analysis; the summary fits what finished.

Physics caveat carried into every summary: below ~65 °C real PEO is partly
crystalline, and an amorphous cell is comparable with experiment only at 60 °C
and above; short runs (the ``quick`` preset) do not reach the diffusive regime of
PEO and prove the pipeline, not the numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from jobflow import Flow, Maker, job
from jobflow.core.job import JobConfig, OnMissing

from naspe.analysis.arrhenius import plot_arrhenius
from naspe.analysis.transport import analyze_conductivity
from naspe.analysis.transport_result import TransportResult
from naspe.structures.electrolyte import PolymerElectrolyte
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.flows.conductivity_documents import ConductivitySummary, finished_results
from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
from naspe.workflows.md.jobs import SYSTEM_META, LammpsStageMaker

__all__ = [
    "ConductivityMaker",
    "CONDUCTIVITY_PRESETS",
    "build_electrolyte",
    "analyze_transport",
    "summarize_conductivity",
]

#: stage lengths per preset: ps, except minimize (iterations) and dump intervals (fs)
CONDUCTIVITY_PRESETS: dict[str, dict] = {
    "quick": dict(anneal_ps=4.0, equilibration_ps=4.0, production_ps=20.0, ion_dump_fs=100.0, replicas=1),
    "standard": dict(anneal_ps=200.0, equilibration_ps=1000.0, production_ps=10000.0, ion_dump_fs=1000.0, replicas=1),
    "production": dict(
        anneal_ps=1000.0, equilibration_ps=2000.0, production_ps=100000.0, ion_dump_fs=2000.0, replicas=3
    ),
}
T_MIN_K, T_MAX_K = 250.0, 450.0  # range the OPLS-AA/CL&P model of PEO-salt melts is meant for


@job
def build_electrolyte(params: dict, ion_charge_scaling: float | None = None) -> str:
    """Build a PolymerElectrolyte from ``params`` and write its LAMMPS files here; return the directory."""
    atoms = PolymerElectrolyte(**params).build()
    LammpsSystemWriter(ion_charge_scaling=ion_charge_scaling).get_system(atoms).write(Path.cwd())
    return str(Path.cwd().resolve())


@job(output_schema=TransportResult)
def analyze_transport(
    dir_name: str, temperature_K: float, timestep_fs: float, replica: int = 0, block_count: int = 5
) -> TransportResult:
    """Diffusion coefficients and conductivities of one production run (reads its ion dump).

    Parameters
    ----------
    dir_name
        Directory of the production run (``ions.lammpstrj``, ``final.data``, ``com.dat``).
    temperature_K
        Temperature of the run (K).
    timestep_fs
        MD time step (fs).
    replica
        Replica number at this temperature, recorded in the result's ``replica`` field.
    block_count
        Blocks of the block-average standard errors.
    """
    run = Path(dir_name)
    meta = json.loads((run / SYSTEM_META).read_text())
    result = analyze_conductivity(
        run / "ions.lammpstrj",
        run / "final.data",
        temperature_K,
        timestep_fs=timestep_fs,
        com_file=run / "com.dat",
        charge_scaling=meta["ion_charge_scaling"],
        n_blocks=block_count,
    )
    return result.model_copy(update={"replica": replica})


@job(output_schema=ConductivitySummary, config=JobConfig(on_missing_references=OnMissing.NONE))
def summarize_conductivity(results: list, figure: bool = True) -> ConductivitySummary:
    """Arrhenius and VTF fits over the finished temperatures, with the figure (conductivity.png) here.

    ``results`` holds one :class:`TransportResult` (or its dict) per temperature and replica,
    None for an analysis that did not finish.
    """
    summary = ConductivitySummary.from_results(results)
    if figure and summary.points:
        path = Path.cwd() / "conductivity.png"
        plot_arrhenius(finished_results(results), path)
        summary = summary.model_copy(update={"figure": str(path.resolve())})
    return summary


@dataclass
class ConductivityMaker(Maker):
    """Conductivity of an electrolyte cell from MD over a temperature list.

    Parameters
    ----------
    name
        Flow name.
    temperatures_C
        Temperatures (°C) of the fan-out; default 30-80 °C in 10 °C steps.
    replicas
        Independent production runs per temperature (different velocity seeds).
    minimize_steps
        Minimiser iterations before the anneal.
    anneal_ps, anneal_high_K
        Length (ps) and peak temperature (K) of the heat-hold-cool anneal.
    equilibration_ps
        NPT equilibration (ps) at each temperature.
    production_ps
        NVT production (ps) at each temperature.
    ion_dump_fs
        Interval (fs) of the unwrapped ion coordinates written for the analysis.
    input_generator
        LAMMPS input choices (time step, SHAKE, ...).
    ranks
        MPI ranks per MD job (settings default when None).
    seed
        Base seed of the velocity draws; replica k of temperature i uses seed + 1000 i + k.
    """

    name: str = "conductivity"
    temperatures_C: tuple[float, ...] = (30.0, 40.0, 50.0, 60.0, 70.0, 80.0)
    replicas: int = 1
    minimize_steps: int = 2000
    anneal_ps: float = 4.0
    anneal_high_K: float = 600.0
    equilibration_ps: float = 4.0
    production_ps: float = 20.0
    ion_dump_fs: float = 100.0
    input_generator: LammpsInputGenerator = field(default_factory=LammpsInputGenerator)
    ranks: int | None = None
    seed: int = 2019

    def __post_init__(self) -> None:
        if not self.temperatures_C:
            raise ValueError("temperatures_C is empty: give at least one temperature (°C)")
        for t in self.temperatures_C:
            if not T_MIN_K <= t + 273.15 <= T_MAX_K:
                raise ValueError(
                    f"temperature {t} °C is outside {T_MIN_K - 273.15:.0f}-{T_MAX_K - 273.15:.0f} °C, "
                    "the range this polymer-electrolyte force field is meant for"
                )
        if not isinstance(self.replicas, int) or self.replicas < 1:
            raise ValueError(f"replicas={self.replicas!r}: must be an integer >= 1")
        for name in ("anneal_ps", "equilibration_ps", "production_ps", "ion_dump_fs"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name}={getattr(self, name)}: must be > 0")
        if self.ion_dump_fs < self.input_generator.timestep_fs:
            raise ValueError(
                f"ion_dump_fs={self.ion_dump_fs} is shorter than the time step {self.input_generator.timestep_fs} fs"
            )

    @classmethod
    def from_preset(cls, preset: str, **overrides) -> ConductivityMaker:
        """A maker with the stage lengths of ``preset`` (quick, standard, production), then ``overrides``."""
        if preset not in CONDUCTIVITY_PRESETS:
            raise ValueError(f"preset {preset!r}: allowed are {sorted(CONDUCTIVITY_PRESETS)}")
        return cls(**(CONDUCTIVITY_PRESETS[preset] | overrides))

    def _steps(self, ps: float) -> int:
        return max(1, round(ps * 1000.0 / self.input_generator.timestep_fs))

    def make(self, structure: str | dict) -> Flow:
        """The Flow for ``structure``: a naspe data directory, or PolymerElectrolyte parameters."""
        jobs = []
        if isinstance(structure, dict):
            build = build_electrolyte(structure)
            build.name = "build electrolyte"
            jobs.append(build)
            start = build.output
        else:
            if not (Path(structure) / "system.data").exists():
                raise FileNotFoundError(f"{structure}/system.data not found: give a directory written by naspe")
            start = str(Path(structure).resolve())
        gen = self.input_generator
        dump_every = max(1, round(self.ion_dump_fs / gen.timestep_fs))
        prod_gen = gen.updated(ion_dump_every=dump_every)
        t_ref = min(self.temperatures_C) + 273.15
        minimize = LammpsStageMaker("minimize", StageSpec("minimize", self.minimize_steps), gen, self.ranks).make(start)
        anneal = LammpsStageMaker(
            "anneal",
            StageSpec(
                "anneal",
                self._steps(self.anneal_ps),
                t_ref,
                anneal_high_K=self.anneal_high_K,
                create_velocities=True,
                seed=self.seed,
            ),
            gen,
            self.ranks,
        ).make(minimize.output.dir_name)
        jobs += [minimize, anneal]
        analyses = []
        for i, t_c in enumerate(self.temperatures_C):
            temp = t_c + 273.15
            for k in range(self.replicas):
                seed = self.seed + 1000 * i + k
                label = f"{t_c:g}C r{k}"
                npt = LammpsStageMaker(
                    f"npt {label}",
                    StageSpec("npt", self._steps(self.equilibration_ps), temp, create_velocities=True, seed=seed),
                    gen,
                    self.ranks,
                ).make(anneal.output.dir_name)
                prod = LammpsStageMaker(
                    f"production {label}",
                    StageSpec("production", self._steps(self.production_ps), temp),
                    prod_gen,
                    self.ranks,
                ).make(npt.output.dir_name)
                analysis = analyze_transport(prod.output.dir_name, temp, prod.output.timestep_fs, replica=k)
                analysis.name = f"transport {label}"
                jobs += [npt, prod, analysis]
                analyses.append(analysis.output)
        summary = summarize_conductivity(analyses)
        summary.name = "conductivity summary"
        jobs.append(summary)
        return Flow(jobs, output=summary.output, name=self.name)
