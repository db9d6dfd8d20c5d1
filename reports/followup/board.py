"""The follow-up board of a plan's coordinators: one plan, one period, tasks × reporting units.

Figures come from SQL aggregates over the whole period (counts by state, by unit, what each unit
still owes); only the units on the page shown are read report by report, to draw their cells. So
the page costs the same number of queries for 10 units as for 300, and its work grows with the page,
not the province.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.urls import reverse

from kehoach.db import Vietnamese, vi_sort_key
from reports.models import Reminder, ReportingPeriod, ReportStatus, TaskReport, TaskState
from reports.states import (
    EDITABLE_STATUSES,
    SHORT_LABELS,
    IndicatorResult,
    Verdict,
    state_expression,
    worst_verdict,
)
from reports.workflow.selectors import indicator_results
from tasks.models import AssignmentRole, DeadlineKind, Plan, Task, Unit

UNITS_PER_PAGE = 50
# Task columns of the matrix a page at a time: a plan of 120 tasks would draw 6,000 cells a page.
TASKS_PER_PAGE = 30
OWING_PER_PAGE = 25  # units listed a page at a time under "have not submitted"
LIST_LIMIT = 20  # reports listed in "waiting for review" and "overdue", the rest counted
STATES = [state.value for state in TaskState]


@dataclass
class Cell:
    """One cell of the matrix, with its texts ready: a board draws thousands of them."""

    report_id: int
    state: str
    status: str
    role: str
    url: str = ""
    label: str = ""  # short state and role: "Đang làm · CT"
    title: str = ""  # full state and role: "Đang thực hiện trong hạn — chủ trì"


@dataclass
class UnitRow:
    unit_id: int
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    total: int = 0
    owed: int = 0  # reports still a draft or returned
    returned: int = 0
    waiting: int = 0  # sent, waiting for review
    last_reminder: datetime.datetime | None = None
    cells: list[Cell | None] = field(default_factory=list)
    known_now_as: str = ""  # the unit's name today, when it differs from the period's ("nay là")

    @property
    def bars(self) -> list[tuple[str, int, int]]:
        """(state, count, whole percent of the row) for the chart, skipping empty states.

        The page draws each part with a CSS class (`w-0` … `w-100`, no inline style under the
        Content-Security-Policy), so the percents are whole numbers that add up to 100.
        """
        shown = [(state, n) for state, n in self.counts.items() if n and self.total]
        return [
            (state, n, percent)
            for (state, n), percent in zip(shown, shares([n for _, n in shown]), strict=True)
        ]


def shares(counts: list[int]) -> list[int]:
    """Whole percents of `counts` that add up to 100 (largest remainder: each count gets its share
    rounded down, then the points left go to the largest remainders, the first on a tie)."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    percents = [100 * n // total for n in counts]
    remainders = [100 * n % total for n in counts]
    by_remainder = sorted(range(len(counts)), key=lambda i: -remainders[i])
    for i in by_remainder[: 100 - sum(percents)]:
        percents[i] += 1
    return percents


@dataclass
class Board:
    plan: Plan
    period: ReportingPeriod
    today: datetime.date
    all_tasks: list[Task]  # the plan's tasks
    tasks: list[Task]  # the columns shown: a page of the plan's tasks (one, when a task is chosen)
    task_page: object  # django Paginator page over the columns
    totals: dict[str, int]
    total: int
    rows: list[UnitRow]  # the page of units shown in the matrix and the chart
    page: object  # django Paginator page over all matching units
    not_submitted: list[UnitRow]  # every unit that still owes a report, most owed first
    owing_page: object  # the page of not_submitted shown
    waiting: list[TaskReport]  # the first LIST_LIMIT of waiting_total
    waiting_total: int
    overdue_fixed: list[TaskReport]  # the first LIST_LIMIT of overdue_fixed_total
    overdue_fixed_total: int
    unit_choices: list[tuple[int, str]]
    # The indicators of the tasks shown, judged at the period (reports.states.indicator_result), and
    # each task's worst verdict; `not_met` counts the plan's tasks with an indicator "chưa đạt".
    indicators: list[IndicatorResult] = field(default_factory=list)
    task_verdicts: dict[int, Verdict] = field(default_factory=dict)
    not_met: int = 0

    @property
    def days_left(self) -> int:
        """Days to the period's deadline for sending reports; negative once overdue."""
        return (self.period.deadline - self.today).days


