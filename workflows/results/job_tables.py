"""Jobs table: every job of the runs under ``<data_dir>/runs`` with its state, from the run state files.

The state comes from each run's ``flow-state.json`` (written by the driver), the
metadata from the store (finished jobs) or from the run's flow (the others).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from naspe.workflows.results.row_table import RowTable
from naspe.workflows.results.store_reader import META_KEYS, as_store, equal, filter_rows, newest_by_uuid

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["jobs_table", "jobs_row_table"]

_JOB_COLUMNS = (
    "run",
    "job_uuid",
    "job_index",
    "job_name",
    "kind",
    "state",
    "attempts",
    "started",
    "finished",
    "completed_at",
    *META_KEYS,
    "error",
)


def _job_metadata(node, found: dict[str, dict]) -> None:
    """Collect uuid -> metadata of every serialised Job inside ``node`` (a Flow / Job dict)."""
    if isinstance(node, dict):
        if node.get("@class") == "Job" and "uuid" in node:
            found.setdefault(node["uuid"], node.get("metadata") or {})
        for value in node.values():
            _job_metadata(value, found)
    elif isinstance(node, list):
        for value in node:
            _job_metadata(value, found)


def jobs_table(data_dir: str | Path, store=None, **filters: str | None) -> pd.DataFrame:
    """Every job of the runs under ``<data_dir>/runs`` (or of ``run``): :func:`jobs_row_table` as a DataFrame.

    ``filters`` and the columns are those of :func:`jobs_row_table` (``run``, ``state``, ``preset``,
    ``campaign``, ``component``, ``salt``, ``interface``).

    Returns
    -------
    pandas.DataFrame
        One row per job.
    """
    return jobs_row_table(data_dir, store, **filters).to_frame()


def jobs_row_table(
    data_dir: str | Path,
    store=None,
    *,
    run: str | None = None,
    state: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
    component: str | None = None,
    salt: str | None = None,
    interface: str | None = None,
) -> RowTable:
    """Every job of the runs under ``<data_dir>/runs`` (or of ``run``) with its state.

    Parameters
    ----------
    data_dir
        naspe data directory.
    store
        The results store, for ``completed_at`` and the metadata of finished jobs; None: no store
        columns from it (the metadata still comes from the run's flow).
    run
        Run name; None: all runs.
    state
        Keep jobs in this state (waiting, running, done, failed, skipped, stopped).
    preset, campaign, component, salt, interface
        Filters on the jobs' metadata (``interface`` on ``system``).

    Returns
    -------
    RowTable
        ``run``, ``job_uuid``, ``job_index``, ``job_name``, ``kind``, ``state``, ``attempts``, ``started``,
        ``finished``, ``completed_at`` (store), metadata columns and ``error`` (first line).

    Raises
    ------
    naspe.workflows.execution.run_files.RunError
        When ``run`` is not found.
    """
    from naspe.workflows.execution.run_files import FLOW_FILE, SUBMISSION_FILE, find_run, runs_dir
    from naspe.workflows.execution.state import read_state

    if run is not None:
        runs = [find_run(data_dir, run)]
    else:
        base = runs_dir(data_dir)
        runs = sorted(p for p in base.glob("*") if (p / SUBMISSION_FILE).exists()) if base.exists() else []
    if store is not None:
        store = as_store(store)
    rows = []
    for run_dir in runs:
        saved = read_state(run_dir.absolute()) or {"records": {}}  # StateError names the file and the remedy
        meta: dict[str, dict] = {}
        try:
            _job_metadata(saved.get("root") or json.loads((run_dir / FLOW_FILE).read_text()), meta)
        except (OSError, ValueError):
            pass
        _job_metadata(saved.get("added") or [], meta)
        stored = (
            newest_by_uuid(store, list(saved["records"]), ["completed_at", "metadata"]) if store is not None else {}
        )
        for uuid, rec in saved["records"].items():
            doc = stored.get(uuid)
            m = (doc or {}).get("metadata") or meta.get(uuid) or {}
            error = (rec.get("error") or "").strip().splitlines()
            rows.append(
                {
                    "run": run_dir.name,
                    "job_uuid": uuid,
                    "job_index": rec.get("index"),
                    "job_name": rec.get("name"),
                    "kind": rec.get("kind"),
                    "state": rec.get("state"),
                    "attempts": rec.get("attempts"),
                    "started": rec.get("started"),
                    "finished": rec.get("finished"),
                    "completed_at": (doc or {}).get("completed_at"),
                    **{k: m.get(k) for k in META_KEYS},
                    "error": error[0] if error else None,
                }
            )
    rows = filter_rows(rows, salt=salt, interface=interface, preset=preset, campaign=campaign)
    for key, wanted in (("state", state), ("component", component)):
        if wanted is not None:
            rows = [r for r in rows if equal(r.get(key), wanted)]
    rows.sort(key=lambda r: (r["run"], r["started"] or "~", r["job_name"] or ""))
    return RowTable(rows, _JOB_COLUMNS)
