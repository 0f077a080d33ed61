"""The CP2K input naspe writes: PBE in Gaussian and plane waves, GTH pseudopotentials, MOLOPT basis sets.

:func:`cp2k_input` returns the whole input of one calculation except its coordinates
(``@COORDINATES@``, filled per atom with its kind by
:class:`~naspe.workflows.dft.cp2k_calculator.Cp2kShellCalculator`). What it writes, and why:

- ``&XC PBE``; dispersion is not CP2K's: D3(BJ) is added by ``dftd3`` outside CP2K, the same
  code GPAW runs with, so the two engines differ only in their electronic structure;
- basis sets and pseudopotentials of the UZH set in the Debian package's data
  (``/usr/share/cp2k/BASIS_MOLOPT_UZH``, ``POTENTIAL_UZH``): ``DZVP-MOLOPT-PBE-GTH-qN``
  and ``GTH-PBE-qN`` with C q4, H q1, O q6, N q5, F q7, S q6, Li q3 and Na q1 (or q9, 2s2p
  semicore; :data:`~naspe.workflows.dft.defaults.CP2K_NA_VALENCE` says why q1);
- slabs (:func:`~naspe.workflows.dft.kpoints.periodic_directions` finds z not periodic) are
  2D periodic, ``&CELL PERIODIC XY`` with ``&POISSON PERIODIC XY, POISSON_SOLVER ANALYTIC``:
  the electrostatics of an isolated slab, no dipole between images and no dipole correction.
  CP2K 2023.1 from Debian crashes (SIGSEGV at the second SCF step) with
  ``SURFACE_DIPOLE_CORRECTION`` on one rank, so naspe never writes it;
- a Gamma-centred k-point mesh from naspe's one rule, written point by point (``SCHEME
  GENERAL``) after folding k and -k together (time reversal), so the mesh is exactly the one
  GPAW and VASP run on the same cell; a 1x1x1 mesh runs CP2K's Gamma-point code;
- every cell alike: diagonalisation with Fermi-Dirac smearing and Broyden mixing with Kerker
  damping (``ALPHA 0.2, BETA 1.5``), ``ADDED_MOS`` for the smeared states. The orbital
  transformation (``&OT``) would be cheaper for molecules at the Gamma point, but with it a
  water molecule's BFGS relaxation stalled at fmax 0.08-0.3 eV/Å for ten steps (energy changes
  of 1e-4 eV) where the diagonalisation converged in three;
  ``EPS_SCF`` 1e-5 Hartree (:data:`~naspe.workflows.dft.defaults.CP2K_EPS_SCF` says why);
- wavefunction extrapolation between geometry steps (``&QS EXTRAPOLATION``): ASPC at the Gamma
  point, ``USE_PREV_P`` with k-points (CP2K extrapolates k-point density matrices only so);
- ghost kinds (``Na_ghost``, ``GHOST``) for counterpoise single points.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "CP2K_DATA_DIR",
    "BASIS_FILE",
    "POTENTIAL_FILE",
    "GHOST_SUFFIX",
    "VALENCE",
    "irreducible_kpoints",
    "kind_names",
    "valence_of",
    "check_settings",
    "cp2k_input",
]

#: where Debian's ``cp2k-data`` puts basis sets and pseudopotentials
CP2K_DATA_DIR = Path("/usr/share/cp2k")
BASIS_FILE = "BASIS_MOLOPT_UZH"
POTENTIAL_FILE = "POTENTIAL_UZH"
GHOST_SUFFIX = "_ghost"
#: valence electrons of each element's GTH-PBE potential (the ``-qN`` of its name); Na's is a setting (1 or 9)
VALENCE = {"H": 1, "Li": 3, "C": 4, "N": 5, "O": 6, "F": 7, "Na": 1, "S": 6}
HARTREE_PER_EV = 1.0 / 27.211386245988  # CODATA 2018


def irreducible_kpoints(mesh: Sequence[int]) -> list[tuple[float, float, float, float]]:
    """The points of a Gamma-centred ``mesh`` with k and -k folded together, as (k1, k2, k3, weight).

    Coordinates are fractions of the reciprocal lattice vectors in (-1/2, 1/2]; the weights sum to 1.
    """
    n = [int(x) for x in mesh]
    if len(n) != 3 or min(n) < 1:
        raise ValueError(f"mesh={tuple(mesh)}: three integers >= 1")
    seen: dict[tuple[int, int, int], int] = {}
    for i in range(n[0]):
        for j in range(n[1]):
            for k in range(n[2]):
                point = (i, j, k)
                partner = tuple((-p) % m for p, m in zip(point, n, strict=True))
                key = min(point, partner)
                seen[key] = seen.get(key, 0) + 1
    total = float(np.prod(n))

    def frac(p: int, m: int) -> float:
        f = p / m
        return f - 1.0 if f > 0.5 + 1e-12 else f

    return [(frac(a, n[0]), frac(b, n[1]), frac(c, n[2]), w / total) for (a, b, c), w in sorted(seen.items())]


def kind_names(symbols: Sequence[str], ghosts: Sequence[int] = ()) -> list[str]:
    """The kind of each atom: its element, or element + ``_ghost`` for the ``ghosts`` indices."""
    ghost_set = {int(g) for g in ghosts}
    return [s + GHOST_SUFFIX if i in ghost_set else s for i, s in enumerate(symbols)]


def valence_of(element: str, na_valence: int = 1) -> int:
    """Valence electrons of ``element``'s GTH-PBE potential in naspe's set (Na: ``na_valence``, 1 or 9)."""
    if element not in VALENCE:
        raise ValueError(f"element {element!r}: naspe's CP2K set covers {', '.join(sorted(VALENCE))}")
    return na_valence if element == "Na" else VALENCE[element]


def _kind_section(kind: str, basis: str, potential: str, na_valence: int) -> str:
    element = kind.removesuffix(GHOST_SUFFIX)
    q = valence_of(element, na_valence)
    lines = [f"    &KIND {kind}", f"      ELEMENT {element}", f"      BASIS_SET {basis}-q{q}"]
    if kind.endswith(GHOST_SUFFIX):
        lines.append("      GHOST")
    else:
        lines.append(f"      POTENTIAL {potential}-q{q}")
    lines.append("    &END KIND")
    return "\n".join(lines)


def check_settings(cutoff_ry: float, rel_cutoff_ry: float, na_valence: int) -> None:
    """Raise ValueError naming a cutoff (Ry) or Na valence outside what naspe's CP2K input allows."""
    if not 100.0 <= cutoff_ry <= 2000.0:
        raise ValueError(f"cutoff_ry={cutoff_ry}: allowed 100-2000 Ry")
    if not 20.0 <= rel_cutoff_ry <= 200.0:
        raise ValueError(f"rel_cutoff_ry={rel_cutoff_ry}: allowed 20-200 Ry")
    if na_valence not in (1, 9):
        raise ValueError(f"na_valence={na_valence}: allowed are 1 and 9 (GTH-PBE-q1, GTH-PBE-q9)")


