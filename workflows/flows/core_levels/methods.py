"""The Delta-SCF settings the presets use for core levels, in one place, and what they are worth.

A :class:`CoreLevelMethod` is the GPAW part of a core-level calculation (mode, basis or cutoff,
grid, functional, spin). The campaign presets take theirs from :data:`CORE_LEVEL_METHODS`, and
the gas-phase validation cases (``naspe validate dft``: ``xps-*`` and their ``-quick`` and
``-standard`` twins) run the same objects, so a preset's interface core levels and its
validation cases are the same calculation.

.. warning::
   With PBE the shifts of carbons bonded to two oxygens (O-C=O, CO2-like) come out about
   0.4-0.5 eV too small, whatever the basis, the box or the code: this is the functional.
   Carbons with one oxygen (C-O, C=O) are within about 0.1 eV. The production preset therefore
   runs SCAN (plane waves); the quick and standard presets run PBE in LCAO, because GPAW's LCAO
   mode has no meta-GGA, and read an O-C=O assignment from their shifts with that bias.

The cause and the cure, measured (C 1s shifts against CH4 in eV, core-ionised, spin-polarised,
G2 geometries of ``ase.build.molecule``; measured: Jolly, Bomben & Eyermann 1984):

==============  ========  =========  ==========  ==========  ==========  ==========  ==========  =========
molecule (C)    measured  PBE, all-  GPAW PBE    GPAW PBE    GPAW PBE    GPAW SCAN   SCAN, all-  PBE0, all-
                          electron   PW 500 eV   LCAO tzdp   LCAO dzp    PW 500 eV   electron    electron
==============  ========  =========  ==========  ==========  ==========  ==========  ==========  =========
CH3OH (C-O)     +1.58     +1.48      +1.55                               +1.63       +1.58       +1.55
H2CO (C=O)      +3.63     +3.57      +3.62                               +3.62       +3.63       +3.68
HCOOH (O-C=O)   +4.96     +4.51      +4.59                               +4.87       +4.83       +4.89
CO2 (O-C=O)     +6.85     +6.38      +6.41       +6.20       +6.02       +6.83       +6.85       +7.03
==============  ========  =========  ==========  ==========  ==========  ==========  ==========  =========

- **Functional**: all-electron PBE Delta-SCF (PySCF 2.14, UKS with the maximum-overlap method,
  cc-pCVTZ on C and O, cc-pVTZ on H, density fitting) gives the same too-small O-C=O shifts as
  GPAW (HCOOH 4.51, CO2 6.38 eV), so the PAW setups, the frozen 1s^1 core and the box are not the
  cause. SCAN (0.00-0.13 eV) and PBE0 (0.03-0.18 eV) put every class within 0.2 eV; absolute
  CH4 C 1s: PBE 289.91, SCAN 290.72, PBE0 290.24 eV (measured 290.84, of which ~0.1 eV is
  relativistic). TPSS does not (all-electron: CH3OH +1.47, H2CO +3.52, HCOOH +4.48, CO2
  +6.36 eV), although Pueyo Bellafont, Viñes, Hieringer & Illas, J. Comput. Chem. 38, 518 (2017)
  find TPSS better than PBE on average over 185 shifts (mean absolute error 0.21 against 0.37 eV).
- **GPAW SCAN**: GPAW runs SCAN in plane waves with naspe's own libxc 7.0.0, built with the
  Fermi-hole-curvature enforcement switched off (``make setup``); with Debian's libxc 5.2 SCAN,
  r2SCAN and TPSS diverge (energies of order 1e6-1e10 eV). The core-hole setups are generated with
  PBE, as GPAW takes PBE setups for meta-GGAs, so absolute SCAN Delta-SCF energies are off (CH4, new
  GPAW: 288.35 eV) while shifts between like holes are SCAN's (the table). Legacy GPAW's SCAN
  eigenstate residual stalls at about 2e-6 eV^2 per valence electron, so SCAN runs converge the
  eigenstates to :data:`SCAN_EIGENSTATES_EV2` (the energy to GPAW's default). Cost: molecules in
  12-14 Å boxes take 10-17 SCF iterations per state at 8-25 s each on a shared core (1.5-5 min per
  state, about 9 min per case with its CH4); the quick campaign's 44-atom PEO | oxidised graphene
  cell (6x1x1 k-points, spin-polarised, 3.9 GB) had not finished its first SCF iteration after 11.6
  CPU minutes, so SCAN interface core levels are work for a cluster (the production preset). LCAO
  has no meta-GGA (GPAW 26.7: ``NotImplementedError`` in new GPAW, "LCAO mode does not support
  orbital-dependent XC functionals" in legacy GPAW).
- **PBE0** in plane waves (core-hole setups generated with ``exx=True``) gives CO2 +7.05 eV, as
  all-electron PBE0 does, at 40-60 s per SCF iteration per molecule on a shared core, 4-6 times PBE.
- **Basis**: LCAO lowers the O-C=O shifts further (CO2: dzp -0.39, tzdp -0.21 eV against plane
  waves at 500 eV, whose cutoff is converged to about 0.1 eV).
- Other GGAs do not help (CO2 in PW 500 eV: revPBE +6.32, PW86-PW91 +6.36 eV).

References
----------
- W. L. Jolly, K. D. Bomben, C. J. Eyermann, At. Data Nucl. Data Tables 31 (1984) 433.
- N. Pueyo Bellafont, F. Viñes, W. Hieringer, F. Illas, J. Comput. Chem. 38 (2017) 518.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["CoreLevelMethod", "CORE_LEVEL_METHODS", "method_name"]


#: GPAW's eigenstate convergence (eV^2 per valence electron) of SCAN runs; the energy and density criteria stay
#: GPAW's defaults (5e-4 eV per valence electron over 3 iterations, 1e-4 electrons per valence electron)
SCAN_EIGENSTATES_EV2 = 1e-5


class CoreLevelMethod(BaseModel):
    """GPAW settings of a Delta-SCF core-level calculation (all energies eV, lengths Å)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["lcao", "pw"] = Field(description="GPAW mode: LCAO or plane waves")
    basis: str = Field("dzp", description="LCAO basis (GPAW name, e.g. 'dzp', 'szp(dzp)'); unused in PW mode")
    grid_spacing_angstrom: float = Field(0.2, gt=0, description="LCAO real-space grid spacing (Å); unused in PW")
    ecut_eV: float = Field(500.0, gt=0, description="Plane-wave cutoff (eV); unused in LCAO mode")
    spinpol: bool = Field(True, description="Spin-polarised: the 1s hole in one spin channel")
    xc: Literal["PBE", "SCAN"] = Field(
        "PBE",
        description="Functional: PBE, or the meta-GGA SCAN (plane waves only: GPAW's LCAO mode has no meta-GGA); "
        "the core-hole setups are PBE's either way, as GPAW uses for meta-GGAs",
    )

    @model_validator(mode="after")
    def _meta_gga_needs_plane_waves(self) -> CoreLevelMethod:
        if self.xc != "PBE" and self.mode != "pw":
            raise ValueError(f"xc={self.xc!r} with mode={self.mode!r}: GPAW runs meta-GGAs in mode 'pw' only")
        return self

    def static_maker(self, **kwargs):
        """The :class:`~naspe.workflows.dft.gpaw.GpawStaticMaker` of these settings (``kwargs``: other fields)."""
        from naspe.workflows.dft.gpaw import GpawStaticMaker  # atomate2 (~2.5 s): only when a Maker is made

        extra = dict(kwargs.pop("calculator_kwargs", {}))
        if self.xc != "PBE":
            extra["xc"] = self.xc
            # SCAN's eigenstate residual in legacy GPAW stalls at 1.5-2.1e-6 eV^2 per valence electron (CO2, PW
            # 500 eV: 60 iterations there, energy constant to 3e-6 eV, density converged), above GPAW's default 4e-8
            extra.setdefault("convergence", {"eigenstates": SCAN_EIGENSTATES_EV2})
        return GpawStaticMaker(
            mode=self.mode,
            basis=self.basis,
            grid_spacing_angstrom=self.grid_spacing_angstrom,
            ecut_eV=self.ecut_eV,
            calculator_kwargs=extra,
            **kwargs,
        )

    @property
    def level_of_theory(self) -> str:
        """'PBE Delta-SCF, GPAW LCAO dzp (h = 0.18 Å), ...' (the text of validation cases and reports)."""
        numerics = (
            f"PW {self.ecut_eV:g} eV"
            if self.mode == "pw"
            else (f"LCAO {self.basis} (h = {self.grid_spacing_angstrom:g} Å)")
        )
        spin = "spin-polarised" if self.spinpol else "spin-paired"
        return f"{self.xc} Delta-SCF, GPAW {numerics}, core-ionised final state, {spin}"


