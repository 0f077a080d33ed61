"""Glymes CH3O(CH2CH2O)nCH3 (n = 1-4) and glyme electrolytes, neat or with salt by ratio, molality or molarity.

A glyme is a methyl-capped PEO oligomer: G1 (monoglyme, 1,2-dimethoxyethane, DME),
G2 (diglyme), G3 (triglyme), G4 (tetraglyme). They are built and typed like the PEO
chains of :mod:`naspe.structures.peo`, with the OPLS-AA ether types of the force
field (Jorgensen, Maxwell & Tirado-Rives, J. Am. Chem. Soc. 118 (1996) 11225):
CH3 carbon ``CTm`` (opls_181), CH2 carbon ``CTe`` (opls_182), ether O ``OS``
(opls_180), H ``HCe`` (opls_185); the methyl caps carry 0.11 + 3 x 0.03 e, so every
glyme is neutral. Glymes are where OPLS/CL&P electrolyte models are validated:
their transport converges within a few ns.

The composition is exact: the cell holds ``n_molecules`` glymes and an integer number of
ion pairs, given directly (``n_salt``), as EO units per cation (``eo_per_cation``, as
for PEO: G4 has 4 EO units, so the equimolar solvate [Li(G4)]TFSI is 4), by molality
(mol salt per kg glyme) or by molarity (mol salt per litre of solution). Molality and
molarity are rounded to the nearest whole ion pair; the build refuses a rounding error
above :data:`CONCENTRATION_TOLERANCE` and names molecule counts that do better. A
molarity needs the solution's volume, i.e. its density (as does the box of any salt cell):
naspe takes the cell's target density (``density_g_cm3``); without one, it estimates it by
ideal mixing of the pure glyme's measured volume (:data:`GLYMES`) and the salt's apparent
molar volume (:data:`SALT_MOLAR_VOLUME_CM3_MOL`), and refuses salts without a measured one. NPT
equilibration then gives the model's own density (and the molarity it implies).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms

from naspe.structures.bounds import DENSITY_G_CM3, solvent_atoms
from naspe.structures.electrolyte import check_build_density
from naspe.structures.ions import SALTS, anion, cation
from naspe.structures.melt_build import DEFAULT_BUILD_DENSITY_G_CM3, ChainSpec, grow_and_compress
from naspe.structures.peo import peo_oligomer
from naspe.structures.topology import MOL_NAMES

__all__ = [
    "Glyme",
    "GLYMES",
    "GlymeElectrolyte",
    "glyme",
    "salt_mass_g_mol",
    "SALT_MOLAR_VOLUME_CM3_MOL",
    "CONCENTRATION_TOLERANCE",
]

#: largest relative difference between a requested molality/molarity and the one of whole ion pairs
CONCENTRATION_TOLERANCE = 0.02


@dataclass(frozen=True)
class Glyme:
    """One glyme: name, EO units, common name, molar mass (g/mol), density (g/cm³) at ``density_T_K`` and source."""

    name: str
    n_eo: int
    common_name: str
    molar_mass_g_mol: float
    density_g_cm3: float
    density_T_K: float
    density_source: str


#: the glymes naspe builds; densities of the pure liquids at 298.15 K and 0.1 MPa
GLYMES: dict[str, Glyme] = {
    "G1": Glyme(
        "G1",
        1,
        "monoglyme (1,2-dimethoxyethane, DME)",
        90.122,
        0.8617,
        298.15,
        "A. Pal, S. Sharma, J. Chem. Eng. Data 44 (1999) 212, Table 1 (ethylene glycol dimethyl ether, 298.15 K)",
    ),
    "G2": Glyme(
        "G2",
        2,
        "diglyme",
        134.175,
        0.9384,
        298.15,
        "M. J. P. Comuñas, A. Baylaucq, C. Boned, J. Fernández, J. Chem. Eng. Data 48 (2003) 1044 "
        "(diethylene glycol dimethyl ether, 298.15 K, 0.1 MPa)",
    ),
    "G3": Glyme(
        "G3",
        3,
        "triglyme",
        178.228,
        0.9818,
        298.15,
        "P. J. Carvalho, C. H. G. Fonseca, M.-L. C. J. Moita, Â. F. S. Santos, J. A. P. Coutinho, "
        "J. Chem. Eng. Data 60 (2015) 3721 (triethylene glycol dimethyl ether, 298.15 K)",
    ),
    "G4": Glyme(
        "G4",
        4,
        "tetraglyme",
        222.281,
        1.0072,
        298.15,
        "P. J. Carvalho et al., J. Chem. Eng. Data 60 (2015) 3721 (tetraethylene glycol dimethyl ether, 298.15 K)",
    ),
}

#: apparent molar volume (cm³/mol) of the salt in glyme solutions, for the molarity-density estimate:
#: LiTFSI from the equimolar [Li(G4)][TFSI] solvate (1.40 g/cm³ at 303 K; K. Yoshida et al., J. Am. Chem.
#: Soc. 133 (2011) 13121) minus the G4 volume above: 509.37/1.40 - 222.28/1.0072 = 143.1 cm³/mol
SALT_MOLAR_VOLUME_CM3_MOL: dict[str, float] = {"LiTFSI": 143.1}


def salt_mass_g_mol(salt: str) -> float:
    """Molar mass (g/mol) of one cation-anion pair of ``salt``, from the force field's masses."""
    cation_symbol, anion_name = SALTS[salt]
    return float(cation(cation_symbol).get_masses().sum() + anion(anion_name).get_masses().sum())


