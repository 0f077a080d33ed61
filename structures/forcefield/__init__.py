"""The naspe force field: OPLS-AA PEO, CL&P FSI-/TFSI-, Aqvist Na+/Li+.

Parameters live in ``naspe-ff.yaml`` beside this module, in the units of their
sources (kJ/mol, Å, degrees, ``k/2 (x - x0)^2`` harmonic constants), each with
its literature source. :class:`ForceField` looks them up by atom type and
converts to LAMMPS ``units real`` (kcal/mol) on request.

Types are assigned by the builders that know what they built; a structure whose
bonds, angles or dihedrals have no parameter here is refused with the missing
type tuple named, never filled in by analogy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

KJ_PER_KCAL = 4.184

__all__ = ["AtomType", "ForceField", "default_forcefield", "KJ_PER_KCAL", "MissingParameterError"]


class MissingParameterError(KeyError):
    """A bond, angle or dihedral of the structure has no parameter in the force field."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0])


@dataclass(frozen=True)
class AtomType:
    """One atom type: bonded class, element, mass (g/mol), charge (e), LJ sigma (Å), epsilon (kJ/mol)."""

    name: str
    bonded_class: str
    element: str
    mass: float
    charge: float
    sigma: float
    epsilon_kj: float
    source: str


@dataclass(frozen=True)
class BondParam:
    r0: float
    k_kj: float
    constrain: bool
    source: str


@dataclass(frozen=True)
class AngleParam:
    theta0: float
    k_kj: float
    source: str


@dataclass(frozen=True)
class DihedralParam:
    v_kj: tuple[float, float, float, float]
    source: str


class ForceField:
    """Force-field parameters with lookup by type and unit conversion.

    Parameters
    ----------
    path
        YAML file in the format of ``naspe-ff.yaml``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        data = yaml.safe_load(self.path.read_text())
        self.name: str = data["name"]
        self.mixing: str = data["mixing"]
        self.special_lj: list[float] = data["special_bonds"]["lj"]
        self.special_coul: list[float] = data["special_bonds"]["coul"]
        self.default_ion_scaling: float = float(data["ion_charge_scaling"]["default"])
        self.ion_molecules: frozenset[str] = frozenset(data["ion_molecules"])
        self.atom_types: dict[str, AtomType] = {name: AtomType(name, *row) for name, row in data["atom_types"].items()}
        self.bonds: dict[tuple[str, str], BondParam] = {}
        for i, j, r0, k, cons, src in data["bonds"]:
            self.bonds[tuple(sorted((i, j)))] = BondParam(r0, k, bool(cons), src)
        self.angles: dict[tuple[str, str, str], AngleParam] = {}
        for i, j, k, theta, kk, src in data["angles"]:
            self.angles[(i, j, k)] = AngleParam(theta, kk, src)
            self.angles[(k, j, i)] = AngleParam(theta, kk, src)
        self.dihedrals: dict[tuple[str, str, str, str], DihedralParam] = {}
        for i, j, k, m, v1, v2, v3, v4, src in data["dihedrals"]:
            self.dihedrals[(i, j, k, m)] = DihedralParam((v1, v2, v3, v4), src)
            self.dihedrals[(m, k, j, i)] = DihedralParam((v1, v2, v3, v4), src)

    # atom-level lookups
    def atom_type(self, name: str) -> AtomType:
        """The :class:`AtomType` called ``name``."""
        try:
            return self.atom_types[name]
        except KeyError:
            raise MissingParameterError(
                f"atom type {name!r} is not in force field {self.name!r}; known: {sorted(self.atom_types)}"
            ) from None

    def charge(self, name: str) -> float:
        """Unscaled partial charge (e) of atom type ``name``."""
        return self.atom_type(name).charge

    def _classes(self, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.atom_type(n).bonded_class for n in names)

    def bond(self, i: str, j: str) -> BondParam:
        """Bond parameters for atom types ``i``-``j``."""
        key = tuple(sorted(self._classes((i, j))))
        if key not in self.bonds:
            raise MissingParameterError(f"no bond parameter for {i}-{j} (classes {key[0]}-{key[1]})")
        return self.bonds[key]

    def angle(self, i: str, j: str, k: str) -> AngleParam:
        """Angle parameters for atom types ``i``-``j``-``k`` (``j`` at the vertex)."""
        key = self._classes((i, j, k))
        if key not in self.angles:
            raise MissingParameterError(f"no angle parameter for {i}-{j}-{k} (classes {'-'.join(key)})")
        return self.angles[key]

    def dihedral(self, i: str, j: str, k: str, l: str) -> DihedralParam:  # noqa: E741
        """OPLS dihedral parameters for atom types ``i``-``j``-``k``-``l``."""
        key = self._classes((i, j, k, l))
        if key not in self.dihedrals:
            raise MissingParameterError(f"no dihedral parameter for {i}-{j}-{k}-{l} (classes {'-'.join(key)})")
        return self.dihedrals[key]


@lru_cache(maxsize=1)
def default_forcefield() -> ForceField:
    """The force field shipped with naspe (``naspe-ff.yaml``)."""
    with resources.as_file(resources.files(__name__) / "naspe-ff.yaml") as path:
        return ForceField(path)
