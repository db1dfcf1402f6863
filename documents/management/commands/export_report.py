"""Write one report's printed form to a file: `export_report 12 --format pdf -o bc.pdf`."""

from documents import registry
from documents.management.exporting import ExportCommand


class Command(ExportCommand):
    help = (
        "Write a report (by id) to a file through one of its exports (documents/registry.py), "
        "e.g. its official PDF (as accepted, for an accepted report)."
    )
    subject = registry.REPORT
    default_export = "report"
    default_format = "pdf"
