"""Validation table: the latest document of each case (computed vs reference vs tolerance), and its report rows.

A case run again replaces its earlier row (the latest completed document of each
(suite, case) counts), so a case first stored as *not run* and then computed shows
its value. The report's validation section is :func:`validation_rows` of this table.
"""

from __future__ import annotations

import pandas as pd

from naspe.workflows.results.report_format import MISSING, Code, fmt, num, rows
from naspe.workflows.results.report_tables import Table
from naspe.workflows.results.store_reader import ROW_KEYS, as_store, equal, frame
from naspe.workflows.results.typed_read import read
from naspe.workflows.validation.documents import ValidationDocument

__all__ = ["validation_table", "validation_rows", "VALIDATION_COLUMNS"]

VALIDATION_COLUMNS = (
    *ROW_KEYS,
    "suite",
    "case",
    "quantity",
    "unit",
    "computed",
    "computed_uncertainty",
    "reference",
    "reference_uncertainty",
    "tolerance",
    "tolerance_kind",
    "tolerance_abs",
    "deviation",
    "passed",
    "status",
    "reason",
    "reference_kind",
    "reference_source",
    "level_of_theory",
    "engine",
    "engine_version",
    "wall_time_s",
    "cores",
    "load_average",
    "cost",
    "convergence",
    "later_not_run",
)
#: the columns that are ValidationDocument fields
_DOCUMENT_COLUMNS = set(VALIDATION_COLUMNS) - {*ROW_KEYS, "later_not_run"}


def validation_table(store, *, suite: str | None = None, case: str | None = None, status: str | None = None):
    """One row per validation case (its latest ``ValidationDocument``), in suite and completion order.

    A case with a computed value shows its latest computed document, also when a not-run record of
    it was stored later (a run whose calculation failed, or a failed read of a reused result); that
    record's reason is then in ``later_not_run``.

    Parameters
    ----------
    store
        A JobStore or a naspe data directory.
    suite, case, status
        Exact filters (case-insensitive): ``dft``/``md``, a case name, ``passed``/``failed``/``not run``.

    Returns
    -------
    pandas.DataFrame
        Job columns, ``suite``, ``case``, ``quantity``, ``unit``, ``computed`` (± ``computed_uncertainty``),
        ``reference`` (± ``reference_uncertainty``), ``tolerance`` (``tolerance_kind`` abs: unit, rel:
        fraction; ``tolerance_abs`` in the unit), ``deviation``, ``passed``, ``status``, ``reason``, the
        reference's kind and source, ``level_of_theory``, ``engine``, ``wall_time_s`` (s), ``cores``, ``cost``.
    """
    store = as_store(store)
    computed: dict[tuple[str, str], dict] = {}
    not_run: dict[tuple[str, str], dict] = {}
    for stored in read(store, ValidationDocument):  # oldest first: a later document of a case replaces it
        doc = stored.doc
        row = {k: v for k, v in stored.row().items() if k in ROW_KEYS}
        row |= doc.model_dump(include=_DOCUMENT_COLUMNS) | {"later_not_run": None}
        (not_run if doc.status == "not run" else computed)[(doc.suite, doc.case)] = row
    # a computed value wins over a not-run record (a rerun reuses the value, which keeps its first completion
    # time); a not-run record completed after it is kept beside it, as later_not_run
    latest = dict(not_run)
    for key, row in computed.items():
        later = not_run.get(key)
        newer = later is not None and str(later["completed_at"] or "") > str(row["completed_at"] or "")
        latest[key] = row | {"later_not_run": later["reason"] if newer else None}
    found = sorted(latest.values(), key=lambda r: (r["suite"], str(r["completed_at"] or "")))
    for key, wanted in (("suite", suite), ("case", case), ("status", status)):
        if wanted is not None:
            found = [r for r in found if equal(r[key], wanted)]
    return frame(found, VALIDATION_COLUMNS)


def validation_rows(table: pd.DataFrame):
    """The report's validation table: case, computed ± uncertainty, reference, tolerance, result, time, source."""
    out = Table(
        (
            "suite",
            "case",
            "quantity",
            "computed",
            "reference",
            "tolerance",
            "result",
            "time (s)",
            "level of theory",
            "reference source",
            "job uuid",
        )
    )
    for r in rows(table):
        u = r["job_uuid"]
        unit = r["unit"]
        if r.get("computed") is None:
            computed = (MISSING,)
        elif r.get("computed_uncertainty") is None:
            computed = (num(r["computed"], u, ".4g"), f" {unit}")
        else:
            computed = (num(r["computed"], u, ".4g"), " ± ", num(r["computed_uncertainty"], u, ".2g"), f" {unit}")
        ref = f"{fmt(r['reference'], '.4g')}"
        if r.get("reference_uncertainty") is not None:
            ref += f" ± {fmt(r['reference_uncertainty'], '.2g')}"
        tol = f"± {100 * r['tolerance']:g} %" if r["tolerance_kind"] == "rel" else f"± {r['tolerance']:g} {unit}"
        result = r["status"] + (f": {r['reason']}" if r["status"] == "not run" and r.get("reason") else "")
        if r.get("later_not_run"):
            result += f" (a later run gave no value: {r['later_not_run']})"
        time_s = MISSING
        if r.get("wall_time_s") is not None:
            load = "" if r.get("load_average") is None else f", load {r['load_average']:.1f}"
            time_s = f"{r['wall_time_s']:.0f} ({r.get('cores')} cores{load})"
        out.rows.append(
            (
                (r["suite"],),
                (r["case"],),
                (r["quantity"],),
                computed,
                (f"{ref} {unit} ({r['reference_kind']})",),
                (tol,),
                (result,),
                (time_s,),
                (str(r.get("level_of_theory")),),
                (str(r.get("reference_source")),),
                (Code(u),),
            )
        )
    return out
