"""The words of every report, stored and indexed by the database itself, so that the search box finds
reports among millions without reading each one.

A report is found by its unit's name, its task's title, its results, difficulties and proposals.
The words are kept in step by triggers, in the same transaction as the change, whatever wrote it: a
service, the admin, an import, a bulk `update()` or `bulk_create()`, a reorganisation, raw SQL.

Tasks (number, title, content, plan's code) and units (name, short name, code) are kept the same way.

- SQLite: an FTS5 table per kind (`search_report`, `search_task`, `search_unit`), one row per row
  searched (rowid = its id) holding its words without their marks (`kehoach.db.words_text`, the
  function VI_WORDS of every connection), so "dinh quan" finds "Định Quán" (FTS5's own folding
  keeps "đ").
- PostgreSQL: a column `search_vector` of each table searched, the tsvector of the same words in the
  configuration "kehoach_vi" (unaccented, lower-cased), under a GIN index. The models do not
  declare it: only the triggers write it and only the search's selectors read it.
- A task's new title rewrites the words of its reports, a plan's new code those of its tasks.

`install` (re)creates all of it after every `migrate` (`reports.apps`), as the board's stamps are: a
migration that rebuilds a table on SQLite drops its triggers. When anything was missing, the words
of every report are written again, since rows may have changed while no trigger followed them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, transaction

from kehoach.db import SEARCH_CONFIGURATION, SQLITE_WORDS_FUNCTION

COLUMN = "search_vector"  # PostgreSQL: the column of each table searched
# SQLite: FTS5 indexes of every prefix of a word up to this many letters (Vietnamese syllables have
# at most seven): a typed word is looked up, not matched against every word that starts with it.
PREFIXES = "1 2 3 4 5 6"


@dataclass(frozen=True)
class Searched:
    """A table whose rows are searched by their words: its own columns, and one column of the row
    its foreign key `parent_key` names in `parent` (a report's task's title, a task's plan's code)."""

    name: str  # search_<name>: SQLite's FTS5 table, and the triggers' and functions' names
    table: str
    columns: tuple[str, ...]
    parent: str = ""
    parent_key: str = ""
    parent_column: str = ""
    # SQLite: a second FTS5 column of tokens saying who may see the row ("p<plan id> u<unit id>"),
    # so that a search reads only the matches the person may see (`scope_query`).
    scoped: bool = False

    @property
    def fts(self) -> str:
        return f"search_{self.name}"

    def triggers(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            names = ["insert", "update", "delete"] + (["parent"] if self.parent else [])
            names += ["period"] if self.scoped else []
        else:
            names = ["words"] + (["parent"] if self.parent else [])
        return [f"{self.fts}_{name}" for name in names]


REPORTS = Searched(
    "report",
    "reports_taskreport",
    ("unit_name", "results", "difficulties", "proposals"),
    "tasks_task",
    "task_id",
    "title",
    scoped=True,
)
TASKS = Searched("task", "tasks_task", ("number", "title", "content"), "tasks_plan", "plan_id", "code")
UNITS = Searched("unit", "tasks_unit", ("name", "short_name", "code"))
SEARCHED = (REPORTS, TASKS, UNITS)


def _parent_value(searched: Searched, row: str) -> str:
    return f"(SELECT {searched.parent_column} FROM {searched.parent} WHERE id = {row}.{searched.parent_key})"


def _sqlite_words(searched: Searched, row: str, parent_value: str | None = None) -> str:
    """SQLite's words of row `row` (NEW or an alias), its parent's column read or given."""
    parts = [f"coalesce({row}.{column}, '')" for column in searched.columns]
    if searched.parent:
        parts.append(f"coalesce({parent_value or _parent_value(searched, row)}, '')")
    joined = " || ' ' || ".join(parts)
    return f"{SQLITE_WORDS_FUNCTION}({joined})"


def _sqlite_scope(row: str) -> str:
    """A report's scope tokens: its plan ("p12") and its unit ("u345")."""
    return f"'p' || (SELECT plan_id FROM reports_reportingperiod WHERE id = {row}.period_id) || ' u' || {row}.unit_id"


