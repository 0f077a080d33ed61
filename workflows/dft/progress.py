"""Progress of a DFT relaxation, step by step: a file in the job directory and lines on the terminal.

:class:`RelaxProgress` watches the ASE optimizer of an engine Maker
(:meth:`~naspe.workflows.dft.base.EngineMaker.run_in_process`) and, after every
force evaluation, rewrites :data:`PROGRESS_FILE` in the job directory atomically
(:func:`~naspe.analysis.output_files.write_text_replacing`) with one JSON line per step
so far (:class:`ProgressStep`: step, energy in eV, fmax in eV/Å, time per step in
s, estimated time left in s). A single point writes one line (step 0). Under the
MPI launcher only rank 0 writes.

The time left is an estimate, not a promise: the mean time of the last few steps
times the steps left, where the steps left are the step limit's, or fewer when
the largest force has been falling geometrically over the last steps (a straight
line through log fmax against step, extrapolated to the force criterion). A
relaxation that stalls near a shallow minimum takes longer than the trend says;
it never takes more steps than the limit.

:class:`ProgressFollower` is the terminal side: a thread that reads the progress
files under a run directory's ``jobs/`` (every job of a flow, in-process or on a
Parsl worker, MPI or not) and prints each new step as one line, as
``naspe adhesion`` and ``naspe bonding`` do while their flow runs.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from naspe.analysis.output_files import write_text_replacing

__all__ = [
    "PROGRESS_FILE",
    "ProgressStep",
    "RelaxProgress",
    "ProgressFollower",
    "estimate_steps_left",
    "format_step",
    "read_progress",
]

#: one JSON line per optimizer step, in the job directory (the calculation's working directory)
PROGRESS_FILE = "dft-progress.jsonl"

#: steps over which the time per step (s) is averaged and the fmax trend is fitted
_TIME_WINDOW = 5
_TREND_WINDOW = 8


class ProgressStep(BaseModel):
    """One optimizer step of a relaxation (or the one evaluation of a single point)."""

    label: str = Field(description="What is relaxed: the Maker's name and the chemical formula")
    started_unix_s: float = Field(description="Wall-clock start of the relaxation (s since the epoch); a new run")
    step: int = Field(description="Optimizer step (0: the starting geometry)")
    max_steps: int = Field(description="Step limit of the relaxation (0 or 1: a single point)")
    energy_eV: float = Field(description="Total energy at this step (eV)")
    fmax_eV_A: float = Field(description="Largest force on a free atom at this step (eV/Å)")
    target_fmax_eV_A: float = Field(description="Force criterion of the relaxation (eV/Å)")
    step_time_s: float = Field(description="Wall time of this step (s; step 0 includes the calculator set-up)")
    mean_step_time_s: float = Field(description="Mean wall time of the last steps (s)")
    elapsed_s: float = Field(description="Wall time since the relaxation started (s)")
    steps_left: int = Field(description="Estimated steps left (step limit, or the fmax trend when shorter)")
    time_left_s: float = Field(description="Estimated wall time left (s): steps_left * mean_step_time_s")
    converged: bool = Field(description="fmax is at or below the criterion")


def estimate_steps_left(fmax_history: list[float], target_fmax: float, steps_left_limit: int) -> int:
    """Steps still to go: the step limit's, or fewer when log(fmax) falls linearly towards ``target_fmax``.

    Parameters
    ----------
    fmax_history
        Largest force (eV/Å) of every step so far, the current one last.
    target_fmax
        Force criterion (eV/Å).
    steps_left_limit
        Steps the step limit still allows.
    """
    steps_left_limit = max(0, steps_left_limit)
    if not fmax_history or fmax_history[-1] <= target_fmax:
        return 0
    recent = [f for f in fmax_history[-_TREND_WINDOW:] if f > 0]
    if len(recent) < 3:
        return steps_left_limit
    x = list(range(len(recent)))
    y = [math.log(f) for f in recent]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum((a - mx) ** 2 for a in x)
    if slope >= 0:
        return steps_left_limit
    trend = math.ceil((math.log(target_fmax) - y[-1]) / slope)
    return min(steps_left_limit, max(1, trend))


def _rank() -> int:
    """MPI rank of this process (GPAW's world when GPAW is loaded; 0 otherwise)."""
    if "gpaw" in sys.modules:
        from gpaw.mpi import world

        return int(world.rank)
    return 0


class RelaxProgress:
    """Observer of an ASE optimizer that writes :data:`PROGRESS_FILE` after every step.

    Parameters
    ----------
    label
        What is relaxed (shown on the terminal).
    max_steps
        The relaxation's step limit (<= 1: a single point).
    target_fmax_eV_A
        Force criterion (eV/Å).
    path
        The progress file; relative paths are taken in the working directory (the job directory) now.
    """

    def __init__(self, label: str, max_steps: int, target_fmax_eV_A: float, path: str | Path = PROGRESS_FILE):
        if target_fmax_eV_A <= 0:
            raise ValueError(f"target_fmax_eV_A={target_fmax_eV_A}: must be > 0 eV/Å")
        self.label = label
        self.max_steps = int(max_steps)
        self.target = float(target_fmax_eV_A)
        self.path = Path(path).absolute()
        self.steps: list[ProgressStep] = []
        self._started_unix = time.time()
        self._t0 = self._last = time.monotonic()
        self._write = _rank() == 0
        self._atoms = None

    @classmethod
    def for_maker(cls, maker, atoms, path: str | Path = PROGRESS_FILE) -> RelaxProgress:
        """Progress of an engine Maker's relaxation of ``atoms``: name and formula, ``steps`` and ``fmax`` (eV/Å).

        ``fmax`` is :attr:`~naspe.workflows.dft.base.EngineMaker.fmax_ev_per_a` (atomate2's 0.1 eV/Å when
        ``relax_kwargs`` gives none).
        """
        label = f"{maker.name} {atoms.get_chemical_formula()}"
        return cls(label, int(maker.steps), float(maker.fmax_ev_per_a), path)

    def optimizer(self, opt_class: type) -> type:
        """A subclass of the ASE optimizer ``opt_class`` that reports every step to this object."""
        progress = self

        class _Reporting(opt_class):  # type: ignore[misc, valid-type]
            def __init__(self, atoms, *args, **kwargs):
                super().__init__(atoms, *args, **kwargs)
                progress._atoms = atoms
                self.attach(progress.observe, interval=1)

        _Reporting.__name__ = _Reporting.__qualname__ = opt_class.__name__
        return _Reporting

    def observe(self) -> None:
        """The optimizer's observer: record the step it just evaluated."""
        self.record(self._atoms)

    def record(self, atoms) -> ProgressStep:
        """Record a step from the (already evaluated) energy and forces of ``atoms`` and rewrite the file."""
        now = time.monotonic()
        forces = atoms.get_forces()
        fmax = float(max(math.sqrt(float((f**2).sum())) for f in forces)) if len(forces) else 0.0
        step = len(self.steps)
        times = [s.step_time_s for s in self.steps[1:]] + ([now - self._last] if step else [])
        mean = sum(times[-_TIME_WINDOW:]) / len(times[-_TIME_WINDOW:]) if times else now - self._t0
        limit = max(self.max_steps, 0) if self.max_steps > 1 else 0
        left = estimate_steps_left([s.fmax_eV_A for s in self.steps] + [fmax], self.target, limit - step)
        entry = ProgressStep(
            label=self.label,
            started_unix_s=self._started_unix,
            step=step,
            max_steps=self.max_steps,
            energy_eV=float(atoms.get_potential_energy()),
            fmax_eV_A=fmax,
            target_fmax_eV_A=self.target,
            step_time_s=now - self._last,
            mean_step_time_s=mean,
            elapsed_s=now - self._t0,
            steps_left=left,
            time_left_s=left * mean,
            converged=fmax <= self.target,
        )
        self._last = now
        self.steps.append(entry)
        if self._write:
            write_text_replacing(self.path, "".join(s.model_dump_json() + "\n" for s in self.steps))
        return entry

    def close(self, atoms) -> None:
        """After the calculation: a single point (no optimizer step seen) records its one evaluation."""
        if not self.steps:
            self.record(atoms)


def read_progress(path: str | Path) -> list[ProgressStep]:
    """The steps in a progress file (an empty list when it does not exist yet)."""
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return []
    return [ProgressStep.model_validate(json.loads(line)) for line in text.splitlines() if line.strip()]


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


def format_step(step: ProgressStep) -> str:
    """One terminal line: label, step of limit, energy (eV), fmax (eV/Å), s/step, time left."""
    if step.max_steps <= 1:
        return f"{step.label}: single point E = {step.energy_eV:.6f} eV, fmax {step.fmax_eV_A:.3f} eV/Å, " + (
            f"{step.step_time_s:.1f} s"
        )
    left = "converged" if step.converged else f"~{_clock(step.time_left_s)} left (<= {step.steps_left} steps)"
    return (
        f"{step.label}: step {step.step}/{step.max_steps} E = {step.energy_eV:.6f} eV, "
        f"fmax {step.fmax_eV_A:.3f} eV/Å (target {step.target_fmax_eV_A:g}), "
        f"{step.mean_step_time_s:.1f} s/step, {left}"
    )


class ProgressFollower:
    """Print every new step of the progress files under ``run_dir/jobs/*/`` while a flow runs.

    Use as a context manager around the run; files that exist when it starts
    (a previous run of the same directory) are not printed again, a job that
    starts afresh in its folder is. The last steps are printed on exit.

    Parameters
    ----------
    run_dir
        The run directory of :func:`~naspe.workflows.execution.runner.run_flow`.
    emit
        Called with each line (default: print to stderr).
    poll_seconds
        How often (s) the files are read.
    """

    def __init__(self, run_dir: str | Path, emit: Callable[[str], None] | None = None, poll_seconds: float = 1.0):
        if poll_seconds <= 0:
            raise ValueError(f"poll_seconds={poll_seconds}: must be > 0 s")
        self.run_dir = Path(run_dir)
        self.emit = emit or (lambda line: print(line, file=sys.stderr, flush=True))
        self.poll_seconds = poll_seconds
        self._seen: dict[Path, tuple[float, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dft-progress", daemon=True)

    def _files(self) -> list[Path]:
        return sorted(self.run_dir.glob(f"jobs/*/{PROGRESS_FILE}"))

    def poll(self, show: bool = True) -> None:
        """Read every progress file once and emit the steps not shown yet (``show=False``: only note them)."""
        for path in self._files():
            try:
                steps = read_progress(path)
            except (OSError, ValueError):  # a file of another version: nothing to show
                continue
            if not steps:
                continue
            started, shown = self._seen.get(path, (None, 0))
            if started != steps[0].started_unix_s:  # a new relaxation in this folder
                shown = 0
            for step in steps[shown:] if show else []:
                self.emit(format_step(step))
            self._seen[path] = (steps[0].started_unix_s, len(steps))

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self.poll()

    def __enter__(self) -> ProgressFollower:
        self.poll(show=False)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()
