"""An index of the reports waiting for a review (status "submitted" only), by period.

It serves the review queue `/duyet/` (`permissions.review_queue_for`): how many reports wait in
each open period and since when, how many of each unit, and the order of a page (by the time they
were last sent). SQLite and PostgreSQL read those from this index alone, searched by the open
periods, instead of one row of the reports' table per report waiting. Only the reports waiting are
in it (a few thousand where the reports number hundreds of thousands), so it stays small.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0014_search_words_of_reports"),
        ("tasks", "0014_remove_output_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="taskreport",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["period", "status", "last_submitted_at", "unit", "unit_name"],
                name="report_waiting",
            ),
        ),
    ]