def cp2k_input(
    kinds: Sequence[str],
    cell: np.ndarray,
    slab: bool,
    mesh: Sequence[int],
    *,
    basis: str = "DZVP-MOLOPT-PBE-GTH",
    potential: str = "GTH-PBE",
    na_valence: int = 1,
    cutoff_ry: float = 400.0,
    rel_cutoff_ry: float = 50.0,
    smearing_eV: float = 0.1,
    eps_scf: float = 1e-5,
    max_scf: int = 200,
    spinpol: bool = False,
    charge: int = 0,
    data_dir: Path = CP2K_DATA_DIR,
) -> str:
    """The CP2K input of one calculation (see the module docstring), coordinates left as ``@COORDINATES@``.

    Parameters
    ----------
    kinds
        Kind of each atom (:func:`kind_names`).
    cell
        Cell vectors as rows (Å).
    slab
        2D periodic (x, y) with the analytic Poisson solver; False: 3D periodic.
    mesh
        Gamma-centred k-point mesh (1x1x1: the Gamma point code).
    basis, potential
        Basis set and pseudopotential families, each completed by ``-qN`` per element.
    na_valence
        Valence electrons of the Na potential: 9 (2s2p semicore) or 1.
    cutoff_ry, rel_cutoff_ry
        Plane-wave cutoff of the finest grid and the relative cutoff (Ry).
    smearing_eV
        Fermi-Dirac width kB*T (eV).
    eps_scf
        SCF convergence (Hartree, CP2K's EPS_SCF).
    max_scf
        SCF iterations before the SCF counts as failed.
    spinpol
        Unrestricted Kohn-Sham.
    charge
        Total charge (e).
    data_dir
        Where the basis-set and pseudopotential files are.
    """
    check_settings(cutoff_ry, rel_cutoff_ry, na_valence)
    if not smearing_eV > 0:
        raise ValueError(f"smearing_eV={smearing_eV}: must be > 0 eV")
    kb_ev_per_k = 8.617333262e-5
    temperature_k = smearing_eV / kb_ev_per_k
    electrons = sum(valence_of(k, na_valence) for k in kinds if not k.endswith(GHOST_SUFFIX)) - charge
    added_mos = max(20, int(0.3 * electrons / 2) + 10)
    points = irreducible_kpoints(mesh)
    gamma_only = len(points) == 1 and all(abs(x) < 1e-12 for x in points[0][:3])
    kpoint_block = ""
    if not gamma_only:
        rows = "\n".join(f"      KPOINT {a:.10f} {b:.10f} {c:.10f} {w:.10f}" for a, b, c, w in points)
        kpoint_block = (
            f"    &KPOINTS\n      SCHEME GENERAL\n      SYMMETRY OFF\n      FULL_GRID OFF\n{rows}\n    &END KPOINTS\n"
        )
    extrapolation = "ASPC" if gamma_only else "USE_PREV_P"
    periodic = "XY" if slab else "XYZ"
    poisson = (
        "    &POISSON\n      PERIODIC XY\n      POISSON_SOLVER ANALYTIC\n    &END POISSON\n"
        if slab
        else "    &POISSON\n      PERIODIC XYZ\n      POISSON_SOLVER PERIODIC\n    &END POISSON\n"
    )
    cell = np.asarray(cell, dtype=float)
    cell_rows = "\n".join(f"      {n} {x:.10f} {y:.10f} {z:.10f}" for n, (x, y, z) in zip("ABC", cell, strict=True))
    kinds_text = "\n".join(_kind_section(k, basis, potential, na_valence) for k in sorted(set(kinds)))
    uks = "    UKS\n" if spinpol else ""
    solver = f"""      SCF_GUESS ATOMIC
      EPS_SCF {eps_scf:.1E}
      MAX_SCF {int(max_scf)}
      ADDED_MOS {added_mos}
      &DIAGONALIZATION ON
        ALGORITHM STANDARD
      &END DIAGONALIZATION
      &MIXING
        METHOD BROYDEN_MIXING
        ALPHA 0.2
        BETA 1.5
        NBROYDEN 8
      &END MIXING
      &SMEAR ON
        METHOD FERMI_DIRAC
        ELECTRONIC_TEMPERATURE [K] {temperature_k:.2f}
      &END SMEAR
"""
    return f"""&GLOBAL
  PROJECT @PROJECT@
  RUN_TYPE ENERGY_FORCE
  PRINT_LEVEL LOW
&END GLOBAL
&FORCE_EVAL
  METHOD QUICKSTEP
  &DFT
    BASIS_SET_FILE_NAME {data_dir / BASIS_FILE}
    POTENTIAL_FILE_NAME {data_dir / POTENTIAL_FILE}
    CHARGE {int(charge)}
{uks}    &MGRID
      CUTOFF {cutoff_ry:g}
      REL_CUTOFF {rel_cutoff_ry:g}
      NGRIDS 5
    &END MGRID
    &QS
      EPS_DEFAULT 1.0E-12
      EXTRAPOLATION {extrapolation}
    &END QS
{poisson}{kpoint_block}    &SCF
{solver}      &PRINT
        &RESTART OFF
        &END RESTART
      &END PRINT
    &END SCF
    &XC
      &XC_FUNCTIONAL PBE
      &END XC_FUNCTIONAL
    &END XC
  &END DFT
  &SUBSYS
    &CELL
{cell_rows}
      PERIODIC {periodic}
    &END CELL
    &COORD
@COORDINATES@
    &END COORD
{kinds_text}
  &END SUBSYS
&END FORCE_EVAL
"""
