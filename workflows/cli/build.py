"""``naspe build``: electrolyte cells, slabs and interfaces, with their LAMMPS inputs."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from naspe.analysis.output_files import write_replacing, write_text_replacing
from naspe.structures.bounds import (
    DENSITY_G_CM3,
    GAP_ANGSTROM,
    ION_CHARGE_SCALING,
    LAYERS,
    MAX_AREA_ANGSTROM2,
    MAX_STRAIN,
    REPEAT,
    VACUUM_ANGSTROM,
)
from naspe.workflows.base.files import check_output_dir
from naspe.workflows.cli.common import fail
from naspe.workflows.cli.options import at_least, within

__all__ = ["build_app", "Fmt"]

build_app = typer.Typer(help="Build structures and LAMMPS inputs.", no_args_is_help=True)


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
    write_replacing(path, lambda tmp: write(tmp, plain, format=ase_format))
    return path


def _out_dir(out: Path) -> Path:
    """``--out`` checked before any work (one line if it cannot be a directory); created on writing."""
    try:
        return check_output_dir(out)
    except ValueError as err:
        fail(err)


def _emit(summary: dict, out: Path, stem: str) -> None:
    write_text_replacing(out / f"{stem}.json", json.dumps(summary, indent=2))
    typer.echo(json.dumps(summary, indent=2))


class Polymer(str, Enum):
    """Polymer of an electrolyte cell."""

    peo = "peo"
    none = "none"


class GlymeName(str, Enum):
    """Glymes CH3O(CH2CH2O)nCH3, n = 1-4."""

    G1 = "G1"
    G2 = "G2"
    G3 = "G3"
    G4 = "G4"


def _positive(value: float | None) -> float | None:
    if value is not None and not (0.0 < value <= 20.0):
        raise typer.BadParameter(f"{value}: must be a number in (0, 20]")
    return value


def _electrolyte_spec(
    polymer: Polymer | None,
    glyme: GlymeName | None,
    salt: str,
    eo_per_cation: int | None,
    molality: float | None,
    molarity: float | None,
    chains: int,
    chain_length: int,
    molecules: int,
    density: float | None,
    build_density: float | None,
    seed: int,
):
    """The builder the options describe (PolymerElectrolyte or GlymeElectrolyte); ValueError naming the clash."""
    from naspe.structures.electrolyte import DEFAULT_DENSITY_G_CM3, PEO_MELT_DENSITY_G_CM3, PolymerElectrolyte
    from naspe.structures.glyme import GlymeElectrolyte

    salt_name = None if salt.lower() == "none" else salt
    if glyme is not None:
        if polymer is Polymer.peo:
            raise ValueError(f"--polymer peo with --glyme {glyme.value}: a cell is PEO or a glyme, not both")
        if salt_name is None and any(v is not None for v in (eo_per_cation, molality, molarity)):
            raise ValueError("--eo-per-cation/--molality/--molarity with --salt none: a neat glyme has no salt")
        if salt_name is not None and eo_per_cation is None and molality is None and molarity is None:
            raise ValueError(f"--salt {salt_name} with --glyme: give one of --eo-per-cation, --molality, --molarity")
        return GlymeElectrolyte(
            glyme.value,
            molecules,
            salt_name,
            eo_per_cation=eo_per_cation,
            molality_mol_kg=molality,
            molarity_mol_l=molarity,
            density_g_cm3=density,
            seed=seed,
            build_density_g_cm3=build_density,
        )
    if polymer is Polymer.none:
        raise ValueError("--polymer none needs --glyme G1..G4 (the solvent of the cell)")
    if molality is not None or molarity is not None:
        option = "--molality" if molality is not None else "--molarity"
        raise ValueError(f"{option} is for glyme cells (--glyme); a PEO cell's salt content is --eo-per-cation")
    if salt_name is None:
        if eo_per_cation is not None:
            raise ValueError(f"--eo-per-cation {eo_per_cation} with --salt none: a neat PEO melt has no EO:cation")
        return PolymerElectrolyte(
            None, None, chains, chain_length, density or PEO_MELT_DENSITY_G_CM3, seed, build_density_g_cm3=build_density
        )
    return PolymerElectrolyte(
        salt_name,
        20 if eo_per_cation is None else eo_per_cation,
        chains,
        chain_length,
        density or DEFAULT_DENSITY_G_CM3,
        seed,
        build_density_g_cm3=build_density,
    )


@build_app.command("electrolyte")
def build_electrolyte(
    out: Annotated[Path, typer.Option(help="Output directory")],
    polymer: Annotated[
        Polymer | None, typer.Option(help="peo, or none with --glyme [default: peo unless --glyme]", show_default=False)
    ] = None,
    glyme: Annotated[
        GlymeName | None, typer.Option(help="Glyme solvent CH3O(CH2CH2O)nCH3: G1 (DME), G2, G3, G4")
    ] = None,
    salt: Annotated[str, typer.Option(help="NaFSI, NaTFSI, LiFSI, LiTFSI, or none (neat)")] = "NaFSI",
    eo_per_cation: Annotated[
        int | None,
        typer.Option(help="EO units per cation (20 for PEO20NaFSI; 4 for [Li(G4)]TFSI) [default: 20 for PEO]"),
    ] = None,
    molality: Annotated[
        float | None, typer.Option(help="Salt molality (mol/kg of glyme), glyme cells", callback=_positive)
    ] = None,
    molarity: Annotated[
        float | None,
        typer.Option(
            help="Salt molarity (mol/L of solution), glyme cells; the solution volume from --density or the "
            "ideal-mixing estimate (naspe.structures.glyme)",
            callback=_positive,
        ),
    ] = None,
    chains: Annotated[int, typer.Option(help="Number of PEO chains")] = 4,
    chain_length: Annotated[int, typer.Option(help="EO units per chain")] = 20,
    molecules: Annotated[int, typer.Option(help="Glyme molecules (with --glyme)")] = 100,
    density: Annotated[
        float | None,
        typer.Option(
            help="Target density (g/cm^3) [default: 1.15 PEO + salt, 1.105 neat PEO, glymes: measured / estimated]",
            callback=within(DENSITY_G_CM3),
            show_default=False,
        ),
    ] = None,
    build_density: Annotated[
        float,
        typer.Option(
            help="Density (g/cm^3) the molecules are grown at before the box is squeezed to --density "
            "(equal to --density: grown there directly, small cells only)",
            callback=within(DENSITY_G_CM3),
        ),
    ] = 0.5,
    seed: Annotated[int, typer.Option(help="Random seed (>= 0)", callback=at_least(0))] = 0,
    charge_scaling: Annotated[
        float, typer.Option(help="Ion charge scaling (0-1]", callback=within(ION_CHARGE_SCALING))
    ] = 0.8,
) -> None:
    """Amorphous PEO or glyme cell, with salt or neat; writes system.data/.in.settings/.json, structure.extxyz."""
    out = _out_dir(out)
    from naspe.structures.electrolyte import cell_summary
    from naspe.structures.lammps_data import LammpsSystemWriter

    try:
        writer = LammpsSystemWriter(ion_charge_scaling=charge_scaling)
        spec = _electrolyte_spec(
            polymer,
            glyme,
            salt,
            eo_per_cation,
            molality,
            molarity,
            chains,
            chain_length,
            molecules,
            density,
            build_density,
            seed,
        )
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
    layers: Annotated[
        int, typer.Option(help="Atomic layers (Na) or graphene layers (graphite)", callback=within(LAYERS))
    ] = 4,
    repeat: Annotated[tuple[int, int], typer.Option(help="Lateral repeats", callback=within(REPEAT))] = (3, 2),
    vacuum: Annotated[float, typer.Option(help="Vacuum on each side (Å)", callback=within(VACUUM_ANGSTROM))] = 10.0,
    fmt: Annotated[Fmt, typer.Option("--format", help="Structure file format")] = Fmt.extxyz,
) -> None:
    """A substrate slab of the study; writes the structure and slab.json."""
    out = _out_dir(out)
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
    layers: Annotated[int, typer.Option(help="Substrate layers", callback=within(LAYERS))] = 4,
    repeat: Annotated[
        tuple[int, int] | None,
        typer.Option(
            help="Substrate lateral repeats [default: peo-chain: one that fits whole PEO repeat units "
            "(naspe.structures.study.DEFAULT_REPEAT, else 3 2); peo/peo-nafsi: 4 4]",
            callback=within(REPEAT),
            show_default=False,
        ),
    ] = None,
    gap: Annotated[float, typer.Option(help="Substrate-film gap (Å)", callback=within(GAP_ANGSTROM))] = 2.5,
    vacuum: Annotated[float, typer.Option(help="Vacuum above the film (Å)", callback=within(VACUUM_ANGSTROM))] = 15.0,
    max_strain: Annotated[
        float, typer.Option(help="Largest film strain (fraction)", callback=within(MAX_STRAIN))
    ] = 0.05,
    max_area: Annotated[
        float,
        typer.Option(help="Largest interface area (Å^2), ZSL only", callback=within(MAX_AREA_ANGSTROM2)),
    ] = 200.0,
    seed: Annotated[int, typer.Option(help="Random seed (>= 0)", callback=at_least(0))] = 0,
    fmt: Annotated[Fmt, typer.Option("--format", help="Structure file format")] = Fmt.extxyz,
) -> None:
    """Interface: PEO chain or film on a substrate, or Na on graphite; writes the structure and interface.json."""
    out = _out_dir(out)
    from naspe.structures.carbon import graphite
    from naspe.structures.catalog import build_substrate
    from naspe.structures.interfaces import chain_on_slab, crystal_interface, film_on_slab
    from naspe.structures.metal import na_bulk
    from naspe.structures.study import DEFAULT_REPEAT

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
            if repeat is None:
                repeat = DEFAULT_REPEAT.get(substrate, (3, 2)) if film == "peo-chain" else (4, 4)
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
