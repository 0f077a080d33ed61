"""Physical bounds of the protocols' inputs, checked when a flow is made (before any calculation).

The adhesion and bonding Makers refuse what cannot give an answer with the same bounds as the
command line (:mod:`naspe.structures.bounds`): a relaxation of 0 or -5 steps (atomate2 would
silently run a single point), a force criterion of -1 eV/Å (a relaxation that never converges),
and a film that starts inside the substrate or out of its reach.
"""

from __future__ import annotations

from pymatgen.core import Structure

from naspe.structures.bounds import FMAX_EV_A, GAP_ANGSTROM, RELAX_STEPS

__all__ = ["check_relaxation", "interface_gap", "check_gap"]


def check_relaxation(maker, label: str = "relax_maker") -> None:
    """Refuse a relax Maker whose ``steps`` or force criterion lies outside its bound.

    Parameters
    ----------
    maker
        A relax Maker; ``steps`` (optimiser steps, 1 = single point) and ``relax_kwargs["fmax"]``
        (eV/Å) are checked where it has them (naspe's ASE engines; atomate2's VASP Makers have neither).
    label
        How the error names the Maker.

    Raises
    ------
    ValueError
        ``<label>.steps=0: allowed is 1 to 10000 (...)`` or the same for ``fmax``.
    """
    from naspe.workflows.dft.base import EngineMaker  # atomate2: only once a Maker exists

    if not isinstance(maker, EngineMaker):
        return
    RELAX_STEPS.check(maker.steps, f"{label}.steps")
    fmax = maker.relax_kwargs.get("fmax")
    if fmax is not None:
        FMAX_EV_A.check(fmax, f"{label}.relax_kwargs['fmax']")


def interface_gap(interface: Structure, n_substrate: int) -> float:
    """Gap (Å) from the highest substrate atom (the first ``n_substrate`` sites) to the lowest film atom."""
    z = interface.cart_coords[:, 2]
    return float(z[n_substrate:].min() - z[:n_substrate].max())


def check_gap(interface: Structure, n_substrate: int) -> float:
    """The interface's gap (Å), or ValueError when it lies outside :data:`~naspe.structures.bounds.GAP_ANGSTROM`."""
    gap = round(interface_gap(interface, n_substrate), 3)
    try:
        return GAP_ANGSTROM.check(gap, "gap")
    except ValueError as err:
        raise ValueError(f"interface (film's lowest atom above the substrate's highest): {err}") from None
