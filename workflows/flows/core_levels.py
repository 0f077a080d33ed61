"""C 1s / O 1s core-level shifts by Delta-SCF with GPAW full-core-hole setups.

The binding-energy shift of atom ``i`` relative to a reference atom ``r`` of the
same element in the same cell is

    CLS_i = E(core hole on i) - E(core hole on r)

with both total energies from the same cell, geometry and GPAW settings (those of
a :class:`~naspe.workflows.dft.gpaw.GpawStaticMaker`, so shifts and energies
come from one set of parameters). The core hole is a full 1s hole (1.0 e) built
into a PAW setup generated offline by GPAW's atomic generator
(``Generator(el, "PBE", scalarrel=True, corehole=(1, 0, 1.0))``, about 0.3 s per
element, plus an LCAO basis for that setup from ``BasisMaker``, about 0.5 s).
Setups are written into the job's working directory or a cache directory that is
put on ``gpaw.setup_paths`` for the run, never into site-packages.

C 1s shifts are referenced to a C-C carbon (only C/H neighbours) and aligned to
XPS by adding the adventitious/aliphatic C-C value 284.8 eV; each excited carbon
is classified as C-C, C-O (one single C-O bond), C=O (a carbonyl, or an acetal
O-C-O carbon, which XPS fits in the same region) or O-C=O (carboxyl/ester) from
:func:`naspe.analysis.bonds.find_bonds`, to set against the XPS ranges of Beamson
& Briggs as recalibrated to C-C at 284.8 eV: C-O 286.2-286.5, C=O 287.6-288.0,
O-C=O 288.8-289.1 eV (the ~289 eV C 1s of the bonded interface). O 1s shifts are
referenced to an ether/alcohol oxygen (532.6 eV) with ranges from López et al.
moved to the same C 1s scale (approximate; see :data:`XPS_RANGES_EV`).

Choices, and why
----------------
- **Neutral final state** (Susi et al. 2014): the electron taken from the core is
  put into the valence, so the cell stays neutral and, at a metal or carbon
  interface, the hole is screened by the Fermi sea as in the XPS final state.
  GPAW counts a core-hole setup as charge +1 (its ``charge: 1.0`` in the log), so
  the neutral cell is ``charge=-1`` in GPAW terms; ``charge=0`` would give the
  core-ionised cation. ``final_state="ionized"`` selects the cation, closer to
  gas-phase XPS of an isolated molecule. Measured on ethanol (PBE, LCAO dzp,
  h = 0.2 Å, 3.5 Å vacuum): CH2OH vs CH3 is +0.96 eV neutral and +1.49 eV
  ionised (gas-phase XPS: about +1.4 eV); FD mode gives +1.54 eV ionised.
  The neutral final state assumes a metallic (or semimetallic, as graphene)
  cell whose Fermi sea takes the extra electron. In an isolated molecule or an
  insulating cell the electron drops into the lowest empty orbital on the
  excited atom and the energy is that of a core exciton (XAS-like): acetic acid's
  O-C=O carbon comes out +0.01 eV neutral (the electron fills its pi*) against
  +3.39 eV ionised. Use ``final_state="ionized"`` for molecules and insulators;
  there (h = 0.25 Å) C-O < C=O < O-C=O: +1.49 (ethanol), +2.44 (acetaldehyde),
  +3.39 eV (acetic acid) vs CH3, and the O 1s of acetaldehyde's C=O is -0.70 eV
  from ethanol's C-O oxygen in one cell.
- **Spin-paired** by default (the ``spinpol`` of the static Maker is honoured):
  the hole is a spherical, spin-averaged 1s^1 inside the setup and the valence
  is spin-paired. Spin polarisation (with 1 µB started on the excited atom, as in
  GPAW's Delta-Kohn-Sham recipe) changed the ethanol shift by 0.06 eV at twice the
  cost. Absolute Delta-SCF energies (``delta_scf_energy_eV``) are only meaningful
  spin-polarised: the spin-averaged 1s^1 puts them ~7 eV too high for C 1s,
  an error that cancels in shifts.
- **LCAO** by default, as in the static Maker, with a basis generated for the
  core-hole setup (the ground-state dzp basis gives the same shift to 1 meV).
  LCAO and FD shifts agree to 0.05 eV on ethanol; ``mode="pw"`` works too.
- **No dispersion**: D3 depends on positions only and cancels exactly in a shift
  at fixed geometry.
- Absolute GPAW energies are relative to the setups' reference atoms; the energy
  stored here adds back ``calc.get_reference_energy()`` (all-electron scale), so
  that ground-state and core-hole energies can be subtracted.

References
----------
- T. Susi, D. J. Mowbray, M. P. Ljungberg, P. Ayala, Calculation of the graphene
  C 1s core level binding energy, Beilstein J. Nanotechnol. 5 (2014) 121
  (Delta-SCF C 1s with GPAW full-core-hole setups, neutral cell, extra electron in
  the valence).
- G. Beamson, D. Briggs, High Resolution XPS of Organic Polymers: The Scienta
  ESCA300 Database, Wiley (1992) (C 1s and O 1s reference values).
- G. P. López, D. G. Castner, B. D. Ratner, Surf. Interface Anal. 17 (1991) 267
  (O 1s of ether/alcohol 532.8, ketone and ester C=O 532.2, ester C-O 533.7 eV
  with C 1s at 285.0 eV).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ase import Atoms
from jobflow import Flow, Maker, job
from pymatgen.core import Structure

from naspe.analysis.xps import REFERENCE_CLASS, check_element, core_environments, pick_reference
from naspe.workflows.base.kinds import runs_on
from naspe.workflows.dft.checks import GPAW_EDGE_ANGSTROM, to_atoms
from naspe.workflows.dft.core_hole_setups import basis_file_name, on_setup_path, write_core_hole_setup
from naspe.workflows.dft.gpaw import GpawStaticMaker
from naspe.workflows.flows.core_level_documents import CoreLevelShiftDocument

__all__ = ["CoreLevelShiftMaker", "core_level_shifts", "core_hole_energy"]


_FINAL_STATES = {"neutral": -1, "ionized": 0}  # extra GPAW charge of a cell with one core-hole setup


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return repr(value)


@dataclass
class CoreLevelShiftMaker(Maker):
    """Delta-SCF 1s core-level shifts with GPAW core-hole setups, one job per excited atom.

    Parameters
    ----------
    name
        Flow name.
    static_maker
        Source of the GPAW settings (``gpaw_parameters``): mode, basis, grid spacing
        (Å), cutoff (eV), k-points (naspe's rule), smearing (eV), spin, dipole
        layer, extra calculator keywords. Its dispersion is not applied (it cancels).
    final_state
        ``"neutral"`` (default; the core electron goes to the valence, Susi 2014;
        GPAW ``charge=-1``) or ``"ionized"`` (core-ionised cation; GPAW ``charge=0``).
    ground_state
        Also compute the ground state, for absolute Delta-SCF energies.
    setup_name
        Name of the generated core-hole setups.
    setup_dir
        Cache directory for the setups; None writes them into each job's directory.
    reference_binding_energy_eV
        XPS value (eV) of the reference atom; None uses
        :data:`REFERENCE_BINDING_ENERGY_EV` (284.8 eV for C-C C 1s).
    """

    job_kind: ClassVar[str] = "dft"  # the workers that run its jobs (naspe.workflows.base.kinds)

    name: str = "core-level shifts"
    static_maker: GpawStaticMaker = field(default_factory=GpawStaticMaker)
    final_state: str = "neutral"
    ground_state: bool = True
    setup_name: str = "fch1s"
    setup_dir: str | None = None
    reference_binding_energy_eV: float | None = None

    def __post_init__(self) -> None:
        if self.final_state not in _FINAL_STATES:
            raise ValueError(f"final_state={self.final_state!r}: allowed are {tuple(_FINAL_STATES)}")
        if not isinstance(self.static_maker, GpawStaticMaker):
            raise ValueError(
                f"static_maker={type(self.static_maker).__name__}: a GpawStaticMaker is needed (GPAW core-hole setups)"
            )
        if self.static_maker.mode == "lcao":
            from gpaw.basis_data import parse_basis_name

            try:
                parse_basis_name(basis_file_name(self.static_maker.basis))
            except (AssertionError, ValueError, KeyError, IndexError) as err:
                raise ValueError(
                    f"basis={self.static_maker.basis!r}: allowed are GPAW basis names like 'dzp', 'szp', 'szp(dzp)'"
                ) from err
        if not self.setup_name or "." in self.setup_name or "/" in self.setup_name:
            raise ValueError(f"setup_name={self.setup_name!r}: must be a non-empty name without '.' or '/'")
        if self.setup_dir is not None and "site-packages" in Path(self.setup_dir).resolve().parts:
            raise ValueError(f"setup_dir={self.setup_dir!r}: generated setups must not go into site-packages")

    # -- settings ------------------------------------------------------------
    def gpaw_parameters(self, atoms: Atoms, index: int | None) -> dict:
        """Keyword arguments of ``gpaw.GPAW`` for the ground state (``index=None``) or a hole on ``index``."""
        params = self.static_maker.gpaw_parameters(atoms)
        if index is not None:
            setups = params.get("setups", {})
            setups = {"default": setups} if isinstance(setups, str) else dict(setups)
            setups[index] = self.setup_name
            params["setups"] = setups
            params["charge"] = params.get("charge", 0) + _FINAL_STATES[self.final_state]
        return params

    def settings(self, atoms: Atoms, element: str) -> dict[str, Any]:
        """Settings recorded in the document."""
        sm = self.static_maker
        out: dict[str, Any] = {
            "engine": "gpaw",
            "xc": self.gpaw_parameters(atoms, None)["xc"],
            "mode": sm.mode,
            "kpoints": sm.kpoint_mesh(atoms).as_dict(),
            "smearing_eV": sm.smearing_eV,
            "spinpol": sm.spinpol,
            "dipole_correction": bool(sm.dipole_correction and atoms.pbc[0] and atoms.pbc[1] and not atoms.pbc[2]),
            "core_hole": f"{element} 1s, full (1.0 e), setup '{self.setup_name}'",
            "final_state": self.final_state,
            "gpaw_charge_with_hole": self.gpaw_parameters(atoms, 0)["charge"],
            "dispersion": "not applied: D3 depends on positions only and cancels in a shift at fixed geometry",
            "calculator_kwargs": _jsonable(sm.calculator_kwargs),
        }
        if sm.mode == "lcao":
            out.update(basis=sm.basis, grid_spacing_angstrom=sm.grid_spacing_angstrom)
        else:
            out.update(ecut_eV=sm.ecut_eV)
        return out

    # -- validation ----------------------------------------------------------
    def validate(
        self, atoms: Atoms, indices: Sequence[int] | None, reference: int | None, element: str
    ) -> tuple[list[int], int]:
        """Check the inputs before any GPAW run; return (excited indices, reference index).

        Raises
        ------
        ValueError
            Element not C/O, indices out of range or of another element, no
            reference atom of the reference class, atoms too close to a
            non-periodic face.
        """
        check_element(element)
        n = len(atoms)
        symbols = atoms.get_chemical_symbols()
        of_element = [i for i, s in enumerate(symbols) if s == element]
        if not of_element:
            raise ValueError(f"element={element!r}: {atoms.get_chemical_formula()} has no {element} atom")
        chosen = of_element if indices is None else list(dict.fromkeys(int(i) for i in indices))
        if not chosen:
            raise ValueError("indices=[]: give at least one atom to excite (or None for every atom of the element)")
        for i in [*chosen, *([] if reference is None else [reference])]:
            if not 0 <= i < n:
                raise ValueError(f"index {i}: out of range; allowed are 0..{n - 1} ({n} atoms)")
            if symbols[i] != element:
                raise ValueError(f"index {i}: is {symbols[i]}, not {element}; {element} atoms are {of_element}")
        envs = core_environments(atoms, element)
        if reference is None:
            reference = pick_reference(atoms, element, envs)
        elif envs[reference] != REFERENCE_CLASS[element]:
            allowed = [i for i, e in sorted(envs.items()) if e == REFERENCE_CLASS[element]]
            raise ValueError(
                f"reference={reference}: is a {envs[reference]} {element}, the reference must be "
                f"{REFERENCE_CLASS[element]}; {REFERENCE_CLASS[element]} atoms: {allowed or 'none'}"
            )
        lengths = atoms.cell.lengths()
        scaled = atoms.get_scaled_positions(wrap=False)
        for axis in range(3):
            if atoms.pbc[axis]:
                continue
            x = scaled[:, axis] * lengths[axis]
            if lengths[axis] == 0 or x.min() < GPAW_EDGE_ANGSTROM or x.max() > lengths[axis] - GPAW_EDGE_ANGSTROM:
                raise ValueError(
                    f"atoms span {x.min():.2f}-{x.max():.2f} Å along non-periodic axis {'xyz'[axis]} of a "
                    f"{lengths[axis]:.2f} Å cell: GPAW needs >= {GPAW_EDGE_ANGSTROM} Å of vacuum to each face"
                )
        return chosen, int(reference)

    # -- flow ----------------------------------------------------------------
    def make(
        self,
        structure: Structure,
        atoms: Sequence[int] | None = None,
        reference: int | None = None,
        element: str = "C",
    ) -> Flow:
        """Flow: one core-hole job per excited atom and the reference (and ground state), then the document.

        Parameters
        ----------
        structure
            Structure (slabs, i.e. a vacuum gap along z, run non-periodic along z).
        atoms
            Indices of the atoms to excite; None excites every atom of ``element``.
        reference
            Index of the reference atom; None picks one (:func:`pick_reference`).
        element
            ``"C"`` or ``"O"``.
        """
        ase_atoms = to_atoms(structure)
        indices, ref = self.validate(ase_atoms, atoms, reference, element)
        jobs = []
        energies = {}
        for i in dict.fromkeys([ref, *indices]):
            j = core_hole_energy(structure, i, self)
            j.name = f"{self.name} {element}{i} 1s core hole"
            jobs.append(j)
            energies[i] = j.output
        ground = None
        if self.ground_state:
            g = core_hole_energy(structure, None, self)
            g.name = f"{self.name} ground state"
            jobs.append(g)
            ground = g.output
        doc = core_level_shift_document(
            structure, element, ref, indices, [energies[i] for i in indices], energies[ref], ground, self
        )
        doc.name = f"{self.name} document"
        return Flow([*jobs, doc], output=doc.output, name=self.name)


def _core_hole_total_energy(atoms: Atoms, index: int | None, maker: CoreLevelShiftMaker, workdir: Path) -> float:
    """Total energy (eV, all-electron scale) with a 1s hole on ``index`` (ground state if None)."""
    from gpaw import GPAW

    workdir = Path(workdir).resolve()
    setup_dir = Path(maker.setup_dir).resolve() if maker.setup_dir else workdir
    atoms = atoms.copy()
    params = maker.gpaw_parameters(atoms, index)
    label = "ground" if index is None else f"{atoms[index].symbol}{index}_{maker.setup_name}"
    if isinstance(params.get("txt"), str):
        params["txt"] = str(workdir / f"gpaw_{label}.txt")
    if index is not None:
        xc = params["xc"] if isinstance(params["xc"], str) else "PBE"
        basis = basis_file_name(maker.static_maker.basis) if maker.static_maker.mode == "lcao" else "dzp"
        write_core_hole_setup(atoms[index].symbol, setup_dir, xc=xc, name=maker.setup_name, basis=basis)
        if params.get("spinpol"):
            magmoms = atoms.get_initial_magnetic_moments()
            magmoms[index] += 1.0  # start from the excited-state spin as in GPAW's Delta-KS recipe
            atoms.set_initial_magnetic_moments(magmoms)
    with on_setup_path(setup_dir):
        atoms.calc = GPAW(**params)
        energy = atoms.get_potential_energy()
        return float(energy + atoms.calc.get_reference_energy())


@job
@runs_on("dft")
def core_hole_energy(structure: Structure, index: int | None, maker: CoreLevelShiftMaker) -> float:
    """Total energy (eV, all-electron scale) with a 1s hole on atom ``index``; ground state when None."""
    return _core_hole_total_energy(to_atoms(structure), index, maker, Path.cwd())


@job(output_schema=CoreLevelShiftDocument)
def core_level_shift_document(
    structure: Structure,
    element: str,
    reference: int,
    indices: list[int],
    energies_eV: list[float],
    reference_energy_eV: float,
    ground_state_energy_eV: float | None,
    maker: CoreLevelShiftMaker,
) -> CoreLevelShiftDocument:
    """Shifts from the core-hole energies (eV) of the excited atoms and the reference."""
    atoms = to_atoms(structure)
    energies = dict(zip(indices, energies_eV, strict=True))
    energies.setdefault(reference, reference_energy_eV)
    return CoreLevelShiftDocument.from_energies(
        atoms,
        element,
        reference,
        energies,
        ground_state_energy_eV,
        settings=maker.settings(atoms, element),
        reference_binding_energy_eV=maker.reference_binding_energy_eV,
    )


def core_level_shifts(
    atoms: Atoms,
    indices: Sequence[int] | None = None,
    reference: int | None = None,
    maker: CoreLevelShiftMaker | None = None,
    element: str = "C",
    directory: str | Path | None = None,
) -> CoreLevelShiftDocument:
    """Run the Delta-SCF core-level shifts in this process (for scripts).

    Parameters
    ----------
    atoms
        ASE structure; its ``pbc`` is used as given (a molecule may be fully non-periodic).
    indices
        Atoms to excite; None excites every atom of ``element``.
    reference
        Reference atom (a C-C carbon for C 1s); None picks one.
    maker
        Settings; default :class:`CoreLevelShiftMaker`.
    element
        ``"C"`` or ``"O"``.
    directory
        Where setups (unless ``maker.setup_dir``) and GPAW logs go; a temporary
        directory, removed afterwards, when None.
    """
    maker = CoreLevelShiftMaker() if maker is None else maker
    chosen, ref = maker.validate(atoms, indices, reference, element)
    with tempfile.TemporaryDirectory(prefix="naspe_cls_") as tmp:
        workdir = Path(directory) if directory is not None else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        energies = {i: _core_hole_total_energy(atoms, i, maker, workdir) for i in dict.fromkeys([ref, *chosen])}
        ground = _core_hole_total_energy(atoms, None, maker, workdir) if maker.ground_state else None
    return CoreLevelShiftDocument.from_energies(
        atoms,
        element,
        ref,
        energies,
        ground,
        settings=maker.settings(atoms, element),
        reference_binding_energy_eV=maker.reference_binding_energy_eV,
    )