def _sqlite_row(searched: Searched, row: str, parent_value: str | None = None) -> tuple[str, str]:
    """The FTS5 columns and the values of row `row` for an INSERT."""
    if searched.scoped:
        return (
            "rowid, words, scope",
            f"{row}.id, {_sqlite_words(searched, row, parent_value)}, {_sqlite_scope(row)}",
        )
    return "rowid, words", f"{row}.id, {_sqlite_words(searched, row, parent_value)}"


def _sqlite_rewrite(searched: Searched, key: str, parent_value: str | None = None) -> str:
    """Statements writing again the rows of `searched` whose `key` is NEW.id (a parent's change)."""
    table, fts = searched.table, searched.fts
    columns, values = _sqlite_row(searched, "r", parent_value)
    return (
        f"DELETE FROM {fts} WHERE rowid IN (SELECT id FROM {table} WHERE {key} = NEW.id); "
        f"INSERT INTO {fts} ({columns}) SELECT {values} FROM {table} r WHERE r.{key} = NEW.id;"
    )


def _sqlite_statements(searched: Searched) -> list[str]:
    table, fts = searched.table, searched.fts
    names, values = _sqlite_row(searched, "NEW")
    insert = f"INSERT INTO {fts} ({names}) VALUES ({values});"
    delete = f"DELETE FROM {fts} WHERE rowid = OLD.id;"
    watched = searched.columns + ((searched.parent_key,) if searched.parent else ())
    watched += ("period_id", "unit_id") if searched.scoped else ()
    columns = ", ".join(watched)
    # Words are `words_text`'s: \w+ runs, so FTS5 must split them on nothing else (keep "_"). A
    # column filter (the scope) needs detail=column; the others need the rows' ids only.
    fts_columns = "words, scope, detail=column" if searched.scoped else "words, detail=none"
    statements = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({fts_columns}, prefix='{PREFIXES}', "
        "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {columns} ON {table} "
        f"BEGIN {delete} {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
    ]
    if searched.parent:
        column, key = searched.parent_column, searched.parent_key
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_parent AFTER UPDATE OF {column} ON {searched.parent} "
            f"WHEN OLD.{column} IS NOT NEW.{column} BEGIN {_sqlite_rewrite(searched, key, f'NEW.{column}')} END"
        )
    if searched.scoped:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_period AFTER UPDATE OF plan_id ON reports_reportingperiod "
            f"WHEN OLD.plan_id IS NOT NEW.plan_id BEGIN {_sqlite_rewrite(searched, 'period_id')} END"
        )
    return statements


def _sqlite_fill(searched: Searched) -> list[str]:
    columns, values = _sqlite_row(searched, "r")
    return [
        f"DELETE FROM {searched.fts}",
        f"INSERT INTO {searched.fts} ({columns}) SELECT {values} FROM {searched.table} r",
    ]


def _pg_vector(searched: Searched, row: str, parent_value: str | None = None) -> str:
    values = [f"{row}.{column}" for column in searched.columns]
    if searched.parent:
        values.append(parent_value or _parent_value(searched, row))
    return f"to_tsvector('{SEARCH_CONFIGURATION}', concat_ws(' ', {', '.join(values)}))"


