"""Sodium metal: bcc bulk and (100), (110), (111) slabs.

Lattice constant of bcc Na: 4.225 Å at 5 K and 4.29 Å at room temperature
(Barrett, Acta Cryst. 9 (1956) 671; the RT value is the default, as the study's
cells operate at 30-80 °C). PBE gives about 4.20 Å; pass ``a`` to match a
relaxed DFT bulk before building slabs for adhesion energies.

Metal atoms carry the type ``NaM`` and zero charge: they are for DFT. The naspe
MD force field has no metal potential, so a LAMMPS data file of a metal slab is
refused with that reason.
"""

from __future__ import annotations

from typing import Literal

from ase import Atoms
from ase.build import bcc100, bcc110, bcc111, bulk

from naspe.structures.bounds import VACUUM_ANGSTROM
from naspe.structures.topology import tag

__all__ = ["na_bulk", "na_slab", "NA_A_RT", "tag_solid"]

NA_A_RT = 4.29

Miller = Literal["100", "110", "111"]


def tag_solid(atoms: Atoms, name: str, types: dict[str, str]) -> Atoms:
    """Tag an extended solid as one molecule ``name`` with element -> type names and zero charges."""
    return tag(atoms, [types[s] for s in atoms.get_chemical_symbols()], [0.0] * len(atoms), [], name)


def na_bulk(a: float = NA_A_RT, cubic: bool = True) -> Atoms:
    """Bcc Na bulk (conventional 2-atom cell when ``cubic``), lattice constant ``a`` in Å."""
    if not 3.5 <= a <= 5.0:
        raise ValueError(f"a={a}: the bcc Na lattice constant must be within 3.5-5.0 Å (4.29 Å at RT)")
    return tag_solid(bulk("Na", "bcc", a=a, cubic=cubic), "Na_metal", {"Na": "NaM"})


def na_slab(
    miller: Miller = "110",
    layers: int = 4,
    repeat: tuple[int, int] = (2, 2),
    vacuum: float = 10.0,
    a: float = NA_A_RT,
) -> Atoms:
    """A bcc Na slab with an orthogonal surface cell.

    Parameters
    ----------
    miller
        Surface: ``"100"``, ``"110"`` (densest, lowest energy) or ``"111"``.
    layers
        Atomic layers (>= 2).
    repeat
        Lateral repeats of the surface cell.
    vacuum
        Vacuum (Å) on each side along z.
    a
        Lattice constant (Å).
    """
    builders = {"100": bcc100, "110": bcc110, "111": bcc111}
    if miller not in builders:
        raise ValueError(f"miller={miller!r}: allowed Na surfaces are {sorted(builders)}")
    if not isinstance(layers, int) or layers < 2:
        raise ValueError(f"layers={layers!r}: a slab needs an integer >= 2 layers")
    if len(repeat) != 2 or min(repeat) < 1:
        raise ValueError(f"repeat={repeat!r}: give two lateral repeats >= 1")
    VACUUM_ANGSTROM.check(vacuum, "vacuum")
    if not 3.5 <= a <= 5.0:
        raise ValueError(f"a={a}: the bcc Na lattice constant must be within 3.5-5.0 Å (4.29 Å at RT)")
    try:
        slab = builders[miller]("Na", size=(repeat[0], repeat[1], layers), a=a, vacuum=vacuum, orthogonal=True)
    except ValueError as err:
        raise ValueError(f"repeat={tuple(repeat)} for Na({miller}): {err}") from None
    slab.info.update({"miller": miller, "layers": layers, "lattice_constant_angstrom": a})
    return tag_solid(slab, "Na_metal", {"Na": "NaM"})
