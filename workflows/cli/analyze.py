"""``naspe analyze``: conductivity of a trajectory, Arrhenius/VTF fits of results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from naspe.structures.bounds import ION_CHARGE_SCALING, TEMPERATURE_C, TEMPERATURE_K, TIMESTEP_FS, Bound
from naspe.workflows.cli.common import fail
from naspe.workflows.cli.options import at_least, within
from naspe.workflows.md.run_files import RUN_SPEC_FILE

__all__ = ["analyze_app"]

#: shear viscosities accepted for the Yeh-Hummer correction (mPa s)
VISCOSITY_MPA_S = Bound(
    "viscosity", 0.01, 1e9, "mPa s", "from a light liquid (0.3 mPa s) to a polymer melt far above 1e6 mPa s"
)
#: whole-system dump of naspe's production stage, beside its ion dump
FULL_DUMP = "full.lammpstrj"

analyze_app = typer.Typer(help="Analyse trajectories and results.", no_args_is_help=True)


@analyze_app.command("conductivity")
def analyze_conductivity_cmd(
    trajectory: Annotated[Path, typer.Option(help="LAMMPS dump (xu yu zu, or x y z with ix iy iz), DCD or XTC")],
    topology: Annotated[Path, typer.Option(help="LAMMPS data file of the run")],
    temperature: Annotated[
        float | None,
        typer.Option(
            "--temperature-k",
            "--temperature",
            help="Temperature of the run in K (200-1000 K); or give --temperature-c",
            callback=within(TEMPERATURE_K),
        ),
    ] = None,
    temperature_c: Annotated[
        float | None,
        typer.Option(
            help="Temperature of the run in °C (as the campaign's temperatures_C)",
            callback=within(TEMPERATURE_C),
        ),
    ] = None,
    timestep_fs: Annotated[
        float | None,
        typer.Option(
            help="MD time step (fs); read from naspe's run.json beside the trajectory when not given; "
            "required for a foreign LAMMPS dump or DCD (never guessed: D and sigma scale with it)",
            callback=within(TIMESTEP_FS),
        ),
    ] = None,
    com_file: Annotated[Path | None, typer.Option(help="System centre-of-mass log (naspe's com.dat)")] = None,
    charge_scaling: Annotated[
        float, typer.Option(help="Ion charge scaling used in the force field", callback=within(ION_CHARGE_SCALING))
    ] = 0.8,
    scaled_charges: Annotated[bool, typer.Option(help="Use scaled instead of formal charges")] = False,
    blocks: Annotated[int, typer.Option(help="Blocks for the standard errors (>= 2)", callback=at_least(2))] = 5,
    stride: Annotated[int, typer.Option(help="Use every n-th frame (>= 1)", callback=at_least(1))] = 1,
    full_trajectory: Annotated[
        Path | None,
        typer.Option(
            help="Whole-system trajectory for the Na+ solvation structure (g(r), coordination, ion pairs, "
            f"residence times); default: {FULL_DUMP} beside --trajectory when it exists"
        ),
    ] = None,
    pressure_file: Annotated[
        Path | None,
        typer.Option(
            help="Off-diagonal pressure tensor (lines 'step pxy pxz pyz', atm) for the Green-Kubo viscosity "
            "and the Yeh-Hummer correction of D"
        ),
    ] = None,
    viscosity_mpas: Annotated[
        float | None,
        typer.Option(
            "--viscosity-mpas",
            help="Shear viscosity (mPa s) for the Yeh-Hummer finite-size correction of D (instead of --pressure-file)",
            callback=within(VISCOSITY_MPA_S),
        ),
    ] = None,
    apparent: Annotated[
        bool,
        typer.Option(help="Report apparent D and sigma of a run that is not diffusive (default: withheld)"),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Diffusion, conductivities, Onsager coefficients, transference numbers and solvation of one trajectory."""
    from naspe.analysis.transport_files import analyze_conductivity

    if (temperature is None) == (temperature_c is None):
        fail("give the run's temperature once: --temperature-k (K) or --temperature-c (°C)")
    temperature = temperature if temperature is not None else temperature_c + 273.15
    if pressure_file is not None and viscosity_mpas is not None:
        fail("give --viscosity-mpas or --pressure-file (to compute the viscosity from), not both")
    given = (
        ("--trajectory", trajectory),
        ("--topology", topology),
        ("--com-file", com_file),
        ("--full-trajectory", full_trajectory),
        ("--pressure-file", pressure_file),
    )
    for option, path in given:
        if path is not None and path.is_dir():
            fail(f"{option} {path}: is a directory; give the file")
        if path is not None and not path.is_file():
            fail(f"{option} {path}: no such file")
    if full_trajectory is None and (trajectory.parent / FULL_DUMP).is_file() and trajectory.name != FULL_DUMP:
        full_trajectory = trajectory.parent / FULL_DUMP
    try:
        result = analyze_conductivity(
            trajectory,
            topology,
            temperature,
            timestep_fs=timestep_fs if timestep_fs is not None else _run_timestep_fs(trajectory),
            com_file=com_file,
            charge_scaling=charge_scaling,
            stride=stride,
            n_blocks=blocks,
            use_scaled_charges=scaled_charges,
            apparent_values=apparent,
            viscosity_mPa_s=viscosity_mpas,
            pressure_file=pressure_file,
            full_trajectory=full_trajectory,
        )
    except (ValueError, RuntimeError, OSError) as err:
        fail(err)
    if as_json:
        typer.echo(json.dumps(result.to_json_dict(), indent=2))
        return
    for line in _summary_lines(result):
        typer.echo(line)


