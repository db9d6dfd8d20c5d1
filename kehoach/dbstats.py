"""Statistics for the query planner, on both databases.

Both planners choose an index by what they know of the tables' sizes and values. PostgreSQL's
autovacuum gathers that as tables grow; SQLite gathers nothing by itself: until ANALYZE has run,
it guesses, and at a province's size it guessed wrong where it mattered (the indicator values read
by the report pages were found by scanning every sent report through the status index, 1.5 s of a
Word export, instead of through the indicators' own index).

- After every `migrate` (reports.apps), SQLite's tables are analysed with `analysis_limit`: SQLite
  then samples about that many rows of each index, so it takes milliseconds even on millions of
  rows. Deploying, `make run` and every upgrade migrate, so the statistics follow the data there.
- A command that writes rows by the hundred thousand (the demo data) analyses the tables it wrote
  at once, on both databases (`analyse`): rows written moments ago have no statistics on PostgreSQL
  either, and its planner then takes the fresh tables for empty.
"""

from __future__ import annotations

from django.db import connections

# Rows sampled per index by SQLite's ANALYZE after a migrate (its documentation suggests 100–1000).
SQLITE_ANALYSIS_LIMIT = 1000


def analyse(using: str = "default", *, tables: list[str] | None = None, limit: int | None = None) -> None:
    """ANALYZE `tables` (every table for None); on SQLite, sampling `limit` rows an index (all for
    None)."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {int(limit or 0)}")
            for table in tables or [None]:
                cursor.execute("ANALYZE" if table is None else f"ANALYZE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA analysis_limit = 0")
        else:
            names = ", ".join(connection.ops.quote_name(table) for table in tables or [])
            cursor.execute(f"ANALYZE {names}".strip())


def analyse_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: SQLite's statistics taken again, sampled (PostgreSQL's autovacuum keeps its own)."""
    if connections[using].vendor == "sqlite":
        analyse(using, limit=SQLITE_ANALYSIS_LIMIT)
