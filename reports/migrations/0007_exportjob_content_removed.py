"""The export files live in the storage now (0006): the bytes' column goes.
Apart from 0006, so that PostgreSQL alters the table in a transaction of its own."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_export_files")]

    operations = [migrations.RemoveField(model_name="exportjob", name="content")]
