"""The report's template, its escaping, its package data and the conclusion's rules on small synthetic inputs."""

from __future__ import annotations

import fnmatch
import importlib.resources
import re
import subprocess
import sys
import uuid as uuidlib
from pathlib import Path

import jinja2
import pandas as pd
import pytest
from jobflow.core.schemas import JobStoreDocument
from monty.json import jsanitize
from pymatgen.core import Lattice, Structure

from naspe.workflows.execution.store import open_store
from naspe.workflows.flows.adhesion.makers import EV_PER_A2_TO_J_PER_M2, AdhesionDocument
from naspe.workflows.flows.conductivity.makers import CONDUCTIVITY_PRESETS
from naspe.workflows.results import conclusion as c
from naspe.workflows.results import report
from naspe.workflows.results.report_format import Code, Num, join, plain
from naspe.workflows.results.report_tables import Table, adhesion_rows, bond_rows, conductivity_rows

ROOT = Path(__file__).resolve().parents[3]
EVIL = "<script>alert('x')</script>"
K = 273.15


# ----------------------------------------------------------------------------- a store of adhesion documents


def _adhesion(w: float) -> AdhesionDocument:
    area = 4.26 * 4.92
    structure = Structure(Lattice.orthorhombic(4.26, 4.92, 20.0), ["C", "O"], [[0, 0, 5], [0, 0, 7.5]], False)
    return AdhesionDocument(
        engine="tblite",
        w_adh_J_m2=w,
        w_adh_eV_A2=w / EV_PER_A2_TO_J_PER_M2,
        area_angstrom2=area,
        strain=0.01,
        energy_substrate_eV=-100.0,
        energy_film_eV=-50.0,
        energy_interface_eV=-150.0 - w / EV_PER_A2_TO_J_PER_M2 * area,
        n_substrate=1,
        n_film=1,
        bonds_formed=[],
        bonds_broken=[],
        film_bonds_broken=[],
        interface_bonds={},
        film_intact=True,
        relaxed_interface=structure,
        film_charge_e=0.1,
    )


def _put(store, output, metadata: dict, name: str = "adhesion") -> str:
    uuid = str(uuidlib.uuid4())
    doc = JobStoreDocument(
        uuid=uuid,
        index=1,
        output=jsanitize(output, strict=True, enum_values=True, allow_bson=True),
        completed_at="2025-01-01T00:00:00",
        metadata=metadata,
        hosts=[],
        name=name,
    )
    store.update(doc, key=["uuid", "index"])
    return uuid


# ----------------------------------------------------------------------------- the page


def test_fresh_store_gives_a_report_saying_there_are_no_results(tmp_path):
    path = report.build_report(open_store(tmp_path / "data"), tmp_path / "rep")
    page = path.read_text()
    assert "The results store holds no results" in page
    for missing in (
        "No conductivity results",
        "No adhesion results",
        "No adhesion, binding or reaction documents",
        "No core-level shifts",
        "No jobs in the store.",
        "needs converged W_adh of PEO on Na and on a carbon substrate; substrate classes with converged PEO results: "
        "none, so it is not drawn.",
        "No conductivity has been computed",
    ):
        assert missing in page, missing
    assert "rows: conductivity 0, adhesion 0, bonding 0, core levels 0." in " ".join(page.split())
    assert page.count("data:image/png;base64,") == 3 and "<table>" not in page
    assert all((tmp_path / "rep" / name).read_bytes()[:4] == b"\x89PNG" for name in report.FIGURES)


def test_a_store_with_results_does_not_say_it_is_empty(tmp_path):
    store = open_store(tmp_path / "data")
    uuid = _put(store, _adhesion(0.2), {"system": "peo/graphene", "preset": "quick"})
    page = report.build_report(store, tmp_path / "rep").read_text()
    assert "holds no results" not in page and "rows: conductivity 0, adhesion 1," in " ".join(page.split())
    assert f'<a class="num" href="#job-{uuid}" title="job {uuid}">0.200</a>' in page
    assert f"<code id='job-{uuid}'>{uuid}</code>" in page
    assert "prove the pipeline, not the physics" in page


def test_report_replaces_planted_links_and_never_writes_through_them(tmp_path):
    """Links planted at report.html and a figure's name are replaced; the files they point at are untouched."""
    from conftest import run_naspe

    store = open_store(tmp_path / "data")
    _put(store, _adhesion(0.2), {"system": "peo/graphene", "preset": "quick"})
    store.close()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "rep"
    out.mkdir()
    for name in ("report.html", report.FIGURES[0]):
        (out / name).symlink_to(victim)
    p = run_naspe("report", "--out", out, "--data-dir", tmp_path / "data")
    assert p.returncode == 0, p.stderr
    assert victim.read_text() == "precious"
    assert not (out / "report.html").is_symlink() and "peo/graphene" in (out / "report.html").read_text()
    assert not (out / report.FIGURES[0]).is_symlink() and (out / report.FIGURES[0]).read_bytes()[:4] == b"\x89PNG"
    assert not [f for f in out.iterdir() if f.name.startswith(".")]  # no temporary file left behind


