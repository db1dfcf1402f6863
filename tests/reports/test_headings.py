"""A section's numbering is printed as the outline writes it: a dot after a
numeral, none after "a)" or a dash, nothing for a section without a number —
on the editor's page and in the printed document alike."""

import datetime as dt

import pytest

from documents.build import report_document
from portal.models import UnitKind
from reports.models import Report, SectionText, heading_of
from reports.rounds import RoundSpec, open_round
from reports.templates_io import load_template
from tests.reports.conftest import unit

OUTLINE = {
    "code": "muc-a-b",
    "name": "Đề cương có mục a), b)",
    "sections": [
        {
            "number": "I",
            "title": "KẾT QUẢ",
            "children": [
                {
                    "number": "1",
                    "title": "Công tác truyền thông",
                    "children": [
                        {"number": "a)", "title": "Về tổ chức"},
                        {"number": "-", "title": "Tuyến xã"},
                    ],
                },
                {"number": "1.1.", "title": "Về kinh phí"},
            ],
        }
    ],
    "tables": [],
}


@pytest.mark.parametrize(
    "number, printed",
    [
        ("I", "I. KẾT QUẢ"),
        ("1", "1. KẾT QUẢ"),
        ("1.1", "1.1. KẾT QUẢ"),
        ("1.1.", "1.1. KẾT QUẢ"),
        ("a)", "a) KẾT QUẢ"),
        ("-", "- KẾT QUẢ"),
        ("+", "+ KẾT QUẢ"),
        ("", "KẾT QUẢ"),
    ],
)
def test_the_numbering_as_documents_write_it(number, printed):
    assert heading_of(number, "KẾT QUẢ") == printed


@pytest.fixture
def report(demo):
    chau_thanh = unit("877")
    round_ = open_round(
        RoundSpec(
            title="Báo cáo theo đề cương có mục a)",
            template=load_template(OUTLINE),
            issuing_unit=unit("87"),
            year=2021,
            units=[chau_thanh],
            deadlines={UnitKind.DISTRICT: dt.date(2022, 1, 15)},
        )
    )
    return Report.objects.get(round=round_, unit=chau_thanh)


def test_a_and_dash_items_print_without_a_dot_on_the_page_and_in_the_document(report, as_user):
    page = as_user("chauthanh").get(f"/reports/{report.pk}/").content.decode()
    assert "a) Về tổ chức" in page and "- Tuyến xã" in page and "1.1. Về kinh phí" in page
    assert "a). Về tổ chức" not in page and "-. Tuyến xã" not in page
    for section in report.round.template.sections.filter(number__in=["a)", "-", "1.1."]):
        SectionText.objects.create(report=report, section=section, text="Đã thực hiện.")
    printed = [s.heading.text for s in report_document(report).sections]
    assert "a) Về tổ chức" in printed and "- Tuyến xã" in printed and "1.1. Về kinh phí" in printed
    assert not any(h.startswith(("a).", "-.")) for h in printed)
