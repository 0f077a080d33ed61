"""What every command of the command line shares: the one-line error and the configuration it reads."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import NoReturn

import typer

__all__ = ["fail", "config_and_data_dir", "Engine", "run_flow_in", "flow_failure"]


def fail(message: str | Exception) -> NoReturn:
    """Print ``naspe: error: <message>`` on one line of stderr and exit with status 2."""
    text = str(message).replace("\n", "; ")
    typer.echo(f"naspe: error: {text}", err=True)
    raise typer.Exit(code=2)


def config_and_data_dir(config_file: Path | None):
    """The execution configuration (``--config`` or the defaults) and the data directory it names."""
    from naspe.workflows.base.settings import load_settings
    from naspe.workflows.execution.hpc_config import ConfigError, load_execution_config

    try:
        config = load_execution_config(config_file)
    except ConfigError as err:
        fail(err)
    data_dir = config.data_dir or load_settings().data_dir
    return config, Path(data_dir)


class Engine(str, Enum):
    """DFT / tight-binding engines."""

    gpaw = "gpaw"
    tblite = "tblite"
    vasp = "vasp"


def run_flow_in(flow, out: Path):
    """Run ``flow`` resumably with its results in ``out/results.json``; returns (store, report).

    Rerunning the same command in the same directory reuses every finished calculation.
    """
    from jobflow import JobStore
    from maggma.stores import JSONStore

    from naspe.workflows.execution.resumable import run_resumable

    out.mkdir(parents=True, exist_ok=True)
    store = JobStore(JSONStore(str(out / "results.json"), read_only=False))
    report = run_resumable(flow, store, out / "jobs")
    return store, report


def flow_failure(flow, store, report) -> RuntimeError:
    """An error naming the jobs without results and the errors their documents hold."""
    reasons = []
    for job in flow.jobs if hasattr(flow, "jobs") else [flow]:
        for j in getattr(job, "jobs", [job]):
            doc = store.query_one({"uuid": j.uuid}, properties=["output"], sort={"index": -1})
            error = ((doc or {}).get("output") or {}).get("error") if doc else None
            if error:
                reasons.append(f"{j.name}: {error}")
    detail = "; ".join(reasons) if reasons else f"no output from: {', '.join(report.failed)}"
    return RuntimeError(f"the flow did not finish ({detail})")
