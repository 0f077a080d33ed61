"""``naspe demo``: build the study's structures on this machine and summarise them.

Until the campaign workflow exists this is the demo: a PEO20NaFSI cell with its
LAMMPS input checked by a ``run 0``, the Na and carbon substrates of the study,
and PEO on Na(110), on graphene and on oxidised carbon.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from naspe.analysis.output_files import write_replacing, write_text_replacing
from naspe.workflows.cli.common import fail
from naspe.workflows.cli.options import output_dir

__all__ = ["run_demo", "register"]


def run_demo(out: Path) -> dict:
    """Build everything into ``out`` and print a table; return the summary."""
    from ase.io import write

    from naspe.structures.catalog import SUBSTRATES, build_substrate
    from naspe.structures.electrolyte import PolymerElectrolyte, cell_summary
    from naspe.structures.interfaces import chain_on_slab, film_on_slab
    from naspe.structures.lammps_data import LammpsSystemWriter
    from naspe.structures.relax import lammps_energies

    out.mkdir(parents=True, exist_ok=True)
    cell = PolymerElectrolyte("NaFSI", eo_per_cation=20, n_chains=4, chain_length=20, seed=7).build()
    writer = LammpsSystemWriter()
    writer.get_system(cell).write(out / "electrolyte")
    energies = lammps_energies(cell, writer)
    summary: dict = {"electrolyte": cell_summary(cell) | {"lammps_run0_kcal_mol": energies}, "substrates": {}}
    for name in SUBSTRATES:
        slab = build_substrate(name, layers=4, repeat=(4, 4) if name.startswith("na1") else (3, 2))
        write_replacing(out / f"{name}.extxyz", partial(write, images=_plain(slab), format="extxyz"))
        summary["substrates"][name] = {"formula": slab.get_chemical_formula(), "n_atoms": len(slab)}
    interfaces = {
        "peo-chain_on_graphene": chain_on_slab(build_substrate("graphene", repeat=(3, 2))),
        "peo-nafsi_on_na110": film_on_slab(build_substrate("na110", repeat=(4, 4)), salt="NaFSI"),
        "peo_on_graphene-oxidised": film_on_slab(build_substrate("graphene-oxidised", repeat=(6, 2))),
    }
    summary["interfaces"] = {}
    for name, result in interfaces.items():
        write_replacing(out / f"{name}.extxyz", partial(write, images=_plain(result.atoms), format="extxyz"))
        summary["interfaces"][name] = result.summary()
    write_text_replacing(out / "summary.json", json.dumps(summary, indent=2))
    _print_table(summary)
    return summary


def _plain(atoms):
    from ase import Atoms

    return Atoms(atoms.get_chemical_symbols(), atoms.positions, cell=atoms.cell, pbc=atoms.pbc)


def _print_table(summary: dict) -> None:
    e = summary["electrolyte"]
    print("naspe demo: structures of the PEO20NaFSI / Na / carbon study")
    print(
        f"electrolyte  {e['formula']:<28} {e['n_atoms']:>6} atoms  EO:Na = {e['n_eo']}:{e['n_cation']}  "
        f"charge {e['total_charge']:+.3f} e  {e['density_g_cm3']:.3f} g/cm3  box {e['box_angstrom'][0]:.2f} Å"
    )
    print(f"             LAMMPS run 0: PE = {e['lammps_run0_kcal_mol']['pe']:.1f} kcal/mol")
    for name, s in summary["substrates"].items():
        print(f"substrate    {name:<28} {s['formula']:<16} {s['n_atoms']:>6} atoms")
    for name, s in summary["interfaces"].items():
        print(
            f"interface    {name:<28} {s['formula']:<22} {s['n_atoms']:>5} atoms  "
            f"area {s['area_angstrom2']:.1f} Å^2  strain {s['strain']:.3f}"
        )


def demo(
    out: Annotated[Path, typer.Option(help="Output directory")] = Path("demo-output"),
) -> None:
    """Build the study's structures (electrolyte cell, slabs, interfaces) and print a summary table."""
    output_dir(out)  # before any work: an --out that cannot be a directory costs nothing
    try:
        run_demo(out)
    except (ValueError, RuntimeError) as err:
        fail(err)


def register(app: typer.Typer) -> None:
    """Add ``naspe demo`` to ``app``."""
    app.command("demo")(demo)
