"""``naspe bonding``: binding and reaction energies of a fragment on a substrate, with the bonds formed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naspe.structures.bounds import ANCHOR_HEIGHT_ANGSTROM, FMAX_EV_A, LAYERS, RELAX_STEPS, REPEAT
from naspe.workflows.cli.common import Engine, engine_options, fail
from naspe.workflows.cli.options import SaveOpt, file_run, output_dir, results_database, within

__all__ = ["register"]


def bonding_cmd(
    ctx: typer.Context,
    site: Annotated[str, typer.Option(help="graphene, graphite, vacancy, edge, oxidised, na100, na110, na111, ...")],
    fragment: Annotated[str, typer.Option(help="dme, diglyme, peo (short chain), na (adatom) or nafsi")] = "dme",
    engine: Annotated[
        Engine, typer.Option(help="gpaw (PBE-D3, LCAO), cp2k (PBE-D3, GPW), tblite (GFN2-xTB) or vasp")
    ] = Engine.gpaw,
    reaction: Annotated[
        str | None, typer.Option(help="Also a product-state reaction energy: dme-vacancy-bridge, dme-na-methoxide, ...")
    ] = None,
    layers: Annotated[int, typer.Option(help="Substrate layers (Na slabs, graphite)", callback=within(LAYERS))] = 3,
    repeat: Annotated[
        tuple[int, int] | None,
        typer.Option(help="Substrate lateral repeats (default: fits the fragment)", callback=within(REPEAT)),
    ] = None,
    height: Annotated[
        float | None,
        typer.Option(
            help="Anchor height above the substrate (Å; default: the fragment's own)",
            callback=within(ANCHOR_HEIGHT_ANGSTROM),
        ),
    ] = None,
    steps: Annotated[
        int, typer.Option(help="Relaxation steps (1 = single points; gpaw, cp2k, tblite)", callback=within(RELAX_STEPS))
    ] = 100,
    fmax: Annotated[
        float, typer.Option(help="Force criterion (eV/Å; gpaw, cp2k, tblite)", callback=within(FMAX_EV_A))
    ] = 0.05,
    out: Annotated[Path, typer.Option(help="Run directory")] = Path("naspe-bonding"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    save: SaveOpt = False,
) -> None:
    """Binding energy (eV) of a PEO / NaFSI fragment at a carbon or Na site, with bonds and charge transfer."""
    from naspe.workflows.flows.bonding.makers import bonding_flows

    output_dir(out)  # before any work: an --out that cannot be a directory costs nothing
    data_dir = results_database(save)  # and a --save whose database cannot be written
    try:
        spec, options = engine_options(ctx, engine, steps=steps, fmax=fmax)
        relax = spec.relax_maker(**options)
        flows = bonding_flows(site, fragment, spec.name, relax, reaction, layers, repeat, height)
        tags = {"component": "bonding", "site": site, "fragment": fragment, "engine": spec.name}
        for flow in flows:  # as the campaign tags its bonding jobs
            flow.update_metadata(tags)
    except (ValueError, RuntimeError) as err:
        fail(err)
    from naspe.analysis.output_files import write_text_replacing
    from naspe.workflows.cli.quality import BindingSummary, ReactionSummary, read_document
    from naspe.workflows.dft.progress import ProgressFollower
    from naspe.workflows.execution.runner import lock_run_dir, run_flow  # here: keeps CLI start-up fast
    from naspe.workflows.flows.bonding.schemas import BindingDocument, ReactionDocument

    try:
        held = lock_run_dir(out)  # until the summary is written: a second run into the same --out is refused
        with ProgressFollower(out):  # each DFT step (energy, fmax, s/step, time left) on stderr
            run = run_flow(flows, out)  # resumable: a rerun in the same --out reuses every finished calculation
    except ValueError as err:  # --out in use by another run, or a results.json that is not valid JSON
        fail(err)
    outputs = []
    for flow in flows:
        output = run.output(flow.jobs[-1])
        if output is None:
            fail(run.failure_message(flow))
        outputs.append(output)
    try:
        summary = BindingSummary.of(
            read_document(outputs[0], BindingDocument, out),
            site,
            fragment,
            run_dir=str(out.resolve()),
            filed_in=file_run(run, data_dir, tags),  # the data directory (--save), or None
            reaction=None
            if reaction is None
            else ReactionSummary.of(read_document(outputs[1], ReactionDocument, out), reaction),
        )
    except ValueError as err:
        fail(err)
    text = summary.model_dump_json(indent=2)
    write_text_replacing(out / "bonding.json", text)
    held.close()
    if as_json:
        typer.echo(text)
    else:
        bonds = ", ".join(
            f"{b.kind} {b.length_angstrom:.2f} Å" + ("" if b.order is None else f" (order {b.order:.2f})")
            for b in summary.bonds_formed
        )
        q = summary.charge_transfer_e
        typer.echo(
            f"E_bind = {summary.binding_energy_eV:.3f} eV ({fragment} at {site}, {engine.value}); "
            f"bonds formed: {bonds or 'none'}; charge transfer "
            + (f"{q:+.2f} e ({summary.charge_method})" if q is not None else "n/a")
        )
        if (caveat := summary.verdict()) is not None:
            typer.echo(caveat)
        if summary.reaction is not None:
            typer.echo(f"{reaction}: ΔE = {summary.reaction.reaction_energy_eV:.3f} eV")
            if (caveat := summary.reaction.verdict()) is not None:
                typer.echo(caveat)


def register(app: typer.Typer) -> None:
    """Add ``naspe bonding`` to ``app``."""
    app.command("bonding")(bonding_cmd)
