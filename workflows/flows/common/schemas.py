"""The counterpoise correction, the one document the protocols share (W_adh and E_bind carry it).

:class:`CounterpoiseCorrection`: the basis-set superposition error (eV) of a
two-part complex from four single points at the complex geometry (Boys &
Bernardi, Mol. Phys. 19 (1970) 553), with the parts relaxed on their own
(fragment relaxation: Xantheas, J. Chem. Phys. 104 (1996) 8821). A localised
basis (GPAW LCAO, CP2K MOLOPT) lets each part borrow the other's functions in
the complex, so the uncorrected energy overbinds by ``bsse_eV``.

This module imports pydantic only, so any module can import it at the top. The
jobs that compute it are in :mod:`naspe.workflows.flows.common.counterpoise`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["CounterpoiseCorrection", "COUNTERPOISE_METHOD"]

#: the correction :class:`CounterpoiseCorrection` records, with its sources
COUNTERPOISE_METHOD = "Boys-Bernardi counterpoise with fragment relaxation (Boys & Bernardi 1970; Xantheas 1996)"


class CounterpoiseCorrection(BaseModel):
    """The basis-set superposition error of a two-part complex from four single points at the complex geometry."""

    method: str = Field(COUNTERPOISE_METHOD, description="The correction and its sources")
    part_a: str = Field(description="Name of part A (the first n_a sites): substrate")
    part_b: str = Field(description="Name of part B: film or fragment")
    n_a: int = Field(description="Sites of part A")
    energy_a_own_basis_eV: float = Field(description="Part A alone at the complex geometry (eV)")
    energy_a_full_basis_eV: float = Field(description="Part A with part B's atoms as ghosts (eV)")
    energy_b_own_basis_eV: float = Field(description="Part B alone at the complex geometry (eV)")
    energy_b_full_basis_eV: float = Field(description="Part B with part A's atoms as ghosts (eV)")
    bsse_a_eV: float = Field(description="E_A(own) - E_A(full basis) (eV); >= 0 up to SCF noise")
    bsse_b_eV: float = Field(description="E_B(own) - E_B(full basis) (eV)")
    bsse_eV: float = Field(description="bsse_a_eV + bsse_b_eV (eV): what the uncorrected energy overbinds by")
    basis: str | None = Field(None, description="LCAO basis of the single points")

    @classmethod
    def from_energies(
        cls, part_a: str, part_b: str, n_a: int, a_own: float, a_full: float, b_own: float, b_full: float, basis=None
    ) -> CounterpoiseCorrection:
        """From the four single-point energies (eV).

        Parameters
        ----------
        part_a, part_b
            Names of part A (the first ``n_a`` sites) and part B.
        n_a
            Sites of part A.
        a_own, a_full, b_own, b_full
            Energy (eV) of each part at the complex geometry in its own basis and in the
            full basis of the complex (the other part's atoms as ghosts).
        basis
            LCAO basis of the single points, recorded.

        Raises
        ------
        ValueError
            When a single point gave no energy (None), naming which.
        """
        values = {"a_own": a_own, "a_full": a_full, "b_own": b_own, "b_full": b_full}
        bad = [k for k, v in values.items() if v is None]
        if bad:
            raise ValueError(f"counterpoise single points {bad} gave no energy; see their engine documents")
        bsse_a, bsse_b = float(a_own - a_full), float(b_own - b_full)
        return cls(
            part_a=part_a,
            part_b=part_b,
            n_a=n_a,
            energy_a_own_basis_eV=float(a_own),
            energy_a_full_basis_eV=float(a_full),
            energy_b_own_basis_eV=float(b_own),
            energy_b_full_basis_eV=float(b_full),
            bsse_a_eV=bsse_a,
            bsse_b_eV=bsse_b,
            bsse_eV=bsse_a + bsse_b,
            basis=basis,
        )
