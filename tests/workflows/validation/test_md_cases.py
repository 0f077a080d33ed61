"""The MD validation suite (issue 13.8): its cases, the density document, a tiny real run."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_in_memory

from naspe.analysis.transport_result import ValueWithError
from naspe.workflows.flows.conductivity.makers import ConductivityMaker
from naspe.workflows.flows.conductivity.schemas import ConductivitySummary, ProductionOutcome
from naspe.workflows.md.inputs import LammpsInputGenerator
from naspe.workflows.validation import ValidationDocument, suite_cases
from naspe.workflows.validation.md_cases import START_FRACTION, DensityMaker
from naspe.workflows.validation.md_conductivity import ConductivityCaseMaker, conductivity_document
from naspe.workflows.validation.md_jobs import block_mean, density_document
from naspe.workflows.validation.md_solvent import solvent_diffusion_document


def test_md_suite_has_density_and_transport_cases_with_sources():
    cases = suite_cases("md")
    assert {
        "g1-density-cheap",
        "g1-density",
        "g4-density",
        "peo-melt-density",
        "li-dme-tfsi-conductivity",
        "dme-solvent-diffusion",
    } <= set(cases)
    assert cases["li-dme-tfsi-conductivity"].runnable and cases["li-dme-tfsi-conductivity"].unit == "mS/cm"
    assert [c.name for c in cases.values() if c.cost == "cheap"] == ["g1-density-cheap"]
    for case in cases.values():
        assert case.reference_kind == "experiment" and "(" in case.reference_source
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
        if case.runnable and case.unit == "g/cm^3":
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


def _summary(diffusive: bool, sigma_ne: float | None, stop: str) -> ConductivitySummary:
    outcome = ProductionOutcome(
        temperature_K=333.15,
        replicas=2,
        duration_ps=400.0,
        budget_ps=1000.0,
        sigma_eh_S_cm=ValueWithError(value=0.004, stderr=0.003),
        sigma_ne_S_cm=ValueWithError(value=sigma_ne, stderr=None if sigma_ne is None else 0.1 * sigma_ne),
        target_quantity="sigma_ne_S_cm",
        relative_error=0.1,
        error_target=0.2,
        diffusive=diffusive,
        stop_reason=stop,
        wall_time_s=3600.0,
    )
    return ConductivitySummary(n_requested=2, n_finished=2, productions=[outcome])


def test_conductivity_document_compares_the_combined_value_in_mS_cm():
    doc = conductivity_document.original(
        "li-dme-tfsi-conductivity", _summary(True, 0.009, "target_reached"), "sigma_ne_S_cm"
    )
    assert (
        doc.status == "passed" and doc.computed == pytest.approx(9.0) and doc.computed_uncertainty == pytest.approx(0.9)
    )
    assert doc.wall_time_s == 3600.0 and doc.details["sigma_eh_mS_cm"] == pytest.approx((4.0, 3.0))
    assert "stopped: target_reached" in doc.convergence and "2 replica(s) x 400 ps" in doc.convergence
    far = conductivity_document.original(
        "li-dme-tfsi-conductivity", _summary(True, 0.030, "budget_exhausted"), "sigma_ne_S_cm"
    )
    assert far.status == "failed" and far.deviation == pytest.approx(30.0 - 9.83)


def test_a_conductivity_that_never_became_diffusive_is_not_run_never_a_pass_or_fail():
    doc = conductivity_document.original(
        "li-dme-tfsi-conductivity", _summary(False, 0.009, "not_diffusive"), "sigma_ne_S_cm"
    )
    assert doc.status == "not run" and doc.passed is None and doc.computed is None
    assert "not diffusive after 400 ps x 2 replica(s) (stopped: not_diffusive)" in doc.reason
    assert doc.details["stop_reason"] == "not_diffusive"
    empty = ConductivitySummary(n_requested=1, n_finished=0)
    assert "did not finish" in conductivity_document.original("li-dme-tfsi-conductivity", empty, "sigma_ne_S_cm").reason
    assert conductivity_document.original("li-dme-tfsi-conductivity", None, "sigma_ne_S_cm").status == "not run"


def test_conductivity_case_maker_refuses_bad_settings_before_any_job():
    with pytest.raises(ValueError, match="quantity='sigma': allowed are sigma_ne_S_cm, sigma_eh_S_cm"):
        ConductivityCaseMaker(params={"glyme": "G1", "n_molecules": 10}, quantity="sigma").make()
    with pytest.raises(ValueError, match="glyme='G9'"):
        ConductivityCaseMaker(params={"glyme": "G9", "n_molecules": 10}).make()


@pytest.mark.slow
def test_tiny_conductivity_case_runs_the_adaptive_md_and_records_its_outcome(tmp_path):
    """A 180-atom DME/LiTFSI cell through build, NPT and adaptive production (real LAMMPS) into the document."""
    tiny = ConductivityMaker(
        minimize_steps=100,
        anneal_ps=0.4,
        npt_segment_ps=0.4,
        npt_budget_ps=0.4,
        production_segment_ps=2.0,
        production_budget_ps=2.0,
        ion_dump_fs=20.0,
        input_generator=LammpsInputGenerator(thermo_every=50, restart_every=500),
    )
    maker = ConductivityCaseMaker(
        case="li-dme-tfsi-conductivity",
        params={"glyme": "G1", "n_molecules": 10, "salt": "LiTFSI", "n_salt": 2, "density_g_cm3": 0.95, "seed": 1},
        temperature_C=60.0,
        conductivity=tiny,
    )
    flow = maker.make()
    store = run_in_memory(flow, tmp_path)
    doc = ValidationDocument.model_validate(store.get_output(flow.jobs[-1].uuid))
    assert doc.case == "li-dme-tfsi-conductivity" and doc.details["temperature_K"] == pytest.approx(333.15)
    assert doc.details["production_ps_per_replica"] == pytest.approx(2.0) and doc.wall_time_s > 0
    assert doc.details["stop_reason"] in ("target_reached", "budget_exhausted", "not_diffusive")
    assert (doc.status == "not run") == (not doc.details["diffusive"])


#: the Yeh-Hummer increment (cm^2/s) of :func:`_outcome_with_diffusion`'s runs
DELTA_CM2_S = 2.0e-6


def _outcome_with_diffusion(li: float, tfsi: float, corrected: bool = True) -> ConductivitySummary:
    """A finished production whose Yeh-Hummer corrected D's are ``li`` and ``tfsi`` (cm^2/s; raw: less DELTA)."""
    summary = _summary(True, 0.009, "budget_exhausted")
    final = {"Li": ValueWithError(value=li, stderr=0.1 * li), "TFSI": ValueWithError(value=tfsi, stderr=0.1 * tfsi)}
    outcome = summary.productions[0].model_copy(
        update={
            "diffusion_cm2_s": {
                k: ValueWithError(value=v.value - DELTA_CM2_S, stderr=v.stderr) for k, v in final.items()
            },
            "diffusion_corrected_cm2_s": final if corrected else {},
            "yeh_hummer_delta_cm2_s": ValueWithError(value=DELTA_CM2_S) if corrected else ValueWithError(),
            "relative_error": 0.3,
        }
    )
    return summary.model_copy(update={"productions": [outcome]})