def test_a_malicious_system_and_campaign_name_are_escaped(tmp_path):
    store = open_store(tmp_path / "data")
    campaign = "<b>c</b>"
    _put(store, _adhesion(0.2), {"system": f"peo/na110{EVIL}", "campaign": campaign}, name=f"adhesion {EVIL}")
    page = report.build_report(store, tmp_path / "rep", campaign=campaign).read_text()
    assert "<script" not in page and "<b>" not in page
    assert "peo/na110&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page  # the adhesion table
    assert "adhesion &lt;script&gt;" in page  # the job name in the appendix
    assert "&lt;b&gt;c&lt;/b&gt;" in page.split("</title>")[0]


def test_template_escapes_text_segments_and_links_numbers():
    macros = report.environment().get_template("macros.html").module
    html = str(macros.segments((EVIL, " W = ", Num(0.25, "u-1", ".2f"), " ", Num(None, "u-2"), Code("a&b", "x"))))
    assert html == (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; W = "
        '<a class="num" href="#job-u-1" title="job u-1">0.25</a> –'
        "<code id='x'>a&amp;b</code>"
    )
    table = Table(("a<b",), [((Num(1.0, 'u"1'),),)])
    assert str(macros.table(table)) == (
        '<table><thead><tr><th>a&lt;b</th></tr></thead><tbody><tr><td><a class="num" href="#job-u&#34;1" '
        'title="job u&#34;1">1</a></td></tr></tbody></table>'
    )


def test_conclusion_as_html_paragraphs():
    row = {"job_uuid": "u-na", "film": "na", "system": "na110/<graphite>", "w_adh_J_m2": 0.318, "converged": True}
    adh = pd.DataFrame([row])
    paragraphs = report.conclusion(pd.DataFrame(), adh, pd.DataFrame(), pd.DataFrame())
    assert paragraphs[1] == (
        'Na on carbon (na110/&lt;graphite&gt;) adheres with W_adh = <a class="num" href="#job-u-na" '
        'title="job u-na">0.318</a> J/m^2: the cohesion of the Na/C composite itself.'
    )


# ----------------------------------------------------------------------------- package data


