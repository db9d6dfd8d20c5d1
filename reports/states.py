"""The state of a task for one unit and year, computed, never typed (DOMAIN.md §3).

- accepted and done: "hoàn thành đúng hạn" if completed by the deadline, else "hoàn thành quá hạn";
- otherwise, after the deadline: "đang thực hiện quá hạn" (a returned report counts as not done);
- otherwise, before it: "chưa thực hiện" while the unit reports no work, else "đang thực hiện trong hạn".

The same rule exists twice, as a Python function for one report and as an SQL expression for
pages that count thousands; tests hold them to the same answers.
"""

import datetime

from django.db.models import Case, CharField, F, Q, Value, When

from .models import Completion, ReportStatus, TaskState


def task_state(*, status: str, completion: str, completed_on, deadline: datetime.date, today: datetime.date) -> TaskState:
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
