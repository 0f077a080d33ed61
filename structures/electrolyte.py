"""Amorphous polymer-electrolyte cells (PEO + salt) packed with Packmol.

The salt content is the EO:cation ratio (EO = one -CH2-CH2-O- repeat unit), set
exactly: ``n_chains * chain_length`` must be a multiple of ``eo_per_cation``.
The box is cubic, sized from the target density. Packmol places the ions;
the chains are then grown into the periodic box around them as melt-like
coils (rotational-isomeric torsions, no overlaps through the images), because
rigid pre-built coils longer than the box cannot be packed at melt density.

The packed cell is a starting point, not an equilibrated melt: its density is
the requested one, but chain conformations and ion coordination only relax in
the MD anneal that follows (see the conductivity workflow).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
from ase import Atoms

from naspe.structures.bounds import DENSITY_G_CM3
from naspe.structures.ions import SALTS, anion, cation
from naspe.structures.packing import PackingError, PackItem, min_contact_distance, pack
from naspe.structures.peo import EO_MASS_G_MOL, GrowthSpace, backbone_elements, chain_from_backbone, grow_backbone
from naspe.structures.relax import minimize
from naspe.structures.topology import combine, molecule_names, net_charge

__all__ = ["PolymerElectrolyte", "AVOGADRO", "cell_summary"]

AVOGADRO = 6.02214076e23
#: default packing density (g/cm^3): amorphous PEO at 60-80 °C is 1.08-1.13 g/cm^3
#: (Mark, Physical Properties of Polymers Handbook, 2nd ed., Springer 2007, ch. 7);
#: 5 mol% NaFSI raises it a little. NPT equilibration sets the real value.
DEFAULT_DENSITY_G_CM3 = 1.15
CH3O_CH3_MASS = 46.069  # the CH3-O- ... -CH3 caps: C2H6O beyond n EO units
H2O_MASS = 18.015  # the H- ... -OH caps
#: chains are grown with 0.8 x the packing tolerance, then a force-field minimisation
#: (naspe.structures.relax) pushes the remaining short contacts out past the tolerance
GROWTH_TOLERANCE = 0.8


def _valid_chain_counts(chain_length: int, eo_per_cation: int, how_many: int = 4) -> list[int]:
    step = eo_per_cation // gcd(chain_length, eo_per_cation)
    return [step * k for k in range(1, how_many + 1)]


@dataclass
class PolymerElectrolyte:
    """A PEO/salt electrolyte cell at an exact EO:cation ratio.

    Parameters
    ----------
    salt
        One of ``NaFSI``, ``NaTFSI``, ``LiFSI``, ``LiTFSI``.
    eo_per_cation
        EO units per cation (20 for PEO20NaFSI).
    n_chains
        Number of PEO chains.
    chain_length
        EO units per chain (methyl-capped chains ``CH3-(O-CH2-CH2)n-O-CH3``).
    density_g_cm3
        Target density (g/cm^3) that sets the cubic box.
    seed
        Seed for the chain conformations and Packmol.
    end_group
        ``"methyl"`` or ``"hydroxyl"`` chain ends.
    tolerance_angstrom
        Minimum intermolecular distance (Å) in the packed cell.
    """

    salt: str = "NaFSI"
    eo_per_cation: int = 20
    n_chains: int = 4
    chain_length: int = 20
    density_g_cm3: float = DEFAULT_DENSITY_G_CM3
    seed: int = 0
    end_group: str = "methyl"
    tolerance_angstrom: float = 2.0

    def __post_init__(self) -> None:
        if self.salt not in SALTS:
            raise ValueError(f"salt={self.salt!r}: allowed salts are {sorted(SALTS)}")
        for name in ("eo_per_cation", "n_chains", "chain_length"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name}={value!r}: must be an integer >= 1")
        DENSITY_G_CM3.check(self.density_g_cm3, "density_g_cm3")
        if self.end_group not in ("methyl", "hydroxyl"):
            raise ValueError(f"end_group={self.end_group!r}: allowed are 'methyl' and 'hydroxyl'")
        if self.tolerance_angstrom < 1.0:
            raise ValueError(f"tolerance_angstrom={self.tolerance_angstrom}: must be >= 1 Å")
        n_eo = self.n_chains * self.chain_length
        if n_eo % self.eo_per_cation:
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
        """Number of cation-anion pairs."""
        return self.n_eo // self.eo_per_cation

    def box_length_angstrom(self, total_mass_g_mol: float) -> float:
        """Cubic box edge (Å) that gives the target density for ``total_mass_g_mol``."""
        volume_cm3 = total_mass_g_mol / (self.density_g_cm3 * AVOGADRO)
        return float((volume_cm3 * 1e24) ** (1.0 / 3.0))

    def build(self, workdir: str | Path | None = None) -> Atoms:
        """Build the cell and return the tagged, neutral ``ase.Atoms``.

        Packmol first places the salt ions at random in the periodic box (at
        least ``tolerance_angstrom`` apart); the chains are then grown into the
        remaining space one backbone atom at a time, with rotational-isomeric
        torsions and overlap checks through the periodic images.
        """
        rng = np.random.default_rng(self.seed)
        cation_symbol, anion_name = SALTS[self.salt]
        ion_c, ion_a = cation(cation_symbol), anion(anion_name)
        elements = backbone_elements(self.chain_length, self.end_group)
        chain_mass = self.chain_length * EO_MASS_G_MOL + (CH3O_CH3_MASS if self.end_group == "methyl" else H2O_MASS)
        mass = self.n_chains * chain_mass + self.n_salt * (ion_c.get_masses().sum() + ion_a.get_masses().sum())
        length = self.box_length_angstrom(mass)
        box = np.array([length, length, length])
        ions = pack(
            [PackItem(ion_a, self.n_salt), PackItem(ion_c, self.n_salt)],
            box,
            tolerance=self.tolerance_angstrom,
            seed=int(rng.integers(1, 2**31 - 1)),
            workdir=workdir,
        )
        space = GrowthSpace(box=box, tolerance=GROWTH_TOLERANCE * self.tolerance_angstrom, intra_heavy=2.5)
        space.add(ions.positions, -1, np.zeros(len(ions), dtype=int), np.zeros(len(ions), dtype=bool))
        chains = []
        for k in range(self.n_chains):
            try:
                pos = grow_backbone(elements, "random", rng, space=space, owner=k)
            except RuntimeError as err:
                raise PackingError(
                    f"chain {k + 1} of {self.n_chains} could not be grown at {self.density_g_cm3} g/cm^3: {err}"
                ) from None
            chains.append(chain_from_backbone(elements, pos))
        atoms = minimize(combine([*chains, ions], cell=np.diag(box), pbc=True), max_iterations=500)
        d_min = min_contact_distance(atoms, self.tolerance_angstrom)
        if d_min < self.tolerance_angstrom - 0.05:
            raise PackingError(f"built cell has atoms {d_min:.2f} Å apart (< {self.tolerance_angstrom} Å)")
        atoms.info.update(
            {
                "salt": self.salt,
                "eo_per_cation": self.eo_per_cation,
                "n_chains": self.n_chains,
                "chain_length": self.chain_length,
                "n_eo": self.n_eo,
                "seed": self.seed,
                "end_group": self.end_group,
            }
        )
        return atoms


def cell_summary(atoms: Atoms) -> dict:
    """JSON-ready summary of an electrolyte cell.

    Keys: ``n_atoms``, ``n_eo``, ``n_cation``, ``n_anion``, ``n_chains``,
    ``total_charge`` (e), ``density_g_cm3``, ``box_angstrom`` (cell lengths, Å),
    ``volume_angstrom3``, ``formula``, ``salt``.
    """
    names = molecule_names(atoms)
    mass_g = atoms.get_masses().sum() / AVOGADRO
    volume = float(atoms.cell.volume)
    return {
        "formula": atoms.get_chemical_formula(),
        "salt": atoms.info.get("salt"),
        "n_atoms": len(atoms),
        "n_eo": int(atoms.info.get("n_eo", 0)),
        "n_chains": names.count("PEO"),
        "n_cation": sum(names.count(c) for c in ("Na", "Li")),
        "n_anion": sum(names.count(a) for a in ("FSI", "TFSI")),
        "total_charge": round(net_charge(atoms), 10),
        "density_g_cm3": float(mass_g / (volume * 1e-24)),
        "box_angstrom": [float(x) for x in atoms.cell.lengths()],
        "volume_angstrom3": volume,
    }
