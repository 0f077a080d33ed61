"""The conclusion's rules on the DFT results: adhesion, binding and core levels, from converged values only.

Each rule takes the conclusion's :class:`~naspe.workflows.results.conclusion.Results`
and returns paragraphs (see :mod:`naspe.workflows.results.conclusion`). What a value
must be to be used, and the sentences for those left out, are in
:mod:`naspe.workflows.results.evidence`: only converged values are compared; a
negative W_adh (or positive E_bind) is reported as repulsive / unbound, never as
binding; screening values rank, they do not confirm or contradict the paper
(Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from naspe.analysis.uber import EV_PER_A2_TO_J_PER_M2
from naspe.workflows.results import evidence as ev
from naspe.workflows.results import validation_evidence as vev
from naspe.workflows.results.report_format import Segment, join, num
from naspe.workflows.results.study import CLASS_ORDER

if TYPE_CHECKING:
    from naspe.workflows.results.conclusion import Paragraph, Results

__all__ = [
    "CARBON_CLASSES",
    "CARBONYL_ENVIRONMENTS",
    "COVERAGE_TOLERANCE",
    "Measure",
    "PER_AREA",
    "PER_EO_UNIT",
    "measure_for",
    "per_eo_unit_eV",
    "bond_phrase",
    "substrate_comparison",
    "na_on_carbon",
    "strongest_binding",
    "core_levels_vs_xps",
]

#: substrate classes compared with Na: the carbon ones (Zhao et al. 2019: PEO20NaFSI bonds to the anode's carbon)
CARBON_CLASSES = CLASS_ORDER[1:]
#: carbonyl-type C 1s environments, to compare with the ~289 eV C=O peak of the bonded interface (Zhao et al. 2019)
CARBONYL_ENVIRONMENTS = ("C=O", "O-C=O")


def bond_phrase(bonds: list[dict], uuid: str) -> Paragraph:
    """'through 2 C-O and 1 Na-O bonds' of one adhesion job, or physisorption when it has none."""
    mine = [r for r in bonds if r["job_uuid"] == uuid and r["bond_kind"] and r["count"]]
    if not mine:
        return ("without bonds across the interface (physisorption)",)
    parts = [(num(r["count"], uuid, "d"), f" {r['bond_kind']} bond{'s' if r['count'] != 1 else ''}") for r in mine]
    formed = [r["bond_kind"] for r in mine if r.get("n_formed")]
    text = ("through ", *join(parts, ", ", " and "))
    if formed:
        text += (f" ({', '.join(formed)} formed on relaxation)",)
    return text


def _adhesion_phrase(stronger: dict, weaker: dict, res: Results, m: Measure) -> Paragraph:
    """The comparison of the two interfaces, in words that follow the signs of their W_adh (J/m^2).

    Ranked per EO unit (``m``), each value is given per EO unit (eV) and per area; a difference within
    its basis-set uncertainty is "about as strongly".
    """
    s, w = ev.w_adh(stronger), ev.w_adh(weaker)

    def value(r: dict) -> Segment:
        return num(ev.w_adh(r), r["job_uuid"], ".3f")

    if s <= 0:
        return (
            "PEO does not adhere to either substrate class at this level: W_adh = ",
            value(stronger),
            f" J/m^2 on {stronger['system']} and ",
            value(weaker),
            f" J/m^2 on {weaker['system']} are not positive, so both interfaces are repulsive (unbound) at their "
            "relaxed geometries",
        )
    if w <= 0:
        return (
            f"PEO adheres to {stronger['substrate_class']} ({stronger['system']}, W_adh = ",
            value(stronger),
            f" J/m^2, {stronger['engine']}) ",
            *bond_phrase(res.bonds, stronger["job_uuid"]),
            f"; on {weaker['substrate_class']} ({weaker['system']}) W_adh = ",
            value(weaker),
            " J/m^2 is negative: that interface is repulsive (unbound) at this geometry, not weakly bound",
        )
    how = "about as strongly" if _significance(stronger, weaker, m)[0] is False else "more strongly"
    if m is PER_EO_UNIT:

        def both(r: dict) -> tuple[Segment, ...]:
            return (num(m.value(r), r["job_uuid"], ".3f"), " eV per EO unit, W_adh = ", value(r), " J/m^2")

        return (
            f"Per EO unit, PEO adheres {how} to {stronger['substrate_class']} ({stronger['system']}, ",
            *both(stronger),
            f", {stronger['engine']}) {'as' if how.startswith('about') else 'than'} to {weaker['substrate_class']} "
            f"({weaker['system']}, ",
            *both(weaker),
            "), ",
            *bond_phrase(res.bonds, stronger["job_uuid"]),
            f"; on {weaker['system']} it adheres ",
            *bond_phrase(res.bonds, weaker["job_uuid"]),
        )
    return (
        f"PEO adheres {how} to {stronger['substrate_class']} ({stronger['system']}, W_adh = ",
        value(stronger),
        f" J/m^2, {stronger['engine']}) {'as' if how.startswith('about') else 'than'} to "
        f"{weaker['substrate_class']} ({weaker['system']}, ",
        value(weaker),
        " J/m^2), ",
        *bond_phrase(res.bonds, stronger["job_uuid"]),
        f"; on {weaker['system']} it adheres ",
        *bond_phrase(res.bonds, weaker["job_uuid"]),
    )


def _significance(stronger: dict, weaker: dict, m: Measure) -> tuple[bool | None, float, float | None]:
    """(difference larger than its basis-set uncertainty, or None if unknown; difference; uncertainty), in m's unit."""
    diff = m.value(stronger) - m.value(weaker)
    bars = (m.uncertainty(stronger), m.uncertainty(weaker))
    if any(b is None for b in bars):
        return None, diff, None
    u = float(sum(b * b for b in bars) ** 0.5)
    return abs(diff) > u, diff, u


