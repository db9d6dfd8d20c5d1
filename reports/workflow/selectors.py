"""Reads behind the pages: joined and aggregated in SQL, so a page's query count is fixed."""

import datetime
from bisect import bisect_right
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Concat

from kehoach.db import Vietnamese
from kehoach.history import attach_changes
from kehoach.text import number_text, person_name
from reports import permissions
from reports.models import (
    RETURN_EVENTS,
    Evidence,
    IndicatorValue,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
    TaskState,
)
from reports.states import (
    EDITABLE_STATUSES,
    SENT_STATUSES,
    IndicatorResult,
    ReportedValue,
    Verdict,
    indicator_result,
    state_expression,
    target_for,
)
from tasks.models import (
    INDICATOR_DECIMAL_PLACES,
    Assignment,
    AssignmentRole,
    Indicator,
    IndicatorAccumulation,
    IndicatorAggregation,
    IndicatorTarget,
    Plan,
    PlanStatus,
    Role,
    TargetScope,
    Task,
    User,
)

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


# The long texts of a report, and of its plan and its task, which no list of reports shows (a list of
# difficulties shows the report's own): a list leaves them unread (`.defer`) rather than carry them
# on each of its rows.
REPORT_TEXTS = ("results", "difficulties", "proposals")
RELATED_TEXTS = (
    "period__plan__preamble", "period__plan__purposes", "period__plan__implementation_time",
    "period__plan__funding_note", "period__plan__organisation", "period__plan__recipients",
    "task__content", "task__lead_text", "task__partner_text",
)  # fmt: skip
LIST_DEFERRED = REPORT_TEXTS + RELATED_TEXTS


