"""The board's cache: the drawn body of the board (counts, lists, matrix, indicators, chart), kept in
Django's cache (settings.CACHES: a table of the database by default, shared by every app server) and
served again while nothing it shows has changed.

The key holds everything the body depends on:
- the change stamps of the plan's periods and the global one (`stamps`): any row the board reads
  that changed, in whatever way, gives another key, so no cell is ever stale and a report sent
  shows on the next request;
- the day (states and days left are judged against it) and the code that draws the body;
- the plan, the period, every period of the plan as listed, the whole query string (filters, pages
  of units, of columns and of units owing, and the links built from it);
- what depends on who asks: the plans the user follows (the plan selector) and whether the user may
  remind units. Two users share an entry only when the body they would be shown is the same.

Outside the body, drawn on every request: the page around it, the messages, the filter's errors, and
the form behind "Nhắc ngay" with the user's CSRF token.

The cache is not used inside a transaction (a test's, or a caller's): its uncommitted writes have
not changed the stamps yet (PostgreSQL replaces them at the commit).
"""

from __future__ import annotations

import datetime
import hashlib
import zlib

from kehoach import stamps
from kehoach.cache import cache_get, cache_set, code_digest

BODY_TEMPLATE = "reports/_board_body.html"


# What draws the body: an entry drawn by another version of it is never served.
BODY_SOURCES = (
    (BODY_TEMPLATE, "reports/_pager.html", "reports/_state.html", "reports/_verdict.html"),
    ("reports.followup.board", "reports.templatetags.kehoach"),
)


def board_stamps(followed: set[int] | None) -> dict[int, int] | None:
    """The stamps the boards of the plans `followed` (every plan for None) are keyed by: the global
    one and those of each plan's periods; None when nothing may be kept in the cache. Read before
    the plans themselves (`selectors.followed_plans`), which the global stamp keeps in memory. One
    query."""
    return stamps.read_plans_committed(followed)


def board_key(
    *, request, found, plans, plan, period, periods, can_remind: bool, today: datetime.date
) -> str | None:
    """The key of the board asked by `request`, or None when it must be drawn afresh; `found`: the
    stamps read by `board_stamps`, of which those of the plan's periods are the key's."""
    if found is None:
        return None
    scopes = {stamps.GLOBAL, *(p.pk for p in periods)}
    parts = (
        code_digest(*BODY_SOURCES),
        today.isoformat(),
        plan.pk,
        period.pk,
        tuple((p.pk, p.key, p.name, p.is_open, p.deadline.isoformat()) for p in periods),
        tuple((p.pk, p.code, p.title) for p in plans),
        can_remind,
        tuple(sorted((name, tuple(values)) for name, values in request.GET.lists())),
        tuple(sorted((scope, stamp) for scope, stamp in found.items() if scope in scopes)),
    )
    return "board:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def board_get(key: str | None) -> dict | None:
    """The entry under `key`: the body's HTML and the filter's errors found while drawing it. A cache
    that cannot be read is a board to draw, never an error."""
    if key is None:
        return None
    entry = cache_get(key, "bảng theo dõi")
    if entry is None:
        return None
    return {**entry, "html": zlib.decompress(entry["html"]).decode()}


def board_set(key: str | None, *, html: str, errors: dict[str, list[str]]) -> None:
    if key is None:
        return
    # Compressed: a body of a few hundred kilobytes of repetitive HTML becomes a few tens.
    cache_set(key, {"html": zlib.compress(html.encode(), 1), "errors": errors}, "bảng theo dõi")
