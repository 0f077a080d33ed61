"""Adaptive production: NVT in segments, replicas in parallel, analysed between segments, stopped at a target.

At one temperature, each replica's production runs as a chain of segment jobs (MD
workers, in parallel across replicas). After every round of segments the
:class:`AdaptiveProductionMaker` job (an analysis job)

1. analyses each replica over all its segments (the segments joined by
   :func:`naspe.analysis.segments.concatenate_segments`, then
   :class:`naspe.analysis.transport.TransportAnalysis`),
2. combines the replicas by pooling their blocks (:func:`naspe.analysis.segments.pool_replicas`),
3. stops with ``target_reached`` when every replica is diffusive (analysis.regime) and the
   combined target conductivity's relative standard error is at most ``error_target``;
   with ``budget_exhausted`` (diffusive, error above target) or ``not_diffusive`` when the
   next segment would pass ``budget_ps``; with ``failed`` when a segment failed;
4. otherwise *replaces* itself by the next round: one segment job per replica and a new
   controller, their Flow's output standing for its own (``Response(replace=...)``).

Segment lengths adapt: while the run is not diffusive, each round doubles the run
(segment = time so far, at least ``segment_ps``); once it is, the next segment aims at
the time the error ~ 1/sqrt(t) extrapolation gives (+10 %), never more than doubling
the run nor longer than ``max_segment_ps`` (a block's wall time), and cut at the budget.
Every controller writes ``conductivity-progress.json`` in its directory, which
``naspe status`` reads (:mod:`naspe.workflows.flows.conductivity.progress`).
Why jobs and not a loop inside one job: see :mod:`naspe.workflows.md.equilibration`; here,
in addition, the replicas of a round run as parallel jobs and meet in the controller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from jobflow import CURRENT_JOB, Flow, Maker, Response, job

from naspe.analysis.segments import concatenate_segments, pool_replicas, time_to_target
from naspe.analysis.trajectory import load_ion_trajectory
from naspe.analysis.transport import MIN_FRAMES_PER_BLOCK, TransportAnalysis
from naspe.analysis.transport_result import TransportResult, ValueWithError
from naspe.workflows.flows.conductivity.progress import write_progress
from naspe.workflows.flows.conductivity.schemas import AdaptiveProductionDocument, TargetQuantity
from naspe.workflows.md.inputs import StageSpec
from naspe.workflows.md.jobs import SYSTEM_META, LammpsStageMaker
from naspe.workflows.md.segment_documents import SegmentRecord

__all__ = ["AdaptiveProductionMaker", "analyze_segments", "replica_transport", "NotAnalysable"]


class NotAnalysable(ValueError):
    """The segments so far hold too few frames for the block analysis (more segments will)."""


def analyze_segments(
    dirs: list[str], temperature_K: float, n_blocks: int = 5, slope_tolerance: float = 0.15
) -> TransportResult:
    """Transport analysis of one replica's production segments (directories in order), joined into one run."""
    meta = json.loads((Path(dirs[0]) / SYSTEM_META).read_text())
    parts = []
    for d in dirs:
        run = Path(d)
        spec = json.loads((run / "run.json").read_text())
        parts.append(
            load_ion_trajectory(
                run / "ions.lammpstrj",
                run / "final.data",
                timestep_fs=spec["timestep_fs"],
                com_file=run / "com.dat",
                charge_scaling=meta["ion_charge_scaling"],
            )
        )
    joined = concatenate_segments(parts)
    if joined.n_frames // n_blocks < MIN_FRAMES_PER_BLOCK:
        raise NotAnalysable(f"{joined.n_frames} frames: {n_blocks} blocks need >= {MIN_FRAMES_PER_BLOCK * n_blocks}")
    return TransportAnalysis(joined, temperature_K, n_blocks=n_blocks, slope_tolerance=slope_tolerance).run()


@job(output_schema=TransportResult)
def replica_transport(production: AdaptiveProductionDocument | dict, replica: int) -> TransportResult | None:
    """The transport result of one replica of a finished adaptive production (None if it had none)."""
    doc = AdaptiveProductionDocument.model_validate(production) if isinstance(production, dict) else production
    return doc.results[replica]


def _record(segment) -> SegmentRecord:
    """A segment as its record: from a stage document (or its dict) or a record (or its dict)."""
    if isinstance(segment, SegmentRecord):
        return segment
    if isinstance(segment, dict) and "task_label" not in segment:
        return SegmentRecord.model_validate(segment)
    return SegmentRecord.from_task(segment)


