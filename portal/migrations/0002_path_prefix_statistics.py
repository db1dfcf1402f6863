"""Statistics on the tree-path prefixes the roll-up groups by.

Without them PostgreSQL guesses hundreds of thousands of groups for
GROUP BY substring(path, 1, n), sorts every value on disk instead of hashing,
and the national roll-up takes twice as long (bench/README.md). Expression
statistics need PostgreSQL 14; SQLite and older servers skip this.
"""

from django.db import migrations

PREFIX_LENGTHS = (4, 8, 12, 16)  # children of units at depth 0, 1, 2, 3 (steplen 4)


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    for n in PREFIX_LENGTHS:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS portal_unit_path_prefix_{n} "
            f"ON (substring(path, 1, {n})) FROM portal_reportingunit"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for n in PREFIX_LENGTHS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS portal_unit_path_prefix_{n}")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
