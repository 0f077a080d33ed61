"""Chemical environment classes of C and O atoms, their XPS ranges and the reference binding energies.

Each carbon is classified from its covalent neighbours (:func:`naspe.analysis.bonds.find_bonds`;
contacts to alkali metals are coordination, not bonds) as ``C sp2`` (graphitic/aromatic: only C/H
neighbours, at most three of them), ``C-C`` (aliphatic: four C/H neighbours), ``C-O`` (one single
C-O bond), ``C=O`` (a carbonyl, or an acetal O-C-O carbon, which XPS fits in the same region) or
``O-C=O`` (carboxyl/ester); each oxygen as ``C-O`` (ether/alcohol), ``C=O`` or ``C(=O)-O``.
Core-level shifts are referenced to an atom of one of :data:`REFERENCE_CLASSES` and aligned to XPS
with that class's own value, :data:`REFERENCE_BINDING_ENERGY_EV`: graphitic carbon is not aliphatic
carbon. Graphite's C 1s is 284.42 eV, 0.4 eV below the 284.8 eV of aliphatic/adventitious C-C to
which the polymer scale is calibrated, so a shift measured from a graphene carbon and put on the
284.8 eV scale would be 0.4 eV too high (PEO has no aliphatic C-C: in a PEO | graphene cell the
reference is a graphene carbon).

References
----------
- G. Beamson, D. Briggs, High Resolution XPS of Organic Polymers: The Scienta ESCA300 Database,
  Wiley (1992): C 1s ranges, recalibrated to C-C at 284.8 eV.
- T. Susi, M. Scardamaglia, K. Mustonen, M. Tripathi, A. Mittelberger, M. Al-Hada, M. Amati,
  H. Sezen, P. Zeller, A. H. Larsen, C. Mangler, J. C. Meyer, L. Gregoratti, C. Bittencourt,
  J. Kotakoski, Intrinsic core level photoemission of suspended graphene, Phys. Rev. Materials 2
  (2018) 074005: C 1s of graphite 284.42 eV, of suspended monolayer graphene 284.70 eV (Fermi level).
- G. P. López, D. G. Castner, B. D. Ratner, Surf. Interface Anal. 17 (1991) 267: O 1s of
  ether/alcohol 532.8, ketone and ester C=O 532.2, ester C-O 533.7 eV with C 1s at 285.0 eV
  (moved by -0.2 eV to the 284.8 eV scale here; approximate).
- W. L. Jolly, K. D. Bomben, C. J. Eyermann, Core-electron binding energies for gaseous atoms and
  molecules, At. Data Nucl. Data Tables 31 (1984) 433: gas-phase 1s ionisation energies
  (:data:`GAS_PHASE_1S_EV`; vertical, vs vacuum).
"""

from __future__ import annotations

from collections.abc import Mapping

from ase import Atoms

from naspe.analysis.bonds import BondSet, find_bonds

__all__ = [
    "ELEMENTS",
    "XPS_RANGES_EV",
    "REFERENCE_CLASSES",
    "REFERENCE_BINDING_ENERGY_EV",
    "REFERENCE_SOURCES",
    "GAS_PHASE_1S_EV",
    "GAS_PHASE_SOURCE",
    "check_element",
    "core_environments",
    "pick_reference",
    "reference_binding_energy",
]

ELEMENTS = ("C", "O")