def unit_reports_now(user, periods: list[ReportingPeriod], today: datetime.date) -> QuerySet:
    """What the user's unit has to do now: its reports in `periods` (the current ones), and those
    it still owes (a draft, or returned) in any open period; paginate them."""
    # The open periods as a subquery rather than a join: the count of the pager then reads the
    # unit's reports alone.
    open_periods = ReportingPeriod.objects.filter(is_open=True).values("pk")
    now = Q(period__in=[period.pk for period in periods]) | Q(
        period__in=open_periods, status__in=EDITABLE_STATUSES
    )
    queryset = permissions.reports_visible_to(user).filter(now, unit_id=user.unit_id)
    return (
        reports_with_state(queryset, today)
        .defer(*LIST_DEFERRED)
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


def review_queue_size(user) -> int:
    return permissions.review_queue_for(user).count()


def plans_in_force() -> QuerySet:
    return Plan.objects.filter(status=PlanStatus.IN_FORCE).select_related("coordinating_unit")


def plans_managed_by(user) -> QuerySet:
    """The plans in force whose periods the user opens and closes."""
    return permissions.in_plans(plans_in_force(), permissions.coordinated_plans(user), field="pk").order_by(
        "code"
    )


def plan_heading(pk: int) -> Plan | None:
    """The plan's id and code alone (its page's title), or None; the rest is read by `plan_detail`
    only when the page's body is drawn."""
    return Plan.objects.filter(pk=pk).only("pk", "code").first()


def plan_detail(pk: int) -> Plan:
    """The plan with its documents and duties; its tasks and periods are read by `plan_tasks`
    and `plan_periods_now`, a page and a year at a time."""
    return (
        Plan.objects.select_related("issuer", "coordinating_unit", "report_recipient")
        .prefetch_related("basis_documents__issuer", "duties__unit", "duties__recipient")
        .get(pk=pk)
    )


PLAN_PAGE_TASK_COLUMNS = (
    "id", "plan_id", "parent_id", "number", "title", "title_is_short", "content",
    "deadline_kind", "deadline_text", "due_date", "due_day", "due_month",
)  # fmt: skip


def plan_tasks(plan: Plan) -> QuerySet:
    """The plan's tasks in order, with the columns the plan's page shows; paginate them, then give
    the page's tasks their units with `tasks_units`."""
    return Task.objects.filter(plan=plan).only(*PLAN_PAGE_TASK_COLUMNS).order_by("sort_key", "pk")


@dataclass(frozen=True)
class NamedUnit:
    """A unit as a task names it: its name and how it reports (tasks.models.Reporting)."""

    name: str
    reporting: str


def tasks_units(tasks: list[Task]) -> None:
    """Give each of `tasks` its lead units (`leads`) and partner units (`partners`), in the plan's
    order, as plain names: one query of a few columns, however many units a task names."""
    by_task = {task.pk: task for task in tasks}
    for task in tasks:
        task.leads, task.partners = [], []
    rows = (
        Assignment.objects.filter(task_id__in=list(by_task))
        .order_by("role", "order", "pk")
        .values_list("task_id", "role", "reporting", "unit__name")
    )
    for task_id, role, reporting, name in rows:
        task = by_task[task_id]
        (task.leads if role == AssignmentRole.LEAD else task.partners).append(NamedUnit(name, reporting))


def plan_periods_now(plan: Plan, today: datetime.date) -> tuple[list[ReportingPeriod], int]:
    """The plan's periods of this year on and those still open, the latest deadline first, and how
    many others (earlier years', closed) it has."""
    now = Q(year__gte=today.year) | Q(is_open=True)
    return list(plan.periods.filter(now).order_by("-deadline")), plan.periods.exclude(now).count()


def task_detail(pk: int) -> Task | None:
    """The task with its plan, or None; its assignments are read by `with_assignments` only when
    its page's body is drawn."""
    return Task.objects.select_related("plan").filter(pk=pk).first()


def with_assignments(task: Task) -> Task:
    """`task` with its assignments and their units, in the plan's order, in `task.assignments.all()`."""
    assignments = Assignment.objects.select_related("unit").order_by("role", "order", "pk")
    prefetch_related_objects([task], Prefetch("assignments", queryset=assignments))
    return task


def plan_periods(plan: Plan) -> list[ReportingPeriod]:
    """The plan's periods, the latest deadline first, each holding `plan` (not read again per row)."""
    periods = list(plan.periods.order_by("-deadline"))
    for period in periods:
        period.plan = plan
    return periods


def default_period(periods: list[ReportingPeriod], today) -> ReportingPeriod:
    """The open period due next (or due last, once every open one is overdue), else the latest."""
    open_periods = [period for period in periods if period.is_open]
    upcoming = sorted((p for p in open_periods if p.deadline >= today), key=lambda p: p.deadline)
    return (upcoming or open_periods or periods)[0]


TASK_PAGE_REPORT_COLUMNS = (
    "id",
    "period_id",
    "task_id",
    "unit_id",
    "unit_name",
    "role",
    "status",
    "submitted_at",
)


def task_reports_visible(task: Task, user, period: ReportingPeriod, today: datetime.date) -> list[TaskReport]:
    """The reports on `task` in `period` that the user may see (one period, whatever the years), with
    their state and the columns the task's page shows; each holds `task` and `period`."""
    queryset = (
        permissions.reports_visible_to(user)
        .filter(task=task, period=period)
        .only(*TASK_PAGE_REPORT_COLUMNS)
        .annotate(state=state_expression(today))
        .order_by("role", Vietnamese("unit_name"))
    )
    reports = list(queryset)
    for report in reports:
        report.task, report.period = task, period
    return reports


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
    """The report, with its period, plan, task, unit and last editor, its evidence (with who
    uploaded each), events and directions. Its indicator values are read where they are shown (the
    report's page keeps its indicators in the cache), its unit's successor where it is asked for (a
    unit that has not ended reads none): PostgreSQL took longer to plan the query with that join
    than to run it."""
    queryset = (
        permissions.reports_visible_to(user)
        .select_related("period__plan", "task", "unit", "updated_by")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
            "events",
            "directions",
        )
    )
    return queryset.get(pk=pk)


def report_for_edit(user, pk: int) -> TaskReport:
    """The report as its form shows it: with its period and task, its evidence (their names) and its
    events (why it was returned). Not its plan, unit, last editor or directions, which the form does
    not show: read if ever asked for (a refusal names the plan's coordinating unit)."""
    queryset = (
        permissions.reports_visible_to(user)
        .select_related("period", "task")
        .prefetch_related("evidence", "events")
    )
    return queryset.get(pk=pk)


def _review_queue(user, *, plan_id: int | None, period_id: int | None) -> QuerySet:
    """The user's review queue in the plan and period chosen, narrowed by its periods (read first,
    by their plan) rather than by each report's."""
    periods = ReportingPeriod.objects.all()
    if plan_id is not None:
        periods = periods.filter(plan_id=plan_id)
    if period_id is not None:
        periods = periods.filter(pk=period_id)
    return permissions.review_queue_for(user, periods=periods)


