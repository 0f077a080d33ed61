"""Tables printed without pandas: the same characters as pandas prints, and ``naspe query jobs`` never loads it."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from test_queries_report import cli as cli  # the fixtures, used by name
from test_queries_report import filled as filled

from naspe.workflows.cli.results import _emit, _plain, _shown_float
from naspe.workflows.execution.state import write_state
from naspe.workflows.results.row_table import RowTable

_FLOATS = [0.0, -0.0, 1.5, -2.25, 1e-05, 1e16, 1.2e-300, 123456789012.0, 1 / 3, 1e22, float("inf"), float("nan")]
_TEXTS = ["x", "", "a,b", 'q"q', "line\nnext", "tab\there", "Å Na-O", "long " * 15, " lead", "None", "1.0"]
_KINDS = ("int", "float", "bool", "str", "none", "missing")


def _value(kind: str, rng: random.Random):
    if kind == "int":
        return rng.choice([0, 1, -7, 2**40, 2**63 - 1, -(2**63)])
    if kind == "float":
        return rng.choice(_FLOATS) if rng.random() < 0.6 else rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-12, 12)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "str":
        return rng.choice(_TEXTS)
    return None if kind == "none" else ...  # ...: the row lacks the key


def _printed_by_pandas(df: pd.DataFrame, shown: list[str]) -> tuple[str, str, str]:
    records = [{k: _plain(v) for k, v in r.items()} for r in df.to_dict(orient="records")]
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        text = df[shown].to_string(index=False, float_format=_shown_float, na_rep="-") if len(df) and shown else ""
    return df.to_csv(index=False), json.dumps(records, indent=2, default=str), text


def _printed_here(table: RowTable, shown: list[str]) -> tuple[str, str, str]:
    records = [{k: _plain(v) for k, v in r.items()} for r in table.records()]
    text = table.to_text(shown, float_format=_shown_float, na_rep="-") if len(table) and shown else ""
    return table.to_csv(), json.dumps(records, indent=2, default=str), text


def test_random_tables_print_as_pandas_prints_them():
    """Columns of every mix of int, float, bool, text, None and missing keys: CSV, JSON and text as pandas'."""
    rng = random.Random(20)
    compared = 0
    for _ in range(600):
        names = [f"c{k}" for k in range(rng.randint(1, 5))]
        mixes = {n: rng.sample(_KINDS, rng.randint(1, 3)) for n in names}
        rows = [
            {n: v for n in names if (v := _value(rng.choice(mixes[n]), rng)) is not ...}
            for _ in range(rng.randint(0, 6))
        ]
        listed = names[: rng.randint(0, len(names))] + (["absent"] if rng.random() < 0.2 else [])
        table = RowTable(rows, listed)
        assert table.plain
        df = table.to_frame()
        assert list(df.columns) == table.columns and len(df) == len(table)
        shown = [c for c in table.columns if rng.random() < 0.8]
        assert _printed_here(table, shown) == _printed_by_pandas(df, shown), (rows, listed, shown)
        compared += bool(rows)
    assert compared > 400


@pytest.mark.parametrize("value", [np.float64(1.5), np.int64(3), [1, 2], {"a": 1}, 2**64])
def test_other_values_are_left_to_pandas(value, capsys):
    table = RowTable([{"a": value, "b": "x"}, {"a": None, "b": None}], ["a", "b"])
    assert not table.plain and table.kind("b") == "str"
    _emit(table, "test", None, False, False, True, ["a", "b"])  # --csv: through the DataFrame
    assert capsys.readouterr().out == table.to_frame().to_csv(index=False)


def _listing(data_dir, uuids: list[str]) -> None:
    run = data_dir / "runs" / "listing"
    run.mkdir(parents=True, exist_ok=True)
    (run / "submission.json").write_text("{}")
    records = {
        u: {"uuid": u, "index": 1, "name": "job", "kind": "dft", "state": "done", "attempts": k % 3, "error": None}
        for k, u in enumerate(uuids)
    }
    records[uuids[0]] |= {"state": "failed", "error": "RuntimeError: boom\ntrace"}
    write_state(run, {"root": None, "added": [], "records": records})


def _run_naspe(*args: str) -> tuple[str, list[str]]:
    """stdout of ``naspe *args`` in a fresh process, and which of pandas, numpy, jobflow it imported."""
    code = (
        "import atexit, sys\n"
        "heavy = ('pandas', 'numpy', 'jobflow', 'maggma', 'pymatgen')\n"
        "atexit.register(lambda: sys.stderr.write('\\nIMPORTED:' + ','.join(m for m in heavy if m in sys.modules)))\n"
        f"sys.argv = ['naspe', *{list(args)!r}]\n"
        "from naspe.workflows.cli.main import main\n"
        "main()\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    imported = p.stderr.rsplit("IMPORTED:", 1)[1].strip()
    return p.stdout, [m for m in imported.split(",") if m]


@pytest.mark.parametrize("what", ["jobs", "adhesion"])
def test_query_jobs_and_adhesion_print_as_before_without_pandas(filled, cli, what, monkeypatch):
    """The commands print what they printed through pandas, and never import it (jobs: nor numpy, jobflow)."""
    data_dir, _, ids = filled
    if not (data_dir / "runs" / "listing").exists():
        _listing(data_dir, [*ids.values(), "not-stored"])
    for form in ("--csv", "--json", None):
        args = ["query", what, *([form] if form else []), "--data-dir", str(data_dir)]
        out, imported = _run_naspe(*args)
        assert "pandas" not in imported
        if what == "jobs":
            assert imported == []  # the run state and the store's query index only
        with monkeypatch.context() as m:
            m.setattr(RowTable, "plain", property(lambda self: False))  # through the DataFrame, as before
            before = cli(*args)
        assert before.exit_code == 0, before.output
        assert out == before.stdout and len(out.splitlines()) > 5
