"""LAMMPS data files and the matching force-field settings.

:class:`LammpsSystemWriter` takes every choice in ``__init__`` (force field,
ion charge scaling, cutoff, PPPM accuracy) and turns a tagged ``ase.Atoms``
into the text of a ``atom_style full`` data file with type labels and all
coefficients, plus the commands that must precede ``read_data``:

``units real``, ``pair_style lj/cut/coul/long`` with geometric mixing, PPPM,
harmonic bonds and angles, OPLS dihedrals and OPLS-AA 1-4 scaling of 0.5.

``model="clpol"`` writes the polarisable CL&Pol variant (:mod:`naspe.structures.forcefield.drude`):
Drude particles bonded to their cores, unscaled ion charges split between core and Drude,
``pair_style lj/cut/thole/long`` (with ``coul/tt`` for Li+/Na+) and every i <= j ``pair_coeff``
(k_ij-scaled LJ) after ``read_data``; :attr:`LammpsSystem.drude` carries what the MD inputs need.

Angles and dihedrals are generated from the bond graph; every one must have a
parameter in the force field or the write is refused, naming the type tuple.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.lammps.coordinatetransform import Prism

from naspe.analysis.output_files import write_text_replacing
from naspe.structures.forcefield import KJ_PER_KCAL, ForceField, default_forcefield
from naspe.structures.forcefield.drude import ClPol, DrudeLayer, default_clpol
from naspe.structures.topology import FF_TYPE, MOL_ID, bonds_of, has_topology, molecule_names

__all__ = ["LammpsSystemWriter", "LammpsSystem", "angles_and_dihedrals"]


def angles_and_dihedrals(n_atoms: int, bonds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All angles (i, j, k) and proper dihedrals (i, j, k, l) implied by ``bonds``."""
    neighbours: list[list[int]] = [[] for _ in range(n_atoms)]
    for i, j in bonds:
        neighbours[i].append(int(j))
        neighbours[j].append(int(i))
    angles = [
        (nb[a], j, nb[b]) for j, nb in enumerate(neighbours) for a in range(len(nb)) for b in range(a + 1, len(nb))
    ]
    dihedrals = []
    for j, k in bonds:
        for i in neighbours[j]:
            if i == k:
                continue
            for m in neighbours[k]:
                if m not in (j, i):
                    dihedrals.append((i, int(j), int(k), m))
    return np.array(angles, dtype=int).reshape(-1, 3), np.array(dihedrals, dtype=int).reshape(-1, 4)


