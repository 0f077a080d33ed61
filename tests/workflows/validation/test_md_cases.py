"""The MD validation suite (issue 13.8): its cases, the density document, a tiny real run."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_in_memory

from naspe.workflows.md.inputs import LammpsInputGenerator
from naspe.workflows.validation import ValidationDocument, suite_cases
from naspe.workflows.validation.md_cases import START_FRACTION, DensityMaker
from naspe.workflows.validation.md_jobs import block_mean, density_document


def test_md_suite_has_density_and_transport_cases_with_sources():
    cases = suite_cases("md")
    assert {"g1-density-cheap", "g1-density", "g4-density", "peo-melt-density", "li-g4-tfsi-conductivity"} <= set(cases)
    assert [c.name for c in cases.values() if c.cost == "cheap"] == ["g1-density-cheap"]
    for case in cases.values():
        assert case.reference_kind == "experiment" and "(" in case.reference_source
    # the transport case waits for its references and flow: reported as not run, never passed
    assert not cases["li-g4-tfsi-conductivity"].runnable
    flow = cases["g4-density"].make()
    assert [j.name for j in flow.jobs] == [
        "g4-density build",
        "g4-density minimize",
        "g4-density npt",
        "g4-density document",
    ]


def test_density_cells_start_away_from_the_reference():
    """A cell left where it was built must not pass: every density case starts at 0.9 x the reference."""
    for case in suite_cases("md").values():
        if case.runnable:
            maker = case.make().jobs[0]
            params = maker.function_args[1]
            assert abs(params["density_g_cm3"] / case.reference_value - START_FRACTION) < 1e-3
            assert not case.passes(params["density_g_cm3"])


def test_block_mean_known_answer():
    values = np.repeat([1.0, 2.0, 3.0, 4.0, 5.0], 10)
    mean, err = block_mean(values)
    assert mean == 3.0 and abs(err - np.std([1, 2, 3, 4, 5], ddof=1) / np.sqrt(5)) < 1e-12
    assert block_mean(np.ones(3))[1] is None


def test_density_document_from_a_thermo_file(tmp_path):
    rows = ["# Time-averaged data for fix thermo_out", "# TimeStep c_thermo_temp ..."]
    rho = np.r_[np.full(10, 0.78), np.full(10, 0.86)]
    rows += [f"{500 * k} 298.1 1.0 -10.0 5.0 -5.0 {r:.4f} 30000.0" for k, r in enumerate(rho)]
    (tmp_path / "thermo.dat").write_text("\n".join(rows) + "\n")
    doc = density_document.original("g1-density", str(tmp_path), [12.0, 30.0], ranks=2, start_density_g_cm3=0.78)
    assert isinstance(doc, ValidationDocument)
    assert doc.computed == pytest.approx(0.86) and doc.passed and doc.status == "passed"
    assert doc.wall_time_s == 42.0 and doc.engine == "lammps"
    assert doc.details["first_half_density_g_cm3"] == pytest.approx(0.78)
    (tmp_path / "thermo.dat").write_text("# nothing\n")
    assert density_document.original("g1-density", str(tmp_path), [1.0]).status == "not run"


@pytest.mark.slow
def test_a_tiny_density_flow_runs_lammps_and_makes_the_document(tmp_path, monkeypatch):
    """20 DME, 1 ps of NPT: the Flow of a density case end to end (not a converged density)."""
    import naspe.workflows.validation.registry as registry

    monkeypatch.setattr(registry, "get_case", lambda suite, name: suite_cases("md")["g1-density-cheap"])
    gen = LammpsInputGenerator(thermo_every=50)
    maker = DensityMaker(
        "tiny",
        "g1-density-cheap",
        "glyme",
        {"glyme": "G1", "n_molecules": 20, "density_g_cm3": 0.78},
        298.15,
        1.0,
        minimize_steps=50,
        input_generator=gen,
        ranks=1,
    )
    store = run_in_memory(maker.make(), tmp_path)
    doc = store.query_one({"name": "g1-density-cheap document"}, load=True)["output"]
    assert doc["status"] in ("passed", "failed") and 0.5 < doc["computed"] < 1.2
    assert doc["wall_time_s"] > 0 and doc["details"]["start_density_g_cm3"] == 0.78
