"""Ionic conductivity of a polymer electrolyte from MD across temperatures.

:class:`ConductivityMaker` turns an electrolyte cell (a naspe data directory, or
the parameters of a :class:`~naspe.structures.electrolyte.PolymerElectrolyte`)
into a Flow:

``build`` (optional) -> ``minimize`` -> ``anneal`` (heat, hold, cool) ->
for each temperature: per replica ``npt`` in segments until density and potential energy
plateau, or a budget (:mod:`naspe.workflows.md.equilibration`; new velocities, replica
seed) -> per replica a first ``production`` segment (NVT at the mean equilibrated
volume, ion dumps) -> ``adaptive production`` (:mod:`naspe.workflows.flows.conductivity.adaptive`):
the replicas analysed and combined between segments, more segments until the MSDs are
diffusive and sigma's relative error is at most ``error_target``, or the budget ->
per replica its ``transport`` result -> ``summary`` (Arrhenius and VTF fits, figure).
The presets (:data:`CONDUCTIVITY_PRESETS`) are budgets and a target, not run lengths.

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

from jobflow import Flow, Maker, OutputReference, job
from jobflow.core.job import JobConfig, OnMissing

from naspe.analysis.arrhenius import plot_arrhenius
from naspe.analysis.transport import MIN_FRAMES_PER_BLOCK
from naspe.analysis.transport_files import analyze_conductivity
from naspe.analysis.transport_result import TransportResult
from naspe.structures.electrolyte import PolymerElectrolyte
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.flows.conductivity.adaptive import AdaptiveProductionMaker, replica_transport
from naspe.workflows.flows.conductivity.schemas import ConductivitySummary, ProductionOutcome, finished_results
from naspe.workflows.md.equilibration import NptEquilibrationMaker
from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
from naspe.workflows.md.jobs import SYSTEM_META, LammpsStageMaker

__all__ = [
    "ConductivityMaker",
    "CONDUCTIVITY_PRESETS",
    "build_electrolyte",
    "analyze_transport",
    "summarize_conductivity",
]

#: per preset: anneal length (ps), NPT and production segments and budgets (ps), the error target, dump interval (fs)
CONDUCTIVITY_PRESETS: dict[str, dict] = {
    "quick": dict(
        anneal_ps=4.0,
        npt_segment_ps=2.0,
        npt_budget_ps=8.0,
        production_segment_ps=10.0,
        production_budget_ps=20.0,
        error_target=0.2,
        ion_dump_fs=100.0,
        replicas=1,
    ),
    "standard": dict(
        anneal_ps=200.0,
        npt_segment_ps=250.0,
        npt_budget_ps=2000.0,
        production_segment_ps=2000.0,
        production_budget_ps=50000.0,
        max_segment_ps=10000.0,
        error_target=0.2,
        ion_dump_fs=1000.0,
        replicas=1,
    ),
    "production": dict(
        anneal_ps=1000.0,
        npt_segment_ps=500.0,
        npt_budget_ps=5000.0,
        production_segment_ps=5000.0,
        production_budget_ps=200000.0,
        max_segment_ps=20000.0,
        error_target=0.2,
        ion_dump_fs=2000.0,
        replicas=3,
    ),
}
#: fewest NPT thermo samples per segment (the thermo interval of the NPT is shortened to give them)
NPT_SAMPLES_PER_SEGMENT = 40
T_MIN_K, T_MAX_K = 250.0, 450.0  # range the OPLS-AA/CL&P model of PEO-salt melts is meant for


@job
def build_electrolyte(params: dict, ion_charge_scaling: float | None = None, model: str = "fixed") -> str:
    """Build a PolymerElectrolyte from ``params`` and write its LAMMPS files here; return the directory.

    ``model``: the force-field model of :class:`~naspe.structures.lammps_data.LammpsSystemWriter`.
    """
    atoms = PolymerElectrolyte(**params).build()
    LammpsSystemWriter(ion_charge_scaling=ion_charge_scaling, model=model).get_system(atoms).write(Path.cwd())
    return str(Path.cwd().resolve())


@job(output_schema=TransportResult)
def analyze_transport(
    dir_name: str, temperature_K: float, timestep_fs: float, replica: int = 0, block_count: int = 5
) -> TransportResult:
    """Diffusion coefficients and conductivities of one production run (reads its ion dump).

    Parameters
    ----------
    dir_name
        Directory of the production run (``ions.lammpstrj``, ``final.data``, ``com.dat`` and, where the stage
        wrote it, ``pressure.dat``: the Green-Kubo viscosity and the Yeh-Hummer corrected D's).
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
    pressure = run / "pressure.dat"  # the Green-Kubo viscosity of the run: its Yeh-Hummer corrected D's
    result = analyze_conductivity(
        run / "ions.lammpstrj",
        run / "final.data",
        temperature_K,
        timestep_fs=timestep_fs,
        com_file=run / "com.dat",
        charge_scaling=meta["ion_charge_scaling"],
        n_blocks=block_count,
        pressure_file=pressure if pressure.exists() else None,
        viscosity_required=False,  # a short production's stress: raw D's, with a warning that says why
    )
    return result.model_copy(update={"replica": replica})


@job(output_schema=ConductivitySummary, config=JobConfig(on_missing_references=OnMissing.NONE))
def summarize_conductivity(results: list, figure: bool = True, productions: list | None = None) -> ConductivitySummary:
    """Arrhenius and VTF fits over the finished temperatures, with the figure (conductivity.png) here.

    ``results`` holds one :class:`TransportResult` (or its dict) per temperature and replica,
    None for an analysis that did not finish; ``productions`` the adaptive production
    documents (or dicts, None for one that did not finish), whose outcomes the summary lists.
    """
    summary = ConductivitySummary.from_results(results)
    if productions:
        outcomes = [ProductionOutcome.from_document(d) for d in productions if d is not None]
        summary = summary.model_copy(update={"productions": outcomes})
    if figure and summary.points:
        path = Path.cwd() / "conductivity.png"
        plot_arrhenius(finished_results(results), path)
        summary = summary.model_copy(update={"figure": str(path.resolve())})
    return summary


@dataclass
class ConductivityMaker(Maker):
    """Conductivity of an electrolyte cell from MD over a temperature list, with adaptive run lengths.

    Parameters
    ----------
    name
        Flow name.
    temperatures_C
        Temperatures (°C) of the fan-out; default 30-80 °C in 10 °C steps.
    replicas
        Independent replicas per temperature (own NPT, own velocity seed), run in parallel and combined.
    minimize_steps
        Minimiser iterations before the anneal.
    anneal_ps, anneal_high_K
        Length (ps) and peak temperature (K) of the heat-hold-cool anneal.
    npt_segment_ps, npt_budget_ps
        NPT segment length and most NPT time (ps) per replica: NPT goes on in segments until
        density and potential energy plateau (:mod:`naspe.workflows.md.equilibration`) or the budget.
    production_segment_ps, production_budget_ps
        First (and shortest) production segment and most production time (ps) per replica.
    max_segment_ps
        Longest production segment (ps; a block's wall time); None: no limit.
    error_target
        Relative standard error of ``target_quantity`` at which the production stops (0.2 = 20 %),
        once the MSDs are diffusive (:mod:`naspe.workflows.flows.conductivity.adaptive`).
    target_quantity
        ``"sigma_eh_S_cm"`` (Einstein-Helfand) or ``"sigma_ne_S_cm"`` (Nernst-Einstein).
    block_count
        Blocks of the block-average standard errors of each replica.
    slope_tolerance
        Largest ``|d ln MSD / d ln t - 1|`` of a diffusive fit window (:mod:`naspe.analysis.regime`).
    ion_dump_fs
        Interval (fs) of the unwrapped ion coordinates written for the analysis.
    input_generator
        LAMMPS input choices (time step, SHAKE, ...); its ``model`` (``fixed``, ``clpol``) is also that of
        the cell built from PolymerElectrolyte parameters.
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
    npt_segment_ps: float = 2.0
    npt_budget_ps: float = 8.0
    production_segment_ps: float = 10.0
    production_budget_ps: float = 20.0
    max_segment_ps: float | None = None
    error_target: float = 0.2
    target_quantity: str = "sigma_eh_S_cm"
    block_count: int = 5
    slope_tolerance: float = 0.15
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
        lengths = ("anneal_ps", "npt_segment_ps", "npt_budget_ps", "production_segment_ps", "production_budget_ps")
        for name in (*lengths, "ion_dump_fs"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name}={getattr(self, name)}: must be > 0")
        cap = self.max_segment_ps
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, (int, float)) or not cap > 0):
            raise ValueError(f"max_segment_ps={cap!r}: must be a positive time (ps) or None for no limit")
        for part in ("npt", "production"):
            segment, budget = getattr(self, f"{part}_segment_ps"), getattr(self, f"{part}_budget_ps")
            if segment > budget:
                raise ValueError(f"{part}_segment_ps={segment} exceeds {part}_budget_ps={budget}")
        if self.ion_dump_fs < self.input_generator.timestep_fs:
            raise ValueError(
                f"ion_dump_fs={self.ion_dump_fs} is shorter than the time step {self.input_generator.timestep_fs} fs"
            )
        frames = self.production_segment_ps * 1000.0 / self.ion_dump_fs
        if frames < MIN_FRAMES_PER_BLOCK * self.block_count:
            raise ValueError(
                f"production_segment_ps={self.production_segment_ps} holds {frames:.0f} ion frames "
                f"(ion_dump_fs={self.ion_dump_fs}); the analysis of a segment needs >= "
                f"{MIN_FRAMES_PER_BLOCK * self.block_count} ({self.block_count} blocks of {MIN_FRAMES_PER_BLOCK})"
            )
        self._npt(353.15, 0)  # the NPT and production choices are checked now, not when a job starts
        self._production("", 353.15)

    @classmethod
    def from_preset(cls, preset: str, **overrides) -> ConductivityMaker:
        """A maker with the budgets and target of ``preset`` (quick, standard, production), then ``overrides``."""
        if preset not in CONDUCTIVITY_PRESETS:
            raise ValueError(f"preset {preset!r}: allowed are {sorted(CONDUCTIVITY_PRESETS)}")
        return cls(**(CONDUCTIVITY_PRESETS[preset] | overrides))

    def _steps(self, ps: float) -> int:
        return max(1, round(ps * 1000.0 / self.input_generator.timestep_fs))

    def _npt(self, temperature_K: float, seed: int, label: str = "") -> NptEquilibrationMaker:
        gen = self.input_generator
        thermo = min(gen.thermo_every, max(1, self._steps(self.npt_segment_ps) // NPT_SAMPLES_PER_SEGMENT))
        return NptEquilibrationMaker(
            name=f"npt {label}".strip(),
            temperature_K=temperature_K,
            seed=seed,
            segment_ps=self.npt_segment_ps,
            budget_ps=self.npt_budget_ps,
            input_generator=gen.updated(thermo_every=thermo),
            ranks=self.ranks,
        )

    def _production(self, label: str, temperature_K: float) -> AdaptiveProductionMaker:
        gen = self.input_generator
        dump_every = max(1, round(self.ion_dump_fs / gen.timestep_fs))
        segment = LammpsStageMaker(
            "production", StageSpec("production", 1, temperature_K), gen.updated(ion_dump_every=dump_every), self.ranks
        )
        return AdaptiveProductionMaker(
            name=f"adaptive production {label}".strip(),
            label=label,
            segment_maker=segment,
            segment_ps=self.production_segment_ps,
            max_segment_ps=self.max_segment_ps,
            budget_ps=self.production_budget_ps,
            error_target=self.error_target,
            target_quantity=self.target_quantity,
            block_count=self.block_count,
            slope_tolerance=self.slope_tolerance,
        )

    def make(self, structure: str | dict | OutputReference) -> Flow:
        """The Flow for ``structure``: a naspe data directory, PolymerElectrolyte parameters or a path.

        The path may be the output of an earlier job that wrote a naspe data directory.
        """
        jobs = []
        if isinstance(structure, OutputReference):
            start = structure
        elif isinstance(structure, dict):
            model = self.input_generator.model  # the cell is written for the model the MD runs
            build = build_electrolyte(structure) if model == "fixed" else build_electrolyte(structure, model=model)
            build.name = "build electrolyte"
            jobs.append(build)
            start = build.output
        else:
            if not (Path(structure) / "system.data").exists():
                raise FileNotFoundError(f"{structure}/system.data not found: give a directory written by naspe")
            start = str(Path(structure).resolve())
        gen = self.input_generator
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
        analyses, controllers = [], []
        for i, t_c in enumerate(self.temperatures_C):
            temp = t_c + 273.15
            label = f"{t_c:g}C"
            production = self._production(label, temp)
            first_segments = []
            for k in range(self.replicas):
                npt = self._npt(temp, self.seed + 1000 * i + k, f"{label} r{k}").make(anneal.output.dir_name)
                seg = production.first_segment(npt.output.dir_name, npt.output.mean_volume_angstrom3, k)
                jobs += [npt, seg]
                first_segments.append([seg.output])
            controller = production.make(temp, first_segments)
            controller.name = production.name
            jobs.append(controller)
            controllers.append(controller.output)
            for k in range(self.replicas):
                analysis = replica_transport(controller.output, k)
                analysis.name = f"transport {label} r{k}"
                jobs.append(analysis)
                analyses.append(analysis.output)
        summary = summarize_conductivity(analyses, productions=controllers)
        summary.name = "conductivity summary"
        jobs.append(summary)
        return Flow(jobs, output=summary.output, name=self.name)
