"""The MD validation cases with the polarisable CL&Pol model (``naspe validate md --model clpol``)."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import run_in_memory
from conftest import run_naspe as run

from naspe.structures.forcefield.drude import default_clpol
from naspe.workflows.flows.conductivity.makers import ConductivityMaker
from naspe.workflows.md.inputs import LammpsInputGenerator
from naspe.workflows.validation import suite_cases
from naspe.workflows.validation.md_conductivity import ConductivityCaseMaker
from naspe.workflows.validation.md_jobs import checked_build, clpol_refusal
from naspe.workflows.validation.md_models import CLPOL_LEVEL, clpol_maker
from naspe.workflows.validation.registry import get_case

COMMIT = default_clpol().commit
TFSI_CASES = ("li-dme-tfsi-conductivity", "dme-solvent-diffusion", "pegdme-litfsi-diffusion")


def test_every_md_case_has_a_clpol_variant_with_its_own_name_level_and_the_same_reference():
    for name, case in suite_cases("md").items():
        v = case.with_model("clpol")
        assert v.name == f"{name}@clpol" and v.model == "clpol" and case.model == "fixed"
        assert v.level_of_theory.startswith(CLPOL_LEVEL) and COMMIT in v.level_of_theory and "1 fs" in v.level_of_theory
        assert "CL&Pol" not in case.level_of_theory
        same = ("reference_value", "reference_source", "unit", "tolerance", "tolerance_kind", "cost", "quantity")
        assert all(getattr(v, f) == getattr(case, f) for f in same)
        assert v.ion_charge_scaling == (None if case.ion_charge_scaling is None else 1.0)
        assert v.runnable == (name not in TFSI_CASES)
        assert case.with_model("fixed") is case and get_case("md", v.name) == v
    with pytest.raises(ValueError, match="model 'foo': allowed are fixed, clpol"):
        suite_cases("md")["g1-density"].with_model("foo")
    with pytest.raises(ValueError, match="a dft case has no force-field model"):
        next(iter(suite_cases("dft").values())).with_model("clpol")


def test_the_clpol_density_flow_builds_a_polarised_cell_and_runs_at_1_fs():
    fixed = suite_cases("md")["g1-density-cheap"]
    flow = fixed.with_model("clpol").make()
    names = [j.name for j in flow.jobs]
    assert names == [f"g1-density-cheap@clpol {s}" for s in ("build", "minimize", "npt", "document")]
    build, _, npt, doc = flow.jobs
    assert build.function_kwargs == {"model": "clpol"} and doc.function_args[0] == "g1-density-cheap@clpol"
    gen = npt.maker.input_generator
    assert gen.model == "clpol" and gen.timestep_fs == 1.0 and npt.maker.spec.n_steps == 20000  # 20 ps
    # the fixed-charge case is made as before the model existed: no model argument, no model in the generator
    build, _, npt, _ = fixed.make().jobs
    assert build.function_kwargs == {} and len(build.function_args) == 3
    assert "model" not in npt.maker.input_generator.as_dict() and npt.maker.spec.n_steps == 10000


def test_tfsi_cases_are_not_available_with_clpol_and_say_why():
    for name in TFSI_CASES:
        v = suite_cases("md")[name].with_model("clpol")
        assert not v.runnable and v.make is None
        assert "li-ntf2" in v.needs and "dme-ntf2" in v.needs and COMMIT[:7] in v.needs and "\n" not in v.needs
        with pytest.raises(ValueError, match="unscaled ion charges"):
            v.with_ion_charge_scaling(0.8)
    case = suite_cases("md")["li-dme-tfsi-conductivity"]
    maker = clpol_maker(case.make.__self__, "x@clpol")  # the case's own maker, made CL&Pol
    with pytest.raises(ValueError, match="case x@clpol: CL&Pol cannot build this LiTFSI cell"):
        maker.make()
    nafsi = {"glyme": "G1", "n_molecules": 6, "salt": "NaFSI", "n_salt": 1, "density_g_cm3": 0.95}
    assert clpol_refusal("glyme", nafsi) is None and clpol_refusal("peo", {"salt": None, "eo_per_cation": None}) is None
    assert "na-ntf2" in clpol_refusal("glyme", nafsi | {"salt": "NaTFSI"})
    assert "na-ntf2" in clpol_refusal("peo", {"salt": "NaTFSI", "eo_per_cation": 20})
    with pytest.raises(ValueError, match="model='amoeba': allowed are fixed, clpol"):
        checked_build("c", "glyme", nafsi, model="amoeba")


def test_conductivity_makers_write_the_cell_of_their_generators_model():
    peo = {"salt": "NaFSI", "eo_per_cation": 20, "n_chains": 2, "chain_length": 10}
    clpol = ConductivityMaker(temperatures_C=(60.0,), input_generator=LammpsInputGenerator(model="clpol"))
    assert clpol.make(peo).jobs[0].function_kwargs == {"model": "clpol"}
    assert ConductivityMaker(temperatures_C=(60.0,)).make(peo).jobs[0].function_kwargs == {}
    nafsi = {"glyme": "G1", "n_molecules": 6, "salt": "NaFSI", "n_salt": 1, "density_g_cm3": 0.95}
    case = ConductivityCaseMaker(
        "v", "c", "glyme", nafsi, 30.0, "sigma_eh_S_cm", ConductivityMaker(), ion_charge_scaling=0.8
    )
    variant = clpol_maker(case, "c@clpol")
    assert variant.ion_charge_scaling is None and variant.conductivity.input_generator.timestep_fs == 1.0
    build = variant.make().jobs[0]
    assert build.name == "c@clpol build" and build.function_kwargs == {"model": "clpol"}
    assert build.function_args[2] is None  # unscaled: the CL&Pol writer's default, 1


def test_validate_md_model_clpol_lists_the_variants_and_the_refusals(tmp_path):
    p = run("validate", "md", "--model", "clpol", "--list", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    listed = [line.split(" ")[0] for line in p.stdout.splitlines() if not line.startswith(" ")]
    assert listed == [f"{n}@clpol" for n in suite_cases("md")]
    assert p.stdout.count("  not available: CL&Pol cannot build this LiTFSI cell") == len(TFSI_CASES)
    p = run("validate", "md", "--list", cwd=tmp_path)
    assert p.returncode == 0 and "@clpol" not in p.stdout and "not available" not in p.stdout
    p = run("validate", "md", "--model", "clpol", "--charge-scalings", "0.8", "--list", cwd=tmp_path)
    assert p.returncode == 2 and "unscaled ion charges" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "naspe-data").exists()


@pytest.mark.slow
def test_a_tiny_clpol_density_flow_runs_lammps_and_makes_the_document(tmp_path, monkeypatch):
    """10 DME with Drude particles, 1 ps of tgnpt/drude: the CL&Pol density Flow end to end (not a density)."""
    import naspe.workflows.validation.registry as registry

    variant = suite_cases("md")["g1-density-cheap"].with_model("clpol")
    monkeypatch.setattr(registry, "get_case", lambda suite, name: variant)
    maker = dataclasses.replace(
        variant.make.__self__,
        params={"glyme": "G1", "n_molecules": 10, "density_g_cm3": 0.78, "seed": 1},
        npt_ps=1.0,
        minimize_steps=50,
        input_generator=LammpsInputGenerator(model="clpol", thermo_every=10),
        ranks=1,
    )
    store = run_in_memory(maker.make(), tmp_path)
    doc = store.query_one({"name": "g1-density-cheap@clpol document"}, load=True)["output"]
    assert doc["case"] == "g1-density-cheap@clpol" and COMMIT in doc["level_of_theory"]
    assert doc["status"] in ("passed", "failed") and 0.3 < doc["computed"] < 1.5
    assert 150.0 < doc["details"]["mean_temperature_K"] < 500.0  # the atoms' temperature, Drudes folded in
    settings = next(tmp_path.rglob("system.in.settings")).read_text()
    assert "lj/cut/thole/long" in settings and "extra/special/per/atom" in settings
