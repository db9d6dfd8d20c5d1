"""Reads behind the pages: joined and aggregated in SQL, so a page's query count is fixed."""

import datetime

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet

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
from reports.states import EDITABLE_STATUSES, state_expression
from tasks.models import Assignment, Plan, PlanStatus, Role, Task, User

from .notifications import NOTIFIED_EVENTS


def reports_with_state(queryset: QuerySet, today: datetime.date) -> QuerySet:
    return queryset.annotate(state=state_expression(today)).select_related("task", "period__plan")


def current_periods(today: datetime.date, plans=permissions.ALL) -> list[ReportingPeriod]:
    """Each plan's current period (of `plans`, every plan for ALL), among its periods of this year
    and those still open: the open one due next, else the open one due last, else its latest (the
    board's choice, `default_period`). One query, over periods only."""
    periods = permissions.in_plans(
        ReportingPeriod.objects.filter(Q(year=today.year) | Q(is_open=True)).select_related("plan"), plans
    ).order_by("-deadline", "pk")
    by_plan: dict[int, list[ReportingPeriod]] = {}
    for period in periods:
        by_plan.setdefault(period.plan_id, []).append(period)
    return sorted(
        (default_period(plan_periods, today) for plan_periods in by_plan.values()),
        key=lambda period: (period.deadline, period.plan.code),
    )


def unit_reports_now(user, periods: list[ReportingPeriod], today: datetime.date) -> QuerySet:
    """What the user's unit has to do now: its reports in `periods` (the current ones), and those
    it still owes (a draft, or returned) in any open period; paginate them."""
    now = Q(period__in=[period.pk for period in periods]) | Q(
        period__is_open=True, status__in=EDITABLE_STATUSES
    )
    queryset = permissions.reports_visible_to(user).filter(now, unit_id=user.unit_id)
    return (
        reports_with_state(queryset, today)
        .prefetch_related(Prefetch("events", queryset=ReportEvent.objects.filter(kind__in=RETURN_EVENTS)))
        .order_by("period__deadline", "period__plan__code", "task__sort_key", "pk")
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


def plans() -> QuerySet:
    return Plan.objects.select_related("issuer").order_by("-issued_year", "code")


def period(pk) -> ReportingPeriod:
    return ReportingPeriod.objects.select_related("plan").get(pk=pk)


def evidence(pk) -> Evidence:
    return Evidence.objects.select_related("report__period__plan").get(pk=pk)


def reports_in_periods(user, periods: list[ReportingPeriod]) -> QuerySet:
    """The reports of `periods` the user may see."""
    return permissions.reports_visible_to(user).filter(period__in=[period.pk for period in periods])


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
    """The plan with its documents and duties; its tasks and periods are read by `plan_tasks_page`
    and `plan_periods_now`, a page and a year at a time."""
    return (
        Plan.objects.select_related("issuer", "coordinating_unit", "report_recipient")
        .prefetch_related("basis_documents__issuer", "duties__unit", "duties__recipient")
        .get(pk=pk)
    )


def plan_tasks_with_units(plan: Plan) -> QuerySet:
    """The plan's tasks in order, each with its assignments and their units; paginate them."""
    assignments = Assignment.objects.select_related("unit").order_by("role", "order", "pk")
    return (
        Task.objects.filter(plan=plan)
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("sort_key", "pk")
    )


def plan_periods_now(plan: Plan, today: datetime.date) -> tuple[list[ReportingPeriod], int]:
    """The plan's periods of this year on and those still open, the latest deadline first, and how
    many others (earlier years', closed) it has."""
    now = Q(year__gte=today.year) | Q(is_open=True)
    return list(plan.periods.filter(now).order_by("-deadline")), plan.periods.exclude(now).count()


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


def review_queue(
    user,
    today: datetime.date,
    *,
    plan_id: int | None = None,
    period_id: int | None = None,
    unit_id: int | None = None,
) -> QuerySet:
    """The reports waiting for the user's review, the oldest sent first, narrowed by plan, period
    and unit; for a page of them (paginate it: the queue of a monthly plan holds thousands)."""
    queryset = permissions.review_queue_for(user)
    if plan_id is not None:
        queryset = queryset.filter(period__plan_id=plan_id)
    if period_id is not None:
        queryset = queryset.filter(period_id=period_id)
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return reports_with_state(queryset, today).order_by("last_submitted_at", "pk")


def review_queue_groups(user) -> list[dict]:
    """The user's review queue by plan and period, in one aggregate query: each period with how
    many reports wait and since when, the period holding the oldest first."""
    return list(
        permissions.review_queue_for(user)
        .values("period_id", "period__plan_id", "period__plan__code", "period__name", "period__deadline")
        .annotate(waiting=Count("pk"), oldest=Min("last_submitted_at"))
        .order_by("oldest", "period__plan__code", "period_id")
    )


def review_queue_units(user, *, plan_id: int | None = None, period_id: int | None = None) -> list:
    """(unit id, name) of the units with reports waiting for the user in the plan or period chosen,
    by name, in one query."""
    queryset = permissions.review_queue_for(user)
    if plan_id is not None:
        queryset = queryset.filter(period__plan_id=plan_id)
    if period_id is not None:
        queryset = queryset.filter(period_id=period_id)
    rows = queryset.values("unit_id").annotate(name=Max("unit_name")).order_by("name", "unit_id")
    return [(row["unit_id"], row["name"]) for row in rows]


def periods_overview(plans=permissions.ALL) -> QuerySet:
    """Periods of `plans` (every plan for ALL), the latest deadline first; paginate them, then
    count each shown period's reports with `with_report_counts`."""
    periods = permissions.in_plans(ReportingPeriod.objects.select_related("plan"), plans)
    return periods.order_by("-deadline", "plan__code", "pk")


def with_report_counts(periods) -> list[ReportingPeriod]:
    """`periods` with how many reports each asks (`total`), has waiting (`submitted`) and has
    accepted, counted in one query over those periods' reports only."""
    periods = list(periods)
    counts = {
        row["period_id"]: row
        for row in TaskReport.objects.filter(period__in=[period.pk for period in periods])
        .values("period_id")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            accepted=Count("pk", filter=Q(status=ReportStatus.ACCEPTED)),
        )
        .order_by()
    }
    for period in periods:
        row = counts.get(period.pk, {})
        period.total, period.submitted, period.accepted = (
            row.get("total", 0),
            row.get("submitted", 0),
            row.get("accepted", 0),
        )
    return periods


def unit_head_names(unit_id: int) -> list[str]:
    """The names of the active heads of a unit, who send its reports."""
    heads = User.objects.filter(unit_id=unit_id, role=Role.HEAD, is_active=True).order_by(
        "last_name", "first_name"
    )
    return [person_name(head) for head in heads]


def notifications_for(user, since: datetime.datetime | None = None) -> QuerySet:
    """What happened to the reports the user may see (sent, returned, accepted, reopened, directed),
    newest first, but what the user did; only after `since` when given."""
    events = (
        ReportEvent.objects.filter(
            kind__in=NOTIFIED_EVENTS, report__in=permissions.reports_visible_to(user).values("pk")
        )
        .exclude(actor_id=user.pk)
        .select_related("report__task", "report__period__plan")
        .order_by("-created_at", "-pk")
    )
    return events.filter(created_at__gt=since) if since is not None else events
