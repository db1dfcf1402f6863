"""Excel downloads: a report's appendix, a round's roll-up and completeness list."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from documents import excel, rollup_xlsx
from documents.revisions import printed_xlsx
from reports.figures import Counted
from reports.views import readable_report, reviewed_round


def _attachment(content, filename):
    response = HttpResponse(content, content_type=excel.MIME_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Figures change with every save: a cached copy would be out of date.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_xlsx(request, pk):
    """A report's appendix, to whoever may read the report (404 to anyone else)."""
    report = readable_report(request, pk)
    name = f"phu-luc-{excel.filename_part(report.unit.name)}-{report.round.year}.xlsx"
    return _attachment(printed_xlsx(report), name)


@login_required
def round_rollup_xlsx(request, pk):
    """The round's roll-up, to its reviewers (404 to anyone else): accepted
    reports' figures, or those `?counted=` asks for (reports/figures.py)."""
    round_ = reviewed_round(request, pk)
    counted = request.GET.get("counted")
    counted = counted if counted in Counted.values else Counted.ACCEPTED
    name = f"tong-hop-{excel.filename_part(round_.issuing_unit.name)}-{round_.year}-{pk}.xlsx"
    return _attachment(rollup_xlsx.rollup_workbook(round_, counted), name)


@login_required
def round_completeness_xlsx(request, pk):
    round_ = reviewed_round(request, pk)
    name = f"tien-do-{excel.filename_part(round_.issuing_unit.name)}-{round_.year}-{pk}.xlsx"
    return _attachment(rollup_xlsx.completeness_workbook(round_), name)
