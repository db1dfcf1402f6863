"""Write one report's printed form to a file: `export_report 12 --format pdf -o bc.pdf`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.revisions import printed_pdf, printed_xlsx
from reports.models import Report

# Format → function(report) returning the file's bytes (as accepted, for an
# accepted report). Each format's module adds its entry here.
EXPORTERS = {"pdf": printed_pdf, "xlsx": printed_xlsx}


class Command(BaseCommand):
    help = "Write a report (by id) to a file in one of the export formats, e.g. its official PDF."

    def add_arguments(self, parser):
        parser.add_argument("report_id", type=int, help="the report's id (as in /reports/<id>/)")
        parser.add_argument(
            "--format",
            dest="fmt",
            default="pdf",
            help=f"one of: {', '.join(sorted(EXPORTERS))} (default pdf)",
        )
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, report_id, fmt, output, **options):
        exporter = EXPORTERS.get(fmt)
        if exporter is None:
            raise CommandError(
                f"Unknown format {fmt!r}: choose one of {', '.join(sorted(EXPORTERS))}."
            )
        report = (
            Report.objects.select_related("round__template", "unit").filter(pk=report_id).first()
        )
        if report is None:
            raise CommandError(f"There is no report {report_id}.")
        data = exporter(report)
        path = Path(output)
        try:
            path.write_bytes(data)
        except OSError as e:
            raise CommandError(f"Cannot write {path}: {e.strerror}") from e
        self.stdout.write(
            f"{report.unit.code} {report.unit.name}, {report.round.year}: "
            f"{fmt} written to {path} ({len(data):,} bytes)."
        )
