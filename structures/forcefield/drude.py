"""The CL&Pol polarisable model: Drude oscillators, Thole damping and k_ij-scaled LJ on naspe's force field.

Parameters live in ``clpol.yaml`` beside this module, each with the line of the CL&Pol repository
(github.com/paduagroup/clandpol) it was read from. :class:`ClPol` holds them;
:meth:`ClPol.layer` works out what polarisation adds to a fixed-charge cell (written by
:class:`naspe.structures.lammps_data.LammpsSystemWriter` with ``model="clpol"``):

* one Drude particle (DP, type ``<core>_DP``, mass 0.4 u taken from the core) per polarisable atom,
  bonded to its core (DC) by a harmonic bond of K = k_D/2 = 500 kcal/mol/Å² and r0 = 0;
* the charges split: q_D = -sqrt(4 pi eps0 alpha k_D) on the DP, q - q_D on the core, where alpha is the
  atom's polarisability plus 0.323 Å³ per bonded H (H atoms carry no Drude);
* all i <= j pair coefficients of ``lj/cut/thole/long`` (geometric LJ mixing, epsilon scaled by the
  k_ij of the two fragments, Thole alpha_ij = sqrt(alpha_i alpha_j)), plus ``coul/tt`` pairs of the
  Tang-Toennies-damped types (Li+, Na+) with every core and DP;
* the C/D/N flag of each type for ``fix drude``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from naspe.analysis.lammps_topology import DRUDE_SUFFIX
from naspe.structures.forcefield import KJ_PER_KCAL, ForceField, MissingParameterError

__all__ = ["ClPol", "DrudeLayer", "default_clpol", "DRUDE_SUFFIX"]


@dataclass
class DrudeLayer:
    """What the Drude model adds to a cell of n atoms (arrays over the cell's atoms unless said).

    Attributes
    ----------
    cores
        Indices of the polarisable atoms; DP k (LAMMPS id n + k + 1) belongs to atom ``cores[k]``.
    core_charges
        Charge (e) of every atom after the split (unchanged for non-polarisable atoms).
    drude_charges
        Charge (e) of each DP.
    drude_positions
        Position (Å, same frame as the atoms) of each DP.
    alpha
        Polarisability (Å³, H merged) of each polarisable type label.
    drude_types
        DP type label of each polarisable type label (``OS`` -> ``OS_DP``).
    bond_k
        LAMMPS ``bond_style harmonic`` K (kcal/mol/Å²) of the DC-DP bonds.
    extra_special
        Value for ``read_data ... extra/special/per/atom``: DPs inherit their cores' special neighbours.
    fragments
        CL&Pol fragment (``dme``, ``fsi``, ``li``, ...) of each atom type label, for k_ij.
    """

    cores: np.ndarray
    core_charges: np.ndarray
    drude_charges: np.ndarray
    drude_positions: np.ndarray
    alpha: dict[str, float]
    drude_types: dict[str, str]
    bond_k: float
    extra_special: int
    fragments: dict[str, str] = field(default_factory=dict)


class ClPol:
    """CL&Pol parameters (``clpol.yaml`` format) with the Drude, Thole and k_ij rules of the CL&Pol tools.

    Parameters
    ----------
    path
        YAML file in the format of ``clpol.yaml``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        data = yaml.safe_load(self.path.read_text())
        self.name: str = data["name"]
        self.commit: str = data["repository"]["commit"]
        d = data["drude"]
        self.drude_mass, self.k_kj, self.sign = float(d["mass"]), float(d["k_kj"]), float(d["charge_sign"])
        self.fpe0, self.thole, self.alpha_h = float(d["fpe0"]), float(d["thole"]), float(d["alpha_h"])
        self.offset = float(d["offset"])
        self.polarisable: dict[str, float] = {t: float(row[1]) for t, row in data["polarisable"].items()}
        self.non_polarisable: dict[str, str] = dict(data["non_polarisable"])
        self.ion_charge_scaling = float(data["ion_charge_scaling"])
        ls = data["lj_scaling"]
        self.c0, self.c1 = float(ls["c0"]), float(ls["c1"])
        self.molecule_fragments: dict[str, str] = dict(ls["molecule_fragments"])
        self.neutral_fragment: str = ls["neutral"]
        alpha_ff = {k: float(v) for k, v in ls["alpha_ff"].items()}
        self.fragments: dict[str, tuple[float, float, float]] = {
            name: (float(q), float(mu), sum(alpha_ff[t] * n for t, n in comp.items()))
            for name, (q, mu, comp, _src) in ls["fragments"].items()
        }
        self.dimers: dict[frozenset[str], float] = {frozenset((a, b)): float(r) for a, b, r, *_ in ls["dimers"]}
        tt = data["tang_toennies"]
        self.tt_b, self.tt_c, self.tt_n = float(tt["b"]), float(tt["c"]), int(tt["n"])
        self.tt_types: list[str] = list(tt["types"])

    def drude_charge(self, alpha: float) -> float:
        """Drude charge (e) for polarisability ``alpha`` (Å³): q_D² = 4 pi eps0 alpha k_D."""
        return self.sign * float(np.sqrt(self.fpe0 * self.k_kj * alpha))

    @property
    def bond_k_kcal(self) -> float:
        """LAMMPS harmonic K = k_D/2 of the DC-DP bond (kcal/mol/Å²)."""
        return self.k_kj / (2.0 * KJ_PER_KCAL)

    def k_ij(self, f1: str, f2: str) -> float:
        """Epsilon scaling factor between fragments ``f1`` and ``f2`` (1.0 for two cations or two anions)."""
        (q1, mu1, a1), (q2, mu2, a2) = self.fragments[f1], self.fragments[f2]
        if q1 * q2 > 0.0:
            return 1.0
        key = frozenset((f1, f2))
        if key not in self.dimers:
            raise MissingParameterError(
                f"CL&Pol k_ij: fragment.ff (clandpol {self.commit[:7]}) has no {f1}-{f2} dimer distance "
                f"r_COM; add it to {self.path.name} (a dispersion-corrected DFT dimer, as the CL&Pol README says)"
            )
        r2 = self.dimers[key] ** 2
        inv = 1.0 + self.c0 * r2 * q2 * q2 / a2 + self.c1 * mu2 * mu2 / a2
        inv += self.c0 * r2 * q1 * q1 / a1 + self.c1 * mu1 * mu1 / a1
        return 1.0 / inv

    def missing_dimers(self, molecules: list[str]) -> list[tuple[str, str]]:
        """The fragment pairs of a cell of ``molecules`` whose k_ij needs an r_COM that is not in the parameters.

        ``molecules`` are naspe molecule names (``Li``, ``TFSI``, ``G1``, ``PEO``); a name without a
        fragment of its own is the neutral (ether) fragment, as :meth:`type_fragments` makes it. Every
        pair of the cell's fragments (each with itself too) that is not two cations or two anions needs
        a dimer distance; the pairs without one are returned, sorted (empty: the cell can be polarised).
        """
        frags = sorted({self.molecule_fragments.get(m, self.neutral_fragment) for m in molecules})
        unknown = [f for f in frags if f not in self.fragments]
        if unknown:
            raise MissingParameterError(f"fragments {unknown} have no charge, dipole and alpha in {self.path.name}")
        missing = []
        for a, f1 in enumerate(frags):
            for f2 in frags[a:]:
                if self.fragments[f1][0] * self.fragments[f2][0] <= 0.0 and frozenset((f1, f2)) not in self.dimers:
                    missing.append((f1, f2))
        return missing

    def check_types(self, types: list[str]) -> None:
        """Raise :class:`MissingParameterError` for a type with neither a polarisability nor a reason for none."""
        missing = sorted(set(types) - set(self.polarisable) - set(self.non_polarisable))
        if missing:
            raise MissingParameterError(f"atom types {missing} have no CL&Pol polarisability in {self.path.name}")

    def layer(
        self,
        types: list[str],
        elements: list[str],
        bonds: np.ndarray,
        mol_ids: np.ndarray,
        mol_names: list[str],
        charges: np.ndarray,
        positions: np.ndarray,
        seed: int = 123,
    ) -> DrudeLayer:
        """The Drude particles, charges and fragments of a cell.

        Parameters
        ----------
        types, elements
            naspe-ff atom type and element of each atom.
        bonds
            Bonded atom pairs (0-based indices), shape (n_bonds, 2).
        mol_ids, mol_names
            Molecule index (0-based) of each atom and name of each molecule.
        charges
            Atom charges (e) as written by the fixed-charge model (the split keeps each atom's sum).
        positions
            Atom positions (Å); the Drudes start within ``offset``/2 of their cores on each axis.
        seed
            Seed of those offsets.

        Returns
        -------
        DrudeLayer
            What the Drude model adds; raises :class:`MissingParameterError` for a type without a
            polarisability entry and ValueError for a type whose atoms carry different numbers of H.
        """
        self.check_types(types)
        n = len(types)
        neighbours: list[set[int]] = [set() for _ in range(n)]
        for i, j in bonds:
            neighbours[int(i)].add(int(j))
            neighbours[int(j)].add(int(i))
        n_h = np.array([sum(elements[j] == "H" for j in nb) for nb in neighbours])
        alpha: dict[str, float] = {}
        for t in dict.fromkeys(types):
            if t not in self.polarisable:
                continue
            counts = set(n_h[[k for k in range(n) if types[k] == t]].tolist())
            if len(counts) != 1:
                raise ValueError(
                    f"atoms of type {t} carry different numbers of H ({sorted(counts)}); one alpha per type"
                )
            alpha[t] = self.polarisable[t] + counts.pop() * self.alpha_h
        cores = np.array([k for k in range(n) if types[k] in alpha], dtype=int)
        q_d = np.array([self.drude_charge(alpha[types[k]]) for k in cores])
        core_charges = np.asarray(charges, dtype=float).copy()
        core_charges[cores] -= q_d
        rng = np.random.default_rng(seed)
        drude_positions = positions[cores] + self.offset * (rng.random((cores.size, 3)) - 0.5)
        polar = np.isin(np.arange(n), cores)
        special = 0
        for k in range(n):  # 1-2, 1-3, 1-4 neighbours; after fix drude each brings its DP along
            shell, seen = {k}, {k}
            for _ in range(3):
                shell = {j for i in shell for j in neighbours[i]} - seen
                seen |= shell
            seen.discard(k)
            special = max(special, len(seen) + int(polar[list(seen)].sum()) + int(polar[k]))
        return DrudeLayer(
            cores=cores,
            core_charges=core_charges,
            drude_charges=q_d,
            drude_positions=drude_positions,
            alpha=alpha,
            drude_types={t: f"{t}{DRUDE_SUFFIX}" for t in alpha},
            bond_k=self.bond_k_kcal,
            extra_special=special + 1,
            fragments=self.type_fragments(types, mol_ids, mol_names, charges),
        )

    def type_fragments(
        self, types: list[str], mol_ids: np.ndarray, mol_names: list[str], charges: np.ndarray
    ) -> dict[str, str]:
        """CL&Pol fragment of each atom type, from the molecules it occurs in."""
        mol_charge = np.bincount(mol_ids, weights=charges, minlength=len(mol_names))
        out: dict[str, str] = {}
        for k, t in enumerate(types):
            name = mol_names[mol_ids[k]]
            frag = self.molecule_fragments.get(name)
            if frag is None:
                if abs(mol_charge[mol_ids[k]]) > 1e-6:
                    raise MissingParameterError(f"charged molecule {name!r} has no CL&Pol fragment in {self.path.name}")
                frag = self.neutral_fragment
            if out.setdefault(t, frag) != frag:
                raise ValueError(f"atom type {t} is in fragments {out[t]} and {frag}: k_ij is per type pair")
        return out

    def pair_settings(
        self, ff: ForceField, labels: list[str], layer: DrudeLayer, cutoff: float
    ) -> tuple[str, list[str]]:
        """The ``pair_style`` command and all ``pair_coeff`` lines (i <= j; type number = 1 + index in ``labels``).

        ``labels`` are all type labels of the polarised cell (cores, non-polarisable types, DPs) and
        ``cutoff`` the LJ and real-space Coulomb cutoff (Å). LJ: geometric mixing of naspe-ff sigma and
        epsilon (kcal/mol), epsilon times k_ij (< 1); DPs have no LJ.
        """
        core_of = {dp: t for t, dp in layer.drude_types.items()}
        tt = [t for t in self.tt_types if t in labels]
        hybrid = bool(tt)
        lj_style = "lj/cut/thole/long " if hybrid else ""
        lines = []
        for a, ti in enumerate(labels):
            for b in range(a, len(labels)):
                tj = labels[b]
                ci, cj = core_of.get(ti, ti), core_of.get(tj, tj)
                if ti in core_of or tj in core_of:
                    eps = sig = 0.0
                    note = ""
                else:
                    pi, pj = ff.atom_type(ti), ff.atom_type(tj)
                    eps = float(np.sqrt(pi.epsilon_kj * pj.epsilon_kj)) / KJ_PER_KCAL
                    sig = float(np.sqrt(pi.sigma * pj.sigma))
                    k = self.k_ij(layer.fragments[ti], layer.fragments[tj])
                    eps *= min(k, 1.0)
                    note = f" k_ij={k:.4f}" if k < 1.0 else ""
                pol = float(np.sqrt(layer.alpha.get(ci, 0.0) * layer.alpha.get(cj, 0.0)))
                lines.append(f"pair_coeff {a + 1} {b + 1} {lj_style}{eps:.6f} {sig:.5f} {pol:.4f}  # {ti} {tj}{note}")
        for t in tt:
            i = labels.index(t)
            for j, tj in enumerate(labels):
                if tj in layer.alpha or tj in core_of:
                    lo, hi = sorted((i, j))
                    lines.append(
                        f"pair_coeff {lo + 1} {hi + 1} coul/tt {self.tt_b:g} {self.tt_c:g}  # {labels[lo]} {labels[hi]}"
                    )
        style = f"lj/cut/thole/long {self.thole:g} {cutoff:g}"
        if hybrid:
            style = f"hybrid/overlay {style} coul/tt {self.tt_n} {cutoff:g}"
        return f"pair_style {style}\n", lines


@lru_cache(maxsize=1)
def default_clpol() -> ClPol:
    """The CL&Pol parameters shipped with naspe (``clpol.yaml``)."""
    with resources.as_file(resources.files("naspe.structures.forcefield") / "clpol.yaml") as path:
        return ClPol(path)
