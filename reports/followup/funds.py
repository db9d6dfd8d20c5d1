"""Funds planned and spent (kinh phí) by task, unit and year, summed in SQL.

Only what units have sent counts (reports waiting for review or accepted): a draft's figures are
not yet the unit's word, and a returned report's are being corrected.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet, Sum

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


def sent_reports(*, plan_id: int | None = None, year: int | None = None) -> QuerySet:
    queryset = TaskReport.objects.filter(status__in=SENT_STATUSES)
    if plan_id is not None:
        queryset = queryset.filter(period__plan_id=plan_id)
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


def funds_summary(*, plan_id: int | None = None, year: int | None = None) -> Funds:
    """Totals for the filter, by year (all years of the plan, for the trend), by task and by unit; the
    totals are the units' sums added up, and `total["with_funds"]` is how many rows `funds_detail`
    gives (its pager's count)."""
    selected = sent_reports(plan_id=plan_id, year=year)
    by_year = sent_reports(plan_id=plan_id).values("period__year").annotate(**SUMS).order_by("-period__year")
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


def funds_detail(*, plan_id: int | None = None, year: int | None = None) -> QuerySet:
    """One row per sent report that states funds, for the detail table and the export."""
    return (
        sent_reports(plan_id=plan_id, year=year)
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


def funds_detail_rows(*, plan_id: int | None = None, year: int | None = None):
    """`funds_detail` for the export, roles and statuses in words, read in chunks."""
    roles, statuses = dict(AssignmentRole.choices), dict(ReportStatus.choices)
    for row in funds_detail(plan_id=plan_id, year=year).iterator(chunk_size=2000):
        yield {
            **row,
            "role": roles.get(row["role"], row["role"]),
            "status": statuses.get(row["status"], row["status"]),
        }


def indicator_value_rows(*, plan_id: int | None = None, year: int | None = None):
    """The indicator values of the sent reports of the filter, for the export, read in chunks."""
    values = IndicatorValue.objects.filter(report__in=sent_reports(plan_id=plan_id, year=year))
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


def funds_xlsx(*, plan_id: int | None = None, year: int | None = None) -> bytes:
    """The funds of the filter as an XLSX workbook, with the indicator values of the same reports."""
    return funds_workbook(
        funds_summary(plan_id=plan_id, year=year),
        funds_detail_rows(plan_id=plan_id, year=year),
        indicator_value_rows(plan_id=plan_id, year=year),
    )
