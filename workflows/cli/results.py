"""``naspe query ...`` and ``naspe report``: the results database as tables and as an HTML report."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import fail
from naspe.workflows.cli.filters import (
    ComponentOpt,
    CoreLevelEngineOpt,
    DftEngineOpt,
    ElementOpt,
    MdEngineOpt,
    PresetOpt,
    SaltOpt,
    StateOpt,
    TmaxCOpt,
    TmaxKOpt,
    TminCOpt,
    TminKOpt,
    check_fits_filters,
    check_output_form,
    check_temperatures,
)
from naspe.workflows.cli.options import one_of, output_dir, run_name

__all__ = ["register", "query_app"]

query_app = typer.Typer(
    help="Query the results database: conductivity, adhesion, bonding, corelevels, jobs, validation.",
    no_args_is_help=True,
)

DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="naspe data directory (default: settings data_dir)")
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Execution configuration YAML naming the store (default: local)")
]
InterfaceOpt = Annotated[str | None, typer.Option(help="System / interface, e.g. peo/na110 (exact, else substring)")]
CampaignOpt = Annotated[str | None, typer.Option(help="Campaign name (job metadata)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON list of rows ([] when none)")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV (the header only when no rows)")]

_HINT = "run `naspe run --preset quick` first"


def _data_dir_and_store_config(data_dir: Path | None, config_file: Path | None):
    from naspe.workflows.base.settings import load_settings
    from naspe.workflows.execution.hpc_config import ConfigError, load_execution_config

    try:
        config = load_execution_config(config_file)
    except ConfigError as err:
        fail(err)
    try:
        chosen = data_dir or config.data_dir or load_settings().data_dir
    except (ValueError, FileNotFoundError) as err:
        fail(err)
    return Path(chosen), config.store


def _open(data_dir: Path | None, config_file: Path | None):
    """(data_dir, the store opened read-only); no store there, or one that cannot be opened, is one line, exit 2."""
    from naspe.workflows.execution.store_paths import StoreError
    from naspe.workflows.results.read_store import open_for_reading

    data_dir, store_config = _data_dir_and_store_config(data_dir, config_file)
    try:
        store = open_for_reading(data_dir, store_config)  # writes no store, not even a new one: its query index at most
    except StoreError as err:
        fail(err)
    return data_dir, store


def _check_campaign(store, data_dir: Path, campaign: str | None) -> None:
    if campaign is None:
        return
    from naspe.workflows.results.store_reader import campaigns

    known = campaigns(store)
    if campaign not in known:
        fail(f"campaign {campaign!r} not found in {data_dir}; campaigns there: {', '.join(known) or 'none'}")


def _plain(value):
    """JSON-ready value: NaN -> None, numpy scalars -> Python."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _emit(
    df,
    what: str,
    data_dir: Path,
    filtered: bool,
    as_json: bool,
    as_csv: bool,
    columns: list[str],
    empty: str | None = None,
) -> None:
    """Print ``df`` (a DataFrame or a :class:`~naspe.workflows.results.row_table.RowTable`) as JSON, CSV or a table.

    No rows: JSON ``[]`` and CSV the header only, exit 0 (a script reads an empty
    answer); the table form ends with one sentence on stderr and exit 2 (``empty``,
    else one naming the filters or the command that makes results). A RowTable of plain
    values is printed without pandas, as pandas prints it (see its module); any other
    becomes a DataFrame first.
    """
    from naspe.workflows.results.row_table import RowTable

    if as_json and as_csv:
        fail("give at most one of --json and --csv")
    plain = isinstance(df, RowTable) and df.plain
    if isinstance(df, RowTable) and not plain:
        df = df.to_frame()
    if as_json:
        records = df.records() if plain else df.to_dict(orient="records")
        rows = [{k: _plain(v) for k, v in r.items()} for r in records]
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    if as_csv:
        typer.echo(df.to_csv() if plain else df.to_csv(index=False), nl=False)
        return
    if not len(df):
        if empty is not None:
            fail(empty)
        if filtered:
            fail(f"no {what} results in {data_dir} match the filters")
        fail(f"no {what} results in {data_dir}; {_HINT}")
    if plain:
        typer.echo(df.to_text(columns, float_format=_shown_float, na_rep="-"))
        return
    import pandas as pd  # loaded by the query already; kept out of the CLI start-up

    shown = df[[c for c in columns if c in df.columns]]
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        typer.echo(shown.to_string(index=False, float_format=_shown_float, na_rep="-"))


def _shown_float(x: float) -> str:
    """A float in a printed table: four significant digits."""
    return f"{x:.4g}"


def _filtered(*values) -> bool:
    return any(v is not None for v in values)