def review_queue(
    user,
    *,
    plan_id: int | None = None,
    period_id: int | None = None,
    unit_id: int | None = None,
) -> QuerySet:
    """The ids of the reports waiting for the user's review, the oldest sent first, narrowed by plan,
    period and unit; paginate them (the queue of a monthly plan holds thousands), then read a page's
    reports with `review_queue_rows`. Sorted from the index of the reports waiting alone
    (report_waiting): sorting the reports themselves read every waiting report's row, period and
    task for a page of fifty."""
    queryset = _review_queue(user, plan_id=plan_id, period_id=period_id)
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return queryset.order_by("last_submitted_at", "pk").values_list("pk", flat=True)


def review_queue_rows(ids, today: datetime.date) -> list[TaskReport]:
    """The reports of `ids` (a page of `review_queue`, still a query: it becomes a subquery) in the
    same order, with the task's state, in one query."""
    queryset = reports_with_state(TaskReport.objects.filter(pk__in=ids), today)
    # Only what the queue shows and judges its indicators by: not the reports' texts, nor the plan's.
    return list(queryset.only(*QUEUE_FIELDS).order_by("last_submitted_at", "pk"))


QUEUE_FIELDS = (
    "period",
    "task",
    "unit",
    "unit_name",
    "role",
    "status",
    "completion",
    "completed_on",
    "deadline",
    "submitted_at",
    "last_submitted_at",
    "period__plan",
    "period__key",
    "period__name",
    "period__kind",
    "period__year",
    "period__deadline",
    "period__cutoff_from",
    "period__cutoff_to",
    "period__is_open",
    "period__plan__code",
    "task__plan",
    "task__number",
    "task__sort_key",
    "task__title",
)


def review_queue_groups(user) -> list[dict]:
    """The user's review queue by plan and period, in one aggregate query: each period with how
    many reports wait and since when, the period holding the oldest first. Counted on the status
    (never empty), not the id: PostgreSQL too then reads the index of the reports waiting alone."""
    return list(
        permissions.review_queue_for(user)
        .values("period_id", "period__plan_id", "period__plan__code", "period__name", "period__deadline")
        .annotate(waiting=Count("status"), oldest=Min("last_submitted_at"))
        .order_by("oldest", "period__plan__code", "period_id")
    )


def review_queue_units(user, *, plan_id: int | None = None, period_id: int | None = None) -> list:
    """(unit id, name, how many wait) of the units with reports waiting for the user in the plan or
    period chosen, by name, in one query (the counts are the queue's pager's)."""
    queryset = _review_queue(user, plan_id=plan_id, period_id=period_id)
    rows = (
        queryset.values("unit_id")
        .annotate(name=Max("unit_name"), waiting=Count("status"))
        .order_by("name", "unit_id")
    )
    return [(row["unit_id"], row["name"], row["waiting"]) for row in rows]


def periods_overview(plans=permissions.ALL) -> QuerySet:
    """Periods of `plans` (every plan for ALL), the latest deadline first; paginate them, then
    count each shown period's reports with `with_report_counts`."""
    periods = permissions.in_plans(ReportingPeriod.objects.select_related("plan"), plans)
    return periods.order_by("-deadline", "plan__code", "pk")


def report_counts(periods) -> dict[int, tuple[int, int, int]]:
    """How many reports each of `periods` asks, has waiting and has accepted, by period id, counted
    in one query over those periods' reports only."""
    rows = (
        TaskReport.objects.filter(period__in=[period.pk for period in periods])
        .values("period_id")
        .annotate(
            # Counted on the status (never empty), not the id: PostgreSQL then reads the index by
            # period and status alone (report_period_status), as SQLite does.
            total=Count("status"),
            submitted=Count("status", filter=Q(status=ReportStatus.SUBMITTED)),
            accepted=Count("status", filter=Q(status=ReportStatus.ACCEPTED)),
        )
        .order_by()
    )
    return {row["period_id"]: (row["total"], row["submitted"], row["accepted"]) for row in rows}


