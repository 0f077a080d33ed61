"""Which numbers a conclusion may rest on, and the sentences that say what the others cannot support.

The conclusion (:mod:`naspe.workflows.results.conclusion`) draws only from values that
are shown to be converged (``converged`` True in the query tables: every relaxation
reached its force criterion within its step limit and every SCF converged;
:mod:`naspe.workflows.dft.convergence`). A value that is not converged, or whose
convergence is not recorded (a document stored before it was), is listed as left out
with the reason, never used. A screening value (``purpose`` not ``production``:
GFN2-xTB, GPAW LCAO, loose criteria, the quick preset) can rank interfaces at its
level of theory but cannot confirm or contradict a measurement: the conclusion says
so instead of claiming agreement. The work of adhesion used is the
counterpoise-corrected one when a document has it (``w_adh_cp_J_m2``).
"""

from __future__ import annotations

from collections.abc import Iterable

from naspe.workflows.results.report_format import Segment, join, num

__all__ = [
    "converged",
    "screening",
    "w_adh",
    "counterpoise_corrected",
    "w_adh_uncertainty",
    "per_job",
    "left_out",
    "levels_of_theory",
    "basis_sentence",
]


def converged(row: dict) -> bool:
    """The row's value is shown to be converged (unknown is not)."""
    return row.get("converged") is True


def screening(row: dict) -> bool:
    """The row is not a production result (screening or purpose unknown)."""
    return row.get("purpose") != "production"


def counterpoise_corrected(row: dict) -> bool:
    """The row carries a counterpoise-corrected work of adhesion (J/m^2)."""
    return row.get("w_adh_cp_J_m2") is not None


def w_adh(row: dict) -> float:
    """The work of adhesion the conclusion uses (J/m^2): counterpoise-corrected when available."""
    return row["w_adh_cp_J_m2"] if counterpoise_corrected(row) else row["w_adh_J_m2"]


def w_adh_uncertainty(row: dict) -> float | None:
    """Basis-set uncertainty (J/m^2) of the W_adh used: the size of its counterpoise correction, |raw - corrected|.

    A conservative choice: the complete-basis value is expected between the raw (over-bound) and the
    corrected value, so the correction bounds the remaining basis error. None without both values.
    """
    raw, cp = row.get("w_adh_raw_J_m2"), row.get("w_adh_cp_J_m2")
    if raw is None or cp is None:
        return None
    return abs(raw - cp)


def per_job(rows: Iterable[dict]) -> list[dict]:
    """One row per job (the bonding table has one per bond class), first row of each, order kept."""
    seen: dict[str, dict] = {}
    for r in rows:
        seen.setdefault(r["job_uuid"], r)
    return list(seen.values())


def left_out(rows: Iterable[dict], what: str, value_key: str, unit: str, spec: str) -> tuple[Segment, ...]:
    """'Left out of this conclusion ...: <system> (<value> <unit>, <why>), ...'; empty when every row converged."""
    bad = [r for r in per_job(rows) if not converged(r)]
    if not bad:
        return ()
    items = [
        (
            f"{r.get('system') or 'unknown'} (",
            num(r.get(value_key), r["job_uuid"], spec),
            f" {unit}, {r.get('convergence_detail') or 'convergence unknown'})",
        )
        for r in bad
    ]
    return (f"Left out of this conclusion because not shown to be converged ({what}): ", *join(items, "; "), ".")


def levels_of_theory(rows: Iterable[dict]) -> str:
    """The distinct levels of theory of ``rows`` (engine name where none is recorded), '; '-separated."""
    from naspe.workflows.dft.registry import ENGINES

    found = []
    for r in rows:
        level = r.get("level_of_theory")
        if level is None and r.get("engine") in ENGINES:
            level = ENGINES[r["engine"]].level_of_theory
        if level and level not in found:
            found.append(level)
    return "; ".join(found) or "not recorded"


def basis_sentence(rows: list[dict], what: str) -> tuple[Segment, ...]:
    """What a comparison over ``rows`` rests on: its converged values, level of theory, purpose and uncertainty."""
    jobs = per_job(rows)
    used = [r for r in jobs if converged(r)]
    n_cp = sum(counterpoise_corrected(r) for r in used)
    purposes = sorted({r.get("purpose") or "unknown" for r in used})
    cp = (
        "counterpoise-corrected"
        if used and n_cp == len(used)
        else "without counterpoise correction (basis-set superposition error not removed)"
        if not n_cp
        else f"{n_cp} of {len(used)} counterpoise-corrected"
    )
    bars = [w_adh_uncertainty(r) for r in used]
    if used and all(b is not None for b in bars):
        error = (
            "each carries a basis-set uncertainty, the size of its counterpoise correction (up to "
            f"{max(bars):.3f} J/m^2); the error of the level of theory itself is what its validation cases measure."
        )
    else:
        error = (
            "no error bar is computed for them, so differences smaller than the error of the level of theory "
            "(not quantified here) are not significant."
        )
    return (
        f"It rests on the {len(used)} converged of {len(jobs)} {what} values, at {levels_of_theory(used)} "
        f"({', '.join(purposes)}), {cp}; {error}",
    )
