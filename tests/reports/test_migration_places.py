"""The upgrade that fixes the places stored by rounds opened before
portal/names.py (reports 0009): "phố Sa Đéc" becomes "Sa Đéc"; a place a user
typed is kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reports.models import Report
from tests.conftest import demo_in_old_shape

pytestmark = pytest.mark.django_db(transaction=True)

OLD = [("reports", "0008_table_placement")]


@pytest.fixture
def old_database(demo_again_afterwards, transactional_db):
    with demo_in_old_shape(OLD) as (apps, _latest):
        yield apps


def test_only_the_old_wrong_places_are_recomputed(old_database):
    OldReport = old_database.get_model("reports", "Report")
    old = {
        "867": "phố Sa Đéc",  # what rounds stored for "Thành phố Sa Đéc"
        "868": "phố Hồng Ngự",
        "866": "TP. Cao Lãnh",  # typed by the unit: kept
        "877": "Châu Thành",  # right already
    }
    for code, place in old.items():
        OldReport.objects.filter(unit__code=code, unit__valid_from=None).update(place=place)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    places = {
        r.unit.code: r.place
        for r in Report.objects.filter(unit__code__in=old, unit__valid_from=None)
        .select_related("unit")
        .filter(round__year=2020, round__template__code="bc-ctr-59-60")
    }
    assert places == {
        "867": "Sa Đéc",
        "868": "Hồng Ngự",
        "866": "TP. Cao Lãnh",
        "877": "Châu Thành",
    }
