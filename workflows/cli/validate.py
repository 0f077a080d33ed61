"""``naspe validate dft|md``: run the validation cases, store their documents, print computed vs reference.

Each case's Flow runs through :func:`naspe.workflows.execution.runner.run_flow`
in its own run directory, ``<data_dir>/validation/<suite>/<case>``, with the
results store of the data directory (so ``naspe query validation`` and the
report see them; a rerun reuses every finished calculation). A case that cannot
run (a module it needs is missing, a calculation failed) is stored and printed
as *not run* with the reason, never as passed.

Exit status: 0 when every selected case that can run here produced a value
(whether it passed or failed its tolerance: a failed comparison is a finding,
reported, not an error); 1 when a case's calculation did not produce a value;
2 for bad input (one line, nothing written); 128 + signal when stopped by
SIGINT/SIGTERM (rerun the command to resume). Cases waiting for a module
(``needs``) are listed as not run and do not change the status.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import config_and_data_dir, fail

__all__ = ["register", "Suite"]


class Suite(str, Enum):
    """The validation suites."""

    dft = "dft"
    md = "md"


def _case_names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise ValueError(f"--cases {value!r}: give case names separated by commas")
    return names


def _data_dir(given: Path | None, config_file: Path | None):
    """(configuration, data directory): ``--data-dir`` or the configured one; a path that is a file is refused."""
    config, data_dir = config_and_data_dir(config_file)
    if given is not None:
        data_dir = given.expanduser().resolve()
        option = "--data-dir"
    else:
        option = "data directory"
    if data_dir.exists() and not data_dir.is_dir():
        fail(f"{option} {str(given or data_dir)!r}: not a directory")
    return config, data_dir


def _run_case(case, data_dir: Path, store) -> tuple[dict, object]:
    """Run one case (or store its not-run record); returns (document as a dict, the FlowRun)."""
    from naspe.workflows.base.identity import with_content_uuid
    from naspe.workflows.execution.runner import run_flow
    from naspe.workflows.validation.dft_jobs import not_run_document

    run_dir = data_dir / "validation" / case.suite / case.name
    reason = case.needs
    run = None
    if case.runnable:
        try:
            flow = case.make()
            run = run_flow(flow, run_dir, store=store)
        except Exception as err:  # noqa: BLE001 - a case that cannot be built or run is reported, not a crash
            reason = f"{type(err).__name__}: {err}"
        else:
            if run.interrupted:
                return {}, run
            last = flow.jobs[-1] if hasattr(flow, "jobs") else flow  # the case's document job
            doc = run.output(last)
            if doc is not None:
                return doc, run
            reason = run.failure_message(flow)
    record = with_content_uuid(not_run_document(case.suite, case.name, reason))
    run_flow(record, run_dir / "not-run", store=store)
    from naspe.workflows.validation.documents import ValidationDocument

    return ValidationDocument.not_run(case, reason).model_dump(mode="json"), run


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def _row(doc: dict) -> list[str]:
    computed = _fmt(doc.get("computed"))
    if doc.get("computed") is not None and doc.get("computed_uncertainty") is not None:
        computed += f" ± {_fmt(doc['computed_uncertainty'], 2)}"
    ref = _fmt(doc["reference"])
    if doc.get("reference_uncertainty"):
        ref += f" ± {_fmt(doc['reference_uncertainty'], 2)}"
    tol = f"± {100 * doc['tolerance']:g} %" if doc["tolerance_kind"] == "rel" else f"± {doc['tolerance']:g}"
    time_s = "-" if doc.get("wall_time_s") is None else f"{doc['wall_time_s']:.0f}"
    return [doc["case"], doc["unit"], computed, ref, tol, doc["status"], time_s]


def _table(docs: list[dict]) -> str:
    head = ["case", "unit", "computed", "reference", "tolerance", "result", "time (s)"]
    rows = [head] + [_row(d) for d in docs]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def validate_cmd(
    suite: Annotated[Suite, typer.Argument(help="dft (GPAW, CP2K) or md (LAMMPS)")],
    cases: Annotated[
        str | None, typer.Option(help="Comma-separated case names (default: every case of the suite)")
    ] = None,
    cheap: Annotated[bool, typer.Option(help="Only the cheap cases (seconds to a minute each; what CI runs)")] = False,
    engine: Annotated[
        str | None, typer.Option(help="Only the cases of one engine: gpaw or cp2k (dft), lammps (md)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documents as JSON")] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="naspe data directory (default: settings data_dir)")
    ] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="Execution configuration YAML naming the store (default: local)")
    ] = None,
) -> None:
    """Run validation cases: computed vs reference vs tolerance, stored in the results database."""
    from naspe.workflows.validation.registry import select_cases

    try:
        names = _case_names(cases)
        chosen = select_cases(suite.value, names, cheap, engine)
    except ValueError as err:
        fail(err)
    if not chosen:
        typer.echo(f"naspe validate {suite.value}: no {'cheap ' if cheap else ''}cases registered in this suite yet")
        return
    config, data_dir = _data_dir(data_dir, config_file)
    from naspe.workflows.execution.store import StoreError, open_store

    try:
        store = open_store(data_dir, config.store)
    except StoreError as err:
        fail(err)
    docs, incomplete = [], False
    for k, case in enumerate(chosen, 1):
        what = "not runnable here" if not case.runnable else f"{case.cost}"
        typer.echo(f"[{k}/{len(chosen)}] {case.name} ({what}): {case.quantity}", err=True)
        doc, run = _run_case(case, data_dir, store)
        if run is not None and run.interrupted:
            again = f"naspe validate {suite.value}" + (f" --cases {cases}" if cases else "")
            typer.echo(f"naspe: stopped validation at case {case.name}; rerun `{again}` to resume", err=True)
            raise typer.Exit(code=128 + (run.stop_signal or 2))
        incomplete |= doc["status"] == "not run" and case.runnable
        docs.append(doc)
    if as_json:
        typer.echo(json.dumps(docs, indent=2, default=str))
    else:
        typer.echo(_table(docs))
        for d in docs:
            if d["status"] == "not run":
                typer.echo(f"  {d['case']}: not run: {(d.get('reason') or '').splitlines()[0]}")
        counts = {s: sum(d["status"] == s for d in docs) for s in ("passed", "failed", "not run")}
        typer.echo(", ".join(f"{n} {s}" for s, n in counts.items()) + f"; stored in {data_dir}")
    if incomplete:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add ``naspe validate`` to the app."""
    app.command("validate")(validate_cmd)