def _pm(v, unit: str, fmt: str = ".3e") -> str:
    """``1.200e-07 +- 1.0e-08 cm^2/s``, or ``undefined``."""
    if v.value is None:
        return "undefined"
    return f"{v.value:{fmt}} +- {v.stderr or 0:.1e}{unit}"


def _summary_lines(r) -> list[str]:
    """The text form of a TransportResult."""
    lines = [
        f"T = {r.temperature_K:.2f} K, fit window {r.fit_window_ps[0]:.2f}-{r.fit_window_ps[1]:.2f} ps, "
        f"diffusive: {r.diffusive}"
    ]
    if r.conductivity_withheld:
        lines.append(f"no conductivity: {r.conductivity_withheld}")
    else:
        lines += [f"D({name}) = {_pm(d, ' cm^2/s')}" for name, d in r.diffusion_cm2_s.items()]
        lines += [f"sigma_NE = {_pm(r.sigma_ne_S_cm, ' S/cm')}", f"sigma_EH = {_pm(r.sigma_eh_S_cm, ' S/cm')}"]
        lines.append(
            f"Haven ratio = {_pm(r.haven_ratio, '', '.3g')}"
            + (f" ({r.haven_ratio_undefined})" if r.haven_ratio_undefined else "")
        )
        lines.append(f"t+ (Nernst-Einstein) = {_pm(r.transference_cation, '', '.3f')}")
    if r.onsager is not None:
        o = r.onsager
        for label, c in (("L++", o.cation_cation), ("L--", o.anion_anion), ("L+-", o.cation_anion)):
            lines.append(
                f"{label} e^2 = {_pm(c.total, ' S/cm')} (self {_pm(c.self_part, '')}, distinct {_pm(c.distinct, '')})"
            )
        lines.append(
            f"t+ (correlations) = {_pm(o.transference_cation, '', '.3f')}"
            + (f" ({o.transference_cation_undefined})" if o.transference_cation_undefined else "")
        )
    if r.finite_size is not None:
        fs = r.finite_size
        eta = _pm(fs.viscosity_mPa_s, " mPa s", ".3g")
        lines.append(f"Yeh-Hummer: eta = {eta} ({fs.viscosity_source}), +{_pm(fs.delta_diffusion_cm2_s, ' cm^2/s')}")
        lines += [f"D({name}) corrected = {_pm(d, ' cm^2/s')}" for name, d in fs.diffusion_cm2_s.items()]
    if r.solvation is not None:
        s = r.solvation
        for name, shell in s.shells.items():
            lines.append(
                f"{s.cation}-{name}: first peak {shell.first_peak_angstrom or float('nan'):.2f} Å, cutoff "
                f"{shell.cutoff_angstrom:.2f} Å, coordination {_pm(shell.coordination_number, '', '.2f')}"
            )
        if s.pairing is not None:
            p = s.pairing
            lines.append(
                f"{s.cation}: free {p.cation_free:.2f}, contact pairs {p.cation_contact_pair:.2f}, "
                f"aggregates {p.cation_aggregate:.2f}"
            )
        for name, res in s.residence.items():
            tau = f"{res.tau_ps:.3g} ps" if res.tau_ps is not None else f"undefined ({res.tau_undefined})"
            lines.append(f"residence {s.cation}-{name}: {tau}")
    lines += [f"warning: {w}" for w in r.warnings if not (r.conductivity_withheld and w in r.conductivity_withheld)]
    lines += [f"warning (finite size): {w}" for w in (r.finite_size.warnings if r.finite_size else [])]
    lines += [f"warning (solvation): {w}" for w in (r.solvation.warnings if r.solvation else [])]
    return lines