def test_a_case_at_another_ion_charge_scaling_is_named_and_described_by_it():
    case = suite_cases("md")["li-dme-tfsi-conductivity"]
    assert case.ion_charge_scaling == 0.8 and case.level_of_theory.endswith("; ion charges x 0.8")
    formal = case.with_ion_charge_scaling(1.0)
    assert formal.name == "li-dme-tfsi-conductivity@q1" and formal.level_of_theory.endswith("; ion charges x 1")
    assert "ion charges x 0.8" not in formal.level_of_theory and case.with_ion_charge_scaling(0.8) is case
    build = formal.make().jobs[0]
    assert build.function_args[2] == 1.0  # the cell is written with formal ion charges
    with pytest.raises(ValueError, match="has no ions"):
        suite_cases("md")["g1-density"].with_ion_charge_scaling(1.0)
    with pytest.raises(ValueError, match="must be in"):
        case.with_ion_charge_scaling(1.2)


def test_conductivity_document_reports_the_ions_d_against_pfg_nmr_and_the_ionicity():
    pfg = {"Li": 8.973e-6, "TFSI": 8.107e-6}
    doc = conductivity_document.original(
        "li-dme-tfsi-conductivity", _outcome_with_diffusion(4.5e-6, 1.2e-5), "sigma_eh_S_cm", 1.0, pfg, 0.5
    )
    assert doc.case == "li-dme-tfsi-conductivity@q1" and doc.details["ion_charge_scaling"] == 1.0
    assert doc.computed == pytest.approx(4.0)  # sigma_EH in mS/cm
    li, tfsi = doc.details["diffusion_vs_pfg_nmr"]["Li"], doc.details["diffusion_vs_pfg_nmr"]["TFSI"]
    assert li["ratio"] == pytest.approx(4.5e-6 / 8.973e-6) and li["agrees"] is True  # 0.50: just within 50 %
    assert tfsi["ratio"] == pytest.approx(1.2e-5 / 8.107e-6) and tfsi["agrees"] is True
    assert doc.details["ionicity"][0] == pytest.approx(0.004 / 0.009)
    assert "target NOT reached" in doc.convergence  # 30 % against the 20 % target
    far = conductivity_document.original(
        "li-dme-tfsi-conductivity", _outcome_with_diffusion(2e-6, 3e-5), "sigma_eh_S_cm", None, pfg, 0.5
    )
    assert far.case == "li-dme-tfsi-conductivity" and not far.details["diffusion_vs_pfg_nmr"]["Li"]["agrees"]
    assert not far.details["diffusion_vs_pfg_nmr"]["TFSI"]["agrees"]