def test_templates_are_package_data_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report.environment.cache_clear()
    env = report.environment()
    assert env.autoescape is True and isinstance(env.loader, jinja2.PackageLoader)
    for name in ("report.html", "macros.html", "report.css"):
        path = Path(env.get_template(name).filename)
        assert path.is_file() and path.parent.name == "templates" and not path.is_relative_to(tmp_path)
    files = importlib.resources.files("naspe.workflows.results") / "templates"
    assert (files / "report.html").is_file()
    # a fresh interpreter started elsewhere renders a page (no store needed for the template itself)
    code = (
        "from naspe.workflows.results.report import render_report, PAPER_XPS_EV;"
        "from naspe.workflows.results.report_tables import Table;"
        "e = {'stem': 's', 'name': 's.png', 'data': ''};"
        "print(render_report(campaign=None, generated='now', study='S', presets=[], counts={'adhesion': 0},"
        " conclusion=[('nothing',)], figures={'arrhenius': e, 'adhesion': e, 'core_levels': e},"
        " conductivity=Table(()), fits=Table(()), adhesion=Table(()), bonds=Table(()), core_levels=Table(()),"
        " jobs=Table(()), paper_xps=PAPER_XPS_EV))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.startswith("<!DOCTYPE html>") and "<p>nothing</p>" in out.stdout


def test_every_template_file_is_declared_as_package_data():
    tomllib = pytest.importorskip("tomllib")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    globs = declared["naspe.workflows.results"]
    results = ROOT / "workflows" / "results"
    shipped = [p.relative_to(results).as_posix() for p in (results / "templates").iterdir() if p.is_file()]
    assert shipped and all(any(fnmatch.fnmatch(f, g) for g in globs) for f in shipped), (shipped, globs)


# ----------------------------------------------------------------------------- tables as data


def test_table_rows_are_data_with_linked_numbers():
    adh = adhesion_rows(
        pd.DataFrame(
            [{"job_uuid": "u", "system": None, "engine": "gpaw", "w_adh_J_m2": 0.1234, "strain": float("nan")}]
        )
    )
    (row,) = adh.rows
    # a document without a recorded convergence: its value is marked, and its convergence is unknown
    assert row[0] == ("unknown",) and row[3] == (Num(0.1234, "u", ".3f"), " (convergence unknown)")
    assert plain(row[6]) == "–" and not row[6][0].linked and row[-1] == (Code("u"),)
    assert "W_adh (J/m^2)" in adh.headers and plain(row[adh.headers.index("converged")]) == "unknown (not recorded)"
    cut = {"job_uuid": "u", "system": "peo/na110", "engine": "tblite", "w_adh_J_m2": -0.159, "converged": False}
    (row,) = adhesion_rows(pd.DataFrame([cut | {"convergence_detail": CUT, "purpose": "screening"}])).rows
    assert plain(row[3]) == "-0.159 (not converged)" and plain(row[-3]) == "screening"
    assert plain(row[-4]) == "no: interface stopped at its step limit (2 of 2 steps, fmax 0.38 eV/Å > 0.05 eV/Å)"
    done = {"job_uuid": "u", "source": "binding", "count": 1, "energy_eV": -1.5, "converged": True}
    bonds = bond_rows(pd.DataFrame([done]))
    assert plain(bonds.rows[0][8]) == "E_bind -1.50 eV" and plain(bonds.rows[0][6]) == "–"
    assert plain(bonds.rows[0][9]) == "yes" and plain(bonds.rows[0][10]) == "unknown"
    cond = conductivity_rows(
        pd.DataFrame(
            [
                {
                    "job_uuid": "u",
                    "temperature_C": 60.0,
                    "temperature_K": 333.15,
                    "replica": 0,
                    "sigma_eh_S_cm": 2e-5,
                    "sigma_eh_stderr_S_cm": 6e-6,
                    "sigma_ne_S_cm": 4e-5,
                    "sigma_ne_stderr_S_cm": 8e-6,
                    "haven_ratio": 2.0,
                    "diffusive": False,
                    "min_loglog_slope": 0.62,
                    "duration_ps": 19.9,
                    "preset": "quick",
                }
            ]
        )
    )
    assert [plain(cell) for cell in cond.rows[0][3:7]] == ["2e-05 ± 6e-06", "4e-05 ± 8e-06", "2.00", "no (slope 0.62)"]
    assert len(Table(("a",))) == 0 and not Table(("a",))


def test_join_puts_the_last_separator_before_the_final_part():
    assert plain(join(["a", "b", "c"], ", ", " and ")) == "a, b and c"
    assert plain(join([("x", Num(1, None, "d"))], "; ")) == "x1"
    assert join([], ", ") == ()


# ----------------------------------------------------------------------------- conclusion rules


LOT = "PBE-D3(BJ), GPAW PW 500 eV"
CUT = "not converged: interface stopped at its step limit (2 of 2 steps, fmax 0.38 eV/Å > 0.05 eV/Å)"


def _w(
    uuid: str,
    system: str,
    cls: str | None,
    w: float,
    film: str = "peo",
    converged: bool | None = True,
    purpose: str = "production",
) -> dict:
    detail = {True: "converged", False: CUT, None: "unknown (not recorded)"}[converged]
    return {
        "job_uuid": uuid,
        "system": system,
        "substrate_class": cls,
        "w_adh_J_m2": w,
        "film": film,
        "engine": "gpaw",
        "converged": converged,
        "convergence_detail": detail,
        "purpose": purpose,
        "level_of_theory": LOT,
    }


def _text(paragraphs) -> list[str]:
    return [plain(p) for p in paragraphs]


BASIS = (
    "without counterpoise correction (basis-set superposition error not removed); no error bar is computed for them, "
    "so differences smaller than the error of the level of theory (not quantified here) are not significant."
)


def _validation(what: str, status: str = "passed", skip: tuple[str, ...] = ()) -> list[dict]:
    """Validation-table rows of every case behind ``what``, all with ``status`` (cases in ``skip`` left out)."""
    from naspe.workflows.results.validation_evidence import VALIDATION_BASIS

    return [
        {
            "suite": suite,
            "case": case,
            "status": status,
            "computed": 1.0,
            "reference": 1.0,
            "unit": "eV",
            "job_uuid": f"v-{case}",
        }
        for suite, case in VALIDATION_BASIS[what]
        if case not in skip
    ]


VALIDATED = (
    " Validation of the method behind W_adh (all passed): passed: graphite-interlayer 1 vs 1 eV, "
    "s22-methane-dimer-cp 1 vs 1 eV, s22-benzene-methane-cp 1 vs 1 eV, na-bcc-lattice 1 vs 1 eV, "
    "na110-surface-energy 1 vs 1 eV."
)


def test_substrate_comparison_carbon_stronger_agrees_with_the_paper():
    res = c.Results(
        adhesion=[
            _w("na", "peo/na110", "Na", 0.06),
            _w("g", "peo/graphene", "carbon", 0.08),
            _w("ox", "peo/graphene-oxidised", "defective/oxidised carbon", 0.41),
            _w("ox2", "peo/graphene-vacancy", "defective/oxidised carbon", 0.20),  # not the largest of its class
        ],
        bonds=[
            {"job_uuid": "ox", "bond_kind": "C-O", "count": 2, "n_formed": 1},
            {"job_uuid": "ox", "bond_kind": "C-C", "count": 1, "n_formed": None},
            {"job_uuid": "na", "bond_kind": None, "count": 0},
        ],
        validation=_validation("W_adh"),
    )
    (text,) = _text(c.substrate_comparison(res))
    assert text == (
        "PEO adheres more strongly to defective/oxidised carbon (peo/graphene-oxidised, W_adh = 0.410 J/m^2, gpaw) "
        "than to Na (peo/na110, 0.060 J/m^2), through 2 C-O bonds and 1 C-C bond (C-O formed on relaxation); on "
        "peo/na110 it adheres without bonds across the interface (physisorption). Largest converged W_adh of PEO per "
        "substrate class: Na 0.060 J/m^2 (peo/na110); carbon 0.080 J/m^2 (peo/graphene); defective/oxidised carbon "
        "0.410 J/m^2 (peo/graphene-oxidised). The PEO coverage of the cells is not known, so the ranking per area is "
        "taken as it is. This agrees with Zhao et al. (2019), where PEO20NaFSI bonds chemically "
        "to the carbon of the Na/C anode (C=O near 289 eV) while it delaminates from Na foil. It rests on the 4 "
        f"converged of 4 W_adh of PEO values, at {LOT} (production), " + BASIS + VALIDATED
    )
    nums = [s for s in c.substrate_comparison(res)[0] if isinstance(s, Num)]
    assert nums[0] == Num(0.41, "ox", ".3f") and nums[1].uuid == "na"


def test_agreement_needs_every_validation_case_of_the_method_passed():
    """Converged production values pointing the paper's way: no agreement while a case failed or did not run."""
    adhesion = [_w("na", "peo/na110", "Na", 0.06), _w("g", "peo/graphene", "carbon", 0.30)]
    failed = _validation("W_adh", skip=("graphite-interlayer",)) + _validation("W_adh", "failed")[:1]
    for validation in ([], _validation("W_adh", skip=("na110-surface-energy",)), failed):
        (text,) = _text(c.substrate_comparison(c.Results(adhesion=adhesion, validation=validation)))
        assert "agrees" not in text and "no agreement or disagreement with the paper is claimed" in text, text
        assert "The values point the same way as Zhao et al. (2019)" in text
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=adhesion)))
    assert "No validation case of the method behind W_adh (graphite-interlayer, s22-methane-dimer-cp" in text
    assert "(naspe validate dft), so its accuracy against reference data is unchecked here." in text
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=adhesion, validation=failed)))
    assert "(not all passed, so agreement with a measurement is not claimed from it): passed: " in text
    assert "; failed: graphite-interlayer 1 vs 1 eV." in text
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=adhesion, validation=_validation("W_adh")[1:])))
    assert "; not run: graphite-interlayer." in text


