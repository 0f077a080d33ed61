import json
import math
import sys

import numpy as np
import pytest

from naspe.workflows.validation import ValidationCase, ValidationDocument, registry, select_cases, suite_cases
from naspe.workflows.validation.fits import bcc_lattice_constant, curve_minimum


def _case(**kw):
    base = dict(
        name="x",
        suite="dft",
        quantity="q",
        unit="Å",
        reference_value=4.0,
        reference_source="A. Author, J. 1, 2 (2000)",
        reference_kind="experiment",
        tolerance=0.1,
        tolerance_kind="abs",
        tolerance_reason="r",
        level_of_theory="PBE",
        cost="cheap",
        make=lambda: None,
    )
    return ValidationCase(**(base | kw))


def test_tolerances_abs_and_rel():
    c = _case()
    assert c.passes(4.1) and c.passes(3.9) and not c.passes(4.11) and not c.passes(float("nan"))
    r = _case(tolerance=0.02, tolerance_kind="rel", reference_value=-50.0)
    assert r.tolerance_abs == pytest.approx(1.0) and r.passes(-50.9) and not r.passes(-51.2)
    assert r.tolerance_text() == "± 2 %"


@pytest.mark.parametrize(
    "bad, word",
    [
        ({"name": "Has Space"}, "lower case"),
        ({"suite": "qm"}, "suite"),
        ({"cost": "huge"}, "cost"),
        ({"tolerance": 0}, "tolerance"),
        ({"tolerance": float("inf")}, "tolerance"),
        ({"tolerance_kind": "pct"}, "tolerance_kind"),
        ({"reference_kind": "guess"}, "reference_kind"),
        ({"reference_source": " "}, "cite"),
        ({"needs": "x"}, "exactly one"),
        ({"make": None}, "exactly one"),
    ],
)
def test_case_refuses_bad_definitions(bad, word):
    with pytest.raises(ValueError, match=word):
        _case(**bad)


def test_document_pass_fail_and_not_run():
    c = _case()
    ok = ValidationDocument.from_computed(c, 4.05, uncertainty=0.01, wall_time_s=3.0, engine="gpaw")
    assert ok.passed and ok.status == "passed" and ok.deviation == pytest.approx(0.05) and ok.cores >= 1
    bad = ValidationDocument.from_computed(c, 3.5)
    assert bad.passed is False and bad.status == "failed"
    none = ValidationDocument.not_run(c, "needs a module")
    assert none.passed is None and none.computed is None and none.status == "not run"


def test_bcc_fit_recovers_a_known_minimum():
    a = np.array([4.05, 4.13, 4.21, 4.29, 4.37])
    a0, b = 4.19, 0.8
    energies = b * (a - a0) ** 2 - 0.3 * (a - a0) ** 3 - 1.3
    fitted, err, bulk = bcc_lattice_constant(a, energies)
    assert fitted == pytest.approx(a0, abs=0.005) and err < 0.01 and bulk > 0


def test_curve_minimum_and_unbracketed_minimum():
    x = np.linspace(3.0, 4.0, 6)
    y = (x - 3.37) ** 2 * 2.0 - 0.5
    x0, err, y0 = curve_minimum(x, y)
    assert x0 == pytest.approx(3.37, abs=1e-6) and y0 == pytest.approx(-0.5, abs=1e-6) and err < 1e-6
    with pytest.raises(ValueError, match="not bracketed"):
        curve_minimum(x, -x)
    with pytest.raises(ValueError, match="at least 4"):
        curve_minimum(x[:3], y[:3])


def test_dft_registry_names_and_cheap_selection():

    cases = suite_cases("dft")
    assert {"na-bcc-lattice", "graphite-interlayer", "s22-methane-dimer", "na110-surface-energy"} <= set(cases)
    assert all(c.suite == "dft" and c.reference_source for c in cases.values())
    cheap = select_cases("dft", cheap=True)
    assert cheap and all(c.cost == "cheap" for c in cheap)
    for name in ("xps-c1s-methanol", "xps-c1s-formic-acid-quick", "xps-c1s-co2-standard", "xps-o1s-co2"):
        assert cases[name].runnable
    with pytest.raises(ValueError, match="nosuch: not a dft case; allowed are na-bcc-lattice"):
        select_cases("dft", ["na-bcc-lattice", "nosuch"])
    with pytest.raises(ValueError, match="not cheap"):
        select_cases("dft", ["graphite-interlayer"], cheap=True)
    with pytest.raises(ValueError, match="suite 'qm'"):
        suite_cases("qm")


