"""Validation cases without an engine, for the tests of the suite machinery (registry, CLI, store, report)."""

from __future__ import annotations

from jobflow import Flow, job

from naspe.workflows.validation.cases import ValidationCase
from naspe.workflows.validation.documents import ValidationDocument


@job
def fake_document(case: str, computed: float) -> ValidationDocument:
    from naspe.workflows.validation.registry import get_case

    return ValidationDocument.from_computed(get_case("md", case), computed, uncertainty=0.01, wall_time_s=0.5)


@job
def broken(case: str) -> ValidationDocument:
    raise RuntimeError("the engine exploded")


def _case(name: str, make=None, needs=None, cost="cheap") -> ValidationCase:
    return ValidationCase(
        name=name,
        suite="md",
        quantity=f"{name} quantity",
        unit="g/cm^3",
        reference_value=1.0,
        reference_source="Test et al., J. Tests 1, 1 (2026)",
        reference_kind="experiment",
        tolerance=0.05,
        tolerance_kind="rel",
        tolerance_reason="a test",
        level_of_theory="none",
        cost=cost,
        make=make,
        needs=needs,
    )


def _flow(case: str, computed: float) -> Flow:
    last = fake_document(case, computed)
    return Flow([last], output=last.output)  # a Flow, as the real cases: its document is its last job's output


CASES = (
    _case("good", make=lambda: _flow("good", 1.02)),
    _case("bad", make=lambda: fake_document("bad", 1.5)),
    _case("pending", needs="a module that is not written"),
    _case("crash", make=lambda: broken("crash"), cost="full"),
)
