"""The appendix tables in the editor: the dissemination matrix and the list of
documents issued, with their errors shown beside the fields."""

import datetime as dt

import pytest

from portal.models import UnitKind
from reports.models import DisseminationRow, IssuedDocument, Report, ReportStatus, ReportTemplate
from reports.rounds import RoundSpec, open_round
from tests.reports.conftest import unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(demo):
    """Châu Thành's report in a 2021 round on seed 000's outline (both appendix tables)."""
    province = unit("87")
    round_ = open_round(
        RoundSpec(
            title="Báo cáo năm 2021",
            template=ReportTemplate.objects.get(code="bc-ctr-59-60"),
            issuing_unit=province,
            year=2021,
            units=[unit("877"), unit("870")],
            deadlines={UnitKind.DISTRICT: dt.date(2022, 1, 15)},
        )
    )
    return Report.objects.get(round=round_, unit=unit("877"))


def url(report, table, row=None):
    base = f"/reports/{report.pk}/appendix/{table}/"
    return f"{base}{row.pk}/delete/" if row else base


SEED_ROW = {
    "dissemination-unit_label": "Cấp huyện, thị, xã thành phố",
    "dissemination-done": "on",
    "dissemination-audiences": ["Cán bộ chủ chốt", "Đảng viên từng chi bộ"],
    "dissemination-methods": ["Lồng ghép với các chuyên đề khác", "Lồng ghép vào cuộc họp chi bộ"],
}


def test_a_reporter_adds_seed_000s_dissemination_row(as_user, report):
    client = as_user("chauthanh")
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="dissemination-form"' in page and "Học tập chuyên đề độc lập" in page

    response = client.post(url(report, "dissemination"), SEED_ROW)
    assert response.status_code == 302
    row = DisseminationRow.objects.get(report=report)
    assert row.done and row.audiences == SEED_ROW["dissemination-audiences"]
    assert row.methods == SEED_ROW["dissemination-methods"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    table = client.get(f"/reports/{report.pk}/").content.decode()
    assert table.count(">X<") == 5  # done, two audiences, two methods


def test_a_method_not_in_the_outline_is_refused_and_the_typing_kept(as_user, report):
    response = as_user("chauthanh").post(
        url(report, "dissemination"),
        {**SEED_ROW, "dissemination-methods": ["Hội thảo quốc tế"]},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Hội thảo quốc tế" in page  # Django names the choice it refused
    assert 'value="Cấp huyện, thị, xã thành phố"' in page
    assert not DisseminationRow.objects.filter(report=report).exists()


def test_audiences_without_dissemination_get_a_message_beside_the_field(as_user, report):
    row = {k: v for k, v in SEED_ROW.items() if k != "dissemination-done"}
    response = as_user("chauthanh").post(url(report, "dissemination"), row)
    assert response.status_code == 422
    assert "Đánh dấu “đã quán triệt”" in response.content.decode()
    assert not DisseminationRow.objects.filter(report=report).exists()


def test_documents_take_vietnamese_dates_and_explain_a_wrong_one(as_user, report):
    client = as_user("chauthanh")
    wrong = client.post(
        url(report, "documents"),
        {"documents-number_symbol": "158/KH-UBND", "documents-issued_on": "2018-07-11"},
    )
    assert wrong.status_code == 422
    page = wrong.content.decode()
    assert "dd/mm/yyyy" in page and 'value="158/KH-UBND"' in page
    assert not IssuedDocument.objects.filter(report=report).exists()

    client.post(
        url(report, "documents"),
        {
            "documents-number_symbol": "158/KH-UBND",
            "documents-issued_on": "11/07/2018",
            "documents-issuer": "UBND tỉnh Đồng Tháp",
        },
    )
    document = IssuedDocument.objects.get(report=report)
    assert document.issued_on == dt.date(2018, 7, 11)
    assert "11/07/2018" in client.get(f"/reports/{report.pk}/").content.decode()

    client.post(url(report, "documents", document))
    assert not IssuedDocument.objects.filter(report=report).exists()


def test_rows_are_read_only_once_submitted_and_closed_to_other_units(as_user, report):
    as_user("chauthanh").post(url(report, "dissemination"), SEED_ROW)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    row = DisseminationRow.objects.get(report=report)

    client = as_user("chauthanh")
    client.post(url(report, "dissemination", row))
    client.post(url(report, "documents"), {"documents-number_symbol": "1/BC-UBND"})
    assert DisseminationRow.objects.filter(report=report).count() == 1
    assert not IssuedDocument.objects.filter(report=report).exists()

    other = as_user("hongngu")
    assert other.post(url(report, "dissemination", row)).status_code == 404
    assert other.post(url(report, "dissemination"), SEED_ROW).status_code == 404
