"""Reads behind the consolidated report's pages: what a report covers (its scope) and the list of
reports (the report's content is read by `generator`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reports import permissions
from reports.models import ConsolidatedReport, ReportingPeriod
from tasks.models import Plan, ScheduleKind

YEAR = re.compile(r"20[0-9]{2}|2100")


@dataclass
class Scope:
    """What one consolidated report covers: one period of a plan, or a year (every period of it)."""

    plan: Plan
    key: str  # the period's key, or the year
    name: str  # "6 tháng đầu năm 2026", "Năm 2026"
    periods: list[ReportingPeriod]  # in order of their deadlines
    year: int
    plan_periods: list[ReportingPeriod] = field(default_factory=list)  # every period of the plan

    @property
    def last(self) -> ReportingPeriod:
        return self.periods[-1]

    @property
    def spans_periods(self) -> bool:
        return len(self.periods) > 1


def plan(pk) -> Plan | None:
    return (
        Plan.objects.select_related("issuer", "report_recipient", "coordinating_unit").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )


def scope(plan: Plan, key: str) -> Scope | None:
    """The scope `key` of `plan`: a period's key ("2026-h1"; a yearly plan's "2026"), else a year whose
    periods it has ("2026" of a six-monthly plan); None when the plan has nothing of that key."""
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("deadline"))
    period = next((p for p in periods if p.key == key), None)
    if period is not None:
        return Scope(plan, key, period.name, [period], period.year, periods)
    if YEAR.fullmatch(key or ""):
        of_year = [p for p in periods if p.year == int(key)]
        if of_year:
            return Scope(plan, key, f"Năm {key}", of_year, int(key), periods)
    return None


FROZEN = ("snapshot", "docx_file", "xlsx_file")


def editions(scope: Scope) -> list[ConsolidatedReport]:
    """Every edition of the scope's report, the latest first, without their frozen contents."""
    return list(
        ConsolidatedReport.objects.filter(plan=scope.plan, scope=scope.key)
        .defer(*FROZEN)
        .select_related("issued_by")
        .order_by("-edition")
    )


def edition(scope: Scope, number: int | None, *, frozen: bool = False) -> ConsolidatedReport | None:
    """Edition `number` of the scope's report (the latest when None); with its frozen data when
    `frozen`, never with its files."""
    reports = ConsolidatedReport.objects.filter(plan=scope.plan, scope=scope.key).defer(
        *(name for name in FROZEN if not (frozen and name == "snapshot"))
    )
    if number is None:
        return reports.order_by("-edition").first()
    return reports.filter(edition=number).first()


def edition_file(scope: Scope, number: int, fmt: str) -> bytes | None:
    """The Word or Excel file of an issued edition as it was issued; None if it is not issued."""
    column = "docx_file" if fmt == "docx" else "xlsx_file"
    return (
        ConsolidatedReport.objects.filter(
            plan=scope.plan, scope=scope.key, edition=number, issued_at__isnull=False
        )
        .values_list(column, flat=True)
        .first()
    )


@dataclass
class ScopeRow:
    scope_key: str
    name: str
    plan: Plan
    reports: list[ConsolidatedReport]  # its editions, the latest first; empty before it is prepared

    @property
    def report(self) -> ConsolidatedReport | None:
        return self.reports[0] if self.reports else None


def scopes_followed(user) -> list[ScopeRow]:
    """Every consolidated report the user may read: one per period, and one per year for plans that
    report more than once a year; newest first, in two queries."""
    periods = permissions.in_plans(
        ReportingPeriod.objects.select_related("plan"), permissions.followed_plans(user)
    ).order_by("-deadline", "plan__code")
    reports: dict[tuple[int, str], list[ConsolidatedReport]] = {}
    for report in permissions.in_plans(
        ConsolidatedReport.objects.defer(*FROZEN).order_by("-edition"), permissions.followed_plans(user)
    ):
        reports.setdefault((report.plan_id, report.scope), []).append(report)
    rows, years_seen = [], set()
    for period in periods:
        if (
            period.plan.schedule not in (ScheduleKind.YEARLY,)
            and (period.plan_id, period.year) not in years_seen
        ):
            years_seen.add((period.plan_id, period.year))
            key = str(period.year)
            rows.append(
                ScopeRow(key, f"Năm {period.year}", period.plan, reports.get((period.plan_id, key), []))
            )
        rows.append(
            ScopeRow(period.key, period.name, period.plan, reports.get((period.plan_id, period.key), []))
        )
    return rows
