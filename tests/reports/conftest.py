import contextlib
import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from portal.models import ReportingUnit, UnitKind
from reports.models import Report
from reports.rounds import RoundSpec, open_round
from reports.templates_io import load_template

SMALL_TEMPLATE = {
    "code": "mau-thu",
    "name": "Báo cáo thử",
    "sections": [
        {
            "number": "I",
            "title": "TÌNH HÌNH TRIỂN KHAI",
            "children": [
                {"number": "1", "title": "Quán triệt"},
                {"number": "2", "title": "Kiểm tra, giám sát"},
            ],
        },
        {"number": "II", "title": "KIẾN NGHỊ", "required": False},
    ],
    "tables": [
        {
            "kind": "indicators",
            "title": "Chỉ tiêu",
            "columns": ["plan", "actual", "ratio", "plan_next"],
            "indicators": ["bao-hiem-y-te", "tram-y-te-chuan"],
        }
    ],
}


def user(username):
    return get_user_model().objects.get(username=username)


def unit(code):
    return ReportingUnit.objects.get(code=code, valid_from=None)


@pytest.fixture
def round_2021(demo):
    """A 2021 round for every district of Đồng Tháp, due 15/01/2022."""
    province = unit("87")
    return open_round(
        RoundSpec(
            title="Báo cáo năm 2021",
            template=load_template(SMALL_TEMPLATE),
            issuing_unit=province,
            year=2021,
            units=list(province.children().filter(kind=UnitKind.DISTRICT)),
            deadlines={UnitKind.DISTRICT: dt.date(2022, 1, 15)},
        )
    )


@pytest.fixture
def chau_thanh_report(round_2021):
    return Report.objects.get(round=round_2021, unit=unit("877"))


def sections(report):
    return {s.key: s for s in report.round.template.sections.all()}


@contextlib.contextmanager
def on(day, hour=10):
    """Everything inside happens on `day` at `hour`, Vietnam time: the
    workflow's timestamps, "today" of the forms and the pages."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def after_commit():
    """What runs once a request or a command commits, run at the end of the
    block: the outbox's task then sends the mails the block queued (nothing
    commits inside a test, so on_commit callbacks would never run)."""
    return TestCase.captureOnCommitCallbacks(execute=True)
