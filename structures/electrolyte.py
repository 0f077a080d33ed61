"""Amorphous polymer-electrolyte cells (PEO + salt, or neat PEO) at an exact composition.

The salt content is the EO:cation ratio (EO = one -CH2-CH2-O- repeat unit), set
exactly: ``n_chains * chain_length`` must be a multiple of ``eo_per_cation``;
``salt=None`` is the neat PEO melt. The box is cubic. Packmol places the ions and
the chains are grown into the periodic box around them as melt-like coils
(rotational-isomeric torsions, no overlaps through the images) at a low build
density (0.5 g/cm³ by default), and the box is then squeezed to the target density
in a short LAMMPS run (:mod:`naspe.structures.melt_build`): growing 40-100+ EO
chains directly at melt density fails for cells of thousands of atoms.

The cell is a starting point, not an equilibrated melt: its density is the
requested one, but chain conformations and ion coordination only relax in the MD
anneal that follows (see the conductivity workflow), and NPT sets the real density.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
from ase import Atoms

from naspe.structures.bounds import DENSITY_G_CM3, solvent_atoms
from naspe.structures.ions import SALTS
from naspe.structures.melt_build import (
    AVOGADRO,
    CH3O_CH3_MASS,
    DEFAULT_BUILD_DENSITY_G_CM3,
    ChainSpec,
    box_length_angstrom,
    grow_and_compress,
)
from naspe.structures.peo import End
from naspe.structures.topology import molecule_names, net_charge

__all__ = [
    "PolymerElectrolyte",
    "AVOGADRO",
    "cell_summary",
    "CH3O_CH3_MASS",
    "DEFAULT_DENSITY_G_CM3",
    "PEO_MELT_DENSITY_G_CM3",
    "check_build_density",
]

#: default packing density (g/cm^3): amorphous PEO at 60-80 °C is 1.08-1.13 g/cm^3
#: (Mark, Physical Properties of Polymers Handbook, 2nd ed., Springer 2007, ch. 7);
#: 5 mol% NaFSI raises it a little. NPT equilibration sets the real value.
DEFAULT_DENSITY_G_CM3 = 1.15
#: neat PEO melt: the middle of the 1.08-1.13 g/cm^3 of amorphous PEO at 60-80 °C (Mark, Physical
#: Properties of Polymers Handbook, as above); the target density of a neat melt cell
PEO_MELT_DENSITY_G_CM3 = 1.105


def _valid_chain_counts(chain_length: int, eo_per_cation: int, how_many: int = 4) -> list[int]:
    step = eo_per_cation // gcd(chain_length, eo_per_cation)
    return [step * k for k in range(1, how_many + 1)]


def check_build_density(build_density_g_cm3: float | None, density_g_cm3: float) -> None:
    """Refuse a build density outside the density bound or above the target (ValueError naming both)."""
    if build_density_g_cm3 is None:
        return
    DENSITY_G_CM3.check(build_density_g_cm3, "build_density_g_cm3")
    if build_density_g_cm3 > density_g_cm3:
        raise ValueError(
            f"build_density_g_cm3={build_density_g_cm3} is above the target density {density_g_cm3} g/cm^3: "
            "the cell is grown dilute and squeezed, never stretched"
        )


@dataclass
class PolymerElectrolyte:
    """A PEO/salt electrolyte cell at an exact EO:cation ratio, or a neat PEO melt.

    Parameters
    ----------
    salt
        One of ``NaFSI``, ``NaTFSI``, ``LiFSI``, ``LiTFSI``; None for the neat PEO melt.
    eo_per_cation
        EO units per cation (20 for PEO20NaFSI); None with ``salt=None``.
    n_chains
        Number of PEO chains.
    chain_length
        EO units per chain (methyl-capped chains ``CH3-(O-CH2-CH2)n-O-CH3``).
    density_g_cm3
        Target density (g/cm^3) that sets the cubic box.
    seed
        Seed for the chain conformations, Packmol and the squeeze.
    end_group
        ``"methyl"`` or ``"hydroxyl"`` chain ends.
    tolerance_angstrom
        Minimum intermolecular distance (Å) while packing and growing; a squeezed cell is
        checked against the smaller of this and ``melt_build.CONTACT_FLOOR_ANGSTROM``.
    build_density_g_cm3
        Density (g/cm^3) at which the chains are grown before the box is squeezed to
        ``density_g_cm3``; None grows directly at the target (small cells only).
    """

    salt: str | None = "NaFSI"
    eo_per_cation: int | None = 20
    n_chains: int = 4
    chain_length: int = 20
    density_g_cm3: float = DEFAULT_DENSITY_G_CM3
    seed: int = 0
    end_group: End = "methyl"
    tolerance_angstrom: float = 2.0
    build_density_g_cm3: float | None = DEFAULT_BUILD_DENSITY_G_CM3

    def __post_init__(self) -> None:
        if self.salt is not None and self.salt not in SALTS:
            raise ValueError(f"salt={self.salt!r}: allowed salts are {sorted(SALTS)} (or None for neat PEO)")
        if self.salt is None and self.eo_per_cation is not None:
            raise ValueError(
                f"eo_per_cation={self.eo_per_cation} without a salt: a neat PEO melt has no EO:cation ratio"
            )
        if self.salt is not None and self.eo_per_cation is None:
            raise ValueError(f"salt={self.salt!r} needs eo_per_cation (EO units per cation, e.g. 20)")
        names = ("n_chains", "chain_length") + (("eo_per_cation",) if self.salt is not None else ())
        for name in names:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name}={value!r}: must be an integer >= 1")
        solvent_atoms(self.n_chains, self.chain_length, f"n_chains={self.n_chains}, chain_length={self.chain_length}")
        DENSITY_G_CM3.check(self.density_g_cm3, "density_g_cm3")
        check_build_density(self.build_density_g_cm3, self.density_g_cm3)
        if self.end_group not in ("methyl", "hydroxyl"):
            raise ValueError(f"end_group={self.end_group!r}: allowed are 'methyl' and 'hydroxyl'")
        if self.tolerance_angstrom < 1.0:
            raise ValueError(f"tolerance_angstrom={self.tolerance_angstrom}: must be >= 1 Å")
        n_eo = self.n_chains * self.chain_length
        if self.salt is not None and self.eo_per_cation is not None and n_eo % self.eo_per_cation:
            raise ValueError(
                f"EO:cation = {self.eo_per_cation} cannot be represented exactly with {self.n_chains} chains of "
                f"{self.chain_length} EO ({n_eo} EO units); chain counts that work with chain_length="
                f"{self.chain_length}: {_valid_chain_counts(self.chain_length, self.eo_per_cation)}"
            )

    @property
    def n_eo(self) -> int:
        """Total EO units in the cell."""
        return self.n_chains * self.chain_length

    @property
    def n_salt(self) -> int:
        """Number of cation-anion pairs (0 for the neat melt)."""
        return 0 if self.salt is None or self.eo_per_cation is None else self.n_eo // self.eo_per_cation

    def box_length_angstrom(self, total_mass_g_mol: float) -> float:
        """Cubic box edge (Å) that gives the target density for ``total_mass_g_mol``."""
        return box_length_angstrom(total_mass_g_mol, self.density_g_cm3)

    def build(self, workdir: str | Path | None = None) -> Atoms:
        """Build the cell and return the tagged, neutral ``ase.Atoms`` at the target density.

        Packmol first places the salt ions at random in the periodic box at the build
        density; the chains are then grown into the remaining space one backbone atom at a
        time, and the box is squeezed to the target density (:mod:`naspe.structures.melt_build`).
        """
        chains = [ChainSpec("PEO", self.chain_length, self.n_chains, self.end_group)]
        atoms = grow_and_compress(
            chains,
            self.n_salt,
            self.salt,
            self.density_g_cm3,
            self.build_density_g_cm3,
            self.seed,
            self.tolerance_angstrom,
            workdir,
        )
        atoms.info.update(
            {
                "salt": self.salt,
                "eo_per_cation": self.eo_per_cation,
                "n_chains": self.n_chains,
                "chain_length": self.chain_length,
                "n_eo": self.n_eo,
                "seed": self.seed,
                "end_group": self.end_group,
                "target_density_g_cm3": self.density_g_cm3,
                "build_density_g_cm3": self.build_density_g_cm3,
            }
        )
        return atoms


def cell_summary(atoms: Atoms) -> dict:
    """JSON-ready summary of an electrolyte cell (PEO or glyme, with or without salt).

    Keys: ``formula``, ``salt``, ``n_atoms``, ``n_eo``, ``n_chains`` (PEO chains),
    ``glyme`` and ``n_glyme`` (glyme molecules), ``n_cation``, ``n_anion``,
    ``total_charge`` (e), ``density_g_cm3`` (of the cell as built), ``target_density_g_cm3``
    and ``build_density_g_cm3`` (g/cm³; None: grown at the target), ``molality_mol_kg``
    and ``molarity_mol_l`` (glyme cells with salt), ``box_angstrom`` (cell lengths, Å),
    ``volume_angstrom3``.
    """
    names = molecule_names(atoms)
    mass_g = atoms.get_masses().sum() / AVOGADRO
    volume = float(atoms.cell.volume)
    glyme = atoms.info.get("glyme")
    return {
        "formula": atoms.get_chemical_formula(),
        "salt": atoms.info.get("salt"),
        "n_atoms": len(atoms),
        "n_eo": int(atoms.info.get("n_eo", 0)),
        "n_chains": names.count("PEO"),
        "glyme": glyme,
        "n_glyme": names.count(glyme) if glyme else 0,
        "n_cation": sum(names.count(c) for c in ("Na", "Li")),
        "n_anion": sum(names.count(a) for a in ("FSI", "TFSI")),
        "total_charge": round(net_charge(atoms), 10),
        "density_g_cm3": float(mass_g / (volume * 1e-24)),
        "target_density_g_cm3": atoms.info.get("target_density_g_cm3"),
        "build_density_g_cm3": atoms.info.get("build_density_g_cm3"),
        "molality_mol_kg": atoms.info.get("molality_mol_kg"),
        "molarity_mol_l": atoms.info.get("molarity_mol_l"),
        "box_angstrom": [float(x) for x in atoms.cell.lengths()],
        "volume_angstrom3": volume,
    }
