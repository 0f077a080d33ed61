"""The typed summaries of ``naspe adhesion`` / ``naspe bonding``: a stored result that is not a document is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from naspe.workflows.cli.quality import read_document
from naspe.workflows.flows.adhesion.schemas import AdhesionDocument


def test_a_stored_result_an_older_naspe_wrote_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"^out: the stored result is not a AdhesionDocument this naspe reads") as err:
        read_document({"engine": "tblite", "convergence": None}, AdhesionDocument, Path("out"))
    assert "\n" not in str(err.value) and "another --out" in str(err.value)