@dataclass
class LammpsSystem:
    """What was written: the data-file text, the settings and bookkeeping.

    Attributes
    ----------
    data
        Text of the LAMMPS data file.
    settings
        LAMMPS commands to run before ``read_data`` (styles, mixing, special bonds).
    post_read
        LAMMPS commands to run after ``read_data`` (k-space solver, slab correction).
    atom_types, bond_types, angle_types, dihedral_types
        Type labels in LAMMPS type order.
    constrained_bond_types
        Labels of bond types that are constraint candidates (X-H, for SHAKE).
    ion_atom_types
        Labels of the atom types that belong to ions (for dump groups).
    counts
        Numbers of atoms, bonds, angles and dihedrals.
    total_charge
        Sum of the charges written (e, after scaling).
    drude
        Polarisable (CL&Pol) cells only: ``flags`` (C/D/N per atom type, for ``fix drude``),
        ``drude_types`` (DP type labels), ``atom_types`` (the others), ``read_data`` options,
        ``pair_coeffs`` (all i <= j), ``n_drudes``; None for the fixed-charge model.
    """

    data: str
    settings: str
    post_read: str
    atom_types: list[str]
    bond_types: list[str]
    angle_types: list[str]
    dihedral_types: list[str]
    constrained_bond_types: list[str]
    ion_atom_types: list[str]
    counts: dict[str, int]
    total_charge: float
    ion_charge_scaling: float
    checksum: str = field(default="")
    drude: dict | None = None

    def write(self, directory: str | Path, stem: str = "system") -> tuple[Path, Path]:
        """Write ``<stem>.data`` and ``<stem>.in.settings`` (settings + read_data + post_read) in ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        data_path = directory / f"{stem}.data"
        settings_path = directory / f"{stem}.in.settings"
        write_text_replacing(data_path, self.data)
        options = f" {self.drude['read_data']}" if self.drude else ""
        write_text_replacing(settings_path, f"{self.settings}read_data {data_path.name}{options}\n{self.post_read}")
        meta = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("data",)}
        if self.drude is None:  # the fixed-charge record stays as it was
            del meta["drude"]
        write_text_replacing(directory / f"{stem}.lammps.json", json.dumps(meta, indent=2))
        return data_path, settings_path


class LammpsSystemWriter:
    """Turn tagged structures into LAMMPS data files with the naspe force field.

    Parameters
    ----------
    forcefield
        Force field to use; naspe's default when None.
    ion_charge_scaling
        Factor applied to the charges of ions (molecules named in the force
        field's ``ion_molecules``: Na, Li, FSI, TFSI); the force field's
        documented default (0.8) when None. Must be in (0, 1].
    cutoff_angstrom
        Lennard-Jones and real-space Coulomb cutoff (Å). 11 Å with the analytic LJ
        tail correction (bulk) is within the 10-12 Å used with OPLS-AA liquids;
        Coulomb beyond it is PPPM's, so the cutoff only splits the work.
    pppm_accuracy
        Relative force accuracy of PPPM.
    tail_correction
        Add the analytic LJ tail correction (bulk cells only).
    model
        ``"fixed"``: the fixed-charge force field (default); ``"clpol"``: the polarisable CL&Pol model
        (Drude oscillators, Thole and Tang-Toennies damping, k_ij-scaled LJ; ion charges unscaled
        unless ``ion_charge_scaling`` is given).
    clpol
        CL&Pol parameters for ``model="clpol"``; naspe's ``clpol.yaml`` when None.
    """

    def __init__(
        self,
        forcefield: ForceField | None = None,
        ion_charge_scaling: float | None = None,
        cutoff_angstrom: float = 11.0,
        pppm_accuracy: float = 1e-5,
        tail_correction: bool = True,
        model: str = "fixed",
        clpol: ClPol | None = None,
    ) -> None:
        if model not in ("fixed", "clpol"):
            raise ValueError(f"model={model!r}: must be 'fixed' (fixed charges) or 'clpol' (polarisable CL&Pol)")
        self.model = model
        self.clpol = (clpol or default_clpol()) if model == "clpol" else None
        self.forcefield = forcefield or default_forcefield()
        default = self.clpol.ion_charge_scaling if self.clpol else self.forcefield.default_ion_scaling
        scaling = default if ion_charge_scaling is None else float(ion_charge_scaling)
        if not 0.0 < scaling <= 1.0:
            raise ValueError(f"ion_charge_scaling={scaling}: must be in (0, 1] (1 = formal charges)")
        if cutoff_angstrom <= 0:
            raise ValueError(f"cutoff_angstrom={cutoff_angstrom}: must be > 0 Å")
        if not 0.0 < pppm_accuracy < 1e-2:
            raise ValueError(f"pppm_accuracy={pppm_accuracy}: must be in (0, 0.01)")
        self.ion_charge_scaling = scaling
        self.cutoff_angstrom = float(cutoff_angstrom)
        self.pppm_accuracy = float(pppm_accuracy)
        self.tail_correction = bool(tail_correction)

    def _ion_mask(self, atoms: Atoms) -> np.ndarray:
        names = molecule_names(atoms)
        return np.array([names[m] in self.forcefield.ion_molecules for m in atoms.arrays[MOL_ID]], dtype=bool)

    def charges(self, atoms: Atoms) -> np.ndarray:
        """Charges (e) as written: force-field charges with ion charges scaled."""
        q = atoms.get_initial_charges().copy()
        q[self._ion_mask(atoms)] *= self.ion_charge_scaling
        return q

    def get_system(self, atoms: Atoms) -> LammpsSystem:
        """Build the data-file text and settings for ``atoms`` (pure: ``atoms`` is not changed)."""
        if not has_topology(atoms):
            raise ValueError(
                f"{atoms.get_chemical_formula()} carries no naspe topology (types, molecules, bonds); "
                "build it with naspe.structures"
            )
        if atoms.cell.volume < 1e-6:
            raise ValueError(
                f"{atoms.get_chemical_formula()} has no cell; give it one (e.g. atoms.center(vacuum=10.0))"
            )
        pbc = np.asarray(atoms.pbc, dtype=bool)
        if not pbc[0] or not pbc[1]:
            raise ValueError(f"pbc={pbc.tolist()}: LAMMPS cells here are periodic in x and y (bulk or slab)")
        ff = self.forcefield
        types = [str(t) for t in atoms.arrays[FF_TYPE]]
        for t in sorted(set(types)):
            ff.atom_type(t)  # raises with the known types named
        bonds = bonds_of(atoms)
        angles, dihedrals = angles_and_dihedrals(len(atoms), bonds)

        atom_labels = list(dict.fromkeys(types))
        atom_index = {t: i + 1 for i, t in enumerate(atom_labels)}

        def classes(idx: np.ndarray) -> tuple[str, ...]:
            return tuple(ff.atom_type(types[i]).bonded_class for i in idx)

        def canonical(key: tuple[str, ...]) -> tuple[str, ...]:
            return min(key, key[::-1])

        bond_keys = [canonical(classes(b)) for b in bonds]
        angle_keys = [canonical(classes(a)) for a in angles]
        dihedral_keys = [canonical(classes(d)) for d in dihedrals]
        bond_params = {k: ff.bond(*[types[i] for i in b]) for k, b in zip(bond_keys, bonds, strict=True)}
        angle_params = {k: ff.angle(*[types[i] for i in a]) for k, a in zip(angle_keys, angles, strict=True)}
        dihedral_params = {
            k: ff.dihedral(*[types[i] for i in d]) for k, d in zip(dihedral_keys, dihedrals, strict=True)
        }
        bond_labels = list(bond_params)
        angle_labels = list(angle_params)
        dihedral_labels = list(dihedral_params)

        prism = Prism(np.array(atoms.cell), pbc=pbc)
        xhi, yhi, zhi, xy, xz, yz = prism.get_lammps_prism()
        frac = np.linalg.solve(np.array(atoms.cell).T, atoms.positions.T).T
        image = np.floor(frac).astype(int)
        image[:, ~pbc] = 0
        wrapped = (frac - image) @ np.array(atoms.cell)
        positions = prism.vector_to_lammps(wrapped)
        charges = self.charges(atoms)
        mol_ids = atoms.arrays[MOL_ID] + 1
        layer: DrudeLayer | None = None
        n_dp = 0
        if self.clpol is not None:
            layer = self.clpol.layer(
                types,
                atoms.get_chemical_symbols(),
                bonds,
                atoms.arrays[MOL_ID],
                molecule_names(atoms),
                charges,
                positions,
            )
            n_dp = layer.cores.size
            written_charges = np.concatenate([layer.core_charges, layer.drude_charges])
        else:
            written_charges = charges

        def label(key: tuple[str, ...]) -> str:
            return "-".join(key)

        dp = layer.drude_types if layer is not None else {}
        dp_labels = list(dp.values())
        dp_bond_labels = [f"{t}-DP" for t in dp]
        type_index = atom_index | {t: len(atom_labels) + i + 1 for i, t in enumerate(dp_labels)}
        m_dp = self.clpol.drude_mass if self.clpol is not None else 0.0
        mass = {t: ff.atom_type(t).mass - (m_dp if t in dp else 0.0) for t in atom_labels} | {
            t: m_dp for t in dp_labels
        }
        model = f" + CL&Pol Drude ({self.clpol.name})" if self.clpol is not None else ""
        lines = [
            f"LAMMPS data file written by naspe ({ff.name}{model}, ion charge scaling {self.ion_charge_scaling:g})",
            "",
            f"{len(atoms) + n_dp} atoms",
            f"{len(bonds) + n_dp} bonds",
            f"{len(angles)} angles",
            f"{len(dihedrals)} dihedrals",
            f"{len(atom_labels) + len(dp_labels)} atom types",
            f"{len(bond_labels) + len(dp_bond_labels)} bond types",
            f"{len(angle_labels)} angle types",
            f"{len(dihedral_labels)} dihedral types",
            "",
            f"0.0 {xhi:.10f} xlo xhi",
            f"0.0 {yhi:.10f} ylo yhi",
            f"0.0 {zhi:.10f} zlo zhi",
        ]
        if prism.is_skewed():
            lines.append(f"{xy:.10f} {xz:.10f} {yz:.10f} xy xz yz")
        lines += ["", "Atom Type Labels", ""] + [f"{i} {t}" for t, i in type_index.items()]
        for title, names in (
            ("Bond Type Labels", [label(k) for k in bond_labels] + dp_bond_labels),
            ("Angle Type Labels", [label(k) for k in angle_labels]),
            ("Dihedral Type Labels", [label(k) for k in dihedral_labels]),
        ):
            if names:
                lines += ["", title, ""] + [f"{i + 1} {name}" for i, name in enumerate(names)]
        lines += ["", "Masses", ""]
        lines += [f"{i} {mass[t]:.4f}  # {t}" for t, i in type_index.items()]
        if layer is None:  # the polarisable model gives every i <= j pair after read_data
            lines += ["", "Pair Coeffs # lj/cut/coul/long", ""]
            lines += [
                f"{i} {ff.atom_type(t).epsilon_kj / KJ_PER_KCAL:.6f} {ff.atom_type(t).sigma:.5f}  # {t}"
                for t, i in atom_index.items()
            ]
        if bond_labels or dp_bond_labels:
            lines += ["", "Bond Coeffs # harmonic", ""]
            lines += [
                f"{i + 1} {bond_params[k].k_kj / (2 * KJ_PER_KCAL):.4f} {bond_params[k].r0:.4f}  # {label(k)}"
                for i, k in enumerate(bond_labels)
            ]
            if layer is not None:
                lines += [
                    f"{len(bond_labels) + i + 1} {layer.bond_k:.4f} 0.0000  # {name}"
                    for i, name in enumerate(dp_bond_labels)
                ]
        if angle_labels:
            lines += ["", "Angle Coeffs # harmonic", ""]
            lines += [
                f"{i + 1} {angle_params[k].k_kj / (2 * KJ_PER_KCAL):.4f} {angle_params[k].theta0:.3f}  # {label(k)}"
                for i, k in enumerate(angle_labels)
            ]
        if dihedral_labels:
            lines += ["", "Dihedral Coeffs # opls", ""]
            lines += [
                f"{i + 1} " + " ".join(f"{v / KJ_PER_KCAL:.6f}" for v in dihedral_params[k].v_kj) + f"  # {label(k)}"
                for i, k in enumerate(dihedral_labels)
            ]
        lines += ["", "Atoms # full", ""]
        lines += [
            f"{n + 1} {mol_ids[n]} {atom_index[types[n]]} {written_charges[n]:.6f} "
            f"{positions[n, 0]:.6f} {positions[n, 1]:.6f} {positions[n, 2]:.6f} "
            f"{image[n, 0]} {image[n, 1]} {image[n, 2]}"
            for n in range(len(atoms))
        ]
        if layer is not None:
            dpos = layer.drude_positions
            lines += [
                f"{len(atoms) + k + 1} {mol_ids[c]} {type_index[dp[types[c]]]} {layer.drude_charges[k]:.6f} "
                f"{dpos[k, 0]:.6f} {dpos[k, 1]:.6f} {dpos[k, 2]:.6f} {image[c, 0]} {image[c, 1]} {image[c, 2]}"
                for k, c in enumerate(layer.cores)
            ]
        for title, items, keys, labels in (
            ("Bonds", bonds, bond_keys, bond_labels),
            ("Angles", angles, angle_keys, angle_labels),
            ("Dihedrals", dihedrals, dihedral_keys, dihedral_labels),
        ):
            if len(items) or (title == "Bonds" and n_dp):
                index = {k: i + 1 for i, k in enumerate(labels)}
                lines += ["", title, ""]
                lines += [
                    f"{n + 1} {index[k]} " + " ".join(str(int(a) + 1) for a in item)
                    for n, (item, k) in enumerate(zip(items, keys, strict=True))
                ]
                if title == "Bonds" and layer is not None:
                    dp_bond = {t: len(bond_labels) + i + 1 for i, t in enumerate(dp)}
                    lines += [
                        f"{len(bonds) + k + 1} {dp_bond[types[c]]} {c + 1} {len(atoms) + k + 1}"
                        for k, c in enumerate(layer.cores)
                    ]
        data = "\n".join(lines) + "\n"

        periodic_z = bool(pbc[2])
        pair_style = f"pair_style lj/cut/coul/long {self.cutoff_angstrom:g}\n"
        post_read = f"kspace_style pppm {self.pppm_accuracy:g}\n"
        drude = None
        if self.clpol is not None and layer is not None:
            all_labels = atom_labels + dp_labels
            pair_style, pair_coeffs = self.clpol.pair_settings(ff, all_labels, layer, self.cutoff_angstrom)
            post_read = "\n".join(pair_coeffs) + "\n" + post_read
            drude = {
                "model": self.clpol.name,
                "commit": self.clpol.commit,
                "flags": ["C" if t in dp else "N" for t in atom_labels] + ["D"] * len(dp_labels),
                "atom_types": atom_labels,
                "drude_types": dp_labels,
                "n_drudes": int(n_dp),
                "read_data": f"extra/special/per/atom {layer.extra_special}",
                "pair_coeffs": pair_coeffs,  # again after read_restart: hybrid/overlay does not keep them
            }
        settings = (
            "units real\n"
            "atom_style full\n"
            f"boundary p p {'p' if periodic_z else 'f'}\n"
            f"{pair_style}"
            f"pair_modify mix geometric tail {'yes' if (self.tail_correction and periodic_z) else 'no'}\n"
            "bond_style harmonic\n"
            "angle_style harmonic\n"
            "dihedral_style opls\n"
            f"special_bonds lj {' '.join(f'{x:g}' for x in ff.special_lj)} "
            f"coul {' '.join(f'{x:g}' for x in ff.special_coul)}\n"
        )
        if not periodic_z:
            post_read += "kspace_modify slab 3.0\n"
        return LammpsSystem(
            data=data,
            settings=settings,
            post_read=post_read,
            atom_types=atom_labels + dp_labels,
            bond_types=[label(k) for k in bond_labels] + dp_bond_labels,
            angle_types=[label(k) for k in angle_labels],
            dihedral_types=[label(k) for k in dihedral_labels],
            constrained_bond_types=[label(k) for k in bond_labels if bond_params[k].constrain],
            ion_atom_types=sorted({types[i] for i in np.flatnonzero(self._ion_mask(atoms))}, key=atom_labels.index),
            counts={
                "atoms": len(atoms) + n_dp,
                "bonds": len(bonds) + n_dp,
                "angles": len(angles),
                "dihedrals": len(dihedrals),
            },
            total_charge=float(written_charges.sum()),
            ion_charge_scaling=self.ion_charge_scaling,
            checksum=hashlib.sha256(data.encode()).hexdigest(),
            drude=drude,
        )
