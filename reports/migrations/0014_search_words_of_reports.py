"""The reports' words stored and indexed for the search box (/tim-kiem/), and written for every
existing report: on SQLite an FTS5 table `search_report`, on PostgreSQL a tsvector column
`reports_taskreport.search_vector` under a GIN index, both kept in step by triggers. They serve the
search of reports by word (`reports.search.selectors.matching`), which read every report's text
before. What is created, and why triggers: reports.search.index."""

from django.db import migrations


def create(apps, schema_editor):
    from reports.search import index

    index.install(schema_editor.connection.alias)


def drop(apps, schema_editor):
    from reports.search import index

    index.uninstall(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0013_report_period_status_index"),
        ("tasks", "0014_remove_output_kinds"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