def with_counts(periods, counts: dict[int, tuple[int, int, int]]) -> list[ReportingPeriod]:
    """`periods` with their counts (`report_counts`) as `total`, `submitted` and `accepted`."""
    periods = list(periods)
    for period in periods:
        period.total, period.submitted, period.accepted = counts.get(period.pk, (0, 0, 0))
    return periods


def with_report_counts(periods) -> list[ReportingPeriod]:
    """`periods` with how many reports each asks (`total`), has waiting (`submitted`) and has
    accepted, counted in one query over those periods' reports only."""
    periods = list(periods)
    return with_counts(periods, report_counts(periods))


def current_counts(periods: list[ReportingPeriod], today: datetime.date) -> dict:
    """Every report of `periods` counted by state (`states`, judged at `today`) and by period
    (`periods`, as `report_counts`): what the home page shows those who see every report. Two
    queries; plain data, which the cache keeps."""
    return {
        "states": state_counts(TaskReport.objects.filter(period__in=[p.pk for p in periods]), today),
        "periods": report_counts(periods),
    }


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
        ReportEvent.objects.filter(kind__in=NOTIFIED_EVENTS)
        .exclude(actor_id=user.pk)
        .select_related("report__task", "report__period__plan")
        .order_by("-created_at", "-pk")
    )
    visible = permissions.report_visibility(user)
    if visible is None:
        return events.none()
    if visible:
        if permissions.followed_plans(user) or permissions.funds_plans(user):
            # Someone who follows plans sees a large share of all events: they are read newest first
            # from the index of their time, each asked whether its report is visible, until a page
            # is full (a join would read every event of those plans and sort them).
            visible = Exists(TaskReport.objects.filter(visible, pk=OuterRef("report_id")))
        else:
            # A unit's own reports: a few among all, read from the index of their unit.
            visible = permissions.report_visibility(user, "report__")
        events = events.filter(visible)
    return events.filter(created_at__gt=since) if since is not None else events


# ------------------------------------------------------------------------------
# Indicators against their targets (reports.states.indicator_result)
# ------------------------------------------------------------------------------
def _spans(indicators: list[Indicator], periods) -> Q:
    """The values that can count when `indicators` are judged at `periods` (reports.states
    `_counted`): a target of the period or of its year, or no target, counts that year's values
    only; a target of the whole plan counts every year's. Keeps a plan of many years from reading
    all of its history for one year's verdicts."""
    plan_wide = [
        indicator.pk
        for indicator in indicators
        if any(target.scope == TargetScope.PLAN for target in indicator.target_list)
    ]
    this_year = Q(report__period__year__in=sorted({period.year for period in periods}))
    return this_year | Q(indicator_id__in=plan_wide) if plan_wide else this_year


def _span_periods(indicators: list[Indicator], periods) -> Q:
    """The periods (ReportingPeriod rows) whose values `_spans` can count: those of the years of
    `periods`, or every period when an indicator has a target over the whole plan."""
    if any(target.scope == TargetScope.PLAN for indicator in indicators for target in indicator.target_list):
        return Q()
    return Q(year__in=sorted({period.year for period in periods}))


def _pooled(indicator) -> bool:
    """Whether `indicator`'s values can be added up over units before it is judged: a cumulative
    indicator whose units' values add up (reports.states.indicator_result adds each unit's values
    over the span, then the units'; the order of the additions does not change the total)."""
    return (
        indicator.accumulation == IndicatorAccumulation.CUMULATIVE
        and indicator.aggregation == IndicatorAggregation.SUM
    )