def _engine_of(*rows: dict) -> str | None:
    """The engine of ``rows`` when they share one (its validation cases are the ones that count), else None."""
    engines = {r.get("engine") for r in rows}
    return engines.pop() if len(engines) == 1 else None


#: largest relative difference of PEO coverage (EO units per nm^2) at which W_adh per area compares like with like;
#: W_adh of a sub-monolayer film grows about in proportion to its coverage, so 10 % is a 10 % bias, the size of
#: a counterpoise correction
COVERAGE_TOLERANCE = 0.10
_EV_PER_J_M2_NM2 = 100.0 / EV_PER_A2_TO_J_PER_M2  # J/m^2 x nm^2 -> eV (1 nm^2 = 100 Å^2)


def per_eo_unit_eV(row: dict) -> float | None:
    """Adhesion energy per EO unit of the film (eV): W_adh (J/m^2) over the PEO coverage (EO/nm^2); None unknown.

    W_adh subtracts the free film at its own coverage, so film-film interactions cancel and this is
    the interaction of one EO unit with the substrate: the measure that compares cells of different
    coverage.
    """
    coverage = row.get("film_eo_per_nm2")
    if coverage is None or not coverage > 0:
        return None
    return ev.w_adh(row) / coverage * _EV_PER_J_M2_NM2


def _per_eo_uncertainty_eV(row: dict) -> float | None:
    """Basis-set uncertainty of :func:`per_eo_unit_eV` (eV): the counterpoise correction per EO unit."""
    bar, coverage = ev.w_adh_uncertainty(row), row.get("film_eo_per_nm2")
    return None if bar is None or not coverage else bar / coverage * _EV_PER_J_M2_NM2


@dataclass(frozen=True)
class Measure:
    """What two interfaces are ranked by: W_adh per area, or per EO unit when their PEO coverages differ."""

    value: Callable[[dict], float]
    uncertainty: Callable[[dict], float | None]
    unit: str


PER_AREA = Measure(ev.w_adh, ev.w_adh_uncertainty, "J/m^2")
PER_EO_UNIT = Measure(per_eo_unit_eV, _per_eo_uncertainty_eV, "eV")


def measure_for(a: dict, b: dict) -> Measure:
    """Per area when the PEO coverages agree within :data:`COVERAGE_TOLERANCE` (or are unknown), else per EO unit."""
    ca, cb = a.get("film_eo_per_nm2"), b.get("film_eo_per_nm2")
    if not ca or not cb or abs(ca - cb) <= COVERAGE_TOLERANCE * max(ca, cb):
        return PER_AREA
    return PER_EO_UNIT


def _coverage_sentence(stronger: dict, weaker: dict, m: Measure) -> Paragraph:
    """What the PEO coverages of the two cells are and, when they differ, that the cells are ranked per EO unit."""
    cs, cw = stronger.get("film_eo_per_nm2"), weaker.get("film_eo_per_nm2")
    if not cs or not cw:
        return ("The PEO coverage of the cells is not known, so the ranking per area is taken as it is.",)
    us, uw = stronger["job_uuid"], weaker["job_uuid"]
    if m is PER_AREA:
        return ("Both cells carry the same PEO coverage (", num(cs, us, ".2f"), " and ", num(cw, uw, ".2f"),
                " EO units/nm^2).")  # fmt: skip
    return (
        f"The cells carry different PEO coverages ({stronger['system']} ", num(cs, us, ".2f"),
        f" against {weaker['system']} ", num(cw, uw, ".2f"), " EO units/nm^2), and W_adh per area grows with "
        "coverage, so they are ranked per EO unit (W_adh over the coverage).",
    )  # fmt: skip


