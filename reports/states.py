"""How a report moves and how a task is judged: the one home of both rules.

- **Report statuses** move only along `TRANSITIONS` (docs/domain.md, "Report statuses and the
  workflow"). The permission predicates read who may take each step from this table, and the
  services move reports with it, so that the two never disagree.
- **The deadline** that judges a task's work in a reporting period is `deadline_for` (docs/domain.md,
  "Deadline kinds"). Each report stores it when its period is opened, so that pages can count
  thousands of states in SQL; every change that moves it re-judges the open periods' reports.
- **An indicator's verdict** ("đạt", "vượt", "chưa đạt", "chưa có số liệu") against the target that
  applies to a period is `indicator_result` (docs/domain.md, "Indicators and targets"); every page,
  export and selector judges indicators through it.
- **The task state** is computed from that deadline, the completion and the review, never typed
  (docs/domain.md, "Task states"). It exists twice, as a Python function for one report and as an
  SQL expression for pages that count thousands; tests hold them to the same answers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Case, CharField, F, Q, Value, When

from tasks.models import (
    DeadlineKind,
    IndicatorAccumulation,
    IndicatorAggregation,
    IndicatorDirection,
    TargetScope,
)
from tasks.schedule import day_month_in_year

from .models import Completion, EventKind, ReportStatus, TaskState


# ------------------------------------------------------------------------------
# Report statuses: draft → submitted → returned → submitted → accepted (→ reopened)
# ------------------------------------------------------------------------------
class Actor:
    """Who takes a step, as `reports.permissions` decides it for a user and a report."""

    UNIT = "unit"  # the staff and head of the report's unit
    HEAD = "head"  # the head of the report's unit, who speaks for it
    REVIEWER = "reviewer"  # whoever reviews the report's unit


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]  # the statuses the step starts from
    target: str  # the status it leads to (the same for an edit)
    actor: str
    event: str  # the EventKind recorded
    comment_required: bool = False
    verb: str = ""  # "trả lại báo cáo": for messages


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "edit",
            frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED}),
            "",
            Actor.UNIT,
            EventKind.SAVED,
            verb="sửa báo cáo",
        ),
        Transition(
            "submit",
            frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED}),
            ReportStatus.SUBMITTED,
            Actor.HEAD,
            EventKind.SUBMITTED,
            verb="gửi báo cáo",
        ),
        Transition(
            "return",
            frozenset({ReportStatus.SUBMITTED}),
            ReportStatus.RETURNED,
            Actor.REVIEWER,
            EventKind.RETURNED,
            comment_required=True,
            verb="trả lại báo cáo",
        ),
        Transition(
            "accept",
            frozenset({ReportStatus.SUBMITTED}),
            ReportStatus.ACCEPTED,
            Actor.REVIEWER,
            EventKind.ACCEPTED,
            verb="chấp nhận báo cáo",
        ),
        Transition(
            "reopen",
            frozenset({ReportStatus.ACCEPTED}),
            ReportStatus.RETURNED,
            Actor.REVIEWER,
            EventKind.REOPENED,
            comment_required=True,
            verb="mở lại báo cáo",
        ),
    )
}

# A report its unit still has to send: it may be edited, and it is owed.
EDITABLE_STATUSES = tuple(sorted(TRANSITIONS["edit"].sources))
# A report its unit has sent: what it says is the unit's word.
SENT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


# ------------------------------------------------------------------------------
# The deadline
# ------------------------------------------------------------------------------
def deadline_for(task, period) -> datetime.date:
    """The deadline that judges `task`'s work in `period`.

    A fixed deadline is the same in every period; a yearly task falls due on its day of the
    period's year; an ongoing task is judged at the period's own deadline. Reads only the task's
    deadline fields and the period's `deadline` and `year`, so that the demo generator's plain rows
    are judged by the same rule as the models.
    """
    if task.deadline_kind == DeadlineKind.FIXED:
        return task.due_date
    if task.deadline_kind == DeadlineKind.YEARLY:
        return day_month_in_year(task.due_day, task.due_month, period.year)
    return period.deadline


# ------------------------------------------------------------------------------
# The task state
# ------------------------------------------------------------------------------
def task_state(
    *, status: str, completion: str, completed_on, deadline: datetime.date, today: datetime.date
) -> TaskState:
    if status == ReportStatus.ACCEPTED and completion == Completion.DONE:
        if completed_on is not None and completed_on <= deadline:
            return TaskState.DONE_ON_TIME
        return TaskState.DONE_LATE
    if today > deadline:
        return TaskState.IN_PROGRESS_OVERDUE
    if completion == Completion.NOT_STARTED:
        return TaskState.NOT_STARTED
    return TaskState.IN_PROGRESS_ON_TIME


def report_state(report, today: datetime.date) -> TaskState:
    return task_state(
        status=report.status,
        completion=report.completion,
        completed_on=report.completed_on,
        deadline=report.deadline,
        today=today,
    )


def state_expression(today: datetime.date) -> Case:
    """`task_state` as an SQL expression over TaskReport rows (annotate(state=...))."""
    done = Q(status=ReportStatus.ACCEPTED, completion=Completion.DONE)
    return Case(
        When(done & Q(completed_on__lte=F("deadline")), then=Value(TaskState.DONE_ON_TIME.value)),
        When(done, then=Value(TaskState.DONE_LATE.value)),
        When(deadline__lt=today, then=Value(TaskState.IN_PROGRESS_OVERDUE.value)),
        When(completion=Completion.NOT_STARTED, then=Value(TaskState.NOT_STARTED.value)),
        default=Value(TaskState.IN_PROGRESS_ON_TIME.value),
        output_field=CharField(),
    )


# Short labels for the cells of the board, where a column is one task wide; the full label is the
# cell's title and the legend's text.
SHORT_LABELS = {
    TaskState.DONE_ON_TIME: "Xong đúng hạn",
    TaskState.DONE_LATE: "Xong quá hạn",
    TaskState.IN_PROGRESS_ON_TIME: "Đang làm",
    TaskState.IN_PROGRESS_OVERDUE: "Trễ hạn",
    TaskState.NOT_STARTED: "Chưa làm",
}


# ------------------------------------------------------------------------------
# Indicators: which target applies, what was achieved, and the verdict
# ------------------------------------------------------------------------------
class Verdict(models.TextChoices):
    EXCEEDED = "exceeded", "vượt"
    MET = "met", "đạt"
    NOT_MET = "not_met", "chưa đạt"
    NO_DATA = "no_data", "chưa có số liệu"
    NO_TARGET = "no_target", "chưa đặt chỉ tiêu"


# From the worst to the best: a task's verdict on an indicator that each unit meets on its own is
# its worst unit's.
VERDICT_ORDER = [Verdict.NOT_MET, Verdict.NO_DATA, Verdict.NO_TARGET, Verdict.MET, Verdict.EXCEEDED]


def indicator_verdict(*, actual: Decimal | None, target: Decimal | None, direction: str) -> Verdict:
    """An actual value against its target: equal is "đạt"; better than the target ("at least": above,
    "at most": below) is "vượt"; worse is "chưa đạt"; no value is "chưa có số liệu"."""
    if actual is None:
        return Verdict.NO_DATA
    if target is None:
        return Verdict.NO_TARGET
    if actual == target:
        return Verdict.MET
    better = actual > target if direction == IndicatorDirection.AT_LEAST else actual < target
    return Verdict.EXCEEDED if better else Verdict.NOT_MET


def target_for(targets, period):
    """The target that judges a period: its own (by key), else its year's, else the whole plan's;
    None when the indicator has none. `targets` are IndicatorTarget rows of one indicator."""
    by_scope = {}
    for target in targets:
        if target.scope == TargetScope.PERIOD and target.period_key == period.key:
            by_scope[TargetScope.PERIOD] = target
        elif target.scope == TargetScope.YEAR and target.year == period.year:
            by_scope[TargetScope.YEAR] = target
        elif target.scope == TargetScope.PLAN:
            by_scope[TargetScope.PLAN] = target
    for scope in (TargetScope.PERIOD, TargetScope.YEAR, TargetScope.PLAN):
        if scope in by_scope:
            return by_scope[scope]
    return None


@dataclass(frozen=True)
class ReportedValue:
    """One report's value for an indicator, with where it falls: its unit and its period."""

    unit_id: int
    period_id: int
    year: int
    cutoff_to: datetime.date
    value: Decimal


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator of a task judged at a period: the target that applies, what was achieved over
    the target's span (`actual`: the units' total, or with a target per unit the worst unit's value),
    each unit's own value and verdict, and the verdict."""

    indicator: object
    target: object  # IndicatorTarget or None
    actual: Decimal | None
    verdict: Verdict
    units: dict  # unit id → (value, Verdict)

    @property
    def target_value(self) -> Decimal | None:
        return self.target.value if self.target is not None else None