def _indicator_values(
    indicators: list[Indicator],
    spans: Q,
    *,
    periods: Q,
    plans: set[int],
    user,
    until: datetime.date,
    report_pks=(),
):
    """The values reported for `indicators` in the spans `spans` (`_spans`), in the periods
    `periods` (`_span_periods`, a condition on ReportingPeriod rows) of the plans `plans` whose
    data ends by `until`, by reports already sent (and the reports `report_pks`, whatever their
    status), among those `user` may see (every report for permissions.ALL), by indicator id: one
    query.

    The database adds up the values of a cumulative indicator whose units' values add up
    (`_pooled`): one value a period for all units (unit id 0), which judges it the same as each
    unit's (only an indicator judged per unit needs each unit's value). The others come a value a
    report, as sent."""
    # The database reads the values from the spans' periods: those periods' reports of the
    # indicators' tasks (the index of reports by period and task), then each report's values. The
    # indicator is compared as an expression, which no index serves: SQLite, without statistics,
    # would otherwise read every value of the indicators, of every year (40.000 for the review
    # queue at the monthly-120 shape, for 131 sums of one month).
    span_periods = ReportingPeriod.objects.filter(periods, plan_id__in=sorted(plans), cutoff_to__lte=until)
    queryset = (
        IndicatorValue.objects.alias(indicator_key=F("indicator_id") + Value(0))
        .filter(
            spans,
            indicator_key__in=[indicator.pk for indicator in indicators],
            report__task_id__in=sorted({indicator.task_id for indicator in indicators}),
            report__period_id__in=span_periods.values("pk"),
        )
        .filter(report__period__cutoff_to__lte=until)
    )
    # The status is compared as an expression, which no index serves: SQLite, without statistics,
    # would otherwise start from the index of reports by status and read every sent report of every
    # plan and year (84.000 at the monthly-120 shape, 270 ms) instead of the spans' reports.
    queryset = queryset.alias(report_status=Concat("report__status", Value(""), output_field=CharField()))
    sent = Q(report_status__in=SENT_STATUSES)
    queryset = queryset.filter(sent | Q(report_id__in=list(report_pks)) if report_pks else sent)
    # Someone who sees every report of these plans needs no condition on them (which would lead the
    # database to read the plans' reports first, then their values).
    if user is not permissions.ALL and not permissions.sees_every_report_of(user, plans):
        visible = permissions.report_visibility(user, "report__")
        queryset = queryset.none() if visible is None else queryset.filter(visible)
    pooled = [indicator.pk for indicator in indicators if _pooled(indicator)]
    unit = (
        Case(
            When(indicator_id__in=pooled, then=Value(0)),
            default=F("report__unit_id"),
            output_field=IntegerField(),
        )
        if pooled
        else F("report__unit_id")
    )
    rows = (
        queryset.annotate(unit_key=unit)
        .values_list(
            "indicator_id",
            "unit_key",
            "report__period_id",
            "report__period__year",
            "report__period__cutoff_to",
        )
        .annotate(total=Sum("value"))
        .order_by()
    )
    # A sum read from SQLite is a float: back to the exact total, which has the values' decimals.
    exact = Decimal(1).scaleb(-INDICATOR_DECIMAL_PLACES)
    by_indicator: dict[int, list[ReportedValue]] = {}
    for indicator_id, unit_id, period_id, year, cutoff_to, total in rows:
        by_indicator.setdefault(indicator_id, []).append(
            ReportedValue(unit_id, period_id, year, cutoff_to, Decimal(total).quantize(exact))
        )
    return by_indicator


INDICATOR_COLUMNS = [field.attname for field in Indicator._meta.concrete_fields]
TARGET_COLUMNS = ("id", "scope", "year", "period_key", "value")


def _indicator_rows(task_filter: Q) -> dict[int, list[dict]]:
    """The rows of the indicators of the tasks of `task_filter` joined to their targets, by indicator
    id in the tasks' order: one query."""
    names = [
        *INDICATOR_COLUMNS,
        "task__plan_id",
        "task__number",
        "task__title",
        *(f"targets__{column}" for column in TARGET_COLUMNS),
    ]
    rows = Indicator.objects.filter(task_filter).order_by("task__sort_key", "order", "pk", "targets__pk")
    grouped: dict[int, list[dict]] = {}
    for row in rows.values(*names):
        grouped.setdefault(row["id"], []).append(row)
    return grouped


def _indicator(rows: list[dict]) -> Indicator:
    """One indicator from its rows (`_indicator_rows`), with its task (number and title only) and its
    targets in `target_list`."""
    first = rows[0]
    indicator = Indicator(**{column: first[column] for column in INDICATOR_COLUMNS})
    indicator.task = Task(
        pk=first["task_id"],
        plan_id=first["task__plan_id"],
        number=first["task__number"],
        title=first["task__title"],
    )
    indicator.target_list = []
    for row in rows:
        if row["targets__id"] is not None:
            target = IndicatorTarget(**{column: row[f"targets__{column}"] for column in TARGET_COLUMNS})
            target.indicator = indicator
            indicator.target_list.append(target)
    return indicator


