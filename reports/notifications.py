"""E-mails of the workflow, in Vietnamese, sent after the transaction commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import Role


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
