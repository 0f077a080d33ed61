"""Packing molecules into periodic boxes with Packmol (the PyPI ``packmol`` binary).

Packmol (Martinez et al., J. Comput. Chem. 30 (2009) 2157) places rigid copies
of each template so that atoms of different molecules are at least
``tolerance`` Å apart, here with its periodic-box mode (``pbc``). naspe then
rebuilds the typed topology in Packmol's output order and checks the minimum
distance itself, through the periodic images, before returning.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.geometry import find_mic
from ase.io import read, write
from ase.neighborlist import neighbor_list

from naspe.structures.topology import MOL_ID, bonds_of, combine

__all__ = ["PackItem", "pack", "packmol_binary", "min_contact_distance", "PackingError"]


class PackingError(RuntimeError):
    """Packmol could not place the molecules with the requested tolerance."""


@dataclass(frozen=True)
class PackItem:
    """``number`` copies of ``template`` (a tagged molecule) packed in ``region``.

    ``region`` is ``(xmin, ymin, zmin, xmax, ymax, zmax)`` in Å, or None for the
    whole periodic box.
    """

    template: Atoms
    number: int
    region: tuple[float, float, float, float, float, float] | None = None


def packmol_binary() -> Path:
    """Path of the Packmol executable shipped by the PyPI ``packmol`` package."""
    try:
        # the packmol wheel is asked for its binary only when no packmol is on PATH
        from packmol.cli import get_binary_path
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("Packmol is missing; install it with `pip install packmol`") from err
    return Path(get_binary_path())


def min_contact_distance(atoms: Atoms, cutoff: float) -> float:
    """Shortest distance (Å) between atoms of different molecules, or between a molecule and its own images.

    Only pairs closer than ``cutoff`` are inspected; ``cutoff`` is returned when none is.
    """
    i, j, d, shift = neighbor_list("ijdS", atoms, cutoff)
    mol = atoms.arrays[MOL_ID]
    contact = (mol[i] != mol[j]) | np.any(shift != 0, axis=1)
    return float(d[contact].min()) if contact.any() else float(cutoff)


def pack(
    items: Sequence[PackItem],
    box: Sequence[float] | np.ndarray,
    tolerance: float = 2.0,
    seed: int = 0,
    nloop: int = 400,
    workdir: str | Path | None = None,
    timeout_s: float = 600.0,
) -> Atoms:
    """Pack tagged molecules into an orthorhombic periodic box.

    Parameters
    ----------
    items
        What to pack (templates keep their internal geometry).
    box
        ``(lx, ly, lz)`` box lengths in Å; the box spans 0..l along each axis.
    tolerance
        Minimum distance (Å) between atoms of different molecules.
    seed
        Packmol's random seed (the packing is reproducible for a given seed).
    nloop
        Packmol's maximum number of optimisation loops.
    workdir
        Where to keep the Packmol input and output; a temporary folder when None.
    timeout_s
        Wall-time limit (s) for Packmol.

    Returns
    -------
    ase.Atoms
        The packed, tagged system with ``pbc=True`` and the box as its cell.

    Raises
    ------
    PackingError
        When Packmol fails or the result has atoms closer than ``tolerance``.
    """
    lx, ly, lz = (float(x) for x in box)
    if min(lx, ly, lz) <= 0:
        raise ValueError(f"box={list(box)}: all lengths must be > 0 Å")
    if not items:
        raise ValueError("nothing to pack: give at least one PackItem")
    if tolerance <= 0:
        raise ValueError(f"tolerance={tolerance}: must be > 0 Å")
    for it in items:
        if it.number < 0:
            raise ValueError(f"number={it.number} for {it.template.get_chemical_formula()}: must be >= 0")
    items = [it for it in items if it.number > 0]
    with tempfile.TemporaryDirectory(prefix="naspe-packmol-") as tmp:
        work = Path(workdir) if workdir is not None else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        lines = [
            f"tolerance {tolerance:g}",
            f"seed {int(seed)}",
            "filetype xyz",
            "output packed.xyz",
            f"nloop {int(nloop)}",
            f"pbc 0. 0. 0. {lx:.6f} {ly:.6f} {lz:.6f}",
            "",
        ]
        for k, it in enumerate(items):
            name = f"mol{k}.xyz"
            write(work / name, Atoms(it.template.get_chemical_symbols(), positions=it.template.positions))
            lines += [f"structure {name}", f"  number {it.number}"]
            # Packmol 21 did not keep atoms near opposite faces apart through the images (seen: 0.02 Å),
            # so every region keeps half a tolerance clear of each face of the box
            x0, y0, z0, x1, y1, z1 = it.region if it.region is not None else (0.0, 0.0, 0.0, lx, ly, lz)
            h = 0.5 * tolerance
            region = (max(x0, h), max(y0, h), max(z0, h), min(x1, lx - h), min(y1, ly - h), min(z1, lz - h))
            lines.append("  inside box " + " ".join(f"{v:.6f}" for v in region))
            lines += ["end structure", ""]
        (work / "pack.inp").write_text("\n".join(lines))
        with open(work / "pack.inp") as stdin:
            proc = subprocess.run(
                [str(packmol_binary())],
                stdin=stdin,
                cwd=work,
                capture_output=True,
                text=True,
                timeout=timeout_s,
            )
        (work / "packmol.log").write_text(proc.stdout + proc.stderr)
        out = work / "packed.xyz"
        if proc.returncode != 0 or not out.exists() or "Success!" not in proc.stdout:
            tail = " ".join((proc.stdout + proc.stderr).strip().splitlines()[-3:])
            raise PackingError(
                f"Packmol did not reach tolerance {tolerance:g} Å in box {lx:.2f} x {ly:.2f} x {lz:.2f} Å "
                f"(exit {proc.returncode}): {tail[-300:]}. Lower the density, enlarge the region or raise nloop."
            )
        packed = read(out)
        assert isinstance(packed, Atoms)  # one image (ase's hint also allows a list, for an index slice)
    parts = []
    cursor = 0
    for it in items:
        n = len(it.template)
        for _ in range(it.number):
            copy = it.template.copy()
            copy.positions = packed.positions[cursor : cursor + n]
            copy.info.update({k: v for k, v in it.template.info.items()})
            parts.append(copy)
            cursor += n
    system = combine(parts, cell=np.diag([lx, ly, lz]), pbc=True)
    for part_info in ("n_eo", "end_group"):
        system.info.pop(part_info, None)
    d_min = min_contact_distance(system, tolerance)
    if d_min < tolerance - 0.05:
        raise PackingError(
            f"packed system has atoms {d_min:.2f} Å apart (< tolerance {tolerance:g} Å); "
            "lower the density or raise nloop"
        )
    _check_bonds_intact(system)
    return system


def _check_bonds_intact(atoms: Atoms) -> None:
    """Packmol moves rigid bodies; bond lengths must come back unchanged (mic)."""
    bonds = bonds_of(atoms)
    if not len(bonds):
        return
    _, d = find_mic(atoms.positions[bonds[:, 1]] - atoms.positions[bonds[:, 0]], atoms.cell, atoms.pbc)
    if d.max() > 2.5:
        raise PackingError(f"a bond came back {d.max():.2f} Å long after packing; the output order is wrong")
