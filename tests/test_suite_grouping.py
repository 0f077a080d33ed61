"""The suite's own scheduling: under ``make test`` (pytest-xdist, ``--dist loadgroup``) each module is one unit."""

from __future__ import annotations

import pytest


def test_this_module_is_one_work_unit_of_the_parallel_suite(request):
    """xdist groups tests by the ``@group`` suffix of their ids, which it adds from the ``xdist_group`` marks.

    The marks come from ``tests/conftest.py``; set after xdist's hook has read them, the suffix is missing and
    every test is scheduled alone (a module fixture such as the tiny campaign is then built on each worker).
    """
    if not request.config.getoption("loadgroup", default=False):
        pytest.skip("the suite runs without --dist loadgroup (TEST_WORKERS=0 or plain pytest)")
    assert request.node.nodeid.endswith("@tests/test_suite_grouping.py"), request.node.nodeid