def test_a_difference_within_the_counterpoise_uncertainty_is_not_significant():
    """W_adh 0.20 vs 0.15 J/m^2 with corrections of 0.05 and 0.04: 0.05 < hypot(0.05, 0.04) = 0.064."""
    na, g = _w("na", "peo/na110", "Na", 0.15), _w("g", "peo/graphene", "carbon", 0.20)
    na |= {"w_adh_cp_J_m2": 0.15, "w_adh_raw_J_m2": 0.19}
    g |= {"w_adh_cp_J_m2": 0.20, "w_adh_raw_J_m2": 0.25}
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=[na, g], validation=_validation("W_adh"))))
    assert "The difference, 0.050 J/m^2, is within its basis-set uncertainty (± 0.064 J/m^2" in text
    assert "neither confirms nor contradicts Zhao" in text and "agrees" not in text
    assert "each carries a basis-set uncertainty, the size of its counterpoise correction (up to 0.050 J/m^2)" in text
    g |= {"w_adh_cp_J_m2": 0.40, "w_adh_raw_J_m2": 0.45}  # now 0.25 J/m^2 apart: significant, validated
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=[na, g], validation=_validation("W_adh"))))
    assert "This agrees with Zhao et al. (2019)" in text


def test_cells_of_different_coverage_are_ranked_per_eo_unit():
    """The CP2K numbers: PEO/Na(110) 0.086 J/m^2 at 4.61 EO/nm^2; PEO on graphene 0.086 J/m^2 at 3.18 EO/nm^2."""
    from naspe.workflows.results.conclusion_dft import PER_AREA, PER_EO_UNIT, measure_for, per_eo_unit_eV

    na = _w("na", "peo/na110", "Na", 0.086) | {"film_eo_per_nm2": 4.61, "w_adh_cp_J_m2": 0.086, "w_adh_raw_J_m2": 0.094}
    g = _w("g", "peo/graphene", "carbon", 0.086) | {"film_eo_per_nm2": 3.18, "w_adh_cp_J_m2": 0.086}
    g["w_adh_raw_J_m2"] = 0.0942
    assert per_eo_unit_eV(na) == pytest.approx(0.086 / 4.61 / 0.1602176634)  # 0.116 eV: 1 J/m^2 nm^2 = 6.24 eV
    assert measure_for(na, g) is PER_EO_UNIT and measure_for(na, g | {"film_eo_per_nm2": 4.3}) is PER_AREA
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=[na, g], validation=_validation("W_adh"))))
    assert text.startswith(
        "Per EO unit, PEO adheres more strongly to carbon (peo/graphene, 0.169 eV per EO unit, W_adh = 0.086 J/m^2, "
        "gpaw) than to Na (peo/na110, 0.116 eV per EO unit, W_adh = 0.086 J/m^2), without bonds"
    ), text
    assert (
        "The cells carry different PEO coverages (peo/graphene 3.18 against peo/na110 4.61 EO units/nm^2), and "
        "W_adh per area grows with coverage, so they are ranked per EO unit (W_adh over the coverage). This agrees "
        "with Zhao et al. (2019)" in text
    ), text
    # per EO unit the counterpoise bars are 0.016 and 0.011 eV: a difference of 0.02 eV is within them
    close = g | {"film_eo_per_nm2": 4.0, "w_adh_cp_J_m2": 0.0755, "w_adh_J_m2": 0.0755, "w_adh_raw_J_m2": 0.0837}
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=[na, close], validation=_validation("W_adh"))))
    assert text.startswith("Per EO unit, PEO adheres about as strongly to carbon (peo/graphene, 0.118 eV per EO unit")
    assert "within its basis-set uncertainty (± 0.017 eV" in text and "agrees" not in text, text
    # equal coverage: per area, as before; equal W_adh within the bars is "about as strongly"
    equal = g | {"film_eo_per_nm2": 4.3}
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=[na, equal], validation=_validation("W_adh"))))
    assert "Both cells carry the same PEO coverage (4.30 and 4.61 EO units/nm^2)." in text or (
        "Both cells carry the same PEO coverage (4.61 and 4.30 EO units/nm^2)." in text
    ), text
    assert "PEO adheres about as strongly to " in text and "J/m^2, is within its basis-set uncertainty" in text


