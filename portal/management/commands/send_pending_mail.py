"""Attempt every e-mail of the outbox that is due: safe to run from cron, even
twice at once (each mail is claimed before it is sent, portal/mail.py)."""

from collections import Counter

from django.core.management.base import BaseCommand

from portal import mail
from portal.models import MailStatus


class Command(BaseCommand):
    help = "Send the e-mails of the outbox that are due (first tries and retries)."

    def handle(self, *args, **options):
        outcomes = Counter(mail.attempt(pk) for pk in mail.due())
        self.stdout.write(
            f"{outcomes[MailStatus.SENT]} sent, {outcomes[MailStatus.PENDING]} to retry, "
            f"{outcomes[MailStatus.FAILED]} given up."
        )
