"""Which final state a Delta-SCF core-level shift uses, chosen from the system, with the reason.

- **neutral** (Susi et al. 2014): the electron taken from the core goes into the valence and the
  cell stays neutral. It stands for the XPS final state of a metal or a semimetal such as
  graphene, whose Fermi sea screens the hole. GPAW ``charge=-1``, because a core-hole setup
  counts as +1.
- **ionized**: the core-ionised cation, the XPS final state of an isolated molecule or of an
  insulating film (screened by its own polarisation only). GPAW ``charge=0``. If an insulator
  or a molecule is given the neutral final state, the extra electron fills the lowest empty
  orbital on the excited atom (the C=O pi*) and the energy is a core exciton's (XAS-like):
  acetic acid's O-C=O carbon came out +0.01 eV neutral against +3.39 eV ionised.

``"auto"`` decides: a cell that is periodic in no direction (a molecule or cluster) is ionised.
Otherwise it uses the ground state's band gap, taken from the Kohn-Sham eigenvalues at the
sampled k-points: neutral below :data:`METALLIC_GAP_EV`, ionised above.

.. warning::
   The gap is the one at the sampled k-points. A coarse grid that misses graphene's K point
   overestimates it, so :data:`METALLIC_GAP_EV` (0.5 eV) sits well above the gaps that the
   semimetals and doped carbons of the study show on such grids and well below PEO's (~5 eV).
   Give ``final_state`` explicitly to override.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from ase import Atoms
from pydantic import BaseModel, Field

__all__ = [
    "FINAL_STATES",
    "GPAW_CHARGE_WITH_HOLE",
    "METALLIC_GAP_EV",
    "FinalStateChoice",
    "band_gap_eV",
    "choose",
    "guessed",
]

FINAL_STATES = ("auto", "neutral", "ionized")
#: extra GPAW charge of a cell with one core-hole setup (the setup itself counts +1)
GPAW_CHARGE_WITH_HOLE = {"neutral": -1, "ionized": 0}
#: ground-state gap (eV) below which a periodic cell counts as metallic and gets the neutral final state
METALLIC_GAP_EV = 0.5


class FinalStateChoice(BaseModel):
    """The final state of the core-hole calculations and why it was chosen."""

    final_state: Literal["neutral", "ionized"] = Field(
        description="'neutral' (core electron in the valence, GPAW charge=-1) or 'ionized' (cation, charge=0)"
    )
    reason: str = Field(description="Why this final state: the user's choice, a molecule, or the ground-state gap")
    band_gap_eV: float | None = Field(
        None, description="Ground-state Kohn-Sham gap (eV) at the sampled k-points; None when not computed"
    )
    requested: Literal["auto", "neutral", "ionized"] = Field(description="What the Maker was asked for")
    guessed: bool = Field(
        False, description="A guess the core-hole runs started with, to be checked against the ground state's gap"
    )


def band_gap_eV(calc) -> float:
    """Kohn-Sham gap (eV) of a finished GPAW run: lowest level above E_F minus highest below, all k and spins."""
    eps = np.concatenate(
        [
            calc.get_eigenvalues(kpt=k, spin=s)
            for k in range(len(calc.get_ibz_k_points()))
            for s in range(calc.get_number_of_spins())
        ]
    )
    try:
        fermi = float(calc.get_fermi_level())
    except ValueError:  # a fixed magnetic moment: one Fermi level per spin
        fermi = float(np.mean(calc.get_fermi_levels()))
    above, below = eps[eps > fermi], eps[eps <= fermi]
    if len(above) == 0 or len(below) == 0:
        raise ValueError(f"no Kohn-Sham level on one side of E_F = {fermi:.3f} eV: cannot tell the gap; add bands")
    return float(above.min() - below.max())


def choose(atoms: Atoms, requested: str = "auto", gap_eV: float | None = None) -> FinalStateChoice:
    """The final state for ``atoms``: ``requested`` unless "auto", then from periodicity and the gap (eV).

    Raises
    ------
    ValueError
        ``requested`` not one of :data:`FINAL_STATES`, or "auto" for a periodic cell without ``gap_eV``.
    """
    if requested not in FINAL_STATES:
        raise ValueError(f"final_state={requested!r}: allowed are {FINAL_STATES}")
    if requested != "auto":
        return FinalStateChoice(
            final_state=requested, reason="set explicitly (final_state)", band_gap_eV=gap_eV, requested=requested
        )
    if not any(atoms.pbc):
        return FinalStateChoice(
            final_state="ionized",
            reason="isolated molecule or cluster (no periodic direction): gas-phase XPS leaves the core-ionised cation",
            band_gap_eV=gap_eV,
            requested="auto",
        )
    if gap_eV is None:
        raise ValueError("final_state='auto' for a periodic cell needs the ground-state gap (gap_eV)")
    if gap_eV < METALLIC_GAP_EV:
        reason = (
            f"ground-state gap {gap_eV:.2f} eV < {METALLIC_GAP_EV} eV: metallic or semimetallic, "
            "the Fermi sea takes the core electron and screens the hole"
        )
        return FinalStateChoice(final_state="neutral", reason=reason, band_gap_eV=gap_eV, requested="auto")
    reason = (
        f"ground-state gap {gap_eV:.2f} eV >= {METALLIC_GAP_EV} eV: insulating, an extra electron would "
        "bind to the hole as a core exciton, so the core-ionised final state is used"
    )
    return FinalStateChoice(final_state="ionized", reason=reason, band_gap_eV=gap_eV, requested="auto")


def guessed(final_state: str) -> FinalStateChoice:
    """The final state the core-hole runs of an "auto" periodic cell start with before the ground state's gap is known.

    Raises
    ------
    ValueError
        ``final_state`` not "neutral" or "ionized".
    """
    if final_state not in GPAW_CHARGE_WITH_HOLE:
        raise ValueError(f"final_state_guess={final_state!r}: allowed are {tuple(GPAW_CHARGE_WITH_HOLE)}")
    reason = f"guessed ({final_state}) while the ground state runs; checked against its gap, holes redone if it differs"
    return FinalStateChoice(final_state=final_state, reason=reason, requested="auto", guessed=True)