def test_cp2k_twins_share_reference_and_tolerance_and_select_by_engine():
    cases = suite_cases("dft")
    cp2k = select_cases("dft", engine="cp2k")
    assert cp2k and all(c.engine == "cp2k" and c.name.endswith("-cp2k") for c in cp2k)
    for twin in cp2k:
        gpaw = cases[twin.name.removesuffix("-cp2k")]
        assert gpaw.engine == "gpaw"
        assert (twin.reference_value, twin.tolerance, twin.tolerance_kind, twin.unit) == (
            gpaw.reference_value,
            gpaw.tolerance,
            gpaw.tolerance_kind,
            gpaw.unit,
        )
        assert "CP2K" in twin.level_of_theory and "GPAW" not in twin.level_of_theory
    assert "PBE-D3(BJ)" not in cases["na-bcc-lattice-pbe-cp2k"].level_of_theory
    assert {c.name for c in select_cases("dft", cheap=True, engine="cp2k")} >= {"s22-methane-dimer-cp-cp2k"}
    assert all(c.engine == "gpaw" for c in select_cases("dft", engine="gpaw"))
    assert all(c.engine == "lammps" for c in select_cases("md"))
    with pytest.raises(ValueError, match="--engine abinit: the dft cases run on cp2k, gpaw"):
        select_cases("dft", engine="abinit")


def test_every_dft_case_builds_its_flow():
    """Each runnable case's Flow builds (structures, Makers, content UUIDs) and ends in its document job."""
    from jobflow import Flow

    for case in suite_cases("dft").values():
        if case.runnable:
            flow = case.make()
            assert isinstance(flow, Flow) and flow.jobs[-1].name.endswith("_document"), case.name
            for j in flow.jobs[:-1]:  # every engine input passes the engine's own checks (distances, vacuum, spin)
                maker = getattr(j, "maker", None)
                if hasattr(maker, "prepare"):
                    maker.prepare(j.function_args[0])
    # the three adatom cases share their single points: same UUIDs
    cases = suite_cases("dft")
    h, b = cases["na-graphene-height"].make(), cases["na-graphene-binding"].make()
    assert [j.uuid for j in h.jobs[:-1]] == [j.uuid for j in b.jobs[:-1]]


def test_xps_cases_cover_every_carbon_class_at_each_presets_settings():
    """C-O, C=O, O-C=O, CO2-like and an O 1s, each at the settings of every preset's interface core levels."""
    from naspe.analysis.xps import core_environments
    from naspe.workflows.campaign.presets import campaign_settings
    from naspe.workflows.flows.core_levels.methods import CORE_LEVEL_METHODS
    from naspe.workflows.flows.core_levels.molecules import boxed_molecule
    from naspe.workflows.validation import xps_cases

    cases = suite_cases("dft")
    classes = set()
    for base, mol, index, ref, _, _ in xps_cases.XPS_SHIFTS:
        atoms = boxed_molecule(mol)
        classes.add((atoms[index].symbol, core_environments(atoms, atoms[index].symbol)[index]))
        for preset in ("quick", "standard", "production"):
            case = cases[xps_cases.xps_case_name(base, preset)]
            spec = campaign_settings(preset).core_levels
            method = CORE_LEVEL_METHODS[preset]
            assert (spec.mode, spec.basis, spec.grid_spacing_angstrom, spec.ecut_eV, spec.spinpol) == (
                method.mode,
                method.basis,
                method.grid_spacing_angstrom,
                method.ecut_eV,
                method.spinpol,
            )
            flow = case.make()  # the flow's GPAW settings are the preset's
            static = flow.jobs[0].jobs[0].function_args[2].static_maker
            assert (static.mode, static.basis, static.grid_spacing_angstrom, static.ecut_eV) == (
                method.mode,
                method.basis,
                method.grid_spacing_angstrom,
                method.ecut_eV,
            ), case.name
            assert static.gpaw_parameters(boxed_molecule("CH4"), slab=False)["xc"] == method.xc, case.name
            assert case.level_of_theory.startswith(f"{method.xc} Delta-SCF"), case.name
            assert case.tolerance == 0.3 and ref in case.reference_source
    assert {("C", "C-O"), ("C", "C=O"), ("C", "O-C=O"), ("O", "C=O")} <= classes
    assert cases["xps-c1s-co2"].reference_value == 6.85  # 297.69 - 290.84 eV, Jolly et al. 1984
    # a document's settings name the preset whose cases judge it; spin-paired or other numerics name none
    from naspe.workflows.flows.core_levels.methods import method_name

    assert method_name("lcao", "szp(dzp)", 0.25, None) == "quick"
    assert method_name("pw", None, None, 500.0, xc="SCAN") == "production"
    assert method_name("pw", None, None, 500.0) is None  # PBE in plane waves is no preset's method
    assert method_name("lcao", "szp(dzp)", 0.25, None, spinpol=False) is None
    assert method_name("pw", None, None, 400.0, xc="SCAN") is None
    from naspe.workflows.flows.core_levels.methods import CoreLevelMethod

    with pytest.raises(ValueError, match="xc='SCAN' with mode='lcao': GPAW runs meta-GGAs in mode 'pw' only"):
        CoreLevelMethod(mode="lcao", xc="SCAN")


