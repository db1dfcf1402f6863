"""The portal's e-mail: every notification goes through send(), never straight to SMTP.

send() stores the mail in the outbox (portal.OutgoingMail) inside the caller's
transaction, so a rolled-back action sends nothing, and enqueues the task
deliver_mail() once that transaction commits. The task makes one attempt with
Django's mail API and records the outcome: sent, or the error and when to try
again (RETRY_DELAYS), or given up on after MAX_ATTEMPTS. A mail server that is
down therefore never fails the action that asked for the mail.

Retries run in two ways, either enough on its own: the task re-enqueues itself
for the next attempt where the task backend can defer (django-tasks-db), and
`manage.py send_pending_mail` (cron) attempts every mail that is due. Both go
through attempt(), which claims the mail with one conditional UPDATE, so two
workers never send the same mail twice.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django_tasks import task

from portal.models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

# The wait after each failed attempt: a server down for a night is still
# caught up with by morning; after the last one the mail is marked failed.
RETRY_DELAYS = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# An attempt holds its mail this long: longer than a send can take
# (EMAIL_TIMEOUT), so no one else takes it meanwhile; a worker that dies
# mid-send leaves it due again afterwards.
CLAIM_FOR = dt.timedelta(minutes=10)


def send(subject: str, body: str, recipients: Iterable[str]) -> OutgoingMail | None:
    """Queue one e-mail to `recipients` (all in "To", as one message); returns
    the outbox row, or None when there is no one to send it to."""
    addressees = list(dict.fromkeys(r for r in recipients if r))
    if not addressees:
        return None
    mail = OutgoingMail.objects.create(
        recipients=addressees, subject=subject, body=body, next_attempt_at=timezone.now()
    )
    # After the commit: the worker must find the row, and a rolled-back action
    # drops this callback with the row. robust: an enqueue that fails (the task
    # queue's table unreachable) is logged and leaves the mail to the command.
    transaction.on_commit(partial(enqueue, mail.pk), robust=True)
    return mail


def enqueue(mail_pk: int, at: dt.datetime | None = None) -> None:
    """Enqueue the task for the mail, to run at `at` (None: now). A backend that
    cannot defer (the immediate one) is not asked to: the command will attempt
    the mail when it is due."""
    deliver = deliver_mail
    if at is not None:
        if not deliver.get_backend().supports_defer:
            return
        deliver = deliver.using(run_after=at)
    deliver.enqueue(mail_pk)


def attempt(mail_pk: int) -> MailStatus | None:
    """Make one attempt at a mail that is due; returns its status afterwards,
    or None when it was not ours to attempt (sent, given up on, not due yet,
    or being attempted by another worker)."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(
        pk=mail_pk, status=MailStatus.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_FOR)
    if not claimed:
        return None
    mail = OutgoingMail.objects.get(pk=mail_pk)
    message = EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, mail.recipients)
    try:
        message.send()
    except Exception as e:  # refused, timed out, rejected: whatever it is, try again later
        return _failed(mail, e)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return MailStatus.SENT


def _failed(mail: OutgoingMail, error: Exception) -> MailStatus:
    if mail.attempts >= MAX_ATTEMPTS:
        status, next_at = MailStatus.FAILED, None
        logger.error("e-mail %s given up after %s attempts: %s", mail.pk, mail.attempts, error)
    else:
        status, next_at = MailStatus.PENDING, timezone.now() + RETRY_DELAYS[mail.attempts - 1]
        logger.warning("e-mail %s not sent (attempt %s): %s", mail.pk, mail.attempts, error)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=status, next_attempt_at=next_at, last_error=f"{type(error).__name__}: {error}"[:2000]
    )
    return status


@task()
def deliver_mail(mail_pk: int) -> str | None:
    """One attempt at the mail; if it is to be tried again, enqueue the next one."""
    status = attempt(mail_pk)
    if status == MailStatus.PENDING:
        next_at = OutgoingMail.objects.values_list("next_attempt_at", flat=True).get(pk=mail_pk)
        enqueue(mail_pk, at=next_at)
    return None if status is None else str(status.value)  # the task's result is plain JSON


def due(now: dt.datetime | None = None) -> list[int]:
    """The pks of the mails due for an attempt, oldest due first."""
    return list(
        OutgoingMail.objects.filter(
            status=MailStatus.PENDING, next_attempt_at__lte=now or timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


def send_again_now(mails: QuerySet[OutgoingMail]) -> int:
    """Make the mails not yet sent due now, given up on or not, and enqueue
    them (an administrator's "send again now"); returns how many."""
    pks = list(mails.exclude(status=MailStatus.SENT).values_list("pk", flat=True))
    # A mail given up on gets one more attempt: its attempts stay counted, so
    # a new failure marks it failed again rather than restarting the series.
    OutgoingMail.objects.filter(pk__in=pks).update(
        status=MailStatus.PENDING, next_attempt_at=timezone.now()
    )
    for pk in pks:
        transaction.on_commit(partial(enqueue, pk), robust=True)
    return len(pks)