def _pg_statements(searched: Searched, *, column_exists: bool) -> list[str]:
    table, fts = searched.table, searched.fts
    columns = ", ".join(searched.columns + ((searched.parent_key,) if searched.parent else ()))
    statements = []
    if not column_exists:  # (an ALTER TABLE waits for no deferred trigger of the transaction)
        statements += [
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector",
            f"CREATE INDEX {table}_{COLUMN} ON {table} USING gin ({COLUMN})",
        ]
    statements += [
        f"""CREATE OR REPLACE FUNCTION {fts}_words() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.{COLUMN} := {_pg_vector(searched, "NEW")}; RETURN NEW; END $$""",
        f"DROP TRIGGER IF EXISTS {fts}_words ON {table}",
        f"""CREATE TRIGGER {fts}_words BEFORE INSERT OR UPDATE OF {columns} ON {table}
        FOR EACH ROW EXECUTE FUNCTION {fts}_words()""",
    ]
    if searched.parent:
        column, key = searched.parent_column, searched.parent_key
        statements += [
            f"""CREATE OR REPLACE FUNCTION {fts}_parent() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE {table} r SET {COLUMN} = {_pg_vector(searched, "r", f"NEW.{column}")}
                WHERE r.{key} = NEW.id;
                RETURN NULL;
            END $$""",
            f"DROP TRIGGER IF EXISTS {fts}_parent ON {searched.parent}",
            f"""CREATE TRIGGER {fts}_parent AFTER UPDATE OF {column} ON {searched.parent} FOR EACH ROW
            WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) EXECUTE FUNCTION {fts}_parent()""",
        ]
    return statements


def _pg_fill(searched: Searched) -> list[str]:
    return [f"UPDATE {searched.table} r SET {COLUMN} = {_pg_vector(searched, 'r')}"]


def _present(cursor, vendor: str, searched: Searched) -> tuple[bool, bool]:
    """Whether the FTS5 table or the column of `searched` is in place, and every one of its triggers."""
    names = searched.triggers(vendor)
    placeholders = ", ".join(["%s"] * len(names))
    if vendor == "sqlite":
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = %s), "
            f"(SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({placeholders}))",
            [searched.fts, *names],
        )
    else:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s AND column_name = %s), "
            f"(SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ({placeholders}))",
            [searched.table, COLUMN, *names],
        )
    table, triggers = cursor.fetchone()
    return table == 1, triggers == len(names)


def install(using: str = "default") -> list[str]:
    """Create the stored words and their triggers where missing, and then write the words of every
    row of that table again. Returns the tables whose words were written."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return []
    tables = set(connection.introspection.table_names())
    written = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for searched in SEARCHED:
            if not {searched.table, searched.parent or searched.table} <= tables:
                continue  # migrated only part of the way (a test of a migration)
            table, triggers = _present(cursor, connection.vendor, searched)
            if table and triggers:
                continue
            if connection.vendor == "sqlite":
                statements = _sqlite_statements(searched) + _sqlite_fill(searched)
            else:
                statements = _pg_statements(searched, column_exists=table) + _pg_fill(searched)
            for statement in statements:
                cursor.execute(statement)
            written.append(searched.table)
    return written


def uninstall(using: str = "default") -> None:
    """Drop the stored words and their triggers (the migration's way back)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for searched in SEARCHED:
            if connection.vendor == "sqlite":
                for name in searched.triggers("sqlite"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {searched.fts}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {searched.fts}_words ON {searched.table}")
                if searched.parent:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {searched.fts}_parent ON {searched.parent}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {searched.fts}_parent()")
                cursor.execute(f"DROP FUNCTION IF EXISTS {searched.fts}_words()")
                cursor.execute(f"ALTER TABLE {searched.table} DROP COLUMN IF EXISTS {COLUMN}")


def match_query(words: list[str], vendor: str, scope: list[str] | None = None) -> str:
    """The full-text query of `words` (from `selectors.search_words`: \\w+ runs, lower case, no
    marks): every word the start of a word of the text; on SQLite, of a row whose scope holds one of
    the tokens `scope` when given (`scope_tokens`)."""
    if vendor != "sqlite":
        return " & ".join(f"'{word}':*" for word in words)
    query = " AND ".join(f'"{word}"*' for word in words)
    if scope is None:
        return query
    tokens = " OR ".join(f'"{token}"' for token in scope)
    return f"words : ({query}) AND scope : ({tokens})"


def scope_tokens(plans: set[int], unit_id: int | None) -> list[str]:
    """The scope tokens of the reports of `plans` and of the unit `unit_id`."""
    return [f"p{plan}" for plan in sorted(plans)] + ([f"u{unit_id}"] if unit_id is not None else [])
