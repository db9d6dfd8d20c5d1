"""How a report moves and how a task is judged: the one home of both rules.

- **Report statuses** move only along `TRANSITIONS` (docs/domain.md, "Report statuses and the
  workflow"). The permission predicates read who may take each step from this table, and the
  services move reports with it, so that the two never disagree.
- **The deadline** that judges a task's work in a reporting period is `deadline_for` (docs/domain.md,
  "Deadline kinds"). Each report stores it when its period is opened, so that pages can count
  thousands of states in SQL; every change that moves it re-judges the open periods' reports.
- **The task state** is computed from that deadline, the completion and the review, never typed
  (docs/domain.md, "Task states"). It exists twice, as a Python function for one report and as an
  SQL expression for pages that count thousands; tests hold them to the same answers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, Value, When

from tasks.models import DeadlineKind
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
