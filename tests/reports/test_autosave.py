import unicodedata

import pytest
from django.test import Client

from indicators.models import Indicator, Target
from reports.models import (
    Report,
    ReportFigure,
    ReportValue,
    SectionText,
    TableKind,
    TemplateTable,
)
from tests.reports.conftest import sections, user

pytestmark = pytest.mark.django_db


def client_for(username):
    c = Client()
    c.force_login(user(username))
    return c


def stored_text(report, key):
    return SectionText.objects.get(report=report, section=sections(report)[key])


def save(client, report, key, text, version):
    section = sections(report)[key]
    return client.post(
        f"/reports/{report.pk}/sections/{section.pk}/", {"text": text, "version": version}
    )


def test_autosave_answers_saved_at_and_the_new_version(chau_thanh_report):
    response = save(client_for("chauthanh"), chau_thanh_report, "I.1", "Đoạn một", 0)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đã lưu lúc" in page and 'name="version" value="1"' in page


def test_two_people_saving_from_the_same_version_one_wins_the_other_gets_a_conflict(
    chau_thanh_report,
):
    alice, bob = client_for("chauthanh"), client_for("chauthanh.lead")
    save(alice, chau_thanh_report, "I.1", "Bản đầu", 0)
    first = save(alice, chau_thanh_report, "I.1", "Bản của chị An", 1)
    second = save(bob, chau_thanh_report, "I.1", "Bản của anh Bình", 1)
    assert first.status_code == 200
    assert second.status_code == 409
    conflict = second.content.decode()
    assert "Bản của chị An" in conflict  # the saved text, shown to the second writer
    # The page keeps the version it edited from, so that its next keystroke is
    # refused too; saving over the other text is a choice, made with version 2.
    assert 'name="version" value="1"' in conflict
    assert 'data-current-version="2"' in conflict and "conflict-mine" in conflict
    assert save(bob, chau_thanh_report, "I.1", "Bản của anh Bình, sửa tiếp", 1).status_code == 409
    stored = SectionText.objects.get(
        report=chau_thanh_report, section=sections(chau_thanh_report)["I.1"]
    )
    assert stored.text == "Bản của chị An" and stored.version == 2
    assert stored.history.count() == 2


def test_two_first_saves_of_an_empty_section_do_not_overwrite_each_other(chau_thanh_report):
    alice, bob = client_for("chauthanh"), client_for("chauthanh.lead")
    assert save(alice, chau_thanh_report, "I.2", "An viết", 0).status_code == 200
    assert save(bob, chau_thanh_report, "I.2", "Bình viết", 0).status_code == 409
    stored = SectionText.objects.get(
        report=chau_thanh_report, section=sections(chau_thanh_report)["I.2"]
    )
    assert stored.text == "An viết"


def test_text_pasted_from_word_keeps_paragraphs_and_vietnamese_and_drops_the_rest(
    chau_thanh_report,
):
    pasted = (
        "Đoạn\u00a0thứ   nhất.\r\n\r\n\tĐoạn thứ hai\x0b có ký tự lạ.\r\n"
        + unicodedata.normalize("NFD", "Tiếng Việt có dấu: sức khỏe nhân dân")
    )
    save(client_for("chauthanh"), chau_thanh_report, "I.1", pasted, 0)
    stored = SectionText.objects.get(
        report=chau_thanh_report, section=sections(chau_thanh_report)["I.1"]
    )
    assert stored.text.split("\n") == [
        "Đoạn thứ nhất.",
        "Đoạn thứ hai có ký tự lạ.",
        "Tiếng Việt có dấu: sức khỏe nhân dân",
    ]
    assert unicodedata.is_normalized("NFC", stored.text)


def test_a_cell_accepts_vietnamese_numbers_bounds_and_text(chau_thanh_report):
    client = client_for("chauthanh")
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    targets_before = targets_of(chau_thanh_report.unit)
    assert any(text == "91" for _pk, text, _value in targets_before)
    for column, typed in (("actual", "91,25"), ("plan", "≥ 91"), ("plan_next", "92")):
        response = client.post(
            f"/reports/{chau_thanh_report.pk}/cells/",
            {"indicator": insurance.pk, "column": column, "value": typed},
        )
        assert response.status_code == 200
        cell = response.content.decode()
        assert f'id="cell-{insurance.pk}-{column}"' in cell and f'value="{typed}"' in cell
    # Each answer carries the row's ratio out of band: 91,25 against "≥ 91".
    assert 'hx-swap-oob="true"' in cell and 'data-status="achieved"' in cell and "100,3" in cell
    value = ReportValue.objects.get(report=chau_thanh_report, indicator=insurance, column="actual")
    assert str(value.numeric) == "91.250000" and (value.year, value.period) == (2021, "Y")
    assert (
        ReportValue.objects.get(
            report=chau_thanh_report, indicator=insurance, column="plan_next"
        ).text
        == "92"
    )
    # A unit's plans are its own figures: the directive's targets are untouched
    # (issue, case 3: the district's plan of 155/KH-UBND for 2021 stays 91).
    assert targets_of(chau_thanh_report.unit) == targets_before


def targets_of(unit):
    return sorted(Target.objects.filter(scope=unit).values_list("pk", "text", "value"))