def _paper_verdict(stronger: dict, weaker: dict, carbon_wins: bool, res: Results, m: Measure) -> str:
    """Agreement with Zhao et al. (2019): only from production values whose difference and method hold up."""
    if ev.screening(stronger) or ev.screening(weaker):
        return (
            "These are screening values: they rank the interfaces at this level of theory but cannot confirm or "
            "contradict Zhao et al. (2019), where PEO20NaFSI bonds chemically to the carbon of the Na/C anode while it "
            "delaminates from Na foil; that needs production settings (CP2K or plane-wave DFT, converged "
            "relaxations, counterpoise-corrected W_adh)."
        )
    significant, diff, u = _significance(stronger, weaker, m)
    if significant is False:
        return (
            f"The difference, {diff:.3f} {m.unit}, is within its basis-set uncertainty (± {u:.3f} {m.unit}, from the "
            "counterpoise corrections), so the ranking is not significant: it neither confirms nor contradicts Zhao "
            "et al. (2019)."
        )
    if not vev.validated(res.validation, "W_adh", _engine_of(stronger, weaker)):
        way = "point the same way as" if carbon_wins and m.value(stronger) > 0 else "point against"
        return (
            f"The values {way} Zhao et al. (2019), where the electrolyte bonds to the carbon of the Na/C anode and "
            "delaminates from Na foil, but the method's validation cases are not all passed (below), so no agreement "
            "or disagreement with the paper is claimed."
        )
    if carbon_wins and m.value(stronger) > 0:
        return (
            "This agrees with Zhao et al. (2019), where PEO20NaFSI bonds chemically to the carbon of the Na/C anode "
            "(C=O near 289 eV) while it delaminates from Na foil."
        )
    return (
        "This does not reproduce Zhao et al. (2019), where the electrolyte bonds to the carbon of the Na/C anode and "
        "delaminates from Na foil."
    )


def substrate_comparison(res: Results) -> list[Paragraph]:
    """PEO on carbon against PEO on Na from converged W_adh (J/m^2) only, their bonds, and what it says of the paper.

    A negative W_adh is reported as a repulsive (unbound) interface; screening values never claim agreement
    with the paper (:func:`_paper_verdict`); values not converged are listed as left out.
    """
    peo = [r for r in res.adhesion if r.get("film") == "peo" and r.get("substrate_class")]
    best: dict[str, dict] = {}
    for r in filter(ev.converged, peo):
        cls = r["substrate_class"]
        if cls not in best or ev.w_adh(r) > ev.w_adh(best[cls]):
            best[cls] = r
    excluded = ev.left_out(peo, "W_adh of PEO", "w_adh_J_m2", "J/m^2", ".3f")
    if "Na" not in best or not any(c in best for c in CARBON_CLASSES):
        have = ", ".join(sorted(best)) or "none"
        return [
            (
                "The carbon-versus-sodium comparison needs converged W_adh of PEO on Na and on a carbon substrate; "
                f"substrate classes with converged PEO results: {have}, so it is not drawn.",
                *((" ", *excluded) if excluded else ()),
            )
        ]
    na = best["Na"]
    carbon = max((best[c] for c in CARBON_CLASSES if c in best), key=ev.w_adh)
    m = measure_for(na, carbon)
    carbon_wins = m.value(carbon) > m.value(na)
    stronger, weaker = (carbon, na) if carbon_wins else (na, carbon)
    text: Paragraph = (
        *_adhesion_phrase(stronger, weaker, res, m),
        ". Largest converged W_adh of PEO per substrate class: ",
        *join(
            [
                (f"{c} ", num(ev.w_adh(best[c]), best[c]["job_uuid"], ".3f"), f" J/m^2 ({best[c]['system']})")
                for c in CLASS_ORDER
                if c in best
            ],
            "; ",
        ),
        ". ",
        *_coverage_sentence(stronger, weaker, m),
        " ",
        _paper_verdict(stronger, weaker, carbon_wins, res, m),
        " ",
        *ev.basis_sentence(peo, "W_adh of PEO"),
        " ",
        *vev.validation_sentence(res.validation, "W_adh", _engine_of(stronger, weaker)),
        *((" ", *excluded) if excluded else ()),
    )
    return [text]