def _indicators(task_filter: Q) -> list[Indicator]:
    """The indicators of the tasks of `task_filter`, in the tasks' order, each with its task (number
    and title only) and its targets in `target_list`: one query (indicators joined to their targets)."""
    return [_indicator(rows) for rows in _indicator_rows(task_filter).values()]


def task_indicators(task: Task) -> list[Indicator]:
    """The task's indicators, each with its targets in `target_list`: one query."""
    return _indicators(Q(task_id=task.pk))


def indicator_results(
    *, plan_id: int, period: ReportingPeriod, user=permissions.ALL, task_ids=None
) -> dict[int, list[IndicatorResult]]:
    """Each task's indicators of the plan (of `task_ids` only, when given) judged at `period`, from
    what the units sent and `user` may see, by task id. A fixed number of queries."""
    task_filter = (
        Q(task__plan_id=plan_id) if task_ids is None else Q(task__plan_id=plan_id, task_id__in=task_ids)
    )
    indicators = _indicators(task_filter)
    if not indicators:
        return {}
    # Only the values some indicator's span can count (reports.states._counted): the period's own
    # when every indicator is judged on the period alone, else its year's (and every year's for an
    # indicator with a target over the whole plan).
    if {_span(indicator, period) for indicator in indicators} == {TargetScope.PERIOD}:
        spans, span_periods = Q(report__period_id=period.pk), Q(pk=period.pk)
    else:
        spans, span_periods = _spans(indicators, [period]), _span_periods(indicators, [period])
    values = _indicator_values(
        indicators,
        spans,
        periods=span_periods,
        plans={plan_id},
        user=user,
        until=period.cutoff_to,
    )
    results: dict[int, list[IndicatorResult]] = {}
    for indicator in indicators:
        result = indicator_result(indicator, indicator.target_list, period, values.get(indicator.pk, []))
        results.setdefault(indicator.task_id, []).append(result)
    return results


def _span(indicator, period) -> str:
    """The span of reports that judges `indicator` at `period`: that of the target that applies,
    the period alone without one (reports.states.indicator_result)."""
    target = target_for(indicator.target_list, period)
    return target.scope if target is not None else TargetScope.PERIOD


def report_indicator_results(report: TaskReport, user) -> list[IndicatorResult]:
    """The indicators of the report's task judged at its period, counting the report itself (even
    unsent) with what other units sent that `user` may see."""
    return reports_indicator_results([report], user)[report.pk]


def reports_indicator_results(reports, user) -> dict[int, list[IndicatorResult]]:
    """For each report (by id): the indicators of its task judged at its period, counting the
    reports themselves (even unsent) with what the units sent that `user` may see. A report is
    judged on its own unit's numbers where each unit has its own target. Three queries."""
    reports = list(reports)
    task_ids = {report.task_id for report in reports}
    indicators = _indicators(Q(task_id__in=task_ids)) if task_ids else []
    by_task: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_task.setdefault(indicator.task_id, []).append(indicator)
    values = {}
    if indicators:
        values = _indicator_values(
            indicators,
            _spans(indicators, [report.period for report in reports]),
            periods=_span_periods(indicators, [report.period for report in reports]),
            plans={indicator.task.plan_id for indicator in indicators},
            user=user,
            until=max(report.period.cutoff_to for report in reports),
            report_pks=[report.pk for report in reports],
        )
    results = {}
    # An indicator judged at a period is the same for every report of that period: judged once.
    judged: dict[tuple[int, int], IndicatorResult] = {}
    for report in reports:
        results[report.pk] = []
        for indicator in by_task.get(report.task_id, []):
            key = (indicator.pk, report.period.pk)
            if key not in judged:
                judged[key] = indicator_result(
                    indicator, indicator.target_list, report.period, values.get(indicator.pk, [])
                )
            result = judged[key]
            if indicator.aggregation == IndicatorAggregation.EACH_UNIT:
                # Each unit has its own target: the report is judged on its unit's numbers alone.
                actual, verdict = result.units.get(report.unit_id, (None, Verdict.NO_DATA))
                result = replace(result, actual=actual, verdict=verdict)
            results[report.pk].append(result)
    return results


