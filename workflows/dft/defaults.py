"""The default numbers of naspe's engines, each written once, with its reason.

The engine Makers (:mod:`~naspe.workflows.dft.gpaw`, :mod:`~naspe.workflows.dft.tblite`,
:mod:`~naspe.workflows.dft.vasp`) take their field defaults from here, and the
engine registry (:mod:`naspe.workflows.dft.registry`) describes each engine with
them, so a Maker built directly and one built through the registry (by the CLI,
the campaign or a flow) run the same calculation. This module imports nothing:
the command line reads the registry without loading atomate2.
"""

from __future__ import annotations

__all__ = [
    "KB_EV_PER_K",
    "GPAW_BASIS",
    "GPAW_SMEARING_EV",
    "GPAW_DISPERSION",
    "TBLITE_METHOD",
    "TBLITE_ELECTRONIC_TEMPERATURE_K",
    "TBLITE_MAX_ITERATIONS",
    "VASP_SIGMA_EV",
    "VASP_NSW",
    "VASP_EDIFFG_EV_A",
    "RELAX_FMAX_EV_A",
]

KB_EV_PER_K = 8.617333262e-5  # Boltzmann constant (eV/K), CODATA 2018

#: force criterion (eV/Å) of the ASE relaxations (GPAW, tblite) unless a caller sets one
RELAX_FMAX_EV_A = 0.05

# --- GPAW: PBE + D3(BJ), LCAO -----------------------------------------------------------------------------------
GPAW_BASIS = "dzp"
# k-points of GPAW and VASP: one rule by physical k-point length per system class, naspe.workflows.dft.kpoints
#: Fermi-Dirac width (eV), i.e. an electronic temperature of 0.1 / kB = 1160 K
GPAW_SMEARING_EV = 0.1
#: Grimme D3 with Becke-Johnson damping through ``dftd3`` (Grimme et al., J. Comput. Chem. 32 (2011) 1456)
GPAW_DISPERSION = "d3bj"

# --- tblite: GFN2-xTB -------------------------------------------------------------------------------------------
TBLITE_METHOD = "GFN2-xTB"
#: Fermi smearing as a temperature (K), one value for every cell, so the campaign and ``naspe adhesion`` give one
#: W_adh for one interface. 1000 K because the GFN2-xTB SCF of Na slabs fails at tblite's own 300 K: measured here
#: (20-step relaxations, fmax 0.1 eV/Å, study cells), peo/na-on-graphene (substrate and interface) did not converge
#: at 300 K and did at 1000 K; peo/na110 converged at both; the peo/na100 and nafsi/na110 interfaces converged at
#: neither (a limit of the engine, see the registry). For cells with a gap well above kB*T = 0.086 eV (PEO, NaFSI,
#: the ether fragments) the occupations are those of 300 K; for the metals it smooths the Fermi edge.
TBLITE_ELECTRONIC_TEMPERATURE_K = 1000.0
TBLITE_MAX_ITERATIONS = 300

# --- VASP through atomate2: PBE + D3(BJ), PAW -------------------------------------------------------------------
VASP_SIGMA_EV = 0.05  # Gaussian smearing (ISMEAR = 0) width (eV)
VASP_NSW = 200  # ionic steps of a relaxation (the input set's; naspe's --steps does not reach VASP)
VASP_EDIFFG_EV_A = -0.02  # force criterion (eV/Å, negative: on forces); naspe's --fmax does not reach VASP
