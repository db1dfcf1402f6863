"""The exporter registry (documents/registry.py): every export registered once,
served by one view in each of its formats to whoever may run it, as an
attachment no cache keeps; the commands run the same exporters."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import resolve, reverse

from documents import registry
from documents.views import download
from movements import demo as demo_movements
from portal.downloads import MIME_TYPES, attachment, slug
from reports.models import Report, ReportingRound

IMMEDIATE = sorted(
    (identifier, fmt)
    for identifier, exporter in registry.EXPORTERS.items()
    if not exporter.background
    for fmt in exporter.formats
)
# Who may run each subject's exports, and someone who may not (tests/security/
# test_permission_matrix.py has every kind of user on the named routes).
MAY = {"report": ["chauthanh", "syt"], "round": ["syt"], "movement": ["hongngu", "syt"]}
MAY_NOT = {
    "report": ["hongngu"],
    "round": ["chauthanh", "chauthanh.lead", "hongngu"],
    "movement": ["chauthanh"],
}


def demo_round():
    return ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60", parent=None)


def subject_pk(exporter):
    if exporter.subject is registry.REPORT:
        return Report.objects.get(round=demo_round(), unit__code="877").pk
    if exporter.subject is registry.MOVEMENT:
        return demo_movements.load().pk  # seed 003's movement, as the demo has it
    return demo_round().pk


def url(identifier, fmt, pk):
    return reverse("export-download", args=[identifier, pk, fmt])


def test_the_registry_holds_each_export_once():
    assert IMMEDIATE == [
        ("award-list", "pdf"),
        ("award-list", "xlsx"),
        ("report", "pdf"),
        ("report", "xlsx"),
        ("round-completeness", "xlsx"),
        ("round-rollup", "xlsx"),
    ]
    assert sorted(i for i, e in registry.EXPORTERS.items() if e.background) == [
        "round-pdfs",
        "round-rollup-background",
    ]
    for exporter in registry.EXPORTERS.values():
        assert exporter.subject.name in MAY
        assert str(exporter.verbose_name)


def test_register_refuses_a_second_identifier_or_a_format_without_mime_type():
    existing = registry.EXPORTERS["report"]
    with pytest.raises(ValueError, match="Two exporters"):
        registry.register(existing)
    with pytest.raises(ValueError, match="docx"):
        registry.register(
            registry.Exporter("report-docx", "x", registry.REPORT, ("docx",), existing.render)
        )
    assert "report-docx" not in registry.EXPORTERS


@pytest.mark.parametrize("identifier, fmt", IMMEDIATE)
def test_every_export_downloads_through_the_one_view(as_user, identifier, fmt):
    exporter = registry.EXPORTERS[identifier]
    pk = subject_pk(exporter)
    for username in MAY[exporter.subject.name]:
        response = as_user(username).get(url(identifier, fmt, pk))
        assert response.status_code == 200, username
        assert response["Content-Type"] == MIME_TYPES[fmt]
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="') and disposition.isascii()
        assert disposition.endswith(f'.{fmt}"')
        assert response["Cache-Control"] == "private, no-store"
        content = response.getvalue()
        if fmt == "pdf":
            assert content.startswith(b"%PDF-")
        else:
            assert openpyxl.load_workbook(io.BytesIO(content)).worksheets
    for username in MAY_NOT[exporter.subject.name]:
        assert as_user(username).get(url(identifier, fmt, pk)).status_code == 404, username


@pytest.mark.parametrize(
    "name, identifier, fmt",
    [
        ("report-pdf", "report", "pdf"),
        ("report-xlsx", "report", "xlsx"),
        ("round-rollup-xlsx", "round-rollup", "xlsx"),
        ("round-completeness-xlsx", "round-completeness", "xlsx"),
        ("movement-awards-pdf", "award-list", "pdf"),
        ("movement-awards-xlsx", "award-list", "xlsx"),
    ],
)
def test_the_pages_addresses_are_the_one_view_too(name, identifier, fmt):
    match = resolve(reverse(name, args=[1]))
    assert match.func is download
    assert (match.kwargs["identifier"], match.kwargs["fmt"]) == (identifier, fmt)


def test_unknown_exports_formats_and_background_ones_are_404(as_user):
    client = as_user("syt")
    report_pk, round_pk = subject_pk(registry.EXPORTERS["report"]), demo_round().pk
    assert client.get(url("report", "zip", report_pk)).status_code == 404
    assert client.get(url("report", "docx", report_pk)).status_code == 404
    assert client.get(url("nothing", "pdf", report_pk)).status_code == 404
    # A background export is made by its task, never inside a request.
    assert client.get(url("round-pdfs", "zip", round_pk)).status_code == 404
    # Another subject's id: the report's export on a round's id finds no report.
    assert client.get(url("round-rollup", "xlsx", 999999)).status_code == 404


def test_the_rollup_takes_its_counted_option(as_user):
    """Unknown values fall back to the accepted reports, never to an error."""
    client = as_user("syt")
    base = url("round-rollup", "xlsx", demo_round().pk)
    for query in ("", "?counted=submitted", "?counted=all", "?counted=nonsense"):
        assert client.get(base + query).status_code == 200, query
    assert registry.counted_option({"counted": "all"}) == {"counted": "all"}
    assert registry.counted_option({"counted": "x"}) == {"counted": "accepted"}


def test_one_slug_for_file_names():
    assert slug("Đồng Tháp") == "dong-thap"
    assert slug("Thành phố Sa Đéc") == "thanh-pho-sa-dec"
    assert slug("") == slug(None) == ""


def test_the_attachment_helper_serves_bytes_or_a_file():
    for content in (b"PK\x03\x04", io.BytesIO(b"PK\x03\x04")):
        response = attachment(content, "tien-do.xlsx")
        assert response["Content-Type"] == MIME_TYPES["xlsx"]
        assert response["Content-Disposition"] == 'attachment; filename="tien-do.xlsx"'
        assert response["Cache-Control"] == "private, no-store"
        assert response.getvalue() == b"PK\x03\x04"


def test_export_round_runs_any_of_the_rounds_exporters(demo, tmp_path):
    target = tmp_path / "tien-do.xlsx"
    call_command("export_round", demo_round().pk, "--export", "round-completeness", "-o", target)
    assert openpyxl.load_workbook(target).worksheets
    with pytest.raises(CommandError, match="Unknown export 'report'"):
        call_command("export_round", demo_round().pk, "--export", "report", "-o", target)
    with pytest.raises(CommandError, match="Unknown format 'pdf' for round-pdfs"):
        call_command("export_round", demo_round().pk, "--format", "pdf", "-o", target)


def test_export_report_writes_the_appendix(demo, tmp_path):
    target = tmp_path / "phu-luc.xlsx"
    pk = subject_pk(registry.EXPORTERS["report"])
    call_command("export_report", pk, "--format", "xlsx", "-o", target)
    with zipfile.ZipFile(target) as archive:  # an Office Open XML package
        assert "xl/workbook.xml" in archive.namelist()
