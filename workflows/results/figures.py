"""The report's figures: matplotlib (Agg, no pyplot state) to PNG files.

- ``arrhenius.png``: log10 sigma against 1000/T, simulated points (Nernst-Einstein
  and Einstein-Helfand), Arrhenius / VTF fits and the measured conductivities of
  PEO20NaFSI (Zhao et al. 2019) and PEO/LiTFSI (Bradford et al. 2023), drawn by
  :func:`naspe.analysis.arrhenius.plot_arrhenius`;
- ``adhesion.png``: W_adh (J/m^2) by interface, grouped and coloured by substrate
  class (Na, carbon, defective/oxidised carbon, Na/C);
- ``core_levels.png``: computed XPS-aligned C 1s / O 1s binding energies against
  the XPS ranges of each environment class and the values of the paper.

Each function writes one file and returns its path; a figure without data says so in the plot.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from naspe.analysis.output_files import write_replacing
from naspe.workflows.results.report_format import rows as _rows
from naspe.workflows.results.store_reader import newest_by_uuid
from naspe.workflows.results.study import CLASS_COLOURS, CLASS_ORDER, PAPER_XPS_EV

__all__ = ["FIGURES", "arrhenius_png", "adhesion_png", "core_levels_png", "write_figures"]

#: figure files written next to report.html, in the order of the report
FIGURES = ("arrhenius.png", "adhesion.png", "core_levels.png")


def _new_figure(size: tuple[float, float] = (6.4, 4.8)):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def _transport_results(store, uuids: list[str]) -> list:
    """The TransportResult documents of ``uuids`` (latest index of each; unreadable ones skipped)."""
    from naspe.analysis.transport_result import TransportResult

    newest = newest_by_uuid(store, uuids, ["output"])  # one query, not one per job
    results = []
    for uuid in uuids:
        doc = newest.get(uuid)
        try:
            results.append(TransportResult.model_validate(doc["output"]))
        except (TypeError, ValueError, KeyError):
            continue
    return results


def arrhenius_png(store, cond: pd.DataFrame, path: Path) -> Path:
    """Conductivity (S/cm) against 1000/T (1/K) with the measured references; returns ``path``."""
    from naspe.analysis.arrhenius import plot_arrhenius

    results = _transport_results(store, list(cond["job_uuid"])) if len(cond) else []
    title = "PEO-NaFSI conductivity" if results else "PEO-NaFSI conductivity: no simulated points (measured only)"
    return plot_arrhenius(results, path, title=title)


def _system_label(row: dict) -> str:
    label = row.get("system") or row.get("formula") or row["job_uuid"][:8]
    return f"{label} ({row.get('engine')})"


def adhesion_png(adh: pd.DataFrame, path: Path) -> Path:
    """W_adh (J/m^2) bars by substrate class; returns ``path``.

    Hatched: a film other than PEO. Pale with a dashed edge and a ``*`` on the value: not shown to be
    converged (query column ``converged`` not True), so not used in the conclusion.
    """
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
        colours = [CLASS_COLOURS.get(r.get("substrate_class"), CLASS_COLOURS[None]) for r in rows]
        hatches = ["" if r.get("film") in (None, "peo") else "//" for r in rows]
        bars = ax.bar(x, values, color=colours, edgecolor="black")
        unconverged = [r.get("converged") is not True for r in rows]
        for bar, hatch, value, pale in zip(bars, hatches, values, unconverged, strict=True):
            bar.set_hatch(hatch)
            if pale:
                bar.set_alpha(0.35)
                bar.set_linestyle("--")
            ax.annotate(
                f"{value:.3f}{'*' if pale else ''}",
                (bar.get_x() + bar.get_width() / 2, value),
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize=7,
            )
        ax.set_xticks(x, [_system_label(r) for r in rows], rotation=40, ha="right", fontsize=7)
        ax.axhline(0.0, color="black", lw=0.8)
        from matplotlib.patches import Patch

        present = [c for c in (*CLASS_ORDER, None) if any(r.get("substrate_class") == c for r in rows)]
        handles = [Patch(color=CLASS_COLOURS[c], label=c or "unknown substrate") for c in present]
        if any(h for h in hatches):
            handles.append(Patch(facecolor="white", edgecolor="black", hatch="//", label="film other than PEO"))
        if any(unconverged):
            label = "* not shown to be converged"
            handles.append(Patch(facecolor="lightgrey", edgecolor="black", linestyle="--", alpha=0.35, label=label))
        ax.legend(handles=handles, fontsize="small")
        ax.set_ylabel(r"$W_\mathrm{adh}$ (J m$^{-2}$)")
        ax.set_title("Work of adhesion by substrate class")
    fig.tight_layout()
    write_replacing(path, lambda tmp: fig.savefig(tmp, dpi=150))
    return path


def core_levels_png(core: pd.DataFrame, path: Path) -> Path:
    """C 1s and O 1s binding energies (eV) by environment against the XPS ranges and the paper; returns ``path``."""
    from naspe.analysis.xps import XPS_RANGES_EV

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
    write_replacing(path, lambda tmp: fig.savefig(tmp, dpi=150))
    return path


def write_figures(store, cond: pd.DataFrame, adh: pd.DataFrame, core: pd.DataFrame, out: Path) -> dict[str, Path]:
    """Write the three figures into ``out``; returns {stem: path}, e.g. ``{"arrhenius": out/"arrhenius.png"}``."""
    return {
        "arrhenius": arrhenius_png(store, cond, out / "arrhenius.png"),
        "adhesion": adhesion_png(adh, out / "adhesion.png"),
        "core_levels": core_levels_png(core, out / "core_levels.png"),
    }
