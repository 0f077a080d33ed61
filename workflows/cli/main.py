"""The ``naspe`` command line."""

from __future__ import annotations

import json
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from naspe.workflows.cli.common import fail

app = typer.Typer(
    help="naspe: MD and DFT workflows for polymer-electrolyte / sodium-metal interfaces.", no_args_is_help=True
)
build_app = typer.Typer(help="Build structures and LAMMPS inputs.", no_args_is_help=True)
app.add_typer(build_app, name="build")
analyze_app = typer.Typer(help="Analyse trajectories and results.", no_args_is_help=True)
app.add_typer(analyze_app, name="analyze")
from naspe.workflows.cli.config import config_app  # noqa: E402, I001
from naspe.workflows.cli.campaign import register as _register_campaign  # noqa: E402
from naspe.workflows.cli.results import register as _register_results_commands  # noqa: E402
from naspe.workflows.cli.run import register as _register_run_commands  # noqa: E402

app.add_typer(config_app, name="config")
_register_run_commands(app)
_register_campaign(app)
_register_results_commands(app)


class Fmt(str, Enum):
    """Structure file formats."""

    extxyz = "extxyz"
    cif = "cif"
    poscar = "poscar"


_SUFFIX = {
    Fmt.extxyz: ("structure.extxyz", "extxyz"),
    Fmt.cif: ("structure.cif", "cif"),
    Fmt.poscar: ("POSCAR", "vasp"),
}


def _write_structure(atoms, out: Path, fmt: Fmt) -> Path:
    from ase import Atoms
    from ase.io import write

    name, ase_format = _SUFFIX[fmt]
    path = out / name
    if fmt is Fmt.extxyz:  # keeps the per-atom topology arrays; bonds are not an extxyz field
        plain = atoms.copy()
        plain.info.pop("bonds", None)
        plain.info.pop("molecule_names", None)
    else:
        plain = Atoms(atoms.get_chemical_symbols(), atoms.positions, cell=atoms.cell, pbc=True)
    write(path, plain, format=ase_format)
    return path


def _emit(summary: dict, out: Path, stem: str) -> None:
    (out / f"{stem}.json").write_text(json.dumps(summary, indent=2))
    typer.echo(json.dumps(summary, indent=2))


@build_app.command("electrolyte")
def build_electrolyte(
    out: Annotated[Path, typer.Option(help="Output directory")],
    salt: Annotated[str, typer.Option(help="NaFSI, NaTFSI, LiFSI or LiTFSI")] = "NaFSI",
    eo_per_cation: Annotated[int, typer.Option(help="EO units per cation (20 for PEO20NaFSI)")] = 20,
    chains: Annotated[int, typer.Option(help="Number of PEO chains")] = 4,
    chain_length: Annotated[int, typer.Option(help="EO units per chain")] = 20,
    density: Annotated[float, typer.Option(help="Target density (g/cm^3)")] = 1.15,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    charge_scaling: Annotated[float, typer.Option(help="Ion charge scaling (0-1]")] = 0.8,
) -> None:
    """Amorphous PEO/salt cell: writes system.data, system.in.settings, system.json, structure.extxyz."""
    from naspe.structures.electrolyte import PolymerElectrolyte, cell_summary
    from naspe.structures.lammps_data import LammpsSystemWriter

    try:
        writer = LammpsSystemWriter(ion_charge_scaling=charge_scaling)
        spec = PolymerElectrolyte(salt, eo_per_cation, chains, chain_length, density, seed)
        atoms = spec.build()
        system = writer.get_system(atoms)
    except (ValueError, RuntimeError) as err:
        fail(err)
    out.mkdir(parents=True, exist_ok=True)
    system.write(out)
    _write_structure(atoms, out, Fmt.extxyz)
    summary = cell_summary(atoms) | {
        "ion_charge_scaling": system.ion_charge_scaling,
        "total_charge_scaled": round(system.total_charge, 10),
        "data_file": str(out / "system.data"),
    }
    _emit(summary, out, "system")