#: the core-level settings of each campaign preset; the validation cases run the same ones
CORE_LEVEL_METHODS: dict[str, CoreLevelMethod] = {
    "quick": CoreLevelMethod(mode="lcao", basis="szp(dzp)", grid_spacing_angstrom=0.25),
    "standard": CoreLevelMethod(mode="lcao", basis="dzp", grid_spacing_angstrom=0.18),
    "production": CoreLevelMethod(mode="pw", ecut_eV=500.0, xc="SCAN"),
}


def method_name(
    mode: str,
    basis: str | None,
    grid_spacing_angstrom: float | None,
    ecut_eV: float | None,
    spinpol: bool = True,
    xc: str = "PBE",
) -> str | None:
    """The preset whose :data:`CORE_LEVEL_METHODS` entry has these numerics, or None (settings of one's own)."""
    for name, m in CORE_LEVEL_METHODS.items():
        if m.mode != mode or m.spinpol != spinpol or m.xc != xc:
            continue
        if mode == "pw" and ecut_eV is not None and abs(ecut_eV - m.ecut_eV) < 1e-6:
            return name
        if mode == "lcao" and basis == m.basis and grid_spacing_angstrom is not None:
            if abs(grid_spacing_angstrom - m.grid_spacing_angstrom) < 1e-6:
                return name
    return None