def test_eo_units_count_the_films_ether_oxygens_only():
    """An oxidised substrate's O and the FSI anion's O (2 per S) are not EO units; a film without PEO has none."""
    from naspe.workflows.results.adhesion_tables import film_eo_units
    from naspe.workflows.results.typed_read import StructureSites

    def doc(substrate: str, film: str) -> tuple[StructureSites, int]:
        """The relaxed interface as stored (its sites) read as the table reads it, and its substrate atoms."""
        sites = [{"species": [{"element": e, "occu": 1}]} for e in (*substrate, *film)]
        return StructureSites.model_validate({"sites": sites}), len(substrate)

    assert film_eo_units(*doc(["C", "C", "O"], ["C", "C", "O", "C", "C", "O"])) == 2
    assert film_eo_units(*doc(["Na"], ["C", "C", "O", "Na", "N", "S", "S", "O", "O", "O", "O", "F", "F"])) == 1
    assert film_eo_units(*doc(["Na"], ["Na", "N", "S", "S", "O", "O", "O", "O", "F", "F"])) is None
    assert film_eo_units(StructureSites(), 3) is None


def test_substrate_comparison_na_stronger_does_not_reproduce_the_paper():
    res = c.Results(
        adhesion=[_w("na", "peo/na110", "Na", 0.5), _w("g", "peo/graphene", "carbon", 0.1)],
        validation=_validation("W_adh"),
    )
    (text,) = _text(c.substrate_comparison(res))
    assert text.startswith("PEO adheres more strongly to Na (peo/na110, W_adh = 0.500 J/m^2, gpaw) than to carbon")
    assert (
        "This does not reproduce Zhao et al. (2019), where the electrolyte bonds to the carbon of the "
        "Na/C anode and delaminates from Na foil." in text
    )


def test_screening_values_rank_but_never_claim_agreement_and_negative_w_adh_is_unbound():
    """The quick run's numbers: carbon 0.082, Na -0.159 J/m^2 from GFN2-xTB: no agreement, Na unbound."""
    res = c.Results(
        adhesion=[
            _w("na", "peo/na110", "Na", -0.159, purpose="screening"),
            _w("g", "peo/graphene", "carbon", 0.082, purpose="screening"),
        ]
    )
    (text,) = _text(c.substrate_comparison(res))
    assert text.startswith(
        "PEO adheres to carbon (peo/graphene, W_adh = 0.082 J/m^2, gpaw) without bonds across the interface "
        "(physisorption); on Na (peo/na110) W_adh = -0.159 J/m^2 is negative: that interface is repulsive (unbound) "
        "at this geometry, not weakly bound."
    )
    assert "agrees" not in text and "binds" not in text.split("Zhao")[0]
    assert "These are screening values: they rank the interfaces at this level of theory but cannot confirm or " in text
    assert "(screening)" in text
    # both negative: neither adheres, whatever the purpose
    both = c.Results(adhesion=[_w("na", "peo/na110", "Na", -0.2), _w("g", "peo/graphene", "carbon", -0.05)])
    (text,) = _text(c.substrate_comparison(both))
    assert text.startswith("PEO does not adhere to either substrate class at this level: W_adh = -0.050 J/m^2")
    assert "agrees" not in text and "repulsive (unbound)" in text


def test_unconverged_and_unknown_values_are_left_out_and_named():
    res = c.Results(
        adhesion=[
            _w("na", "peo/na110", "Na", 0.06),
            _w("g", "peo/graphene", "carbon", 0.08),
            _w("ox", "peo/graphene-oxidised", "defective/oxidised carbon", 0.9, converged=False),
            _w("v", "peo/graphene-vacancy", "defective/oxidised carbon", 0.7, converged=None),
        ]
    )
    (text,) = _text(c.substrate_comparison(res))
    assert "defective/oxidised carbon" not in text.split("Left out")[0]  # 0.9 and 0.7 are not compared
    assert "It rests on the 2 converged of 4 W_adh of PEO values" in text
    assert text.endswith(
        "Left out of this conclusion because not shown to be converged (W_adh of PEO): peo/graphene-oxidised "
        f"(0.900 J/m^2, {CUT}); peo/graphene-vacancy (0.700 J/m^2, unknown (not recorded))."
    )
    only_cut = c.Results(
        adhesion=[_w("na", "peo/na110", "Na", 0.06, converged=False), _w("g", "peo/graphene", "carbon", 0.1)]
    )
    (text,) = _text(c.substrate_comparison(only_cut))
    assert text.startswith(
        "The carbon-versus-sodium comparison needs converged W_adh of PEO on Na and on a carbon substrate; "
        "substrate classes with converged PEO results: carbon, so it is not drawn. Left out"
    )