def plan_indicators_page(plan: Plan, number, per_page: int) -> Page:
    """The page `number` of the plan's indicators, in the tasks' order, each with its targets: one
    query, which builds the page's indicators only."""
    grouped = _indicator_rows(Q(task__plan_id=plan.pk))
    page = Paginator(list(grouped), per_page).get_page(number)
    page.object_list = [_indicator(grouped[pk]) for pk in page.object_list]
    return page


def indicator_trends(
    indicators: list[Indicator], periods: list[ReportingPeriod], user=permissions.ALL
) -> list:
    """Each of `indicators` (of one plan, from `plan_indicators_page`) with its (period, result) at each
    of `periods` (the oldest first): the rows of the plan's indicator page, a page of indicators
    and a year of periods at a time. One query, over the values that can count there only."""
    if not periods or not indicators:
        return [(indicator, []) for indicator in indicators]
    values = _indicator_values(
        indicators,
        _spans(indicators, periods),
        periods=_span_periods(indicators, periods),
        plans={indicator.task.plan_id for indicator in indicators},
        user=user,
        until=periods[-1].cutoff_to,
    )
    rows = []
    for indicator in indicators:
        reported = values.get(indicator.pk, [])
        counted = _countable(reported)
        results = [
            (
                period,
                indicator_result(
                    indicator, indicator.target_list, period, counted(_span(indicator, period), period)
                ),
            )
            for period in periods
        ]
        rows.append((indicator, results))
    return rows


def _countable(reported: list[ReportedValue]):
    """`counted(scope, period)`: the values of `reported` (one indicator's) that a target of `scope`
    can count at `period` (reports.states._counted filters them again). A year of monthly periods
    would otherwise go through every value of the indicator once a period."""
    by_period: dict[int, list[ReportedValue]] = {}
    by_year: dict[int, list[ReportedValue]] = {}
    ordered = sorted(reported, key=lambda value: value.cutoff_to)
    cutoffs = [value.cutoff_to for value in ordered]
    for value in ordered:
        by_period.setdefault(value.period_id, []).append(value)
        by_year.setdefault(value.year, []).append(value)

    def counted(scope: str, period: ReportingPeriod) -> list[ReportedValue]:
        if scope == TargetScope.PERIOD:
            return by_period.get(period.pk, [])
        if scope == TargetScope.YEAR:
            return by_year.get(period.year, [])
        return ordered[: bisect_right(cutoffs, period.cutoff_to)]

    return counted


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of one task against its target, in plain values (for the consolidated report)."""

    task_id: int
    task_number: str
    task_title: str
    name: str
    unit_of_measure: str
    decimals: int
    is_share: bool
    target: Decimal | None
    actual: Decimal | None
    verdict: str  # a reports.states.Verdict value
    verdict_label: str  # "đạt", "vượt", "chưa đạt", "chưa có số liệu", "chưa đặt chỉ tiêu"
    target_text: str  # "80", "1.250,5", "" without a target
    actual_text: str


def plan_indicator_lines(
    *, plan: Plan, period: ReportingPeriod | None = None, year: int | None = None, task_ids=None
) -> list[IndicatorLine]:
    """Every indicator of the plan's tasks (of `task_ids` only, when given) judged at `period`, or at
    the last period of `year` (the yearly report's), counting what the units sent: plain data, the
    tasks' order. Empty when the plan has no period that year."""
    if period is None:
        periods = [p for p in plan.periods.all() if year is None or p.year == year]
        if not periods:
            return []
        period = max(periods, key=lambda p: (p.cutoff_to, p.pk))
    lines = []
    for results in indicator_results(plan_id=plan.pk, period=period, task_ids=task_ids).values():
        for result in results:
            indicator = result.indicator
            lines.append(
                IndicatorLine(
                    task_id=indicator.task_id,
                    task_number=indicator.task.number,
                    task_title=indicator.task.title,
                    name=indicator.name,
                    unit_of_measure=indicator.unit_of_measure,
                    decimals=indicator.decimals,
                    is_share=indicator.is_share,
                    target=result.target_value,
                    actual=result.actual,
                    verdict=result.verdict.value,
                    verdict_label=result.verdict.label,
                    target_text=""
                    if result.target is None
                    else number_text(result.target_value, indicator.decimals),
                    actual_text=""
                    if result.actual is None
                    else number_text(result.actual, indicator.decimals),
                )
            )
    return lines
