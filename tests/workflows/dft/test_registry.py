"""The engine registry: one entry per engine, and every entry point builds its Makers from it."""

from __future__ import annotations

import math

import pytest

from naspe.workflows.dft.defaults import KB_EV_PER_K
from naspe.workflows.dft.registry import CAPABILITIES, ENGINES, engine, relax_maker_of


def test_each_engine_is_one_entry_with_what_it_runs():
    assert list(ENGINES) == ["gpaw", "cp2k", "tblite", "vasp"]
    for name, spec in ENGINES.items():
        assert spec.name == name and spec.level_of_theory and spec.limits
        assert spec.supports <= set(CAPABILITIES) and set(spec.cannot) <= set(CAPABILITIES)
        assert spec.defaults.kpoints and spec.defaults.dispersion and spec.defaults.electronic_temperature_K > 0
    assert "PBE-D3(BJ)" in engine("gpaw").level_of_theory and "GFN2-xTB" in engine("tblite").level_of_theory
    assert engine("vasp").supports == frozenset()
    assert engine("tblite").supports == set(CAPABILITIES)
    assert engine("gpaw").supports == set(CAPABILITIES) - {"bond_orders"}
    assert engine("cp2k").supports == set(CAPABILITIES) - {"bond_orders", "charges"}


def test_the_defaults_the_registry_states_are_the_ones_the_makers_run():
    gpaw = engine("gpaw")
    relax, static = gpaw.relax_maker(), gpaw.static_maker()
    for m in (relax, static):
        assert m.kpts is None and m.k_length_angstrom is None and m.kpoint_purpose == "energy"  # the k-point rule
        assert m.smearing_eV / KB_EV_PER_K == pytest.approx(gpaw.defaults.electronic_temperature_K)
        assert m.dispersion == "d3bj" and m.basis == "dzp" and m.mode == "lcao"
    assert static.steps == 1 and relax.steps > 1
    tblite = engine("tblite")
    for m in (tblite.relax_maker(), tblite.static_maker()):
        assert m.calculator_kwargs["electronic_temperature"] == tblite.defaults.electronic_temperature_K == 1000.0
        assert m.calculator_kwargs["method"] == "GFN2-xTB"
    from pymatgen.core import Lattice, Structure

    # rectangular graphene (4 C in 2.46 x 4.26 Å, repeated 3 x 2: 7.38 x 8.52 Å): a semimetal, k*a >= 30 Å in plane
    rect = [[0, 0, 0], [1.23, 0.71, 0], [1.23, 2.13, 0], [0, 2.84, 0]]
    coords = [[x, y, 10.0] for x, y, _ in rect]
    lattice = Lattice.from_parameters(2.46, 4.26, 20.0, 90, 90, 90)
    slab = Structure(lattice, ["C"] * 4, coords, coords_are_cartesian=True).make_supercell([3, 2, 1])
    vasp = engine("vasp")
    vis = vasp.relax_maker().input_set_generator.get_input_set(slab, potcar_spec=True)
    assert vis.incar["SIGMA"] / KB_EV_PER_K == pytest.approx(vasp.defaults.electronic_temperature_K)
    k = vasp.defaults.k_length_angstrom["semimetal"]
    assert k == gpaw.defaults.k_length_angstrom["semimetal"] == 30.0
    assert list(vis.kpoints.kpts[0]) == [math.ceil(k / 7.38), math.ceil(k / 8.52), 1] == [5, 4, 1]
    assert gpaw.static_maker().parameters(gpaw.static_maker().prepare(slab))["kpts"]["size"] == [5, 4, 1]
    assert vasp.static_maker().input_set_generator.get_input_set(slab, potcar_spec=True).incar["NSW"] == 0


def test_one_tblite_electronic_temperature_at_every_entry_point():
    """The campaign ran GFN2-xTB at 1000 K and naspe adhesion at 300 K: now every way of building tblite agrees."""
    from naspe.workflows.campaign import CampaignMaker, campaign_settings
    from naspe.workflows.dft.tblite import TbliteRelaxMaker, TbliteStaticMaker
    from naspe.workflows.flows.adhesion.makers import TbliteAdhesionMaker, adhesion_maker
    from naspe.workflows.flows.bonding.makers import TbliteBindingMaker, bonding_flows

    makers = [
        TbliteRelaxMaker(),
        TbliteStaticMaker(),
        engine("tblite").relax_maker(5, 0.2),
        adhesion_maker("tblite", 5, 0.2).relax_maker,
        TbliteAdhesionMaker().relax_maker,
        TbliteBindingMaker().relax_maker,
        bonding_flows("vacancy", "dme", "tblite")[0].jobs[0].maker,
    ]
    from naspe.workflows.base.identity import all_jobs

    settings = campaign_settings("quick", {"conductivity": {"enabled": False}, "core_levels": {"enabled": False}})
    assert settings.adhesion.engine == settings.bonding.engine == "tblite"
    campaign = CampaignMaker(settings=settings).make()
    makers += [j.maker for j in all_jobs(campaign) if j.name.endswith(" relax")]
    assert len(makers) > 10
    assert {m.calculator_kwargs["electronic_temperature"] for m in makers} == {1000.0}


def test_unknown_engine_and_bad_values_name_what_is_allowed():
    with pytest.raises(ValueError, match="engine .abinit.: allowed are gpaw, cp2k, tblite, vasp"):
        engine("abinit")
    with pytest.raises(ValueError, match="steps=0: must be >= 1"):
        engine("tblite").relax_maker(steps=0)
    with pytest.raises(ValueError, match="fmax=-0.1: must be > 0 eV/Å"):
        engine("gpaw").relax_maker(fmax=-0.1)
    with pytest.raises(ValueError, match="capability 'kpoints': allowed are steps, fmax, scan"):
        engine("gpaw").refuse({"kpoints": "--kpoints"})


def test_options_an_engine_ignores_are_refused_with_what_it_supports():
    vasp = engine("vasp")
    for capability, option in (("steps", "--steps"), ("fmax", "adhesion.fmax_eV_A"), ("scan", "--scan")):
        with pytest.raises(ValueError) as err:
            vasp.refuse({capability: option})
        message = str(err.value)
        assert message.startswith(f"{option}: engine 'vasp' does not take {CAPABILITIES[capability]}")
        assert "vasp supports: none of steps, fmax, scan" in message and "\n" not in message
    with pytest.raises(ValueError, match="steps=5: engine 'vasp' does not take a number of relaxation steps"):
        vasp.relax_maker(steps=5)
    # given options it honours pass; unset ones it ignores are dropped (the engine's own setting applies)
    assert engine("tblite").honoured({"steps": 5, "fmax": 0.2, "scan": True}, {"steps": "--steps"}) == {
        "steps": 5,
        "fmax": 0.2,
        "scan": True,
    }
    assert vasp.honoured({"steps": 100, "fmax": 0.05, "scan": False}, {}) == {}


def test_flow_makers_default_to_the_registry_and_refuse_another_engines_maker():
    from naspe.workflows.dft.gpaw import GpawRelaxMaker
    from naspe.workflows.flows.adhesion.makers import GpawAdhesionMaker, VaspAdhesionMaker
    from naspe.workflows.flows.bonding.makers import BaseReactionMaker, VaspBindingMaker

    assert GpawAdhesionMaker().relax_maker.as_dict() == engine("gpaw").relax_maker().as_dict()
    assert VaspAdhesionMaker().relax_maker.as_dict() == engine("vasp").relax_maker().as_dict()
    assert VaspBindingMaker().relax_maker.as_dict() == engine("vasp").relax_maker().as_dict()
    with pytest.raises(ValueError, match="engine='tblite', but relax_maker 'GPAW relaxation' runs 'gpaw'"):
        BaseReactionMaker(engine="tblite", relax_maker=GpawRelaxMaker())
    # a Maker of no naspe engine (atomate2's VASP) is taken as given; no Maker and an unknown engine is an error
    custom = engine("vasp").relax_maker()
    assert relax_maker_of("my-vasp", custom) is custom
    with pytest.raises(ValueError, match="engine 'my-vasp': allowed are"):
        relax_maker_of("my-vasp")


@pytest.mark.parametrize(
    "args",
    [  # set on the command line, even to its default value: refused
        ["adhesion", "--substrate", "graphene", "--scan"],
        ["adhesion", "--substrate", "graphene", "--steps", "100"],
        ["adhesion", "--substrate", "graphene", "--fmax", "0.05"],
        ["bonding", "--site", "vacancy", "--steps", "3"],
        ["bonding", "--site", "vacancy", "--fmax", "0.1"],
    ],
)
def test_cli_refuses_what_the_engine_ignores_before_any_job(args, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from naspe.workflows.cli.main import app

    monkeypatch.setenv("NASPE_VASP_COMMAND", "srun vasp_std")  # so only the option can be the problem
    out = tmp_path / "run"
    r = CliRunner().invoke(app, [*args, "--engine", "vasp", "--out", str(out)])
    assert r.exit_code == 2
    option = args[3]
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"naspe: error: {option}: engine 'vasp' does not take"), r.output
    assert "vasp supports: none of steps, fmax, scan" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("part", ["adhesion", "bonding"])
