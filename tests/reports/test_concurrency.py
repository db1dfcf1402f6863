"""Saves racing each other and the submission, on PostgreSQL with real
transactions in threads (the issue's case 7, and cells with no conflict check).

Every write locks the report's row (reports/workflow.py, `locked_for_edit`)
and reads its status again under the lock, so a save either comes before the
submission it raced or is refused after it.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from indicators.models import Indicator
from portal.management.commands.load_demo import load_demo_data
from portal.models import Membership, Role
from reports import editing, workflow
from reports.models import Report, ReportStatus, ReportValue, SectionText
from reports.workflow import indicator_codes
from tests.reports.conftest import user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql(demo_again_afterwards, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's: SQLite serialises whole transactions")
    if not Report.objects.filter(unit__code="870").exists():
        load_demo_data()


def in_threads(*targets):
    errors = []

    def run(target):
        try:
            target()
        except Exception as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def draft_report():
    """Hồng Ngự's 2020 report in the demo: a draft, its approver about to submit."""
    report = Report.objects.get(
        unit__code="870", round__year=2020, round__title__startswith="Báo cáo kết quả"
    )
    assert report.status == ReportStatus.DRAFT
    return report


def test_no_save_is_committed_after_the_submission_it_raced(postgresql):
    report = draft_report()
    # What submission asks for: every required section and every indicator result.
    reporter = user("hongngu")
    for section in report.round.template.sections.filter(children=None):
        editing.save_section(report, section, "Đã thực hiện.", _version(report, section), reporter)
    indicators = list(Indicator.objects.filter(code__in=indicator_codes(report.round.template)))
    for indicator in indicators:
        editing.save_cell(report, indicator, "actual", "1", reporter)
    lead = get_user_model().objects.create_user("hongngu.lead")
    Membership.objects.create(user=lead, unit=report.unit, role=Role.APPROVER)
    sections = list(report.round.template.sections.filter(children=None))
    start = threading.Barrier(5)
    refused = []

    def autosave(n):
        def loop():
            start.wait()
            for i in range(200):
                section = sections[(n + i) % len(sections)]
                try:
                    editing.save_section(
                        report, section, f"Lần {n}.{i}", _version(report, section), reporter
                    )
                    cell = indicators[i % len(indicators)]
                    editing.save_cell(report, cell, "actual", str(i), reporter)
                except editing.ConflictError:
                    continue
                except workflow.WorkflowError:
                    refused.append(n)
                    return

        return loop

    def submit():
        start.wait()
        workflow.submit(Report.objects.get(pk=report.pk), lead)

    in_threads(*(autosave(n) for n in range(4)), submit)

    report = Report.objects.get(pk=report.pk)
    assert report.status == ReportStatus.SUBMITTED
    assert sorted(refused) == [0, 1, 2, 3]  # every thread was stopped by the submission
    submitted_at = report.status_changes.get(to_status=ReportStatus.SUBMITTED).at
    texts = SectionText.history.filter(report_id=report.pk)
    cells = ReportValue.history.filter(report_id=report.pk)
    last_edit = max(
        texts.latest("history_date").history_date, cells.latest("history_date").history_date
    )
    assert last_edit < submitted_at


def _version(report, section):
    text = SectionText.objects.filter(report=report, section=section).first()
    return text.version if text else 0


def test_two_simultaneous_saves_of_one_cell_give_one_success_and_one_conflict(postgresql):
    report = draft_report()
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    start = threading.Barrier(2)
    outcomes = []

    def save(typed, username):
        def run():
            start.wait()
            try:
                editing.save_cell(report, insurance, "actual", typed, user(username), 0)
                outcomes.append(("saved", typed))
            except editing.ConflictError as conflict:
                outcomes.append(("conflict", conflict.current_text))

        return run

    # The same reporter in two tabs of the browser.
    in_threads(save("90,1", "hongngu"), save("88", "hongngu"))
    kinds = sorted(kind for kind, _text in outcomes)
    assert kinds == ["conflict", "saved"], outcomes
    saved = next(text for kind, text in outcomes if kind == "saved")
    shown = next(text for kind, text in outcomes if kind == "conflict")
    stored = ReportValue.objects.get(report=report, indicator=insurance, column="actual")
    assert stored.text == saved == shown and stored.version == 1
