"""``naspe adhesion``: the work of adhesion of one interface (GPAW, CP2K, GFN2-xTB or VASP)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naspe.structures.bounds import FMAX_EV_A, GAP_ANGSTROM, LAYERS, MAX_STRAIN, RELAX_STEPS, REPEAT
from naspe.workflows.cli.common import Engine, engine_options, fail
from naspe.workflows.cli.options import SaveOpt, file_run, output_dir, results_database, within

__all__ = ["register"]


def adhesion_cmd(
    ctx: typer.Context,
    substrate: Annotated[str, typer.Option(help="na100, na110, na111, graphene, graphite, graphene-vacancy, ...")],
    film: Annotated[
        str, typer.Option(help="peo (periodic chain), nafsi (ion pair), peo-nafsi, na110 (on graphite)")
    ] = "peo",
    engine: Annotated[
        Engine, typer.Option(help="gpaw (PBE-D3, LCAO), cp2k (PBE-D3, GPW), tblite (GFN2-xTB) or vasp")
    ] = Engine.gpaw,
    layers: Annotated[int, typer.Option(help="Substrate layers", callback=within(LAYERS))] = 3,
    repeat: Annotated[
        tuple[int, int] | None,
        typer.Option(help="Substrate lateral repeats (default: fits the PEO repeat)", callback=within(REPEAT)),
    ] = None,
    gap: Annotated[float, typer.Option(help="Substrate-film gap (Å)", callback=within(GAP_ANGSTROM))] = 2.8,
    steps: Annotated[
        int, typer.Option(help="Relaxation steps (1 = single points; gpaw, cp2k, tblite)", callback=within(RELAX_STEPS))
    ] = 100,
    fmax: Annotated[
        float, typer.Option(help="Force criterion (eV/Å; gpaw, cp2k, tblite)", callback=within(FMAX_EV_A))
    ] = 0.05,
    max_strain: Annotated[
        float, typer.Option(help="Largest chain strain (fraction)", callback=within(MAX_STRAIN))
    ] = 0.05,
    scan: Annotated[bool, typer.Option(help="Rigid separation scan with a UBER fit (gpaw, cp2k, tblite)")] = False,
    out: Annotated[Path, typer.Option(help="Run directory (rerunning reuses its finished calculations)")] = Path(
        "naspe-adhesion"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    save: SaveOpt = False,
) -> None:
    """Work of adhesion (J/m^2) of PEO / NaFSI / Na on a substrate, with the bonds formed."""
    from naspe.structures.study import build_adhesion_system
    from naspe.structures.systems import Interface
    from naspe.structures.topology import to_pymatgen
    from naspe.workflows.flows.adhesion.makers import adhesion_maker

    output_dir(out)  # before any work: an --out that cannot be a directory costs nothing
    data_dir = results_database(save)  # and a --save whose database cannot be written
    try:
        spec, options = engine_options(ctx, engine, steps=steps, fmax=fmax, scan=scan)
        result = build_adhesion_system(substrate, film, layers, repeat, gap, 8.0, max_strain)
        maker = adhesion_maker(spec.name, **options)
        flow = maker.make(to_pymatgen(result.atoms), result.n_substrate, result.strain)
        tags = {"component": "adhesion", "system": Interface(film, substrate).name, "engine": spec.name}
        flow.update_metadata(tags)  # as the campaign tags its adhesion jobs: the queries group by them
    except (ValueError, RuntimeError) as err:
        fail(err)
    from naspe.analysis.output_files import write_text_replacing
    from naspe.workflows.cli.quality import AdhesionSummary, read_document
    from naspe.workflows.dft.progress import ProgressFollower
    from naspe.workflows.execution.runner import lock_run_dir, run_flow  # here: keeps CLI start-up fast
    from naspe.workflows.flows.adhesion.schemas import AdhesionDocument

    try:
        held = lock_run_dir(out)  # until the summary is written: a second run into the same --out is refused
        with ProgressFollower(out):  # each DFT step (energy, fmax, s/step, time left) on stderr
            run = run_flow(flow, out)  # resumable: a rerun in the same --out reuses every finished calculation
    except ValueError as err:  # --out in use by another run, or a results.json that is not valid JSON
        fail(err)
    output = run.output(flow.jobs[-1])
    if output is None:
        fail(run.failure_message(flow))
    try:
        summary = AdhesionSummary.of(
            read_document(output, AdhesionDocument, out),
            substrate,
            film,
            reused_calculations=len(run.reused),
            run_dir=str(out.resolve()),
            filed_in=file_run(run, data_dir, tags),  # the data directory (--save), or None
        )
    except ValueError as err:
        fail(err)
    text = summary.model_dump_json(indent=2)
    write_text_replacing(out / "adhesion.json", text)
    held.close()
    if as_json:
        typer.echo(text)
    else:
        raw = summary.w_adh_raw_J_m2
        corrected = f" counterpoise-corrected, raw {raw:.3f}" if summary.counterpoise_corrected else ""
        typer.echo(
            f"W_adh = {summary.w_adh_J_m2:.3f} J/m^2{corrected} ({engine.value}, "
            f"area {summary.area_angstrom2:.1f} Å^2, strain {summary.strain:.3f}); "
            f"interface bonds {summary.interface_bonds}"
        )
        if (caveat := summary.verdict()) is not None:
            typer.echo(caveat)


def register(app: typer.Typer) -> None:
    """Add ``naspe adhesion`` to ``app``."""
    app.command("adhesion")(adhesion_cmd)
