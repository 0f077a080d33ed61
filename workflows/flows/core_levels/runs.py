"""The GPAW runs of a Delta-SCF core-level shift: ground state (with its gap) and 1s core-hole states.

``maker`` is a :class:`~naspe.workflows.flows.core_levels.makers.CoreLevelShiftMaker` (its
``gpaw_parameters``, ``run_pbc``, ``static_maker``, ``setup_dir``, ``setup_name`` and
``final_state`` are used). Energies are on GPAW's all-electron scale (eV): the GPAW energy plus
``calc.get_reference_energy()``, so that ground-state and core-hole energies can be subtracted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ase import Atoms

from naspe.workflows.dft.core_hole_setups import basis_file_name, on_setup_path, write_core_hole_setup
from naspe.workflows.flows.core_levels import final_state as fs

__all__ = ["gpaw_energy", "hole_energy", "ground_state_result"]


def gpaw_energy(atoms: Atoms, index: int | None, maker, final_state: str, workdir: Path) -> tuple[float, Any]:
    """Run GPAW with a 1s hole on ``index`` (ground state if None); returns (energy in eV, all-electron scale, calc)."""
    from gpaw import GPAW

    workdir = Path(workdir).resolve()
    setup_dir = Path(maker.setup_dir).resolve() if maker.setup_dir else workdir
    atoms = atoms.copy()
    params = maker.gpaw_parameters(atoms, index, final_state)
    atoms.pbc = maker.run_pbc(atoms, index, final_state)
    label = "ground" if index is None else f"{atoms[index].symbol}{index}_{maker.setup_name}"
    if isinstance(params.get("txt"), str):
        params["txt"] = str(workdir / f"gpaw_{label}.txt")
    if index is not None:
        from gpaw.xc import XC

        # the setup of the functional's kind: PBE's for meta-GGAs and hybrids, as GPAW looks them up
        xc = XC(params["xc"]).get_setup_name() if isinstance(params["xc"], str) else "PBE"
        basis = basis_file_name(maker.static_maker.basis) if maker.static_maker.mode == "lcao" else "dzp"
        write_core_hole_setup(atoms[index].symbol, setup_dir, xc=xc, name=maker.setup_name, basis=basis)
        if params.get("spinpol"):
            magmoms = atoms.get_initial_magnetic_moments()
            magmoms[index] += 1.0  # start from the excited-state spin as in GPAW's Delta-KS recipe
            atoms.set_initial_magnetic_moments(magmoms)
    with on_setup_path(setup_dir):
        atoms.calc = GPAW(**params)
        energy = atoms.get_potential_energy()
        return float(energy + atoms.calc.get_reference_energy()), atoms.calc


def hole_energy(atoms: Atoms, index: int, maker, final_state: str, workdir: Path) -> float:
    """Total energy (eV, all-electron scale) with a 1s hole on ``index``."""
    return gpaw_energy(atoms, index, maker, final_state, workdir)[0]


def ground_state_result(atoms: Atoms, maker, workdir: Path) -> dict[str, Any]:
    """Ground-state energy (eV, all-electron scale), gap (eV) and the final state chosen from them."""
    energy, calc = gpaw_energy(atoms, None, maker, "neutral", workdir)
    gap = fs.band_gap_eV(calc)
    choice = fs.choose(atoms, maker.final_state, gap)
    return {"energy_eV": energy, "band_gap_eV": gap, "final_state": choice.model_dump(mode="json")}
