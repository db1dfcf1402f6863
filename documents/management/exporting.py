"""What export_report and export_round share: an exporter of documents/registry.py
run on one object, its file written where the administrator says."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents import registry


class ExportCommand(BaseCommand):
    """Run an exporter of `subject` on the object given by id, into `-o`.

    Administrators' tool: no permission is asked (they reach the database anyway)."""

    subject: registry.Subject
    default_export: str
    default_format: str | None = None

    def exporters(self):
        return {
            identifier: exporter
            for identifier, exporter in registry.EXPORTERS.items()
            if exporter.subject is self.subject
        }

    def add_arguments(self, parser):
        parser.add_argument(
            "object_id", type=int, help=f"the {self.subject.name}'s id (as in its page's address)"
        )
        parser.add_argument(
            "--export",
            default=self.default_export,
            help=f"one of: {', '.join(sorted(self.exporters()))} (default {self.default_export})",
        )
        parser.add_argument(
            "--format", dest="fmt", help="one of the export's formats (default: its first)"
        )
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, object_id, export, fmt, output, **options):
        exporter = self.exporters().get(export)
        if exporter is None:
            raise CommandError(
                f"Unknown export {export!r}: choose one of {', '.join(sorted(self.exporters()))}."
            )
        fmt = fmt or self.default_format or exporter.formats[0]
        if fmt not in exporter.formats:
            raise CommandError(
                f"Unknown format {fmt!r} for {export}: choose one of {', '.join(exporter.formats)}."
            )
        obj = self.subject.queryset().filter(pk=object_id).first()
        if obj is None:
            raise CommandError(f"There is no {self.subject.name} {object_id}.")
        filename, data = exporter.export(obj, fmt, exporter.options({}))
        path = Path(output)
        try:
            path.write_bytes(data)
        except OSError as e:
            path.unlink(missing_ok=True)  # never leave half a file that looks complete
            raise CommandError(f"Cannot write {path}: {e.strerror or e}") from e
        self.stdout.write(f"{obj}: {fmt} written to {path} ({len(data):,} bytes; {filename}).")
