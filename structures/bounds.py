"""Physical bounds of the builders' inputs, in one place for the library and the command line.

A value outside its bound is a mistake, not a structure: a negative gap puts the film inside
the substrate, a vacuum under 3 Å lets periodic images touch (and GPAW needs 3 Å to each
non-periodic face), a packing density outside 0.3-2.5 g/cm³ is no polymer electrolyte.
Builders call :meth:`Bound.check`; the CLI gives the same numbers to its options, so both
refuse the same values with the same allowed range before any work starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "Bound",
    "GAP_ANGSTROM",
    "VACUUM_ANGSTROM",
    "LAYERS",
    "REPEAT",
    "MAX_STRAIN",
    "MAX_AREA_ANGSTROM2",
    "DENSITY_G_CM3",
    "ION_CHARGE_SCALING",
    "TEMPERATURE_K",
    "TEMPERATURE_C",
    "TIMESTEP_FS",
    "ANCHOR_HEIGHT_ANGSTROM",
    "RELAX_STEPS",
    "FMAX_EV_A",
    "CELL_ATOMS",
    "solvent_atoms",
]


@dataclass(frozen=True)
class Bound:
    """An allowed closed range ``[low, high]`` of one input, in ``unit``, with the reason for it."""

    name: str
    low: float
    high: float
    unit: str
    reason: str

    def check(self, value: float, label: str | None = None) -> float:
        """Return ``value`` if it lies in the range (NaN never does); else raise ValueError naming it."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise ValueError(f"{label or self.name}={value!r}: must be a number from {self.describe()}")
        if not self.low <= value <= self.high:
            raise ValueError(f"{label or self.name}={value}: allowed is {self.describe()} ({self.reason})")
        return value

    def describe(self) -> str:
        """``"1.0 to 10.0 Å"``."""
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.low:g} to {self.high:g}{unit}"


GAP_ANGSTROM = Bound(
    "gap", 1.0, 10.0, "Å", "closer puts film atoms inside the substrate's repulsive wall; farther is no contact"
)
VACUUM_ANGSTROM = Bound(
    "vacuum", 3.0, 100.0, "Å", "periodic images must not touch; GPAW needs >= 3 Å to each non-periodic face"
)
LAYERS = Bound("layers", 1, 30, "", "atomic (Na) or graphene (graphite) layers of a slab")
REPEAT = Bound("repeat", 1, 30, "", "lateral repeats of the surface cell")
MAX_STRAIN = Bound("max_strain", 0.0, 0.2, "", "fraction; beyond 20 % the film is another material")
MAX_AREA_ANGSTROM2 = Bound("max_area", 1.0, 5000.0, "Å²", "ZSL search area")
DENSITY_G_CM3 = Bound("density", 0.3, 2.5, "g/cm³", "amorphous PEO is 1.08-1.13 g/cm³ at 60-80 °C")
ION_CHARGE_SCALING = Bound("charge_scaling", 0.0, 1.0, "", "fraction of the formal ion charges; 1 = formal")
TEMPERATURE_K = Bound("temperature", 200.0, 1000.0, "K", "PEO electrolytes are studied from about 250 K to 450 K")
TEMPERATURE_C = Bound(
    "temperature_c",
    -73.15,
    250.0,
    "°C",
    "a value above 250 °C is surely a temperature in K (80 °C is 353.15 K): give it in K instead",
)
TIMESTEP_FS = Bound("timestep_fs", 0.05, 10.0, "fs", "MD time steps of molecular systems are 0.5-4 fs")
ANCHOR_HEIGHT_ANGSTROM = Bound(
    "height", 1.0, 10.0, "Å", "anchor atom above the top substrate atom; closer overlaps it, farther is no contact"
)
# fixed-cell relaxations of the structures (ASE optimisers of the DFT / tight-binding engines)
RELAX_STEPS = Bound(
    "steps", 1, 10000, "", "optimiser steps; 1 = single point, and a relaxation not converged in 10000 never will be"
)
FMAX_EV_A = Bound(
    "fmax", 0.001, 5.0, "eV/Å", "largest force at convergence; below 0.001 is DFT force noise, above 5 nothing relaxes"
)
CELL_ATOMS = Bound(
    "atoms",
    1,
    200_000,
    "",
    "solvent atoms of one electrolyte cell; packmol and the melt build take hours beyond this on a workstation, "
    "and MD cells of PEO electrolytes hold 1e3-1e5 atoms",
)


def solvent_atoms(n_molecules: int, n_eo: int, label: str) -> int:
    """Atoms of ``n_molecules`` methyl-capped CH3-(O-CH2-CH2)n-O-CH3 molecules of ``n_eo`` EO units, checked.

    7 atoms per EO unit and 9 for the ends (glyme G1, C4H10O2, has 16). Raises ValueError naming
    ``label`` when the count exceeds :data:`CELL_ATOMS`, before any structure is built.
    """
    atoms = n_molecules * (7 * n_eo + 9)
    if atoms > CELL_ATOMS.high:
        raise ValueError(
            f"{label}: {n_molecules} molecules of {n_eo} EO units are {atoms:.3g} atoms; allowed is "
            f"{CELL_ATOMS.describe()} atoms ({CELL_ATOMS.reason})"
        )
    return atoms
