"""``naspe analyze``: conductivity of a trajectory, Arrhenius/VTF fits of results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import fail

__all__ = ["analyze_app"]

analyze_app = typer.Typer(help="Analyse trajectories and results.", no_args_is_help=True)


@analyze_app.command("conductivity")
def analyze_conductivity_cmd(
    trajectory: Annotated[Path, typer.Option(help="LAMMPS dump (xu yu zu, or x y z with ix iy iz), DCD or XTC")],
    topology: Annotated[Path, typer.Option(help="LAMMPS data file of the run")],
    temperature: Annotated[float, typer.Option(help="Temperature of the run (K)")],
    timestep_fs: Annotated[float, typer.Option(help="MD time step (fs)")] = 2.0,
    com_file: Annotated[Path | None, typer.Option(help="System centre-of-mass log (naspe's com.dat)")] = None,
    charge_scaling: Annotated[float, typer.Option(help="Ion charge scaling used in the force field")] = 0.8,
    scaled_charges: Annotated[bool, typer.Option(help="Use scaled instead of formal charges")] = False,
    blocks: Annotated[int, typer.Option(help="Blocks for the standard errors")] = 5,
    stride: Annotated[int, typer.Option(help="Use every n-th frame")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Diffusion coefficients, Nernst-Einstein and Einstein-Helfand conductivity of one trajectory."""
    from naspe.analysis.transport import analyze_conductivity

    for path in (trajectory, topology, com_file):
        if path is not None and not path.is_file():
            fail(FileNotFoundError(f"{path}: no such file"))
    try:
        result = analyze_conductivity(
            trajectory,
            topology,
            temperature,
            timestep_fs=timestep_fs,
            com_file=com_file,
            charge_scaling=charge_scaling,
            stride=stride,
            n_blocks=blocks,
            use_scaled_charges=scaled_charges,
        )
    except (ValueError, RuntimeError, OSError) as err:
        fail(err)
    data = result.to_json_dict()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(
        f"T = {data['temperature_K']:.2f} K, fit window {data['fit_window_ps'][0]:.2f}-"
        f"{data['fit_window_ps'][1]:.2f} ps, diffusive: {data['diffusive']}"
    )
    for name, d in data["diffusion_cm2_s"].items():
        typer.echo(f"D({name}) = {d['value']:.3e} +- {d['stderr'] or 0:.1e} cm^2/s")
    for key, label in (("sigma_ne_S_cm", "sigma_NE"), ("sigma_eh_S_cm", "sigma_EH")):
        typer.echo(f"{label} = {data[key]['value']:.3e} +- {data[key]['stderr'] or 0:.1e} S/cm")
    for w in data["warnings"]:
        typer.echo(f"warning: {w}")


@analyze_app.command("arrhenius")
def analyze_arrhenius_cmd(
    results: Annotated[list[Path], typer.Argument(help="JSON files of `naspe analyze conductivity --json`")],
    quantity: Annotated[str, typer.Option(help="sigma_eh_S_cm or sigma_ne_S_cm")] = "sigma_eh_S_cm",
    plot: Annotated[Path | None, typer.Option(help="Write log10 sigma vs 1000/T to this PNG")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Arrhenius (>= 2 temperatures) and VTF (>= 4) fits of conductivities from several runs."""
    from naspe.analysis.arrhenius import fit_arrhenius, fit_vtf, plot_arrhenius
    from naspe.analysis.transport_result import TransportResult

    if quantity not in ("sigma_eh_S_cm", "sigma_ne_S_cm"):
        fail(ValueError(f"quantity {quantity!r}: allowed are sigma_eh_S_cm and sigma_ne_S_cm"))
    try:
        loaded = [TransportResult.model_validate(json.loads(p.read_text())) for p in results]
        temps = [r.temperature_K for r in loaded]
        values = [getattr(r, quantity) for r in loaded]
        sigma = [v.value for v in values]
        err = [v.stderr or 0.0 for v in values]
        weights = err if all(err) else None
        out: dict = {"quantity": quantity, "arrhenius": fit_arrhenius(temps, sigma, weights).model_dump()}
        if len(set(temps)) >= 4:
            out["vtf"] = fit_vtf(temps, sigma, weights).model_dump()
        if plot is not None:
            out["figure"] = str(plot_arrhenius(loaded, plot, fit_quantity=quantity))
    except (ValueError, RuntimeError, OSError) as err_:
        fail(err_)
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    ea = out["arrhenius"]["activation_energy_eV"]
    typer.echo(f"Arrhenius: Ea = {ea['value']:.3f} +- {ea['stderr'] or 0:.3f} eV over {sorted(set(temps))} K")
    if "vtf" in out:
        v = out["vtf"]
        typer.echo(f"VTF: B = {v['b_K']['value']:.0f} K, T0 = {v['t0_K']['value']:.0f} K")
