"""``naspe adhesion``: the work of adhesion of one interface (GPAW, GFN2-xTB or VASP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import Engine, fail

__all__ = ["register"]


def adhesion_cmd(
    substrate: Annotated[str, typer.Option(help="na100, na110, na111, graphene, graphite, graphene-vacancy, ...")],
    film: Annotated[
        str, typer.Option(help="peo (periodic chain), nafsi (ion pair), peo-nafsi, na110 (on graphite)")
    ] = "peo",
    engine: Annotated[Engine, typer.Option(help="gpaw (PBE-D3), tblite (GFN2-xTB) or vasp")] = Engine.gpaw,
    layers: Annotated[int, typer.Option(help="Substrate layers")] = 3,
    repeat: Annotated[
        tuple[int, int] | None, typer.Option(help="Substrate lateral repeats (default: fits the PEO repeat)")
    ] = None,
    gap: Annotated[float, typer.Option(help="Substrate-film gap (Å)")] = 2.8,
    steps: Annotated[int, typer.Option(help="Relaxation steps (1 = single points)")] = 100,
    fmax: Annotated[float, typer.Option(help="Force criterion (eV/Å)")] = 0.05,
    max_strain: Annotated[float, typer.Option(help="Largest chain strain (fraction)")] = 0.05,
    scan: Annotated[bool, typer.Option(help="Rigid separation scan with a UBER fit")] = False,
    out: Annotated[Path, typer.Option(help="Run directory (rerunning reuses its finished calculations)")] = Path(
        "naspe-adhesion"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Work of adhesion (J/m^2) of PEO / NaFSI / Na on a substrate, with the bonds formed."""
    from naspe.structures.study import build_adhesion_system
    from naspe.structures.topology import to_pymatgen
    from naspe.workflows.base.settings import load_settings
    from naspe.workflows.dft.engines import GpawRelaxMaker, TbliteRelaxMaker
    from naspe.workflows.flows.adhesion import GpawAdhesionMaker, TbliteAdhesionMaker, VaspAdhesionMaker

    shifts = (-0.5, -0.25, 0.0, 0.5, 1.0, 2.0, 3.5, 6.0) if scan else None
    try:
        if engine is Engine.vasp and not load_settings().vasp_command:
            raise ValueError(
                "engine 'vasp' needs VASP: set vasp_command (e.g. 'srun vasp_std') in naspe.yaml or "
                "NASPE_VASP_COMMAND, and PMG_VASP_PSP_DIR for the POTCARs"
            )
        result = build_adhesion_system(substrate, film, layers, repeat, gap, 8.0, max_strain)
        relax_kwargs = {"fmax": fmax}
        maker = {
            Engine.gpaw: lambda: GpawAdhesionMaker(
                relax_maker=GpawRelaxMaker(steps=steps, relax_kwargs=relax_kwargs), scan_shifts_angstrom=shifts
            ),
            Engine.tblite: lambda: TbliteAdhesionMaker(
                relax_maker=TbliteRelaxMaker(steps=steps, relax_kwargs=relax_kwargs), scan_shifts_angstrom=shifts
            ),
            Engine.vasp: lambda: VaspAdhesionMaker(),
        }[engine]()
        flow = maker.make(to_pymatgen(result.atoms), result.n_substrate, result.strain)
    except (ValueError, RuntimeError) as err:
        fail(err)
    from naspe.workflows.execution.runner import run_flow  # here, not at the top: keeps CLI start-up fast

    run = run_flow(flow, out)  # resumable: a rerun in the same --out reuses every finished calculation
    d = run.output(flow.jobs[-1])
    if d is None:
        fail(run.failure_message(flow))
    summary = {
        "substrate": substrate,
        "film": film,
        "engine": d["engine"],
        "w_adh_J_m2": d["w_adh_J_m2"],
        "w_adh_eV_A2": d["w_adh_eV_A2"],
        "area_angstrom2": d["area_angstrom2"],
        "strain": d["strain"],
        "bonds_formed": [
            {
                "kind": b["kind"],
                "length_angstrom": b["length_angstrom"],
                "order": b.get("order"),
                "atoms": [b["i"], b["j"]],
            }
            for b in d["bonds_formed"]
        ],
        "interface_bonds": d["interface_bonds"],
        "film_intact": d["film_intact"],
        "uber": d.get("uber"),
        "reused_calculations": len(run.reused),
        "run_dir": str(out.resolve()),
    }
    (out / "adhesion.json").write_text(json.dumps(summary, indent=2))
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        typer.echo(
            f"W_adh = {summary['w_adh_J_m2']:.3f} J/m^2 ({engine.value}, area {summary['area_angstrom2']:.1f} Å^2, "
            f"strain {summary['strain']:.3f}); interface bonds {summary['interface_bonds']}"
        )


def register(app: typer.Typer) -> None:
    """Add ``naspe adhesion`` to ``app``."""
    app.command("adhesion")(adhesion_cmd)
