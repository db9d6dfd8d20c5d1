"""Funds planned and spent (kinh phí) by task, unit and year, summed in SQL.

Only what units have sent counts (reports waiting for review or accepted): a draft's figures are
not yet the unit's word, and a returned report's are being corrected.

Summing every sent report of every year takes hundreds of milliseconds at a province's size, and
seconds at ten times it; the sums, and each page of the detail, are kept in Django's cache and
served again while none of the rows they are drawn from has changed. Their key holds the board's
change stamps (`stamps`: a report's change replaces its period's stamp, a period's, plan's or
task's the global one, whatever wrote it) of every period of the plan chosen (of every plan when
none is), so a report sent or corrected shows on the next request; and a digest of this module,
so a server running other code never serves an entry it did not write.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils.safestring import mark_safe

from kehoach import stamps
from kehoach.cache import cache_get, cache_set, code_digest
from kehoach.db import Vietnamese
from reports.exports.funds_xlsx import funds_workbook
from reports.models import IndicatorValue, ReportStatus, TaskReport
from reports.states import SENT_STATUSES
from tasks.models import AssignmentRole

SUMS = {
    "planned": Sum("funds_planned"),
    "spent": Sum("funds_spent"),
    "reports": Count("pk"),
    "with_funds": Count("pk", filter=Q(funds_planned__isnull=False) | Q(funds_spent__isnull=False)),
}


@dataclass
class Funds:
    total: dict
    by_year: list[dict]
    by_task: list[dict]
    by_unit: list[dict]


def sent_reports(*, plan_ids: list[int] | None = None, year: int | None = None) -> QuerySet:
    """The sent reports of the plans `plan_ids` (of every plan for None) and of `year` (of every
    year for None)."""
    queryset = TaskReport.objects.filter(status__in=SENT_STATUSES)
    if plan_ids is not None:
        queryset = queryset.filter(period__plan_id__in=plan_ids)
    if year is not None:
        queryset = queryset.filter(period__year=year)
    return queryset


def _with_rate(rows):
    for row in rows:
        row["rate"] = (
            round(100 * row["spent"] / row["planned"])
            if row["planned"] and row["spent"] is not None
            else None
        )
    return rows


def _total(groups: list[dict]) -> dict:
    """The sums of `groups` that partition a selection: what `SUMS` gives over the whole of it (a
    sum of nothing but empty amounts stays empty), without reading the reports again."""

    def added(name):
        amounts = [group[name] for group in groups if group[name] is not None]
        return sum(amounts) if amounts else None

    return {
        "planned": added("planned"),
        "spent": added("spent"),
        "reports": sum(group["reports"] for group in groups),
        "with_funds": sum(group["with_funds"] for group in groups),
    }


def funds_summary(*, plan_ids: list[int] | None = None, year: int | None = None) -> Funds:
    """Totals for the filter, by year (all years of the plan, for the trend), by task and by unit; the
    totals are the units' sums added up, and `total["with_funds"]` is how many rows `funds_detail`
    gives (its pager's count)."""
    selected = sent_reports(plan_ids=plan_ids, year=year)
    by_year = (
        sent_reports(plan_ids=plan_ids).values("period__year").annotate(**SUMS).order_by("-period__year")
    )
    by_task = (
        selected.values("period__year", "period__plan__code", "task__sort_key", "task__number", "task__title")
        .annotate(**SUMS)
        .order_by("-period__year", "period__plan__code", "task__sort_key")
    )
    by_unit = (
        selected.values("unit_id")
        .annotate(name=Max("unit_name"), **SUMS)
        .order_by(F("spent").desc(nulls_last=True), "name")
    )
    by_unit = list(by_unit)
    return Funds(
        total=_with_rate([_total(by_unit)])[0],
        by_year=_with_rate(list(by_year)),
        by_task=_with_rate(list(by_task)),
        by_unit=_with_rate(by_unit),
    )


def funds_stamp(period_ids: list[int]) -> str | None:
    """The state of the rows the funds of `period_ids` are summed from (the periods of the plan
    chosen, or of every plan), or None when it cannot be known (inside a transaction, whose writes
    have not replaced the stamps yet; triggers missing): the sums are then read afresh. One query."""
    found = stamps.read_committed(sorted(period_ids))
    if found is None:
        return None
    return hashlib.sha256(repr((code_digest((), (__name__,)), sorted(found.items()))).encode()).hexdigest()


def _cached(stamp: str | None, part: tuple, compute):
    """What `compute()` gives, from the cache while the stamp is the same."""
    if stamp is None:
        return compute()
    key = "funds:" + hashlib.sha256(repr((stamp, part)).encode()).hexdigest()
    entry = cache_get(key, "số liệu kinh phí")
    if entry is not None:
        return pickle.loads(zlib.decompress(entry))
    value = compute()
    cache_set(key, zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1), "số liệu kinh phí")
    return value


