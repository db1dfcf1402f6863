"""Daily reminders of reports due or late; run it once a day (cron, systemd timer)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.notifications import due_reminders, reminder


class Command(BaseCommand):
    help = "E-mail the units whose report is due soon or late (run once a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="the day to remind for, dd/mm/yyyy (default: today, Asia/Ho_Chi_Minh)"
        )
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = dt.datetime.strptime(date, "%d/%m/%Y").date() if date else timezone.localdate()
        except ValueError as e:
            raise CommandError("--date: write the day as dd/mm/yyyy, e.g. 20/11/2020") from e
        due = due_reminders(today)
        for report, days_left in due:
            self.stdout.write(f"{report.unit.code} {report.unit.name}: {days_left:+d} · {report}")
            if not dry_run:
                reminder(report, days_left)
        self.stdout.write(f"{len(due)} reminder(s) {'to send' if dry_run else 'queued (outbox)'}.")
