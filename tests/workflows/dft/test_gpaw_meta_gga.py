"""GPAW's libxc: naspe builds its own (Makefile, DISABLE_FHC), with which SCAN converges.

Debian's libxc 5.2 enforces the Fermi-hole curvature in meta-GGAs; GPAW's SCAN then diverges in
the first SCF iterations (energies of order 1e6-1e10 eV, seen for CH4). The core-level method of
the production preset is SCAN (naspe.workflows.flows.core_levels.methods).
"""

from __future__ import annotations

import pytest
from ase.build import molecule


def _energy(xc: str, tmp_path) -> float:
    from gpaw import GPAW, PW

    from naspe.workflows.flows.core_levels.methods import SCAN_EIGENSTATES_EV2

    atoms = molecule("H2O")
    atoms.center(vacuum=2.5)
    # SCAN with naspe's eigenstate criterion, as its core-level runs use it: GPAW's default (4e-8 eV^2 per valence
    # electron) is below where SCAN's residual stalls, and whether 40 iterations reach it varied with the BLAS
    # thread count here
    converge = {"convergence": {"eigenstates": SCAN_EIGENSTATES_EV2}} if xc == "SCAN" else {}
    atoms.calc = GPAW(mode=PW(300), xc=xc, txt=str(tmp_path / f"{xc}.txt"), maxiter=40, **converge)
    return float(atoms.get_potential_energy())


def test_scan_converges_to_a_physical_energy(tmp_path):
    """H2O with SCAN converges, its energy within a few eV of PBE's (an FHC-enforcing libxc gives 1e6 eV)."""
    pbe = _energy("PBE", tmp_path)
    scan = _energy("SCAN", tmp_path)
    assert scan == pytest.approx(pbe, abs=5.0), (scan, pbe)