def _counted(scope: str, period, values: list[ReportedValue]) -> list[ReportedValue]:
    if scope == TargetScope.PERIOD:
        return [value for value in values if value.period_id == period.pk]
    if scope == TargetScope.YEAR:
        return [
            value for value in values if value.year == period.year and value.cutoff_to <= period.cutoff_to
        ]
    return [value for value in values if value.cutoff_to <= period.cutoff_to]


def indicator_result(indicator, targets, period, values: list[ReportedValue]) -> IndicatorResult:
    """Judge `indicator` at `period` from the values reported for it (any periods of its plan).

    What counts is the target's span up to `period`: that period alone, its year so far, or the plan
    so far (the period's own values when no target applies). A cumulative indicator adds each unit's
    values over the span; a level takes each unit's latest. Units' values add up, unless each unit
    has its own target: then each is judged, and the task's verdict is its worst unit's.
    """
    target = target_for(targets, period)
    counted = _counted(target.scope if target is not None else TargetScope.PERIOD, period, values)
    per_unit: dict[int, Decimal] = {}
    latest: dict[int, datetime.date] = {}
    for value in counted:
        if indicator.accumulation == IndicatorAccumulation.CUMULATIVE:
            per_unit[value.unit_id] = per_unit.get(value.unit_id, Decimal(0)) + value.value
        elif value.unit_id not in latest or value.cutoff_to > latest[value.unit_id]:
            latest[value.unit_id] = value.cutoff_to
            per_unit[value.unit_id] = value.value
    target_value = target.value if target is not None else None
    units = {
        unit_id: (value, indicator_verdict(actual=value, target=target_value, direction=indicator.direction))
        for unit_id, value in per_unit.items()
    }
    if indicator.aggregation == IndicatorAggregation.SUM:
        actual = sum(per_unit.values(), Decimal(0)) if per_unit else None
        verdict = indicator_verdict(actual=actual, target=target_value, direction=indicator.direction)
    elif units:
        worst = min(
            units.values(), key=lambda pair: (VERDICT_ORDER.index(pair[1]), _badness(indicator, pair[0]))
        )
        actual, verdict = worst
    else:
        actual, verdict = None, Verdict.NO_DATA
    return IndicatorResult(indicator=indicator, target=target, actual=actual, verdict=verdict, units=units)


def _badness(indicator, value: Decimal) -> Decimal:
    """Orders units' values from the worst: the lowest of an "at least", the highest of an "at most"."""
    return value if indicator.direction == IndicatorDirection.AT_LEAST else -value


def worst_verdict(verdicts) -> Verdict | None:
    """The worst of several verdicts (a task's, over its indicators); None for none."""
    verdicts = list(verdicts)
    return min(verdicts, key=VERDICT_ORDER.index) if verdicts else None
