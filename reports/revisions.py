"""Accepted reports are frozen: at acceptance their PDF and Excel files are
kept as printed (reports.models.ReportRevision) and are what every later
download gives; a reviewer may reopen an accepted report with a reason,
which keeps that revision printable and lets the unit revise it."""

from django.utils import timezone


def freeze(report, user):
    """Keep the files of `report` as just accepted (inside the acceptance's
    transaction, so that they show exactly what was accepted)."""
    from reports.exports.pdf import report_pdf
    from reports.exports.xlsx import report_workbook
    from reports.models import ReportRevision

    last = report.revisions.order_by("-number").values_list("number", flat=True).first()
    return ReportRevision.objects.create(
        report=report,
        number=(last or 0) + 1,
        accepted_at=report.accepted_at or timezone.now(),
        accepted_by=user,
        pdf=report_pdf(report),
        xlsx=report_workbook(report),
    )


def accepted_files(report):
    """The kept revision of an accepted report, or None (not accepted, or
    accepted before revisions were kept: its files are made afresh)."""
    from reports.models import ReportStatus

    if report.status != ReportStatus.ACCEPTED:
        return None
    return report.revisions.filter(reopened_at=None).order_by("-number").first()


def printed_pdf(report, fonts=None):
    """The report's official PDF: as accepted for an accepted report, else made now."""
    from reports.exports.pdf import report_pdf

    kept = accepted_files(report)
    if kept is not None:
        return bytes(kept.pdf)
    return report_pdf(report, fonts)


def printed_xlsx(report):
    """The report's Excel appendix: as accepted for an accepted report, else made now."""
    from reports.exports.xlsx import report_workbook

    kept = accepted_files(report)
    if kept is not None:
        return bytes(kept.xlsx)
    return report_workbook(report)
