"""The change stamps: a random number per reporting period, and one for everything else the
board reads, replaced by the database itself whenever a row the board reads changes.

The board's cache (`reports/followup/board_cache.py`), and every page or admin list kept in the cache
after it, is keyed by these stamps, so a cached board is only ever served while none of its rows has
changed since it was drawn, whatever wrote them: a service, the admin, an
import, a bulk update, a raw SQL statement, another app server. Triggers on every table the board
reads replace the stamp of the row's scope in the same transaction as the change:

- a report, or an indicator value of a report: its period's stamp (scope = the period's id);
- a period, plan, task, assignment, indicator, target, unit, membership of a group, reminder, legal
  document, a plan's basis documents or duties: the global stamp (scope 0), which every board's key
  holds.

A stamp is a fresh random number, not a counter: two states of the data never share one, even after
the tables were emptied (`flush`, a restore) and filled again. On PostgreSQL the triggers are
deferred to the commit, once per scope and transaction, so the stamp's row is locked only while the
transaction commits: writers of one period wait on each other for a commit, not for each other's
whole transaction (no deadlock with a writer that locks a report first). SQLite has one writer at a
time and no deferred triggers: its triggers run with the statement.

The module names the apps' tables as text and imports none of them: the plans app's admin keys its
lists by the stamps too, and may not import the reports app.

`install` (re)creates the table and the triggers after every `migrate` (`reports.apps`): a migration
that rebuilds a table on SQLite drops its triggers, and the next `migrate` puts them back. Until it
does, `read` finds fewer triggers than expected and the board is drawn without its cache.
"""

from __future__ import annotations

import re

from django.db import connections, transaction

TABLE = "board_stamp"
GLOBAL = 0

# The tables the board reads, and how a row of each finds its scope: the period of a report, the
# period of an indicator value's report, or the global stamp.
PERIOD_TABLES = {"reports_taskreport": "period_id"}
REPORT_TABLES = {"reports_indicatorvalue": "report_id"}
GLOBAL_TABLES = [
    "reports_reportingperiod",
    "reports_reminder",
    "tasks_plan",
    "tasks_task",
    "tasks_assignment",
    "tasks_indicator",
    "tasks_indicatortarget",
    "tasks_unit",
    "tasks_groupmembership",
    "tasks_legaldocument",
    "tasks_plan_basis_documents",
    "tasks_planduty",
]
TABLES = [*PERIOD_TABLES, *REPORT_TABLES, *GLOBAL_TABLES]
OPERATIONS = ("insert", "update", "delete")
# SQLite: one trigger per table and operation; PostgreSQL: one row trigger and one for TRUNCATE.
EXPECTED_TRIGGERS = {"sqlite": len(TABLES) * len(OPERATIONS), "postgresql": len(TABLES) * 2}


def _sqlite_statements() -> list[str]:
    def bump(scope_select: str) -> str:
        # INSERT … SELECT … WHERE: no row when the scope is not found (a value whose report is gone),
        # and the WHERE lets SQLite read ON CONFLICT as the upsert's.
        return (
            f"INSERT INTO {TABLE} (scope, stamp) {scope_select} "
            "ON CONFLICT (scope) DO UPDATE SET stamp = excluded.stamp;"
        )

    statements = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (scope bigint NOT NULL PRIMARY KEY, stamp bigint NOT NULL)"
    ]
    for table in TABLES:
        for operation in OPERATIONS:
            rows = {"insert": ["NEW"], "update": ["NEW", "OLD"], "delete": ["OLD"]}[operation]
            body = []
            for row in rows:
                if table in PERIOD_TABLES:
                    column = PERIOD_TABLES[table]
                    body.append(bump(f"SELECT {row}.{column}, random() WHERE {row}.{column} IS NOT NULL"))
                elif table in REPORT_TABLES:
                    column = REPORT_TABLES[table]
                    body.append(
                        bump(f"SELECT period_id, random() FROM reports_taskreport WHERE id = {row}.{column}")
                    )
                else:
                    body.append(bump(f"SELECT {GLOBAL}, random() WHERE 1"))
                    break  # one bump of the global stamp is enough
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS board_stamp_{table}_{operation} AFTER {operation.upper()} "
                f"ON {table} FOR EACH ROW BEGIN {' '.join(body)} END"
            )
    return statements


_PG_BUMP = f"""
CREATE OR REPLACE FUNCTION board_stamp_bump(target bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Once per scope and transaction: the stamp is read only once the transaction is committed.
    IF target IS NULL OR current_setting('board_stamp.s' || target, true) = '1' THEN
        RETURN;
    END IF;
    PERFORM set_config('board_stamp.s' || target, '1', true);
    INSERT INTO {TABLE} (scope, stamp) VALUES (target, floor(random() * 9.2e18)::bigint)
    ON CONFLICT (scope) DO UPDATE SET stamp = EXCLUDED.stamp;
END $$
"""