@build_app.command("slab")
def build_slab(
    kind: Annotated[str, typer.Argument(help="na100, na110, na111, graphene, graphite, graphene-vacancy, ...")],
    out: Annotated[Path, typer.Option(help="Output directory")],
    layers: Annotated[int, typer.Option(help="Atomic layers (Na) or graphene layers (graphite)")] = 4,
    repeat: Annotated[tuple[int, int], typer.Option(help="Lateral repeats")] = (3, 2),
    vacuum: Annotated[float, typer.Option(help="Vacuum on each side (Å)")] = 10.0,
    fmt: Annotated[Fmt, typer.Option("--format", help="Structure file format")] = Fmt.extxyz,
) -> None:
    """A substrate slab of the study; writes the structure and slab.json."""
    from naspe.structures.catalog import build_substrate

    try:
        slab = build_substrate(kind, layers, repeat, vacuum)
    except ValueError as err:
        fail(err)
    out.mkdir(parents=True, exist_ok=True)
    path = _write_structure(slab, out, fmt)
    z = slab.positions[:, 2]
    summary = {
        "kind": kind,
        "formula": slab.get_chemical_formula(),
        "n_atoms": len(slab),
        "cell_angstrom": [float(x) for x in slab.cell.lengths()],
        "area_angstrom2": float(abs(slab.cell[0, 0] * slab.cell[1, 1] - slab.cell[0, 1] * slab.cell[1, 0])),
        "thickness_angstrom": float(z.max() - z.min()),
        "structure_file": str(path),
    }
    _emit(summary, out, "slab")


@build_app.command("interface")
def build_interface(
    substrate: Annotated[str, typer.Option(help="Substrate name (as for `naspe build slab`)")],
    out: Annotated[Path, typer.Option(help="Output directory")],
    film: Annotated[str, typer.Option(help="peo-chain, peo, peo-nafsi, or na (Na(110) on graphite via ZSL)")] = "peo",
    layers: Annotated[int, typer.Option(help="Substrate layers")] = 4,
    repeat: Annotated[tuple[int, int], typer.Option(help="Substrate lateral repeats")] = (4, 4),
    gap: Annotated[float, typer.Option(help="Substrate-film gap (Å)")] = 2.5,
    vacuum: Annotated[float, typer.Option(help="Vacuum above the film (Å)")] = 15.0,
    max_strain: Annotated[float, typer.Option(help="Largest film strain (fraction)")] = 0.05,
    max_area: Annotated[float, typer.Option(help="Largest interface area (Å^2), ZSL only")] = 200.0,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    fmt: Annotated[Fmt, typer.Option("--format", help="Structure file format")] = Fmt.extxyz,
) -> None:
    """Interface: PEO chain or film on a substrate, or Na on graphite; writes the structure and interface.json."""
    from naspe.structures.carbon import graphite
    from naspe.structures.catalog import build_substrate
    from naspe.structures.interfaces import chain_on_slab, crystal_interface, film_on_slab
    from naspe.structures.metal import na_bulk

    films = ("peo-chain", "peo", "peo-nafsi", "na")
    try:
        if film not in films:
            raise ValueError(f"film {film!r}: allowed are {', '.join(films)}")
        if film == "na":
            if substrate != "graphite":
                raise ValueError(f"film 'na' (ZSL-matched Na(110)) is built on 'graphite', not {substrate!r}")
            result = crystal_interface(
                graphite(2, vacuum=0), na_bulk(), (0, 0, 1), (1, 1, 0), max_strain, max_area, gap, vacuum
            )
        else:
            slab = build_substrate(substrate, layers, repeat, vacuum=5.0)
            if film == "peo-chain":
                result = chain_on_slab(slab, gap=gap + 0.5, vacuum=vacuum, max_strain=max_strain)
            else:
                salt = "NaFSI" if film == "peo-nafsi" else None
                result = film_on_slab(slab, salt=salt, gap=gap, vacuum=vacuum, seed=seed)
    except (ValueError, RuntimeError) as err:
        fail(err)
    out.mkdir(parents=True, exist_ok=True)
    path = _write_structure(result.atoms, out, fmt)
    _emit(result.summary() | {"substrate": substrate, "film": film, "structure_file": str(path)}, out, "interface")


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


class Engine(str, Enum):
    """DFT / tight-binding engines."""

    gpaw = "gpaw"
    tblite = "tblite"
    vasp = "vasp"


