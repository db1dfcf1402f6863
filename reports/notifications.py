"""E-mails of the workflow, in Vietnamese, queued in the portal's outbox
(portal/mail.py): stored with the action, sent by a background task after it
commits, retried while the mail server is down."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from portal import mail
from portal.models import Role
from reports.completeness import participants
from reports.models import Report, ReportStatus


def _emails(units, roles):
    users = (
        get_user_model()
        .objects.filter(memberships__unit__in=units, memberships__role__in=roles, is_active=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def _unit_members(report):
    return _emails([report.unit], [Role.REPORTER, Role.APPROVER])


def _reviewers(report):
    ancestors = report.round.issuing_unit
    users = (
        get_user_model()
        .objects.filter(
            Q(memberships__unit=ancestors), memberships__role=Role.REVIEWER, is_active=True
        )
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def report_submitted(report):
    with translation.override(settings.LANGUAGE_CODE):
        mail.send(
            _("[Reporting portal] %(unit)s submitted its report") % {"unit": report.unit.name},
            _("%(unit)s submitted its report for “%(round)s”. It awaits your review.")
            % {"unit": report.unit.name, "round": report.round.title},
            _reviewers(report),
        )


def report_returned(report, reason):
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "The report of %(unit)s for “%(round)s” was returned for revision.\n\n"
            "Reason: %(reason)s"
        ) % {"unit": report.unit.name, "round": report.round.title, "reason": reason}
        if report.resubmit_by:
            body += "\n" + _("Resubmit by: %(date)s") % {
                "date": report.resubmit_by.strftime("%d/%m/%Y")
            }
        mail.send(
            _("[Reporting portal] Your report was returned for revision"),
            body,
            _unit_members(report),
        )


def report_accepted(report):
    with translation.override(settings.LANGUAGE_CODE):
        mail.send(
            _("[Reporting portal] Your report was accepted"),
            _("The report of %(unit)s for “%(round)s” was accepted.")
            % {"unit": report.unit.name, "round": report.round.title},
            _unit_members(report),
        )


def reminder_deadline(report):
    """The day a report is owed: a returned report's resubmission deadline,
    where the reviewer gave one; otherwise the round's deadline for its unit."""
    if report.status == ReportStatus.RETURNED and report.resubmit_by:
        return report.resubmit_by
    return report.due_on


def days_left_for(report, today):
    """Days until the report is owed (negative: late)."""
    return (reminder_deadline(report) - today).days


def reminder(report, days_left):
    with translation.override(settings.LANGUAGE_CODE):
        resubmission = report.status == ReportStatus.RETURNED and report.resubmit_by
        if resubmission and days_left >= 0:
            body = _(
                "The report of %(unit)s for “%(round)s” was returned for revision: it is "
                "to be resubmitted in %(days)s day(s), by %(due)s."
            )
        elif resubmission:
            body = _(
                "The report of %(unit)s for “%(round)s” was returned for revision: its "
                "resubmission is %(days)s day(s) overdue, it was due by %(due)s."
            )
        elif days_left >= 0:
            body = _(
                "The report of %(unit)s for “%(round)s” is due in %(days)s day(s), on %(due)s."
            )
        else:
            body = _(
                "The report of %(unit)s for “%(round)s” is %(days)s day(s) late: "
                "it was due on %(due)s."
            )
        mail.send(
            _("[Reporting portal] Reminder: report due"),
            body
            % {
                "unit": report.unit.name,
                "round": report.round.title,
                "days": abs(days_left),
                "due": reminder_deadline(report).strftime("%d/%m/%Y"),
            },
            _unit_members(report),
        )


# Days before the deadline on which a unit that has not submitted is reminded;
# after it, on the first and third day late, then once a week, so that a late
# unit hears of it without an e-mail every morning.
REMIND_DAYS_BEFORE = (7, 3, 1, 0)
REMIND_DAYS_LATE = (1, 3)
OPEN_STATUSES = (ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED)


def reminder_due(days_left):
    if days_left >= 0:
        return days_left in REMIND_DAYS_BEFORE
    late = -days_left
    return late in REMIND_DAYS_LATE or late % 7 == 0


def owing(reports):
    """The reports among `reports` that their units still owe: not submitted,
    or returned for revision; the issuing unit's own report is not owed to
    the round (reports.completeness.participants)."""
    return participants(reports.filter(status__in=OPEN_STATUSES))


def due_reminders(today):
    """(report, days left) for every report owed in an open round that is to
    be reminded on `today` (negative days: late), against its resubmission
    deadline when it was returned with one."""
    reports = owing(Report.objects.filter(round__is_open=True)).select_related("unit", "round")
    found = []
    for report in reports.order_by("due_on", "unit__path"):
        left = days_left_for(report, today)
        if reminder_due(left):
            found.append((report, left))
    return found
