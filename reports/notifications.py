"""E-mails of the workflow, in Vietnamese, sent after the transaction commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import Role
from reports.models import Report, ReportStatus


def _emails(units, roles):
    users = (
        get_user_model()
        .objects.filter(memberships__unit__in=units, memberships__role__in=roles, is_active=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def _send(subject, body, recipients):
    if recipients:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)])


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
        _send(
            _("[Reporting portal] %(unit)s submitted its report") % {"unit": report.unit.name},
            _("%(unit)s submitted its report for “%(round)s”. It awaits your review.")
            % {"unit": report.unit.name, "round": report.round.title},
            _reviewers(report),
        )


def report_returned(report, reason):
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            _("[Reporting portal] Your report was returned for revision"),
            _(
                "The report of %(unit)s for “%(round)s” was returned for revision.\n\n"
                "Reason: %(reason)s"
            )
            % {"unit": report.unit.name, "round": report.round.title, "reason": reason},
            _unit_members(report),
        )


def report_accepted(report):
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            _("[Reporting portal] Your report was accepted"),
            _("The report of %(unit)s for “%(round)s” was accepted.")
            % {"unit": report.unit.name, "round": report.round.title},
            _unit_members(report),
        )


def reminder(report, days_left):
    with translation.override(settings.LANGUAGE_CODE):
        if days_left >= 0:
            body = _(
                "The report of %(unit)s for “%(round)s” is due in %(days)s day(s), on %(due)s."
            )
        else:
            body = _(
                "The report of %(unit)s for “%(round)s” is %(days)s day(s) late: "
                "it was due on %(due)s."
            )
        _send(
            _("[Reporting portal] Reminder: report due"),
            body
            % {
                "unit": report.unit.name,
                "round": report.round.title,
                "days": abs(days_left),
                "due": report.due_on.strftime("%d/%m/%Y"),
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


def due_reminders(today):
    """(report, days left) for every unsubmitted report of an open round that
    is to be reminded on `today` (negative days: late)."""
    reports = Report.objects.filter(round__is_open=True, status__in=OPEN_STATUSES).select_related(
        "unit", "round"
    )
    found = []
    for report in reports.order_by("due_on", "unit__path"):
        days_left = (report.due_on - today).days
        if reminder_due(days_left):
            found.append((report, days_left))
    return found