def run_flow_in(flow, out: Path):
    """Run ``flow`` resumably with its results in ``out/results.json``; returns (store, report).

    Rerunning the same command in the same directory reuses every finished calculation.
    """
    from jobflow import JobStore
    from maggma.stores import JSONStore

    from naspe.workflows.execution.resumable import run_resumable

    out.mkdir(parents=True, exist_ok=True)
    store = JobStore(JSONStore(str(out / "results.json"), read_only=False))
    report = run_resumable(flow, store, out / "jobs")
    return store, report


def flow_failure(flow, store, report) -> RuntimeError:
    """An error naming the jobs without results and the errors their documents hold."""
    reasons = []
    for job in flow.jobs if hasattr(flow, "jobs") else [flow]:
        for j in getattr(job, "jobs", [job]):
            doc = store.query_one({"uuid": j.uuid}, properties=["output"], sort={"index": -1})
            error = ((doc or {}).get("output") or {}).get("error") if doc else None
            if error:
                reasons.append(f"{j.name}: {error}")
    detail = "; ".join(reasons) if reasons else f"no output from: {', '.join(report.failed)}"
    return RuntimeError(f"the flow did not finish ({detail})")


@app.command("adhesion")
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
    store, report = run_flow_in(flow, out)
    doc = store.query_one({"uuid": flow.jobs[-1].uuid}, sort={"index": -1})
    if doc is None:
        fail(flow_failure(flow, store, report))
    d = doc["output"]
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
        "reused_calculations": len(report.reused),
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


