# Written by hand (issue 10, case 9): timeliness reads the first submission,
# which a resubmission after a return for revision no longer overwrites.

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_first_submission(apps, schema_editor):
    """The earliest transition to "submitted" of each report; without one (a
    report whose status was set by hand or by an import), its submission date."""
    Report = apps.get_model("reports", "Report")
    StatusChange = apps.get_model("reports", "StatusChange")
    first = (
        StatusChange.objects.filter(report=OuterRef("pk"), to_status="submitted")
        .order_by("at", "id")
        .values("at")[:1]
    )
    Report.objects.filter(first_submitted_at__isnull=True).update(
        first_submitted_at=Coalesce(Subquery(first), F("submitted_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_exportjob"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="first_submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first submitted at"),
        ),
        migrations.AddField(
            model_name="report",
            name="resubmit_by",
            field=models.DateField(blank=True, null=True, verbose_name="resubmission deadline"),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="first_submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first submitted at"),
        ),
        migrations.AddField(
            model_name="historicalreport",
            name="resubmit_by",
            field=models.DateField(blank=True, null=True, verbose_name="resubmission deadline"),
        ),
        migrations.RunPython(fill_first_submission, migrations.RunPython.noop),
    ]
