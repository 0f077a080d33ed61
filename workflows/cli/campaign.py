"""``naspe run``: the whole study as one campaign, with progress, resumable."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import config_and_data_dir, fail, resource_fault
from naspe.workflows.cli.options import run_name

__all__ = ["register", "run_campaign"]


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class _Progress:
    """One status line: on a terminal rewritten in place, otherwise printed when it changes (at most every 10 s)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = ""
        self.last_time = 0.0

    def __call__(self, snap: dict) -> None:
        import time

        c = snap["counts"]
        done = c.get("done", 0)
        stage = ", ".join(snap["running"][:3]) + (" ..." if len(snap["running"]) > 3 else "")
        left = "" if snap["left_s"] is None else f", ~{_clock(snap['left_s'])} left"
        line = (
            f"[{done}/{snap['total']} done, {len(snap['running'])} running, {snap['queued']} queued, "
            f"{c.get('failed', 0)} failed] "
            f"{_clock(snap['elapsed_s'])} elapsed{left} | {stage or 'waiting'}"
        )
        if self.tty:
            sys.stderr.write("\r" + line[:160].ljust(160))
            sys.stderr.flush()
        elif line != self.last and time.monotonic() - self.last_time > 10.0:
            sys.stderr.write(line + "\n")
            self.last, self.last_time = line, time.monotonic()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def run_campaign(preset: str, overrides: dict, config, data_dir: Path, name: str | None, resume: bool) -> Path:
    """Create (or find, to resume) the campaign's run directory; returns it.

    The same preset, overrides and name as an existing run resume it; other
    settings under an existing name are refused.
    """
    from naspe.workflows.campaign import CampaignMaker, campaign_settings
    from naspe.workflows.campaign.feasibility import check_feasible
    from naspe.workflows.execution.runs import SUBMISSION_FILE, RunError, create_run, runs_dir

    settings = campaign_settings(preset, overrides)
    check_feasible(settings, (os.cpu_count() or 1) if config.scheduler == "local" else None)
    run_name = name or f"{settings.name}-{settings.preset}"
    run = runs_dir(data_dir) / run_name
    wanted = settings.model_dump(mode="json")
    if (run / SUBMISSION_FILE).exists():
        saved = json.loads((run / SUBMISSION_FILE).read_text()).get("campaign")
        if saved != wanted and not resume:
            raise RunError(
                f"run {run_name!r} exists with other campaign settings; give --name for a new run, "
                f"or --resume to continue it as it was"
            )
        return run
    if resume:
        raise RunError(f"--resume: no run {run_name!r} in {runs_dir(data_dir)}")
    flow = CampaignMaker(name=settings.name, settings=settings).make()
    return create_run(flow, config, data_dir, run_name, extra={"campaign": wanted})


def run_cmd(
    preset: Annotated[str, typer.Option(help="quick (2 cores, ~10 min), standard (workstation), production (HPC)")] = (
        "quick"
    ),
    overrides: Annotated[
        Path | None, typer.Option(help="YAML with settings to change (same nesting as the campaign settings)")
    ] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="Execution configuration (hpc_configs/*.yaml); default: local")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Run name (default: <campaign>-<preset>)", callback=run_name)] = None,
    resume: Annotated[bool, typer.Option(help="Continue the existing run of that name as it was")] = False,
    detach: Annotated[bool, typer.Option(help="Run the driver in the background (`naspe status` to follow)")] = False,
    plan: Annotated[
        bool,
        typer.Option(
            help="Print the conductivity MD's expected simulated time and core-hours per T (from the validated "
            "pegdme-litfsi-diffusion run in the store) and run nothing"
        ),
    ] = False,
) -> None:
    """Run the study: conductivity 30-80 °C, adhesion, bonding and core-level shifts; rerun to resume."""
    from naspe.workflows.campaign import campaign_settings, load_overrides
    from naspe.workflows.execution.runs import (
        RunError,
        check_run,
        run_driver,
        run_status,
        start_driver,
        stopped_message,
    )
    from naspe.workflows.execution.store import StoreError, open_store

    config, data_dir = config_and_data_dir(config_file)
    try:
        extra = load_overrides(overrides) if overrides is not None else {}
        campaign_settings(preset, extra)  # bad settings are refused before the store is created
        store = open_store(data_dir, config.store)
        if plan:
            typer.echo(_plan(campaign_settings(preset, extra), store, data_dir))
            return
        run = run_campaign(preset, extra, config, data_dir, name, resume)
        check_run(run)  # an old run this version cannot resume is refused before anything starts
    except (ValueError, RunError, StoreError) as err:
        fail(err)
    except OSError as err:  # a full disk while the run is written: nothing to resume, the same command starts it
        fail(resource_fault(err) or err)
    if detach:
        try:
            pid = start_driver(run)  # returns once the driver holds the run's lock
        except RunError as err:
            fail(err)
        typer.echo(f"started {run.name} (driver pid {pid}); `naspe status {run.name}` to follow")
        return
    typer.echo(f"{run.name}: running in {run} (Ctrl-C stops cleanly; rerun the command to resume)", err=True)
    progress = _Progress()
    try:
        report = run_driver(run, progress=progress)
    except (RunError, ValueError) as err:  # ValueError: a run file that is not valid JSON
        fail(str(err))
    except OSError as err:  # a full disk, quota or read-only data directory: one line, the run resumable
        fail(resource_fault(err, _resume_command(run, config_file)) or err)
    finally:
        progress.close()
    if report.interrupted:  # Ctrl-C or SIGTERM: one line, what was stopped and how to resume
        again = _resume_command(run, config_file)
        typer.echo(stopped_message(run, report, again), err=True)
        raise typer.Exit(code=128 + (report.stop_signal or 2))
    status = run_status(run)
    typer.echo(f"{run.name}: {', '.join(f'{n} {s}' for s, n in sorted(status['counts'].items()))}")
    for job, error in report.errors.items():
        typer.echo(f"  failed {job}: {(error.strip().splitlines() or [''])[0]}", err=True)
    if not report.finished:
        raise typer.Exit(code=1)
    typer.echo("next: `naspe report --out report/` and `naspe query adhesion`")


def _resume_command(run: Path, config_file: Path | None) -> str:
    """The command that resumes the campaign run ``run``."""
    return f"naspe run --resume --name {run.name}" + (f" --config {config_file}" if config_file else "")


def _plan(settings, store, data_dir: Path) -> str:
    """The conductivity cost estimate of ``settings`` (ValueError when the store has no validated reference)."""
    from naspe.workflows.results.conductivity_plan import REFERENCE_CASE, conductivity_plan, reference_document

    if not settings.conductivity.enabled:
        raise ValueError("--plan: this campaign runs no conductivity MD (conductivity.enabled is false)")
    reference = reference_document(store)
    if reference is None:
        raise ValueError(
            f"--plan: no computed {REFERENCE_CASE} validation run in {data_dir}; run "
            f"`naspe validate md --cases {REFERENCE_CASE}` first (about an hour on 2 cores)"
        )
    return conductivity_plan(settings, reference).text()


def register(app: typer.Typer) -> None:
    """Add ``naspe run`` to the app."""
    app.command("run")(run_cmd)
