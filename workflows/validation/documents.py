"""The output document of a validation case: computed vs reference vs tolerance, passed or not, and its cost.

:class:`ValidationDocument` is what every case's last job returns and what the
results store holds (``output.@class == "ValidationDocument"``): the computed
value with its uncertainty and how it was converged, the reference with its
source, the tolerance, the deviation and whether it passed, the wall time of
the calculations (s), the engine and its version, the level of theory and the
cores of the machine. A case that could not run (a module it needs is missing,
a calculation failed) is a document with ``status="not run"``, no computed value
and ``passed=None``: never a pass.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, Field

from naspe.workflows.validation.cases import ValidationCase

__all__ = ["ValidationDocument", "STATUSES"]

#: ``passed`` / ``failed``: the comparison was made; ``not run``: no computed value (see ``reason``)
STATUSES = ("passed", "failed", "not run")


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # not on every platform
        return None


class ValidationDocument(BaseModel):
    """One validation case's result."""

    case: str = Field(description="Case name (unique within its suite)")
    suite: Literal["dft", "md"] = Field(description="Suite: dft or md")
    quantity: str = Field(description="What was computed, in words")
    unit: str = Field(description="Unit of computed, reference, deviation and an absolute tolerance")
    computed: float | None = Field(None, description="Computed value (unit); None when not run")
    computed_uncertainty: float | None = Field(
        None, description="Uncertainty of the computed value (unit): fit error or numerical convergence; None unknown"
    )
    convergence: str = Field("", description="How the computed value was obtained and converged (fit, points, ...)")
    reference: float = Field(description="Reference value (unit)")
    reference_uncertainty: float | None = Field(None, description="Uncertainty of the reference (unit), if given")
    reference_source: str = Field(description="Citation of the reference (authors, journal, volume, page, year)")
    reference_kind: str = Field(description="experiment, CCSD(T) or DFT")
    tolerance: float = Field(description="Tolerance as given: unit (abs) or a fraction of the reference (rel)")
    tolerance_kind: Literal["abs", "rel"] = Field(description="abs or rel")
    tolerance_abs: float = Field(description="Tolerance in unit (a relative one times |reference|)")
    deviation: float | None = Field(None, description="computed - reference (unit); None when not run")
    passed: bool | None = Field(None, description="|deviation| <= tolerance_abs; None when not run")
    status: Literal["passed", "failed", "not run"] = Field(description="passed, failed or not run")
    reason: str | None = Field(None, description="Why the case did not run; None when it did")
    wall_time_s: float | None = Field(
        None, description="Wall time (s) of the case's calculations (sum over its engine runs), when measured"
    )
    engine: str | None = Field(None, description="Engine (gpaw, lammps, ...)")
    engine_version: str | None = Field(None, description="Version of the engine's package")
    level_of_theory: str = Field(description="Method, dispersion, basis or force field")
    cores: int = Field(description="CPU cores of the machine the document was made on (os.cpu_count())")
    load_average: float | None = Field(
        None,
        description="1-minute load average of the machine when the document was made (cores busy; > cores: shared)",
    )
    ranks: int | None = Field(None, description="MPI ranks of the engine runs")
    cost: Literal["cheap", "full"] = Field(description="Cost class of the case")
    details: dict[str, Any] = Field(
        default_factory=dict, description="Case-specific numbers (each key names its unit), e.g. the fitted points"
    )
    notes: str = Field("", description="What a reader needs to judge the comparison")

    @classmethod
    def _case_fields(cls, case: ValidationCase) -> dict[str, Any]:
        return {
            "case": case.name,
            "suite": case.suite,
            "quantity": case.quantity,
            "unit": case.unit,
            "reference": case.reference_value,
            "reference_uncertainty": case.reference_uncertainty,
            "reference_source": case.reference_source,
            "reference_kind": case.reference_kind,
            "tolerance": case.tolerance,
            "tolerance_kind": case.tolerance_kind,
            "tolerance_abs": case.tolerance_abs,
            "level_of_theory": case.level_of_theory,
            "cost": case.cost,
            "cores": os.cpu_count() or 1,
            "load_average": _load_average(),
            "notes": case.notes,
        }

    @classmethod
    def from_computed(
        cls,
        case: ValidationCase,
        computed: float,
        *,
        uncertainty: float | None = None,
        convergence: str = "",
        wall_time_s: float | None = None,
        engine: str | None = None,
        engine_version: str | None = None,
        ranks: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> ValidationDocument:
        """The document of a case that computed ``computed`` (in ``case.unit``): deviation and pass/fail from it."""
        computed = float(computed)
        passed = case.passes(computed)
        return cls(
            **cls._case_fields(case),
            computed=computed,
            computed_uncertainty=None if uncertainty is None else float(uncertainty),
            convergence=convergence,
            deviation=case.deviation(computed),
            passed=passed,
            status="passed" if passed else "failed",
            wall_time_s=wall_time_s,
            engine=engine,
            engine_version=engine_version,
            ranks=ranks,
            details=details or {},
        )

    @classmethod
    def not_run(cls, case: ValidationCase, reason: str, **extra: Any) -> ValidationDocument:
        """The document of a case that has no computed value, with the reason; never a pass."""
        return cls(**cls._case_fields(case), status="not run", reason=reason, **extra)
