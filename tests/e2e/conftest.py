"""The report the browser tests work on: Châu Thành's in a 2021 round of the
districts (tests/reports/conftest.py)."""

import pytest

from tests.reports.conftest import chau_thanh_report, round_2021  # noqa: F401


@pytest.fixture
def report(chau_thanh_report):  # noqa: F811
    return chau_thanh_report
