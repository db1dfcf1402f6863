"""The bad input corpus: hostile or malformed input on every form and upload.

Each case posts through the test client as a user allowed to do it, and checks
  * that the answer is never a 500 (`raise_request_exception` off: a crash is a status);
  * that the input either gets a clear message (a fragment of the Vietnamese
    sentence, or of Django's own) or is stored safely: NFC, without control
    characters, HTML kept as text and shown escaped (`&lt;script&gt;`, never
    a raw `<script>` from the input) in the editor, the preview, the PDF and
    the Excel export;
  * that nothing already saved changes when the input is refused (a snapshot
    of the report's texts, values, targets, figures, rows, comments, history
    and version, before and after).

The tables are per endpoint; the workbooks are the builders of
tests/imports/test_offline.py, imported rather than copied.
"""

import html
import io
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from indicators.models import Indicator, Target
from movements.models import (
    AwardKind,
    AwardProposal,
    Declaration,
    KeyTarget,
    KeyTargetKind,
    Movement,
    Participation,
)
from portal.models import Membership, Role
from reports import editing
from reports.models import (
    DisseminationRow,
    IssuedDocument,
    Report,
    ReportFigure,
    ReportingRound,
    ReportStatus,
    ReportValue,
    ReviewComment,
    SectionText,
    StatusChange,
)
from tests.imports.conftest import full_report, full_round, hong_ngu_report  # noqa: F401
from tests.imports.test_offline import HOSTILE, Context, english, page_text, post_workbook
from tests.imports.test_offline import snapshot as upload_snapshot
from tests.reports.conftest import chau_thanh_report, round_2021, unit  # noqa: F401

pytestmark = pytest.mark.django_db

# What must never be stored: C0/C1 controls but the line feed, zero-width
# characters, byte-order marks and bidirectional overrides.
FORBIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")

SCRIPT = '<script>alert("xss")</script>'
IMG = '<img src=x onerror="alert(1)">'
SQL = "'; DROP TABLE reports_sectiontext; --"
NFD = unicodedata.normalize("NFD", "Quán triệt Nghị quyết đến đảng viên ở Tiền Giang")
NFC = unicodedata.normalize("NFC", NFD)
MB = 1_000_000
LIMIT = editing.MAX_SECTION_LENGTH

INDICATOR = "bao-hiem-y-te"
FIGURE = "ngan-sach-nha-nuoc"


def user(username):
    return get_user_model().objects.get(username=username)


# ---------------------------------------------------------------- helpers


@pytest.fixture
def post_as(as_user):
    """post_as("chauthanh") → the logged-in test client, a 500 answered as a status."""

    def login(username):
        client = as_user(username)
        client.raise_request_exception = False
        return client

    return login


@pytest.fixture
def report(full_report):  # noqa: F811
    """Châu Thành's report on seed 000's outline, with something saved in every
    part, so that a refused input has something to leave unchanged."""
    reporter = user("chauthanh")
    section = first_section(full_report)
    editing.save_section(full_report, section, "Nội dung đã lưu trước đó.", 0, reporter)
    indicator = Indicator.objects.get(code=INDICATOR)
    editing.save_cell(full_report, indicator, "actual", "93,5", reporter)
    editing.save_cell(full_report, indicator, "plan", "≥ 91", reporter)
    editing.save_figure(full_report, FIGURE, "10.775.000.000", reporter)
    full_report.refresh_from_db()
    editing.save_document_fields(
        full_report,
        {"number_symbol": "12-BC/HU", "signer": "Nguyễn Văn An"},
        full_report.version,
        reporter,
    )
    DisseminationRow.objects.create(report=full_report, unit_label="Xã Tân Phú", done=True)
    IssuedDocument.objects.create(report=full_report, number_symbol="01-KH/HU", issuer="Huyện ủy")
    full_report.refresh_from_db()
    return full_report


def first_section(report):
    """The first section one writes in (a heading with subsections has no text box)."""
    sections = report.round.template.sections
    return sections.filter(children__isnull=True).order_by("position").first()


def vi(msgid, **params):
    """A message as the portal says it in Vietnamese (the default language)."""
    with translation.override("vi"):
        text = translation.gettext(msgid)
    return text % params if params else text


TOO_LONG = "This text is too long (%(length)s characters; at most %(limit)s)."
FIELD_TOO_LONG = "“%(field)s” is too long (%(length)s characters; at most %(limit)s)."


def state(report):
    """Everything a form of the report could change."""
    r = Report.objects.get(pk=report.pk)
    return {
        "report": [getattr(r, name) for name in ("version", "status", *editing.DOCUMENT_FIELDS)],
        "texts": sorted(
            SectionText.objects.filter(report=r).values_list("section_id", "text", "version")
        ),
        "values": sorted(
            ReportValue.objects.filter(report=r).values_list(
                "pk", "indicator_id", "column", "text", "numeric", "upper", "version"
            )
        ),
        # A directive's targets for the unit: read, never written by a report.
        "targets": sorted(
            Target.objects.filter(scope=r.unit).values_list(
                "pk", "indicator_id", "year", "text", "value"
            )
        ),
        "figures": sorted(ReportFigure.objects.filter(report=r).values_list("code", "text")),
        "dissemination": list(
            r.dissemination.values_list("unit_label", "done", "audiences", "methods")
        ),
        "documents": list(r.documents.values_list("number_symbol", "issued_on", "issuer")),
        "comments": list(ReviewComment.objects.filter(report=r).values_list("text", flat=True)),
        "history": list(StatusChange.objects.filter(report=r).values_list("to_status", "reason")),
        "child_rounds": ReportingRound.objects.filter(parent=r.round).count(),
    }


def assert_clean(text):
    """Stored safely: NFC, no control, zero-width or bidi characters."""
    assert text == unicodedata.normalize("NFC", text)
    assert not FORBIDDEN.search(text), repr(FORBIDDEN.findall(text)[:5])


def assert_not_500(response):
    assert response.status_code < 500, response.content[:2000]


def content(response):
    return response.content.decode()


def assert_says(response, fragment):
    """The page holds `fragment` (its text, entities decoded)."""
    text = html.unescape(content(response))
    if fragment not in text:
        said = re.findall(
            r'class="[^"]*(?:error|invalid|danger|alert)[^"]*"[^>]*>\s*([^<]{1,300})', text
        )
        raise AssertionError(f"{fragment!r} not in the page; it says {said[:6]} {text[:300]!r}")


