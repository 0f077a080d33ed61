"""C 1s / O 1s core-level shifts by Delta-SCF with GPAW full-core-hole setups.

The binding-energy shift of atom ``i`` relative to a reference atom ``r`` of the
same element in the same cell is

    CLS_i = E(core hole on i) - E(core hole on r)

with both total energies from the same cell, geometry and GPAW settings (those of
a :class:`~naspe.workflows.dft.gpaw.GpawStaticMaker`, so shifts and energies
come from one set of parameters). The core hole is a full 1s hole (1.0 e) built
into a PAW setup generated offline by GPAW's atomic generator
(:mod:`naspe.workflows.dft.core_hole_setups`). For molecules, whose shifts are
compared with gas-phase XPS, :mod:`naspe.workflows.flows.core_levels.molecules`
puts each molecule alone in its own box and subtracts absolute Delta-SCF energies.

C 1s shifts are referenced to a graphitic (``C sp2``, graphite 284.42 eV) or an
aliphatic (``C-C``, 284.8 eV) carbon, each aligned with its own XPS value
(:mod:`naspe.analysis.xps`); O 1s shifts to an ether/alcohol oxygen (532.6 eV).
Each excited atom is classified (C sp2, C-C, C-O, C=O, O-C=O; O: C-O, C=O,
C(=O)-O) and set against the XPS range of its class.

Choices, and why
----------------
- **Final state from the system** (``final_state="auto"``,
  :mod:`naspe.workflows.flows.core_levels.final_state`): the core-ionised cation for
  molecules and insulating cells, the neutral final state (core electron in the
  valence, Susi et al. 2014) for metallic or semimetallic cells, decided from the
  ground-state gap; the choice and its reason are fields of the document. The
  neutral state of an insulator is a core exciton (acetic acid's O-C=O carbon:
  +0.01 eV neutral against +3.39 eV ionised). A charged (ionised) slab runs
  fully periodic with GPAW's homogeneous compensating background, because GPAW
  has no charged system with mixed boundary conditions; shifts inside one cell
  keep the same background.
- **Spin-polarised** (``spinpol=True``, whatever the static Maker says): only then
  does GPAW put the 1s hole into one spin channel (``gpaw/xc/lda.py``,
  ``nc_corehole_g``); spin-paired, the hole is spin-averaged. The ground state of a
  cell without initial magnetic moments runs spin-paired: started from zero moments, a
  spin-polarised run keeps both channels equal and gives the same energy and gap at
  twice the cost (give the atoms initial moments for an open-shell ground state). CH4's absolute C 1s
  is 296.89 eV spin-paired and 289.93 eV spin-polarised (gas phase 290.84 eV);
  shifts moved by at most 0.05 eV. Absolute Delta-SCF energies
  (``delta_scf_energy_eV``) are meaningful only spin-polarised.
- **Basis**: the static Maker's (LCAO with a basis generated for the core-hole
  setup, or plane waves). LCAO dzp makes O-C=O/CO2-type shifts ~0.3-0.4 eV too
  small against plane waves; measurements in
  :mod:`naspe.workflows.flows.core_levels.molecules`.
- **No dispersion**: D3 depends on positions only and cancels exactly in a shift
  at fixed geometry.
- Energies are on the all-electron scale (GPAW energy + ``get_reference_energy()``).

References
----------
- T. Susi, D. J. Mowbray, M. P. Ljungberg, P. Ayala, Calculation of the graphene
  C 1s core level binding energy, Beilstein J. Nanotechnol. 5 (2014) 121
  (Delta-SCF C 1s with GPAW full-core-hole setups, neutral cell, extra electron in
  the valence).
- G. Beamson, D. Briggs, High Resolution XPS of Organic Polymers: The Scienta
  ESCA300 Database, Wiley (1992) (C 1s and O 1s reference values).
- W. L. Jolly, K. D. Bomben, C. J. Eyermann, At. Data Nucl. Data Tables 31 (1984)
  433 (gas-phase core binding energies).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ase import Atoms
from jobflow import Flow, Job, Maker, Response, job
from pymatgen.core import Structure

from naspe.analysis.xps import REFERENCE_CLASSES, check_element, core_environments, pick_reference
from naspe.workflows.base.kinds import runs_on
from naspe.workflows.dft.checks import GPAW_EDGE_ANGSTROM, to_atoms
from naspe.workflows.dft.core_hole_setups import basis_file_name
from naspe.workflows.dft.gpaw import GpawStaticMaker
from naspe.workflows.flows.core_levels import final_state as fs
from naspe.workflows.flows.core_levels.runs import ground_state_result, hole_energy
from naspe.workflows.flows.core_levels.schemas import CoreLevelShiftDocument

__all__ = ["CoreLevelShiftMaker", "core_level_shifts", "core_hole_energy", "ground_state"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return repr(value)


def _is_slab(atoms: Atoms) -> bool:
    return bool(atoms.pbc[0] and atoms.pbc[1] and not atoms.pbc[2])


def _cation(index: int | None, final_state: str) -> bool:
    """Whether the run with a hole on ``index`` is the core-ionised cation (the setup counts +1, charge 0)."""
    return index is not None and fs.GPAW_CHARGE_WITH_HOLE[final_state] == 0


@dataclass
class CoreLevelShiftMaker(Maker):
    """Delta-SCF 1s core-level shifts with GPAW core-hole setups, one job per excited atom.

    Parameters
    ----------
    name
        Flow name.
    static_maker
        Source of the GPAW settings (``gpaw_parameters``): mode, basis, grid spacing
        (Å), cutoff (eV), k-point density (per Å^-1), smearing (eV), dipole layer,
        extra calculator keywords. Its dispersion is not applied (it cancels) and its
        ``spinpol`` is replaced by ``spinpol`` here.
    final_state
        ``"auto"`` (default: ionised for molecules and insulators, neutral for metallic
        cells, from the ground-state gap; :mod:`~naspe.workflows.flows.core_levels.final_state`),
        ``"neutral"`` (core electron in the valence, Susi 2014; GPAW ``charge=-1``) or
        ``"ionized"`` (core-ionised cation; GPAW ``charge=0``).
    spinpol
        Spin-polarised runs (default True): only then does GPAW put the hole in one spin channel.
    ground_state
        Also compute the ground state, for absolute Delta-SCF energies (always computed for
        ``final_state="auto"`` on a periodic cell: its gap decides the final state).
    setup_name
        Name of the generated core-hole setups.
    setup_dir
        Cache directory for the setups; None writes them into each job's directory.
    reference_binding_energy_eV
        XPS value (eV) of the reference atom; None uses that of its class
        (:data:`~naspe.analysis.xps.REFERENCE_BINDING_ENERGY_EV`).
    final_state_guess
        For ``final_state="auto"`` on a periodic cell: the final state the core-hole runs start
        with while the ground state runs beside them (``"neutral"`` suits metals and carbon
        sheets). When the ground-state gap picks the other one, the document job reruns the
        holes with it, so the shifts are those of "auto" either way; only the wall time
        differs. None (default) runs the ground state first and the holes after it.
    """

    job_kind: ClassVar[str] = "dft"  # the workers that run its jobs (naspe.workflows.base.kinds)

    name: str = "core-level shifts"
    static_maker: GpawStaticMaker = field(default_factory=GpawStaticMaker)
    final_state: str = "auto"
    spinpol: bool = True
    ground_state: bool = True
    setup_name: str = "fch1s"
    setup_dir: str | None = None
    reference_binding_energy_eV: float | None = None
    final_state_guess: str | None = None

    def __post_init__(self) -> None:
        if self.final_state not in fs.FINAL_STATES:
            raise ValueError(f"final_state={self.final_state!r}: allowed are {fs.FINAL_STATES}")
        if self.final_state_guess not in (None, *fs.GPAW_CHARGE_WITH_HOLE):
            raise ValueError(
                f"final_state_guess={self.final_state_guess!r}: allowed are None, {tuple(fs.GPAW_CHARGE_WITH_HOLE)}"
            )
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
    def gpaw_parameters(self, atoms: Atoms, index: int | None, final_state: str = "neutral") -> dict:
        """Keyword arguments of ``gpaw.GPAW`` for the ground state (``index=None``) or a hole on ``index``.

        A core-ionised slab (a cation) gets the bulk parameters, without the dipole layer: it runs
        fully periodic (:func:`run_pbc`).
        """
        params = self.static_maker.gpaw_parameters(atoms, slab=_is_slab(atoms) and not _cation(index, final_state))
        params["spinpol"] = self.spinpol and (index is not None or bool(atoms.get_initial_magnetic_moments().any()))
        if index is not None:
            setups = params.get("setups", {})
            setups = {"default": setups} if isinstance(setups, str) else dict(setups)
            setups[index] = self.setup_name
            params["setups"] = setups
            params["charge"] = params.get("charge", 0) + fs.GPAW_CHARGE_WITH_HOLE[final_state]
        return params

    @staticmethod
    def run_pbc(atoms: Atoms, index: int | None, final_state: str) -> tuple[bool, bool, bool]:
        """Periodicity of the run: a core-ionised slab runs periodic along z too.

        GPAW has no charged cell with mixed boundary conditions; a homogeneous background compensates the +1 e.
        """
        if _cation(index, final_state) and _is_slab(atoms):
            return (True, True, True)
        return tuple(bool(p) for p in atoms.pbc)  # type: ignore[return-value]

    def settings(self, atoms: Atoms, element: str, final_state: str) -> dict[str, Any]:
        """Settings recorded in the document."""
        sm = self.static_maker
        hole = self.gpaw_parameters(atoms, 0, final_state)
        out: dict[str, Any] = {
            "engine": "gpaw",
            "xc": hole["xc"],
            "mode": sm.mode,
            "kpoints": sm.kpoint_mesh(atoms).as_dict(),
            "smearing_eV": sm.smearing_eV,
            "spinpol": self.spinpol,
            "dipole_correction": "poissonsolver" in hole,
            "core_hole": f"{element} 1s, full (1.0 e), setup '{self.setup_name}'",
            "final_state": final_state,
            "gpaw_charge_with_hole": hole["charge"],
            "pbc_with_hole": list(self.run_pbc(atoms, 0, final_state)),
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
        elif envs[reference] not in REFERENCE_CLASSES[element] and self.reference_binding_energy_eV is None:
            wanted = REFERENCE_CLASSES[element]
            allowed = [i for i, e in sorted(envs.items()) if e in wanted]
            raise ValueError(
                f"reference={reference}: is a {envs[reference]} {element}, the reference must be "
                f"{' or '.join(wanted)} (or give reference_binding_energy_eV); such atoms: {allowed or 'none'}"
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
    def needs_ground_state(self, atoms: Atoms) -> bool:
        """Whether a ground-state run is made: asked for, or needed for the gap of an "auto" periodic cell."""
        return self.ground_state or (self.final_state == "auto" and any(atoms.pbc))

    def make(
        self,
        structure: Structure,
        atoms: Sequence[int] | None = None,
        reference: int | None = None,
        element: str = "C",
    ) -> Flow:
        """Flow: the ground state (when needed), one core-hole job per excited atom and the reference, the document.

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
        if not self.needs_ground_state(ase_atoms):
            # a FinalStateChoice as a dict, fixed now (a molecule, or given)
            fixed = fs.choose(ase_atoms, self.final_state).model_dump(mode="json")
            jobs = self.holes_and_document(structure, element, ref, indices, None, fixed)
            return Flow(jobs, output=jobs[-1].output, name=self.name)
        g = ground_state(structure, self)
        g.name = f"{self.name} ground state"
        if self.final_state == "auto" and self.final_state_guess is not None:
            # the holes start at once with the guess; the document checks it against the ground state's choice
            choice: Any = fs.guessed(self.final_state_guess).model_dump(mode="json")
        else:
            choice = g.output["final_state"]
        jobs = self.holes_and_document(structure, element, ref, indices, g.output, choice)
        return Flow([g, *jobs], output=jobs[-1].output, name=self.name)

    def holes_and_document(
        self,
        structure: Structure,
        element: str,
        reference: int,
        indices: list[int],
        ground: Any,
        final_state: Any,
    ) -> list[Job]:
        """Jobs: one core-hole job per excited atom and the reference, then the document (last).

        ``ground`` is the ground-state job's output (or None); ``final_state`` a FinalStateChoice
        as a dict, or a reference to the ground state's.
        """
        jobs = []
        energies = {}
        for i in dict.fromkeys([reference, *indices]):
            j = core_hole_energy(structure, i, self, final_state)
            j.name = f"{self.name} {element}{i} 1s core hole"
            jobs.append(j)
            energies[i] = j.output
        doc = core_level_shift_document(
            structure,
            element,
            reference,
            indices,
            [energies[i] for i in indices],
            energies[reference],
            ground,
            final_state,
            self,
        )
        doc.name = f"{self.name} document"
        return [*jobs, doc]


