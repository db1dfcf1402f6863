"""403, 404 and 500 pages in Vietnamese, in the portal's layout, as DEBUG off shows them."""

import pytest
from django.conf import settings as conf
from django.db import connection
from django.template.loader import get_template
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.urls("tests.security.urls_errors")

NAVBAR = "Báo cáo Nghị quyết 20, 21"  # the portal's brand in the navigation bar
STYLESHEET = "/static/vendor/bootstrap/bootstrap.min.css"


def page(response):
    return response.content.decode()


@pytest.fixture
def errors(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def test_403_in_vietnamese_in_the_portal_layout(errors, as_user):
    client = as_user("chauthanh")
    client.raise_request_exception = False
    response = client.get("/errors/403/")
    assert response.status_code == 403
    text = page(response)
    assert "Không có quyền truy cập" in text
    assert NAVBAR in text and STYLESHEET in text
    assert "Chuyên viên Phòng Y tế Châu Thành" in text  # the user's name: the full layout
    assert "a reason that must not be shown" not in text


def test_404_in_vietnamese_for_a_missing_page_and_another_units_object(errors, as_user):
    response = errors.get("/errors/404/")
    assert response.status_code == 404
    text = page(response)
    assert "Không tìm thấy trang" in text
    assert NAVBAR in text and STYLESHEET in text
    assert "a detail that must not be shown" not in text
    assert errors.get("/khong-co-trang-nay/").status_code == 404
    # Another unit's report: the same page as a missing one.
    from reports.models import Report

    report = Report.objects.get(
        unit__code="877", round__year=2020, round__template__code="bc-ctr-59-60"
    )
    hongngu = as_user("hongngu")
    other = hongngu.get(reverse("report-detail", args=[report.pk]))
    assert other.status_code == 404
    assert "Không tìm thấy trang" in page(other)
    assert "Not found in your scope" not in page(other)


def test_500_in_vietnamese_standalone(errors, demo):
    response = errors.get("/errors/500/")
    assert response.status_code == 500
    text = page(response)
    assert "Lỗi máy chủ" in text
    assert NAVBAR in text and STYLESHEET in text
    assert "a bug that must not be shown" not in text
    assert "Traceback" not in text


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [conf.BASE_DIR / "templates"],
            "APP_DIRS": True,
            # No context processor at all: the 500 page must not need one.
            "OPTIONS": {"context_processors": []},
        }
    ]
)
def test_the_500_page_needs_no_request_no_context_processor_and_no_database(db):
    with CaptureQueriesContext(connection) as queries:
        text = get_template("500.html").render()
    assert len(queries) == 0
    assert "Lỗi máy chủ" in text
    assert STYLESHEET in text
    assert "{%" not in text and "{{" not in text
