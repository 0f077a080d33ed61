"""What the validation suites say of the methods a conclusion rests on.

A computed W_adh can be converged and counterpoise-corrected and still be wrong if
the level of theory is: the conclusion therefore reads the validation documents
(``naspe validate dft|md``, :mod:`naspe.workflows.validation`) of the cases that test
what each kind of number relies on (:data:`VALIDATION_BASIS`), says which passed,
failed or were not run, and claims agreement with a measurement only when every one
of them passed. The cases run at their own stated settings (see each case's level
of theory), which may be cheaper than a campaign's: a pass says the method (PBE-D3(BJ),
the force field) is sound for that kind of number, not that a campaign's own
numerical settings are converged; that is what the convergence records say.
"""

from __future__ import annotations

from collections.abc import Iterable

from naspe.workflows.results.report_format import Segment, join, num

__all__ = ["VALIDATION_BASIS", "CP2K_TWINS", "cases_for", "validated", "validation_sentence"]

#: per kind of number, the validation cases (suite, case) that test what it rests on
VALIDATION_BASIS: dict[str, tuple[tuple[str, str], ...]] = {
    # dispersion between sheets and on carbon, physisorption with counterpoise, the Na metal itself
    "W_adh": (
        ("dft", "graphite-interlayer"),
        ("dft", "s22-methane-dimer-cp"),
        ("dft", "s22-benzene-methane-cp"),
        ("dft", "na-bcc-lattice"),
        ("dft", "na110-surface-energy"),
    ),
    # Na on carbon: height, binding energy and charge transfer; physisorption with counterpoise
    "E_bind": (
        ("dft", "na-graphene-height"),
        ("dft", "na-graphene-binding"),
        ("dft", "na-graphene-charge"),
        ("dft", "s22-methane-dimer-cp"),
    ),
    # Delta-SCF 1s shifts against gas-phase XPS: every carbon class the study assigns, and an O 1s
    "core levels": (
        ("dft", "xps-c1s-methanol"),
        ("dft", "xps-c1s-formaldehyde"),
        ("dft", "xps-c1s-formic-acid"),
        ("dft", "xps-c1s-co2"),
        ("dft", "xps-o1s-co2"),
    ),
    # the force field's liquid structure and ion transport against experiment: the collective conductivity of a
    # glyme electrolyte and the Li+ self-diffusion of a PEG dimethyl ether electrolyte
    "sigma": (
        ("md", "g1-density"),
        ("md", "peo-melt-density"),
        ("md", "li-dme-tfsi-conductivity"),
        ("md", "pegdme-litfsi-diffusion"),
    ),
}


#: the DFT cases with a CP2K twin (``<case>-cp2k``, :data:`naspe.workflows.validation.dft_cases.CP2K_CASES`); the
#: others (core levels, Hirshfeld charges) test GPAW's part of a CP2K study and stay as they are
CP2K_TWINS = frozenset(
    {
        "na-bcc-lattice",
        "na-bcc-lattice-pbe",
        "s22-methane-dimer",
        "s22-methane-dimer-cp",
        "graphite-interlayer",
        "na110-surface-energy",
        "na-graphene-height",
        "na-graphene-binding",
        "s22-benzene-methane",
        "s22-benzene-methane-cp",
    }
)


def cases_for(what: str, engine: str | None = None, method: str | None = None) -> tuple[tuple[str, str], ...]:
    """The (suite, case) pairs that test ``what`` when its numbers come from ``engine`` (CP2K: the twins).

    ``method``: for core levels, the preset whose core-level settings the numbers were computed with
    (:data:`~naspe.workflows.flows.core_levels.methods.CORE_LEVEL_METHODS`); its twins of the cases
    (``<case>-quick``, ``<case>-standard``) test those settings. None or "production": the plain cases.
    """
    cases = VALIDATION_BASIS[what]
    if what == "core levels" and method not in (None, "production"):
        return tuple((suite, f"{case}-{method}") for suite, case in cases)
    if engine != "cp2k":
        return cases
    return tuple((suite, f"{case}-cp2k" if case in CP2K_TWINS else case) for suite, case in cases)


def _by_case(rows: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """The validation table's rows (one per case, its latest document) keyed by (suite, case)."""
    return {(r["suite"], r["case"]): r for r in rows}


def validated(rows: Iterable[dict], what: str, engine: str | None = None, method: str | None = None) -> bool:
    """Every validation case of ``what`` (a :data:`VALIDATION_BASIS` key) for ``engine`` is in ``rows`` and passed."""
    found = _by_case(rows)
    return all((found.get(key) or {}).get("status") == "passed" for key in cases_for(what, engine, method))


def _case(row: dict) -> tuple[Segment, ...]:
    unit = row.get("unit") or ""
    reference = row.get("reference")
    return (
        f"{row['case']} ",
        num(row.get("computed"), row.get("job_uuid", ""), ".3g"),
        f" vs {'?' if reference is None else format(reference, '.3g')} {unit}",
    )


def validation_sentence(
    rows: Iterable[dict], what: str, engine: str | None = None, method: str | None = None
) -> tuple[Segment, ...]:
    """'Validation of the method for <what>: passed ...; failed ...; not run ...' for the cases of ``engine``."""
    found = _by_case(rows)
    cases = cases_for(what, engine, method)
    if not any(key in found for key in cases):
        names = ", ".join(case for _, case in cases)
        suites = " and ".join(sorted({f"naspe validate {suite}" for suite, _ in cases}))
        return (
            f"No validation case of the method behind {what} ({names}) is in the store ({suites}), so its "
            "accuracy against reference data is unchecked here.",
        )
    by_status: dict[str, list[dict]] = {"passed": [], "failed": [], "not run": []}
    for key in cases:
        row = found.get(key)
        by_status[(row or {}).get("status") or "not run"].append(row or {"case": key[1]})
    parts: list[tuple[Segment, ...]] = []
    for status in ("passed", "failed"):
        if by_status[status]:
            parts.append((f"{status}: ", *join([_case(r) for r in by_status[status]], ", ")))
    if by_status["not run"]:
        parts.append((f"not run: {', '.join(r['case'] for r in by_status['not run'])}",))
    verdict = (
        "all passed"
        if not by_status["failed"] and not by_status["not run"]
        else "not all passed, so agreement with a measurement is not claimed from it"
    )
    return (f"Validation of the method behind {what} ({verdict}): ", *join(parts, "; "), ".")
