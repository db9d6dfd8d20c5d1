"""Reads behind the pages: joined and aggregated in SQL, so a page's query count is fixed."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from kehoach.db import Vietnamese
from kehoach.history import attach_changes
from kehoach.text import person_name
from reports import permissions
from reports.models import (
    RETURN_EVENTS,
    Evidence,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
    TaskState,
)
from reports.states import state_expression
from tasks.models import Assignment, Plan, PlanStatus, Role, Task, User


def reports_with_state(queryset: QuerySet, today: datetime.date) -> QuerySet:
    return queryset.annotate(state=state_expression(today)).select_related("task", "period__plan")


def unit_reports_for_year(user, year: int, today: datetime.date) -> QuerySet:
    """The reports the user's unit owes in `year`, on every plan."""
    queryset = permissions.reports_visible_to(user).filter(unit_id=user.unit_id, period__year=year)
    return (
        reports_with_state(queryset, today)
        .prefetch_related(Prefetch("events", queryset=ReportEvent.objects.filter(kind__in=RETURN_EVENTS)))
        .order_by("period__deadline", "period__plan__code", "task__sort_key")
    )


def state_counts(queryset: QuerySet, today: datetime.date) -> dict[str, int]:
    """How many reports of `queryset` are in each state, counted in one query."""
    rows = (
        queryset.annotate(_state=state_expression(today)).values("_state").annotate(n=Count("pk")).order_by()
    )
    counts = {state.value: 0 for state in TaskState}
    for row in rows:
        counts[row["_state"]] = row["n"]
    return counts


def status_counts(queryset: QuerySet) -> dict[str, int]:
    rows = queryset.values("status").annotate(n=Count("pk")).order_by()
    counts = {status.value: 0 for status in ReportStatus}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def plans() -> QuerySet:
    return Plan.objects.select_related("issuer").order_by("-issued_year", "code")


def period(pk) -> ReportingPeriod:
    return ReportingPeriod.objects.select_related("plan").get(pk=pk)


def evidence(pk) -> Evidence:
    return Evidence.objects.select_related("report__period__plan").get(pk=pk)


def reports_of_year(user, year: int) -> QuerySet:
    """The reports of `year` the user may see, on every plan."""
    return permissions.reports_visible_to(user).filter(period__year=year)


def review_queue_size(user) -> int:
    return permissions.review_queue_for(user).count()


def plans_in_force() -> QuerySet:
    return Plan.objects.filter(status=PlanStatus.IN_FORCE).select_related("coordinating_unit")


def plans_managed_by(user) -> QuerySet:
    """The plans in force whose periods the user opens and closes."""
    return permissions.in_plans(plans_in_force(), permissions.coordinated_plans(user), field="pk").order_by(
        "code"
    )


def plan_detail(pk: int) -> Plan:
    assignments = Assignment.objects.select_related("unit").order_by("role", "order", "pk")
    return (
        Plan.objects.select_related("issuer", "coordinating_unit", "report_recipient")
        .prefetch_related(
            "basis_documents__issuer",
            Prefetch(
                "tasks", queryset=Task.objects.prefetch_related(Prefetch("assignments", queryset=assignments))
            ),
            "duties__unit",
            "duties__recipient",
            Prefetch("periods", queryset=ReportingPeriod.objects.order_by("-deadline")),
        )
        .get(pk=pk)
    )


def task_detail(pk: int) -> Task:
    assignments = Assignment.objects.select_related("unit").order_by("role", "order", "pk")
    return (
        Task.objects.select_related("plan")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .get(pk=pk)
    )


def plan_periods(plan: Plan) -> list[ReportingPeriod]:
    """The plan's periods, the latest deadline first."""
    return list(plan.periods.select_related("plan").order_by("-deadline"))


def default_period(periods: list[ReportingPeriod], today) -> ReportingPeriod:
    """The open period due next (or due last, once every open one is overdue), else the latest."""
    open_periods = [period for period in periods if period.is_open]
    upcoming = sorted((p for p in open_periods if p.deadline >= today), key=lambda p: p.deadline)
    return (upcoming or open_periods or periods)[0]


def task_reports_visible(task: Task, user, period: ReportingPeriod, today: datetime.date) -> QuerySet:
    """The reports on `task` in `period` that the user may see: one period, whatever the years."""
    queryset = permissions.reports_visible_to(user).filter(task=task, period=period)
    return reports_with_state(queryset, today).order_by("role", Vietnamese("unit_name"))


def task_history(task: Task, limit: int = 100) -> list:
    """Changes to the task and its assignments, newest first, each with what it changed."""
    task_records = list(task.history.select_related("history_user").order_by("-history_date")[:limit])
    assignment_records = list(
        Assignment.history.filter(task_id=task.pk)
        .select_related("history_user", "unit")
        .order_by("-history_date")[:limit]
    )
    records = sorted(task_records + assignment_records, key=lambda r: r.history_date, reverse=True)[:limit]
    return attach_changes(records)


def report_detail(user, pk: int) -> TaskReport:
    queryset = (
        permissions.reports_visible_to(user)
        .select_related("period__plan", "task", "unit__successor", "updated_by")
        .prefetch_related("outputs", "evidence__uploaded_by", "events", "directions")
    )
    return queryset.get(pk=pk)


def review_queue(user, today: datetime.date) -> QuerySet:
    queryset = permissions.review_queue_for(user)
    return reports_with_state(queryset, today).select_related("unit").order_by("last_submitted_at", "pk")


def periods_overview(plans=permissions.ALL) -> QuerySet:
    """Periods of `plans` (every plan for ALL) with how many reports each asks, has waiting, has
    accepted; the latest deadline first."""
    periods = permissions.in_plans(ReportingPeriod.objects.select_related("plan"), plans)
    return periods.annotate(
        total=Count("reports"),
        submitted=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED)),
        accepted=Count("reports", filter=Q(reports__status=ReportStatus.ACCEPTED)),
    ).order_by("-deadline", "plan__code")


def unit_head_names(unit_id: int) -> list[str]:
    """The names of the active heads of a unit, who send its reports."""
    heads = User.objects.filter(unit_id=unit_id, role=Role.HEAD, is_active=True).order_by(
        "last_name", "first_name"
    )
    return [person_name(head) for head in heads]
