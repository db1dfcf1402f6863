import unicodedata

import pytest
from django.test import Client

from indicators.models import FigureKind, Indicator, Target, Value
from reports.models import SectionText
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
    assert 'name="version" value="2"' in conflict  # so that saving again is a choice
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
    value = Value.objects.get(
        indicator=insurance, unit=chau_thanh_report.unit, year=2021, figure=FigureKind.ACTUAL
    )
    assert str(value.numeric) == "91.250000"
    assert (
        Target.objects.get(indicator=insurance, scope=chau_thanh_report.unit, year=2022).text
        == "92"
    )


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
    value = Value.objects.get(indicator=insurance, unit=chau_thanh_report.unit, year=2021)
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