def test_a_cell_that_cannot_be_read_shows_the_message_in_place_and_keeps_what_was_typed(
    chau_thanh_report,
):
    client = client_for("chauthanh")
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    client.post(
        f"/reports/{chau_thanh_report.pk}/cells/",
        {"indicator": insurance.pk, "column": "actual", "value": "90,5"},
    )
    response = client.post(
        f"/reports/{chau_thanh_report.pk}/cells/",
        {"indicator": insurance.pk, "column": "actual", "value": "9.0.5"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="9.0.5"' in page and "cell-error" in page and "dấu phẩy" in page
    value = ReportValue.objects.get(report=chau_thanh_report, indicator=insurance, column="actual")
    assert str(value.numeric) == "90.500000"  # nothing already saved changed


def test_document_fields_save_with_a_version_too(chau_thanh_report):
    client = client_for("chauthanh")
    response = client.post(
        f"/reports/{chau_thanh_report.pk}/fields/",
        {"signer": "Đỗ Nhật Định", "signed_on": "20/11/2021", "version": chau_thanh_report.version},
    )
    assert response.status_code == 200
    stale = client.post(
        f"/reports/{chau_thanh_report.pk}/fields/",
        {"signer": "Người khác", "version": chau_thanh_report.version},
    )
    assert stale.status_code == 409
    bad_date = client.post(
        f"/reports/{chau_thanh_report.pk}/fields/", {"signed_on": "31/02/2021", "version": 99}
    )
    assert bad_date.status_code == 422 and "dd/mm/yyyy" not in bad_date.content.decode()
    chau_thanh_report.refresh_from_db()
    assert chau_thanh_report.signer == "Đỗ Nhật Định"
    assert chau_thanh_report.signed_on.isoformat() == "2021-11-20"


# ------------------------------------------------- no silent overwrite (issue, case 8)


def save_cell(client, report, indicator, typed, version, column="actual"):
    return client.post(
        f"/reports/{report.pk}/cells/",
        {"indicator": indicator.pk, "column": column, "value": typed, "version": version},
    )


def test_two_saves_of_one_cell_from_the_same_version_give_one_success_and_one_conflict(
    chau_thanh_report,
):
    alice, bob = client_for("chauthanh"), client_for("chauthanh.lead")
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    assert save_cell(alice, chau_thanh_report, insurance, "90,5", 0).status_code == 200
    conflict = save_cell(bob, chau_thanh_report, insurance, "88", 0)
    assert conflict.status_code == 409
    page = conflict.content.decode()
    # Both values shown, and the conflicted cell no longer saves by itself.
    assert 'value="88"' in page and "90,5" in page and "conflict-theirs" in page
    assert 'hx-trigger="change"' not in page
    stored = ReportValue.objects.get(report=chau_thanh_report, indicator=insurance, column="actual")
    assert stored.text == "90,5" and stored.version == 1
    # Bob keeps his figure: saved over version 1, on purpose.
    assert save_cell(bob, chau_thanh_report, insurance, "88", 1).status_code == 200
    stored.refresh_from_db()
    assert stored.text == "88" and stored.version == 2


def test_a_named_figure_saved_meanwhile_is_a_conflict_too(chau_thanh_report):
    alice, bob = client_for("chauthanh"), client_for("chauthanh.lead")
    TemplateTable.objects.create(
        template=chau_thanh_report.round.template,
        kind=TableKind.FIGURES,
        config={"figures": [{"code": "kinh-phi", "label": "Kinh phí", "unit": "đồng"}]},
    )
    code = "kinh-phi"
    url = f"/reports/{chau_thanh_report.pk}/figures/"
    first = alice.post(url, {"code": code, "value": "10.775.000.000", "version": 0})
    assert first.status_code == 200 and "Đã lưu" in first.content.decode()
    stale = bob.post(url, {"code": code, "value": "9.000.000", "version": 0})
    assert stale.status_code == 409 and "10.775.000.000" in stale.content.decode()
    assert ReportFigure.objects.get(report=chau_thanh_report, code=code).text == "10.775.000.000"


def test_document_fields_merge_field_by_field(chau_thanh_report):
    """One person's signer and another's place both survive."""
    alice, bob = client_for("chauthanh"), client_for("chauthanh.lead")
    url = f"/reports/{chau_thanh_report.pk}/fields/"
    opened = alice.post(url, {"signer": "", "place": "", "version": chau_thanh_report.version})
    assert opened.status_code == 200
    version = Report.objects.get(pk=chau_thanh_report.pk).version
    # Both pages were opened at `version`; each sends every field, as the form does.
    assert (
        alice.post(url, {"signer": "Đỗ Nhật Định", "place": "", "version": version}).status_code
        == 200
    )
    merged = bob.post(url, {"signer": "", "place": "Châu Thành", "version": version})
    assert merged.status_code == 200
    assert "data-merged" in merged.content.decode() and "Đỗ Nhật Định" in merged.content.decode()
    report = Report.objects.get(pk=chau_thanh_report.pk)
    assert (report.signer, report.place) == ("Đỗ Nhật Định", "Châu Thành")


def test_document_fields_both_changed_are_a_conflict_showing_both(chau_thanh_report):
    alice, bob = client_for("chauthanh"), client_for("chauthanh.lead")
    url = f"/reports/{chau_thanh_report.pk}/fields/"
    alice.post(url, {"signer": "", "version": chau_thanh_report.version})
    version = Report.objects.get(pk=chau_thanh_report.pk).version
    assert alice.post(url, {"signer": "Đỗ Nhật Định", "version": version}).status_code == 200
    conflict = bob.post(url, {"signer": "Nguyễn Văn A", "version": version})
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Đỗ Nhật Định" in page and "Nguyễn Văn A" in page and "conflict-fields" in page
    assert f'name="version" value="{version}"' in page  # the next change is refused too
    assert Report.objects.get(pk=chau_thanh_report.pk).signer == "Đỗ Nhật Định"
