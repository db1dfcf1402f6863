"""Reports opened before portal/names.py stored their place as the unit's name
without its first word: "phố Sa Đéc" for "Thành phố Sa Đéc", "xã Hồng Ngự" for
"Thị xã Hồng Ngự", "1" for "Phường 1". Only a place equal to that old output
is recomputed: a place a user typed differently is never overwritten.

The rule is copied here as it stands today (portal.names.place_name), so
that the migration does the same whatever the module becomes.
"""

from django.db import migrations

WORDS = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Xã", "Phường")
NAMED_AFTER_PEOPLE = ("Hồ Chí Minh",)


def place_name(name):
    name = " ".join(name.split())
    for word in WORDS:
        if name.casefold().startswith(word.casefold() + " ") and len(name) > len(word) + 1:
            proper = name[len(word) + 1 :]
            if proper[:1].isdigit() or proper in NAMED_AFTER_PEOPLE:
                return name
            return proper
    return name


def old_place(name):
    return name.split(" ", 1)[-1]


def fix_places(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    reports = Report.objects.select_related("unit").only("pk", "place", "unit__name")
    for report in reports.iterator(chunk_size=2000):
        wrong, right = old_place(report.unit.name), place_name(report.unit.name)
        if report.place == wrong and wrong != right:
            Report.objects.filter(pk=report.pk, place=wrong).update(place=right)


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_table_placement"), ("portal", "0002_path_prefix_statistics")]

    operations = [migrations.RunPython(fix_places, migrations.RunPython.noop)]