@app.command("bonding")
def bonding_cmd(
    site: Annotated[str, typer.Option(help="graphene, graphite, vacancy, edge, oxidised, na100, na110, na111, ...")],
    fragment: Annotated[str, typer.Option(help="dme, diglyme, peo (short chain), na (adatom) or nafsi")] = "dme",
    engine: Annotated[Engine, typer.Option(help="gpaw (PBE-D3), tblite (GFN2-xTB) or vasp")] = Engine.gpaw,
    reaction: Annotated[
        str | None, typer.Option(help="Also a product-state reaction energy: dme-vacancy-bridge, dme-na-methoxide, ...")
    ] = None,
    layers: Annotated[int, typer.Option(help="Substrate layers (Na slabs, graphite)")] = 3,
    repeat: Annotated[
        tuple[int, int] | None, typer.Option(help="Substrate lateral repeats (default: fits the fragment)")
    ] = None,
    height: Annotated[float | None, typer.Option(help="Anchor height above the substrate (Å)")] = None,
    steps: Annotated[int, typer.Option(help="Relaxation steps (1 = single points)")] = 100,
    fmax: Annotated[float, typer.Option(help="Force criterion (eV/Å)")] = 0.05,
    out: Annotated[Path, typer.Option(help="Run directory")] = Path("naspe-bonding"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Binding energy (eV) of a PEO / NaFSI fragment at a carbon or Na site, with bonds and charge transfer."""
    import logging

    from jobflow import Flow, JobStore, run_locally
    from maggma.stores import MemoryStore

    from naspe.workflows.base.settings import load_settings
    from naspe.workflows.dft.engines import GpawRelaxMaker, TbliteRelaxMaker
    from naspe.workflows.flows.bonding import bonding_flows

    try:
        if engine is Engine.vasp and not load_settings().vasp_command:
            raise ValueError(
                "engine 'vasp' needs VASP: set vasp_command (e.g. 'srun vasp_std') in naspe.yaml or "
                "NASPE_VASP_COMMAND, and PMG_VASP_PSP_DIR for the POTCARs"
            )
        relax_kwargs = {"fmax": fmax}
        relax = {
            Engine.gpaw: lambda: GpawRelaxMaker(steps=steps, relax_kwargs=relax_kwargs),
            Engine.tblite: lambda: TbliteRelaxMaker(steps=steps, relax_kwargs=relax_kwargs),
            Engine.vasp: lambda: None,
        }[engine]()
        flows = bonding_flows(site, fragment, engine.value, relax, reaction, layers, repeat, height)
    except (ValueError, RuntimeError) as err:
        fail(err)
    out.mkdir(parents=True, exist_ok=True)
    store = JobStore(MemoryStore())
    failures: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            msg = record.getMessage()
            if "failed with exception" in msg:
                lines = [ln for ln in msg.strip().splitlines() if ln.strip()]
                failures.append(f"{lines[0].split(' failed with exception')[0]}: {lines[-1].strip()}")

    jf_logger = logging.getLogger("jobflow.managers.local")
    handler, level = _Collect(), jf_logger.level
    jf_logger.addHandler(handler)
    jf_logger.setLevel(logging.INFO)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="cd is deprecated", category=FutureWarning)
            run_locally(Flow(flows), store=store, create_folders=True, root_dir=out, log=False)
    finally:
        jf_logger.removeHandler(handler)
        jf_logger.setLevel(level)
    store.connect()
    docs = []
    for flow in flows:
        doc = store.query_one({"uuid": flow.jobs[-1].uuid})
        if doc is None:
            for j in flow.jobs:
                stored = store.query_one({"uuid": j.uuid})
                err = stored["output"].get("error") if stored and isinstance(stored.get("output"), dict) else None
                if err:
                    failures.append(f"{j.name}: {err}")
            missing = [j.name for j in flow.jobs if store.query_one({"uuid": j.uuid}) is None]
            reasons = "; ".join(failures) or f"no output from: {', '.join(missing)}"
            fail(RuntimeError(f"the {flow.name} flow did not finish, no result written ({reasons}); see {out}"))
        docs.append(doc["output"])

    def bond_rows(bonds: list[dict]) -> list[dict]:
        return [
            {"kind": b["kind"], "length_angstrom": b["length_angstrom"], "order": b["order"], "atoms": [b["i"], b["j"]]}
            for b in bonds
        ]

    d = docs[0]
    summary = {
        "site": site,
        "fragment": fragment,
        "engine": d["engine"],
        "binding_energy_eV": d["binding_energy_eV"],
        "energy_complex_eV": d["energy_complex_eV"],
        "energy_substrate_eV": d["energy_substrate_eV"],
        "energy_fragment_eV": d["energy_fragment_eV"],
        "n_substrate": d["n_substrate"],
        "n_fragment": d["n_fragment"],
        "bonds_formed": bond_rows(d["bonds_formed"]),
        "bonds_broken": bond_rows(d["bonds_broken"]),
        "interface_bonds": d["interface_bonds"],
        "fragment_intact": d["fragment_intact"],
        "charge_transfer_e": d["charge_transfer_e"],
        "fragment_charge_e": d["fragment_charge_e"],
        "charge_method": d["charge_method"],
        "run_dir": str(out.resolve()),
    }
    if reaction is not None:
        r = docs[1]
        summary["reaction"] = {
            "name": reaction,
            "description": r["description"],
            "reaction_energy_eV": r["reaction_energy_eV"],
            "bonds_formed": bond_rows(r["bonds_formed"]),
            "bonds_broken": bond_rows(r["bonds_broken"]),
            "intended_bonds_kept": r["intended_bonds_kept"],
            "charge_transfer_e": r["charge_transfer_e"],
        }
    (out / "bonding.json").write_text(json.dumps(summary, indent=2))
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        bonds = ", ".join(
            f"{b['kind']} {b['length_angstrom']:.2f} Å" + ("" if b["order"] is None else f" (order {b['order']:.2f})")
            for b in summary["bonds_formed"]
        )
        q = summary["charge_transfer_e"]
        typer.echo(
            f"E_bind = {summary['binding_energy_eV']:.3f} eV ({fragment} at {site}, {engine.value}); "
            f"bonds formed: {bonds or 'none'}; charge transfer "
            + (f"{q:+.2f} e ({summary['charge_method']})" if q is not None else "n/a")
        )
        if reaction is not None:
            typer.echo(f"{reaction}: ΔE = {summary['reaction']['reaction_energy_eV']:.3f} eV")


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option(help="Output directory")] = Path("demo-output"),
) -> None:
    """Build the study's structures (electrolyte cell, slabs, interfaces) and print a summary table."""
    from naspe.workflows.cli.demo import run_demo

    try:
        run_demo(out)
    except (ValueError, RuntimeError) as err:
        fail(err)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="naspe")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
