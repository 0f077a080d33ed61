"""The study's HTML report from the results database: figures, tables and a conclusion from the numbers.

:func:`build_report` writes ``<out_dir>/report.html``, a single self-contained page
(CSS inline, figures embedded as ``data:image/png;base64``; it opens offline),
and the figures as PNG files next to it (:data:`FIGURES`, drawn by
:mod:`naspe.workflows.results.figures`).

Every computed number in the page links to ``#job-<uuid>`` (its tooltip names the
uuid), and the appendix lists each job with its name and parameters. A component
without results (e.g. no core levels computed) gets a section that says so.

The work is split by responsibility: this module gathers the query tables and renders
the Jinja2 template ``templates/report.html`` (package data, autoescaped); the tables'
rows are built by :mod:`~naspe.workflows.results.report_tables`, the conclusion's
sentences by the rules of :mod:`~naspe.workflows.results.conclusion`, and the values of
the paper (Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026) live in
:mod:`~naspe.workflows.results.study`.
"""

from __future__ import annotations

import base64
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from naspe.analysis.output_files import write_text_replacing
from naspe.workflows.results import conclusion as rules
from naspe.workflows.results import queries as q
from naspe.workflows.results import report_tables as tables
from naspe.workflows.results.figures import FIGURES, write_figures
from naspe.workflows.results.report_format import Code, Num
from naspe.workflows.results.study import CLASS_ORDER, PAPER_XPS_EV, ZHAO_2019
from naspe.workflows.results.validation_tables import validation_rows, validation_table

__all__ = ["build_report", "render_report", "conclusion", "environment", "PAPER_XPS_EV", "FIGURES", "CLASS_ORDER"]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report: templates from the package data, autoescaping on.

    The templates are found through the package (``jinja2.PackageLoader``), not the
    current directory, so an installed wheel renders as the source tree does.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("naspe.workflows.results", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.tests["num"] = lambda value: isinstance(value, Num)
    env.tests["code"] = lambda value: isinstance(value, Code)
    return env


def _embedded(path: Path) -> dict[str, str]:
    """A PNG file for the template: its stem, name and bytes in base64."""
    return {"stem": path.stem, "name": path.name, "data": base64.b64encode(path.read_bytes()).decode("ascii")}


def render_report(**context: Any) -> str:
    """``templates/report.html`` rendered with ``context``.

    Parameters
    ----------
    **context
        ``campaign`` (str or None), ``generated`` (ISO time), ``study`` (citation),
        ``presets`` (list of str), ``counts`` ({component: rows}), ``conclusion``
        (paragraphs of segments), ``figures`` ({stem: :func:`_embedded` dict}),
        ``conductivity``, ``fits``, ``adhesion``, ``bonds``, ``core_levels``, ``engines`` (levels of theory,
        convergence and limits of the DFT engines), ``jobs``
        (:class:`~naspe.workflows.results.report_tables.Table`) and ``paper_xps``
        (:data:`~naspe.workflows.results.study.PAPER_XPS_EV`); optionally ``validation``, the validation
        cases' :class:`~naspe.workflows.results.report_tables.Table` (the section is left out without it).
    """
    return environment().get_template("report.html").render(**context)


def conclusion(cond, adhesion, bonds, core, validation=None) -> list[str]:
    """The conclusion as HTML paragraphs (the inner HTML of each ``<p>`` of the page), from the query tables.

    It compares the largest W_adh (J/m^2) of PEO on carbon, defective/oxidised carbon
    and Na/C with that on Na, names the bonds of the strongest interface, counts
    core-level shifts inside their XPS ranges, compares the conductivity with the
    paper at 30 and 60-80 °C, and states the limits of the quick preset
    (the rules: :data:`naspe.workflows.results.conclusion.RULES`).
    """
    macros = environment().get_template("macros.html").module
    return [str(macros.segments(p)) for p in rules.conclusion(cond, adhesion, bonds, core, validation)]


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
    store = q.as_store(store)
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
    validation = validation_table(store)  # the methods' validation: not part of a campaign

    figures = write_figures(store, cond, adh, core, out)
    uuids = list(
        dict.fromkeys(
            [
                *cond["job_uuid"],
                *fits["job_uuid"],
                *adh["job_uuid"],
                *bonds["job_uuid"],
                *core["job_uuid"],
                *validation["job_uuid"],
            ]
        )
    )
    page = render_report(
        campaign=campaign,
        generated=datetime.now().isoformat(timespec="seconds"),
        study=ZHAO_2019,
        presets=sorted({str(p) for df in (cond, adh, bonds, core) for p in df["preset"].dropna()}),
        counts={"conductivity": len(cond), "adhesion": len(adh), "bonding": len(bonds), "core levels": len(core)},
        conclusion=rules.conclusion(cond, adh, bonds, core, validation),
        figures={stem: _embedded(path) for stem, path in figures.items()},
        conductivity=tables.conductivity_rows(cond),
        fits=tables.fit_rows(fits),
        adhesion=tables.adhesion_rows(adh),
        bonds=tables.bond_rows(bonds),
        core_levels=tables.core_level_rows(core),
        engines=tables.engine_rows(adh, bonds, core),
        jobs=tables.job_rows(store, uuids),
        paper_xps=PAPER_XPS_EV,
        validation=validation_rows(validation),
    )
    path = out / "report.html"
    write_text_replacing(path, page)  # a link planted at report.html is replaced, never written through
    return path