def test_a_diffusion_case_compares_the_named_species_d_in_cm2_s():
    doc = conductivity_document.original(
        "pegdme-litfsi-diffusion", _outcome_with_diffusion(8.0e-7, 1.2e-6), "diffusion_cm2_s", None, {}, 0.5, "Li"
    )
    assert doc.unit == "cm^2/s" and doc.computed == pytest.approx(8.0e-7)
    assert doc.computed_uncertainty == pytest.approx(8.0e-8) and doc.status == "passed"  # -26 % of 1.09e-6
    slow = conductivity_document.original(
        "pegdme-litfsi-diffusion", _outcome_with_diffusion(4.0e-7, 1.2e-6), "diffusion_cm2_s", None, {}, 0.5, "Li"
    )
    assert slow.status == "failed"
    # a D without its Yeh-Hummer increment (no viscosity) is never compared: raw D's of the cell are not PFG-NMR's
    bare = _outcome_with_diffusion(8.0e-7, 1.2e-6, corrected=False)
    doc = conductivity_document.original("pegdme-litfsi-diffusion", bare, "diffusion_cm2_s", None, {}, 0.5, "Li")
    assert doc.status == "not run" and "no Yeh-Hummer correction" in doc.reason
    pfg = {"Li": 8.973e-6}
    eh = conductivity_document.original("li-dme-tfsi-conductivity", bare, "sigma_eh_S_cm", None, pfg, 0.5)
    assert eh.status != "not run" and eh.details["diffusion_vs_pfg_nmr"]["Li"]["computed_cm2_s"] is None
    with pytest.raises(ValueError, match="names its ion species"):
        ConductivityCaseMaker(params={"glyme": "G1", "n_molecules": 10}, quantity="diffusion_cm2_s").make()