#: XPS binding-energy ranges (eV) of each environment class. C 1s: Beamson & Briggs (1992)
#: recalibrated to C-C at 284.8 eV; C sp2: graphite 284.42 to suspended monolayer graphene
#: 284.70 eV (Susi et al. 2018). O 1s: López et al. (1991), 285.0 -> 284.8 eV scale (-0.2 eV),
#: +-0.2 eV; approximate.
XPS_RANGES_EV: dict[str, dict[str, tuple[float, float]]] = {
    "C": {
        "C sp2": (284.42, 284.70),
        "C-C": (284.8, 284.8),
        "C-O": (286.2, 286.5),
        "C=O": (287.6, 288.0),
        "O-C=O": (288.8, 289.1),
    },
    "O": {
        "C-O": (532.4, 532.8),  # ether / alcohol oxygen (532.8 eV at C 1s 285.0)
        "C=O": (531.8, 532.2),  # carbonyl oxygen (ketone, aldehyde, ester, acid)
        "C(=O)-O": (533.3, 533.7),  # single-bonded oxygen of an ester / acid
    },
}
#: environment classes a reference atom may have, in order of preference: a graphitic carbon
#: (a conducting substrate, Fermi-level referenced) before an aliphatic one
REFERENCE_CLASSES: dict[str, tuple[str, ...]] = {"C": ("C sp2", "C-C"), "O": ("C-O",)}
#: XPS binding energy (eV) given to a reference atom of each class
REFERENCE_BINDING_ENERGY_EV: dict[str, dict[str, float]] = {
    "C": {"C sp2": 284.42, "C-C": 284.8},
    "O": {"C-O": 532.6},  # López et al. 532.8 eV - 0.2 eV
}
#: where each reference value comes from
REFERENCE_SOURCES: dict[str, dict[str, str]] = {
    "C": {
        "C sp2": "graphite C 1s 284.42 eV: Susi et al., Phys. Rev. Materials 2 (2018) 074005",
        "C-C": "aliphatic/adventitious C-C 284.8 eV: Beamson & Briggs, Scienta ESCA300 Database (1992), recalibrated",
    },
    "O": {"C-O": "ether/alcohol O 1s 532.8 eV at C 1s 285.0 eV: López et al., Surf. Interface Anal. 17 (1991) 267"},
}
#: gas-phase 1s ionisation energies (eV, vertical, vs vacuum) of small molecules, keyed by the ASE
#: ``ase.build.molecule`` name and the index of the atom in that geometry; Jolly, Bomben & Eyermann
#: (1984) as quoted in the Delta-SCF literature (compilations differ by up to ~0.1 eV)
GAS_PHASE_1S_EV: dict[tuple[str, int], float] = {
    ("CH4", 0): 290.84,
    ("C2H6", 0): 290.71,
    ("CH3OH", 0): 292.42,
    ("H2CO", 1): 294.47,
    ("HCOOH", 1): 295.80,
    ("CO", 1): 296.21,
    ("CO2", 0): 297.69,
    ("H2O", 0): 539.90,
    ("CO2", 1): 541.28,
    ("CO", 0): 542.55,
}
GAS_PHASE_SOURCE = (
    "W. L. Jolly, K. D. Bomben, C. J. Eyermann, At. Data Nucl. Data Tables 31 (1984) 433 (gas-phase XPS, vertical)"
)
_METALS = ("Li", "Na", "K")  # contacts to these are coordination, not covalent bonds


def check_element(element: str) -> None:
    """Raise ValueError unless ``element`` is one whose 1s shifts naspe computes (:data:`ELEMENTS`)."""
    if element not in ELEMENTS:
        raise ValueError(f"element={element!r}: core-level shifts are implemented for {ELEMENTS} (1s levels)")


def _covalent_neighbours(atoms: Atoms, bonds: BondSet) -> dict[int, list[tuple[int, str]]]:
    """Atom -> [(neighbour, bond kind)] without metal contacts (Na-O etc. are coordination, not bonds)."""
    symbols = atoms.get_chemical_symbols()
    out: dict[int, list[tuple[int, str]]] = {i: [] for i in range(len(atoms))}
    for b in bonds.bonds:
        if symbols[b.i] in _METALS or symbols[b.j] in _METALS:
            continue
        out[b.i].append((b.j, b.kind))
        out[b.j].append((b.i, b.kind))
    return out


def _carbon_class(neigh: list[tuple[int, str]], symbols: list[str]) -> str:
    if any(symbols[j] not in ("C", "H", "O") for j, _ in neigh):
        return "other"
    single = sum(kind == "C-O" for _, kind in neigh)
    double = sum(kind == "C=O" for _, kind in neigh)
    if (single, double) == (0, 0):
        # only C/H neighbours: four is an sp3 (aliphatic) carbon; three or fewer (graphene, aromatic
        # rings, a carbon at a vacancy or an edge) is graphitic
        return "C-C" if len(neigh) >= 4 else "C sp2"
    # two short C-O bonds: a carboxylate (both C-O ~1.25 Å) or CO2, fitted with O-C=O in XPS
    return {(1, 0): "C-O", (0, 1): "C=O", (2, 0): "C=O", (1, 1): "O-C=O", (0, 2): "O-C=O"}.get(
        (single, double), "other"
    )


