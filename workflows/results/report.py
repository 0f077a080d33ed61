"""The study's HTML report from the results database: figures, tables and a conclusion from the numbers.

:func:`build_report` writes ``<out_dir>/report.html``, a single self-contained page
(CSS inline, figures embedded as ``data:image/png;base64``; it opens offline),
and the figures as PNG files next to it:

- ``arrhenius.png``: log10 sigma against 1000/T, simulated points (Nernst-Einstein
  and Einstein-Helfand), Arrhenius / VTF fits and the measured conductivities of
  PEO20NaFSI (Zhao et al. 2019) and PEO/LiTFSI (Bradford et al. 2023), drawn by
  :func:`naspe.analysis.arrhenius.plot_arrhenius`;
- ``adhesion.png``: W_adh (J/m^2) by interface, grouped and coloured by substrate
  class (Na, carbon, defective/oxidised carbon, Na/C);
- ``core_levels.png``: computed XPS-aligned C 1s / O 1s binding energies against
  the XPS ranges of each environment class and the values of the paper.

Every computed number in the page links to ``#job-<uuid>`` (its tooltip names the
uuid), and the appendix lists each job with its name and parameters. A component
without results (e.g. no core levels computed) gets a section that says so.

Reference values (for comparison only; approximate, read from the text of the paper):
Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026: the Na/carbon-cloth anode
bonds chemically to PEO20NaFSI: C 1s of C=O near 289 eV, O 1s near 534 eV, Na 1s
of Na-N (salt reduction) at 1069.5 eV; the Na foil delaminates and grows a
Na2O-rich layer. Conductivity of PEO20NaFSI ~1e-7 S/cm at 30 °C and ~1e-4 S/cm
at 60-80 °C (see :data:`naspe.analysis.arrhenius.ZHAO_2019_PEO20_NAFSI`).
"""

from __future__ import annotations

import base64
import html
import json
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from naspe.workflows.results import queries as q

__all__ = ["build_report", "conclusion", "PAPER_XPS_EV", "FIGURES", "CLASS_ORDER"]

#: XPS peaks of the bonded Na/C | PEO20NaFSI interface (eV), Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026;
#: approximate (read from the text), for comparison only
PAPER_XPS_EV: dict[str, tuple[str, float]] = {
    "C 1s C=O (bonded interface)": ("C", 289.0),
    "O 1s (bonded interface)": ("O", 534.0),
    "Na 1s Na-N (salt reduction)": ("Na", 1069.5),
}
#: figure files written next to report.html
FIGURES = ("arrhenius.png", "adhesion.png", "core_levels.png")
#: substrate classes of the W_adh chart, in order
CLASS_ORDER = ("Na", "carbon", "defective/oxidised carbon", "Na/C")
_CLASS_COLOURS = {
    "Na": "#7f7f7f",
    "carbon": "#1f77b4",
    "defective/oxidised carbon": "#d62728",
    "Na/C": "#2ca02c",
    None: "#bcbd22",
}
_PAPER_30C = (303.15, 1e-7)  # K, S/cm: PEO20NaFSI at 30 °C, Zhao et al. 2019 (approximate)
_PAPER_HOT = (333.15, 353.15, 1e-4)  # K range and S/cm at 60-80 °C, Zhao et al. 2019 (approximate)

_STYLE = """
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; line-height: 1.45; color: #222; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; }
th { background: #eee; }
a.num { color: #0645ad; text-decoration: none; border-bottom: 1px dotted #0645ad; }
figure { margin: 1em 0; } figcaption { font-size: 0.9em; color: #444; }
.missing { color: #a00; } .note { color: #555; font-size: 0.9em; } code { font-size: 0.9em; }
"""


# --------------------------------------------------------------------------- formatting
def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value, fmt: str = ".3g") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    try:
        return format(value, fmt)
    except (TypeError, ValueError):
        return str(value)


def _num(value, uuid: str | None, fmt: str = ".3g", uuids: list[str] | None = None) -> str:
    """A number linked to the appendix entry of its job (tooltip: the uuid)."""
    text = _esc(_fmt(value, fmt))
    if uuid is None or value is None or (isinstance(value, float) and not math.isfinite(value)):
        return text
    title = f"job {uuid}" if not uuids or len(uuids) < 2 else "jobs " + ", ".join(uuids)
    return f'<a class="num" href="#job-{_esc(uuid)}" title="{_esc(title)}">{text}</a>'