@pytest.fixture
def fake_suite(monkeypatch):
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent))
    monkeypatch.setitem(registry.SUITE_MODULES, "md", "fake_cases")
    sys.modules.pop("fake_cases", None)


def test_validate_command_runs_stores_and_reports(fake_suite, tmp_path, capsys, monkeypatch):
    """Every case printed (computed, reference, tolerance, result), exit 1 for the crashed case, all in the store."""
    from typer.testing import CliRunner

    from naspe.workflows.cli.main import app
    from naspe.workflows.results.queries import validation_table
    from naspe.workflows.results.report import build_report

    data = tmp_path / "data"
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["validate", "md", "--data-dir", str(data)])
    assert res.exit_code == 1, res.output  # the crashed case has no value
    out = res.stdout
    for word in ("good", "1.02 ± 0.01", "passed", "bad", "failed", "pending", "not run", "crash", "± 5 %"):
        assert word in out, (word, out)
    assert "the engine exploded" in out
    table = validation_table(data)
    by_case = table.set_index("case")
    assert by_case.loc["good", "status"] == "passed" and by_case.loc["bad", "status"] == "failed"
    assert by_case.loc["pending", "status"] == "not run" and by_case.loc["pending", "passed"] is not True
    assert by_case.loc["crash", "status"] == "not run"
    # only what ran: exit 0; --json gives the documents
    res = runner.invoke(app, ["validate", "md", "--cheap", "--json", "--data-dir", str(data)])
    assert res.exit_code == 0, res.output
    docs = json.loads(res.stdout)
    assert [d["case"] for d in docs] == ["good", "bad", "pending"] and math.isclose(docs[0]["computed"], 1.02)
    # query and report
    res = runner.invoke(app, ["query", "validation", "--status", "failed", "--json", "--data-dir", str(data)])
    assert res.exit_code == 0 and [r["case"] for r in json.loads(res.stdout)] == ["bad"]
    html = build_report(data, tmp_path / "report").read_text()
    assert "Validation of the methods" in html and "Test et al., J. Tests 1, 1 (2026)" in html and "crash" in html
    good = by_case.loc["good", "job_uuid"]
    assert f'href="#job-{good}"' in html and f"<code id='job-{good}'>" in html  # the number links to its job


def test_validate_refuses_bad_input_before_writing(fake_suite, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from naspe.workflows.cli.main import app

    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["validate", "md", "--cases", "good,nosuch", "--data-dir", str(tmp_path / "d")])
    assert res.exit_code == 2 and "nosuch" in res.output and "allowed are good, bad, pending, crash" in res.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_s22_methane_dimer_with_gpaw(tmp_path):
    """The cheapest DFT case on the real engine, through the project's runner: a value, stored, with its cost."""
    from naspe.workflows.execution.runner import run_flow

    flow = suite_cases("dft")["s22-methane-dimer"].make()
    run = run_flow(flow, tmp_path / "run")
    doc = run.output(flow.jobs[-1])
    assert doc is not None, run.failure_message(flow)
    assert doc["status"] in ("passed", "failed") and doc["engine"] == "gpaw" and doc["wall_time_s"] > 0
    # bound, and within a few times the CCSD(T) value (-23 meV): LCAO dzp without counterpoise over-binds
    assert -150 < doc["computed"] < 0, doc["computed"]


def test_table_prefers_a_computed_value_over_a_later_not_run_record():
    from jobflow import JobStore
    from maggma.stores import MemoryStore

    from naspe.workflows.results.queries import validation_table

    store = JobStore(MemoryStore())
    store.connect()
    c = _case()
    docs = [
        ("a", "2026-01-01T00:00:00", ValidationDocument.from_computed(c, 4.05)),
        ("b", "2026-01-02T00:00:00", ValidationDocument.not_run(c, "the run directory was busy")),
        ("c", "2026-01-01T00:00:00", ValidationDocument.not_run(_case(name="y"), "needs a module")),
    ]
    for uuid, when, doc in docs:
        out = doc.model_dump(mode="json") | {"@class": "ValidationDocument", "@module": "x"}
        store.update({"uuid": uuid, "index": 1, "name": "v", "completed_at": when, "output": out, "metadata": {}})
    table = validation_table(store).set_index("case")
    assert table.loc["x", "status"] == "passed" and table.loc["x", "later_not_run"] == "the run directory was busy"
    assert table.loc["y", "status"] == "not run"
