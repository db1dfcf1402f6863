"""`manage.py backup`: a copy of the whole database into backups/ (`make backup`).

PostgreSQL: `pg_dump --format=custom` (pg_dump must be on PATH, of the
server's major version or newer). SQLite: the sqlite3 online backup API, a
consistent copy even while the portal writes, which a plain `cp` of a live
database in WAL mode is not. `manage.py restore FILE` reads either back.
"""

import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


def pg_environment(settings_dict):
    """The environment for pg_dump/pg_restore: libpq's variables from Django's settings."""
    env = os.environ.copy()
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ]:
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    sslmode = settings_dict.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def run(command, env=None):
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as e:
        raise CommandError(f"{command[0]} was not found: install the PostgreSQL client.") from e
    if done.returncode != 0:
        raise CommandError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def sqlite_copy(source_path, target_path, standalone=False):
    """Copy one SQLite database file into another with the online backup API;
    `standalone`: leave the copy in rollback-journal mode, one file alone."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        if standalone:
            target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()


def backup(output=None, database=DEFAULT_DB_ALIAS):
    """Write the backup of `database` and return its path."""
    connection = connections[database]
    vendor = connection.vendor
    if vendor not in SUFFIXES:
        raise CommandError(f"No backup for a {vendor} database (PostgreSQL and SQLite only).")
    settings_dict = connection.settings_dict
    name = Path(str(settings_dict["NAME"])).stem if vendor == "sqlite" else settings_dict["NAME"]
    if output is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        output = BACKUP_DIR / f"{name}-{stamp}{SUFFIXES[vendor]}"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        raise CommandError(f"{output} already exists: choose another name.")
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if vendor == "postgresql":
            run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    settings_dict["NAME"],
                ],
                env=pg_environment(settings_dict),
            )
        else:
            sqlite_copy(settings_dict["NAME"], partial, standalone=True)
        # Under its final name only when complete: a backup that stopped half
        # way never looks like a good one.
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


class Command(BaseCommand):
    help = (
        "Back up the whole database into backups/ (pg_dump on PostgreSQL, the online "
        "backup API on SQLite). Read it back with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="the file to write (default: backups/<database>-<date>.<ext>)"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        path = backup(output, database)
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size} bytes)")