@job
@runs_on("dft")
def core_hole_energy(structure: Structure, index: int, maker: CoreLevelShiftMaker, final_state: dict) -> float:
    """Total energy (eV, all-electron scale) with a 1s hole on ``index``; ``final_state``: a FinalStateChoice dict."""
    choice = fs.FinalStateChoice.model_validate(final_state)
    return hole_energy(to_atoms(structure), index, maker, choice.final_state, Path.cwd())


@job
@runs_on("dft")
def ground_state(structure: Structure, maker: CoreLevelShiftMaker) -> dict[str, Any]:
    """Ground state: ``energy_eV`` (all-electron scale), ``band_gap_eV`` and the ``final_state`` choice from them."""
    return ground_state_result(to_atoms(structure), maker, Path.cwd())


@job(output_schema=CoreLevelShiftDocument)
def core_level_shift_document(
    structure: Structure,
    element: str,
    reference: int,
    indices: list[int],
    energies_eV: list[float],
    reference_energy_eV: float,
    ground: dict | None,
    final_state: dict,
    maker: CoreLevelShiftMaker,
) -> CoreLevelShiftDocument | Response:
    """Shifts from the core-hole energies (eV) of the excited atoms and the reference.

    When the holes ran with a guessed final state (``final_state_guess``) that the ground state's
    gap contradicts, the job replaces itself by the holes rerun with the ground state's choice.
    """
    atoms = to_atoms(structure)
    choice = fs.FinalStateChoice.model_validate(final_state)
    if ground is not None and choice.guessed:
        chosen = fs.FinalStateChoice.model_validate(ground["final_state"])
        if chosen.final_state != choice.final_state:
            redo = maker.holes_and_document(
                structure, element, reference, indices, ground, chosen.model_dump(mode="json")
            )
            return Response(replace=Flow(redo, output=redo[-1].output, name=maker.name))
        choice = chosen
    energies = dict(zip(indices, energies_eV, strict=True))
    energies.setdefault(reference, reference_energy_eV)
    return CoreLevelShiftDocument.from_energies(
        atoms,
        element,
        reference,
        energies,
        None if ground is None else ground["energy_eV"],
        settings=maker.settings(atoms, element, choice.final_state),
        reference_binding_energy_eV=maker.reference_binding_energy_eV,
        final_state=choice,
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
        Reference atom (a C sp2 or C-C carbon for C 1s); None picks one.
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
        ground = ground_state_result(atoms, maker, workdir) if maker.needs_ground_state(atoms) else None
        choice = fs.choose(atoms, maker.final_state) if ground is None else fs.FinalStateChoice(**ground["final_state"])
        energies = {i: hole_energy(atoms, i, maker, choice.final_state, workdir) for i in dict.fromkeys([ref, *chosen])}
    return CoreLevelShiftDocument.from_energies(
        atoms,
        element,
        ref,
        energies,
        None if ground is None else ground["energy_eV"],
        settings=maker.settings(atoms, element, choice.final_state),
        reference_binding_energy_eV=maker.reference_binding_energy_eV,
        final_state=choice,
    )