def _run_timestep_fs(trajectory: Path) -> float | None:
    """The time step (fs) naspe's LAMMPS stage recorded in ``run.json`` beside ``trajectory``, or None."""
    meta = trajectory.parent / RUN_SPEC_FILE
    try:
        value = json.loads(meta.read_text()).get("timestep_fs")
    except (OSError, ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def _load_result(path: Path, schema):
    """One ``naspe analyze conductivity --json`` file, or a one-line error naming the file and the problem."""
    from pydantic import ValidationError

    if not path.is_file():
        fail(f"{path}: {'is a directory' if path.is_dir() else 'no such file'}; give a result JSON file")
    try:
        data = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        fail(f"{path}: not JSON ({err.__class__.__name__}: {err})")
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        fail(
            f"{path}: not a `naspe analyze conductivity --json` result ({err.error_count()} problems; "
            f"first: {where}: {first['msg']})"
        )


@analyze_app.command("arrhenius")
def analyze_arrhenius_cmd(
    results: Annotated[list[Path], typer.Argument(help="JSON files of `naspe analyze conductivity --json`")],
    quantity: Annotated[str, typer.Option(help="sigma_eh_S_cm or sigma_ne_S_cm")] = "sigma_eh_S_cm",
    plot: Annotated[Path | None, typer.Option(help="Write log10 sigma vs 1000/T to this PNG")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Arrhenius (>= 2 temperatures) and VTF (>= 4) fits of conductivities from several runs."""
    from naspe.analysis.arrhenius import fit_arrhenius, fit_vtf, plot_arrhenius
    from naspe.analysis.fit_points import fit_points
    from naspe.analysis.transport_result import TransportResult

    if quantity not in ("sigma_eh_S_cm", "sigma_ne_S_cm"):
        fail(ValueError(f"quantity {quantity!r}: allowed are sigma_eh_S_cm and sigma_ne_S_cm"))
    if plot is not None and (plot.is_dir() or plot.suffix.lower() != ".png"):
        fail(f"--plot {plot}: give the path of a .png file to write")
    loaded = [_load_result(path, TransportResult) for path in results]
    used, left_out = fit_points(loaded, quantity)
    temps = [r.temperature_K for r in used]
    sigma = [getattr(r, quantity).value for r in used]
    err = [getattr(r, quantity).stderr for r in used]
    out: dict = {"quantity": quantity, "excluded": [p.model_dump() for p in left_out], "not_made": []}
    try:
        for model, fitter, needed in (("arrhenius", fit_arrhenius, 2), ("vtf", fit_vtf, 4)):
            if len(set(temps)) >= needed:
                out[model] = fitter(temps, sigma, err).model_dump()
            else:
                out[model] = None
                out["not_made"].append(
                    f"{model}: {len(set(temps))} temperature(s) with points that may be fitted, {needed} needed"
                )
        if plot is not None:
            out["figure"] = str(plot_arrhenius(loaded, plot, fit_quantity=quantity))
    except (ValueError, RuntimeError, OSError) as err_:
        fail(err_)
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    for point in left_out:
        typer.echo(f"left out: {point.temperature_K:.2f} K ({point.quantity}): {point.reason}")
    for reason in out["not_made"]:
        typer.echo(f"no fit: {reason}")
    if out["arrhenius"] is not None:
        ea = out["arrhenius"]["activation_energy_eV"]
        typer.echo(f"Arrhenius: Ea = {ea['value']:.3f} +- {ea['stderr'] or 0:.3f} eV over {sorted(set(temps))} K")
    if out["vtf"] is not None:
        v = out["vtf"]
        typer.echo(f"VTF: B = {v['b_K']['value']:.0f} K, T0 = {v['t0_K']['value']:.0f} K")
