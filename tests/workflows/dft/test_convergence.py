"""The convergence model: a relaxation at its step limit is not converged; unknown is never converged."""

from __future__ import annotations

import numpy as np
from ase.build import molecule

from naspe.workflows.dft.convergence import (
    CONVERGED,
    NOT_CONVERGED,
    UNKNOWN,
    DerivedConvergence,
    Purpose,
    RelaxationConvergence,
    status_of,
)


def test_forces_above_criterion_at_step_limit_are_not_converged():
    forces = np.zeros((3, 3))
    forces[1] = [0.3, 0.4, 0.0]  # |F| = 0.5 eV/Å
    c = RelaxationConvergence.from_forces(forces, steps=5, max_steps=5, fmax_ev_per_a=0.2)
    assert c.converged is False and c.status == NOT_CONVERGED
    assert c.final_fmax_ev_per_a == 0.5
    assert c.hit_step_limit
    assert "step limit" in c.reason() and "5 of 5 steps" in c.reason() and "0.5 eV/Å > 0.2" in c.reason()
    ok = RelaxationConvergence.from_forces(forces * 0.1, steps=3, max_steps=5, fmax_ev_per_a=0.2)
    assert ok.converged is True and ok.reason() is None and not ok.hit_step_limit


def test_single_point_needs_only_the_scf():
    c = RelaxationConvergence.from_forces(np.ones((2, 3)), steps=None, max_steps=1, fmax_ev_per_a=0.05)
    assert c.single_point and c.converged is True and c.steps == 0
    assert RelaxationConvergence.scf_failed(max_steps=1, fmax_ev_per_a=None).converged is False


def test_derived_combines_parts_and_names_those_not_converged():
    good = RelaxationConvergence.from_forces(np.zeros((1, 3)), steps=2, max_steps=5, fmax_ev_per_a=0.1)
    bad = RelaxationConvergence.from_forces(np.ones((1, 3)), steps=5, max_steps=5, fmax_ev_per_a=0.1)
    d = DerivedConvergence.from_parts({"substrate": good, "film": good.model_dump(), "interface": bad})
    assert d.converged is False and d.not_converged == ["interface"] and d.status == NOT_CONVERGED
    assert d.summary().startswith("not converged: interface stopped at its step limit")
    assert DerivedConvergence.from_parts({"a": good, "b": good}).converged is True
    unknown = DerivedConvergence.from_parts({"a": good, "b": None})
    assert unknown.converged is None and unknown.unknown == ["b"] and unknown.status == UNKNOWN
    assert DerivedConvergence.from_parts({}).converged is None
    # a stored document without the field, or an old field set: unknown, never converged
    assert status_of(None) == UNKNOWN and status_of({}) == UNKNOWN
    assert DerivedConvergence().converged is None and RelaxationConvergence.read(None).converged is None
    assert status_of(d.model_dump()) == NOT_CONVERGED and status_of(good) == CONVERGED
    assert DerivedConvergence.model_validate(d.model_dump()) == d
    assert Purpose("screening") is Purpose.screening
    single = RelaxationConvergence.from_forces(np.zeros((1, 3)), steps=None, max_steps=1, fmax_ev_per_a=0.05)
    sp = DerivedConvergence.from_parts({"interface": single, "film": good})
    assert sp.converged is True and sp.single_points == ["interface"]
    assert sp.summary() == "converged (single points, not relaxed there: interface)"
    assert DerivedConvergence.read(sp.model_dump()) == sp and sp.as_json()["single_points"] == ["interface"]


def test_reads_a_real_tblite_relaxation_cut_at_its_step_limit():
    """atomate2's relaxer with GFN2-xTB on a distorted water molecule, 2 steps: not converged."""
    from atomate2.ase.utils import AseRelaxer
    from tblite.ase import TBLite

    atoms = molecule("H2O")
    atoms.positions[0] += [0.2, 0.0, 0.0]
    atoms.center(vacuum=5.0)
    relaxer = AseRelaxer(TBLite(method="GFN2-xTB", verbosity=0), relax_cell=False)
    result = relaxer.relax(atoms, steps=2, fmax=0.05, final_atoms_object_file=None)
    c = RelaxationConvergence.from_ase_result(result, max_steps=2, fmax_ev_per_a=0.05)
    assert c.converged is False and c.steps == 2 and c.max_steps == 2 and c.hit_step_limit
    assert c.final_fmax_ev_per_a > 0.05
    assert bool(result.is_force_converged) is False
