"""The official PDFs of a round's reports, in one zip: `export_round 3 -o round.zip`."""

import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.exports.pdf import pdf_filename, report_pdf
from reports.models import Report, ReportingRound, ReportStatus


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
        from weasyprint.text.fonts import FontConfiguration

        round_ = ReportingRound.objects.filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"There is no round {round_id}.")
        reports = (
            Report.objects.filter(round=round_)
            .exclude(status=ReportStatus.NOT_STARTED)
            .select_related("round__template", "unit")
            .order_by("unit__code")
        )
        path = Path(output)
        # One font configuration for the whole round: the fonts are registered once.
        fonts = FontConfiguration()
        count = 0
        try:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for report in reports:
                    archive.writestr(pdf_filename(report), report_pdf(report, fonts))
                    count += 1
                    self.stdout.write(f"  {report.unit.code} {report.unit.name}")
        except OSError as e:
            path.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {e.strerror or e}") from e
        except BaseException:
            path.unlink(missing_ok=True)  # never leave half a zip that looks complete
            raise
        self.stdout.write(f"{count} report(s) of “{round_}” written to {path}.")