@query_app.command("conductivity")
def query_conductivity(
    salt: SaltOpt = None,
    tmin_c: TminCOpt = None,
    tmax_c: TmaxCOpt = None,
    tmin_k: TminKOpt = None,
    tmax_k: TmaxKOpt = None,
    interface: InterfaceOpt = None,
    engine: MdEngineOpt = None,
    preset: PresetOpt = None,
    campaign: CampaignOpt = None,
    fits: Annotated[bool, typer.Option("--fits", help="The Arrhenius / VTF fits of the summaries instead")] = False,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    data_dir: DataDirOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """Conductivity (S/cm) per temperature and replica from the MD transport analyses."""
    from naspe.workflows.results.queries import conductivity_fit_table, conductivity_table

    check_output_form(as_json, as_csv)
    check_temperatures(tmin_c, tmax_c, tmin_k, tmax_k)
    if fits:
        temperatures = {"--tmin-c": tmin_c, "--tmax-c": tmax_c, "--tmin-k": tmin_k, "--tmax-k": tmax_k}
        check_fits_filters(**temperatures, **{"--engine": engine})
    data_dir, store = _open(data_dir, config_file)
    _check_campaign(store, data_dir, campaign)
    if fits:
        df = conductivity_fit_table(store, salt=salt, interface=interface, preset=preset, campaign=campaign)
        cols = [
            "model",
            "quantity",
            "activation_energy_eV",
            "activation_energy_stderr_eV",
            "prefactor",
            "t0_K",
            "n_temperatures",
            "preset",
            "campaign",
            "job_uuid",
        ]
        _emit(df, "conductivity fit", data_dir, _filtered(salt, interface, preset, campaign), as_json, as_csv, cols)
        return
    df = conductivity_table(
        store,
        salt=salt,
        tmin_c=tmin_c,
        tmax_c=tmax_c,
        tmin_k=tmin_k,
        tmax_k=tmax_k,
        interface=interface,
        engine=engine,
        preset=preset,
        campaign=campaign,
    )
    cols = [
        "temperature_C",
        "replica",
        "sigma_eh_S_cm",
        "sigma_eh_stderr_S_cm",
        "sigma_ne_S_cm",
        "haven_ratio",
        "diffusive",
        "salt",
        "preset",
        "campaign",
        "job_uuid",
    ]
    filtered = _filtered(salt, tmin_c, tmax_c, tmin_k, tmax_k, interface, engine, preset, campaign)
    _emit(df, "conductivity", data_dir, filtered, as_json, as_csv, cols)


@query_app.command("adhesion")
def query_adhesion(
    salt: SaltOpt = None,
    interface: InterfaceOpt = None,
    engine: DftEngineOpt = None,
    preset: PresetOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    data_dir: DataDirOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """Work of adhesion (J/m^2) per interface, strongest first, with the interface bonds and convergence.

    ``converged`` is no when a relaxation of the interface, substrate or film stopped at its step limit
    (``not_converged`` names it; ``convergence_detail`` in --json/--csv says why), unknown when not recorded;
    ``purpose`` is screening or production.
    """
    from naspe.workflows.results.adhesion_tables import adhesion_row_table

    check_output_form(as_json, as_csv)
    data_dir, store = _open(data_dir, config_file)
    _check_campaign(store, data_dir, campaign)
    df = adhesion_row_table(store, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    cols = [
        "system",
        "substrate_class",
        "engine",
        "w_adh_J_m2",
        "converged",
        "not_converged",
        "purpose",
        "area_angstrom2",
        "film_eo_per_nm2",
        "strain",
        "interface_bonds",
        "film_intact",
        "preset",
        "campaign",
        "job_uuid",
    ]
    _emit(df, "adhesion", data_dir, _filtered(salt, interface, engine, preset, campaign), as_json, as_csv, cols)


@query_app.command("bonding")
def query_bonding(
    salt: SaltOpt = None,
    interface: InterfaceOpt = None,
    engine: DftEngineOpt = None,
    preset: PresetOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    data_dir: DataDirOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """Bonds across interfaces (adhesion, binding, reaction documents): kind, count, lengths (Å), orders."""
    from naspe.workflows.results.queries import bonding_table

    check_output_form(as_json, as_csv)
    data_dir, store = _open(data_dir, config_file)
    _check_campaign(store, data_dir, campaign)
    df = bonding_table(store, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign)
    cols = [
        "source",
        "system",
        "engine",
        "bond_kind",
        "count",
        "n_formed",
        "length_mean_angstrom",
        "order_mean",
        "energy_eV",
        "w_adh_J_m2",
        "converged",
        "purpose",
        "preset",
        "job_uuid",
    ]
    _emit(df, "bonding", data_dir, _filtered(salt, interface, engine, preset, campaign), as_json, as_csv, cols)


@query_app.command("corelevels")
def query_core_levels(
    salt: SaltOpt = None,
    interface: InterfaceOpt = None,
    engine: CoreLevelEngineOpt = None,
    preset: PresetOpt = None,
    campaign: CampaignOpt = None,
    element: ElementOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    data_dir: DataDirOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """Core-level shifts and XPS-aligned binding energies (eV) against the XPS ranges."""
    from naspe.workflows.results.queries import core_level_table

    check_output_form(as_json, as_csv)
    data_dir, store = _open(data_dir, config_file)
    _check_campaign(store, data_dir, campaign)
    df = core_level_table(
        store, salt=salt, interface=interface, engine=engine, preset=preset, campaign=campaign, element=element
    )
    cols = [
        "system",
        "element",
        "index",
        "environment",
        "shift_eV",
        "binding_energy_eV",
        "xps_low_eV",
        "xps_high_eV",
        "within_xps",
        "converged",
        "preset",
        "job_uuid",
    ]
    filtered = _filtered(salt, interface, engine, preset, campaign, element)
    _emit(df, "core-level", data_dir, filtered, as_json, as_csv, cols)


@query_app.command("jobs")
def query_jobs(
    run: Annotated[str | None, typer.Option(help="Run name (default: every run)", callback=run_name)] = None,
    state: StateOpt = None,
    component: ComponentOpt = None,
    salt: SaltOpt = None,
    interface: InterfaceOpt = None,
    preset: PresetOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    data_dir: DataDirOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """Jobs of the runs under <data_dir>/runs: state, attempts, times and campaign parameters."""
    from naspe.workflows.execution.run_files import RunError, find_run
    from naspe.workflows.execution.state import StateError
    from naspe.workflows.results.job_tables import jobs_row_table

    check_output_form(as_json, as_csv)
    if run is not None:  # before the store is opened: a run that is not there leaves nothing behind
        try:
            find_run(_data_dir_and_store_config(data_dir, config_file)[0], run)
        except RunError as err:
            fail(str(err))
    data_dir, store = _open(data_dir, config_file)
    try:
        df = jobs_row_table(
            data_dir,
            store,
            run=run,
            state=state,
            preset=preset,
            campaign=campaign,
            component=component,
            salt=salt,
            interface=interface,
        )
    except (RunError, StateError) as err:
        fail(str(err))
    cols = ["run", "state", "kind", "job_name", "attempts", "finished", "component", "preset", "job_uuid", "error"]
    filtered = _filtered(run, state, component, salt, interface, preset, campaign)
    empty = None if filtered else f"no runs in {data_dir / 'runs'}; {_HINT}"
    _emit(df, "job", data_dir, True, as_json, as_csv, cols, empty=empty)


@query_app.command("validation")
def query_validation(
    suite: Annotated[str | None, typer.Option(help="dft or md", callback=one_of(("dft", "md")))] = None,
    case: Annotated[str | None, typer.Option(help="Case name (naspe validate lists them)")] = None,
    status: Annotated[
        str | None, typer.Option(help="passed, failed or not run", callback=one_of(("passed", "failed", "not run")))
    ] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    data_dir: DataDirOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """Validation cases: computed vs reference vs tolerance, passed or not, wall time (s)."""
    from naspe.workflows.results.queries import validation_table

    check_output_form(as_json, as_csv)
    if case is not None:  # checked against the registry before the store is opened
        from naspe.workflows.validation.registry import get_case, suite_cases

        suites = [suite] if suite else ["dft", "md"]
        known = [n for s in suites for n in suite_cases(s)]

        def variant(name: str, s: str) -> bool:  # g1-density@clpol, li-dme-tfsi-conductivity@q0.7
            try:
                return "@" in name and get_case(s, name) is not None
            except ValueError:
                return False

        if case not in known and not any(variant(case, s) for s in suites):
            fail(f"--case {case!r}: not a validation case; allowed are {', '.join(known) or 'none'}")
    data_dir, store = _open(data_dir, config_file)
    df = validation_table(store, suite=suite, case=case, status=status)
    cols = [
        "suite",
        "case",
        "unit",
        "computed",
        "computed_uncertainty",
        "reference",
        "tolerance_abs",
        "status",
        "wall_time_s",
        "cores",
        "job_uuid",
    ]
    empty = None if _filtered(suite, case, status) else f"no validation results in {data_dir}; run `naspe validate dft`"
    _emit(df, "validation", data_dir, True, as_json, as_csv, cols, empty=empty)


def report(
    out: Annotated[Path, typer.Option(help="Directory for report.html and the PNG figures")] = Path("naspe-report"),
    campaign: CampaignOpt = None,
    data_dir: DataDirOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """HTML report (self-contained, opens offline) with figures, tables and a conclusion from the numbers."""
    from naspe.workflows.results.queries import (
        adhesion_table,
        bonding_table,
        conductivity_table,
        core_level_table,
        validation_table,
    )
    from naspe.workflows.results.report import FIGURES, build_report

    output_dir(out)  # before the store is opened and any figure drawn
    data_dir, store = _open(data_dir, config_file)
    _check_campaign(store, data_dir, campaign)
    if not len(validation_table(store)) and not any(
        len(f(store, campaign=campaign)) for f in (conductivity_table, adhesion_table, bonding_table, core_level_table)
    ):
        fail(f"no results in {data_dir}; {_HINT}")
    try:
        path = build_report(store, out, campaign=campaign)
    except (OSError, ValueError) as err:
        fail(err)
    figures = ", ".join(str(path.parent / name) for name in FIGURES)
    typer.echo(f"report written to {path} (figures: {figures})")


def register(app: typer.Typer) -> None:
    """Add ``naspe query ...`` and ``naspe report`` to the ``naspe`` app."""
    app.add_typer(query_app, name="query")
    app.command("report")(report)
