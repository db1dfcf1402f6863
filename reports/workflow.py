"""Every transition of a report and who may make it.

    not started / draft ──submit──▶ submitted ──accept──▶ accepted
                    ▲                   │
                    └──── returned ◀────┘ return (with a reason)

A report is submitted by the unit's approver, or by its reporter where the
round allows it; returned or accepted by a reviewer whose unit reaches the
report's unit. Submitted and accepted reports are read-only to their unit.
Each transition is one transaction with its StatusChange and its e-mails, which
are queued in the outbox with it and sent after commit (portal/mail.py).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import can
from reports import notifications, signals
from reports.models import (
    Report,
    ReportStatus,
    ReportValue,
    ReviewComment,
    SectionText,
    StatusChange,
    TableKind,
    ValueColumn,
)

EDITABLE = (ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED)


class WorkflowError(Exception):
    def __init__(self, message, missing=()):
        super().__init__(message)
        self.message = message
        self.missing = list(missing)


def edit_lock_date(report):
    """The last day the unit may edit past its deadline, or None when the
    round sets no lock (like DHIS2's expiry days). A returned report counts
    from the resubmission deadline the reviewer gave, if any."""
    if report.round.lock_days is None:
        return None
    due = report.due_on
    if report.status == ReportStatus.RETURNED and report.resubmit_by:
        due = max(due, report.resubmit_by)
    return due + dt.timedelta(days=report.round.lock_days)


def edit_refusal(user, report, today=None, as_reviewer=False):
    """Why `user` may not edit `report` now, or None: the one rule every write
    of report content obeys (editor, offline import, synthesis). The unit's
    reporters and approvers fill its report; `as_reviewer` is the synthesis,
    which a reviewer of the unit drafts as the unit's own report."""
    allowed = can(user, "review", report.unit) if as_reviewer else can(user, "fill", report)
    if not allowed:
        return _("You may not edit this report.")
    if report.status not in EDITABLE:
        return _("This report can no longer be edited.")
    if not report.round.is_open:
        return _("The round is closed: nothing can be saved in its reports.")
    today = today or timezone.localdate()
    lock = edit_lock_date(report)
    if lock is not None and today > lock:
        if report.editable_until is None or today > report.editable_until:
            return _(
                "Editing was locked on %(date)s, %(days)s days after the deadline. "
                "Ask the reviewer for an exception."
            ) % {"date": lock.strftime("%d/%m/%Y"), "days": report.round.lock_days}
    return None


def may_edit(user, report):
    return edit_refusal(user, report) is None


def locked_for_edit(report, user, as_reviewer=False):
    """The report's row, locked until the end of the caller's transaction and
    read again, once the edit rules allow `user` to write in it. Every write
    of report content starts here, so that a submission that raced it either
    comes first (and the write is refused) or waits for it."""
    locked = _locked(report)
    refusal = edit_refusal(user, locked, as_reviewer=as_reviewer)
    if refusal:
        raise WorkflowError(refusal)
    return locked


def grant_edit_exception(report, user, until, reason):
    """A reviewer lets one unit edit past the lock until `until` (recorded in
    the report's history with the reason)."""
    with transaction.atomic():
        report = _locked(report)
        if not can(user, "review", report.round):
            raise WorkflowError(_("Only a reviewer can grant an exception."))
        if not reason.strip():
            raise WorkflowError(_("Say why the exception is granted."))
        report.editable_until = until
        report._change_reason = reason.strip()[:100]
        report._history_user = user
        report.save(update_fields=["editable_until", "updated_at"])
    return report


def may_submit(user, report):
    if report.status not in EDITABLE or not report.round.is_open:
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
        ReportValue.objects.filter(
            report=report, column=ValueColumn.ACTUAL, indicator__code__in=codes
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
    if report.first_submitted_at is None:
        # Timeliness counts the first submission (completeness.py). A report
        # given a submission date by hand (the demo, an old import) was first
        # submitted then, as the migration that added the field reads it.
        report.first_submitted_at = report.submitted_at or timezone.now()
    report.submitted_at = timezone.now()
    report.save()
    notifications.report_submitted(report)
    return report


def check_resubmit_by(day, today=None):
    """A resubmission deadline is today or later (None: the reviewer gave none)."""
    if day is not None and day < (today or timezone.localdate()):
        raise WorkflowError(_("The resubmission deadline cannot be before today."))


@transaction.atomic
def return_for_revision(report, user, reason, resubmit_by=None):
    """Back to the unit with the reason, and the day by which it is to be
    resubmitted if the reviewer gives one (reminders then count from it; a
    later return without one clears it)."""
    report = _locked(report)
    if not may_review(user, report):
        raise WorkflowError(_("Only a reviewer can return a submitted report."))
    if not reason.strip():
        raise WorkflowError(_("Say why the report is returned."))
    check_resubmit_by(resubmit_by)
    _transition(report, user, ReportStatus.RETURNED, reason.strip())
    report.resubmit_by = resubmit_by
    report.save()
    notifications.report_returned(report, reason)
    return report


@transaction.atomic
def accept(report, user):
    """Accept a submitted report: its figures count in the official series
    from now on, and its files are kept as accepted (documents/revisions.py,
    through `signals.report_accepted`)."""
    report = _locked(report)
    if not may_review(user, report):
        raise WorkflowError(_("Only a reviewer can accept a submitted report."))
    _transition(report, user, ReportStatus.ACCEPTED)
    report.accepted_at = timezone.now()
    report.save()
    signals.report_accepted.send(sender=Report, report=report, user=user)
    notifications.report_accepted(report)
    return report


def may_reopen(user, report):
    return report.status == ReportStatus.ACCEPTED and can(user, "review", report.round)


@transaction.atomic
def reopen(report, user, reason, resubmit_by=None):
    """A reviewer reopens an accepted report, saying why: it goes back to the
    unit as returned for revision, out of the official series until accepted
    again; the accepted revision stays printable and in the history."""
    report = _locked(report)
    if not may_reopen(user, report):
        raise WorkflowError(_("Only a reviewer can reopen an accepted report."))
    if not reason.strip():
        raise WorkflowError(_("Say why the accepted report is reopened."))
    check_resubmit_by(resubmit_by)
    report.revisions.filter(reopened_at=None).update(
        reopened_at=timezone.now(), reopened_by=user, reopen_reason=reason.strip()
    )
    _transition(report, user, ReportStatus.RETURNED, reason.strip())
    report.accepted_at = None
    report.resubmit_by = resubmit_by
    report.save()
    notifications.report_returned(report, reason)
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