def test_campaign_refuses_what_its_engine_ignores(part):
    from naspe.workflows.campaign import CampaignMaker, campaign_settings
    from naspe.workflows.flows.adhesion.makers import adhesion_maker

    off = {p: {"enabled": False} for p in ("conductivity", "core_levels", "adhesion", "bonding") if p != part}
    # the preset's own steps give way to the new engine's; steps given with it are refused
    settings = campaign_settings("quick", off | {part: {"engine": "vasp", "steps": 5}})
    with pytest.raises(ValueError, match=rf"^{part}.steps: engine 'vasp' does not take a number of relaxation steps"):
        CampaignMaker(settings=settings).make()
    with pytest.raises(ValueError, match="scan=True: engine 'vasp' does not take the rigid separation scan"):
        adhesion_maker("vasp", scan=True)


def test_each_engine_states_its_limits_and_the_purpose_of_its_results():
    from naspe.workflows.dft.convergence import Purpose
    from naspe.workflows.dft.gpaw import GpawRelaxMaker
    from naspe.workflows.dft.registry import level_of_theory_of, purpose_of

    tb = engine("tblite").known_limits
    assert tb.purpose is Purpose.screening and tb.dipole_correction is False
    assert "metals" in tb.metals and "3D periodic" in tb.periodicity and "spin" in tb.spin
    assert engine("gpaw").known_limits.dipole_correction and engine("vasp").known_limits.purpose is Purpose.production
    assert all(line.split(":")[0] for line in tb.lines()) and len(tb.lines()) == 5
    assert purpose_of(engine("tblite").relax_maker()) is Purpose.screening
    assert purpose_of(engine("gpaw").relax_maker()) is Purpose.screening  # LCAO dzp
    assert purpose_of(GpawRelaxMaker(mode="pw")) is Purpose.production
    assert purpose_of(GpawRelaxMaker(mode="pw", relax_kwargs={"fmax": 0.2})) is Purpose.screening
    assert purpose_of(object()) is Purpose.unknown
    # single points where relaxations were asked for: geometries not relaxed, screening
    assert purpose_of(GpawRelaxMaker(mode="pw", steps=1)) is Purpose.screening
    assert purpose_of(GpawRelaxMaker(mode="pw", steps=1), relaxes=False) is Purpose.production
    text = level_of_theory_of(GpawRelaxMaker(mode="pw", ecut_eV=500.0, spinpol=True))
    assert text.startswith("PBE-D3(BJ), GPAW PW 500 eV") and "spin-polarised" in text
    assert "Fermi 1000 K" in level_of_theory_of(engine("tblite").relax_maker())


def test_each_engine_maker_says_its_level_of_theory_from_its_own_settings():
    """The contract: every engine Maker of the registry describes itself; VASP's atomate2 Makers get naspe's words."""
    from naspe.workflows.dft.base import EngineMaker
    from naspe.workflows.dft.chgnet import ChgnetRelaxMaker
    from naspe.workflows.dft.cp2k import Cp2kRelaxMaker
    from naspe.workflows.dft.registry import ENGINES, level_of_theory_of
    from naspe.workflows.dft.theory import VASP_LEVEL_OF_THEORY

    for name in ENGINES:
        maker = engine(name).relax_maker()
        expected = VASP_LEVEL_OF_THEORY if name == "vasp" else maker.level_of_theory()
        assert isinstance(maker, EngineMaker) is (name != "vasp")
        assert level_of_theory_of(maker) == expected and expected, name
    cp2k = Cp2kRelaxMaker(cutoff_ry=600.0, kpts=(2, 5, 1), dispersion=None)
    assert level_of_theory_of(cp2k).startswith("PBE, CP2K GPW") and "600 Ry" in cp2k.level_of_theory()
    assert "k-point mesh (2, 5, 1)" in cp2k.level_of_theory()
    assert ChgnetRelaxMaker().level_of_theory().startswith("CHGNet")
    assert level_of_theory_of(object()) is None