def test_replicas_combine_their_d_by_pooled_blocks_and_the_ionicity_carries_both_errors():
    from naspe.analysis.transport_result import TransportResult
    from naspe.workflows.flows.conductivity.schemas import _combined_diffusion

    fields = TransportResult.model_fields
    assert "block_diffusion_cm2_s" in fields
    a = {"diffusion_cm2_s": {"Li": ValueWithError(value=1.0e-6)}, "block_diffusion_cm2_s": {"Li": [0.9e-6, 1.1e-6]}}
    b = {"diffusion_cm2_s": {"Li": ValueWithError(value=3.0e-6)}, "block_diffusion_cm2_s": {"Li": [2.9e-6, 3.1e-6]}}
    stub = type("R", (), {})
    results = []
    for d in (a, b):
        r = stub()
        r.diffusion_cm2_s, r.block_diffusion_cm2_s = d["diffusion_cm2_s"], d["block_diffusion_cm2_s"]
        results.append(r)
    li = _combined_diffusion(results)["Li"]
    pooled = np.array([0.9e-6, 1.1e-6, 2.9e-6, 3.1e-6])
    assert li.value == pytest.approx(2.0e-6) and li.stderr == pytest.approx(pooled.std(ddof=1) / 2.0)
    assert _combined_diffusion([results[0], None]) == {}  # a replica without a result: no combined D
    # the Yeh-Hummer increments: their mean, the stderr of the mean; none unless every replica has one
    from naspe.workflows.flows.conductivity.schemas import _mean_increment

    for r, (delta, err) in zip(results, [(2.0e-6, 3e-7), (4.0e-6, 4e-7)], strict=True):
        r.finite_size = stub()
        r.finite_size.delta_diffusion_cm2_s = ValueWithError(value=delta, stderr=err)
    mean = _mean_increment(results)
    assert mean.value == pytest.approx(3.0e-6) and mean.stderr == pytest.approx(np.hypot(3e-7, 4e-7) / 2)
    results[1].finite_size = None
    assert _mean_increment(results).value is None and _mean_increment([results[0], None]).value is None
    outcome = _summary(True, 0.010, "target_reached").productions[0]  # EH 4 ± 3, NE 10 ± 1 mS/cm
    assert outcome.ionicity.value == pytest.approx(0.4)
    assert outcome.ionicity.stderr == pytest.approx(0.4 * np.hypot(0.75, 0.1))


def test_the_solvent_diffusion_case_runs_npt_then_an_nvt_production_at_the_reference_composition():
    case = suite_cases("md")["dme-solvent-diffusion"]
    assert case.unit == "cm^2/s" and case.runnable and case.cost == "full" and case.ion_charge_scaling == 0.8
    flow = case.make()
    assert [j.name for j in flow.jobs] == [
        "dme-solvent-diffusion build",
        "dme-solvent-diffusion minimize",
        "dme-solvent-diffusion npt",
        "dme-solvent-diffusion production",
        "dme-solvent-diffusion document",
    ]
    params = flow.jobs[0].function_args[1]
    n_ether_o = 2 * params["n_molecules"]  # DME has two ether oxygens
    assert n_ether_o / params["n_salt"] == 32  # [O]/[Li] of the measured solution
    production = flow.jobs[3]
    assert production.function_args[0] is not None and "volume_angstrom3" in production.function_kwargs
    assert case.with_ion_charge_scaling(1.0).make().jobs[0].function_args[2] == 1.0
    assert not case.with_model("clpol").runnable  # a TFSI cell: CL&Pol has no dimer distances for it


#: the synthetic stress of :func:`_solvent_run`: an Ornstein-Uhlenbeck pxy, pxz, pyz (atm) of correlation time
#: TAU_FS, sampled every 10 fs; Green-Kubo gives eta = V s^2 tau / (kB T) (tests/analysis/test_analysis_viscosity.py)
TAU_FS, STRESS_ATM = 200.0, 240.0  # eta ~0.76 mPa s in the 30 Å cell at 303 K: an increment of ~2.7e-6 cm^2/s


def _solvent_run(tmp_path, d_cm2_s: float, n_frames: int = 400, pressure: bool = True):
    """A production directory as the stage writes it, with neutral oligomers walking at ``d_cm2_s``.

    With ``pressure``, its ``pressure.dat`` holds the stress of a known viscosity (:data:`TAU_FS`).
    """
    from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_dump
    from naspe.structures.synthetic_cell import build_cell

    cell = build_cell(tmp_path, 4, cation="Li", anion="TFSI", cell=(30.0, 30.0, 30.0), n_peo=50, peo_length=1, seed=3)
    rng = np.random.default_rng(3)
    disp = np.zeros((n_frames, cell.n_molecules, 3))
    mols = cell.molecules("PEO")
    disp[:, mols] = gaussian_walk(rng, n_frames, mols.size, d_cm2_s, 1000.0)
    write_dump(tmp_path / "full.lammpstrj", cell, rigid_motion(cell, disp), np.arange(n_frames) * 500)
    (tmp_path / "final.data").write_text(cell.data_path.read_text())
    (tmp_path / "system.lammps.json").write_text('{"ion_charge_scaling": 0.8}')
    (tmp_path / "run.json").write_text('{"timestep_fs": 2.0}')
    if pressure:  # 40,000 samples of 10 fs (5 steps of 2 fs): the run's 400 ps
        n, a = 40_000, np.exp(-10.0 / TAU_FS)
        noise = rng.normal(0.0, STRESS_ATM * np.sqrt(1 - a * a), size=(n, 3))
        stress = np.empty((n, 3))
        stress[0] = rng.normal(0.0, STRESS_ATM, 3)
        for k in range(1, n):
            stress[k] = a * stress[k - 1] + noise[k]
        with (tmp_path / "pressure.dat").open("w") as f:
            f.write("# TimeStep c_thermo_press[4] c_thermo_press[5] c_thermo_press[6]\n")
            np.savetxt(f, np.column_stack([np.arange(n) * 5, stress]), fmt="%d %.6g %.6g %.6g")
    return tmp_path


