from django.core.management.base import BaseCommand, CommandError

from portal.units import current_division_records, upsert_units


class Command(BaseCommand):
    help = (
        "Import the provinces and communes in force since 1 July 2025 from the "
        "vietnam-provinces package: one province (--province CODE) or all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", help="province code, e.g. 01 for Hà Nội")

    def handle(self, *args, province=None, **options):
        try:
            records = current_division_records(province)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        created, updated = upsert_units(records)
        self.stdout.write(f"{len(records)} units read: {created} created, {updated} updated.")
