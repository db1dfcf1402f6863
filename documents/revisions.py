"""Accepted reports are frozen: at acceptance their PDF and Excel files are
kept as printed (reports.models.ReportRevision) and are what every later
download gives; a reviewer may reopen an accepted report with a reason,
which keeps that revision printable and lets the unit revise it."""

from django.utils import timezone

from documents.pdf import report_pdf
from documents.report_xlsx import report_workbook
from reports.models import ReportRevision
from reports.revisions import accepted_files


def freeze(sender, report, user, **kwargs):
    """Keep the files of `report` as just accepted (reports.signals.report_accepted,
    sent inside the acceptance's transaction, so that they show exactly what was accepted)."""
    last = report.revisions.order_by("-number").values_list("number", flat=True).first()
    return ReportRevision.objects.create(
        report=report,
        number=(last or 0) + 1,
        accepted_at=report.accepted_at or timezone.now(),
        accepted_by=user,
        pdf=report_pdf(report),
        xlsx=report_workbook(report),
    )


def printed_pdf(report, fonts=None):
    """The report's official PDF: as accepted for an accepted report, else made now."""
    kept = accepted_files(report)
    if kept is not None:
        return bytes(kept.pdf)
    return report_pdf(report, fonts)


def printed_xlsx(report):
    """The report's Excel appendix: as accepted for an accepted report, else made now."""
    kept = accepted_files(report)
    if kept is not None:
        return bytes(kept.xlsx)
    return report_workbook(report)
