"""A round's exports to a file, by default the official PDFs of its reports in
one zip: `export_round 3 -o round.zip`, `export_round 3 --export round-rollup -o r.xlsx`."""

from documents import registry
from documents.management.exporting import ExportCommand


class Command(ExportCommand):
    help = (
        "Write a round (by id) to a file through one of its exports (documents/registry.py); "
        "by default a zip with the official PDF of every report started, one file per unit."
    )
    subject = registry.ROUND
    default_export = "round-pdfs"
