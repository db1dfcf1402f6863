"""The outbox: a workflow action never fails because the mail server is down;
its mail waits in the outbox, is retried later, once, and an administrator
sees what was given up on and can send it again."""

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal import mail as outbox
from portal.models import MailStatus, OutgoingMail
from reports import workflow
from reports.models import Report, ReportStatus
from tests.reports.conftest import after_commit, user
from tests.reports.test_workflow import fill_everything

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def smtp_down(settings):
    """Django's real SMTP backend, pointed at a local port where nothing listens."""
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", 1)):
        pass
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 5
    return settings


@contextlib.contextmanager
def at(moment):
    """Everything inside happens at `moment` (the retries of hours later)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def pending_mail(report):
    """The report's unit's users' "returned" mail, queued (and tried once) with the return."""
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    with after_commit():
        workflow.return_for_revision(report, user("syt"), "Bổ sung số liệu")
    return OutgoingMail.objects.get(subject__contains="trả lại")


def send_pending_mail():
    call_command("send_pending_mail", stdout=open(os.devnull, "w"))


def test_with_the_mail_server_down_every_action_answers_and_its_mail_waits(
    as_user, chau_thanh_report, smtp_down
):
    report = chau_thanh_report
    fill_everything(as_user("chauthanh"), report)
    steps = [
        ("chauthanh.lead", f"/reports/{report.pk}/submit/", {}),
        ("syt", f"/reports/{report.pk}/return/", {"reason": "Bổ sung số liệu"}),
        ("chauthanh.lead", f"/reports/{report.pk}/submit/", {}),
        ("syt", f"/reports/{report.pk}/accept/", {}),
        ("syt", f"/reports/rounds/{report.round_id}/remind/", {}),
    ]
    for username, url, data in steps:
        with after_commit():  # the task runs once the action has committed
            response = as_user(username).post(url, data)
        assert response.status_code == 302, url
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert mail.outbox == []
    queued = OutgoingMail.objects.all()
    subjects = {m.subject for m in queued}
    assert any("đã gửi báo cáo" in s for s in subjects)
    assert any("trả lại" in s for s in subjects) and any("tiếp nhận" in s for s in subjects)
    assert any("Nhắc" in s for s in subjects)
    soon = timezone.now() + dt.timedelta(minutes=4)
    for m in queued:
        assert m.status == MailStatus.PENDING and m.attempts == 1 and m.sent_at is None
        assert m.last_error.startswith("ConnectionRefusedError")
        assert m.next_attempt_at > soon


def test_once_the_server_answers_again_the_command_delivers_the_mail_once(
    chau_thanh_report, smtp_down
):
    waiting = pending_mail(chau_thanh_report)
    smtp_down.EMAIL_BACKEND = LOCMEM
    send_pending_mail()  # not due yet: five minutes after the failure
    assert mail.outbox == []
    with at(waiting.next_attempt_at + dt.timedelta(seconds=1)):
        send_pending_mail()
        send_pending_mail()
    with at(waiting.next_attempt_at + dt.timedelta(days=2)):
        send_pending_mail()
    (message,) = mail.outbox
    assert sorted(message.to) == ["chauthanh.lead@example.vn", "chauthanh@example.vn"]
    assert message.subject == waiting.subject and "Lý do: Bổ sung số liệu" in message.body
    waiting.refresh_from_db()
    assert waiting.status == MailStatus.SENT and waiting.attempts == 2
    assert waiting.sent_at is not None and waiting.next_attempt_at is None


def test_a_rolled_back_action_leaves_no_mail(chau_thanh_report, settings):
    settings.EMAIL_BACKEND = LOCMEM
    Report.objects.filter(pk=chau_thanh_report.pk).update(status=ReportStatus.SUBMITTED)

    class Undone(Exception):
        pass

    with after_commit() as callbacks:
        with pytest.raises(Undone), transaction.atomic():
            workflow.return_for_revision(chau_thanh_report, user("syt"), "Bổ sung số liệu")
            assert OutgoingMail.objects.count() == 1  # stored with the action...
            raise Undone
    assert not OutgoingMail.objects.exists()  # ...and gone with it
    assert callbacks == [] and mail.outbox == []


