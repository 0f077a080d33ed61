"""Chemical environment classes of C and O atoms and the XPS ranges they are compared with.

Each carbon is classified from its covalent neighbours (:func:`naspe.analysis.bonds.find_bonds`;
contacts to alkali metals are coordination, not bonds) as C-C (only C/H neighbours), C-O (one
single C-O bond), C=O (a carbonyl, or an acetal O-C-O carbon, which XPS fits in the same region)
or O-C=O (carboxyl/ester); each oxygen as C-O (ether/alcohol), C=O or C(=O)-O. Core-level shifts
are referenced to an atom of :data:`REFERENCE_CLASS` and aligned to XPS with
:data:`REFERENCE_BINDING_ENERGY_EV`.

References
----------
- G. Beamson, D. Briggs, High Resolution XPS of Organic Polymers: The Scienta ESCA300 Database,
  Wiley (1992): C 1s ranges, recalibrated to C-C at 284.8 eV.
- G. P. López, D. G. Castner, B. D. Ratner, Surf. Interface Anal. 17 (1991) 267: O 1s of
  ether/alcohol 532.8, ketone and ester C=O 532.2, ester C-O 533.7 eV with C 1s at 285.0 eV
  (moved by -0.2 eV to the 284.8 eV scale here; approximate).
"""

from __future__ import annotations

from collections.abc import Mapping

from ase import Atoms

from naspe.analysis.bonds import BondSet, find_bonds

__all__ = [
    "ELEMENTS",
    "XPS_RANGES_EV",
    "REFERENCE_CLASS",
    "REFERENCE_BINDING_ENERGY_EV",
    "check_element",
    "core_environments",
    "pick_reference",
]

ELEMENTS = ("C", "O")

#: XPS binding-energy ranges (eV, C-C C 1s at 284.8 eV) of each environment class.
#: C 1s: Beamson & Briggs (1992) recalibrated to 284.8 eV. O 1s: López et al. (1991),
#: 285.0 -> 284.8 eV scale (-0.2 eV), +-0.2 eV; approximate.
XPS_RANGES_EV: dict[str, dict[str, tuple[float, float]]] = {
    "C": {
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
#: environment class of the reference atom of each element
REFERENCE_CLASS = {"C": "C-C", "O": "C-O"}
#: XPS binding energy (eV) given to the reference atom
REFERENCE_BINDING_ENERGY_EV = {"C": 284.8, "O": 532.6}  # O: López et al. 532.8 eV - 0.2 eV
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
    return {(0, 0): "C-C", (1, 0): "C-O", (0, 1): "C=O", (2, 0): "C=O", (1, 1): "O-C=O"}.get((single, double), "other")


def core_environments(atoms: Atoms, element: str = "C", bonds: BondSet | None = None) -> dict[int, str]:
    """Environment class of every atom of ``element`` (index -> class).

    Carbon: ``"C-C"`` (only C/H neighbours), ``"C-O"`` (one single C-O bond),
    ``"C=O"`` (one C=O, or two single C-O as in an acetal), ``"O-C=O"`` (C=O plus
    a single C-O: carboxyl, ester), ``"other"`` (carbonate, C-N, C-F, ...).
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


def pick_reference(atoms: Atoms, element: str = "C", environments: Mapping[int, str] | None = None) -> int:
    """Default reference atom: of class :data:`REFERENCE_CLASS` (C-C for C 1s).

    For carbon, the C-C carbon farthest from any oxygen (least perturbed by
    second-neighbour shifts); for oxygen, the first ether/alcohol oxygen.

    Raises
    ------
    ValueError
        When the structure has no atom of the reference class.
    """
    check_element(element)
    envs = core_environments(atoms, element) if environments is None else environments
    wanted = REFERENCE_CLASS[element]
    candidates = [i for i, env in sorted(envs.items()) if env == wanted]
    if not candidates:
        found = sorted(set(envs.values())) or "none"
        raise ValueError(
            f"no {wanted} reference {element} atom in {atoms.get_chemical_formula()} "
            f"({element} environments found: {found}); a {element} 1s shift needs a {wanted} atom in the same cell"
        )
    oxygens = [k for k, s in enumerate(atoms.get_chemical_symbols()) if s == "O"]
    if element == "O" or not oxygens:
        return candidates[0]
    d = atoms.get_all_distances(mic=True)
    return max(candidates, key=lambda i: (float(d[i, oxygens].min()), -i))


# ----------------------------------------------------------------------------- setups