def test_counterpoise_corrected_w_adh_is_used_when_present():
    na, g = _w("na", "peo/na110", "Na", 0.3), _w("g", "peo/graphene", "carbon", 0.2)
    na["w_adh_cp_J_m2"], g["w_adh_cp_J_m2"] = 0.05, 0.15  # BSSE removed: carbon now the stronger
    (text,) = _text(c.substrate_comparison(c.Results(adhesion=[na, g], validation=_validation("W_adh"))))
    assert text.startswith("PEO adheres more strongly to carbon (peo/graphene, W_adh = 0.150 J/m^2")
    assert ", counterpoise-corrected; no error bar" in text and "This agrees with Zhao" in text


@pytest.mark.parametrize(
    ("rows", "have"),
    [
        ([], "none"),
        ([_w("g", "peo/graphene", "carbon", 0.1)], "carbon"),
        ([_w("na", "peo/na110", "Na", 0.1), _w("n", "nafsi/graphene", "carbon", 0.3, film="nafsi")], "Na"),
        ([_w("na", "peo/na110", "Na", 0.1), _w("x", "peo/unknown", None, 0.3)], "Na"),
    ],
)
def test_substrate_comparison_needs_peo_on_na_and_on_carbon(rows, have):
    assert _text(c.substrate_comparison(c.Results(adhesion=rows))) == [
        "The carbon-versus-sodium comparison needs converged W_adh of PEO on Na and on a carbon substrate; "
        f"substrate classes with converged PEO results: {have}, so it is not drawn."
    ]


def test_na_on_carbon_only_for_sodium_films():
    rows = [
        _w("a", "na110/graphite", "carbon", 0.318, film="na"),
        _w("b", "nafsi/graphene", "carbon", 0.2, film="nafsi"),
        _w("c", "peo/graphene", "carbon", 0.1),
        _w("d", "x/graphene", "carbon", 0.1, film=None),
        _w("e", "na110/graphene", "carbon", -0.1, film="na"),
        _w("f", "na100/graphene", "carbon", 0.5, film="na", converged=False),
    ]
    assert _text(c.na_on_carbon(c.Results(adhesion=rows))) == [
        "Na on carbon (na110/graphite) adheres with W_adh = 0.318 J/m^2: the cohesion of the Na/C composite itself.",
        "Na on carbon (na110/graphene) does not adhere: W_adh = -0.100 J/m^2, a repulsive (unbound) Na/carbon "
        "interface at this geometry.",
        "Left out of this conclusion because not shown to be converged (W_adh of Na on carbon): na100/graphene "
        f"(0.500 J/m^2, {CUT}).",
    ]
    assert c.na_on_carbon(c.Results()) == []


def _b(uuid: str, system: str, e: float, kind: str | None, converged: bool | None = True, source: str = "binding"):
    return {
        "job_uuid": uuid,
        "source": source,
        "system": system,
        "energy_eV": e,
        "bond_kind": kind,
        "converged": converged,
        "convergence_detail": "converged" if converged else CUT,
        "purpose": "screening",
        "engine": "tblite",
        "level_of_theory": "GFN2-xTB",
    }


NO_EBIND = (
    " No validation case of the method behind E_bind (na-graphene-height, na-graphene-binding, na-graphene-charge, "
    "s22-methane-dimer-cp) is in the store (naspe validate dft), so its accuracy against reference data is "
    "unchecked here."
)


def test_strongest_binding():
    assert c.strongest_binding(c.Results()) == []
    bonds = [
        _b("a", "dme@vacancy", -1.37, "C-O"),
        _b("a", "dme@vacancy", -1.37, "Na-O"),
        _b("b", "dme@edge", -0.5, "C-C"),
        _b("r", "bridge", -3.0, "C-O", source="reaction"),
        _b("x", "na@graphene", -2.5, None, converged=False),
    ]
    assert _text(c.strongest_binding(c.Results(bonds=bonds))) == [
        "The strongest fragment binding is dme@vacancy with E_bind = -1.37 eV through C-O, Na-O bonds (screening, "
        "GFN2-xTB)." + NO_EBIND + " Left out of this conclusion because not shown to be converged (E_bind): "
        f"na@graphene (-2.50 eV, {CUT})."
    ]
    lone = [_b("b", "dme@edge", -0.5, None)]
    assert _text(c.strongest_binding(c.Results(bonds=lone))) == [
        "The strongest fragment binding is dme@edge with E_bind = -0.50 eV without bonds to the substrate "
        "(screening, GFN2-xTB)." + NO_EBIND
    ]
    unbound = [_b("b", "dme@edge", 0.12, None)]
    assert _text(c.strongest_binding(c.Results(bonds=unbound))) == [
        "No fragment binds: the lowest converged E_bind is dme@edge with +0.12 eV (positive: unbound at that geometry)."
        + NO_EBIND
    ]
    (text,) = _text(c.strongest_binding(c.Results(bonds=[_b("x", "na@graphene", -2.5, None, converged=False)])))
    assert text.startswith("No fragment binding energy is shown to be converged, so none is used here.")


