"""NPT equilibration in segments: extend until density and potential energy have levelled off, or a budget.

:class:`NptEquilibrationMaker` makes one job per segment. The job runs its segment
(the first from the given directory with new velocities, every later one from the
previous segment's ``final.restart``, numbering its steps on), judges the density and
potential-energy series of all segments so far with
:func:`naspe.analysis.equilibration.equilibration` and returns an
:class:`~naspe.workflows.md.segment_documents.EquilibrationDocument`; when neither
plateau nor budget has been reached, its ``Response`` *replaces* it with the job of the
next segment (same UUID, next index), so references to the equilibration resolve to
the last segment's document.

Why one job per segment (``Response(replace=...)``) and not a loop inside one job:
each segment is then a job of bounded length, which fits a block's wall time however
long the equilibration gets; the flow manager records the next segment's job *before*
it stores the output that made it, so after a crash only the running segment is run
again (from its predecessor's restart file, in its own directory), and nothing a
crashed attempt half wrote is ever read by another job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import numpy as np
from jobflow import Maker, Response, job

from naspe.analysis.equilibration import equilibration
from naspe.analysis.output_files import write_text_replacing
from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
from naspe.workflows.md.jobs import run_stage
from naspe.workflows.md.segment_documents import EquilibrationDocument, SegmentRecord, segment_thermo

__all__ = ["NptEquilibrationMaker", "NPT_PROGRESS_FILE"]

#: where each segment job leaves its verdict (for ``naspe status``)
NPT_PROGRESS_FILE = "npt-progress.json"


_PROGRESS_KEYS = {
    "task_label",
    "temperature_K",
    "duration_ps",
    "budget_ps",
    "mean_density_g_cm3",
    "mean_density_stderr_g_cm3",
    "plateau",
    "stop_reason",
}


@dataclass
class NptEquilibrationMaker(Maker):
    """NPT in segments until density and potential energy plateau (see the module docstring).

    Parameters
    ----------
    name
        Job name (every segment's).
    temperature_K, pressure_atm
        Target temperature (K) and pressure (atm).
    seed
        Seed of the velocity draw of the first segment.
    segment_ps
        Length of one segment (ps).
    budget_ps
        Most NPT time (ps); the last segment is shortened to end on it.
    min_effective, z
        Plateau criterion of :func:`~naspe.analysis.equilibration.equilibration`.
    input_generator
        LAMMPS input choices.
    ranks
        MPI ranks (settings default when None).
    """

    job_kind: ClassVar[str] = "md"

    name: str = "npt"
    temperature_K: float = 353.15
    pressure_atm: float = 1.0
    seed: int = 12345
    segment_ps: float = 2.0
    budget_ps: float = 8.0
    min_effective: float = 20.0
    z: float = 2.0
    input_generator: LammpsInputGenerator = field(default_factory=LammpsInputGenerator)
    ranks: int | None = None

    def __post_init__(self) -> None:
        if not 0 < self.segment_ps <= self.budget_ps:
            raise ValueError(f"segment_ps={self.segment_ps}, budget_ps={self.budget_ps}: need 0 < segment <= budget")
        per_segment = self.steps(self.segment_ps) // self.input_generator.thermo_every
        if per_segment < 8:
            raise ValueError(
                f"segment_ps={self.segment_ps} gives {per_segment} thermo samples (thermo_every="
                f"{self.input_generator.thermo_every} steps); equilibration detection needs >= 8 per segment"
            )

    def steps(self, ps: float) -> int:
        """MD steps of ``ps`` picoseconds."""
        return max(1, round(ps * 1000.0 / self.input_generator.timestep_fs))

    @job(output_schema=EquilibrationDocument)
    def make(self, prev_dir: str, segments: list | None = None) -> Response:
        """Run the next segment from ``prev_dir``; ``segments`` are the records of those before it."""
        done = [SegmentRecord.model_validate(s) for s in segments or []]
        first_step = sum(s.n_steps for s in done)
        elapsed_ps = sum(s.duration_ps for s in done)
        n_steps = min(self.steps(self.segment_ps), self.steps(self.budget_ps) - first_step)
        spec = StageSpec(
            "npt",
            max(1, n_steps),
            self.temperature_K,
            pressure_atm=self.pressure_atm,
            create_velocities=not done,
            seed=self.seed,
            first_step=first_step,
        )
        task = run_stage(Path.cwd(), Path(prev_dir), spec, self.input_generator, self.name, ranks=self.ranks)
        record = SegmentRecord.from_task(task)
        done.append(record)
        doc = self._judge(done, elapsed_ps + record.duration_ps)
        progress = doc.model_dump(mode="json", include=_PROGRESS_KEYS) | {
            "n_segments": len(done),
            "updated": datetime.now().isoformat(),
        }
        write_text_replacing(Path.cwd() / NPT_PROGRESS_FILE, json.dumps(progress, indent=2))
        if doc.stop_reason is not None:
            return Response(output=doc, stop_children=doc.state != "successful")
        following = self.make(record.dir_name, [s.model_dump() for s in done])
        following.name = self.name
        return Response(output=doc, replace=following)

    def _judge(self, done: list[SegmentRecord], duration_ps: float) -> EquilibrationDocument:
        last = done[-1]
        base = dict(
            task_label=self.name,
            state=last.state,
            temperature_K=self.temperature_K,
            pressure_atm=self.pressure_atm,
            dir_name=last.dir_name,
            segments=done,
            duration_ps=duration_ps,
            budget_ps=self.budget_ps,
        )
        if last.state != "successful":
            return EquilibrationDocument(**base, stop_reason="failed", warnings=[f"segment failed: {last.error}"])
        thermo = segment_thermo([s.dir_name for s in done])
        interval_ps = self.input_generator.thermo_every * last.timestep_fs / 1000.0
        warnings: list[str] = []
        options = dict(min_effective=self.min_effective, z=self.z)
        try:
            rho = equilibration(thermo["density_g_cm3"], interval_ps, "density_g_cm3", **options)
            pe = equilibration(thermo["pe_kcal_mol"], interval_ps, "pe_kcal_mol", **options)
        except ValueError as err:  # too few samples yet
            rho = pe = None
            warnings.append(f"not judged yet: {err}")
        plateau = bool(rho is not None and pe is not None and rho.plateau and pe.plateau)
        out_of_budget = self.steps(self.budget_ps) - sum(s.n_steps for s in done) < 1
        extra: dict = {}
        if rho is not None and pe is not None:
            start = max(rho.t0_index, pe.t0_index)
            volume = thermo["volume_angstrom3"][start:]
            density = thermo["density_g_cm3"][start:]
            extra = dict(
                t0_ps=start * interval_ps,
                mean_density_g_cm3=float(np.mean(density)),
                mean_density_stderr_g_cm3=float(
                    np.std(density, ddof=1) * np.sqrt(rho.statistical_inefficiency / density.size)
                )
                if density.size > 1
                else None,
                mean_volume_angstrom3=float(np.mean(volume)),
            )
        elif out_of_budget:  # never judged: the production takes the last half's mean volume
            half = thermo["volume_angstrom3"].size // 2
            extra = dict(mean_volume_angstrom3=float(np.mean(thermo["volume_angstrom3"][half:])))
        stop = "plateau" if plateau else ("budget_exhausted" if out_of_budget else None)
        if stop == "budget_exhausted":
            warnings.append(
                f"NPT budget of {self.budget_ps:g} ps used up before density and potential energy levelled off: "
                "the production starts from a state that may still be relaxing"
            )
        return EquilibrationDocument(
            **base, density_g_cm3=rho, pe_kcal_mol=pe, plateau=plateau, stop_reason=stop, warnings=warnings, **extra
        )
