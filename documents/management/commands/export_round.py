"""The official PDFs of a round's reports, in one zip: `export_round 3 -o round.zip`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.jobs import write_round_zip
from reports.models import ReportingRound


class Command(BaseCommand):
    help = (
        "Write a zip with the official PDF of every report of a round that has been "
        "started (not those still 'not started'), one file per unit, named by its code and name."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "round_id", type=int, help="the round's id (as in /reports/rounds/<id>/)"
        )
        parser.add_argument("-o", "--output", required=True, help="the zip file to write")

    def handle(self, *args, round_id, output, **options):
        round_ = ReportingRound.objects.filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"There is no round {round_id}.")
        path = Path(output)
        try:
            with path.open("wb") as f:
                reports = write_round_zip(round_, f)
        except OSError as e:
            path.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {e.strerror or e}") from e
        except BaseException:
            path.unlink(missing_ok=True)  # never leave half a zip that looks complete
            raise
        for report in reports:
            self.stdout.write(f"  {report.unit.code} {report.unit.name}")
        self.stdout.write(f"{len(reports)} report(s) of “{round_}” written to {path}.")
