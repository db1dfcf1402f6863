"""Every transition of a report and who may make it.

    not started / draft ──submit──▶ submitted ──accept──▶ accepted
                    ▲                   │
                    └──── returned ◀────┘ return (with a reason)

A report is submitted by the unit's approver, or by its reporter where the
round allows it; returned or accepted by a reviewer whose unit reaches the
report's unit. Submitted and accepted reports are read-only to their unit.
Each transition is one transaction with its StatusChange; e-mails go out after
commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import FigureKind, Value
from portal.permissions import can
from reports import notifications
from reports.models import (
    Report,
    ReportStatus,
    ReviewComment,
    SectionText,
    StatusChange,
    TableKind,
)

EDITABLE = (ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED)


class WorkflowError(Exception):
    def __init__(self, message, missing=()):
        super().__init__(message)
        self.message = message
        self.missing = list(missing)


def may_edit(user, report):
    return report.status in EDITABLE and can(user, "fill", report)


def may_submit(user, report):
    if report.status not in EDITABLE:
        return False
    if can(user, "submit", report):
        return True
    return report.round.reporters_may_submit and can(user, "fill", report)


def may_review(user, report):
    return report.status == ReportStatus.SUBMITTED and can(user, "review", report.round)


def indicator_codes(template):
    codes = []
    for table in template.tables.all():
        if table.kind == TableKind.INDICATORS:
            codes += table.config.get("indicators", [])
    return codes


def missing_for_submission(report):
    """What must be filled before submitting: required sections, indicator results."""
    filled = set(
        SectionText.objects.filter(report=report)
        .exclude(text="")
        .values_list("section_id", flat=True)
    )
    sections = list(report.round.template.sections.all())
    parents = {s.parent_id for s in sections}
    missing = [
        _("Section %(heading)s is empty.") % {"heading": s.heading}
        for s in sections
        if s.required and s.pk not in filled and s.pk not in parents
    ]
    codes = indicator_codes(report.round.template)
    reported = set(
        Value.objects.filter(
            unit=report.unit,
            year=report.round.year,
            figure=FigureKind.ACTUAL,
            indicator__code__in=codes,
        ).values_list("indicator__code", flat=True)
    )
    from indicators.models import Indicator

    names = dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))
    missing += [
        _("Indicator “%(name)s” has no result.") % {"name": names.get(code, code)}
        for code in codes
        if code not in reported
    ]
    return missing


def _transition(report, user, to_status, reason=""):
    StatusChange.objects.create(
        report=report, from_status=report.status, to_status=to_status, by=user, reason=reason
    )
    report.status = to_status
    report.version += 1


def _locked(report):
    return Report.objects.select_for_update().select_related("round", "unit").get(pk=report.pk)


@transaction.atomic
def submit(report, user):
    report = _locked(report)
    if not may_submit(user, report):
        raise WorkflowError(_("You may not submit this report."))
    missing = missing_for_submission(report)
    if missing:
        raise WorkflowError(_("The report cannot be submitted yet."), missing)
    _transition(report, user, ReportStatus.SUBMITTED)
    report.submitted_at = timezone.now()
    report.save()
    transaction.on_commit(lambda: notifications.report_submitted(report))
    return report


@transaction.atomic
def return_for_revision(report, user, reason):
    report = _locked(report)
    if not may_review(user, report):
        raise WorkflowError(_("Only a reviewer can return a submitted report."))
    if not reason.strip():
        raise WorkflowError(_("Say why the report is returned."))
    _transition(report, user, ReportStatus.RETURNED, reason.strip())
    report.save()
    transaction.on_commit(lambda: notifications.report_returned(report, reason))
    return report


@transaction.atomic
def accept(report, user):
    report = _locked(report)
    if not may_review(user, report):
        raise WorkflowError(_("Only a reviewer can accept a submitted report."))
    _transition(report, user, ReportStatus.ACCEPTED)
    report.accepted_at = timezone.now()
    report.save()
    transaction.on_commit(lambda: notifications.report_accepted(report))
    return report


def add_comment(report, user, text, section=None, indicator=None):
    if not can(user, "review", report.round) or not text.strip():
        raise WorkflowError(_("Write a comment first."))
    return ReviewComment.objects.create(
        report=report, author=user, text=text.strip(), section=section, indicator=indicator
    )


def resolve_comment(comment, user):
    if not can(user, "fill", comment.report):
        raise WorkflowError(_("Only the unit can mark a comment as resolved."))
    comment.resolved_at = timezone.now()
    comment.resolved_by = user
    comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment
