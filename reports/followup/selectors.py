"""Reads behind the follow-up pages: the filters' choices, the reminder log, the escalations. The
board (`board.py`) and the funds (`funds.py`) have selectors of their own."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from kehoach import stamps
from reports import permissions
from reports.models import Direction, Reminder, ReportingPeriod, TaskReport
from reports.workflow import selectors as workflow_selectors
from tasks.models import Plan, Task, Unit


def unit(pk) -> Unit | None:
    return Unit.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def period(pk) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.select_related("plan").filter(pk=pk).first() if isinstance(pk, int) else None
    )


def visible_report(user, pk) -> TaskReport | None:
    return permissions.reports_visible_to(user).select_related("period__plan").filter(pk=pk).first()


# The period's columns, read beside their plan's: named through the plan (`periods__…`), each
# relation by its name (whose value is its id).
PERIOD_FIELDS = ReportingPeriod._meta.concrete_fields
PLAN_SHOWN = ("id", "code", "title")


# The plans and periods each set of followed plans was read as, kept in this process while the
# global stamp is the one they were read under: one entry per set followed (a few: the leadership's,
# each coordinator's).
_FOLLOWED = stamps.Memory()


def followed_plans(user, *, stamp: int | None = None) -> tuple[list[Plan], dict[int, list[ReportingPeriod]]]:
    """The plans whose board the user follows, in force first, with only what the board shows of
    them (its selector and heading) and whether each has a period open (`has_open_period`); and
    each one's periods, the latest deadline first, with the plan as their plan.

    `stamp`: the global stamp, read committed before this call (`board_cache.board_stamps`); the
    plans read under it are served again from memory, without a query. None (inside a transaction,
    without the triggers): read afresh. The plans and periods are shared by the requests that
    read them under one stamp: never change them."""
    followed = permissions.followed_plans(user)
    if stamp is None:
        return _followed_read(followed)
    key = None if followed is permissions.ALL else frozenset(followed)
    found = _FOLLOWED.get(stamp, key, lambda: _followed_read(followed))
    plans, periods = found
    return list(plans), {pk: list(plan_periods) for pk, plan_periods in periods.items()}


def _followed_read(plan_ids: set[int] | None) -> tuple[list[Plan], dict[int, list[ReportingPeriod]]]:
    """`followed_plans` of the plans `plan_ids` (every plan for None), read from the database. One
    query: the plans joined to their periods (a plan with none gives one row without a period)."""
    plans = permissions.in_plans(Plan.objects.all(), plan_ids, field="pk")
    rows = plans.order_by("status", "-issued_year", "code", "-periods__deadline", "periods__pk").values_list(
        *PLAN_SHOWN, *(f"periods__{field.name}" for field in PERIOD_FIELDS)
    )
    followed: dict[int, Plan] = {}
    periods: dict[int, list[ReportingPeriod]] = {}
    attnames = [field.attname for field in PERIOD_FIELDS]
    for row in rows:
        pk = row[0]
        if pk not in followed:
            # Its other columns are deferred: read from the database if ever asked for.
            followed[pk] = Plan.from_db(rows.db, PLAN_SHOWN, row[: len(PLAN_SHOWN)])
            followed[pk].has_open_period = False
            periods[pk] = []
        if row[len(PLAN_SHOWN)] is not None:
            period = ReportingPeriod.from_db(rows.db, attnames, row[len(PLAN_SHOWN) :])
            period.plan = followed[pk]
            followed[pk].has_open_period |= period.is_open
            periods[pk].append(period)
    return list(followed.values()), periods


def default_plan(plans: list[Plan]) -> Plan | None:
    """The plan the board shows first: the first in force with a period open, else the first (of
    `followed_plans`)."""
    return next((plan for plan in plans if plan.has_open_period), plans[0] if plans else None)


def plan_tasks(plan: Plan) -> list[Task]:
    """The plan's tasks in the plan's order, with only what the board shows."""
    return list(plan.tasks.order_by("sort_key").only("pk", "plan_id", "number", "parent_id", "title"))


def funds_choices(visible: set[int] | None) -> tuple[list[Plan], list[int], dict[int, list[int]]]:
    """The plans (of `visible`, every plan for None) and years of the funds' filter, and the ids of
    each plan's periods (the funds' cache is keyed by their stamps): two queries."""
    plans = Plan.objects.order_by("-issued_year", "code")
    periods = ReportingPeriod.objects.values_list("pk", "plan_id", "year").order_by()
    if visible is not None:
        plans, periods = plans.filter(pk__in=visible), periods.filter(plan_id__in=visible)
    by_plan: dict[int, list[int]] = {}
    years = set()
    for pk, plan_id, year in periods:
        by_plan.setdefault(plan_id, []).append(pk)
        years.add(year)
    return list(plans), sorted(years, reverse=True), by_plan


def reminder_log(*, unit: Unit | None = None) -> QuerySet:
    reminders = Reminder.objects.select_related("unit", "sent_by").prefetch_related("stages__period__plan")
    return reminders.filter(unit=unit) if unit is not None else reminders


def escalations(user, *, pending_only: bool = False) -> QuerySet:
    """The sent reports of the plans `user` follows whose difficulties were raised to the Director,
    the last sent first, with the directions given; `pending_only` keeps those still without one.
    Read in the order of the partial index `report_escalated`: a page is its first rows, however
    many were raised over the years. The plans are asked of each row's period (EXISTS) rather than
    joined: SQLite would otherwise start from the plans and read every report of their periods."""
    reports = TaskReport.objects.filter(escalate=True, submitted_at__isnull=False)
    plans = permissions.followed_plans(user)
    if plans is not permissions.ALL:
        reports = reports.filter(
            Exists(ReportingPeriod.objects.filter(pk=OuterRef("period_id"), plan__in=plans))
        )
    reports = (
        reports.select_related("task", "period__plan")
        .defer("results", *workflow_selectors.RELATED_TEXTS)
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("created_at", "pk")))
        .order_by("-last_submitted_at", "-pk")
    )
    return (
        reports.filter(~Exists(Direction.objects.filter(report=OuterRef("pk")))) if pending_only else reports
    )