def test_retries_back_off_and_stop_after_the_last_attempt(chau_thanh_report, smtp_down):
    waiting = pending_mail(chau_thanh_report)
    waits = []
    for _attempt in range(outbox.MAX_ATTEMPTS + 2):
        if waiting.status != MailStatus.PENDING:
            break
        with at(waiting.next_attempt_at + dt.timedelta(seconds=1)) as moment:
            send_pending_mail()
        waiting.refresh_from_db()
        if waiting.next_attempt_at:
            waits.append(waiting.next_attempt_at - moment)
    assert waiting.status == MailStatus.FAILED
    assert waiting.attempts == outbox.MAX_ATTEMPTS and waiting.next_attempt_at is None
    assert waiting.last_error.startswith("ConnectionRefusedError")
    assert waits == list(outbox.RETRY_DELAYS[1:])  # the first wait followed the task's attempt
    smtp_down.EMAIL_BACKEND = LOCMEM
    with at(timezone.now() + dt.timedelta(days=30)):
        send_pending_mail()
    waiting.refresh_from_db()
    assert waiting.attempts == outbox.MAX_ATTEMPTS and mail.outbox == []


def test_the_administrator_sees_the_failed_mail_and_sends_it_again(
    as_user, chau_thanh_report, smtp_down
):
    waiting = pending_mail(chau_thanh_report)
    OutgoingMail.objects.filter(pk=waiting.pk).update(
        status=MailStatus.FAILED, attempts=outbox.MAX_ATTEMPTS, next_attempt_at=None
    )
    client = as_user("admin")
    page = client.get("/admin/portal/outgoingmail/?status__exact=failed").content.decode()
    assert "Hộp thư đi" in page and waiting.subject in page
    assert "ConnectionRefusedError" in page and "Gửi thất bại" in page
    assert "Chờ gửi" in page and "Đã gửi" in page  # the status filter
    assert "Gửi lại ngay" in page
    detail = client.get(f"/admin/portal/outgoingmail/{waiting.pk}/change/").content.decode()
    assert "Lý do: Bổ sung số liệu" in detail and "lỗi gần nhất" in detail.lower()
    smtp_down.EMAIL_BACKEND = LOCMEM
    with after_commit():
        response = client.post(
            "/admin/portal/outgoingmail/",
            {"action": "send_again_now", "_selected_action": [waiting.pk]},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == waiting.subject
    waiting.refresh_from_db()
    assert waiting.status == MailStatus.SENT
    failed = client.get("/admin/portal/outgoingmail/?status__exact=failed")
    assert failed.context["cl"].result_count == 0


class SecondWorkerBackend(LocmemBackend):
    """A mail backend during whose send another worker tries the same mail."""

    def send_messages(self, messages):
        SecondWorkerBackend.second = [outbox.attempt(pk) for pk in outbox.due()]
        return super().send_messages(messages)


def test_a_second_worker_does_not_send_a_mail_being_sent(chau_thanh_report, settings):
    settings.EMAIL_BACKEND = "tests.reports.test_mail.SecondWorkerBackend"
    pending_mail(chau_thanh_report)
    assert SecondWorkerBackend.second == []  # claimed by the first: not due to anyone else
    assert len(mail.outbox) == 1


def test_with_the_database_queue_the_task_enqueues_its_own_retry(chau_thanh_report, smtp_down):
    smtp_down.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = pending_mail(chau_thanh_report)
    assert waiting.attempts == 0  # queued for the worker, not sent in the request
    (first,) = DBTaskResult.objects.filter(status="READY")

    def work(queued):
        """What `db_worker` does with a queued task (the worker itself closes
        the database connection, which a test's transaction cannot allow)."""
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=queued.pk).update(status="SUCCESSFUL")

    work(first)
    waiting.refresh_from_db()
    assert waiting.attempts == 1 and waiting.status == MailStatus.PENDING
    (retry,) = DBTaskResult.objects.filter(status="READY")
    assert retry.task_path == "portal.mail.deliver_mail"
    assert retry.args_kwargs["args"] == [waiting.pk]
    assert retry.run_after == waiting.next_attempt_at
    smtp_down.EMAIL_BACKEND = LOCMEM
    with at(waiting.next_attempt_at + dt.timedelta(seconds=1)):
        work(retry)
    waiting.refresh_from_db()
    assert waiting.status == MailStatus.SENT and len(mail.outbox) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_the_mail_server_is_configured_from_the_environment():
    env = dict(
        os.environ,
        DEBUG="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.gov.vn",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="baocao",
        EMAIL_HOST_PASSWORD="mật-khẩu",
        EMAIL_USE_TLS="1",
        EMAIL_TIMEOUT="20",
        DEFAULT_FROM_EMAIL="baocao@example.gov.vn",
    )
    script = (
        "from portal import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, "
        "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT, "
        "s.DEFAULT_FROM_EMAIL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == [
        "smtp.example.gov.vn",
        "587",
        "baocao",
        "mật-khẩu",
        "True",
        "20",
        "baocao@example.gov.vn",
    ]
