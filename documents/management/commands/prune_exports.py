"""Delete the background exports past their expiry, files and rows:
`manage.py prune_exports`, daily (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from documents.jobs import prune


class Command(BaseCommand):
    help = (
        "Delete the files and records of background exports kept longer than "
        "EXPORT_FILES_KEEP_DAYS (default 7 days)."
    )

    def handle(self, *args, **options):
        deleted = prune()
        self.stdout.write(f"{deleted} expired export(s) deleted.")
