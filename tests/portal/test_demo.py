import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def row_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@override_settings(DEBUG=True)
def test_loading_the_demo_twice_yields_the_same_row_counts(demo):
    call_command("load_demo")
    before = row_counts()
    call_command("load_demo")
    assert row_counts() == before
    # Đồng Tháp 2020, its two reporting bodies, and Tuyên Quang (scope of seed 004)
    assert before["portal.ReportingUnit"] == 1 + 12 + 141 + 2 + 1
    # Figures belong to reports: the communes' generated 2019-2021 statistics (141 × 3
    # years × 10 indicators), Châu Thành's 9 results and 2 × 9 plans (seed 000), and the
    # 39 six-month figures of seed 003's movement (reports.demo); its year-end figures
    # replace generated ones of the same reports and add none.
    assert before["reports.ReportValue"] == 141 * 3 * 10 + 9 + 2 * 9 + 39


def test_the_demo_refuses_to_load_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