def core_environments(atoms: Atoms, element: str = "C", bonds: BondSet | None = None) -> dict[int, str]:
    """Environment class of every atom of ``element`` (index -> class).

    Carbon: ``"C sp2"`` (only C/H neighbours, at most three: graphene, aromatic),
    ``"C-C"`` (four C/H neighbours: aliphatic), ``"C-O"`` (one single C-O bond),
    ``"C=O"`` (one C=O, or two single C-O as in an acetal), ``"O-C=O"`` (C=O plus
    a single C-O: carboxyl, ester; or two short C-O: carboxylate, CO2), ``"other"``
    (carbonate, C-N, C-F, ...).
    Oxygen: ``"C=O"`` (carbonyl O), ``"C(=O)-O"`` (single-bonded O of an ester or
    acid), ``"C-O"`` (ether, alcohol), ``"other"`` (S-O, oxide, water, ...).
    Contacts to Li/Na/K are ignored (coordination, not covalent bonds).

    Parameters
    ----------
    atoms
        Structure.
    element
        ``"C"`` or ``"O"``.
    bonds
        Bonds from :func:`~naspe.analysis.bonds.find_bonds`; computed when None.
    """
    check_element(element)
    bonds = find_bonds(atoms) if bonds is None else bonds
    symbols = atoms.get_chemical_symbols()
    neigh = _covalent_neighbours(atoms, bonds)
    carbon = {i: _carbon_class(neigh[i], symbols) for i, s in enumerate(symbols) if s == "C"}
    if element == "C":
        return carbon
    out = {}
    for i, s in enumerate(symbols):
        if s != "O":
            continue
        kinds = [(j, kind) for j, kind in neigh[i] if kind in ("C-O", "C=O")]
        if any(kind == "C=O" for _, kind in kinds):
            out[i] = "C=O"
        elif any(carbon.get(j) == "O-C=O" for j, _ in kinds):
            out[i] = "C(=O)-O"
        elif kinds and all(symbols[j] in ("C", "H") for j, _ in neigh[i]):
            out[i] = "C-O"
        else:
            out[i] = "other"
    return out


def reference_binding_energy(element: str, environment: str) -> float:
    """XPS binding energy (eV) given to a reference atom of ``environment`` (:data:`REFERENCE_BINDING_ENERGY_EV`).

    Raises
    ------
    ValueError
        When ``environment`` is not a reference class of ``element``.
    """
    check_element(element)
    values = REFERENCE_BINDING_ENERGY_EV[element]
    if environment not in values:
        raise ValueError(
            f"environment={environment!r}: not a reference class of {element} 1s; allowed are {list(values)}"
        )
    return values[environment]


def pick_reference(atoms: Atoms, element: str = "C", environments: Mapping[int, str] | None = None) -> int:
    """Default reference atom: of the first class of :data:`REFERENCE_CLASSES` present in ``atoms``.

    For carbon a graphitic (``C sp2``) carbon if there is one, else an aliphatic ``C-C``
    one, the farthest from any oxygen (least perturbed by second-neighbour shifts); for
    oxygen, the first ether/alcohol oxygen.

    Raises
    ------
    ValueError
        When the structure has no atom of a reference class.
    """
    check_element(element)
    envs = core_environments(atoms, element) if environments is None else environments
    wanted = REFERENCE_CLASSES[element]
    candidates: list[int] = []
    for cls in wanted:
        candidates = [i for i, env in sorted(envs.items()) if env == cls]
        if candidates:
            break
    if not candidates:
        found = sorted(set(envs.values())) or "none"
        names = " or ".join(wanted)
        raise ValueError(
            f"no {names} reference {element} atom in {atoms.get_chemical_formula()} "
            f"({element} environments found: {found}); a {element} 1s shift needs a {names} atom in the same cell"
        )
    oxygens = [k for k, s in enumerate(atoms.get_chemical_symbols()) if s == "O"]
    if element == "O" or not oxygens:
        return candidates[0]
    d = atoms.get_all_distances(mic=True)
    return max(candidates, key=lambda i: (float(d[i, oxygens].min()), -i))
