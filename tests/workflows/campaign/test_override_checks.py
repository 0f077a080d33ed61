"""Campaign overrides are checked when the settings are made: a typo or an impossible value is one ValueError.

Before, ``conductivity.overrides`` was a free dict handed to ``ConductivityMaker.from_preset`` when the
campaign Flow was made: a misspelt key was a ``TypeError`` traceback, a value of the wrong kind one
from inside the Maker, although the README promises unknown keys are refused.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from naspe.workflows.campaign import campaign_settings, load_overrides
from naspe.workflows.campaign.settings import conductivity_override_keys
from naspe.workflows.flows.conductivity.makers import ConductivityMaker


def _conductivity(overrides: dict) -> dict:
    return {"conductivity": {"overrides": overrides}}


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"production_pss": 3},
            r"conductivity.overrides: 'production_pss' is not a conductivity setting; allowed are ",
        ),
        (
            {"production_budget_ps": "long"},
            r"conductivity.overrides: production_budget_ps='long': must be a finite number",
        ),
        ({"production_budget_ps": float("nan")}, r"production_budget_ps=nan: must be a finite number"),
        ({"production_budget_ps": -5.0}, r"conductivity.overrides: production_budget_ps=-5.0: must be > 0"),
        ({"production_budget_ps": 5.0}, r"production_segment_ps=10.0 exceeds production_budget_ps=5.0"),
        ({"error_target": 1.5}, r"error_target=1.5: must be a fraction in \(0, 1\)"),
        ({"replicas": 0}, r"conductivity.overrides: replicas=0: must be an integer >= 1"),
        ({"replicas": 1.5}, r"replicas=1.5: must be an integer"),
        ({"minimize_steps": True}, r"minimize_steps=True: must be an integer"),
        ({"ranks": 0}, r"ranks=0: must be an integer >= 1"),
        ({"temperatures_C": [30.0]}, r"temperatures_C: set conductivity.temperatures_C instead"),
        ({"input_generator": {"timestep_fs": 1.0}}, r"input_generator: a LammpsInputGenerator \(from Python\)"),
    ],
)
def test_conductivity_override_typos_and_bad_values_are_refused_with_their_location(overrides, message):
    with pytest.raises(ValueError, match=message) as err:
        campaign_settings("quick", _conductivity(overrides))
    assert "\n" not in str(err.value)


def test_the_refusal_lists_the_allowed_keys():
    with pytest.raises(ValueError) as err:
        campaign_settings("quick", _conductivity({"production_pss": 3}))
    for key in ("production_budget_ps", "npt_budget_ps", "error_target", "replicas", "ion_dump_fs", "seed"):
        assert key in str(err.value)
    fields = {f.name for f in dataclasses.fields(ConductivityMaker)}
    assert set(conductivity_override_keys()) == fields - {"temperatures_C"}


def test_good_overrides_reach_the_maker():
    overrides = {"production_budget_ps": 30.0, "error_target": 0.1, "replicas": 2, "ranks": None}
    settings = campaign_settings("quick", _conductivity(overrides))
    maker = ConductivityMaker.from_preset(settings.conductivity.preset, **settings.conductivity.overrides)
    assert (maker.production_budget_ps, maker.error_target, maker.replicas) == (30.0, 0.1, 2)


@pytest.mark.parametrize(
    "part, key, value, message",
    [
        ("adhesion", "steps", 0, r"adhesion.steps: 0: allowed is 1 to 10000"),
        ("adhesion", "steps", 20000, r"adhesion.steps: 20000: allowed is 1 to 10000"),
        ("adhesion", "fmax_eV_A", -1.0, r"adhesion.fmax_eV_A: -1.0: allowed is 0.001 to 5 eV/Å"),
        ("bonding", "steps", -5, r"bonding.steps: -5: allowed is 1 to 10000"),
        ("bonding", "fmax_eV_A", float("nan"), r"bonding.fmax_eV_A: nan: allowed is 0.001 to 5 eV/Å"),
    ],
)
def test_relaxation_settings_use_the_command_lines_bounds(part, key, value, message):
    with pytest.raises(ValueError, match=message):
        campaign_settings("quick", {part: {key: value}})


def test_every_preset_lies_within_the_bounds():
    for preset in ("quick", "standard", "production"):
        s = campaign_settings(preset)
        assert 1 <= s.adhesion.steps <= 10000 and 0.001 <= s.adhesion.fmax_eV_A <= 5


def test_a_binary_overrides_file_is_one_line(tmp_path):
    path = tmp_path / "o.yaml"
    path.write_bytes(bytes(range(256)))
    with pytest.raises(ValueError, match=r"override file .*o.yaml': not a text file \(byte 128 is not UTF-8\)"):
        load_overrides(path)


def test_core_level_classes_are_checked_and_a_class_the_interface_lacks_is_named():
    """``core_levels.classes`` takes XPS class names of its element; the job names what the interface has."""
    from pymatgen.io.ase import AseAtomsAdaptor

    from naspe.structures.study import build_adhesion_system
    from naspe.workflows.campaign.maker import core_levels_of_interface

    with pytest.raises(ValueError, match=r"core_levels.classes: 'C-N' is not a C 1s class; allowed: \['C sp2'"):
        campaign_settings("quick", {"core_levels": {"classes": ["C-N"]}})
    with pytest.raises(ValueError, match=r"'C(=O)-O' is not a C 1s class".replace("(", r"\(").replace(")", r"\)")):
        campaign_settings("quick", {"core_levels": {"classes": ["C(=O)-O"]}})
    assert campaign_settings("quick", {"core_levels": {"classes": ["C=O"]}}).core_levels.classes == ("C=O",)
    interface = AseAtomsAdaptor.get_structure(build_adhesion_system("graphene-oxidised", "peo", layers=1).atoms)
    with pytest.raises(ValueError, match=r"no C atom of class \['O-C=O'\].*it has \['C sp2', 'C-O', 'C=O'\]"):
        core_levels_of_interface.original(interface, "C", maker=None, classes=("O-C=O",))


def test_core_level_functional_of_each_preset_and_scan_needs_plane_waves():
    """The production preset's core levels run SCAN in plane waves (its validation cases' method); LCAO cannot."""
    from naspe.workflows.campaign.maker import CampaignMaker

    assert campaign_settings("production").core_levels.xc == "SCAN"
    assert campaign_settings("quick").core_levels.xc == "PBE"
    with pytest.raises(ValueError, match=r"core_levels.xc='SCAN' needs core_levels.mode='pw'"):
        campaign_settings("quick", {"core_levels": {"xc": "SCAN"}})
    off = {"enabled": False}
    scan = {"conductivity": off, "bonding": off, "core_levels": {"mode": "pw", "xc": "SCAN"}}
    settings = campaign_settings("quick", scan)
    flow = CampaignMaker(settings=settings).make()
    (core,) = [j for j in flow.jobs if j.name == "core levels"]
    static = core.jobs[0].function_args[2].static_maker
    assert static.mode == "pw" and static.calculator_kwargs["xc"] == "SCAN"


def test_numbers_in_exponent_notation_are_numbers(tmp_path):
    """``2e4`` in a YAML file is 20000.0 (YAML 1.2), as the user wrote it; not the string '2e4'."""
    path = tmp_path / "o.yaml"
    path.write_text("conductivity:\n  overrides: {production_budget_ps: 2e4, error_target: 1e-1}\n")
    settings = campaign_settings("quick", load_overrides(path))
    assert settings.conductivity.overrides == {"production_budget_ps": 20000.0, "error_target": 0.1}


def test_a_temperature_given_twice_is_refused():
    with pytest.raises(ValueError, match=r"30.0 °C is given twice"):
        campaign_settings("quick", {"conductivity": {"temperatures_C": [30, 60, 30.0]}})


@pytest.mark.parametrize(
    "yaml_text, words",
    [
        ("adhesion: {engine: vasp}\n", ["adhesion.engine", "'vasp' needs VASP", "vasp_command"]),
        ("bonding: {engine: vasp}\n", ["bonding.engine", "'vasp' needs VASP"]),
        ("conductivity: {overrides: {ranks: 1000}}\n", ["conductivity.overrides.ranks=1000", "allowed is 1 to"]),
    ],
)
def test_what_this_machine_cannot_run_is_refused_by_naspe_run_before_any_job(yaml_text, words, tmp_path):
    """The CLI's feasibility checks apply to overrides: the run refuses in one line and creates no run."""
    from conftest import run_naspe

    overrides = tmp_path / "o.yaml"
    overrides.write_text(yaml_text)
    env = {**os.environ, "NASPE_DATA_DIR": str(tmp_path / "data"), "NASPE_VASP_COMMAND": ""}
    p = run_naspe("run", "--overrides", overrides, env=env, timeout=120)
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
    assert all(w in p.stderr for w in words), p.stderr
    assert not (tmp_path / "data" / "runs").exists() or not any((tmp_path / "data" / "runs").iterdir())


def test_core_levels_excite_one_atom_per_class_besides_the_reference_and_not_the_references_class_again():
    """PEO | oxidised graphene: the graphitic reference, then one C-O and one C=O carbon; a second C sp2 on request."""
    from pymatgen.io.ase import AseAtomsAdaptor

    from naspe.analysis.xps import core_environments
    from naspe.structures.study import build_adhesion_system
    from naspe.workflows.campaign.maker import core_levels_of_interface

    class Recorder:
        def make(self, structure, atoms, reference, element):
            self.atoms, self.reference = atoms, reference
            from jobflow import Flow

            return Flow([])

    atoms = build_adhesion_system("graphene-oxidised", "peo", layers=1).atoms
    env = core_environments(atoms, "C")
    interface = AseAtomsAdaptor.get_structure(atoms)
    maker = Recorder()
    core_levels_of_interface.original(interface, "C", maker)
    assert env[maker.reference] == "C sp2"
    assert sorted(env[i] for i in maker.atoms) == ["C-O", "C=O"]
    core_levels_of_interface.original(interface, "C", maker, classes=("C sp2", "C=O"))
    assert sorted(env[i] for i in maker.atoms) == ["C sp2", "C=O"] and maker.reference not in maker.atoms
