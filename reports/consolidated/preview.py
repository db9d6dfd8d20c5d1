"""The consolidated report as its page shows it: a page of its tasks at a time, each result and each
appendix row condensed, drawn as HTML (`templates/reports/_consolidated_document.html`) and kept in
Django's cache while nothing it shows has changed.

Drawing the report being prepared reads and composes every report of its periods (a monthly plan's
yearly report: twelve periods of every task and unit), far more than a page may cost; an issued
edition decodes its frozen copy, megabytes at that size. The drawn document is therefore kept under a
key holding everything it depends on:

- an issued edition: the edition's row (id, number, moment issued). Its content never changes;
- the edition being prepared (or the defaults of a report not prepared yet): the change stamps of
  every period of the plan (`kehoach.stamps`: a report or an indicator value changed anywhere, a
  task, an assignment, a unit, a period or a plan changed: another key), the day (states are judged
  against it), the report's own texts and each task's result as the office edited it (read for the
  key: one small query), and the document settings;
- for both: the plan, the scope, its periods, the page and the query string (the pager's links), and
  a digest of the code that draws the document.

Nothing in it depends on who asks: the actions, the editions and the messages around it are drawn
on every request. Inside a transaction (a test's, a caller's) nothing is cached: its writes have not
replaced the stamps yet, and an id it creates may be given again after a rollback.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kehoach import stamps
from kehoach.cache import cache_get, cache_set, code_digest, entry_key, html_cached, html_get, html_set
from reports.exports.document import document_from_data
from reports.models import ConsolidatedReport
from tasks.models import Task

from .generator import TEXT_FIELDS, compose, preview_build
from .selectors import Scope

# The preview shows the report a page of tasks at a time, each task's result and each appendix row
# condensed: a monthly plan's yearly report runs to megabytes, which the Word file carries whole.
TASKS_PER_PAGE = 10
SHOWN_LINES = 6  # lines of a task's result shown in the preview
SHOWN_CHARS = 600  # characters of a line of a result, or of an appendix row's result, shown
# Rows of the appendix shown for each task of the page: a task asked of every unit of the province
# has hundreds, which the Word and Excel files carry whole.
SHOWN_ROWS = 12

BODY_TEMPLATE = "reports/_consolidated_document.html"
BODY_SOURCES = (
    (BODY_TEMPLATE, "reports/_pager.html"),
    (
        "reports.consolidated.preview",
        "reports.consolidated.generator",
        "reports.exports.document",
        "reports.workflow.selectors",
        "reports.states",
        "reports.templatetags.kehoach",
        "kehoach.text",
    ),
)
# What of the edition the document shows, besides the composed tasks.
SHOWN_FIELDS = (*TEXT_FIELDS, "reference", "issued_on", "signer_title", "signer_name", "recipients")
WHAT = "báo cáo tổng hợp"


def _condensed(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS].rstrip() + "…"


def _shown_rows(appendix) -> list[tuple]:
    """The appendix rows shown, `SHOWN_ROWS` of each task, each with its result condensed and, on a
    task's last row shown, how many of its rows are left out."""
    rows_of: dict[str, list] = {}
    for row in appendix:
        rows_of.setdefault(row.task_number, []).append(row)
    shown = []
    for rows in rows_of.values():
        kept = rows[:SHOWN_ROWS]
        for n, row in enumerate(kept, start=1):
            shown.append((row, _condensed(row.summary), len(rows) - len(kept) if n == len(kept) else 0))
    return shown


def edited_results(shown: ConsolidatedReport) -> dict[int, str]:
    """Task id → its result as the office edited it in the edition `shown` (none before it is saved)."""
    return dict(shown.task_results.values_list("task_id", "text")) if shown.pk else {}


def body_key(
    scope: Scope,
    shown: ConsolidatedReport,
    edited: dict[int, str],
    *,
    number: str | None,
    query: str,
    today: datetime.date,
) -> str | None:
    """The key of the document's page `number` as `shown` stands, or None when it must be drawn
    afresh (inside a transaction, or the stamps' triggers not all in place). One query for an
    edition being prepared, none for an issued one."""
    if connection.in_atomic_block:
        return None
    if shown.is_issued:
        state: tuple = ("issued", shown.pk, shown.edition, shown.issued_at.isoformat())
    else:
        found = stamps.read_committed([period.pk for period in scope.plan_periods])
        if found is None:
            return None
        state = (
            "prepared",
            today.isoformat(),
            tuple(sorted(found.items())),
            shown.pk,
            shown.edition,
            tuple(repr(getattr(shown, name)) for name in SHOWN_FIELDS),
            tuple(sorted(edited.items())),
            settings.DOCUMENT_AUTHORITY,
            settings.DOCUMENT_ISSUER,
            settings.DOCUMENT_ISSUER_NAME,
        )
    parts = (
        code_digest(*BODY_SOURCES),
        scope.plan.pk,
        scope.key,
        tuple((p.pk, p.key, p.name, p.deadline.isoformat(), p.is_open) for p in scope.periods),
        number,
        query,
        state,
    )
    return entry_key("consolidated", parts)