def na_on_carbon(res: Results) -> list[Paragraph]:
    """Converged W_adh (J/m^2) of each Na film on carbon: the cohesion of the Na/C composite (negative: unbound)."""
    rows = [r for r in res.adhesion if r.get("film", "") and r["film"].startswith("na") and r["film"] != "nafsi"]
    out: list[Paragraph] = []
    for r in filter(ev.converged, rows):
        w = ev.w_adh(r)
        out.append(
            (
                f"Na on carbon ({r['system']}) " + ("adheres with" if w > 0 else "does not adhere:") + " W_adh = ",
                num(w, r["job_uuid"], ".3f"),
                " J/m^2: the cohesion of the Na/C composite itself."
                if w > 0
                else " J/m^2, a repulsive (unbound) Na/carbon interface at this geometry.",
            )
        )
    excluded = ev.left_out(rows, "W_adh of Na on carbon", "w_adh_J_m2", "J/m^2", ".3f")
    return out + ([excluded] if excluded else [])


def strongest_binding(res: Results) -> list[Paragraph]:
    """The most negative converged fragment binding energy (eV) and its bonds; a positive one is unbound."""
    binding = [r for r in res.bonds if r["source"] == "binding" and r.get("energy_eV") is not None]
    if not binding:
        return []
    excluded = ev.left_out(binding, "E_bind", "energy_eV", "eV", ".2f")
    usable = [r for r in binding if ev.converged(r)]
    if not usable:
        return [("No fragment binding energy is shown to be converged, so none is used here. ", *excluded)]
    strongest = min(usable, key=lambda r: r["energy_eV"])
    kinds = sorted({r["bond_kind"] for r in binding if r["job_uuid"] == strongest["job_uuid"] and r["bond_kind"]})
    if strongest["energy_eV"] >= 0:
        text: Paragraph = (
            f"No fragment binds: the lowest converged E_bind is {strongest['system']} with ",
            num(strongest["energy_eV"], strongest["job_uuid"], "+.2f"),
            " eV (positive: unbound at that geometry).",
        )
    else:
        text = (
            f"The strongest fragment binding is {strongest['system']} with E_bind = ",
            num(strongest["energy_eV"], strongest["job_uuid"], ".2f"),
            f" eV through {', '.join(kinds)} bonds" if kinds else " eV without bonds to the substrate",
            f" ({'screening' if ev.screening(strongest) else 'production'}, {ev.levels_of_theory([strongest])}).",
        )
    text += (" ", *vev.validation_sentence(res.validation, "E_bind"))
    return [text + ((" ", *excluded) if excluded else ())]


def core_levels_vs_xps(res: Results) -> list[Paragraph]:
    """How many converged binding energies (eV) fall inside their XPS range; the highest carbonyl C 1s vs ~289 eV."""
    if not res.core:
        return [("No core-level shifts are in the store: the XPS signatures of the paper are unchecked.",)]
    core = [r for r in res.core if ev.converged(r)]
    if not core:
        return [
            (
                f"None of the {len(res.core)} computed core-level binding energies is shown to be converged "
                f"({res.core[0].get('convergence_detail') or 'convergence unknown'}), so the XPS signatures of the "
                "paper are unchecked here.",
            )
        ]
    inside = [r for r in core if r.get("within_xps")]
    carbonyl = [r for r in core if r["element"] == "C" and r["environment"] in CARBONYL_ENVIRONMENTS]
    text: Paragraph = (
        f"{len(inside)} of {len(core)} converged core-level binding energies fall inside the XPS range of "
        "their environment class"
        + (f" ({len(res.core) - len(core)} not converged, left out). " if len(core) < len(res.core) else ". "),
    )
    if carbonyl:
        top = max(carbonyl, key=lambda r: r["binding_energy_eV"])
        text += (
            "The highest carbonyl-type C 1s is ",
            num(top["binding_energy_eV"], top["job_uuid"], ".2f"),
            f" eV ({top['environment']}, {top['system']}), to compare with the ~289 eV C=O peak of the "
            "bonded interface in Zhao et al.",
        )
        if ev.screening(top):
            text += (" (a screening value: it locates the peak, it does not confirm it).",)
    else:
        text += ("No carbonyl-type (C=O, O-C=O) carbon was computed, so the ~289 eV peak of the paper is unchecked.",)
    methods = {r.get("core_level_method") for r in core}
    method = next(iter(methods)) if len(methods) == 1 else None
    if method is None:  # settings of their own (or several presets'): the cases test the method, not these settings
        text += (
            " These shifts were computed with settings that are not one preset's core-level settings, which the "
            "validation cases run (naspe.workflows.flows.core_levels.methods), so the cases test the method only.",
        )
    return [text + (" ", *vev.validation_sentence(res.validation, "core levels", method=method))]
