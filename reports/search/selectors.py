"""What the search box finds: plans, tasks, units and reports whose words contain the words typed,
marks or not ("phu xanh" finds "phủ xanh"), each word at the start of a word of the text ("quan"
finds "quản lý"), and only what the person may see (reports: permissions.reports_visible_to).

PostgreSQL searches its full text with the configuration "kehoach_vi" (unaccented, lower-cased;
created by a migration of this app); SQLite compares the words of the text without their marks
(kehoach.db.Words), each typed word the start of one of them. A page costs the same number of queries whatever the data: a count and a
slice of each kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Concat

from kehoach.db import SEARCH_CONFIGURATION, Vietnamese, Words, plain_text
from reports import permissions
from tasks.models import Plan, Task, Unit

# A pasted paragraph is cut to its first words: each word is one more condition of the query.
MAX_WORDS = 8
MAX_TEXT = 200


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


@dataclass
class Found:
    kind: Kind
    queryset: QuerySet
    count: int = 0
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
    return (
        permissions.reports_visible_to(user)
        .select_related("task", "period__plan")
        .order_by("-period__deadline", "task__sort_key", Vietnamese("unit_name"), "pk")
    )


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


def search(user, text: str, kind: str | None = None) -> list[Found]:
    """What `user` may see that matches `text`: every kind, or only `kind` (a key of KINDS). The
    querysets are not read: the page counts and slices them."""
    words = search_words(text)
    kinds = [KINDS[kind]] if kind else list(KINDS.values())
    return [Found(k, matching(_base(k, user), k.fields, words)) for k in kinds]
