"""``naspe run --plan``: the conductivity MD's cost from the validated PEGDME run, and the measured D's it uses."""

from __future__ import annotations

import pytest

from naspe.workflows.campaign import campaign_settings
from naspe.workflows.results.conductivity_plan import conductivity_plan
from naspe.workflows.validation import ValidationDocument, suite_cases
from naspe.workflows.validation.md_cases import PEGDME_CASE
from naspe.workflows.validation.pfg_nmr import HAYAMIZU_2002_LI_CM2_S, measured_li_diffusion


def _reference(d_li: float = 5.0e-7, eh=(4.0, 2.0), ne=(6.0, 1.2), ns_per_day: float = 24.0) -> ValidationDocument:
    return ValidationDocument.from_computed(
        suite_cases("md")[PEGDME_CASE],
        d_li,
        ranks=1,
        details={
            "production_ps_per_replica": 1000.0,
            "replicas": 1,
            "ns_per_day": ns_per_day,
            "sigma_eh_mS_cm": eh,
            "sigma_ne_mS_cm": ne,
        },
    )


def test_measured_d_interpolates_the_pfg_points_it_is_given_and_says_when_it_extrapolates():
    for chain, points in HAYAMIZU_2002_LI_CM2_S.items():
        for t, d in points.items():
            assert measured_li_diffusion(chain, t)[0] == pytest.approx(d, rel=0.06)  # the Arrhenius fit's residual
    d, how = measured_li_diffusion(61, 353.15)
    assert "EXTRAPOLATED" in how and d < measured_li_diffusion(56.3, 353.15)[0]
    assert "interpolated" in measured_li_diffusion(21, 333.0)[1]
    with pytest.raises(ValueError, match="temperature_K=30"):
        measured_li_diffusion(21, 30.0)


def test_the_validated_conditions_reproduce_the_validated_run_and_longer_chains_cost_more():
    same = campaign_settings(
        "quick",
        {
            "electrolyte": {"salt": "LiTFSI", "n_chains": 14, "chain_length": 10},
            "conductivity": {"temperatures_C": [90.0], "overrides": {"error_target": 0.5}},
        },
    )
    plan = conductivity_plan(same, _reference())
    row = plan.rows[0]
    assert plan.atoms == 1218 and plan.quantity == "sigma_eh_S_cm"
    assert row.model_d_cm2_s == pytest.approx(5.0e-7)  # the validated cell at its own temperature
    assert row.error_ps == pytest.approx(1000.0 * (0.5 / 0.5) ** 2)  # it reached 50 %: the same time again
    assert row.production_ps == max(row.error_ps, row.diffusive_ps) and not plan.lower_bound
    seed = campaign_settings("production")
    big = conductivity_plan(seed, _reference())
    assert [r.temperature_C for r in big.rows] == seed.conductivity.temperatures_C
    times = [r.production_ps for r in big.rows]
    assert times == sorted(times, reverse=True)  # warmer is faster
    assert big.rows[0].model_d_cm2_s < row.model_d_cm2_s and big.total_core_hours > 100
    text = big.text()
    assert "budget too short" in text or "core-hours" in text
    assert "Na+ (NaFSI) moves as Li+" in text and "EXTRAPOLATED" in text
    # a validated run that reached half the error in the same time: a quarter of every time
    sharper = conductivity_plan(seed, _reference(eh=(4.0, 1.0)))
    assert sharper.rows[0].error_ps == pytest.approx(big.rows[0].error_ps / 4)
    assert sharper.rows[0].diffusive_ps == pytest.approx(big.rows[0].diffusive_ps)  # the ions' reach is not noise


def test_a_reference_without_a_value_or_speed_is_refused_with_the_command_that_makes_one():
    case = suite_cases("md")[PEGDME_CASE]
    with pytest.raises(ValueError, match=f"naspe validate md --cases {PEGDME_CASE}"):
        conductivity_plan(campaign_settings("production"), ValidationDocument.not_run(case, "not diffusive"))
    with pytest.raises(ValueError, match="no MD speed"):
        conductivity_plan(campaign_settings("production"), _reference(ns_per_day=0.0))


def test_a_reference_run_that_never_became_diffusive_gives_lower_bounds_from_its_apparent_d():
    case = suite_cases("md")[PEGDME_CASE]
    apparent = ValidationDocument.not_run(
        case,
        "not diffusive",
        details={
            "production_ps_per_replica": 1000.0,
            "replicas": 1,
            "ns_per_day": 24.0,
            "sigma_eh_mS_cm": (4.0, 2.0),
            "diffusion_cm2_s": {"Li": (5.0e-7, 1e-7), "TFSI": (6e-7, 1e-7)},
        },
    )
    plan = conductivity_plan(campaign_settings("production"), apparent)
    assert plan.lower_bound and "LOWER BOUNDS" in plan.text()
    assert plan.rows == conductivity_plan(campaign_settings("production"), _reference()).rows


def test_many_uuids_are_read_in_one_pass_and_filtered_by_a_set():
    """Above UUID_IN_LIMIT the job table reads every document once and keeps the wanted uuids (newest index)."""
    from jobflow import JobStore
    from maggma.stores import MemoryStore

    from naspe.workflows.results.store_reader import UUID_IN_LIMIT, newest_by_uuid

    store = JobStore(MemoryStore())
    store.connect()
    docs = [
        {"uuid": f"u{k}", "index": i, "completed_at": f"t{k}.{i}", "metadata": {}} for k in range(150) for i in (1, 2)
    ]
    store.docs_store.update(docs, key=["uuid", "index"])
    few, many = [f"u{k}" for k in range(3)], [f"u{k}" for k in range(0, 150, 2)]
    assert len(few) <= UUID_IN_LIMIT < len(many)  # one $in query, and one read of everything filtered by a set
    for wanted in (few, many):
        found = newest_by_uuid(store, wanted, ["completed_at", "metadata"])
        assert set(found) == set(wanted) and all(found[u]["index"] == 2 for u in wanted)
