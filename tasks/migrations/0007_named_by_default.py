from django.db import migrations


def forward(apps, schema_editor):
    """Party bodies, the Front and enterprises assigned to a task are named only, as groups already
    are (docs/domain.md, "Named, not judged"): until now they were asked to report like a department.
    An administrator who wants one of them to report sets it on the assignment."""
    Assignment = apps.get_model("tasks", "Assignment")
    Assignment.objects.filter(unit__kind__in=["party", "front", "enterprise"], reporting="reports").update(
        reporting="named"
    )


class Migration(migrations.Migration):
    dependencies = [("tasks", "0006_date_ranges")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