def message_texts(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def assert_no_raw_markup(page):
    assert "<script>alert" not in page and "<img src=x" not in page


REFUSED = "refused"
STORED = "stored"


# ================================================================ section texts


SECTION_CASES = [
    # id, text posted, expectation, the message fragment or the text stored
    ("plain", "Đã quán triệt đến 100% đảng viên.", STORED, "Đã quán triệt đến 100% đảng viên."),
    ("nfd-vietnamese", NFD, STORED, NFC),
    ("nfd-and-nfc-mixed", NFD + " / " + NFC, STORED, NFC + " / " + NFC),
    (
        "nfd-every-tone",
        unicodedata.normalize("NFD", "àáảãạ ằắẳẵặ ầấẩẫậ ờớởỡợ ừứửữự đ"),
        STORED,
        "àáảãạ ằắẳẵặ ầấẩẫậ ờớởỡợ ừứửữự đ",
    ),
    ("c0-controls", "Quán\x01 triệt\x02\x03 xong\x1f", STORED, "Quán triệt xong"),
    ("nul-bytes", "Trước\x00 sau\x00\x00", STORED, "Trước sau"),
    ("bell-and-escape", "Cảnh báo\x07 \x1b[31mđỏ\x1b[0m", STORED, "Cảnh báo [31mđỏ[0m"),
    ("delete-char", "Xóa\x7f ký tự", STORED, "Xóa ký tự"),
    ("c1-controls", "Dán từ\x85 Word\x9f", STORED, "Dán từ Word"),
    ("zero-width", "Không\u200b có\ufeff dấu cách ẩn", STORED, "Không có dấu cách ẩn"),
    ("bidi-override", "Số liệu \u202eđảo ngược\u202c xong", STORED, "Số liệu đảo ngược xong"),
    ("bidi-isolate", "Đoạn \u2066chèn\u2069 thêm", STORED, "Đoạn chèn thêm"),
    (
        "crlf-cr-lf-mix",
        "Dòng 1\r\nDòng 2\rDòng 3\nDòng 4",
        STORED,
        "Dòng 1\nDòng 2\nDòng 3\nDòng 4",
    ),
    ("line-separators", "Dòng 1\u2028Dòng 2\u2029Dòng 3", STORED, "Dòng 1\nDòng 2\nDòng 3"),
    ("vertical-tab-form-feed", "Trang 1\x0cTrang 2\x0bhết", STORED, "Trang 1Trang 2hết"),
    ("tabs-and-nbsp", "Cột\t1\u00a0\u00a0và   cột 2", STORED, "Cột 1 và cột 2"),
    ("whitespace-only", "  \n\t \r\n \u00a0 ", STORED, ""),
    ("empty", "", STORED, ""),
    ("script-tag", SCRIPT, STORED, SCRIPT),
    ("img-onerror", IMG, STORED, IMG),
    ("svg-onload", "<svg/onload=alert(1)>", STORED, "<svg/onload=alert(1)>"),
    (
        "closing-textarea",
        "</textarea><script>alert(2)</script>",
        STORED,
        "</textarea><script>alert(2)</script>",
    ),
    ("html-entities", "&lt;b&gt; &amp; &#60;i&#62;", STORED, "&lt;b&gt; &amp; &#60;i&#62;"),
    (
        "template-variable",
        "{{ 7*7 }} {{ request.user.password }}",
        STORED,
        "{{ 7*7 }} {{ request.user.password }}",
    ),
    ("template-tag", "{% debug %}{% load static %}", STORED, "{% debug %}{% load static %}"),
    ("sql", SQL, STORED, SQL),
    (
        "hyperlink-formula",
        '=HYPERLINK("http://evil.example","Bấm vào đây")',
        STORED,
        '=HYPERLINK("http://evil.example","Bấm vào đây")',
    ),
    ("dde-formula", "=cmd|' /C calc'!A0", STORED, "=cmd|' /C calc'!A0"),
    ("plus-minus-at-formulas", "+1+1\n-2+3\n@SUM(1,2)", STORED, "+1+1\n-2+3\n@SUM(1,2)"),
    ("javascript-url", "javascript:alert(1)", STORED, "javascript:alert(1)"),
    ("emoji-and-astral", "Đạt 100% 🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", STORED, "Đạt 100% 🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"),
    (
        "combining-pileup",
        "a" + "\u0301" * 50,
        STORED,
        unicodedata.normalize("NFC", "a" + "\u0301" * 50),
    ),
    ("exactly-the-limit", "a" * LIMIT, STORED, "a" * LIMIT),
    (
        "one-over-the-limit",
        "a" * (LIMIT + 1),
        REFUSED,
        "Mục này quá dài (200.001 ký tự; tối đa 200.000)",
    ),
    ("one-megabyte", "x" * MB, REFUSED, "Mục này quá dài (1.000.000 ký tự"),
    ("one-megabyte-of-lines", "dòng\r\n" * (MB // 6), REFUSED, "Mục này quá dài"),
    (
        "under-the-limit-once-cleaned",
        "a" * (LIMIT - 1) + "\x00" * 300_000,
        STORED,
        "a" * (LIMIT - 1),
    ),
    (
        "nfd-shrinks-under-the-limit",
        unicodedata.normalize("NFD", "ệ") * 100_000,
        STORED,
        "ệ" * 100_000,
    ),
]


@pytest.mark.parametrize(
    "text,expect,detail", [pytest.param(t, e, d, id=i) for i, t, e, d in SECTION_CASES]
)
def test_section_text(post_as, report, text, expect, detail):
    client = post_as("chauthanh")
    section = first_section(report)
    before = state(report)
    response = client.post(
        f"/reports/{report.pk}/sections/{section.pk}/", {"text": text, "version": "1"}
    )
    assert_not_500(response)
    if expect == REFUSED:
        assert response.status_code == 422
        assert_says(response, detail)
        assert state(report) == before
        return
    assert response.status_code == 200
    saved = SectionText.objects.get(report=report, section=section)
    assert saved.text == detail and saved.version == 2
    assert_clean(saved.text)
    if "<" in text or "{" in text:
        editor = content(client.get(f"/reports/{report.pk}/"))
        preview = content(client.get(f"/reports/{report.pk}/preview/"))
        for page in (editor, preview):
            assert_no_raw_markup(page)
            assert "<script>alert(2)" not in page and "<svg/onload" not in page
            if "<script>" in text:
                assert "&lt;script&gt;" in page
            if "{{ 7*7 }}" in text:
                assert "{{ 7*7 }}" in page  # shown as typed, never evaluated
        shown = editor.replace("&#x27;", "'").replace("&quot;", '"')
        assert html.escape(detail, quote=False) in shown


RAW_BODIES = [
    # Bytes that are not UTF-8, or UTF-8 of lone surrogates: decoded with U+FFFD.
    ("lone-high-surrogate", b"%ED%A0%80"),
    ("lone-low-surrogate", b"%ED%B0%80"),
    ("invalid-utf8", b"%FF%FE%FD"),
    ("overlong-nul", b"%C0%80"),
    ("truncated-sequence", b"Vi%E1%BB"),
]


@pytest.mark.parametrize("raw", [pytest.param(b, id=i) for i, b in RAW_BODIES])
def test_section_text_of_bytes_that_are_not_utf8(post_as, report, raw):
    client = post_as("chauthanh")
    section = first_section(report)
    response = client.post(
        f"/reports/{report.pk}/sections/{section.pk}/",
        b"version=1&text=" + raw,
        content_type="application/x-www-form-urlencoded",
    )
    assert_not_500(response)
    assert response.status_code == 200
    saved = SectionText.objects.get(report=report, section=section)
    assert_clean(saved.text)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in saved.text)


VERSIONS = [
    ("not-a-number", "abc"),
    ("empty", ""),
    ("negative", "-1"),
    ("float", "1.0"),
    ("exponent", "1e3"),
    ("huge", "9" * 30),
    ("bigint-overflow", str(2**63)),
    ("old", "0"),
    ("future", "7"),
    ("sql", "1 OR 1=1"),
]


@pytest.mark.parametrize("version", [pytest.param(v, id=i) for i, v in VERSIONS])
def test_section_version_in_a_wrong_shape_is_a_conflict(post_as, report, version):
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(
        f"/reports/{report.pk}/sections/{first_section(report).pk}/",
        {"text": "Văn bản mới", "version": version},
    )
    assert_not_500(response)
    assert response.status_code == 409
    assert "Nội dung đã lưu trước đó." in content(response)  # what is saved, to compare
    assert state(report) == before


# ================================================================ indicator cells

# What is typed, and for a refusal a fragment of the message; the same for
# "actual" and "plan" (both figures the report states).
BAD_NUMBERS = [
    ("dot-decimal", "1.5", "Dùng dấu phẩy cho phần thập phân"),
    ("two-commas", "1,2,3", "một dấu phẩy thập phân"),
    ("double-slash", "12//12", "thành phân số"),
    ("three-part-fraction", "12/12/12", "thành phân số"),
    ("arabic-indic-digits", "٣٤", "Cách viết đúng"),
    ("extended-arabic-digits", "۱۲۳", "Cách viết đúng"),
    ("arabic-decimal-sign", "١٫٥", "Cách viết đúng"),
    ("fullwidth-digits", "１２", "Cách viết đúng"),
    ("fullwidth-decimal", "０,５", "Cách viết đúng"),
    ("exponent", "1e10", "lũy thừa"),
    ("nan", "NaN", "không phải là một số"),
    ("infinity", "Infinity", "không phải là một số"),
    ("inf", "inf", "không phải là một số"),
    ("double-minus", "--5", "một dấu trừ"),
    ("en-dash-minus", "–5", "Cách viết đúng"),
    ("minus-space", "- 5", "Cách viết đúng"),
    ("double-comparator", "< <14", "sau dấu so sánh"),
    ("lone-percent", "%", "Cách viết đúng"),
    ("ten-to-the-thirty", "1" + "0" * 30, "quá dài"),
    ("caret-power", "10^30", "Cách viết đúng"),
    ("sixteen-digits", "9" * 16, "quá dài"),
    ("seven-decimals", "1,0000001", "quá dài"),
    ("hex", "0x10", "Cách viết đúng"),
    ("underscores", "1_000", "Cách viết đúng"),
    ("space-thousands", "1 000", "khoảng trắng giữa các chữ số"),
    ("zero-width-inside", "1\u200b000", "khoảng trắng giữa các chữ số"),
    ("rtl-override", "\u202e12", "ký tự điều khiển"),
    ("rtl-mark-inside", "1\u200f2", "Cách viết đúng"),
    ("nul-after", "5\x00", "ký tự điều khiển"),
    ("control-char", "5\x01", "ký tự điều khiển"),
    ("two-dots", "1.5.5", "Dùng dấu phẩy"),
    ("trailing-comma", "1,", "thiếu chữ số sau dấu phẩy"),
    ("zero-denominator", "12/0", "mẫu số bằng 0"),
    ("zero-over-zero", "0/0", "mẫu số bằng 0"),
    ("half-range", "80 - ", "Cách viết đúng"),
    ("equals-formula", "=1+1", "sau dấu so sánh"),
    ("template-expression", "${7*7}", "Cách viết đúng"),
]

# Accepted: (typed, what the stored "as written" text is, or None for deleted).
SAFE_NUMBERS = [
    ("minus-zero", "-0", "-0"),
    ("unicode-minus", "−5", "−5"),
    ("thousands", "1.000.000", "1.000.000"),
    ("percent", "12%", "12%"),
    ("fourteen-digits", "9" * 14, "9" * 14),
    ("zero-width-at-the-edge", "\u200b12\u200b", "12"),
    ("nbsp-around", "\u00a012,5\u00a0", "12,5"),
]
SAFE_TEXTS = [
    # Words make a text entry where a cell allows it: stored as typed, shown escaped.
    ("vulgar-half", "½", "½"),
    ("number-and-letters", "12abc", "12abc"),
    ("script", SCRIPT, SCRIPT),
    ("img", IMG, IMG),
    ("sum-formula", "=SUM(A1:A9)", "=SUM(A1:A9)"),
    ("hyperlink-formula", '=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
    ("at-formula", "@SUM(A1)", "@SUM(A1)"),
    ("sql", SQL, SQL),
    ("nfd-words", unicodedata.normalize("NFD", "khoảng 74 trạm"), "khoảng 74 trạm"),
]


def post_cell(client, report, column, typed, indicator=None):
    indicator = indicator if indicator is not None else Indicator.objects.get(code=INDICATOR).pk
    return client.post(
        f"/reports/{report.pk}/cells/",
        {"indicator": indicator, "column": column, "value": typed},
    )


def stored_cell(report, column):
    """What the report states in `column` for the indicator, as written (None: nothing)."""
    indicator = Indicator.objects.get(code=INDICATOR)
    found = ReportValue.objects.filter(report=report, indicator=indicator, column=column).first()
    return found.text if found else None


COLUMNS = ("actual", "plan")


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("typed,message", [pytest.param(t, m, id=i) for i, t, m in BAD_NUMBERS])
def test_cell_refuses_a_number_in_a_wrong_shape(post_as, report, column, typed, message):
    client = post_as("chauthanh")
    before = state(report)
    response = post_cell(client, report, column, typed)
    assert_not_500(response)
    assert response.status_code == 422
    assert_says(response, message)
    assert_no_raw_markup(content(response))
    assert state(report) == before


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize(
    "typed,stored", [pytest.param(t, s, id=i) for i, t, s in SAFE_NUMBERS + SAFE_TEXTS]
)
def test_cell_stores_safely(post_as, report, column, typed, stored):
    client = post_as("chauthanh")
    targets = state(report)["targets"]
    response = post_cell(client, report, column, typed)
    assert_not_500(response)
    assert response.status_code == 200
    assert stored_cell(report, column) == stored
    assert state(report)["targets"] == targets  # the unit's plan is the report's, not a target
    assert_clean(stored_cell(report, column))
    page = content(response) + content(client.get(f"/reports/{report.pk}/"))
    assert_no_raw_markup(page)
    if "<" in stored:
        assert html.escape(stored, quote=False).replace('"', "&quot;") in page.replace(
            "&#x27;", "'"
        )


CELL_OTHER = [
    # id, column, typed, expected status, message fragment ("" when emptied on purpose)
    ("empty-clears", "actual", "", 200, None),
    ("whitespace-clears", "plan", " \t\u00a0 ", 200, None),
    ("range-as-result", "actual", "80 - 90", 422, "không thể là một khoảng"),
    ("range-as-plan", "plan", "80 - 90", 200, "80 - 90"),
    (
        "text-over-the-value-limit",
        "actual",
        "rất nhiều " * 250,
        422,
        "Ô này có 2.499 ký tự; chỉ được tối đa 2.000",
    ),
    (
        # A plan is a figure of the report too: the same column, the same limit.
        "text-over-the-plan-limit",
        "plan",
        "rất " * 501,
        422,
        "Ô này có 2.003 ký tự; chỉ được tối đa 2.000",
    ),
    ("one-megabyte", "actual", "x" * MB, 422, "1.000.000 ký tự; chỉ được tối đa 2.000"),
    ("one-megabyte-plan", "plan_next", "x" * MB, 422, "1.000.000 ký tự; chỉ được tối đa 2.000"),
    ("fifteen-digits", "actual", "9" * 15, 422, "14"),
    ("fifteen-digits-plan", "plan", "9" * 15, 422, "14"),
    ("fifteen-digit-bound", "plan", "< " + "9" * 15, 422, "14"),
    ("fifteen-digit-range", "plan_next", "1 - " + "9" * 15, 422, "14"),
    ("ratio-column", "ratio", "12", 422, "Cột không hợp lệ"),
    ("unknown-column", "tong", "12", 422, "Cột không hợp lệ"),
    ("empty-column", "", "12", 422, "Cột không hợp lệ"),
    ("html-column", SCRIPT, "12", 422, "Cột không hợp lệ"),
    ("sql-column", "actual' OR '1'='1", "12", 422, "Cột không hợp lệ"),
]


@pytest.mark.parametrize(
    "column,typed,status,detail", [pytest.param(*c[1:], id=c[0]) for c in CELL_OTHER]
)
def test_cell_other_inputs(post_as, report, column, typed, status, detail):
    client = post_as("chauthanh")
    before = state(report)
    response = post_cell(client, report, column, typed)
    assert_not_500(response)
    assert response.status_code == status
    if status == 422:
        if detail == "14":
            detail = vi(
                "The number is too large for this table: at most %(digits)s digits "
                "before the decimal comma.",
                digits=14,
            )
        assert_says(response, detail)
        assert_no_raw_markup(content(response))
        assert state(report) == before
    elif detail is None:
        assert stored_cell(report, column) is None
    else:
        assert stored_cell(report, column) == detail


BAD_INDICATORS = [
    ("letters", "abc"),
    ("empty", ""),
    ("zero", "0"),
    ("negative", "-1"),
    ("decimal", "1.5"),
    ("huge", "9" * 30),
    ("sql", "1 OR 1=1"),
    ("superscript-digit", "²"),
    ("not-in-this-report", "other"),
]


@pytest.mark.parametrize("indicator", [pytest.param(v, id=i) for i, v in BAD_INDICATORS])
def test_cell_of_an_indicator_that_is_not_the_reports(post_as, report, indicator):
    if indicator == "other":
        codes = set()
        for table in report.round.template.tables.all():
            codes |= set(table.config.get("indicators", []))
        indicator = Indicator.objects.exclude(code__in=codes).first().pk
    client = post_as("chauthanh")
    before = state(report)
    response = post_cell(client, report, "actual", "12", indicator=indicator)
    assert_not_500(response)
    assert response.status_code in (404, 422)
    assert state(report) == before


# ================================================================ figures (đồng)


FIGURE_REFUSED = [(i, t, m) for i, t, m in BAD_NUMBERS] + [
    ("words", "mười tỷ đồng", "chỉ nhận số"),
    ("range", "80 - 90", "chỉ nhận một số"),
    ("fraction", "12/12", "chỉ nhận một số"),
    ("script", SCRIPT, "chỉ nhận số"),
    ("hyperlink", '=HYPERLINK("http://x","y")', "chỉ nhận số"),
    ("sql", SQL, "chỉ nhận số"),
    ("one-megabyte", "9" * MB, "quá giới hạn 2.000 ký tự"),
]
FIGURE_STORED = [
    ("dong-suffix", "10.775.000.000 đồng", "10.775.000.000 đồng"),
    ("nfd-dong-suffix", unicodedata.normalize("NFD", "1.000 đồng"), "1.000 đồng"),
    ("zero-width-edges", "\u200b1.000\ufeff", "1.000"),
    ("minus-zero", "-0", "-0"),
    ("fifteen-digits", "9" * 15, "9" * 15),
    ("spaces-padding", "5" + " " * 300 + "đồng", "5 đồng"),
]


@pytest.mark.parametrize("typed,message", [pytest.param(t, m, id=i) for i, t, m in FIGURE_REFUSED])
def test_figure_refuses(post_as, report, typed, message):
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(f"/reports/{report.pk}/figures/", {"code": FIGURE, "value": typed})
    assert_not_500(response)
    assert response.status_code == 422
    assert_says(response, message)
    assert state(report) == before


@pytest.mark.parametrize("typed,stored", [pytest.param(t, s, id=i) for i, t, s in FIGURE_STORED])
def test_figure_stored_safely(post_as, report, typed, stored):
    client = post_as("chauthanh")
    response = client.post(f"/reports/{report.pk}/figures/", {"code": FIGURE, "value": typed})
    assert_not_500(response)
    assert response.status_code == 200
    figure = ReportFigure.objects.get(report=report, code=FIGURE)
    assert figure.text == stored
    assert_clean(figure.text)


FIGURE_CODES = [
    ("unknown", "khong-co-so-nay"),
    ("empty", ""),
    ("over-the-slug-limit", "a" * 61),
    ("one-megabyte", "a" * MB),
    ("html", SCRIPT),
    ("sql", "x'; DROP TABLE reports_reportfigure; --"),
    ("nul", "ngan-sach\x00"),
]


@pytest.mark.parametrize("code", [pytest.param(c, id=i) for i, c in FIGURE_CODES])
def test_figure_of_a_code_that_is_not_in_the_outline(post_as, report, code):
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(f"/reports/{report.pk}/figures/", {"code": code, "value": "1.000"})
    assert_not_500(response)
    assert response.status_code == 422
    assert_says(response, vi("This figure is not in the report's outline."))
    assert state(report) == before


# ================================================================ document fields

DATES = [
    ("iso", "2020-11-20"),
    ("two-digit-year", "20/11/20"),
    ("february-31", "31/02/2021"),
    ("zeros", "00/00/0000"),
    ("five-digit-year", "20/11/20200"),
    ("with-time", "20/11/2020 10:00"),
    ("words", "hôm nay"),
    ("month-first", "11/20/2020"),
    ("dots", "20.11.2020"),
    ("html", SCRIPT),
    ("nul", "20/11/2020\x00"),
    ("sql", "20/11/2020' OR '1'='1"),
    ("one-megabyte", "2" * MB),
    ("negative-year", "20/11/-2020"),
]


@pytest.mark.parametrize("signed_on", [pytest.param(v, id=i) for i, v in DATES])
def test_document_date_in_a_wrong_shape(post_as, report, signed_on):
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(
        f"/reports/{report.pk}/fields/",
        {"signed_on": signed_on, "signer": "Người khác", "version": report.version},
    )
    assert_not_500(response)
    assert response.status_code == 422
    assert "Ghi ngày theo dạng ngày/tháng/năm" in content(response)
    assert state(report) == before


FIELDS_REFUSED = [
    # id, the field, the value, its length once cleaned, the limit
    ("number-symbol-61", "number_symbol", "1" * 61, "61", "60"),
    ("number-symbol-1mb", "number_symbol", "1" * MB, "1.000.000", "60"),
    ("place-101", "place", "x" * 101, "101", "100"),
    ("superior-body-201", "superior_body", "x" * 201, "201", "200"),
    ("issuing-body-201", "issuing_body", "x" * 201, "201", "200"),
    ("position-101", "position", "x" * 101, "101", "100"),
    ("signer-101", "signer", "x" * 101, "101", "100"),
    ("signer-nfd-over-after-nfc", "signer", unicodedata.normalize("NFD", "ệ") * 101, "101", "100"),
    ("summary-1mb", "summary", "x" * MB, "1.000.000", "200.000"),
    ("introduction-1mb", "introduction", "y" * MB, "1.000.000", "200.000"),
    ("recipients-1mb", "recipients", "Nơi nhận\n" * (MB // 9), "999.998", "200.000"),
]


@pytest.mark.parametrize(
    "name,value,length,limit", [pytest.param(*c[1:], id=c[0]) for c in FIELDS_REFUSED]
)
def test_document_field_too_long(post_as, report, name, value, length, limit):
    with translation.override("vi"):
        label = str(Report._meta.get_field(name).verbose_name)
    message = vi(FIELD_TOO_LONG, field=label, length=length, limit=limit)
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(
        f"/reports/{report.pk}/fields/", {name: value, "version": report.version}
    )
    assert_not_500(response)
    assert response.status_code == 422
    assert_says(response, message)
    assert state(report) == before


FIELDS_STORED = [
    ("number-symbol-60", "number_symbol", "1" * 60, "1" * 60),
    ("signer-nfd", "signer", unicodedata.normalize("NFD", "Nguyễn Thị Hường"), "Nguyễn Thị Hường"),
    ("signer-nfd-100-after-nfc", "signer", unicodedata.normalize("NFD", "ệ") * 100, "ệ" * 100),
    ("place-controls", "place", "Châu\x00 Thành\x1b\u200b", "Châu Thành"),
    ("summary-script", "summary", SCRIPT, SCRIPT),
    ("signer-img", "signer", IMG, IMG),
    ("closing-template", "closing", "{{ 7*7 }}{% debug %}", "{{ 7*7 }}{% debug %}"),
    ("issuing-body-sql", "issuing_body", SQL, SQL),
    (
        "recipients-crlf",
        "recipients",
        "Như trên;\r\nLưu VT.\rHuyện ủy",
        "Như trên;\nLưu VT.\nHuyện ủy",
    ),
    ("authority-formula", "authority", '=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
    ("number-symbol-bidi", "number_symbol", "12\u202e-BC/HU", "12-BC/HU"),
    ("empty-date", "signed_on", "  ", None),
    ("valid-date", "signed_on", "20/11/2020", "2020-11-20"),
]


@pytest.mark.parametrize(
    "name,value,stored", [pytest.param(*c[1:], id=c[0]) for c in FIELDS_STORED]
)
def test_document_field_stored_safely(post_as, report, name, value, stored):
    client = post_as("chauthanh")
    response = client.post(
        f"/reports/{report.pk}/fields/", {name: value, "version": report.version}
    )
    assert_not_500(response)
    assert response.status_code == 200
    saved = Report.objects.get(pk=report.pk)
    got = getattr(saved, name)
    if name == "signed_on":
        assert (got.isoformat() if got else None) == stored
        return
    assert got == stored
    assert_clean(got)
    for url in (f"/reports/{report.pk}/", f"/reports/{report.pk}/preview/"):
        page = content(client.get(url))
        assert_no_raw_markup(page)


# A garbled version never matches the saved one: a conflict, as for a section's text.
FIELDS_OTHER = [
    ("version-letters", {"version": "abc", "signer": "X"}, "Người khác đã lưu"),
    ("version-empty", {"version": "", "signer": "X"}, "Người khác đã lưu"),
    ("version-huge", {"version": "9" * 30, "signer": "X"}, "Người khác đã lưu"),
    ("version-old", {"version": "0", "signer": "X"}, "Người khác đã lưu"),
]


@pytest.mark.parametrize("data,message", [pytest.param(d, m, id=i) for i, d, m in FIELDS_OTHER])
def test_document_fields_of_a_stale_or_garbled_version(post_as, report, data, message):
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(f"/reports/{report.pk}/fields/", data)
    assert_not_500(response)
    assert response.status_code in (409, 422)
    assert_says(response, message)
    if response.status_code == 409:
        assert_says(response, "Nguyễn Văn An")  # what is saved, to compare
    assert state(report) == before


def test_document_fields_ignore_fields_that_are_not_the_documents(post_as, report):
    client = post_as("chauthanh")
    response = client.post(
        f"/reports/{report.pk}/fields/",
        {"version": report.version, "status": "accepted", "unit_id": "1", "signer": "Lê Văn Tám"},
    )
    assert_not_500(response)
    saved = Report.objects.get(pk=report.pk)
    assert saved.status != ReportStatus.ACCEPTED and saved.unit_id == report.unit_id
    assert saved.signer == "Lê Văn Tám"


# ================================================================ appendix rows


DISSEMINATION = [
    # id, data (without the prefix), expectation, message fragment or the label stored
    (
        "label-201",
        {"unit_label": "x" * 201, "done": "on"},
        REFUSED,
        "tối đa 200 kí tự (hiện có 201)",
    ),
    ("label-1mb", {"unit_label": "x" * MB, "done": "on"}, REFUSED, "(hiện có 1000000)"),
    ("label-empty", {"unit_label": "", "done": "on"}, REFUSED, "Trường này là bắt buộc"),
    ("label-nul", {"unit_label": "Xã\x00 Mỹ", "done": "on"}, STORED, "Xã Mỹ"),
    (
        "unknown-audience",
        {"unit_label": "Xã A", "done": "on", "audiences": "Học sinh"},
        REFUSED,
        "Hãy chọn một lựa chọn hợp lệ",
    ),
    (
        "html-audience",
        {"unit_label": "Xã A", "done": "on", "audiences": SCRIPT},
        REFUSED,
        "Hãy chọn một lựa chọn hợp lệ",
    ),
    (
        "unknown-method",
        {"unit_label": "Xã A", "done": "on", "methods": "' OR 1=1"},
        REFUSED,
        "Hãy chọn một lựa chọn hợp lệ",
    ),
    (
        "ticked-not-done",
        {"unit_label": "Xã A", "audiences": "Cán bộ chủ chốt"},
        REFUSED,
        "Đánh dấu “đã quán triệt”",
    ),
    ("label-script", {"unit_label": SCRIPT, "done": "on"}, STORED, SCRIPT),
    ("label-img", {"unit_label": IMG}, STORED, IMG),
    ("label-nfd", {"unit_label": unicodedata.normalize("NFD", "Xã Mỹ Hiệp")}, STORED, "Xã Mỹ Hiệp"),
    ("label-controls", {"unit_label": "Xã\x01 Bình\u202e Thạnh\x7f"}, STORED, "Xã Bình Thạnh"),
    ("label-newlines", {"unit_label": "Xã\r\nTân\rBình"}, STORED, "Xã Tân Bình"),
    (
        "label-formula",
        {"unit_label": '=HYPERLINK("http://x","y")'},
        STORED,
        '=HYPERLINK("http://x","y")',
    ),
    (
        "label-200-after-nfc",
        {"unit_label": unicodedata.normalize("NFD", "ệ") * 200},
        STORED,
        "ệ" * 200,
    ),
    ("done-garbled", {"unit_label": "Xã B", "done": "có lẽ"}, STORED, "Xã B"),
]


@pytest.mark.parametrize(
    "data,expect,detail", [pytest.param(*c[1:], id=c[0]) for c in DISSEMINATION]
)
def test_dissemination_row(post_as, report, data, expect, detail):
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(
        f"/reports/{report.pk}/appendix/dissemination/",
        {f"dissemination-{k}": v for k, v in data.items()},
    )
    assert_not_500(response)
    if expect == REFUSED:
        assert response.status_code == 422
        assert_says(response, detail)
        assert_no_raw_markup(content(response))
        assert state(report) == before
        return
    assert response.status_code == 302
    row = report.dissemination.order_by("-pk").first()
    assert row.unit_label == detail
    assert_clean(row.unit_label)
    page = content(client.get(f"/reports/{report.pk}/"))
    assert_no_raw_markup(page)
    assert_no_raw_markup(content(client.get(f"/reports/{report.pk}/preview/")))


DOCUMENTS = [
    ("number-61", {"number_symbol": "1" * 61}, REFUSED, "tối đa 60 kí tự (hiện có 61)"),
    ("number-empty", {"number_symbol": ""}, REFUSED, "Trường này là bắt buộc"),
    ("issuer-201", {"number_symbol": "1", "issuer": "x" * 201}, REFUSED, "tối đa 200 kí tự"),
    ("summary-501", {"number_symbol": "1", "summary": "x" * 501}, REFUSED, "tối đa 500 kí tự"),
    ("summary-1mb", {"number_symbol": "1", "summary": "x" * MB}, REFUSED, "tối đa 500 kí tự"),
    ("issuer-nul", {"number_symbol": "3\x00", "issuer": "\x00"}, STORED, "3"),
    (
        "date-iso",
        {"number_symbol": "1", "issued_on": "2018-07-11"},
        REFUSED,
        "Ghi ngày theo dạng dd/mm/yyyy, ví dụ 11/07/2018",
    ),
    (
        "date-february-30",
        {"number_symbol": "1", "issued_on": "30/02/2018"},
        REFUSED,
        "Ghi ngày theo dạng dd/mm/yyyy",
    ),
    (
        "date-words",
        {"number_symbol": "1", "issued_on": "tháng trước"},
        REFUSED,
        "Ghi ngày theo dạng dd/mm/yyyy",
    ),
    (
        "date-huge-year",
        {"number_symbol": "1", "issued_on": "11/07/99999"},
        REFUSED,
        "Ghi ngày theo dạng dd/mm/yyyy",
    ),
    (
        "date-script",
        {"number_symbol": "1", "issued_on": SCRIPT},
        REFUSED,
        "Ghi ngày theo dạng dd/mm/yyyy",
    ),
    ("number-script", {"number_symbol": SCRIPT[:60]}, STORED, SCRIPT[:60]),
    ("summary-img", {"number_symbol": "2", "summary": IMG}, STORED, "2"),
    ("issuer-nfd", {"number_symbol": unicodedata.normalize("NFD", "15-CT/HU")}, STORED, "15-CT/HU"),
    ("number-controls", {"number_symbol": "16\x02-KH\u200b/HU"}, STORED, "16-KH/HU"),
    ("number-formula", {"number_symbol": "=1+1"}, STORED, "=1+1"),
]


@pytest.mark.parametrize("data,expect,detail", [pytest.param(*c[1:], id=c[0]) for c in DOCUMENTS])
def test_documents_row(post_as, report, data, expect, detail):
    client = post_as("chauthanh")
    before = state(report)
    response = client.post(
        f"/reports/{report.pk}/appendix/documents/",
        {f"documents-{k}": v for k, v in data.items()},
    )
    assert_not_500(response)
    if expect == REFUSED:
        assert response.status_code == 422
        assert_says(response, detail)
        assert_no_raw_markup(content(response))
        assert state(report) == before
        return
    assert response.status_code == 302
    row = report.documents.order_by("-pk").first()
    assert row.number_symbol == detail
    for text in (row.number_symbol, row.issuer, row.summary):
        assert_clean(text)
    assert_no_raw_markup(content(client.get(f"/reports/{report.pk}/")))


@pytest.mark.parametrize(
    "table", ["unknown", SCRIPT[:20].replace("/", ""), "indicators", "x" * 300]
)
def test_appendix_of_a_table_that_does_not_exist(post_as, report, table):
    before = state(report)
    response = post_as("chauthanh").post(f"/reports/{report.pk}/appendix/{table}/", {})
    assert_not_500(response)
    assert response.status_code == 404
    assert state(report) == before


# ================================================================ comments and return reasons


COMMENTS = [
    ("empty", {"text": ""}, REFUSED, "Hãy viết nội dung góp ý"),
    ("whitespace", {"text": " \r\n\t "}, REFUSED, "Hãy viết nội dung góp ý"),
    ("only-controls", {"text": "\x00\x01\u200b"}, REFUSED, "Hãy viết nội dung góp ý"),
    ("one-megabyte", {"text": "x" * MB}, REFUSED, "1.000.000"),
    ("over-the-limit", {"text": "x" * 20_001}, REFUSED, "20.001"),
    ("script", {"text": SCRIPT}, STORED, SCRIPT),
    ("img", {"text": IMG}, STORED, IMG),
    ("template", {"text": "{{ 7*7 }}{% debug %}"}, STORED, "{{ 7*7 }}{% debug %}"),
    ("nfd", {"text": NFD}, STORED, NFC),
    ("nul-and-controls", {"text": "Cần\x00 bổ\x1b sung\u202e"}, STORED, "Cần bổ sung"),
    ("crlf", {"text": "Ý 1\r\nÝ 2\rÝ 3"}, STORED, "Ý 1\nÝ 2\nÝ 3"),
    ("section-letters", {"text": "Góp ý", "section": "abc"}, STORED, "Góp ý"),
    ("section-huge", {"text": "Góp ý", "section": "9" * 30}, STORED, "Góp ý"),
    ("indicator-letters", {"text": "Góp ý", "indicator": "1 OR 1=1"}, STORED, "Góp ý"),
    ("indicator-superscript", {"text": "Góp ý", "indicator": "²"}, STORED, "Góp ý"),
]


@pytest.mark.parametrize("data,expect,detail", [pytest.param(*c[1:], id=c[0]) for c in COMMENTS])
def test_review_comment(post_as, report, data, expect, detail):
    client = post_as("syt")
    before = state(report)
    response = client.post(f"/reports/{report.pk}/comments/", data)
    assert_not_500(response)
    assert response.status_code == 302
    if expect == REFUSED:
        if detail[0].isdigit():
            detail = vi(TOO_LONG, length=detail, limit="20.000")
        assert detail in message_texts(response)
        assert state(report) == before
        return
    comment = ReviewComment.objects.filter(report=report).latest("pk")
    assert comment.text == detail
    assert_clean(comment.text)
    for username in ("syt", "chauthanh"):
        assert_no_raw_markup(content(post_as(username).get(f"/reports/{report.pk}/")))


@pytest.fixture
def submitted(report):
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    report.refresh_from_db()
    return report


RETURNS = [
    ("empty", "", REFUSED, "Hãy ghi lý do trả lại báo cáo"),
    ("whitespace", "  \r\n ", REFUSED, "Hãy ghi lý do trả lại báo cáo"),
    ("only-controls", "\x00\u200b\x1f", REFUSED, "Hãy ghi lý do trả lại báo cáo"),
    ("one-megabyte", "x" * MB, REFUSED, "1.000.000"),
    ("script", SCRIPT, STORED, SCRIPT),
    ("img", IMG, STORED, IMG),
    ("nfd", NFD, STORED, NFC),
    ("nul", "Thiếu\x00 số liệu", STORED, "Thiếu số liệu"),
    ("sql", SQL, STORED, SQL),
]


@pytest.mark.parametrize("reason,expect,detail", [pytest.param(*c[1:], id=c[0]) for c in RETURNS])
def test_return_reason(post_as, submitted, reason, expect, detail):
    client = post_as("syt")
    before = state(submitted)
    response = client.post(f"/reports/{submitted.pk}/return/", {"reason": reason})
    assert_not_500(response)
    assert response.status_code == 302
    if expect == REFUSED:
        if detail[0].isdigit():
            detail = vi(TOO_LONG, length=detail, limit="20.000")
        assert detail in message_texts(response)
        assert state(submitted) == before
        return
    change = StatusChange.objects.filter(report=submitted).latest("pk")
    assert change.to_status == ReportStatus.RETURNED and change.reason == detail
    assert_clean(change.reason)
    for username in ("syt", "chauthanh"):
        assert_no_raw_markup(content(post_as(username).get(f"/reports/{submitted.pk}/")))


# ================================================================ the communes' round


@pytest.fixture
def district_reviewer(demo):
    reviewer = get_user_model().objects.create_user("ytct-hostile", email="ytct@example.vn")
    Membership.objects.create(user=reviewer, unit=unit("877"), role=Role.REVIEWER)
    return reviewer


DEADLINES = [
    ("empty", "", "Nhập hạn báo cáo của cấp xã"),
    ("iso", "2022-01-05", "Ghi ngày theo dạng dd/mm/yyyy, ví dụ 01/10/2022"),
    ("february-30", "30/02/2022", "Ghi ngày theo dạng dd/mm/yyyy"),
    ("words", "mùng 5 tết", "Ghi ngày theo dạng dd/mm/yyyy"),
    ("five-digit-year", "05/01/20222", "Ghi ngày theo dạng dd/mm/yyyy"),
    ("nul", "05/01/2022\x00", "Ghi ngày theo dạng dd/mm/yyyy"),
    ("script", SCRIPT, "Ghi ngày theo dạng dd/mm/yyyy"),
    ("sql", "05/01/2022' OR '1'='1", "Ghi ngày theo dạng dd/mm/yyyy"),
    ("one-megabyte", "0" * MB, "Ghi ngày theo dạng dd/mm/yyyy"),
    ("after-the-districts-deadline", "16/01/2022", "15/01/2022"),
    ("far-future", "31/12/9999", "15/01/2022"),
]


@pytest.mark.parametrize("due_on,message", [pytest.param(v, m, id=i) for i, v, m in DEADLINES])
def test_communes_round_deadline(client, district_reviewer, chau_thanh_report, due_on, message):  # noqa: F811
    client.force_login(district_reviewer)
    client.raise_request_exception = False
    before = state(chau_thanh_report)
    response = client.post(f"/reports/{chau_thanh_report.pk}/child-round/", {"due_on": due_on})
    assert_not_500(response)
    assert response.status_code == 422
    assert_says(response, message)
    assert_no_raw_markup(content(response))
    assert state(chau_thanh_report) == before


# ================================================================ emulation movements


@pytest.fixture
def movement(demo):
    launching = unit("877")
    movement = Movement.objects.create(
        unit=launching,
        title="Phong trào thi đua thử",
        year=2021,
        quota_collectives=1,
        quota_individuals=3,
    )
    Participation.objects.create(movement=movement, unit=launching)
    statement = KeyTarget.objects.create(
        movement=movement,
        position=1,
        label="Không để xảy ra ngộ độc thực phẩm",
        kind=KeyTargetKind.STATEMENT,
    )
    movement.statement = statement
    return movement


def movement_state(movement):
    return (
        sorted(
            Declaration.objects.filter(key_target__movement=movement).values_list(
                "unit_id", "checkpoint", "holds", "evidence"
            )
        ),
        sorted(
            AwardProposal.objects.filter(movement=movement).values_list(
                "kind", "unit_id", "person_name", "person_title", "reason"
            )
        ),
    )


DECLARATIONS = [
    ("evidence-4001", "yes", "x" * 4001, REFUSED, "tối đa 4000 kí tự (hiện có 4001)"),
    ("evidence-1mb", "yes", "x" * MB, REFUSED, "tối đa 4000 kí tự"),
    ("evidence-missing", "yes", "", REFUSED, "Nhập minh chứng cho câu trả lời"),
    ("evidence-only-controls", "no", "\x01\u200b\x1f", REFUSED, "Nhập minh chứng"),
    ("evidence-nul", "yes", "Có\x00 biên bản", STORED, "Có biên bản"),
    ("answer-unknown", "có lẽ", "Có minh chứng", REFUSED, "Hãy chọn một lựa chọn hợp lệ"),
    ("answer-script", SCRIPT, "Có minh chứng", REFUSED, "Hãy chọn một lựa chọn hợp lệ"),
    ("evidence-script", "yes", SCRIPT, STORED, SCRIPT),
    ("evidence-img", "no", IMG, STORED, IMG),
    ("evidence-nfd", "yes", NFD, STORED, NFC),
    ("evidence-controls", "yes", "Biên\x1b bản\u202e số 5", STORED, "Biên bản số 5"),
    ("evidence-formula", "yes", '=HYPERLINK("http://x","y")', STORED, '=HYPERLINK("http://x","y")'),
]


@pytest.mark.parametrize(
    "answer,evidence,expect,detail", [pytest.param(*c[1:], id=c[0]) for c in DECLARATIONS]
)
def test_movement_declaration(post_as, movement, answer, evidence, expect, detail):
    client = post_as("chauthanh")
    before = movement_state(movement)
    target = movement.statement
    url = f"/indicators/movements/{movement.pk}/declare/{movement.unit_id}/"
    response = client.post(url, {f"answer_{target.pk}": answer, f"evidence_{target.pk}": evidence})
    assert_not_500(response)
    if expect == REFUSED:
        assert response.status_code == 400
        assert_says(response, detail)
        assert_no_raw_markup(content(response))
        assert movement_state(movement) == before
        return
    assert response.status_code == 302
    declaration = Declaration.objects.get(key_target=target, unit_id=movement.unit_id)
    assert declaration.evidence == detail
    assert_clean(declaration.evidence)
    page = content(client.get(f"/indicators/movements/{movement.pk}/"))
    page += content(client.get(url))
    assert_no_raw_markup(page)


AWARD_OK = {"kind": AwardKind.INDIVIDUAL, "person_name": "Nguyễn Văn Thử", "reason": "Xuất sắc"}
AWARDS = [
    ("name-201", {"person_name": "x" * 201}, REFUSED, "tối đa 200 kí tự (hiện có 201)"),
    ("title-201", {"person_title": "x" * 201}, REFUSED, "tối đa 200 kí tự (hiện có 201)"),
    ("reason-4001", {"reason": "x" * 4001}, REFUSED, "tối đa 4000 kí tự (hiện có 4001)"),
    ("reason-1mb", {"reason": "x" * MB}, REFUSED, "tối đa 4000 kí tự"),
    ("name-nul", {"person_name": "Trần\x00 An"}, STORED, "Trần An"),
    ("kind-unknown", {"kind": "gold"}, REFUSED, "Hãy chọn một lựa chọn hợp lệ"),
    ("kind-script", {"kind": SCRIPT}, REFUSED, "Hãy chọn một lựa chọn hợp lệ"),
    ("unit-letters", {"unit": "abc"}, REFUSED, "Hãy chọn một lựa chọn hợp lệ"),
    ("unit-huge", {"unit": "9" * 30}, REFUSED, "Hãy chọn một lựa chọn hợp lệ"),
    ("unit-sql", {"unit": "1 OR 1=1"}, REFUSED, "Hãy chọn một lựa chọn hợp lệ"),
    ("name-script", {"person_name": SCRIPT}, STORED, SCRIPT),
    ("reason-img", {"reason": IMG}, STORED, "Nguyễn Văn Thử"),
    (
        "name-nfd",
        {"person_name": unicodedata.normalize("NFD", "Trần Thị Ngọc Điệp")},
        STORED,
        "Trần Thị Ngọc Điệp",
    ),
    ("name-controls", {"person_name": "Lê\x1b Văn\u200b Tám\u202e"}, STORED, "Lê Văn Tám"),
    (
        "name-formula",
        {"person_name": '=HYPERLINK("http://x","y")'},
        STORED,
        '=HYPERLINK("http://x","y")',
    ),
]


@pytest.mark.parametrize("data,expect,detail", [pytest.param(*c[1:], id=c[0]) for c in AWARDS])
def test_award_proposal(post_as, movement, data, expect, detail):
    client = post_as("syt")
    before = movement_state(movement)
    url = f"/indicators/movements/{movement.pk}/awards/"
    response = client.post(url, {**AWARD_OK, "unit": movement.unit_id, **data})
    assert_not_500(response)
    if expect == REFUSED:
        assert response.status_code == 400
        assert_says(response, detail)
        assert_no_raw_markup(content(response))
        assert movement_state(movement) == before
        return
    assert response.status_code == 302
    award = AwardProposal.objects.filter(movement=movement).latest("pk")
    assert award.person_name == detail
    for text in (award.person_name, award.person_title, award.reason):
        assert_clean(text)
    assert_no_raw_markup(content(client.get(url)))
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/indicators/movements/{movement.pk}/awards.xlsx").getvalue())
    )
    for ws in workbook:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.data_type == "s"


# ================================================================ login


LOGINS = [
    ("username-151", {"username": "x" * 151, "password": "demo"}),
    ("username-nul", {"username": "chauthanh\x00", "password": "demo"}),
    ("password-nul", {"username": "chauthanh", "password": "de\x00mo"}),
    ("password-1mb", {"username": "chauthanh", "password": "x" * MB}),
    ("username-script", {"username": SCRIPT, "password": "demo"}),
    ("username-sql", {"username": "' OR '1'='1' --", "password": "' OR '1'='1"}),
    ("username-nfd", {"username": unicodedata.normalize("NFD", "chauthanh ệ"), "password": "x"}),
    ("username-controls", {"username": "chau\x1bthanh\u202e", "password": "demo"}),
    ("empty", {"username": "", "password": ""}),
    ("missing-fields", {}),
]


@pytest.mark.parametrize("data", [pytest.param(d, id=i) for i, d in LOGINS])
def test_login(demo, data):
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", data)
    assert_not_500(response)
    assert response.status_code in (200, 403)
    assert "_auth_user_id" not in client.session
    page = content(response)
    assert_no_raw_markup(page)
    assert "invalid-feedback" in page or "alert-danger" in page


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"username": "x" * 256, "password": "demo"}, id="username-256"),
        pytest.param({"username": "x" * MB, "password": "demo"}, id="username-1mb"),
    ],
)
def test_an_over_long_username_is_refused_with_a_message(demo, data):
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", data)
    assert_not_500(response)
    assert "invalid-feedback" in content(response) or "alert-danger" in content(response)


# ================================================================ the roll-up page's parameters


ROLLUP = [
    ("unit-letters", {"unit": "abc"}),
    ("unit-negative", {"unit": "-1"}),
    ("unit-huge", {"unit": "9" * 30}),
    ("unit-sql", {"unit": "87 OR 1=1"}),
    ("unit-fullwidth", {"unit": "８７"}),
    ("unit-superscript", {"unit": "²"}),
    ("year-letters", {"year": "abc"}),
    ("year-huge", {"year": "9" * 30}),
    ("year-negative", {"year": "-2021"}),
    ("year-sql", {"year": "2021; DROP TABLE indicators_value"}),
    ("group-script", {"group": SCRIPT}),
    ("group-1mb", {"group": "x" * 100_000}),
    ("figure-unknown", {"figure": "secret"}),
    ("figure-nul", {"figure": "actual\x00"}),
    ("all-at-once", {"unit": "", "year": "", "group": "", "figure": ""}),
]


@pytest.mark.parametrize("params", [pytest.param(p, id=i) for i, p in ROLLUP])
def test_rollup_parameters(post_as, params):
    response = post_as("syt").get("/indicators/rollup/", params)
    assert_not_500(response)
    assert response.status_code in (200, 404)
    assert_no_raw_markup(content(response))


# ================================================================ uploads


UPLOADS = [
    "not-a-zip",
    "empty-file",
    "csv-renamed",
    "zip-bomb",
    "file-too-large",
    "too-many-rows",
    "xml-entities",
    "damaged-sheet",
    "macro-enabled",
    "formula",
    "text-too-long",
    "unparseable-number",
]


@pytest.mark.parametrize(
    "build,message",
    [pytest.param(b, m, id=i) for i, b, m in HOSTILE if i in UPLOADS],
)
def test_upload_of_a_hostile_workbook(request, as_user, build, message):
    workbook_report = request.getfixturevalue("full_report")
    ctx = Context(request, workbook_report, request.getfixturevalue("hong_ngu_report"))
    content_ = build(ctx)
    before = upload_snapshot(workbook_report)
    client = english(as_user("chauthanh"))
    client.raise_request_exception = False
    response = post_workbook(client, workbook_report, content_)
    assert_not_500(response)
    assert response.status_code == 422
    assert message in page_text(response)
    assert upload_snapshot(workbook_report) == before


UPLOAD_NAMES = [
    ("script-name", SCRIPT + ".xlsx"),
    ("nul-name", "bao\x00cao.xlsx"),
    ("long-name", "x" * 1000 + ".xlsx"),
]


@pytest.mark.parametrize("name", [pytest.param(n, id=i) for i, n in UPLOAD_NAMES])
def test_upload_with_a_hostile_file_name(as_user, full_report, name):  # noqa: F811
    client = as_user("chauthanh")
    client.raise_request_exception = False
    before = upload_snapshot(full_report)
    response = post_workbook(client, full_report, b"\x00not a workbook" * 10, name=name)
    assert_not_500(response)
    assert response.status_code == 422
    assert_no_raw_markup(content(response))
    assert upload_snapshot(full_report) == before


# ================================================================ exports: PDF and Excel


EXPORTED = [
    ("script", SCRIPT),
    ("img", IMG),
    ("hyperlink-formula", '=HYPERLINK("http://evil.example","Bấm")'),
    ("dde-formula", "=cmd|' /C calc'!A0"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in EXPORTED])
def test_html_and_formulas_come_out_as_text_in_the_pdf_and_the_workbook(post_as, report, text):
    client = post_as("chauthanh")
    section = first_section(report)
    saved = client.post(
        f"/reports/{report.pk}/sections/{section.pk}/", {"text": text, "version": "1"}
    )
    assert saved.status_code == 200
    editing.save_cell(
        report, Indicator.objects.get(code=INDICATOR), "actual", text, user("chauthanh")
    )

    pdf = client.get(f"/reports/{report.pk}/pdf/")
    assert_not_500(pdf)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.pdf"
        path.write_bytes(pdf.getvalue())
        printed = subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    assert text[:25] in printed.replace("\n", " ")

    xlsx = client.get(f"/reports/{report.pk}/xlsx/")
    assert_not_500(xlsx)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue()))
    found = [
        cell
        for ws in workbook
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and text in cell.value
    ]
    assert found
    assert all(cell.data_type == "s" for cell in found)
