"""Output documents of the Delta-SCF core-level shift calculation (shifts in eV, XPS-aligned)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from ase import Atoms
from pydantic import BaseModel, Field

from naspe.analysis.xps import (
    REFERENCE_SOURCES,
    XPS_RANGES_EV,
    check_element,
    core_environments,
    reference_binding_energy,
)
from naspe.workflows.dft.convergence import DerivedConvergence, RelaxationConvergence
from naspe.workflows.flows.core_levels.final_state import FinalStateChoice

__all__ = ["CoreLevelShift", "CoreLevelShiftDocument"]


class CoreLevelShift(BaseModel):
    """Core-level shift of one excited atom."""

    index: int = Field(description="Index of the excited atom in the structure")
    element: str = Field(description="Element of the excited atom (C or O)")
    environment: str = Field(
        description="Environment class, e.g. 'C sp2', 'C-C', 'C-O', 'C=O', 'O-C=O' for C 1s (naspe.analysis.xps)"
    )
    core_hole_energy_eV: float = Field(
        description="Total energy (eV) with the 1s core hole on this atom, all-electron scale "
        "(GPAW energy + setups' reference energy)"
    )
    delta_scf_energy_eV: float | None = Field(
        None,
        description="E(core hole) - E(ground state) (eV); absolute Delta-SCF binding energy, meaningful "
        "only spin-polarised (settings 'spinpol'; see naspe.workflows.flows.core_levels.makers); None without a "
        "ground-state run",
    )
    shift_eV: float = Field(description="Core-level shift vs the reference atom (eV); positive = more tightly bound")
    binding_energy_eV: float = Field(description="XPS-aligned binding energy (eV): reference value + shift")
    xps_range_eV: tuple[float, float] | None = Field(
        None, description="XPS binding-energy range (eV) expected for this environment class; None if unknown"
    )
    deviation_from_xps_eV: float | None = Field(
        None, description="Distance (eV) of binding_energy_eV outside xps_range_eV (signed; 0 inside); None if unknown"
    )


class CoreLevelShiftDocument(BaseModel):
    """Delta-SCF core-level shifts of one structure, referenced to one atom of the same element."""

    formula: str = Field(description="Chemical formula of the structure")
    n_atoms: int = Field(description="Number of atoms")
    element: str = Field(description="Element whose 1s level is excited (C or O)")
    reference_index: int = Field(description="Index of the reference atom (a C sp2 or C-C carbon for C 1s)")
    reference_environment: str = Field(description="Environment class of the reference atom")
    reference_binding_energy_eV: float = Field(
        description="XPS binding energy (eV) assigned to the reference atom: that of its class "
        "(C sp2 284.42, C-C 284.8, ether/alcohol O 532.6 eV) unless given"
    )
    reference_binding_energy_source: str = Field(
        description="Where reference_binding_energy_eV comes from (literature source, or 'given')"
    )
    final_state: Literal["neutral", "ionized"] | None = Field(
        None, description="Final state of the core-hole calculations: 'neutral' or 'ionized' (core-ionised cation)"
    )
    final_state_reason: str | None = Field(None, description="Why that final state (user's choice, molecule, gap)")
    ground_state_band_gap_eV: float | None = Field(
        None, description="Ground-state Kohn-Sham gap (eV) at the sampled k-points, when computed"
    )
    reference_core_hole_energy_eV: float = Field(description="Total energy (eV) with the core hole on the reference")
    ground_state_energy_eV: float | None = Field(
        None, description="Ground-state total energy (eV), all-electron scale; None when not computed"
    )
    shifts: list[CoreLevelShift] = Field(description="One entry per excited atom")
    mean_shift_by_environment_eV: dict[str, float] = Field(description="Mean shift (eV) of each environment class")
    settings: dict[str, Any] = Field(default_factory=dict, description="Settings used (GPAW, core hole, final state)")
    convergence: DerivedConvergence = Field(
        default_factory=DerivedConvergence,
        description="Convergence of the shifts: each Delta-SCF single point (SCF) and the relaxation of the geometry "
        "when known (naspe.workflows.dft.convergence); unknown (converged None) when not recorded",
    )

    @classmethod
    def from_energies(
        cls,
        atoms: Atoms,
        element: str,
        reference: int,
        core_hole_energies_eV: Mapping[int, float],
        ground_state_energy_eV: float | None = None,
        settings: dict[str, Any] | None = None,
        reference_binding_energy_eV: float | None = None,
        final_state: FinalStateChoice | None = None,
        geometry_convergence: RelaxationConvergence | None = None,
    ) -> CoreLevelShiftDocument:
        """Document from total energies (eV) with the core hole on each atom (the reference included).

        Parameters
        ----------
        atoms
            The structure (for the environment classes).
        element
            ``"C"`` or ``"O"``.
        reference
            Index of the reference atom; must be a key of ``core_hole_energies_eV``.
        core_hole_energies_eV
            Atom index -> total energy (eV) with the 1s core hole on that atom.
        ground_state_energy_eV
            Ground-state total energy (eV) on the same scale, for absolute Delta-SCF energies.
        settings
            Settings to record.
        reference_binding_energy_eV
            XPS value (eV) of the reference; default: that of its environment class
            (:func:`~naspe.analysis.xps.reference_binding_energy`).
        final_state
            The final state used and why (:func:`~naspe.workflows.flows.core_levels.final_state.choose`).
        geometry_convergence
            Convergence of the relaxation that made the geometry, when known (a part "geometry").
            Each Delta-SCF single point counts as converged: GPAW raises on an unconverged SCF.
        """
        check_element(element)
        if reference not in core_hole_energies_eV:
            raise ValueError(
                f"reference={reference}: no core-hole energy for it; energies given for {sorted(core_hole_energies_eV)}"
            )
        envs = core_environments(atoms, element)
        for i in core_hole_energies_eV:
            if i not in envs:
                raise ValueError(
                    f"index {i}: not a {element} atom of this structure; {element} atoms are {sorted(envs)}"
                )
        e_ref = float(core_hole_energies_eV[reference])
        if reference_binding_energy_eV is None:
            be_ref = reference_binding_energy(element, envs[reference])
            source = REFERENCE_SOURCES[element][envs[reference]]
        else:
            be_ref, source = float(reference_binding_energy_eV), "given (reference_binding_energy_eV)"
        shifts = []
        for i, e in core_hole_energies_eV.items():
            shift = float(e) - e_ref
            binding = be_ref + shift
            xps = XPS_RANGES_EV[element].get(envs[i])
            dev = None if xps is None else float(min(0.0, binding - xps[0]) + max(0.0, binding - xps[1]))
            shifts.append(
                CoreLevelShift(
                    index=int(i),
                    element=element,
                    environment=envs[i],
                    core_hole_energy_eV=float(e),
                    delta_scf_energy_eV=None if ground_state_energy_eV is None else float(e) - ground_state_energy_eV,
                    shift_eV=shift,
                    binding_energy_eV=binding,
                    xps_range_eV=xps,
                    deviation_from_xps_eV=dev,
                )
            )
        shifts.sort(key=lambda s: s.index)
        done = RelaxationConvergence(converged=True, scf_converged=True, single_point=True, steps=0, max_steps=1)
        parts: dict[str, RelaxationConvergence] = {f"{element}{i} 1s hole": done for i in sorted(core_hole_energies_eV)}
        if ground_state_energy_eV is not None:
            parts["ground state"] = done
        if geometry_convergence is not None:
            parts["geometry"] = geometry_convergence
        by_env: dict[str, list[float]] = {}
        for s in shifts:
            by_env.setdefault(s.environment, []).append(s.shift_eV)
        return cls(
            formula=atoms.get_chemical_formula(),
            n_atoms=len(atoms),
            element=element,
            reference_index=int(reference),
            reference_environment=envs[reference],
            reference_binding_energy_eV=be_ref,
            reference_binding_energy_source=source,
            final_state=None if final_state is None else final_state.final_state,
            final_state_reason=None if final_state is None else final_state.reason,
            ground_state_band_gap_eV=None if final_state is None else final_state.band_gap_eV,
            reference_core_hole_energy_eV=e_ref,
            ground_state_energy_eV=ground_state_energy_eV,
            shifts=shifts,
            mean_shift_by_environment_eV={k: float(np.mean(v)) for k, v in sorted(by_env.items())},
            settings=settings or {},
            convergence=DerivedConvergence.from_parts(parts),
        )

    def shift_of(self, index: int) -> float:
        """Shift (eV) of atom ``index``."""
        for s in self.shifts:
            if s.index == index:
                return s.shift_eV
        raise KeyError(f"atom {index} was not excited; excited atoms are {[s.index for s in self.shifts]}")


# ----------------------------------------------------------------------------- classification