def test_solvent_diffusion_document_compares_the_finite_size_corrected_d(tmp_path):
    from naspe.analysis.finite_size import yeh_hummer_delta_cm2_s
    from naspe.analysis.units import BOLTZMANN_J_PER_K
    from naspe.analysis.viscosity import ATM_TO_PA

    exact_eta = 27000.0e-30 / (BOLTZMANN_J_PER_K * 303.15) * (STRESS_ATM * ATM_TO_PA) ** 2 * TAU_FS * 1e-15 * 1e3
    delta = yeh_hummer_delta_cm2_s(303.15, exact_eta, 30.0)  # mPa s, Å -> cm^2/s
    run = _solvent_run(tmp_path, 1.922e-5 - delta)  # the raw D of a cell whose corrected D is the reference
    doc = solvent_diffusion_document.original("dme-solvent-diffusion", str(run), 303.15, [10.0, 20.0, None], 0.8)
    assert doc.status == "passed" and doc.computed == pytest.approx(1.922e-5, rel=0.1)
    assert doc.details["diffusive"] and doc.details["n_molecules"] == 50 and doc.wall_time_s == 30.0
    eta, eta_err = doc.details["viscosity_mPa_s"]
    assert abs(eta - exact_eta) < 3.0 * eta_err
    raw, _ = doc.details["raw_diffusion_cm2_s"]
    assert doc.computed == pytest.approx(raw + doc.details["yeh_hummer_delta_cm2_s"][0], rel=1e-9)
    assert "Yeh-Hummer corrected" in doc.convergence
    slow = solvent_diffusion_document.original(
        "dme-solvent-diffusion", str(_solvent_run(tmp_path / "s", 0.9e-5)), 303.15, [1.0]
    )
    assert slow.status == "failed" and slow.computed < 0.8 * 1.922e-5
    # no viscosity, no correction: the raw D of the periodic cell is never what is compared
    bare = solvent_diffusion_document.original(
        "dme-solvent-diffusion", str(_solvent_run(tmp_path / "b", 1.922e-5, pressure=False)), 303.15, [1.0]
    )
    assert bare.status == "not run" and "no Yeh-Hummer correction" in bare.reason and "pressure.dat" in bare.reason
    # a stress file too short for a Green-Kubo viscosity: not run, saying why; the analysis alone raises on it
    short = _solvent_run(tmp_path / "short", 1.922e-5, pressure=False)
    (short / "pressure.dat").write_text("# TimeStep pxy pxz pyz\n0 1.0 2.0 3.0\n5 2.0 1.0 0.5\n10 0.1 0.2 0.3\n")
    few = solvent_diffusion_document.original("dme-solvent-diffusion", str(short), 303.15, [1.0])
    assert few.status == "not run" and "could not be computed" in few.reason, few.reason
    from naspe.analysis.transport_files import analyze_conductivity

    with pytest.raises(ValueError):
        analyze_conductivity(
            short / "full.lammpstrj",
            short / "final.data",
            303.15,
            2.0,
            neutral=True,
            pressure_file=short / "pressure.dat",
        )


def test_a_solvent_that_never_became_diffusive_is_not_run(tmp_path):
    run = _solvent_run(tmp_path, 1e-5, n_frames=30)  # too few frames for block errors: no D at all
    doc = solvent_diffusion_document.original("dme-solvent-diffusion", str(run), 303.15, [5.0])
    assert doc.status == "not run" and "not diffusive" in doc.reason
