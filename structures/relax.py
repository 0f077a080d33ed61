"""Force-field energy minimisation of a built cell with LAMMPS (in-process).

Chains grown at melt density leave some intermolecular contacts a little
shorter than the packing tolerance; a conjugate-gradient minimisation with the
naspe force field removes them without moving molecules far, the usual
"push-off" step of amorphous-cell builders.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.lammps.coordinatetransform import Prism

from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.structures.lammps_env import lammps_class

__all__ = ["minimize", "lammps_energies"]


def _open_lammps(atoms: Atoms, writer: LammpsSystemWriter, workdir: Path):
    system = writer.get_system(atoms)
    data_path, _ = system.write(workdir)
    lmp = lammps_class()(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    lmp.commands_string(f"{system.settings}read_data {data_path}\n{system.post_read}")
    return lmp


def lammps_energies(atoms: Atoms, writer: LammpsSystemWriter | None = None) -> dict[str, float]:
    """Single-point (``run 0``) energy terms (kcal/mol) of ``atoms`` with the naspe force field.

    Keys: ``pe``, ``ebond``, ``eangle``, ``edihed``, ``evdwl``, ``ecoul``, ``elong``.
    """
    writer = writer or LammpsSystemWriter()
    keys = ("pe", "ebond", "eangle", "edihed", "evdwl", "ecoul", "elong")
    with tempfile.TemporaryDirectory(prefix="naspe-lmp-") as tmp:
        lmp = _open_lammps(atoms, writer, Path(tmp))
        try:
            lmp.command("thermo_style custom step " + " ".join(keys))
            lmp.command("run 0")
            return {k: float(lmp.get_thermo(k)) for k in keys}
        finally:
            lmp.close()


def minimize(
    atoms: Atoms,
    writer: LammpsSystemWriter | None = None,
    max_iterations: int = 2000,
    force_tolerance: float = 1e-4,
) -> Atoms:
    """Return a copy of ``atoms`` minimised with the naspe force field (cell fixed).

    Parameters
    ----------
    atoms
        Tagged periodic structure.
    writer
        Force-field choices; the defaults when None.
    max_iterations
        Limit on minimiser iterations.
    force_tolerance
        Force criterion (kcal/mol/Å) for LAMMPS ``minimize``.
    """
    writer = writer or LammpsSystemWriter()
    with tempfile.TemporaryDirectory(prefix="naspe-lmp-") as tmp:
        lmp = _open_lammps(atoms, writer, Path(tmp))
        try:
            lmp.command("thermo 100")
            lmp.command("min_style cg")
            lmp.command(f"minimize 0.0 {force_tolerance:g} {int(max_iterations)} {10 * int(max_iterations)}")
            n = len(atoms)
            ids = np.array(lmp.gather_atoms("id", 0, 1), dtype=int)
            x = np.array(lmp.gather_atoms("x", 1, 3)).reshape(n, 3)
            image = np.array(lmp.gather_atoms("image", 0, 1), dtype=np.int64)
        finally:
            lmp.close()
    # unpack LAMMPS image flags (10 bits each, offset 512)
    ix = (image & 1023) - 512
    iy = ((image >> 10) & 1023) - 512
    iz = (image >> 20) - 512
    prism = Prism(np.array(atoms.cell), pbc=atoms.pbc)
    xhi, yhi, zhi, xy, xz, yz = prism.get_lammps_prism()
    h = np.array([[xhi, 0, 0], [xy, yhi, 0], [xz, yz, zhi]])
    unwrapped = x + np.stack([ix, iy, iz], axis=1) @ h
    order = np.argsort(ids)
    out = atoms.copy()
    out.positions = prism.vector_to_ase(unwrapped[order])
    return out