def _pg_statements() -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (scope bigint NOT NULL PRIMARY KEY, stamp bigint NOT NULL)",
        _PG_BUMP,
        # TRUNCATE (flush, a restore) fires no row trigger: it replaces the global stamp at once.
        f"""CREATE OR REPLACE FUNCTION board_stamp_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM board_stamp_bump({GLOBAL}); RETURN NULL; END $$""",
    ]
    for table in TABLES:
        if table in PERIOD_TABLES:
            column = PERIOD_TABLES[table]
            new, old = f"NEW.{column}", f"OLD.{column}"
        elif table in REPORT_TABLES:
            column = REPORT_TABLES[table]
            new, old = (
                f"(SELECT period_id FROM reports_taskreport WHERE id = {row}.{column})"
                for row in ("NEW", "OLD")
            )
        else:
            new = old = str(GLOBAL)
        statements += [
            f"""CREATE OR REPLACE FUNCTION board_stamp_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'DELETE' THEN PERFORM board_stamp_bump({new}); END IF;
                IF TG_OP <> 'INSERT' THEN PERFORM board_stamp_bump({old}); END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE CONSTRAINT TRIGGER board_stamp_{table}_row AFTER INSERT OR UPDATE OR DELETE ON {table}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION board_stamp_{table}()""",
            f"""CREATE TRIGGER board_stamp_{table}_truncate AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION board_stamp_truncated()""",
        ]
    return statements


def install(using: str = "default") -> None:
    """Create the stamps' table and (again) every trigger; changes nothing already in place."""
    connection = connections[using]
    if connection.vendor not in EXPECTED_TRIGGERS:
        return
    existing = set(connection.introspection.table_names())
    if not set(TABLES) <= existing:
        return  # migrated only part of the way (a test of a migration): nothing to follow yet
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            statements = _sqlite_statements()
        else:
            # A trigger is created only where missing: no moment without it, no lock on a table for
            # nothing (CREATE OR REPLACE is refused to constraint triggers).
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'board_stamp_%%'"
            )
            present = {name for (name,) in cursor.fetchall()}
            statements = [
                statement
                for statement in _pg_statements()
                if not (match := re.search(r"TRIGGER (board_stamp_\w+) AFTER", statement))
                or match.group(1) not in present
            ]
        for statement in statements:
            cursor.execute(statement)


class Memory:
    """Values read from the database, kept in this process while the global stamp is the one they
    were read under. Any change to a table of the global scope replaces that stamp, so a value is
    served only while the rows it was read from are unchanged; every app server keeps its own and
    checks it against the stamp that all share. Only the latest stamp's values are kept.

    What is kept is shared by every request that reads it under that stamp: never change it."""

    def __init__(self):
        self._kept: tuple[int | None, dict] = (None, {})

    def get(self, stamp: int, key, read):
        """The value kept for `key` under `stamp`, else `read()`, kept."""
        kept_stamp, values = self._kept
        if kept_stamp != stamp:
            values = {}
            # One assignment: a request of another thread sees the old values or the new, whole.
            self._kept = (stamp, values)
        if key not in values:
            values[key] = read()
        return values[key]


def read_committed(period_ids: list[int] | None, using: str = "default") -> dict[int, int] | None:
    """`read`, or None inside a transaction (a test's, a caller's): its writes have not replaced the
    stamps yet, so nothing cached may be keyed by them."""
    if connections[using].in_atomic_block:
        return None
    return read(period_ids, using)


def read_plans_committed(plan_ids: set[int] | None, using: str = "default") -> dict[int, int] | None:
    """`read_plans`, or None inside a transaction (as `read_committed`)."""
    if connections[using].in_atomic_block:
        return None
    return read_plans(plan_ids, using)


def read(period_ids: list[int] | None, using: str = "default") -> dict[int, int] | None:
    """The stamps of `period_ids` (of every period when None) and the global one (0), by scope, a
    scope never written having none; None when the triggers are not all in place (the board must
    then be drawn afresh). One query."""
    scopes = [] if period_ids is None else [GLOBAL, *period_ids]
    where = f"WHERE scope IN ({', '.join(['%s'] * len(scopes))}) " if scopes else ""
    return _read(where, scopes, using)


def read_plans(plan_ids: set[int] | None, using: str = "default") -> dict[int, int] | None:
    """As `read`, for every period of the plans `plan_ids` (of every plan when None): what a page
    that reads the plans and their periods can be keyed by before reading them. One query."""
    if plan_ids is None:
        return _read("", [], using)
    plans = sorted(plan_ids)
    where = (
        f"WHERE scope = {GLOBAL} OR scope IN (SELECT id FROM reports_reportingperiod "
        f"WHERE plan_id IN ({', '.join(['%s'] * len(plans)) or 'NULL'})) "
    )
    return _read(where, plans, using)


def _read(where: str, params: list, using: str) -> dict[int, int] | None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        triggers = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'board_stamp_%%'"
    elif connection.vendor == "postgresql":
        triggers = "SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'board_stamp_%%'"
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope, stamp FROM {TABLE} {where}UNION ALL SELECT -1, ({triggers})", params)
        rows = dict(cursor.fetchall())
    if rows.pop(-1) != EXPECTED_TRIGGERS[connection.vendor]:
        return None
    return rows