def glyme(name: str, seed: int | None = 0) -> Atoms:
    """One glyme molecule (``G1``-``G4``), a random melt-like conformer (Å), OPLS-AA types, named ``name``."""
    if name not in GLYMES:
        raise ValueError(f"glyme {name!r}: allowed are {', '.join(GLYMES)}")
    atoms = peo_oligomer(GLYMES[name].n_eo, "methyl", "random", seed)
    atoms.info[MOL_NAMES] = [name]
    return atoms


def _count(value: float, label: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{label}={value!r}: must be an integer >= 0")


@dataclass
class GlymeElectrolyte:
    """A glyme cell: neat (``salt=None``) or with a salt at an exact composition.

    Parameters
    ----------
    glyme
        ``G1`` (DME), ``G2``, ``G3`` or ``G4``.
    n_molecules
        Glyme molecules in the cell.
    salt
        ``NaFSI``, ``NaTFSI``, ``LiFSI``, ``LiTFSI``, or None for the neat glyme.
    n_salt, eo_per_cation, molality_mol_kg, molarity_mol_l
        The salt content, exactly one of them with a salt: ion pairs; EO units per cation
        (integer, must divide ``n_molecules * n_eo``); mol/kg of glyme; mol/L of solution.
    density_g_cm3
        Target density (g/cm³); None: the pure glyme's (neat) or the ideal-mixing estimate
        (with salt; see the module docstring).
    seed
        Seed of the conformations, Packmol and the squeeze.
    tolerance_angstrom
        Minimum intermolecular distance (Å) while packing and growing.
    build_density_g_cm3
        Density (g/cm³) at which the molecules are grown before the squeeze; None: at the target.
    """

    glyme: str = "G4"
    n_molecules: int = 100
    salt: str | None = None
    n_salt: int | None = None
    eo_per_cation: int | None = None
    molality_mol_kg: float | None = None
    molarity_mol_l: float | None = None
    density_g_cm3: float | None = None
    seed: int = 0
    tolerance_angstrom: float = 2.0
    build_density_g_cm3: float | None = DEFAULT_BUILD_DENSITY_G_CM3

    def __post_init__(self) -> None:
        if self.glyme not in GLYMES:
            raise ValueError(f"glyme={self.glyme!r}: allowed are {', '.join(GLYMES)}")
        _count(self.n_molecules, "n_molecules")
        if self.n_molecules < 1:
            raise ValueError(f"n_molecules={self.n_molecules}: must be >= 1")
        solvent_atoms(self.n_molecules, GLYMES[self.glyme].n_eo, f"n_molecules={self.n_molecules}")
        given = {
            k: v
            for k, v in (
                ("n_salt", self.n_salt),
                ("eo_per_cation", self.eo_per_cation),
                ("molality_mol_kg", self.molality_mol_kg),
                ("molarity_mol_l", self.molarity_mol_l),
            )
            if v is not None
        }
        if self.salt is None:
            if given:
                raise ValueError(f"{', '.join(given)} without a salt: a neat glyme has no salt content")
        else:
            if self.salt not in SALTS:
                raise ValueError(f"salt={self.salt!r}: allowed salts are {sorted(SALTS)} (or None for neat)")
            if len(given) != 1:
                raise ValueError(
                    f"salt={self.salt!r} needs exactly one of n_salt, eo_per_cation, molality_mol_kg, "
                    f"molarity_mol_l; got {', '.join(given) or 'none'}"
                )
        if self.n_salt is not None:
            _count(self.n_salt, "n_salt")
        if self.eo_per_cation is not None:
            _count(self.eo_per_cation, "eo_per_cation")
            n_eo = self.n_molecules * GLYMES[self.glyme].n_eo
            if self.eo_per_cation < 1 or n_eo % self.eo_per_cation:
                raise ValueError(
                    f"EO:cation = {self.eo_per_cation} cannot be represented exactly with {self.n_molecules} "
                    f"{self.glyme} ({n_eo} EO units): it must divide the EO count"
                )
        for label in ("molality_mol_kg", "molarity_mol_l"):
            value = getattr(self, label)
            if value is not None and (isinstance(value, bool) or not 0.0 < value <= 20.0):
                raise ValueError(f"{label}={value!r}: must be a number in (0, 20]")
        if self.density_g_cm3 is not None:
            DENSITY_G_CM3.check(self.density_g_cm3, "density_g_cm3")
        if self.salt is not None and self.density_g_cm3 is None and self.salt not in SALT_MOLAR_VOLUME_CM3_MOL:
            what = "the molarity_mol_l and the box" if self.molarity_mol_l is not None else "the box"
            raise ValueError(
                f"{self.salt} in {self.glyme} without density_g_cm3: naspe has no measured molar volume of "
                f"{self.salt} in glymes (it has {', '.join(SALT_MOLAR_VOLUME_CM3_MOL)}) to estimate the solution "
                f"density that sets {what}; give the density (g/cm³)"
            )
        if self.tolerance_angstrom < 1.0:
            raise ValueError(f"tolerance_angstrom={self.tolerance_angstrom}: must be >= 1 Å")
        self._n_salt = self._resolve_n_salt()
        check_build_density(self.build_density_g_cm3, self.target_density_g_cm3)

    # composition
    @property
    def solvent_mass_g_mol(self) -> float:
        """Mass (g/mol) of all glyme molecules of the cell."""
        return self.n_molecules * ChainSpec(self.glyme, GLYMES[self.glyme].n_eo, 1).mass_g_mol

    def _estimated_density(self, n_salt: int) -> float:
        """Ideal-mixing density (g/cm³): pure glyme volume plus the salt's apparent molar volume."""
        g = GLYMES[self.glyme]
        v_solvent = self.solvent_mass_g_mol / g.density_g_cm3
        if not n_salt or self.salt is None:  # no salt without a salt name
            return g.density_g_cm3
        v_salt = n_salt * SALT_MOLAR_VOLUME_CM3_MOL[self.salt]
        return (self.solvent_mass_g_mol + n_salt * salt_mass_g_mol(self.salt)) / (v_solvent + v_salt)

    def _resolve_n_salt(self) -> int:
        if self.salt is None:
            return 0
        if self.n_salt is not None:
            return int(self.n_salt)
        if self.eo_per_cation is not None:
            return self.n_molecules * GLYMES[self.glyme].n_eo // self.eo_per_cation
        if self.molality_mol_kg is not None:
            exact = self.molality_mol_kg * self.solvent_mass_g_mol / 1000.0
            return self._rounded(exact, "molality_mol_kg", self.molality_mol_kg)
        # molarity: n = c V N_A with V = mass / density; with a given density this is linear in n
        c = self.molarity_mol_l
        assert c is not None  # the last of the four: __post_init__ lets a salt through only with one
        m_salt = salt_mass_g_mol(self.salt)
        if self.density_g_cm3 is not None:
            exact = c * self.solvent_mass_g_mol / (1000.0 * self.density_g_cm3 - c * m_salt)
            if exact <= 0:
                raise ValueError(f"molarity_mol_l={c}: more salt than fits in a solution of {self.density_g_cm3} g/cm³")
        else:  # ideal mixing: V = V_solvent + n V_salt
            v_solvent = self.solvent_mass_g_mol / GLYMES[self.glyme].density_g_cm3
            v_salt = SALT_MOLAR_VOLUME_CM3_MOL[self.salt]
            if c * v_salt >= 1000.0:
                raise ValueError(f"molarity_mol_l={c}: above the pure salt's {1000.0 / v_salt:.2f} mol/L")
            exact = c * v_solvent / (1000.0 - c * v_salt)
        return self._rounded(exact, "molarity_mol_l", c)

    def _rounded(self, exact: float, label: str, requested: float) -> int:
        n = max(1, round(exact))
        error = abs(n - exact) / exact
        if error > CONCENTRATION_TOLERANCE:
            # the exact pair count is proportional to the number of glymes: nearby counts that round well
            def off(m: int) -> float:
                x = exact * m / self.n_molecules
                return abs(round(x) - x) / x

            near = range(max(1, self.n_molecules - 30), self.n_molecules + 31)
            better = sorted((m for m in near if off(m) <= 0.005), key=lambda m: abs(m - self.n_molecules))[:4]
            raise ValueError(
                f"{label}={requested} needs {exact:.2f} ion pairs with {self.n_molecules} {self.glyme}: "
                f"{n} is {100 * error:.1f} % off (more than {100 * CONCENTRATION_TOLERANCE:g} %); "
                f"{self.glyme} counts within 0.5 %: {sorted(better)}"
            )
        return n

    @property
    def n_pairs(self) -> int:
        """Cation-anion pairs in the cell."""
        return self._n_salt

    @property
    def target_density_g_cm3(self) -> float:
        """The density (g/cm³) the cell is built at: given, or the pure glyme's / ideal-mixing estimate."""
        if self.density_g_cm3 is not None:
            return self.density_g_cm3
        return self._estimated_density(self._n_salt)

    @property
    def total_mass_g_mol(self) -> float:
        """Mass (g/mol) of the whole cell."""
        return self.solvent_mass_g_mol + (
            self._n_salt * salt_mass_g_mol(self.salt) if self._n_salt and self.salt is not None else 0.0
        )

    @property
    def molality(self) -> float | None:
        """Salt molality (mol/kg of glyme) of the cell as built; None when neat."""
        return None if self.salt is None else self._n_salt / (self.solvent_mass_g_mol / 1000.0)

    @property
    def molarity(self) -> float | None:
        """Salt molarity (mol/L) at the target density; None when neat."""
        if self.salt is None:
            return None
        volume_l = self.total_mass_g_mol / self.target_density_g_cm3 / 1000.0
        return self._n_salt / volume_l

    def build(self, workdir: str | Path | None = None) -> Atoms:
        """Build the cell: tagged, neutral ``ase.Atoms`` at the target density (see :mod:`melt_build`)."""
        g = GLYMES[self.glyme]
        atoms = grow_and_compress(
            [ChainSpec(self.glyme, g.n_eo, self.n_molecules)],
            self._n_salt,
            self.salt,
            self.target_density_g_cm3,
            self.build_density_g_cm3,
            self.seed,
            self.tolerance_angstrom,
            workdir,
        )
        atoms.info.update(
            {
                "glyme": self.glyme,
                "n_molecules": self.n_molecules,
                "salt": self.salt,
                "n_salt": self._n_salt,
                "n_eo": self.n_molecules * g.n_eo,
                "seed": self.seed,
                "molality_mol_kg": self.molality,
                "molarity_mol_l": self.molarity,
                "target_density_g_cm3": self.target_density_g_cm3,
                "build_density_g_cm3": self.build_density_g_cm3,
            }
        )
        return atoms
