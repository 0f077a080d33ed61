"""``naspe submit``, ``naspe status`` and ``naspe cancel``: runs through the flow manager."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import config_and_data_dir, fail, resource_fault
from naspe.workflows.cli.options import at_least, run_name

__all__ = ["register"]

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Execution configuration YAML (hpc_configs/*.yaml); default: local")
]


def _read_flow(path: Path):
    """The jobflow Flow (or Job) in the JSON file ``path``; one line and exit 2 when it holds none."""
    from jobflow import Flow, Job
    from monty.json import MontyDecoder

    hint = "give a Flow written with json.dumps(flow.as_dict())"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as err:
        fail(f"--flow {str(path)!r}: cannot be read ({err.strerror or err})")
    except UnicodeDecodeError as err:
        fail(f"--flow {str(path)!r}: not a text file (byte {err.start} is not UTF-8); {hint}")
    except ValueError as err:
        fail(f"--flow {str(path)!r}: not JSON ({err}); {hint}")
    try:
        flow = MontyDecoder().process_decoded(data)
    except Exception as err:  # noqa: BLE001 - any class's constructor may refuse the fields it is given
        fail(f"--flow {str(path)!r}: cannot be decoded ({type(err).__name__}: {err}); {hint}")
    if not isinstance(flow, (Flow, Job)):
        kind = {dict: "an object", list: "an array"}.get(type(flow), f"a {type(flow).__name__}")
        fail(f"--flow {str(path)!r}: holds {kind}, not a jobflow Flow or Job; {hint}")
    return flow


def _campaign_overrides(preset: str, path: Path | None) -> dict:
    """The overrides YAML of ``--preset``, with the campaign settings they give checked; else one line, exit 2."""
    from naspe.workflows.campaign import campaign_settings, load_overrides

    try:
        extra = load_overrides(path) if path is not None else {}
        campaign_settings(preset, extra)
    except ValueError as err:
        fail(err)
    return extra


def _resume_command(run: Path, config_file: Path | None) -> str:
    """The command that resumes ``run``."""
    return f"naspe submit --resume {run.name}" + (f" --config {config_file}" if config_file else "")


def submit(
    config_file: ConfigOpt = None,
    flow_file: Annotated[Path | None, typer.Option("--flow", help="A jobflow Flow as JSON (flow.as_dict())")] = None,
    probe: Annotated[bool, typer.Option(help="Submit naspe's probe flow (checks the set-up in seconds)")] = False,
    preset: Annotated[
        str | None, typer.Option(help="Submit the study's campaign with this preset (quick, standard, production)")
    ] = None,
    overrides: Annotated[Path | None, typer.Option(help="Campaign overrides YAML (with --preset)")] = None,
    name: Annotated[str | None, typer.Option(help="Run name (default: flow name + uuid)", callback=run_name)] = None,
    resume: Annotated[
        str | None, typer.Option(help="Resume the run of this name: skip finished jobs", callback=run_name)
    ] = None,
    detach: Annotated[bool, typer.Option(help="Run the driver in the background (log and pid in the run)")] = False,
) -> None:
    """Run a flow through Parsl (locally or on Slurm/PBS), or resume a run."""
    from naspe.workflows.execution.runs import (
        SUBMISSION_FILE,
        RunError,
        check_run,
        create_run,
        find_run,
        run_driver,
        run_status,
        start_driver,
        stopped_message,
    )
    from naspe.workflows.execution.store import StoreError, open_store

    config, data_dir = config_and_data_dir(config_file)
    chosen = [x for x in (flow_file is not None, probe, resume is not None, preset is not None) if x]
    if len(chosen) != 1:
        fail("give exactly one of --flow FILE, --probe, --preset NAME or --resume RUN")
    if overrides is not None and preset is None:
        fail(f"--overrides {str(overrides)!r}: changes a campaign, give it with --preset NAME")
    # the inputs are checked before the store is opened: a bad file leaves nothing behind
    flow = _read_flow(flow_file) if flow_file is not None else None
    campaign_overrides = _campaign_overrides(preset, overrides) if preset is not None else None
    if resume is not None:
        try:
            find_run(data_dir, resume)
        except RunError as err:
            fail(err)
    run = None
    try:
        open_store(data_dir, config.store)  # an unreachable database fails here, before any job
        if resume is not None:
            run = find_run(data_dir, resume)
        elif preset is not None:
            from naspe.workflows.cli.campaign import run_campaign

            run = run_campaign(preset, campaign_overrides, config, data_dir, name, False)
        else:
            if probe:
                from naspe.workflows.execution.probe_jobs import probe_flow

                flow = probe_flow()
            run = create_run(flow, config, data_dir, name)
        check_run(run)  # an old run this version cannot resume is refused before a driver starts
        if detach:
            pid = start_driver(run)
            typer.echo(f"submitted {run.name} (driver pid {pid}); `naspe status {run.name}` to follow, log {run}")
            return
        report = run_driver(run)
    except (RunError, StoreError, ValueError) as err:
        fail(err)
    except OSError as err:  # a full disk, quota or read-only data directory: one line, the run resumable
        made = run is not None and (run / SUBMISSION_FILE).exists()  # else the same command starts it
        fail(resource_fault(err, _resume_command(run, config_file) if made else None) or err)
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


def status(
    run_id: Annotated[str | None, typer.Argument(help="Run name (default: the latest run)", callback=run_name)] = None,
    config_file: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Jobs of a run by state, with the driver and the scheduler job ids; sigma ± error and time to target per T."""
    from naspe.workflows.execution.runs import RunError, find_run, run_status
    from naspe.workflows.flows.conductivity.progress import npt_line, progress_line, read_npt_progress, read_progress

    _, data_dir = config_and_data_dir(config_file)
    try:
        run = find_run(data_dir, run_id)
        info = run_status(run)
    except (RunError, ValueError) as err:  # ValueError: a run file that is not valid JSON
        fail(str(err))
    info["conductivity"] = read_progress(run / "jobs")  # adaptive productions, one entry per temperature
    info["equilibration"] = read_npt_progress(run / "jobs")  # NPT in segments, one entry per replica
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    driver = info["driver"]["detail"]  # a stale driver.pid says so
    counts = ", ".join(f"{n} {s}" for s, n in sorted(info["counts"].items())) or "no jobs yet"
    typer.echo(f"{info['run']} ({info['scheduler']}, {driver}): {counts}")
    for kind, ids in sorted(info["scheduler_jobs"].items()):
        typer.echo(f"  {kind} blocks: {' '.join(ids)}")
    for job in info["jobs"]:
        error = f"  {job['error']}" if job["error"] else ""
        typer.echo(f"  {job['state']:8s} {job['kind']:8s} {job['name']} (x{job['attempts']}){error}")
    if info["equilibration"]:
        typer.echo("  equilibration (NPT in segments):")
        for progress in info["equilibration"]:
            typer.echo(f"    {npt_line(progress)}")
    if info["conductivity"]:
        typer.echo("  conductivity (adaptive production):")
        for progress in info["conductivity"]:
            typer.echo(f"    {progress_line(progress)}")


def cancel(
    run_id: Annotated[str | None, typer.Argument(help="Run name (default: the latest run)", callback=run_name)] = None,
    config_file: ConfigOpt = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds (s) to wait for the driver to stop", callback=at_least(0))
    ] = 120.0,
) -> None:
    """Stop a run's driver cleanly: its blocks are cancelled, finished results kept, the rest resumable."""
    from naspe.workflows.execution.runs import RunError, cancel_run, driver_status, find_run

    _, data_dir = config_and_data_dir(config_file)
    try:
        run = find_run(data_dir, run_id)
        stopped = cancel_run(run, timeout)  # signals only the process holding the run's lock
    except RunError as err:
        fail(str(err))
    driver = driver_status(run)
    if not stopped and driver["state"] == "stale":
        typer.echo(f"{run.name}: {driver['detail']}; nothing signalled")
        return
    typer.echo(
        f"{run.name}: "
        + ("stopped; resume with `naspe submit --resume " + run.name + "`" if stopped else "no driver running")
    )


def register(app: typer.Typer) -> None:
    """Add the run commands to the ``naspe`` app."""
    app.command("submit")(submit)
    app.command("status")(status)
    app.command("cancel")(cancel)
