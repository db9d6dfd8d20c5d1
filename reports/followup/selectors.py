"""Reads behind the follow-up pages: the filters' choices, the reminder log, the escalations. The
board (`board.py`) and the funds (`funds.py`) have selectors of their own."""

from django.db.models import Prefetch, QuerySet

from reports import permissions
from reports.models import Direction, Reminder, ReportingPeriod, TaskReport
from tasks.models import Plan, Task, Unit


def unit(pk) -> Unit | None:
    return Unit.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def visible_report(user, pk) -> TaskReport | None:
    return permissions.reports_visible_to(user).select_related("period__plan").filter(pk=pk).first()


def board_choices() -> tuple[list[Plan], list[ReportingPeriod], list[Task]]:
    """Every plan, period and task, for the board's filters (tasks with only what a choice shows)."""
    plans = list(Plan.objects.order_by("status", "-issued_year", "code"))
    periods = list(ReportingPeriod.objects.select_related("plan").order_by("-year", "plan__code"))
    tasks = list(Task.objects.order_by("plan_id", "number").only("pk", "plan_id", "number", "title"))
    return plans, periods, tasks


def funds_choices() -> tuple[list[Plan], list[int]]:
    plans = list(Plan.objects.order_by("-issued_year", "code"))
    years = sorted(set(ReportingPeriod.objects.values_list("year", flat=True)), reverse=True)
    return plans, years


def reminder_log(*, unit: Unit | None = None) -> QuerySet:
    reminders = Reminder.objects.select_related("unit", "sent_by").prefetch_related("stages__period__plan")
    return reminders.filter(unit=unit) if unit is not None else reminders


def escalations(*, pending_only: bool = False) -> QuerySet:
    """Sent reports whose difficulties were raised to the Director, newest year first, with the
    directions given; `pending_only` keeps those still without one."""
    reports = (
        TaskReport.objects.filter(escalate=True, submitted_at__isnull=False)
        .select_related("task", "period__plan")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("created_at", "pk")))
        .order_by("-period__year", "-last_submitted_at", "pk")
    )
    return reports.filter(directions__isnull=True) if pending_only else reports