def body_html(
    scope: Scope,
    shown: ConsolidatedReport,
    edited: dict[int, str],
    *,
    number: str | None,
    query: str,
    today: datetime.date,
    snapshot: Callable[[], dict],
) -> str:
    """The document's page `number` (as typed) drawn: an issued edition from its frozen copy
    (`snapshot()` reads it, only when needed), the one being prepared composed now."""
    if shown.is_issued:
        document = document_from_data(snapshot())
        page = Paginator(document.tasks, TASKS_PER_PAGE).get_page(number)
        numbers = {part.number for part in page}
        appendix = [row for row in document.appendix if row.task_number in numbers]
        parts = list(page)
    else:
        preview = preview_build(scope, shown, number, TASKS_PER_PAGE, today=today, edited=edited)
        document, page = preview.document, preview.page
        appendix, parts = document.appendix, document.tasks
    shown_parts = []
    for part in parts:
        lines = [line for line in part.result.splitlines() if line.strip()]
        shown_parts.append(
            (part, [_condensed(line) for line in lines[:SHOWN_LINES]], len(lines) - SHOWN_LINES)
        )
    context = {
        "document": document,
        "parts": shown_parts,
        "appendix": _shown_rows(appendix),
        "page": page,
        "query": query,
    }
    return render_to_string(BODY_TEMPLATE, context)


def body(
    scope: Scope,
    shown: ConsolidatedReport,
    *,
    number,
    query: str,
    today: datetime.date,
    snapshot: Callable[[], dict],
) -> SafeString:
    """The document's page as `body_html` draws it, from the cache when nothing it shows has changed
    since it was kept there. A cache that cannot be read or written is only a cache that misses."""
    edited = {} if shown.is_issued else edited_results(shown)
    number = None if number is None else str(number)
    key = body_key(scope, shown, edited, number=number, query=query, today=today)
    if (entry := html_get(key, WHAT)) is not None:
        return entry["html"]
    html = body_html(scope, shown, edited, number=number, query=query, today=today, snapshot=snapshot)
    html_set(key, WHAT, html)
    return html


FORM_SOURCES = ((), ("reports.consolidated.preview", "reports.consolidated.generator", "kehoach.text"))
# What draws the form's result boxes from what they start from (the boxes are kept drawn).
BOXES_SOURCES = (
    (),
    ("reports.consolidated.forms", "reports.consolidated.views", "reports.templatetags.kehoach"),
)


def _form_key(scope: Scope, edited: dict[int, str], today: datetime.date, form_lines: int) -> str | None:
    """The key of what the form of the edition being prepared starts from: the stamps of the plan's
    periods, the day, the edited results and the code, as the document's; None inside a transaction."""
    found = stamps.read_committed([p.pk for p in scope.plan_periods])
    if found is None:
        return None
    parts = (
        code_digest(*FORM_SOURCES),
        form_lines,
        scope.plan.pk,
        scope.key,
        tuple((p.pk, p.key, p.deadline.isoformat()) for p in scope.periods),
        today.isoformat(),
        tuple(sorted(found.items())),
        tuple(sorted(edited.items())),
    )
    return entry_key("consolidated-form", parts)


def form_results(scope: Scope, consolidated: ConsolidatedReport, today: datetime.date, *, form_lines: int):
    """What the form of the edition being prepared starts from: the plan's tasks, each task's result
    (as the office edited it, else composed when it has at most `form_lines` lines, else None) and
    how many lines its composed result has. The results and counts are kept in the cache under
    `_form_key`."""
    edited = edited_results(consolidated)
    return _form_results(
        scope, consolidated, today, form_lines, edited, _form_key(scope, edited, today, form_lines)
    )


def form_boxes(
    scope: Scope,
    consolidated: ConsolidatedReport,
    today: datetime.date,
    *,
    form_lines: int,
    draw: Callable[[list[Task], dict[int, str | None], dict[int, int]], str],
) -> SafeString:
    """The result boxes of the form shown afresh (not sent back with errors), as `draw(tasks,
    composed, line_counts)` writes them from `form_results`: kept drawn in the cache under the key of
    what they start from and the code that draws them. A hundred boxes cost more to build and draw
    than the rest of the page."""
    edited = edited_results(consolidated)
    key = _form_key(scope, edited, today, form_lines)
    boxes_key = None if key is None else entry_key("consolidated-boxes", (key, code_digest(*BOXES_SOURCES)))
    return html_cached(
        boxes_key, WHAT, lambda: draw(*_form_results(scope, consolidated, today, form_lines, edited, key))
    )


def _form_results(scope, consolidated, today, form_lines, edited, key):
    if key is not None and (entry := cache_get(key, WHAT)) is not None:
        tasks = list(Task.objects.filter(plan=scope.plan).order_by("sort_key"))
        return tasks, entry["composed"], entry["line_counts"]
    # Each task and unit condensed to its latest report with the count of its results, then every
    # report of the tasks whose composed result is short enough to carry in the form, with its text.
    composition = compose(
        scope,
        consolidated,
        today,
        texts=lambda c: [task.pk for task in c.tasks if c.line_count(task) <= form_lines],
        line_counts=True,
        edited=edited,
    )
    short = set(composition.text_ids)
    line_counts = {task.pk: composition.line_count(task) for task in composition.tasks}
    composed = {
        task.pk: edited.get(task.pk) or (composition.composed_result(task) if task.pk in short else None)
        for task in composition.tasks
    }
    if key is not None:
        cache_set(key, {"composed": composed, "line_counts": line_counts}, WHAT)
    return composition.tasks, composed, line_counts
