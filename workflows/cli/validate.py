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

``--model clpol`` runs the MD cases with the polarisable CL&Pol model, each as
``<case>@clpol`` (:mod:`naspe.workflows.validation.md_models`); a case whose cell
CL&Pol cannot build is listed (``--list``) as not available and reported as not
run, with the reason.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import config_and_data_dir, fail
from naspe.workflows.cli.validate_tables import case_list, results_table, scaling_table

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


def _scalings(value: str | None) -> list[float] | None:
    """The ``--charge-scalings`` list: numbers in (0, 1], comma-separated, each once."""
    if value is None:
        return None
    try:
        numbers = [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise ValueError(
            f"--charge-scalings {value!r}: give numbers in (0, 1] separated by commas, e.g. 0.8,0.9,1"
        ) from None
    bad = [q for q in numbers if not 0.0 < q <= 1.0]
    if not numbers or bad:
        raise ValueError(
            f"--charge-scalings {value!r}: each must be in (0, 1] (1 = formal ion charges), e.g. 0.7,0.8,0.9,1"
        )
    return list(dict.fromkeys(numbers))


def _model(value: str | None, suite: Suite, scalings: list[float] | None) -> str | None:
    """The ``--model`` value: one of the MD models, for the md suite, not with other ion charge scalings."""
    from naspe.workflows.validation.cases import MD_MODELS

    if value is None:
        return None
    if value not in MD_MODELS:
        raise ValueError(f"--model {value!r}: allowed are {', '.join(MD_MODELS)}")
    if suite is not Suite.md:
        raise ValueError(f"--model {value} with {suite.value}: the force-field model is an md choice")
    if value != MD_MODELS[0] and scalings is not None:
        raise ValueError(
            f"--model {value} with --charge-scalings: the {value} model runs unscaled ion charges "
            "(its polarisation is explicit)"
        )
    return value


def _runs(chosen, scalings: list[float] | None, model: str | None = None) -> list:
    """The cases to run: each chosen case (with ``model``), or with ``scalings`` each case with ions at each scaling.

    A case that cannot be built with ``model`` comes back with its reason (``needs``): it is listed
    and reported as not run.
    """
    if model is not None:
        chosen = [case.with_model(model) for case in chosen]
    if scalings is None:
        return list(chosen)
    runs = []
    for case in chosen:
        if case.ion_charge_scaling is None:
            runs.append(case)  # no ions: the scaling changes nothing
        else:
            runs += [case.with_ion_charge_scaling(q) for q in scalings]
    return runs


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
    list_only: Annotated[
        bool, typer.Option("--list", help="List the cases (quantity, reference, tolerance, source); run nothing")
    ] = False,
    charge_scalings: Annotated[
        str | None,
        typer.Option(
            help="MD: run each case with ions at each of these ion charge scalings (e.g. 0.7,0.8,0.9,1) and print "
            "the density, D's vs PFG-NMR, sigma_NE, sigma_EH and ionicity table"
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="MD: run the cases with this force-field model: fixed (default) or clpol (polarisable CL&Pol; "
            "each case as <case>@clpol, cases whose cells it cannot build listed as not run with the reason)"
        ),
    ] = None,
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
        scalings = _scalings(charge_scalings)
        if scalings is not None and suite is not Suite.md:
            raise ValueError(f"--charge-scalings with {suite.value}: ion charge scalings are a force-field (md) choice")
        chosen = _runs(chosen, scalings, _model(model, suite, scalings))
    except ValueError as err:
        fail(err)
    if list_only:
        typer.echo(case_list(chosen))
        return
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
            again = (
                f"naspe validate {suite.value}"
                + (f" --cases {cases}" if cases else "")
                + (f" --charge-scalings {charge_scalings}" if charge_scalings else "")
                + (f" --model {model}" if model else "")
            )
            typer.echo(f"naspe: stopped validation at case {case.name}; rerun `{again}` to resume", err=True)
            raise typer.Exit(code=128 + (run.stop_signal or 2))
        incomplete |= doc["status"] == "not run" and case.runnable
        docs.append(doc)
    if as_json:
        typer.echo(json.dumps(docs, indent=2, default=str))
    else:
        typer.echo(scaling_table(docs) if scalings is not None else results_table(docs))
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