def board_build(
    *,
    period: ReportingPeriod,
    today: datetime.date,
    tasks: list[Task],
    unit_id: int | None = None,
    task_id: int | None = None,
    state: str | None = None,
    indicators_not_met: bool = False,
    page_number=1,
    owing_page_number=1,
    task_page_number=1,
) -> Board:
    """The board of `period`; `tasks` are the plan's tasks in order (the columns, unless one is chosen).
    With `indicators_not_met`, only the tasks with an indicator "chưa đạt" and their units."""
    plan = period.plan
    reports = TaskReport.objects.filter(period=period).annotate(state=state_expression(today))
    all_tasks = tasks
    results = indicator_results(plan_id=plan.pk, period=period)
    not_met = {
        task_pk
        for task_pk, task_results in results.items()
        if any(r.verdict == Verdict.NOT_MET for r in task_results)
    }
    task_page = Paginator(
        [
            task
            for task in tasks
            if (task_id is None or task.pk == task_id) and (not indicators_not_met or task.pk in not_met)
        ],
        TASKS_PER_PAGE,
    ).get_page(task_page_number)
    tasks = list(task_page.object_list)

    # The filters apply to the whole page: counts, the units owing, the lists, the chart and the
    # matrix's rows; the unit selector still offers every unit of the period.
    matching = reports
    if unit_id is not None:
        matching = matching.filter(unit_id=unit_id)
    if task_id is not None:
        matching = matching.filter(task_id=task_id)
    if state:
        matching = matching.filter(state=state)
    if indicators_not_met:
        matching = matching.filter(task_id__in=not_met)
    # Which reports count, by task: the task chosen, the tasks with an indicator "chưa đạt", or all.
    task_q = Q()
    if task_id is not None:
        task_q &= Q(task_id=task_id)
    if indicators_not_met:
        task_q &= Q(task_id__in=not_met)
    every_unit, units = _unit_rows(reports, unit_id=unit_id, task_q=task_q or None, state=state)
    unit_choices = sorted(
        ((row.unit_id, row.name) for row in every_unit.values()), key=lambda c: vi_sort_key(c[1])
    )
    _attach_last_reminders(units)

    totals = dict.fromkeys(STATES, 0)
    for row in units.values():
        for name, n in row.counts.items():
            totals[name] += n

    # The matrix lists the units with a matching report, and their whole row.
    shown = sorted(units.values(), key=lambda row: vi_sort_key(row.name))
    page = Paginator(shown, UNITS_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    _fill_cells(rows, reports, tasks)
    _attach_known_now_as(rows, today)

    not_submitted = sorted(
        (row for row in units.values() if row.owed), key=lambda row: (-row.owed, vi_sort_key(row.name))
    )
    waiting = list(
        matching.filter(status=ReportStatus.SUBMITTED)
        .select_related("task", "period")
        .order_by("last_submitted_at", "pk")[:LIST_LIMIT]
    )
    overdue = matching.filter(task__deadline_kind=DeadlineKind.FIXED, state=TaskState.IN_PROGRESS_OVERDUE)
    overdue_fixed = list(
        overdue.select_related("task").order_by("deadline", "task__sort_key", Vietnamese("unit_name"))[
            :LIST_LIMIT
        ]
    )
    for report in overdue_fixed:
        report.days_left = (report.deadline - today).days
    return Board(
        plan=plan,
        period=period,
        today=today,
        all_tasks=all_tasks,
        tasks=tasks,
        task_page=task_page,
        totals=totals,
        total=sum(totals.values()),
        rows=rows,
        page=page,
        not_submitted=not_submitted,
        owing_page=Paginator(not_submitted, OWING_PER_PAGE).get_page(owing_page_number),
        waiting=waiting,
        waiting_total=sum(row.waiting for row in units.values()),
        overdue_fixed=overdue_fixed,
        overdue_fixed_total=len(overdue_fixed) if len(overdue_fixed) < LIST_LIMIT else overdue.count(),
        unit_choices=unit_choices,
        indicators=[result for task in tasks for result in results.get(task.pk, [])],
        task_verdicts={
            task_pk: worst_verdict(result.verdict for result in task_results)
            for task_pk, task_results in results.items()
        },
        not_met=len(not_met),
    )


def _unit_rows(
    reports, *, unit_id: int | None = None, task_q: Q | None = None, state: str | None = None
) -> tuple[dict[int, UnitRow], dict[int, UnitRow]]:
    """Every reporting unit of the period, and the units with reports matching the filters with
    the counts of those reports only, in one aggregate query (by unit, state and status: the unit
    and state filters pick groups, the tasks' filter `task_q` a conditional count)."""
    groups = (
        reports.values("unit_id", "state", "status")
        .annotate(
            n=Count("pk"),
            name=Max("unit_name"),
            **({"n_task": Count("pk", filter=task_q)} if task_q is not None else {}),
        )
        .order_by()
    )
    every: dict[int, UnitRow] = {}
    matching: dict[int, UnitRow] = {}
    for group in groups:
        row = every.setdefault(group["unit_id"], UnitRow(unit_id=group["unit_id"], name=group["name"]))
        row.name = max(row.name, group["name"])
        n = group["n_task"] if task_q is not None else group["n"]
        if (
            not n
            or (unit_id is not None and group["unit_id"] != unit_id)
            or (state and group["state"] != state)
        ):
            continue
        shown = matching.setdefault(group["unit_id"], UnitRow(unit_id=group["unit_id"], name=group["name"]))
        shown.name = max(shown.name, group["name"])
        shown.counts[group["state"]] += n
        shown.total += n
        if group["status"] in EDITABLE_STATUSES:
            shown.owed += n
        if group["status"] == ReportStatus.RETURNED:
            shown.returned += n
        if group["status"] == ReportStatus.SUBMITTED:
            shown.waiting += n
    for row in matching.values():
        row.name = every[row.unit_id].name
    return every, matching


def _attach_known_now_as(rows: list[UnitRow], today: datetime.date) -> None:
    """What each unit of the page is called today, where that differs from the period's name: one
    query (two successors deep; a longer chain reads on)."""
    if not rows:
        return
    units = Unit.objects.select_related("successor__successor").in_bulk([row.unit_id for row in rows])
    for row in rows:
        row.known_now_as = units[row.unit_id].known_now_as(row.name, today)


def _attach_last_reminders(units: dict[int, UnitRow]) -> None:
    if not units:
        return
    last = (
        Reminder.objects.filter(unit_id__in=list(units))
        .values("unit_id")
        .annotate(last=Max("sent_at"))
        .order_by()
    )
    for item in last:
        units[item["unit_id"]].last_reminder = item["last"]


def _fill_cells(rows: list[UnitRow], reports, tasks: list[Task]) -> None:
    """The matrix cells of the units on the page: one query for all of them."""
    if not rows:
        return
    by_unit = {row.unit_id: row for row in rows}
    column = {task.pk: index for index, task in enumerate(tasks)}
    # One reverse() for the page, not one per cell.
    url = reverse("reports:report_detail", args=[0]).removesuffix("0/") + "{}/"
    states = dict(TaskState.choices)
    for row in rows:
        row.cells = [None] * len(tasks)
    for report in reports.filter(unit_id__in=list(by_unit), task_id__in=list(column)).values(
        "pk", "unit_id", "task_id", "state", "status", "role"
    ):
        lead = report["role"] == AssignmentRole.LEAD
        by_unit[report["unit_id"]].cells[column[report["task_id"]]] = Cell(
            report_id=report["pk"],
            state=report["state"],
            status=report["status"],
            role=report["role"],
            url=url.format(report["pk"]),
            label=f"{SHORT_LABELS[report['state']]} · {'CT' if lead else 'PH'}",
            title=f"{states[report['state']]} — {'chủ trì' if lead else 'phối hợp'}",
        )
