"""GFN2-xTB (tblite) as atomate2 ASE Makers, for screening many configurations.

:class:`TbliteRelaxMaker` / :class:`TbliteStaticMaker`: GFN2-xTB (Bannwarth, Ehlert &
Grimme, J. Chem. Theory Comput. 15 (2019) 1652) with its built-in D4 dispersion,
at the Gamma point of the cell (tblite's ASE calculator takes no k-points), the
cell treated as 3D periodic (the vacuum separates slab images; no dipole
correction), Mulliken charges and Wiberg bond orders. The electronic
temperature and its reason: :mod:`naspe.workflows.dft.defaults`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ase import Atoms
from ase.calculators.calculator import CalculationFailed

from naspe.workflows.dft.base import EngineMaker
from naspe.workflows.dft.defaults import (
    RELAX_FMAX_EV_A,
    TBLITE_ELECTRONIC_TEMPERATURE_K,
    TBLITE_MAX_ITERATIONS,
    TBLITE_METHOD,
)

__all__ = ["TbliteRelaxMaker", "TbliteStaticMaker"]


@dataclass
class TbliteRelaxMaker(EngineMaker):
    """Relax with GFN2-xTB (tblite) at fixed cell; the cell is treated as 3D periodic."""

    name: str = "GFN2-xTB relaxation"
    relax_cell: bool = False
    steps: int = 300
    relax_kwargs: dict = field(default_factory=lambda: {"fmax": RELAX_FMAX_EV_A})
    calculator_kwargs: dict = field(
        default_factory=lambda: {
            "method": TBLITE_METHOD,
            "accuracy": 1.0,
            "max_iterations": TBLITE_MAX_ITERATIONS,
            "electronic_temperature": TBLITE_ELECTRONIC_TEMPERATURE_K,
            "verbosity": 0,
        }
    )

    engine = "tblite"
    package = "tblite"
    scf_errors = (CalculationFailed,)

    def _get_calculator(self):
        from tblite.ase import TBLite

        return TBLite(**self.calculator_kwargs)

    def prepare(self, mol_or_struct) -> Atoms:
        """Atoms, 3D periodic (the vacuum separates slab images), neutral."""
        atoms = super().prepare(mol_or_struct)
        atoms.pbc = True
        atoms.set_initial_charges(np.zeros(len(atoms)))
        return atoms

    def calculator_for(self, atoms):
        """A fresh tblite calculator."""
        return self._get_calculator()

    def level_of_theory(self) -> str:
        """The tight-binding method, its dispersion, electronic temperature (K) and cell treatment."""
        kw = self.calculator_kwargs
        return (
            f"{kw.get('method', 'GFN2-xTB')} (tblite, built-in D4), Fermi {kw.get('electronic_temperature', 300):g} K, "
            "Gamma point, 3D periodic, no dipole correction, spin-restricted"
        )

    def parameters(self, atoms) -> dict:
        """Tblite keywords (electronic temperature in K)."""
        return dict(self.calculator_kwargs)

    def properties(self, calc, atoms) -> dict:
        """Mulliken charges (e) and Wiberg bond orders of the final structure."""
        charges = np.asarray(calc.results["charges"], dtype=float)
        orders = np.asarray(calc.results["bond-orders"], dtype=float)
        if orders.ndim == 3:  # one channel per spin
            orders = orders.sum(axis=-1)
        i, j = np.nonzero(np.triu(orders, 1) >= 0.1)
        return {
            "charges": charges.tolist(),
            "charge_method": "mulliken",
            "bond_orders": [(int(a), int(b), float(orders[a, b])) for a, b in zip(i, j, strict=True)],
        }


@dataclass
class TbliteStaticMaker(TbliteRelaxMaker):
    """Single-point GFN2-xTB energy."""

    name: str = "GFN2-xTB static"
    steps: int = 1
