from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def load_demo_data():
    # Each app's loader, in the order settings.DEMO_LOADERS gives (the project
    # level names the apps; portal, below them all, does not).
    for module, function in settings.DEMO_LOADERS:
        getattr(import_module(module), function)()
        # Fresh tables have no planner statistics until autovacuum gets to
        # them, and without them PostgreSQL plans the official series' "a
        # later report wins" anti-join as a nested loop over every pair of
        # figures: the next loader (the award list reads standings) would wait.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Load the demo data (Đồng Tháp 2020, seed 000's directives, demo users). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even with DEBUG off (demo users have the password 'demo')",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: demo users have the password "
                "'demo'. Pass --force if this really is a demonstration server."
            )
        load_demo_data()
        self.stdout.write("Demo data loaded. Logins (password 'demo'):")
        from portal.demo import DEMO_USERS

        for username, full_name, unit_code, role in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role.label} · {unit_code} · {full_name}")
        self.stdout.write("  admin            superuser")
