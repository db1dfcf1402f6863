"""The award list is an official document as a report is (issue 11): the same
header (superior body, issuer in full), number line, place and date line,
signature block and recipients, in its PDF and in its workbook, all read from
the files as downloaded."""

import datetime as dt
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from documents.award_list import award_list_document
from movements import demo as demo_movements
from movements.models import Movement
from tests.exports.test_documents import lines
from tests.exports.test_pdf import pages_of, pdf_text

SIGNED = {
    "number_symbol": "15/DS-UBND",
    "signed_on": "05/02/2022",
    "authority": "TM. Ủy ban nhân dân\nKT. CHỦ TỊCH",
    "position": "Phó Chủ tịch",
    "signer": "Lê Văn Hòa",
    "recipients": "- Sở Y tế tỉnh Đồng Tháp;\n- Hội đồng TĐKT Huyện;\n- Lưu VT.",
}
HEADER = [
    "UBND TỈNH ĐỒNG THÁP",
    "ỦY BAN NHÂN DÂN",
    "HUYỆN HỒNG NGỰ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]
SIGNATURE = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Hòa"]
RECIPIENTS = ["- Sở Y tế tỉnh Đồng Tháp;", "- Hội đồng TĐKT Huyện;", "- Lưu VT."]


@pytest.fixture
def hong_ngu(demo):
    return demo_movements.load()


def sign(as_user, movement, **changes):
    response = as_user("syt").post(
        reverse("movement-award-document", args=[movement.pk]), {**SIGNED, **changes}
    )
    return response


def pdf_lines(client, movement, tmp_path):
    response = client.get(reverse("movement-awards-pdf", args=[movement.pk]))
    assert response.status_code == 200
    path = tmp_path / "awards.pdf"
    path.write_bytes(response.getvalue())
    return lines(pdf_text(path))


def sheet(client, movement):
    response = client.get(reverse("movement-awards-xlsx", args=[movement.pk]))
    assert response.status_code == 200
    return load_workbook(BytesIO(response.getvalue())).active


def rows_of(ws):
    """Each row's filled cells, left to right, blanks of an unsigned date as one space."""
    return [
        [" ".join(str(c.value).split()) for c in row if c.value is not None]
        for row in ws.iter_rows()
    ]


def after(found, first):
    """The lines from the one equal to `first` on, as many as asked for later."""
    return found[found.index(first) :]


# ----------------------------------------------------------------------------- the PDF


def test_the_signed_list_has_a_reports_header_number_date_and_signature(
    as_user, hong_ngu, tmp_path
):
    assert sign(as_user, hong_ngu).status_code == 302
    printed = pdf_lines(as_user("hongngu"), hong_ngu, tmp_path)
    assert printed[: len(HEADER)] == HEADER
    assert "Số: 15/DS-UBND Hồng Ngự, ngày 05 tháng 02 năm 2022" in printed
    assert "DANH SÁCH" in printed
    # The recipients on the left (read first), the signature block on the right.
    assert after(printed, "Nơi nhận:") == ["Nơi nhận:", *RECIPIENTS, *SIGNATURE]
    # As a report's (tests/exports/test_pdf.py): "Nơi nhận:" level with "TM.".
    words = pages_of(tmp_path / "awards.pdf")[-1][2]
    label = next(w for w in words if w[4] == "Nơi")
    authority = next(w for w in words if w[4] == "TM.")
    assert label[0] < authority[0] and abs(label[1] - authority[1]) < 4
    assert "DỰ THẢO" not in printed


def test_an_unsigned_list_leaves_the_number_and_the_day_blank_and_is_a_draft(
    as_user, hong_ngu, tmp_path
):
    printed = pdf_lines(as_user("hongngu"), hong_ngu, tmp_path)
    assert printed[0] == "DỰ THẢO"
    assert printed[1 : 1 + len(HEADER)] == HEADER
    assert "Số: /DS-UBND Hồng Ngự, ngày tháng năm 2021" in printed
    # The People's Committee signs it, whoever signs is named later.
    assert "Nơi nhận: TM. ỦY BAN NHÂN DÂN" in printed
    assert "UBND HUYỆN HỒNG NGỰ" not in printed  # the issuer is never abbreviated


def test_the_number_and_date_in_the_document_model(hong_ngu):
    hong_ngu.number_symbol = ""
    hong_ngu.signed_on = dt.date(2022, 12, 9)
    header = award_list_document(hong_ngu).header
    assert header.number_line == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/DS-UBND"
    assert header.date_line == "Hồng Ngự, ngày 09 tháng 12 năm 2022"
    assert header.superior_body == "UBND TỈNH ĐỒNG THÁP"
    assert header.issuer_lines == ("ỦY BAN NHÂN DÂN", "HUYỆN HỒNG NGỰ")


# ---------------------------------------------------------------------------- the Excel


def test_the_workbook_has_the_same_header_number_date_and_signature(as_user, hong_ngu):
    assert sign(as_user, hong_ngu).status_code == 302
    found = rows_of(sheet(as_user("syt"), hong_ngu))
    assert found[:4] == [
        ["UBND TỈNH ĐỒNG THÁP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["ỦY BAN NHÂN DÂN", "Độc lập - Tự do - Hạnh phúc"],
        ["HUYỆN HỒNG NGỰ"],
        ["Số: 15/DS-UBND", "Hồng Ngự, ngày 05 tháng 02 năm 2022"],
    ]
    assert ["DANH SÁCH"] in found and ["DỰ THẢO"] not in found
    assert ["Tổng cộng: 03 tập thể, 02 cá nhân."] in found
    signature = after(found, ["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"])
    assert signature[:4] == [
        ["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"],
        ["- Sở Y tế tỉnh Đồng Tháp;", "KT. CHỦ TỊCH"],
        ["- Hội đồng TĐKT Huyện;", "PHÓ CHỦ TỊCH"],
        ["- Lưu VT."],
    ]
    assert signature[-1] == ["Lê Văn Hòa"]


def test_the_unsigned_workbook_leaves_the_blanks(as_user, hong_ngu):
    found = rows_of(sheet(as_user("syt"), hong_ngu))
    assert ["Số: /DS-UBND", "Hồng Ngự, ngày tháng năm 2021"] in found
    assert ["DỰ THẢO"] in found


# ----------------------------------------------------------------------------- the form


def test_the_reviewer_saves_the_signature_from_the_award_page(as_user, hong_ngu):
    page = as_user("syt").get(reverse("movement-awards", args=[hong_ngu.pk])).content.decode()
    assert 'id="award-document-form"' in page and "Số, ký hiệu" in page
    assert sign(as_user, hong_ngu).status_code == 302
    saved = Movement.objects.get(pk=hong_ngu.pk)
    assert (saved.number_symbol, saved.signed_on, saved.signer) == (
        "15/DS-UBND",
        dt.date(2022, 2, 5),
        "Lê Văn Hòa",
    )


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("number_symbol", "số 15 DS", "15/DS-UBND"),
        ("signed_on", "31/02/2022", "ngày/tháng/năm"),
        ("signed_on", "05/02/2020", "2021"),
    ],
)
def test_a_bad_input_is_refused_beside_its_field_and_nothing_typed_is_lost(
    as_user, hong_ngu, field, typed, message
):
    response = sign(as_user, hong_ngu, **{field: typed})
    assert response.status_code == 400
    html = response.content.decode()
    # The field's own block: its input marked invalid, the message under it.
    block = re.search(rf'id="div_id_{field}".*?(?=id="div_id_|</form>)', html, re.S).group(0)
    assert "is-invalid" in block and f'id="id_{field}_error"' in block
    assert message in block
    # What was typed comes back, in every field.
    assert f'value="{typed}"' in html
    assert 'value="Lê Văn Hòa"' in html and "- Hội đồng TĐKT Huyện;" in html
    assert Movement.objects.get(pk=hong_ngu.pk).signer == ""  # nothing half saved


def test_a_reporter_cannot_sign_the_list(as_user, hong_ngu):
    response = as_user("hongngu").post(
        reverse("movement-award-document", args=[hong_ngu.pk]), SIGNED
    )
    assert response.status_code == 403
    assert Movement.objects.get(pk=hong_ngu.pk).number_symbol == ""


def test_the_admin_edits_the_lists_signature(as_user, hong_ngu):
    url = reverse("admin:movements_movement_change", args=[hong_ngu.pk])
    page = as_user("admin").get(url).content.decode()
    for name in ("number_symbol", "signed_on", "authority", "position", "signer", "recipients"):
        assert f'name="{name}"' in page or f'name="{name}_0"' in page, name
