"""Accepted reports are frozen: at acceptance their PDF and Excel files are
kept as printed (reports.models.ReportRevision, written by
documents/revisions.py) and are what every later download gives."""


def accepted_files(report):
    """The kept revision of an accepted report, or None (not accepted, or
    accepted before revisions were kept: its files are made afresh)."""
    from reports.models import ReportStatus

    if report.status != ReportStatus.ACCEPTED:
        return None
    return report.revisions.filter(reopened_at=None).order_by("-number").first()
