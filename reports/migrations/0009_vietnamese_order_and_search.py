"""Reports listed by unit in Vietnamese alphabetical order (kehoach.db.Vietnamese), and, on PostgreSQL
only, what the search page needs: the `unaccent` extension and the text search configuration
"kehoach_vi" (words lower-cased and without their marks). SQLite needs neither: kehoach.db registers
its own function on every connection."""

from django.db import migrations

import kehoach.db

SEARCH_CONFIGURATION = "kehoach_vi"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{SEARCH_CONFIGURATION}') THEN
        CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION} (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END
$$;
"""
# The extension stays: another database object may have come to use it.
DROP = f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {SEARCH_CONFIGURATION};"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_consolidated_editions_and_issue"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="taskreport",
            options={
                "ordering": ["period", "task__sort_key", "role", kehoach.db.Vietnamese("unit_name")],
                "verbose_name": "báo cáo nhiệm vụ",
                "verbose_name_plural": "báo cáo nhiệm vụ",
            },
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False),
    ]