def _core(env: str, e: float, inside: bool, element: str = "C", converged: bool | None = True) -> dict:
    return {
        "job_uuid": "k",
        "element": element,
        "environment": env,
        "binding_energy_eV": e,
        "within_xps": inside,
        "system": "peo/graphene-oxidised",
        "converged": converged,
        "convergence_detail": "converged" if converged else "unknown (not recorded)",
        "purpose": "production",
    }


def test_core_levels_vs_xps():
    assert _text(c.core_levels_vs_xps(c.Results())) == [
        "No core-level shifts are in the store: the XPS signatures of the paper are unchecked."
    ]
    rows = [
        _core("C-C", 284.8, True),
        _core("C=O", 287.9, False),
        _core("O-C=O", 288.9, True),
        _core("C=O", 532, True, "O"),
    ]
    rows = [r | {"core_level_method": "production"} for r in rows]
    (own,) = _text(c.core_levels_vs_xps(c.Results(core=[r | {"core_level_method": None} for r in rows])))
    assert "settings that are not one preset's core-level settings" in own
    (text,) = _text(c.core_levels_vs_xps(c.Results(core=rows)))
    assert text == (
        "3 of 4 converged core-level binding energies fall inside the XPS range of their environment class. The "
        "highest carbonyl-type C 1s is 288.90 eV (O-C=O, peo/graphene-oxidised), to compare with the ~289 eV C=O peak "
        "of the bonded interface in Zhao et al. No validation case of the method behind core levels (xps-c1s-methanol, "
        "xps-c1s-formaldehyde, xps-c1s-formic-acid, xps-c1s-co2, xps-o1s-co2) is in the store (naspe validate dft), "
        "so its accuracy against reference data is unchecked here."
    )
    (text,) = _text(c.core_levels_vs_xps(c.Results(core=rows, validation=_validation("core levels"))))
    assert text.endswith(
        "Validation of the method behind core levels (all passed): passed: xps-c1s-methanol 1 vs 1 eV, "
        "xps-c1s-formaldehyde 1 vs 1 eV, xps-c1s-formic-acid 1 vs 1 eV, xps-c1s-co2 1 vs 1 eV, xps-o1s-co2 1 vs 1 eV."
    )
    # shifts computed at the quick preset's settings are judged by that preset's twins of the cases, not by the
    # plane-wave cases that passed
    quick = [r | {"core_level_method": "quick"} for r in rows]
    twins = [r | {"case": f"{r['case']}-quick", "status": "failed"} for r in _validation("core levels")]
    (text,) = _text(c.core_levels_vs_xps(c.Results(core=quick, validation=_validation("core levels") + twins)))
    assert "failed: xps-c1s-methanol-quick 1 vs 1 eV" in text and "passed: xps-c1s-methanol " not in text
    (text,) = _text(c.core_levels_vs_xps(c.Results(core=rows[:1])))
    assert "No carbonyl-type (C=O, O-C=O) carbon was computed, so the ~289 eV peak of the paper is unchecked." in text
    unknown = [_core("O-C=O", 288.9, True, converged=None)]
    assert _text(c.core_levels_vs_xps(c.Results(core=unknown))) == [
        "None of the 1 computed core-level binding energies is shown to be converged (unknown (not recorded)), so the "
        "XPS signatures of the paper are unchecked here."
    ]


def _sigma(uuid: str, t_c: float, sigma: float | None, diffusive: bool = True, slope: float | None = None) -> dict:
    return {
        "job_uuid": uuid,
        "temperature_C": t_c,
        "temperature_K": t_c + K,
        "sigma_eh_S_cm": sigma,
        "diffusive": diffusive,
        "min_loglog_slope": slope,
    }


@pytest.mark.parametrize(
    ("sigma", "verdict"),
    [
        (1.5e-7, "agrees with the measured ~1e-07 S/cm (within 0.2 orders of magnitude)"),
        (3e-6, "lies 1.5 orders of magnitude above the measured ~1e-07 S/cm"),
        (1e-9, "lies 2.0 orders of magnitude below the measured ~1e-07 S/cm"),
    ],
)
def test_conductivity_at_30c_against_the_paper(sigma, verdict):
    window = c.CONDUCTIVITY_WINDOWS[0]
    assert window.label == "30 °C" and window.measured_S_cm == 1e-7 and "Zhao" in window.reference
    text = plain(c.conductivity_window_sentence([_sigma("a", 30.0, sigma)], window))
    assert text == (
        f"At 30 °C the simulated Einstein-Helfand conductivity ({sigma:.3g} S/cm at 30 °C; log10 mean compared) "
        f"{verdict} of PEO20NaFSI (Zhao et al. 2019)."
    )


def test_conductivity_window_takes_the_log_mean_of_its_points_and_names_every_job():
    hot = c.CONDUCTIVITY_WINDOWS[1]
    pts = [_sigma("a", 60.0, 1e-5), _sigma("b", 80.0, 1e-3), _sigma("c", 30.0, 1.0), _sigma("d", 70.0, None)]
    sentence = c.conductivity_window_sentence(pts, hot)
    assert "(1e-05 S/cm at 60 °C, 0.001 S/cm at 80 °C;" in plain(sentence)
    assert "agrees with the measured ~1e-04 S/cm (within 0.0 orders" in plain(sentence)
    (size,) = [s for s in sentence if isinstance(s, Num) and s.spec == ".1f"]
    assert size.uuids == ("a", "b") and size.title == "jobs a, b"
    assert plain(c.conductivity_window_sentence([_sigma("c", 40.0, 1e-6)], hot)) == (
        "No simulated point near 60-80 °C to compare with the measured ~1e-04 S/cm."
    )


