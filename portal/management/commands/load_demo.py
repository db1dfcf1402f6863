from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app's demo loader, in the order their data depend on each other.
DEMO_LOADERS = ["portal.demo", "indicators.demo", "indicators.demo_movements", "reports.demo"]


def load_demo_data():
    for module in DEMO_LOADERS:
        import_module(module).load()


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
