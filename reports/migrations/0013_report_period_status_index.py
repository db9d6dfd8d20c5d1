"""An index of reports by period, then status.

It serves the counts of each shown period's reports, waiting and accepted (`with_report_counts`:
the periods page `/ky-bao-cao/`, the home page of the coordinators and the leadership, the
calendar), which read it alone on SQLite and PostgreSQL instead of every report of those periods
(at the monthly-120 shape, 84.000 rows for a page of 30 periods).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0012_remove_report_output"),
        ("tasks", "0014_remove_output_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="taskreport",
            index=models.Index(fields=["period", "status"], name="report_period_status"),
        ),
    ]
