"""Writes to many rows at once that still leave the history of changes (django-simple-history)
complete: a column set to a value of its own on each row in a few statements, whatever the number of
rows, and the history rows of a batch written together. For the steps that move thousands of rows
in one transaction (a reorganisation of units): Django's `bulk_update` builds one expression per row
and field, which costs more than the writing itself.

Knows no app: it takes models and primary keys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from django.conf import settings
from django.db import connection
from django.utils import timezone

# The columns of a history row beside the copied fields, in the order `history_copy` writes them.
HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user")

# The fields whose database value is the Python integer or string itself (`bulk_insert`).
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}

# Rows per statement: far under every database's limits on a statement's length and parameters.
BATCH = 500


def chunks(items: Iterable, size: int = BATCH) -> Iterator[list]:
    """`items` in lists of at most `size`, for `pk__in` lookups that must not outgrow a statement."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_set_ids(model, field_name: str, values: Mapping[int, int]) -> int:
    """Set the integer column of `field_name` (a foreign key or an integer field) of each row of
    `model` whose primary key is a key of `values` to its value, one statement per `BATCH` rows.
    Returns how many rows changed. Writes no history: the caller writes it (`history_copy`)."""
    field = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
    changed = 0
    with connection.cursor() as cursor:
        # Fewer rows than `BATCH`: a CASE is read branch by branch for each row it changes.
        for batch in chunks(values.items(), 200):
            # Integers only (int() refuses anything else), written into the statement: no parameter
            # limit, and the same types on SQLite and PostgreSQL.
            cases = " ".join(f"WHEN {int(key)} THEN {int(value)}" for key, value in batch)
            keys = ", ".join(str(int(key)) for key, _ in batch)
            cursor.execute(f"UPDATE {table} SET {column} = CASE {pk} {cases} END WHERE {pk} IN ({keys})")  # noqa: S608
            changed += cursor.rowcount
    return changed


def bulk_insert(model, rows: list[dict], **constant) -> int:
    """Insert one row of `model` per dict of `rows`, which gives the values that vary from row to row
    (by attname: `task_id`, `unit_name`); every other field takes `constant`'s value or the value a
    new instance would have (its default, the time for `auto_now` fields). Like `bulk_create`, no
    signal is sent and no history written; unlike it, each field is prepared once for all the rows
    that share its value. The primary keys are not returned: read them back by a unique key.
    Returns how many rows were written."""
    if not rows:
        return 0
    varying = list(rows[0])
    sample = model(**constant, **rows[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    shared = {
        field.attname: field.get_db_prep_save(field.pre_save(sample, add=True), connection)
        for field in fields
        if field.attname not in varying
    }
    # A varying value that is an integer, a string or None for a field that stores it as it is goes
    # in unprepared (preparing it would return it unchanged); any other is prepared by its field.
    prepare = [model._meta.get_field(name) for name in varying]
    plain = {field.attname for field in prepare if field.get_internal_type() in PLAIN_TYPES}
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) VALUES "
    one = f"({', '.join(['%s'] * len(fields))})"
    order = [field.attname for field in fields]
    # SQLite runs `executemany` as one prepared statement; a PostgreSQL driver may send it row by row,
    # so there the rows go as a multi-row VALUES, as many as the parameters allow.
    per_statement = (
        min(1000, connection.features.max_query_params // len(fields))
        if connection.features.max_query_params
        else 1000
    )
    with connection.cursor() as cursor:
        for batch in chunks(rows, 2000 if connection.vendor == "sqlite" else per_statement):
            values = []
            for row in batch:
                own = {
                    field.attname: value
                    if field.attname in plain and (value is None or type(value) in (int, str))
                    else field.get_db_prep_save(value, connection)
                    for field in prepare
                    for value in (row[field.attname],)
                }
                values.append([own[name] if name in own else shared[name] for name in order])
            if connection.vendor == "sqlite":
                cursor.executemany(head + one, values)  # noqa: S608 -- names from the model, values as parameters
            else:
                cursor.execute(
                    head + ", ".join([one] * len(values)),  # noqa: S608 -- names from the model, values as parameters
                    [value for row in values for value in row],
                )
    return len(rows)


def history_copy(model, pks: Iterable[int], *, history_type: str, by, reason: str) -> int:
    """Write the history row of each row of `model` whose primary key is in `pks`, copied from the
    row as it now is, in one statement per `BATCH` rows (INSERT … SELECT: no row read into Python),
    as django-simple-history writes them one by one: `history_type` "~" for a change, "+" for a
    creation; the acting user `by` (or None) and the reason `reason`. Returns how many were written."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    columns = [quote(history._meta.get_field(field.name).column) for field in tracked]
    sources = [quote(model._meta.get_field(field.name).column) for field in tracked]
    columns += [quote(history._meta.get_field(name).column) for name in HISTORY_COLUMNS]
    when = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    # The user's key is an integer (int() refuses anything else); NULL is cast so that PostgreSQL
    # knows its type in a SELECT.
    user = str(int(by.pk)) if by is not None and by.pk is not None else "CAST(NULL AS BIGINT)"
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    written = 0
    with connection.cursor() as cursor:
        for batch in chunks(pks):
            keys = ", ".join(str(int(key)) for key in batch)
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(sources)}, %s, %s, %s, {user} FROM {table} WHERE {pk} IN ({keys}) ORDER BY {pk}",
                [when, reason, history_type],
            )
            written += cursor.rowcount
    return written