def _combined(results: list[TransportResult], quantity: str) -> ValueWithError:
    values = [getattr(r, quantity).value for r in results]
    if any(v is None for v in values):
        return ValueWithError()
    blocks = [getattr(r, "block_" + quantity) for r in results]
    value, stderr = pool_replicas(values, blocks)
    return ValueWithError(value=value, stderr=stderr)


@dataclass
class AdaptiveProductionMaker(Maker):
    """The controller of an adaptive production at one temperature (see the module docstring).

    Parameters
    ----------
    name
        Job name of the controller; segment jobs are named ``production <label> r<k> s<n>``.
    label
        Temperature label in job names (``"80C"``).
    segment_maker
        Maker of one production segment (a ``production`` stage; its ``n_steps`` is set per segment).
    segment_ps
        First and shortest segment (ps).
    max_segment_ps
        Longest segment (ps); None: no limit but the doubling and the budget.
    budget_ps
        Most production time per replica (ps).
    error_target
        Relative standard error of ``target_quantity`` to reach (0.2 = 20 %).
    target_quantity
        ``"sigma_eh_S_cm"`` (Einstein-Helfand, all correlations; noisier) or ``"sigma_ne_S_cm"``.
    block_count
        Blocks of the block-average errors of each replica.
    slope_tolerance
        Largest ``|d ln MSD / d ln t - 1|`` of a diffusive fit window (analysis.regime).
    """

    job_kind: ClassVar[str] = "analysis"

    name: str = "adaptive production"
    label: str = ""
    segment_maker: LammpsStageMaker = field(default_factory=lambda: LammpsStageMaker(spec=StageSpec("production", 1)))
    segment_ps: float = 10.0
    max_segment_ps: float | None = None
    budget_ps: float = 40.0
    error_target: float = 0.2
    target_quantity: TargetQuantity = "sigma_eh_S_cm"
    block_count: int = 5
    slope_tolerance: float = 0.15

    def __post_init__(self) -> None:
        if not 0 < self.segment_ps <= self.budget_ps:
            raise ValueError(f"segment_ps={self.segment_ps}, budget_ps={self.budget_ps}: need 0 < segment <= budget")
        if self.max_segment_ps is not None and self.max_segment_ps < self.segment_ps:
            raise ValueError(f"max_segment_ps={self.max_segment_ps} is shorter than segment_ps={self.segment_ps}")
        if not 0 < self.error_target < 1:
            raise ValueError(f"error_target={self.error_target}: must be a fraction in (0, 1), e.g. 0.2 for 20 %")
        if self.target_quantity not in ("sigma_eh_S_cm", "sigma_ne_S_cm"):
            raise ValueError(f"target_quantity={self.target_quantity!r}: allowed are sigma_eh_S_cm, sigma_ne_S_cm")

    # ------------------------------------------------------------------ steps
    @property
    def _dump_every(self) -> int:
        return self.segment_maker.input_generator.ion_dump_every

    def steps(self, ps: float) -> int:
        """MD steps of ``ps`` picoseconds, a whole number of ion-dump intervals (>= 1 interval)."""
        gen = self.segment_maker.input_generator
        raw = ps * 1000.0 / gen.timestep_fs
        return max(1, int(raw // self._dump_every)) * self._dump_every

    def first_segment(self, prev_dir, volume_angstrom3, replica: int):
        """The job of a replica's first segment, from the equilibrated NPT directory at that volume."""
        seg = self.segment_maker.make(prev_dir, 0, volume_angstrom3, self.steps(self.segment_ps))
        seg.name = f"production {self.label} r{replica} s0"
        return seg

    def _next_steps(self, doc: AdaptiveProductionDocument, steps_done: int) -> int:
        """Steps of the next segment (0: the budget is used up)."""
        t = doc.duration_ps
        if doc.diffusive and doc.time_to_target_ps is not None:
            want = max(self.segment_ps, min(1.1 * (doc.time_to_target_ps - t), t))
        else:
            want = max(self.segment_ps, t)
        if self.max_segment_ps is not None:
            want = min(want, self.max_segment_ps)
        left = self.steps(self.budget_ps) - steps_done
        return min(self.steps(want), left - left % self._dump_every)

    # -------------------------------------------------------------- the job
    @job(output_schema=AdaptiveProductionDocument)
    def make(self, temperature_K: float, segments: list, chain: str | None = None) -> Response:
        """Judge the replicas' segments so far (``segments[k]``: replica k's segment documents); go on or stop."""
        runs = [[_record(s) for s in replica] for replica in segments]
        chain = chain or (CURRENT_JOB.job.uuid if CURRENT_JOB.job is not None else self.label)
        doc = self._judge(temperature_K, runs)
        write_progress(Path.cwd(), doc, chain)
        if doc.stop_reason is not None:
            return Response(output=doc, stop_children=doc.stop_reason == "failed")
        steps_done = sum(s.n_steps for s in runs[0])
        n_steps = self._next_steps(doc, steps_done)
        meta = {k: v for k, v in (CURRENT_JOB.job.metadata if CURRENT_JOB.job else {}).items() if k != "naspe_kind"}
        jobs, following = [], []
        for k, run in enumerate(runs):
            last = run[-1]
            seg = self.segment_maker.make(last.dir_name, last.first_step + last.n_steps, None, n_steps)
            seg.name = f"production {self.label} r{k} s{len(run)}"
            jobs.append(seg)
            following.append([*[s.model_dump() for s in run], seg.output])
        controller = self.make(temperature_K, following, chain)
        controller.name = self.name
        jobs.append(controller)
        for j in jobs:
            j.update_metadata(meta)
        return Response(output=doc, replace=Flow(jobs, output=controller.output, name=f"{self.name} round"))

    def _judge(self, temperature_K: float, runs: list[list[SegmentRecord]]) -> AdaptiveProductionDocument:
        duration = sum(s.duration_ps for s in runs[0])
        speeds = [s.ns_per_day for r in runs for s in r if s.ns_per_day]
        base = dict(
            task_label=self.name,
            temperature_K=temperature_K,
            replicas=len(runs),
            segments=runs,
            n_segments=len(runs[0]),
            duration_ps=duration,
            budget_ps=self.budget_ps,
            error_target=self.error_target,
            target_quantity=self.target_quantity,
            ns_per_day=sum(speeds) / len(speeds) if speeds else None,
        )
        failed = [s for r in runs for s in r if s.state != "successful"]
        if failed:
            return AdaptiveProductionDocument(
                **base,
                results=[None] * len(runs),
                sigma_eh_S_cm=ValueWithError(),
                sigma_ne_S_cm=ValueWithError(),
                stop_reason="failed",
                warnings=[f"segment {failed[0].dir_name} failed: {failed[0].error}"],
            )
        results: list[TransportResult | None] = []
        warnings: list[str] = []
        for k, run in enumerate(runs):
            try:
                result = analyze_segments(
                    [s.dir_name for s in run], temperature_K, self.block_count, self.slope_tolerance
                )
                results.append(result.model_copy(update={"replica": k}))
            except NotAnalysable as err:  # too few frames for the blocks yet; broken data raises
                results.append(None)
                warnings.append(f"replica {k} not analysable yet: {err}")
        done = [r for r in results if r is not None]
        complete = len(done) == len(runs)
        eh = _combined(done, "sigma_eh_S_cm") if complete else ValueWithError()
        ne = _combined(done, "sigma_ne_S_cm") if complete else ValueWithError()
        diffusive = complete and all(r.diffusive for r in done)
        target = eh if self.target_quantity == "sigma_eh_S_cm" else ne
        rel = None
        if target.value is not None and target.stderr is not None and target.value > 0:
            rel = target.stderr / target.value
        eta = time_to_target(duration, rel, self.error_target) if rel and duration > 0 else None
        stop = None
        if diffusive and rel is not None and rel <= self.error_target:
            stop = "target_reached"
        elif self.steps(self.budget_ps) - sum(s.n_steps for s in runs[0]) < self._dump_every:
            stop = "budget_exhausted" if diffusive else "not_diffusive"
        if stop == "not_diffusive":
            warnings.append(
                f"production budget of {self.budget_ps:g} ps per replica used up before the MSDs became diffusive: "
                "the conductivities are apparent values"
            )
        elif stop == "budget_exhausted":
            warnings.append(
                f"production budget of {self.budget_ps:g} ps per replica used up at a relative error of {rel:.0%} "
                f"(target {self.error_target:.0%})"
                if rel is not None
                else f"production budget of {self.budget_ps:g} ps used up without a defined error"
            )
        return AdaptiveProductionDocument(
            **base,
            results=results,
            sigma_eh_S_cm=eh,
            sigma_ne_S_cm=ne,
            relative_error=rel,
            diffusive=diffusive,
            time_to_target_ps=eta,
            stop_reason=stop,
            warnings=warnings,
        )