def _clean(value):
    """None for NaN / missing (pandas puts NaN in empty float cells)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _rows(df: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in r.items()} for r in df.to_dict(orient="records")]


def _table(headers: list[str], body: list[list[str]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _figure(path: Path, number: int, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<figure id="fig-{_esc(path.stem)}"><img alt="{_esc(path.name)}" src="data:image/png;base64,{data}" '
        f'style="max-width:100%"><figcaption>Figure {number} ({_esc(path.name)}): {caption}</figcaption></figure>'
    )


# --------------------------------------------------------------------------- figures
def _new_figure(size=(6.4, 4.8)):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def _transport_results(store, uuids: list[str]) -> list:
    from naspe.analysis.transport_result import TransportResult

    results = []
    for uuid in uuids:
        doc = store.query_one({"uuid": uuid}, properties=["output"], sort={"index": -1})
        try:
            results.append(TransportResult.model_validate(doc["output"]))
        except (TypeError, ValueError, KeyError):
            continue
    return results


def _arrhenius_png(store, cond: pd.DataFrame, path: Path) -> Path:
    from naspe.analysis.arrhenius import plot_arrhenius

    results = _transport_results(store, list(cond["job_uuid"])) if len(cond) else []
    title = "PEO-NaFSI conductivity" if results else "PEO-NaFSI conductivity: no simulated points (measured only)"
    return plot_arrhenius(results, path, title=title)


def _system_label(row: dict) -> str:
    label = row.get("system") or row.get("formula") or row["job_uuid"][:8]
    return f"{label} ({row.get('engine')})"


def _adhesion_png(adh: pd.DataFrame, path: Path) -> Path:
    fig = _new_figure((max(6.4, 0.75 * len(adh) + 2.5), 4.8))
    ax = fig.add_subplot()
    rows = _rows(adh)
    order = {c: k for k, c in enumerate(CLASS_ORDER)}
    rows.sort(key=lambda r: (order.get(r.get("substrate_class"), len(order)), -r["w_adh_J_m2"]))
    if not rows:
        ax.text(0.5, 0.5, "no adhesion results in the store", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        x = np.arange(len(rows))
        values = [r["w_adh_J_m2"] for r in rows]
        colours = [_CLASS_COLOURS.get(r.get("substrate_class"), _CLASS_COLOURS[None]) for r in rows]
        hatches = ["" if r.get("film") in (None, "peo") else "//" for r in rows]
        bars = ax.bar(x, values, color=colours, edgecolor="black")
        for bar, hatch, value in zip(bars, hatches, values, strict=True):
            bar.set_hatch(hatch)
            ax.annotate(
                f"{value:.3f}",
                (bar.get_x() + bar.get_width() / 2, value),
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize=7,
            )
        ax.set_xticks(x, [_system_label(r) for r in rows], rotation=40, ha="right", fontsize=7)
        ax.axhline(0.0, color="black", lw=0.8)
        from matplotlib.patches import Patch

        present = [c for c in (*CLASS_ORDER, None) if any(r.get("substrate_class") == c for r in rows)]
        handles = [Patch(color=_CLASS_COLOURS[c], label=c or "unknown substrate") for c in present]
        if any(h for h in hatches):
            handles.append(Patch(facecolor="white", edgecolor="black", hatch="//", label="film other than PEO"))
        ax.legend(handles=handles, fontsize="small")
        ax.set_ylabel(r"$W_\mathrm{adh}$ (J m$^{-2}$)")
        ax.set_title("Work of adhesion by substrate class")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    return path


def _core_levels_png(core: pd.DataFrame, path: Path) -> Path:
    from naspe.workflows.flows.core_levels import XPS_RANGES_EV

    fig = _new_figure((9.0, 4.8))
    rows = _rows(core)
    for k, element in enumerate(("C", "O")):
        ax = fig.add_subplot(1, 2, k + 1)
        ranges = XPS_RANGES_EV[element]
        classes = list(ranges)
        classes += sorted({r["environment"] for r in rows if r["element"] == element} - set(classes))
        ypos = {c: i for i, c in enumerate(classes)}
        for cls, (lo, hi) in ranges.items():
            ax.barh(ypos[cls], max(hi - lo, 0.08), left=lo - (0.04 if hi == lo else 0.0), height=0.6, color="#ddd")
        points = [r for r in rows if r["element"] == element]
        systems = sorted({r["system"] or "" for r in points})
        markers = "osD^v<>p*h"
        for s_i, system in enumerate(systems):
            pts = [r for r in points if (r["system"] or "") == system]
            jitter = (s_i - (len(systems) - 1) / 2) * 0.12
            ax.plot(
                [r["binding_energy_eV"] for r in pts],
                [ypos[r["environment"]] + jitter for r in pts],
                markers[s_i % len(markers)],
                label=system,
            )
        for label, (el, energy) in PAPER_XPS_EV.items():
            if el == element:
                ax.axvline(energy, color="tab:red", ls="--", lw=1.0, label=f"Zhao 2019: {label} {energy:g} eV")
        energies = [e for lo_hi in ranges.values() for e in lo_hi] + [r["binding_energy_eV"] for r in points]
        energies += [e for el, e in PAPER_XPS_EV.values() if el == element]
        ax.set_xlim(max(energies) + 0.4, min(energies) - 0.4)  # XPS convention: binding energy falls to the right
        ax.set_yticks(range(len(classes)), classes)
        ax.set_xlabel(f"{element} 1s binding energy (eV)")
        if not points:
            ax.text(0.5, 0.9, "no computed shifts", ha="center", transform=ax.transAxes, color="tab:red")
        ax.legend(fontsize=6, loc="lower left")
        ax.set_title(f"{element} 1s: computed vs XPS ranges (grey)")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    return path


# --------------------------------------------------------------------------- conclusion
def _bond_phrase(bonds: pd.DataFrame, uuid: str) -> str:
    """'2 C-O and 1 Na-O' interface bonds of one adhesion job, or 'no bonds'."""
    mine = [r for r in _rows(bonds) if r["job_uuid"] == uuid and r["bond_kind"] and r["count"]]
    if not mine:
        return "without bonds across the interface (physisorption)"
    parts = [f"{_num(r['count'], uuid, 'd')} {_esc(r['bond_kind'])} bond{'s' if r['count'] != 1 else ''}" for r in mine]
    formed = [r["bond_kind"] for r in mine if r.get("n_formed")]
    text = "through " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
    if formed:
        text += f" ({_esc(', '.join(formed))} formed on relaxation)"
    return text


def _conductivity_sentences(cond: pd.DataFrame) -> list[str]:
    rows = [r for r in _rows(cond) if r["sigma_eh_S_cm"] is not None and r["sigma_eh_S_cm"] > 0]
    if not rows:
        return [
            "No conductivity has been computed, so the comparison with the measured ~1e-7 S/cm (30 °C) and "
            "~1e-4 S/cm (60-80 °C) of Zhao et al. is open."
        ]
    out = []
    for label, lo, hi, measured in (
        ("30 °C", _PAPER_30C[0] - 5.0, _PAPER_30C[0] + 5.0, _PAPER_30C[1]),
        ("60-80 °C", _PAPER_HOT[0] - 1.0, _PAPER_HOT[1] + 1.0, _PAPER_HOT[2]),
    ):
        pts = [r for r in rows if lo <= r["temperature_K"] <= hi]
        if not pts:
            out.append(f"No simulated point near {label} to compare with the measured ~{measured:.0e} S/cm.")
            continue
        values = ", ".join(
            f"{_num(r['sigma_eh_S_cm'], r['job_uuid'])} S/cm at {r['temperature_C']:.0f} °C" for r in pts
        )
        log_mean = float(np.mean([math.log10(r["sigma_eh_S_cm"]) for r in pts]))
        diff = log_mean - math.log10(measured)
        uuids = [r["job_uuid"] for r in pts]
        size = _num(abs(diff), uuids[0], ".1f", uuids)
        if abs(diff) <= 0.5:
            verdict = f"agrees with the measured ~{measured:.0e} S/cm (within {size} orders of magnitude)"
        else:
            side = "above" if diff > 0 else "below"
            verdict = f"lies {size} orders of magnitude {side} the measured ~{measured:.0e} S/cm"
        out.append(
            f"At {label} the simulated Einstein-Helfand conductivity ({values}; log10 mean compared) {verdict} "
            "of PEO20NaFSI (Zhao et al. 2019)."
        )
    not_diffusive = [r for r in rows if r.get("diffusive") is False]
    if not_diffusive:
        temps = ", ".join(f"{_num(r['temperature_C'], r['job_uuid'], '.0f')} °C" for r in not_diffusive)
        slopes = [r["min_loglog_slope"] for r in not_diffusive if r.get("min_loglog_slope") is not None]
        out.append(
            f"The MD did not reach the diffusive regime at {temps}"
            + (f" (smallest log-log MSD slope {min(slopes):.2f}, 1 = diffusive)" if slopes else "")
            + ": these conductivities are not converged."
        )
    else:
        out.append("Every analysed run reached the diffusive regime (log-log MSD slope within tolerance of 1).")
    return out


def conclusion(cond: pd.DataFrame, adhesion: pd.DataFrame, bonds: pd.DataFrame, core: pd.DataFrame) -> list[str]:
    """The conclusion as HTML paragraphs, computed from the query tables.

    It compares the largest W_adh (J/m^2) of PEO on carbon, defective/oxidised carbon
    and Na/C with that on Na, names the bonds of the strongest interface, counts
    core-level shifts inside their XPS ranges, compares the conductivity with the
    paper at 30 and 60-80 °C, and states the limits of the quick preset.
    """
    paragraphs: list[str] = []
    peo = [r for r in _rows(adhesion) if r.get("film") == "peo" and r.get("substrate_class")]
    best: dict[str, dict] = {}
    for r in peo:
        cls = r["substrate_class"]
        if cls not in best or r["w_adh_J_m2"] > best[cls]["w_adh_J_m2"]:
            best[cls] = r
    if "Na" in best and any(c in best for c in CLASS_ORDER[1:]):
        na = best["Na"]
        carbon = max((best[c] for c in CLASS_ORDER[1:] if c in best), key=lambda r: r["w_adh_J_m2"])
        stronger, weaker = (carbon, na) if carbon["w_adh_J_m2"] > na["w_adh_J_m2"] else (na, carbon)
        carbon_wins = stronger is carbon
        text = (
            f"PEO binds more strongly to {_esc(stronger['substrate_class'])} "
            f"({_esc(stronger['system'])}, W_adh = {_num(stronger['w_adh_J_m2'], stronger['job_uuid'], '.3f')} J/m^2, "
            f"{_esc(stronger['engine'])}) than to {_esc(weaker['substrate_class'])} "
            f"({_esc(weaker['system'])}, {_num(weaker['w_adh_J_m2'], weaker['job_uuid'], '.3f')} J/m^2), "
            f"{_bond_phrase(bonds, stronger['job_uuid'])}; on {_esc(weaker['system'])} it adheres "
            f"{_bond_phrase(bonds, weaker['job_uuid'])}. "
        )
        others = [
            f"{_esc(c)} {_num(best[c]['w_adh_J_m2'], best[c]['job_uuid'], '.3f')} J/m^2 ({_esc(best[c]['system'])})"
            for c in CLASS_ORDER
            if c in best
        ]
        text += "Largest W_adh of PEO per substrate class: " + "; ".join(others) + ". "
        text += (
            "This agrees with Zhao et al. (2019), where PEO20NaFSI bonds chemically to the carbon of the Na/C anode "
            "(C=O near 289 eV) while it delaminates from Na foil."
            if carbon_wins
            else "This does not reproduce Zhao et al. (2019), where the electrolyte bonds to the carbon of the Na/C "
            "anode and delaminates from Na foil."
        )
        paragraphs.append(text)
    else:
        have = ", ".join(sorted(best)) or "none"
        paragraphs.append(
            "The carbon-versus-sodium comparison needs W_adh of PEO on Na and on a carbon substrate; "
            f"substrate classes with PEO results: {_esc(have)}."
        )
    na_c = [r for r in _rows(adhesion) if r.get("film", "") and r["film"].startswith("na") and r["film"] != "nafsi"]
    for r in na_c:
        paragraphs.append(
            f"Na on carbon ({_esc(r['system'])}) adheres with W_adh = {_num(r['w_adh_J_m2'], r['job_uuid'], '.3f')} "
            "J/m^2: the cohesion of the Na/C composite itself."
        )
    binding = [r for r in _rows(bonds) if r["source"] == "binding" and r.get("energy_eV") is not None]
    if binding:
        strongest = min(binding, key=lambda r: r["energy_eV"])
        kinds = sorted({r["bond_kind"] for r in binding if r["job_uuid"] == strongest["job_uuid"] and r["bond_kind"]})
        paragraphs.append(
            f"The strongest fragment binding is {_esc(strongest['system'])} with E_bind = "
            f"{_num(strongest['energy_eV'], strongest['job_uuid'], '.2f')} eV"
            + (f" through {_esc(', '.join(kinds))} bonds." if kinds else " without bonds to the substrate.")
        )
    core_rows = _rows(core)
    if core_rows:
        inside = [r for r in core_rows if r.get("within_xps")]
        carbonyl = [r for r in core_rows if r["element"] == "C" and r["environment"] in ("C=O", "O-C=O")]
        text = (
            f"{len(inside)} of {len(core_rows)} computed core-level binding energies fall inside the XPS range of "
            "their environment class. "
        )
        if carbonyl:
            top = max(carbonyl, key=lambda r: r["binding_energy_eV"])
            text += (
                f"The highest carbonyl-type C 1s is {_num(top['binding_energy_eV'], top['job_uuid'], '.2f')} eV "
                f"({_esc(top['environment'])}, {_esc(top['system'])}), to compare with the ~289 eV C=O peak of the "
                "bonded interface in Zhao et al."
            )
        else:
            text += "No carbonyl-type (C=O, O-C=O) carbon was computed, so the ~289 eV peak of the paper is unchecked."
        paragraphs.append(text)
    else:
        paragraphs.append("No core-level shifts are in the store: the XPS signatures of the paper are unchecked.")
    paragraphs.append(" ".join(_conductivity_sentences(cond)))
    presets = {r.get("preset") for df in (cond, adhesion, bonds, core) for r in _rows(df)}
    if "quick" in presets:
        from naspe.workflows.flows.conductivity import CONDUCTIVITY_PRESETS

        quick = CONDUCTIVITY_PRESETS["quick"]
        paragraphs.append(
            "Limits of the quick preset: its MD runs "
            f"{quick['production_ps']:g} ps of production ({quick['equilibration_ps']:g} ps NPT, "
            f"{quick['replicas']} replica) on a small cell, far shorter than the nanoseconds PEO needs to become "
            "diffusive, and its DFT uses small cells and loose settings (screening engines where chosen). "
            "Quick numbers prove the pipeline, not the physics; rerun with the standard or production preset "
            "before comparing with experiment."
        )
    elif None in presets and len(presets) == 1:
        paragraphs.append("The jobs carry no preset in their metadata; their settings are listed in the appendix.")
    return paragraphs


# --------------------------------------------------------------------------- sections
def _conductivity_section(cond: pd.DataFrame, fits: pd.DataFrame, fig_html: str) -> str:
    parts = ["<h2 id='conductivity'>1. Ionic conductivity</h2>", fig_html]
    if not len(cond):
        parts.append(
            "<p class='missing'>No conductivity results (TransportResult documents) in the store: the figure shows "
            "the measured references only. Run the conductivity component (e.g. <code>naspe run --preset quick</code>)."
            "</p>"
        )
        return "".join(parts)
    body = []
    for r in _rows(cond):
        u = r["job_uuid"]
        body.append(
            [
                _num(r["temperature_C"], u, ".1f"),
                _num(r["temperature_K"], u, ".2f"),
                _esc(_fmt(r.get("replica"), "d")),
                _num(r["sigma_eh_S_cm"], u) + " ± " + _num(r["sigma_eh_stderr_S_cm"], u, ".2g"),
                _num(r["sigma_ne_S_cm"], u) + " ± " + _num(r["sigma_ne_stderr_S_cm"], u, ".2g"),
                _num(r["haven_ratio"], u, ".2f"),
                _esc(_fmt(r["diffusive"]))
                + (
                    f" (slope {_num(r['min_loglog_slope'], u, '.2f')})" if r.get("min_loglog_slope") is not None else ""
                ),
                _num(r["duration_ps"], u, ".0f"),
                _esc(r.get("preset") or "–"),
                f"<code>{_esc(u)}</code>",
            ]
        )
    parts.append(
        _table(
            [
                "T (°C)",
                "T (K)",
                "replica",
                "σ_EH (S/cm)",
                "σ_NE (S/cm)",
                "Haven ratio",
                "diffusive",
                "analysed (ps)",
                "preset",
                "job uuid",
            ],
            body,
        )
    )
    if len(fits):
        fbody = []
        for r in _rows(fits):
            u = r["job_uuid"]
            fbody.append(
                [
                    _esc(r["model"]),
                    _esc(r["quantity"]),
                    _num(r["activation_energy_eV"], u, ".3f")
                    + " ± "
                    + _num(r["activation_energy_stderr_eV"], u, ".2f"),
                    _num(r["prefactor"], u),
                    _num(r.get("t0_K"), u, ".0f"),
                    _num(r["n_temperatures"], u, "d"),
                    f"<code>{_esc(u)}</code>",
                ]
            )
        parts.append(
            "<p>Fits stored by the conductivity summary jobs (Arrhenius Ea, VTF pseudo-activation energy B kB):</p>"
            + _table(["model", "quantity", "Ea or B kB (eV)", "prefactor", "T0 (K)", "temperatures", "job uuid"], fbody)
        )
    else:
        parts.append(
            "<p class='note'>No conductivity summary job in the store: the fit lines of the figure are computed "
            "here from the points above.</p>"
        )
    parts.append(
        "<p class='note'>Measured values (approximate, for comparison): PEO20NaFSI ~1e-7 S/cm at 30 °C and "
        "~1e-4 S/cm at 60-80 °C (Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026; PEO melts near 65 °C, so an "
        "amorphous MD cell is comparable only at 60 °C and above).</p>"
    )
    return "".join(parts)


def _adhesion_section(adh: pd.DataFrame, fig_html: str) -> str:
    parts = ["<h2 id='adhesion'>2. Work of adhesion</h2>", fig_html]
    if not len(adh):
        parts.append("<p class='missing'>No adhesion results (AdhesionDocument) in the store.</p>")
        return "".join(parts)
    body = []
    for r in _rows(adh):
        u = r["job_uuid"]
        body.append(
            [
                _esc(r.get("system") or "unknown"),
                _esc(r.get("substrate_class") or "–"),
                _esc(r.get("engine")),
                _num(r["w_adh_J_m2"], u, ".3f"),
                _num(r.get("w_uber_J_m2"), u, ".3f"),
                _num(r.get("area_angstrom2"), u, ".1f"),
                _num(r.get("strain"), u, ".3f"),
                _esc(r.get("interface_bonds") or "none"),
                _esc(_fmt(r.get("film_intact"))),
                _num(r.get("film_charge_e"), u, "+.2f"),
                _esc(r.get("preset") or "–"),
                f"<code>{_esc(u)}</code>",
            ]
        )
    parts.append(
        _table(
            [
                "system (film/substrate)",
                "substrate class",
                "engine",
                "W_adh (J/m^2)",
                "W_UBER (J/m^2)",
                "area (Å^2)",
                "strain",
                "interface bonds",
                "film intact",
                "film charge (e)",
                "preset",
                "job uuid",
            ],
            body,
        )
    )
    return "".join(parts)


def _bond_section(bonds: pd.DataFrame) -> str:
    parts = ["<h2 id='bonds'>3. Bonds across the interfaces</h2>"]
    if not len(bonds):
        parts.append(
            "<p class='missing'>No adhesion, binding or reaction documents in the store: no bonds to list.</p>"
        )
        return "".join(parts)
    body = []
    for r in _rows(bonds):
        u = r["job_uuid"]
        lengths = (
            "–"
            if r.get("length_mean_angstrom") is None
            else f"{_num(r['length_min_angstrom'], u, '.2f')}–{_num(r['length_max_angstrom'], u, '.2f')} "
            f"(mean {_num(r['length_mean_angstrom'], u, '.2f')})"
        )
        energy = (
            f"W_adh {_num(r['w_adh_J_m2'], u, '.3f')} J/m^2"
            if r["source"] == "adhesion"
            else f"{'E_bind' if r['source'] == 'binding' else 'ΔE'} {_num(r.get('energy_eV'), u, '.2f')} eV"
        )
        body.append(
            [
                _esc(r["source"]),
                _esc(r.get("system") or "unknown"),
                _esc(r.get("engine")),
                _esc(r.get("bond_kind") or "none"),
                _num(r["count"], u, "d"),
                _num(r.get("n_formed"), u, "d"),
                lengths,
                _num(r.get("order_mean"), u, ".2f"),
                energy,
                f"<code>{_esc(u)}</code>",
            ]
        )
    parts.append(
        _table(
            ["source", "system", "engine", "bond", "count", "formed", "length (Å)", "mean order", "energy", "job uuid"],
            body,
        )
    )
    parts.append(
        "<p class='note'>Adhesion: bonds between substrate and film in the relaxed interface (count) and those formed "
        "on relaxation (formed; their lengths). Binding: substrate-fragment bonds of the relaxed complex. Reaction: "
        "bonds formed in the product. Orders are Wiberg bond orders (tblite only).</p>"
    )
    return "".join(parts)


def _core_section(core: pd.DataFrame, fig_html: str) -> str:
    parts = ["<h2 id='core-levels'>4. Core-level shifts against XPS</h2>", fig_html]
    if not len(core):
        parts.append(
            "<p class='missing'>No core-level shifts (CoreLevelShiftDocument) in the store: the figure shows the "
            "XPS ranges and the paper's peaks only.</p>"
        )
    else:
        body = []
        for r in _rows(core):
            u = r["job_uuid"]
            xps = "–" if r.get("xps_low_eV") is None else f"{r['xps_low_eV']:.1f}–{r['xps_high_eV']:.1f}"
            body.append(
                [
                    _esc(r.get("system")),
                    _esc(f"{r['element']}{r['index']}"),
                    _esc(r["environment"]),
                    _num(r["shift_eV"], u, "+.2f"),
                    _num(r["binding_energy_eV"], u, ".2f"),
                    _esc(xps),
                    _num(r.get("deviation_from_xps_eV"), u, "+.2f"),
                    _esc(r.get("final_state") or "–"),
                    f"<code>{_esc(u)}</code>",
                ]
            )
        parts.append(
            _table(
                [
                    "system",
                    "atom",
                    "environment",
                    "shift (eV)",
                    "binding energy (eV)",
                    "XPS range (eV)",
                    "outside range by (eV)",
                    "final state",
                    "job uuid",
                ],
                body,
            )
        )
    refs = "; ".join(f"{_esc(k)}: {v:g} eV" for k, (_, v) in PAPER_XPS_EV.items())
    parts.append(
        f"<p class='note'>Paper (Zhao et al. 2019, approximate): {refs}. XPS ranges: C 1s from Beamson &amp; Briggs "
        "(1992), O 1s from López et al. (1991), both on the C-C 284.8 eV scale "
        "(<code>naspe.workflows.flows.core_levels.XPS_RANGES_EV</code>).</p>"
    )
    return "".join(parts)


def _appendix(store, uuids: list[str]) -> str:
    body = []
    for uuid in uuids:
        doc = (
            store.query_one(
                {"uuid": uuid}, properties=["uuid", "name", "completed_at", "metadata", "index"], sort={"index": -1}
            )
            or {}
        )
        body.append(
            [
                f"<code id='job-{_esc(uuid)}'>{_esc(uuid)}</code>",
                _esc(doc.get("name") or "–"),
                _esc(doc.get("index") if doc.get("index") is not None else "–"),
                _esc(doc.get("completed_at") or "–"),
                f"<code>{_esc(json.dumps(doc.get('metadata') or {}, sort_keys=True, default=str))}</code>",
            ]
        )
    return "<h2 id='jobs'>Appendix: jobs</h2>" + (
        _table(["job uuid", "job name", "index", "completed", "parameters (metadata)"], body)
        if body
        else "<p class='missing'>No jobs in the store.</p>"
    )


# --------------------------------------------------------------------------- entry point
def build_report(store, out_dir: str | Path, campaign: str | None = None) -> Path:
    """Write ``out_dir/report.html`` (self-contained) and the PNG figures; returns the HTML path.

    Parameters
    ----------
    store
        A jobflow JobStore or a naspe data directory.
    out_dir
        Directory for ``report.html``, ``arrhenius.png``, ``adhesion.png`` and ``core_levels.png``
        (created if needed).
    campaign
        Only the jobs of this campaign (``metadata.campaign``); None: every job in the store.

    Raises
    ------
    ValueError
        When ``campaign`` is given and no job of the store belongs to it.
    """
    store = q._as_store(store)
    if campaign is not None and campaign not in q.campaigns(store):
        known = ", ".join(q.campaigns(store)) or "none"
        raise ValueError(f"campaign {campaign!r} not found in the store; campaigns there: {known}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cond = q.conductivity_table(store, campaign=campaign)
    fits = q.conductivity_fit_table(store, campaign=campaign)
    adh = q.adhesion_table(store, campaign=campaign)
    bonds = q.bonding_table(store, campaign=campaign)
    core = q.core_level_table(store, campaign=campaign)

    figs = {
        "arrhenius": _arrhenius_png(store, cond, out / "arrhenius.png"),
        "adhesion": _adhesion_png(adh, out / "adhesion.png"),
        "core_levels": _core_levels_png(core, out / "core_levels.png"),
    }
    fig_html = {
        "arrhenius": _figure(
            figs["arrhenius"],
            1,
            "log10 σ against 1000/T: simulated Nernst-Einstein and Einstein-Helfand conductivities (S/cm) with "
            "Arrhenius (≥ 2 temperatures) and VTF (≥ 4) fits of σ_EH, and the measured PEO20NaFSI values of "
            "Zhao et al. 2019 and PEO/LiTFSI of Bradford et al. 2023 (approximate).",
        ),
        "adhesion": _figure(
            figs["adhesion"],
            2,
            "Work of adhesion W_adh (J/m^2) of each interface, grouped by substrate class: Na, carbon, "
            "defective/oxidised carbon and the Na/C composite.",
        ),
        "core_levels": _figure(
            figs["core_levels"],
            3,
            "Computed C 1s and O 1s binding energies (XPS-aligned, eV) by environment class against the XPS ranges "
            "(grey) and the peaks of the bonded interface in Zhao et al. 2019 (dashed).",
        ),
    }
    counts = {"conductivity": len(cond), "adhesion": len(adh), "bonding": len(bonds), "core levels": len(core)}
    presets = sorted({str(p) for df in (cond, adh, bonds, core) for p in df["preset"].dropna()})
    header = (
        f"<h1>naspe report: PEO/NaFSI on Na and carbon{' — campaign ' + _esc(campaign) if campaign else ''}</h1>"
        f"<p class='note'>Generated {datetime.now().isoformat(timespec='seconds')} from the results store; "
        f"presets: {_esc(', '.join(presets) or 'not recorded')}; rows: "
        + ", ".join(f"{_esc(k)} {v}" for k, v in counts.items())
        + ". Every computed number links to its job in the appendix (hover for the uuid). Study: Zhao et al., "
        "Angew. Chem. Int. Ed. 58 (2019) 17026.</p>"
        "<p>Figures: <a href='#fig-arrhenius'>arrhenius.png</a>, <a href='#fig-adhesion'>adhesion.png</a>, "
        "<a href='#fig-core_levels'>core_levels.png</a>.</p>"
    )
    concl = "<h2 id='conclusion'>Conclusion</h2>" + "".join(f"<p>{p}</p>" for p in conclusion(cond, adh, bonds, core))
    uuids = list(
        dict.fromkeys([*cond["job_uuid"], *fits["job_uuid"], *adh["job_uuid"], *bonds["job_uuid"], *core["job_uuid"]])
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>naspe report{' ' + _esc(campaign) if campaign else ''}</title><style>{_STYLE}</style></head><body>"
        + header
        + concl
        + _conductivity_section(cond, fits, fig_html["arrhenius"])
        + _adhesion_section(adh, fig_html["adhesion"])
        + _bond_section(bonds)
        + _core_section(core, fig_html["core_levels"])
        + _appendix(store, uuids)
        + "</body></html>\n"
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
