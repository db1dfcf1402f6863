"""Faults: a submission is one transaction, and a broken database answers the
Vietnamese error page, never a traceback.

The failures are real database errors raised through Django's own
`connection.execute_wrapper` (the hook for instrumenting queries), not mocks
of the portal's code: the Nth query of a submission fails as a lost
connection would make it fail.
"""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from reports import workflow
from reports.models import Report, ReportStatus, StatusChange

ERROR_PAGE = "Lỗi máy chủ"  # the heading of templates/500.html in Vietnamese


def _submittable():
    """Châu Thành's demo report, filled in, put back in draft."""
    report = Report.objects.select_related("round").get(
        unit__code="877", round__year=2020, round__template__code="bc-ctr-59-60"
    )
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DRAFT, submitted_at=None)
    report.refresh_from_db()
    return report


class FailFrom:
    """An execute wrapper that raises OperationalError from the `nth` query on
    whose SQL contains `sql` (every query if sql is empty)."""

    def __init__(self, nth=1, sql=""):
        self.nth, self.sql, self.seen = nth, sql, 0

    def __call__(self, execute, sql, params, many, context):
        # Savepoints are the test case's nesting, not the submission's work.
        if self.sql.lower() in sql.lower() and "SAVEPOINT" not in sql.upper():
            self.seen += 1
            if self.seen >= self.nth:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def _state(report):
    row = Report.objects.get(pk=report.pk)
    return row.status, row.submitted_at, row.version, report.status_changes.count()


@pytest.mark.django_db
def test_a_submission_is_all_or_nothing(demo):
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username="chauthanh.lead")
    report = _submittable()
    before = _state(report)
    changes_before = StatusChange.objects.count()
    # Its last write, the report's UPDATE, fails after the StatusChange was inserted.
    failing = FailFrom(sql='UPDATE "reports_report"')
    with connection.execute_wrapper(failing), pytest.raises(OperationalError):
        workflow.submit(report, lead)
    assert failing.seen == 1  # the failure came where intended, after the insert
    assert _state(report) == before
    assert StatusChange.objects.count() == changes_before
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    assert Report.objects.get(pk=report.pk).submitted_at is None
    # The same submission without the fault goes through, once.
    submitted = workflow.submit(report, lead)
    assert submitted.status == ReportStatus.SUBMITTED and submitted.submitted_at
    assert StatusChange.objects.count() == changes_before + 1


@pytest.mark.django_db
def test_a_submission_failing_at_any_query_leaves_nothing(demo):
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username="chauthanh.lead")
    report = _submittable()
    before = _state(report)
    changes_before = StatusChange.objects.count()
    counter = FailFrom(nth=10**9)
    # Count the queries of a whole submission inside a savepoint, then undo it.
    from django.db import transaction

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        with connection.execute_wrapper(counter):
            workflow.submit(report, lead)
        raise Undo
    total = counter.seen
    assert total > 3
    for nth in range(1, total + 1):
        with connection.execute_wrapper(FailFrom(nth=nth)), pytest.raises(OperationalError):
            workflow.submit(Report.objects.get(pk=report.pk), lead)
        assert _state(report) == before, f"query {nth} of {total} left a half submission"
        assert StatusChange.objects.count() == changes_before


@pytest.mark.django_db
def test_a_broken_database_answers_the_vietnamese_error_page(client, settings, demo):
    settings.DEBUG = False
    client.raise_request_exception = False
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="chauthanh"))
    with connection.execute_wrapper(FailFrom()):
        response = client.get(reverse("report-list"))
        health = client.get(reverse("healthz"))
    assert response.status_code == 500
    text = response.content.decode()
    assert ERROR_PAGE in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert "server closed the connection" not in text
    # The load balancer's check says "unavailable" rather than failing, when it
    # comes without a session (a session would be read from the broken database).
    client.logout()
    with connection.execute_wrapper(FailFrom()):
        health = client.get(reverse("healthz"))
    assert health.status_code == 503
    # And once the database answers again, so does the portal.
    client.force_login(get_user_model().objects.get(username="chauthanh"))
    assert client.get(reverse("report-list")).status_code == 200
