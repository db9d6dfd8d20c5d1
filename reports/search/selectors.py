"""What the search box finds: plans, tasks, units and reports whose words contain the words typed,
marks or not ("phu xanh" finds "phủ xanh"), each word at the start of a word of the text ("quan"
finds "quản lý"), and only what the person may see (reports: permissions.reports_visible_to).

Tasks, units and reports are found through their words stored and indexed by the database (index:
FTS5 on SQLite, a tsvector under GIN in the configuration "kehoach_vi" on PostgreSQL); the few plans
by their words computed row by row (kehoach.db.Words on SQLite, the same configuration on
PostgreSQL). Reports come newest first, as the index reads them. A page costs the same number of
queries whatever the data: a count (capped at MAX_COUNT) and a slice of each kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from kehoach.db import SEARCH_CONFIGURATION, Vietnamese, Words, plain_text
from reports import permissions
from tasks.models import Plan, Task, Unit

from . import index

# A pasted paragraph is cut to its first words: each word is one more condition of the query.
MAX_WORDS = 8
MAX_TEXT = 200
# Counted up to this many of each kind: "hơn 1.000" beyond, read from no more rows than that.
MAX_COUNT = 1000


@dataclass(frozen=True)
class Kind:
    key: str  # in the address: ?loai=nhiem-vu
    title: str
    fields: tuple[str, ...]  # the words searched


PLANS = Kind("ke-hoach", "Kế hoạch", ("code", "number", "title"))
TASKS = Kind("nhiem-vu", "Nhiệm vụ", ("number", "title", "content", "plan__code"))
UNITS = Kind("don-vi", "Đơn vị", ("name", "short_name", "code"))
REPORTS = Kind("bao-cao", "Báo cáo", ("unit_name", "task__title", "results", "difficulties", "proposals"))
KINDS = {kind.key: kind for kind in (PLANS, TASKS, UNITS, REPORTS)}
# The kinds whose words the database stores (index; the same fields): all but the few plans.
STORED = {TASKS.key: index.TASKS, UNITS.key: index.UNITS}


@dataclass
class Found:
    kind: Kind
    queryset: QuerySet
    count: int = 0  # at most MAX_COUNT
    more: bool = False  # more than MAX_COUNT found
    items: list = field(default_factory=list)
    query: str = ""  # the address's query of this kind alone


def search_words(text: str) -> list[str]:
    """The words of `text` as they are matched: without marks, lower-cased, at most MAX_WORDS."""
    return re.findall(r"\w+", plain_text((text or "")[:MAX_TEXT]))[:MAX_WORDS]


def _base(kind: Kind, user) -> QuerySet:
    if kind is PLANS:
        return Plan.objects.order_by("-issued_year", "code")
    if kind is TASKS:
        return Task.objects.select_related("plan").order_by("plan__code", "sort_key")
    if kind is UNITS:
        return Unit.objects.order_by(Vietnamese("name"))
    # Reports: the newest first, the order in which the index reads them (matching_reports).
    return permissions.reports_visible_to(user).select_related("task", "period__plan").order_by("-pk")


def matching(queryset: QuerySet, fields: tuple[str, ...], words: list[str]) -> QuerySet:
    """The rows of `queryset` whose `fields` hold every one of `words` (from `search_words`)."""
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Each word a prefix ('quan':*); words are \w+ only, so nothing in them is query syntax.
        query = " & ".join(f"'{word}':*" for word in words)
        return queryset.annotate(search_vector=SearchVector(*fields, config=SEARCH_CONFIGURATION)).filter(
            search_vector=SearchQuery(query, config=SEARCH_CONFIGURATION, search_type="raw")
        )
    parts = []
    for name in fields:
        parts += [name, Value(" ")]
    queryset = queryset.annotate(search_text=Words(Concat(*parts, output_field=TextField())))
    for word in words:
        queryset = queryset.filter(search_text__contains=" " + word)
    return queryset


def matching_stored(queryset: QuerySet, searched: index.Searched, words: list[str]) -> QuerySet:
    """The rows of `queryset` whose words stored by the database (`index`) hold every one of
    `words`, as `matching` would find them in the same fields, without reading every row."""
    if not words:
        return queryset.none()
    query = index.match_query(words, connection.vendor)
    if connection.vendor == "sqlite":
        found = f"SELECT rowid FROM {searched.fts} WHERE {searched.fts} MATCH %s"
        return queryset.filter(pk__in=RawSQL(found, [query]))
    found = f"{searched.table}.{index.COLUMN} @@ to_tsquery(%s::regconfig, %s)"
    return queryset.alias(
        found=RawSQL(found, [SEARCH_CONFIGURATION, query], output_field=BooleanField())
    ).filter(found=True)


def _report_scope(user) -> list[str]:
    """The index's scope tokens of the reports `user` may see (permissions.report_visibility: the
    plans they follow or see the funds of, and their own unit); [] when they see every report."""
    followed, funds = permissions.followed_plans(user), permissions.funds_plans(user)
    if followed is permissions.ALL or funds is permissions.ALL:
        return []
    unit_id = user.unit_id if permissions.is_unit_member(user) else None
    return index.scope_tokens(followed | funds, unit_id)


def matching_reports(queryset: QuerySet, user, words: list[str]) -> QuerySet:
    """The reports of `queryset` (visible to `user`, newest first) holding every one of `words`.

    On SQLite the index is read first, newest first, and only the matches `user` may see (their
    scope, `_report_scope`): a page of them, or a capped count, stops early, whatever the number
    of reports. The visibility filter of `queryset` stays, so the scope can only narrow."""
    if connection.vendor != "sqlite":
        return matching_stored(queryset, index.REPORTS, words)
    if not words:
        return queryset.none()
    scope = _report_scope(user)
    if scope == [] and permissions.report_visibility(user) != Q():
        return queryset.none()  # neither plans nor a unit: nothing to see
    fts = index.REPORTS.fts
    query = index.match_query(words, "sqlite", scope or None)
    return queryset.extra(
        tables=[fts], where=[f"{fts}.rowid = {index.REPORTS.table}.id", f"{fts} MATCH %s"], params=[query]
    ).order_by(RawSQL(f"{fts}.rowid", []).desc())


def count(found: Found) -> None:
    """Set `found.count`, counting at most MAX_COUNT (`found.more` when there are more)."""
    queryset = found.queryset
    if not (connection.vendor == "sqlite" and found.kind is REPORTS):
        queryset = queryset.order_by()  # a count in the index's order stops early; elsewhere sorts
    counted = queryset.values("pk")[: MAX_COUNT + 1].count()
    found.count, found.more = min(counted, MAX_COUNT), counted > MAX_COUNT


def search(user, text: str, kind: str | None = None) -> list[Found]:
    """What `user` may see that matches `text`: every kind, or only `kind` (a key of KINDS). The
    querysets are not read: the page counts and slices them."""
    words = search_words(text)
    kinds = [KINDS[kind]] if kind else list(KINDS.values())
    found = []
    for k in kinds:
        if k is REPORTS:
            queryset = matching_reports(_base(k, user), user, words)
        elif k.key in STORED:
            queryset = matching_stored(_base(k, user), STORED[k.key], words)
        else:
            queryset = matching(_base(k, user), k.fields, words)
        found.append(Found(k, queryset))
    return found
