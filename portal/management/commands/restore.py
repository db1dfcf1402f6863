"""`manage.py restore FILE`: put a backup of `manage.py backup` back (`make restore FILE=…`).

Every table of the backup is replaced by its content in the backup: reports,
values, history, users, sessions. PostgreSQL: `pg_restore --clean --if-exists`
in a single transaction, so that a failed restore leaves the database as it
was. SQLite: the backup file is checked, then copied over the live database
with the online backup API. Restore with the same version of the portal
(the same migrations) as made the backup.
"""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portal.management.commands.backup import pg_environment, run, sqlite_copy


def check_sqlite_file(path):
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = source.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            source.close()
    except sqlite3.DatabaseError as e:
        raise CommandError(f"{path} is not a SQLite database: {e}") from e
    if result != "ok":
        raise CommandError(f"{path} is damaged: {result}")


def check_pg_file(path):
    """pg_restore reads the archive's table of contents without touching any database."""
    try:
        run(["pg_restore", "--list", str(path)])
    except CommandError as e:
        raise CommandError(f"{path} is not a backup of pg_dump: {e}") from e


def restore(path, database=DEFAULT_DB_ALIAS):
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"No backup file {path}.")
    connection = connections[database]
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        check_pg_file(path)
    elif connection.vendor == "sqlite":
        check_sqlite_file(path)
    else:
        raise CommandError(f"No restore for a {connection.vendor} database.")
    # The file is good: now the portal's own connection must hold no lock on
    # what is replaced.
    connection.close()
    if connection.vendor == "postgresql":
        run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={settings_dict['NAME']}",
                str(path),
            ],
            env=pg_environment(settings_dict),
        )
    else:
        sqlite_copy(path, settings_dict["NAME"])


class Command(BaseCommand):
    help = "Replace the whole database by a backup made with `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file (backups/…)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, file, database=DEFAULT_DB_ALIAS, interactive=True, **options):
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(
                f"Every table of the database {name} will be replaced by the content of {file}.\n"
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        restore(file, database)
        self.stdout.write(f"Database {name} restored from {file}.")
