"""What ``naspe validate`` prints: the results table, the case list and the ion-charge-scaling table.

The scaling table answers "which ion charge scaling do the MD cases support?": a row
per case and scaling with what a reader judges a charge model by, the density (g/cm³),
each ion's self-diffusion coefficient against PFG-NMR (cm^2/s), the Nernst-Einstein and
Einstein-Helfand conductivities (mS/cm), the ionicity sigma_EH/sigma_NE, and the case's
own pass or fail. A measured conductivity is collective, so it is sigma_EH that a
conductivity case compares; sigma_NE is the ions' self-diffusion in conductivity units.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from naspe.workflows.validation.cases import ValidationCase

__all__ = ["results_table", "case_list", "scaling_table"]


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def _pm(pair: Sequence[float | None] | None, digits: int = 3) -> str:
    """``value ± error`` of a (value, error) pair; ``-`` when there is no value."""
    if not pair or pair[0] is None:
        return "-"
    value, err = pair[0], pair[1] if len(pair) > 1 else None
    return _fmt(value, digits) + ("" if err is None else f" ± {_fmt(err, 2)}")


def _columns(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _row(doc: dict) -> list[str]:
    computed = _fmt(doc.get("computed"))
    if doc.get("computed") is not None and doc.get("computed_uncertainty") is not None:
        computed += f" ± {_fmt(doc['computed_uncertainty'], 2)}"
    ref = _fmt(doc["reference"])
    if doc.get("reference_uncertainty"):
        ref += f" ± {_fmt(doc['reference_uncertainty'], 2)}"
    tol = f"± {100 * doc['tolerance']:g} %" if doc["tolerance_kind"] == "rel" else f"± {doc['tolerance']:g}"
    time_s = "-" if doc.get("wall_time_s") is None else f"{doc['wall_time_s']:.0f}"
    return [doc["case"], doc["unit"], computed, ref, tol, doc["status"], time_s]


def results_table(docs: list[dict]) -> str:
    """Computed vs reference vs tolerance, one row per validation document (as dicts)."""
    head = ["case", "unit", "computed", "reference", "tolerance", "result", "time (s)"]
    return _columns([head] + [_row(d) for d in docs])


def case_list(cases: list[ValidationCase]) -> str:
    """Every case with its quantity, reference value and unit, tolerance, cost and source (a block per case).

    A case that cannot run (``needs``) says why in a last line, ``not available: <reason>``.
    """
    blocks = []
    for c in cases:
        ref = f"{c.reference_value:g}" + (f" ± {c.reference_uncertainty:g}" if c.reference_uncertainty else "")
        scaling = "" if c.ion_charge_scaling is None else f"; ion charges x {c.ion_charge_scaling:g}"
        blocks.append(
            f"{c.name} ({c.engine}, {c.cost}{scaling})\n"
            f"  quantity : {c.quantity}\n"
            f"  reference: {ref} {c.unit} ({c.reference_kind})\n"
            f"  tolerance: {c.tolerance_text()} ({c.tolerance_reason})\n"
            f"  source   : {c.reference_source}" + (f"\n  not available: {c.needs}" if c.needs else "")
        )
    return "\n".join(blocks)


def _diffusion(doc: dict, species_rank: int) -> str:
    """The ``species_rank``-th ion's D (cm^2/s, cations first) and its ratio to PFG-NMR, from a document's details.

    The D is the Yeh-Hummer corrected one where the run had a viscosity (marked ``YH``: what the
    ratio compares), else the periodic cell's raw D (documents without the correction).
    """
    d = doc.get("details") or {}
    corrected = d.get("diffusion_corrected_cm2_s") or {}
    values = corrected or d.get("diffusion_cm2_s") or {}
    if len(values) <= species_rank:
        return "-"
    species = list(values)[species_rank]
    text = f"{species} {_pm(values[species], 2)}{' YH' if corrected else ''}"
    measured = (d.get("diffusion_vs_pfg_nmr") or {}).get(species)
    if measured and measured.get("ratio") is not None:
        text += f" (x{measured['ratio']:.2f} PFG{'' if measured['agrees'] else ' !'})"
    return text


def scaling_table(docs: list[dict]) -> str:
    """A row per case and ion charge scaling: density, D's vs PFG-NMR, sigma_NE, sigma_EH, ionicity, result."""
    head = [
        "case",
        "q",
        "density g/cm3",
        "D cation cm2/s",
        "D anion cm2/s",
        "sigma_NE mS/cm",
        "sigma_EH mS/cm",
        "ionicity",
        "compared",
        "result",
    ]
    rows = [head]
    for doc in docs:
        d = doc.get("details") or {}
        q = d.get("ion_charge_scaling")
        density = _fmt(doc.get("computed"), 4) if doc.get("unit") == "g/cm^3" else _fmt(d.get("density_g_cm3"), 4)
        compared = f"{_fmt(doc.get('computed'), 3)} vs {_fmt(doc['reference'], 3)} {doc['unit']}"
        rows.append(
            [
                doc["case"],
                "-" if q is None else f"{q:g}",
                density,
                _diffusion(doc, 0),
                _diffusion(doc, 1),
                _pm(d.get("sigma_ne_mS_cm")),
                _pm(d.get("sigma_eh_mS_cm")),
                _pm(d.get("ionicity"), 2),
                compared,
                doc["status"],
            ]
        )
    return _columns(rows)