FUNDS_BODY_TEMPLATE = "reports/_funds_body.html"


# What draws the page's body (and the sums it is drawn from).
BODY_SOURCES = ((FUNDS_BODY_TEMPLATE, "reports/_pager.html"), (__name__, "reports.templatetags.kehoach"))


def funds_body_key(stamp: str | None, *, query, plan_ids: list[int] | None, choices) -> str | None:
    """The key of the page's body: the rows' stamp, the code, the query the filter drew (the query
    string with the year it stands for when none is asked: the same address shows another year on
    New Year's Day), the plans summed and the filter's choices (the plans and years the user may
    see); None when the stamp cannot be known. Two people share a body only when they
    would be shown the same."""
    if stamp is None:
        return None
    parts = (
        stamp,
        code_digest(*BODY_SOURCES),
        tuple((name, tuple(values)) for name, values in query),
        plan_ids,
        tuple(tuple(field_choices) for field_choices in choices),
    )
    return "funds-body:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def funds_body_get(key: str | None) -> str | None:
    if key is None:
        return None
    entry = cache_get(key, "trang kinh phí")
    return None if entry is None else mark_safe(zlib.decompress(entry).decode())


def funds_body_set(key: str | None, body: str) -> None:
    if key is None:
        return
    cache_set(key, zlib.compress(body.encode(), 1), "trang kinh phí")


def funds_summary_cached(*, stamp: str | None, plan_ids: list[int] | None, year: int | None) -> Funds:
    """`funds_summary`, from the cache while nothing summed has changed."""
    return _cached(stamp, ("summary", plan_ids, year), lambda: funds_summary(plan_ids=plan_ids, year=year))


def funds_detail_page(
    *, stamp: str | None, plan_ids: list[int] | None, year: int | None, bounds: tuple[int, int]
):
    """The rows `bounds` (start, stop) of `funds_detail`, from the cache while nothing has changed."""
    start, stop = bounds
    return _cached(
        stamp,
        ("detail", plan_ids, year, start, stop),
        lambda: list(funds_detail(plan_ids=plan_ids, year=year)[start:stop]),
    )


def funds_detail(*, plan_ids: list[int] | None = None, year: int | None = None) -> QuerySet:
    """One row per sent report that states funds, for the detail table and the export."""
    return (
        sent_reports(plan_ids=plan_ids, year=year)
        .filter(Q(funds_planned__isnull=False) | Q(funds_spent__isnull=False))
        .values(
            "pk",
            "period__year",
            "period__plan__code",
            "task__number",
            "task__title",
            "unit_name",
            "role",
            "status",
            "funds_planned",
            "funds_spent",
        )
        .order_by("-period__year", "period__plan__code", "task__sort_key", Vietnamese("unit_name"))
    )


def funds_detail_rows(*, plan_ids: list[int] | None = None, year: int | None = None):
    """`funds_detail` for the export, roles and statuses in words, read in chunks."""
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    for row in funds_detail(plan_ids=plan_ids, year=year).iterator(chunk_size=2000):
        yield {
            **row,
            "role": roles.get(row["role"], row["role"]),
            "status": statuses.get(row["status"], row["status"]),
        }


def indicator_value_rows(*, plan_ids: list[int] | None = None, year: int | None = None):
    """The indicator values of the sent reports of the filter, for the export, read in chunks."""
    values = IndicatorValue.objects.filter(report__in=sent_reports(plan_ids=plan_ids, year=year))
    yield from (
        values.values(
            "report__period__year",
            "report__period__plan__code",
            "report__period__name",
            "report__task__number",
            "report__task__title",
            "report__unit_name",
            "indicator__name",
            "indicator__unit_of_measure",
            "value",
        )
        .order_by(
            "-report__period__year",
            "report__period__plan__code",
            "report__period__cutoff_to",
            "report__task__sort_key",
            Vietnamese("report__unit_name"),
            "indicator__order",
            "indicator_id",
        )
        .iterator(chunk_size=2000)
    )


def funds_xlsx(*, plan_ids: list[int] | None = None, year: int | None = None) -> bytes:
    """The funds of the filter as an XLSX workbook, with the indicator values of the same reports."""
    return funds_workbook(
        funds_summary(plan_ids=plan_ids, year=year),
        funds_detail_rows(plan_ids=plan_ids, year=year),
        indicator_value_rows(plan_ids=plan_ids, year=year),
    )
