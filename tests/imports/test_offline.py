"""The offline Excel template: download, fill with openpyxl, upload, confirm;
and the malformed or hostile workbooks the upload must refuse, each with its
own message and without changing anything in the report."""

import datetime as dt
import html
import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Indicator, Target
from portal.downloads import MIME_TYPES
from reports import editing
from reports.imports import offline, upload
from reports.models import (
    DisseminationRow,
    Report,
    ReportFigure,
    ReportStatus,
    ReportValue,
    SectionText,
)
from reports.selectors import indicator_rows
from reports.templates_io import load_template

pytestmark = pytest.mark.django_db

INDICATORS, FIGURES, MATRIX, IDENTITY = (
    offline.SHEET_INDICATORS,
    offline.SHEET_FIGURES,
    offline.SHEET_DISSEMINATION,
    offline.SHEET_IDENTITY,
)
SEED_TEMPLATE = Path(settings.BASE_DIR) / "fixtures" / "reports" / "template_seed000.json"


def user(username):
    return get_user_model().objects.get(username=username)


# ------------------------------------------------------------------ helpers


def workbook(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def template_of(report):
    return workbook(offline.offline_template(report))


def save(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def column(ws, key):
    """The column letter of `key`, read from the template's hidden key row."""
    for cell in ws[offline.KEY_ROW]:
        if cell.value == key:
            return cell.column_letter
    raise AssertionError(f"no column {key}")


def row_of(ws, code, key="code"):
    letter = column(ws, key)
    for r in range(offline.FIRST_ROW, ws.max_row + 1):
        if ws[f"{letter}{r}"].value == code:
            return r
    raise AssertionError(f"no row {code}")


def ref(ws, code, key):
    return f"{column(ws, key)}{row_of(ws, code)}"


def after_last(ws):
    """The first row under the table."""
    letter = column(ws, "code")
    r = offline.FIRST_ROW
    while ws[f"{letter}{r}"].value:
        r += 1
    return r


def rezip(content, add=None, replace=None, compression=zipfile.ZIP_DEFLATED):
    """The workbook's zip with parts added or replaced, as a hostile tool would write it."""
    add, replace = add or {}, replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = replace.get(item.filename, source.read(item.filename))
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in add.items():
            target.writestr(name, data, compress_type=compression)
    return out.getvalue()


def snapshot(report):
    """Everything an upload could change, and more."""
    report = Report.objects.get(pk=report.pk)
    return {
        "report": (report.version, report.status),
        "rows": [(r.indicator.code, r.plan, r.actual, r.plan_next) for r in indicator_rows(report)],
        "figures": sorted(ReportFigure.objects.filter(report=report).values_list("code", "text")),
        "matrix": list(
            report.dissemination.values_list("unit_label", "done", "audiences", "methods")
        ),
        "texts": sorted(
            SectionText.objects.filter(report=report).values_list("section_id", "text", "version")
        ),
        "values": sorted(
            ReportValue.objects.filter(report=report).values_list(
                "pk", "indicator_id", "column", "text", "version"
            )
        ),
        # The unit's targets (a directive's): read-only inputs, never written by an upload.
        "targets": sorted(
            Target.objects.filter(scope=report.unit).values_list("pk", "indicator_id", "text")
        ),
    }


def post_workbook(client, report, content, name="bao-cao.xlsx"):
    return client.post(
        f"/reports/{report.pk}/import/", {"workbook": SimpleUploadedFile(name, content)}
    )


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page_text(response):
    return html.unescape(response.content.decode())


# ------------------------------------------------------------ the template itself


def type_plan(report, code, typed):
    """Châu Thành's own plan for the report's year, typed in the editor."""
    indicator = Indicator.objects.get(code=code)
    editing.save_cell(report, indicator, "plan", typed, user("chauthanh"))


def test_the_template_keeps_text_locks_fixed_cells_and_hides_its_identity(full_report):
    type_plan(full_report, "suy-dinh-duong", "< 14")
    type_plan(full_report, "tram-y-te-chuan", "12/12")
    wb = template_of(full_report)
    assert wb.sheetnames == [INDICATORS, FIGURES, MATRIX, IDENTITY]
    ws = wb[INDICATORS]
    # Châu Thành's 2021 plan, as its report states it: shown as the portal writes it.
    plan = ws[ref(ws, "suy-dinh-duong", "plan")]
    assert plan.value == "< 14" and plan.data_type == "s" and plan.number_format == "@"
    assert ws[ref(ws, "tram-y-te-chuan", "plan")].value == "12/12"
    assert not plan.protection.locked
    assert ws[ref(ws, "suy-dinh-duong", "name")].protection.locked
    assert ws.protection.sheet
    assert ws.row_dimensions[offline.KEY_ROW].hidden
    # The template's columns (plan, actual, ratio, plan for next year) without the computed ratio.
    assert [c.value for c in ws[offline.KEY_ROW]][4:] == ["plan", "actual", "plan_next"]
    matrix = wb[MATRIX]
    rules = {str(v.sqref): v for v in matrix.data_validations.dataValidation}
    mark_rule = next(v for v in rules.values() if v.type == "list")
    assert mark_rule.formula1 == '"x"'
    assert wb[IDENTITY].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    identity = {r[0].value: r[1].value for r in wb[IDENTITY].iter_rows()}
    assert identity["report"] == str(full_report.pk) and identity["unit"] == "877"
    assert identity["template"] == "bc-ctr-59-60" and identity["template_version"] == "1"


def test_a_value_that_looks_like_a_formula_stays_text(full_report):
    type_plan(full_report, "bac-si", "=3,7")  # "equal to 3,7", as written
    ws = template_of(full_report)[INDICATORS]
    cell = ws[ref(ws, "bac-si", "plan")]
    assert cell.value == "=3,7" and cell.data_type == "s"


# ------------------------------------------------------------------- round trips


def test_round_trip_through_http(as_user, chau_thanh_report):
    report = chau_thanh_report
    client = english(as_user("chauthanh"))
    response = client.get(f"/reports/{report.pk}/offline.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == MIME_TYPES["xlsx"]
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"

    wb = workbook(response.getvalue())
    ws = wb[INDICATORS]
    insurance, stations = ref(ws, "bao-hiem-y-te", "actual"), ref(ws, "tram-y-te-chuan", "actual")
    ws[insurance] = "13,04"
    ws[stations] = "12/12"
    before = snapshot(report)

    page = post_workbook(client, report, save(wb))
    assert page.status_code == 200
    text = page_text(page)
    assert 'id="import-confirm"' in text and 'id="import-errors"' not in text
    assert f">{insurance}<" in text and f">{stations}<" in text
    assert "13,04" in text and "12/12" in text
    assert snapshot(report) == before  # a dry run: nothing saved yet

    response = client.post(f"/reports/{report.pk}/import/confirm/")
    assert response.status_code == 302 and response.url == f"/reports/{report.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "2 values imported from the workbook."
    ]
    rows = {r.indicator.code: r for r in indicator_rows(report)}
    assert rows["bao-hiem-y-te"].actual == "13,04"
    assert rows["tram-y-te-chuan"].actual == "12/12"
    after = Report.objects.get(pk=report.pk)
    assert after.version == before["report"][0] + 1
    assert after.status == ReportStatus.DRAFT
    value = ReportValue.objects.get(report=report, indicator__code="bao-hiem-y-te", column="actual")
    assert value.history.first().history_user.username == "chauthanh"

    # The same plan cannot be confirmed twice.
    again = client.post(f"/reports/{report.pk}/import/confirm/")
    assert again.status_code == 302 and again.url == f"/reports/{report.pk}/import/"
    assert Report.objects.get(pk=report.pk).version == after.version

    # A new template carries the imported values; uploaded untouched, it changes nothing.
    fresh = client.get(f"/reports/{report.pk}/offline.xlsx").getvalue()
    ws = workbook(fresh)[INDICATORS]
    assert ws[insurance].value == "13,04" and ws[stations].value == "12/12"
    page = page_text(post_workbook(client, report, fresh))
    assert 'id="import-nothing"' in page and 'id="import-confirm"' not in page


def test_round_trip_of_figures_plans_and_the_dissemination_matrix(full_report):
    report, reporter = full_report, user("chauthanh")
    wb = template_of(report)
    ws = wb[INDICATORS]
    ws[ref(ws, "bac-si", "plan_next")] = "≥ 4"
    ws[ref(ws, "suy-dinh-duong", "actual")] = 12.5  # a number Excel stored as a number
    ws[ref(ws, "tiem-chung", "actual")] = 0.9  # "90%" in a cell someone formatted as a percentage
    ws[ref(ws, "tiem-chung", "actual")].number_format = "0%"
    figures = wb[FIGURES]
    figures[ref(figures, "ngan-sach-nha-nuoc", "value")] = "10.775.000.000"
    matrix = wb[MATRIX]
    r = offline.FIRST_ROW
    matrix[f"B{r}"] = "Cấp huyện, thị xã, thành phố"
    for key in ("done", "audience:0", "method:1"):
        matrix[f"{column(matrix, key)}{r}"] = "X"

    plan = upload.read_upload(report, SimpleUploadedFile("m.xlsx", save(wb)), reporter)
    assert plan.errors == []
    changes = {(c.sheet, c.cell): c.new for c in plan.changes}
    assert changes[(INDICATORS, ref(ws, "bac-si", "plan_next"))] == "≥ 4"
    assert changes[(INDICATORS, ref(ws, "suy-dinh-duong", "actual"))] == "12,5"
    assert changes[(INDICATORS, ref(ws, "tiem-chung", "actual"))] == "90%"
    assert changes[(FIGURES, ref(figures, "ngan-sach-nha-nuoc", "value"))] == "10.775.000.000"
    assert "Cấp huyện, thị xã, thành phố" in changes[(MATRIX, f"B{r}")]
    assert len(plan.changes) == 5
    # Through the session: the plan is plain data.
    plan = upload.UploadPlan.from_dict(json.loads(json.dumps(plan.to_dict())))

    assert upload.apply_plan(report, plan, reporter) == 5
    rows = {row.indicator.code: row for row in indicator_rows(report)}
    assert rows["bac-si"].plan_next == "≥ 4" and rows["suy-dinh-duong"].actual == "12,5"
    assert rows["tiem-chung"].actual == "90%"
    assert ReportFigure.objects.get(report=report, code="ngan-sach-nha-nuoc").value == 10775000000
    row = DisseminationRow.objects.get(report=report)
    assert row.unit_label == "Cấp huyện, thị xã, thành phố" and row.done
    assert row.audiences == ["Cán bộ chủ chốt"]
    assert row.methods == ["Lồng ghép với các chuyên đề khác"]

    # Clearing the row and a figure in a new template removes them.
    wb = template_of(report)
    wb[MATRIX][f"B{r}"] = None
    for key in ("done", "audience:0", "method:1"):
        wb[MATRIX][f"{column(wb[MATRIX], key)}{r}"] = None
    figures = wb[FIGURES]
    figures[ref(figures, "ngan-sach-nha-nuoc", "value")] = None
    plan = upload.read_upload(report, SimpleUploadedFile("m.xlsx", save(wb)), reporter)
    assert plan.ok and len(plan.changes) == 2
    upload.apply_plan(report, plan, reporter)
    assert not DisseminationRow.objects.filter(report=report).exists()
    assert not ReportFigure.objects.filter(report=report).exists()


def test_apply_is_all_or_nothing(full_report):
    report, reporter = full_report, user("chauthanh")
    wb = template_of(report)
    ws = wb[INDICATORS]
    ws[ref(ws, "bao-hiem-y-te", "actual")] = "91,5"
    ws[ref(ws, "bac-si", "actual")] = "3,9"
    plan = upload.read_upload(report, SimpleUploadedFile("m.xlsx", save(wb)), reporter)
    assert plan.ok and len(plan.changes) == 2
    before = snapshot(report)
    plan.changes[-1].new = "1,2,3"  # what a saving function refuses, after the first was saved
    with pytest.raises(upload.ParseError):
        upload.apply_plan(report, plan, reporter)
    assert snapshot(report) == before


def test_apply_rechecks_that_the_report_is_still_editable(full_report):
    report, reporter = full_report, user("chauthanh")
    wb = template_of(report)
    ws = wb[INDICATORS]
    ws[ref(ws, "bao-hiem-y-te", "actual")] = "91,5"
    plan = upload.read_upload(report, SimpleUploadedFile("m.xlsx", save(wb)), reporter)
    assert plan.ok
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    before = snapshot(report)
    with pytest.raises(upload.WorkflowError):
        upload.apply_plan(report, plan, reporter)
    assert snapshot(report) == before


def test_the_confirmation_is_refused_when_the_report_changed_since_the_dry_run(
    as_user, full_report
):
    report = full_report
    client = english(as_user("chauthanh"))
    wb = template_of(report)
    ws = wb[INDICATORS]
    cell = ref(ws, "bao-hiem-y-te", "actual")
    ws[cell] = "13,04"
    page = post_workbook(client, report, save(wb))
    assert 'id="import-confirm"' in page_text(page)

    section = report.round.template.sections.filter(children__isnull=True).first()
    editing.save_section(report, section, "Đã tổ chức quán triệt.", 0, user("chauthanh"))
    before = snapshot(report)

    response = client.post(f"/reports/{report.pk}/import/confirm/", follow=True)
    assert response.redirect_chain[-1][0] == f"/reports/{report.pk}/import/"
    assert "The report has changed since the workbook was uploaded" in page_text(response)
    assert snapshot(report) == before
    rows = {r.indicator.code: r for r in indicator_rows(report)}
    assert rows["bao-hiem-y-te"].actual == ""


# ------------------------------------------------------------------- permissions


def test_another_unit_and_a_reviewer_get_404(as_user, chau_thanh_report, client):
    report = chau_thanh_report
    content = offline.offline_template(report)
    for username in ("hongngu", "syt"):
        other = as_user(username)
        assert other.get(f"/reports/{report.pk}/offline.xlsx").status_code == 404
        assert other.get(f"/reports/{report.pk}/import/").status_code == 404
        assert post_workbook(other, report, content).status_code == 404
        assert other.post(f"/reports/{report.pk}/import/confirm/").status_code == 404
    client.logout()
    assert client.get(f"/reports/{report.pk}/offline.xlsx").status_code == 302  # to log in


def test_the_report_page_links_to_the_template_and_the_upload(as_user, chau_thanh_report):
    page = as_user("chauthanh").get(f"/reports/{chau_thanh_report.pk}/").content.decode()
    assert f'href="/reports/{chau_thanh_report.pk}/offline.xlsx"' in page
    assert f'href="/reports/{chau_thanh_report.pk}/import/"' in page
    submitted = Report.objects.get(round__year=2020, unit__code="877")
    page = as_user("chauthanh").get(f"/reports/{submitted.pk}/").content.decode()
    assert 'id="offline-template"' in page and 'id="offline-upload"' not in page
    page = as_user("syt").get(f"/reports/{chau_thanh_report.pk}/").content.decode()
    assert 'id="offline-template"' not in page


def test_the_upload_page_of_a_submitted_report_says_so(as_user, chau_thanh_report):
    page = as_user("chauthanh").get(f"/reports/{chau_thanh_report.pk}/import/")
    assert page.status_code == 200 and 'id="import-form"' in page.content.decode()
    submitted = Report.objects.get(round__year=2020, unit__code="877")
    page = as_user("chauthanh").get(f"/reports/{submitted.pk}/import/").content.decode()
    assert 'id="import-not-editable"' in page and 'id="import-form"' not in page


# ------------------------------------------------ malformed and hostile workbooks


def valid(report):
    """The template of `report` with one valid change: were a check missing,
    the upload would save it."""
    wb = template_of(report)
    ws = wb[INDICATORS]
    ws[ref(ws, "bao-hiem-y-te", "actual")] = "93,5"
    return wb


def with_cell(key, value, code="bao-hiem-y-te", sheet=INDICATORS):
    def build(ctx):
        wb = valid(ctx.report)
        ws = wb[sheet]
        ctx.cell = ref(ws, code, key)
        ws[ctx.cell] = value
        return save(wb)

    return build


def zip_of(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(ctx):
    """200 MB of zeros in a member, streamed, about 200 KB on disk."""
    out = io.BytesIO()
    content = save(valid(ctx.report))
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_DEFLATED)
        bomb = zipfile.ZipInfo("xl/media/image1.png")
        bomb.compress_type = zipfile.ZIP_DEFLATED
        with target.open(bomb, "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    data = out.getvalue()
    assert len(data) < upload.MAX_UPLOAD_BYTES
    return data


def too_large(ctx):
    noise = os.urandom(upload.MAX_UPLOAD_BYTES + 1000)
    return rezip(save(valid(ctx.report)), add={"xl/media/image1.png": noise}, compression=0)


def compressed_padding(ctx):
    return rezip(save(valid(ctx.report)), add={"xl/media/image1.png": bytes(5 * 1024 * 1024)})


def too_many_parts(ctx):
    return rezip(save(valid(ctx.report)), add={f"xl/media/p{i}.png": b"." for i in range(300)})


def too_many_rows(ctx):
    wb = valid(ctx.report)
    wb[INDICATORS].cell(5000, 1, "x")
    return save(wb)


def too_many_columns(ctx):
    wb = valid(ctx.report)
    wb[INDICATORS].cell(6, 200, "x")
    return save(wb)


def too_many_sheets(ctx):
    wb = valid(ctx.report)
    for i in range(25):
        wb.create_sheet(f"Trang {i}")
    return save(wb)


def identity_missing(ctx):
    wb = valid(ctx.report)
    del wb[IDENTITY]
    return save(wb)


def identity_tampered(ctx):
    wb = valid(ctx.report)
    wb[IDENTITY]["B1"] = str(ctx.hong_ngu.pk)  # pointed at another report by hand
    return save(wb)


def other_unit(ctx):
    return save(valid(ctx.hong_ngu))


def other_round(ctx):
    return save(valid(ctx.fixture("chau_thanh_report")))


def old_template_version(ctx):
    content = save(valid(ctx.report))
    data = json.loads(SEED_TEMPLATE.read_text(encoding="utf-8"))
    data["version"] = 2
    ctx.report.round.template = load_template(data)
    ctx.report.round.save()
    return content


def submitted(ctx):
    content = save(valid(ctx.report))
    Report.objects.filter(pk=ctx.report.pk).update(status=ReportStatus.SUBMITTED)
    return content


def row_under_the_table(code, actual="5"):
    def build(ctx):
        wb = valid(ctx.report)
        ws = wb[INDICATORS]
        r = after_last(ws)
        ctx.cell = f"{column(ws, 'code')}{r}"
        if code:
            ws[ctx.cell] = code
        ws[f"{column(ws, 'actual')}{r}"] = actual
        return save(wb)

    return build


def no_data_sheets(ctx):
    wb = valid(ctx.report)
    wb.create_sheet("Sheet1")
    for name in (INDICATORS, FIGURES, MATRIX):
        del wb[name]
    return save(wb)


def sheet_missing(ctx):
    wb = valid(ctx.report)
    del wb[FIGURES]
    return save(wb)


def columns_moved(ctx):
    wb = valid(ctx.report)
    wb[INDICATORS].insert_cols(5)
    return save(wb)


def macro_enabled(ctx):
    return rezip(save(valid(ctx.report)), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def external_link(ctx):
    link = (
        b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><externalBook/></externalLink>'
    )
    return rezip(save(valid(ctx.report)), add={"xl/externalLinks/externalLink1.xml": link})


def xml_entities(ctx):
    content = save(valid(ctx.report))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        original = archive.read("xl/workbook.xml")
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    return rezip(content, replace={"xl/workbook.xml": laughs + original.split(b"?>")[-1]})


def damaged_sheet(ctx):
    return rezip(
        save(valid(ctx.report)), replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"}
    )


def word_document(ctx):
    return zip_of(
        {
            "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats'
            b'-officedocument.wordprocessingml.document.main+xml"/></Types>',
            "word/document.xml": b"<document>Bao cao</document>",
        }
    )


def matrix_cells(label, at, **marks):
    """A row of the dissemination matrix; `at` is the column the error must point to."""

    def build(ctx):
        wb = valid(ctx.report)
        ws = wb[MATRIX]
        r = offline.FIRST_ROW + 1
        ws[f"B{r}"] = label
        for key, mark in marks.items():
            ws[f"{column(ws, key.replace('_', ':'))}{r}"] = mark
        ctx.cell = f"{column(ws, at)}{r}"
        return save(wb)

    return build


HOSTILE = [
    ("not-a-zip", lambda ctx: b"\x00\x01\x02 not a workbook " * 20, "is not an Excel workbook"),
    ("empty-file", lambda ctx: b"", "The file is empty"),
    ("word-document", word_document, "not an Excel workbook (perhaps a Word document"),
    ("csv-renamed", lambda ctx: "Mã,Thực hiện\nbao-hiem-y-te,93\n".encode(), "This file is text"),
    ("old-xls-or-password", lambda ctx: upload._OLE_MAGIC + bytes(4096), "old Excel file (.xls)"),
    ("zip-bomb", zip_bomb, "The workbook unpacks to 200,"),
    ("compressed-padding", compressed_padding, "compressed 1."),
    ("too-many-parts", too_many_parts, "too many parts (3"),
    ("file-too-large", too_large, "over the limit of 2,0 MB"),
    ("macro-enabled", macro_enabled, "contains macros (.xlsm)"),
    ("external-link", external_link, "has links to other files"),
    ("xml-entities", xml_entities, "a document type declaration"),
    ("damaged-sheet", damaged_sheet, "The workbook cannot be read"),
    ("too-many-sheets", too_many_sheets, "The workbook has 29 sheets"),
    ("too-many-rows", too_many_rows, "has 5.000 rows"),
    ("too-many-columns", too_many_columns, "and 200 columns"),
    ("identity-missing", identity_missing, "hidden identification sheet is missing"),
    ("identity-tampered", identity_tampered, "was changed by hand"),
    ("another-unit", other_unit, "This workbook is for Huyện Hồng Ngự, not for Huyện Châu Thành"),
    ("another-round", other_round, "is for another reporting round (“Báo cáo năm 2021”)"),
    ("old-template-version", old_template_version, "(version 1); the round now uses version 2"),
    ("submitted-report", submitted, "can no longer be changed"),
    ("no-data-sheets", no_data_sheets, "none of the template's sheets"),
    ("sheet-missing", sheet_missing, "The sheet “Kinh phí” is missing"),
    ("columns-moved", columns_moved, "were moved, added or removed"),
    ("formula", with_cell("actual", "=SUM(E5:E6)"), "holds a formula (=SUM(E5:E6))"),
    ("unparseable-number", with_cell("actual", "1,2,3"), "only one decimal comma"),
    ("range-as-a-result", with_cell("actual", "80 - 90"), "A result cannot be a range"),
    (
        "date-typed",
        with_cell("plan", dt.date(2021, 12, 12)),
        "turned what was typed here into a date",
    ),
    ("excel-error", with_cell("actual", "#DIV/0!"), "shows an Excel error (#DIV/0!)"),
    ("true-false", with_cell("actual", True), "holds TRUE or FALSE"),
    ("text-too-long", with_cell("plan", "rất" * 200), "holds 600 characters; at most 500"),
    ("unknown-indicator", row_under_the_table("chi-tieu-la"), "Unknown code “chi-tieu-la”"),
    ("values-without-code", row_under_the_table(""), "has values but no code"),
    ("duplicate-indicator", row_under_the_table("bao-hiem-y-te"), "appears twice (rows"),
    (
        "figure-not-a-number",
        with_cell("value", "mười tỷ đồng", code="ngan-sach-nha-nuoc", sheet=FIGURES),
        "This cell takes only a number",
    ),
    (
        "matrix-bad-mark",
        matrix_cells("Xã Tân Phú", "done", done="có"),
        "Type x to tick this box, or leave it empty; “có” is not accepted",
    ),
    ("matrix-no-unit", matrix_cells(None, "unit_label", done="x"), "names no unit"),
    (
        "matrix-ticked-not-done",
        matrix_cells("Xã Tân Phú", "done", audience_0="x"),
        "when audiences or methods are ticked",
    ),
]


class Context:
    def __init__(self, request, report, hong_ngu):
        self.request, self.report, self.hong_ngu, self.cell = request, report, hong_ngu, None

    def fixture(self, name):
        return self.request.getfixturevalue(name)


@pytest.mark.parametrize("build,message", [pytest.param(b, m, id=i) for i, b, m in HOSTILE])
def test_a_bad_workbook_is_refused_with_its_own_message(
    request, as_user, full_report, hong_ngu_report, build, message
):
    ctx = Context(request, full_report, hong_ngu_report)
    content = build(ctx)
    before = snapshot(full_report)
    client = english(as_user("chauthanh"))

    response = post_workbook(client, full_report, content)
    text = page_text(response)
    assert response.status_code == 422
    assert message in text
    assert 'id="import-errors"' in text and 'id="import-confirm"' not in text
    if ctx.cell:
        assert f'<td class="font-monospace">{ctx.cell}</td>' in text  # where, in the sheet
    # Even a confirmation sent anyway applies nothing.
    confirm = client.post(f"/reports/{full_report.pk}/import/confirm/")
    assert confirm.status_code == 302
    assert snapshot(full_report) == before


def test_the_reader_writes_nothing_even_for_a_valid_workbook(full_report):
    before = snapshot(full_report)
    content = save(valid(full_report))
    plan = upload.read_upload(full_report, SimpleUploadedFile("m.xlsx", content), user("chauthanh"))
    assert plan.ok and len(HOSTILE) >= 25
    assert snapshot(full_report) == before


def test_a_number_too_large_for_the_database_is_refused_in_the_dry_run(full_report):
    """15 digits parse, but the value columns hold 14 before the comma: the dry run
    says so with the cell, rather than the database at confirmation."""
    report = full_report
    wb = template_of(report)
    ws = wb[INDICATORS]
    cell = ref(ws, "bac-si", "actual")
    ws[cell] = "123.456.789.012.345"
    plan = upload.read_upload(report, SimpleUploadedFile("m.xlsx", save(wb)), user("chauthanh"))
    assert [(e.sheet, e.cell) for e in plan.errors] == [(INDICATORS, cell)]
    assert plan.changes == []