def test_conductivity_not_diffusive_is_not_compared_with_the_paper():
    """A run that did not reach the diffusive regime is not converged: named, never 'agrees'."""
    window = c.CONDUCTIVITY_WINDOWS[0]
    text = plain(c.conductivity_window_sentence([_sigma("a", 30.0, 1.2e-7, diffusive=False)], window))
    assert text == (
        "At 30 °C the simulated Einstein-Helfand conductivity (1.2e-07 S/cm) is not converged (the MD did not reach "
        "the diffusive regime), so it is not compared with the measured ~1e-07 S/cm."
    )
    mixed = [_sigma("a", 30.0, 1e-5, diffusive=False), _sigma("b", 31.0, 1.5e-7)]
    assert "(1.5e-07 S/cm at 31 °C; log10 mean compared) agrees" in plain(c.conductivity_window_sentence(mixed, window))


def test_diffusive_sentence():
    assert plain(c.diffusive_sentence([_sigma("a", 60.0, 1e-5)])) == (
        "Every analysed run reached the diffusive regime (log-log MSD slope within tolerance of 1)."
    )
    rows = [_sigma("a", 30.0, 1e-6, False, 0.62), _sigma("b", 60.0, 1e-5, False, 0.71), _sigma("c", 80.0, 0.0, False)]
    assert plain(c.diffusive_sentence(rows)) == (
        "The MD did not reach the diffusive regime at 30 °C, 60 °C (smallest log-log MSD slope 0.62, 1 = diffusive): "
        "these conductivities are not converged."
    )
    assert plain(c.diffusive_sentence([_sigma("a", 30.0, 1e-6, False)])) == (
        "The MD did not reach the diffusive regime at 30 °C: these conductivities are not converged."
    )


def test_conductivity_vs_paper_is_one_paragraph_or_says_it_is_open():
    assert _text(c.conductivity_vs_paper(c.Results(cond=[_sigma("a", 30.0, None)]))) == [
        "No conductivity has been computed, so the comparison with the measured ~1e-7 S/cm (30 °C) and ~1e-4 S/cm "
        "(60-80 °C) of Zhao et al. is open."
    ]
    (text,) = _text(c.conductivity_vs_paper(c.Results(cond=[_sigma("a", 60.0, 1e-4)])))
    assert text.startswith("No simulated point near 30 °C to compare with the measured ~1e-07 S/cm. At 60-80 °C")
    assert text.endswith(
        "(within 0.0 orders of magnitude) of PEO20NaFSI (Zhao et al. 2019). Every analysed run "
        "reached the diffusive regime (log-log MSD slope within tolerance of 1). No validation case of the method "
        "behind sigma (g1-density, peo-melt-density, li-dme-tfsi-conductivity, pegdme-litfsi-diffusion) is in the "
        "store (naspe validate md), "
        "so its accuracy against reference data is unchecked here."
    )
    (text,) = _text(c.conductivity_vs_paper(c.Results(cond=[_sigma("a", 60.0, 1e-4)], validation=_validation("sigma"))))
    assert text.endswith(
        "Validation of the method behind sigma (all passed): passed: g1-density 1 vs 1 eV, "
        "peo-melt-density 1 vs 1 eV, li-dme-tfsi-conductivity 1 vs 1 eV, pegdme-litfsi-diffusion 1 vs 1 eV."
    )


def test_preset_limits():
    quick = CONDUCTIVITY_PRESETS["quick"]
    (text,) = _text(c.preset_limits(c.Results(cond=[{"preset": "quick"}], core=[{"preset": "standard"}])))
    assert text.startswith(
        f"Limits of the quick preset: its MD runs at most {quick['production_budget_ps']:g} ps of production"
    )
    assert "prove the pipeline, not the physics" in text
    assert _text(c.preset_limits(c.Results(adhesion=[{"preset": None}]))) == [
        "The jobs carry no preset in their metadata; their settings are listed in the appendix."
    ]
    assert c.preset_limits(c.Results(adhesion=[{"preset": None}, {"preset": "standard"}])) == []
    assert c.preset_limits(c.Results()) == []


def test_conclusion_runs_every_rule_in_order_on_dataframes_with_nan():
    assert [rule.__name__ for rule in c.RULES] == [
        "substrate_comparison",
        "na_on_carbon",
        "strongest_binding",
        "core_levels_vs_xps",
        "conductivity_vs_paper",
        "preset_limits",
    ]
    cond = pd.DataFrame([_sigma("a", 30.0, 2e-7, False, float("nan")) | {"preset": "quick"}])
    texts = _text(c.conclusion(cond, pd.DataFrame(), pd.DataFrame(), pd.DataFrame()))
    assert len(texts) == 4 and texts[0].startswith("The carbon-versus-sodium comparison needs")
    assert texts[1].startswith("No core-level shifts") and "at 30 °C: these conductivities" in texts[2]
    assert texts[3].startswith("Limits of the quick preset")
    assert not re.search(r"\bnan\b", " ".join(texts))
