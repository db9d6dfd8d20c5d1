"""The task state per unit and year, computed around the deadline with a frozen clock."""

import datetime

import pytest

from reports.models import Completion, ReportStatus, TaskReport, TaskState
from reports.states import state_expression, task_state
from reports.workflow.selectors import state_counts
from tests.factories import TaskReportFactory

DEADLINE = datetime.date(2026, 11, 15)
BEFORE, ON, AFTER = datetime.date(2026, 11, 14), DEADLINE, datetime.date(2026, 11, 16)
S, C = ReportStatus, Completion

CASES = [
    # status, completion, completed on, today, expected
    (S.ACCEPTED, C.DONE, datetime.date(2026, 10, 1), AFTER, TaskState.DONE_ON_TIME),
    (S.ACCEPTED, C.DONE, DEADLINE, AFTER, TaskState.DONE_ON_TIME),
    (S.ACCEPTED, C.DONE, AFTER, AFTER, TaskState.DONE_LATE),
    (S.ACCEPTED, C.DONE, datetime.date(2026, 10, 1), BEFORE, TaskState.DONE_ON_TIME),
    # Done but not yet accepted: still in progress.
    (S.SUBMITTED, C.DONE, datetime.date(2026, 10, 1), BEFORE, TaskState.IN_PROGRESS_ON_TIME),
    (S.SUBMITTED, C.DONE, datetime.date(2026, 10, 1), AFTER, TaskState.IN_PROGRESS_OVERDUE),
    # A returned result counts as not done.
    (S.RETURNED, C.DONE, datetime.date(2026, 10, 1), ON, TaskState.IN_PROGRESS_ON_TIME),
    (S.RETURNED, C.DONE, datetime.date(2026, 10, 1), AFTER, TaskState.IN_PROGRESS_OVERDUE),
    (S.DRAFT, C.IN_PROGRESS, None, ON, TaskState.IN_PROGRESS_ON_TIME),
    (S.DRAFT, C.IN_PROGRESS, None, AFTER, TaskState.IN_PROGRESS_OVERDUE),
    (S.ACCEPTED, C.IN_PROGRESS, None, BEFORE, TaskState.IN_PROGRESS_ON_TIME),
    (S.DRAFT, C.NOT_STARTED, None, BEFORE, TaskState.NOT_STARTED),
    (S.DRAFT, C.NOT_STARTED, None, ON, TaskState.NOT_STARTED),
    (S.DRAFT, C.NOT_STARTED, None, AFTER, TaskState.IN_PROGRESS_OVERDUE),
]


@pytest.mark.parametrize("status, completion, completed_on, today, expected", CASES)
def test_state_rule(status, completion, completed_on, today, expected):
    assert (
        task_state(
            status=status, completion=completion, completed_on=completed_on, deadline=DEADLINE, today=today
        )
        == expected
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status, completion, completed_on, today, expected", CASES)
def test_sql_expression_agrees_with_the_rule(status, completion, completed_on, today, expected):
    report = TaskReportFactory(
        status=status, completion=completion, completed_on=completed_on, deadline=DEADLINE
    )
    annotated = TaskReport.objects.annotate(state=state_expression(today)).get(pk=report.pk)
    assert annotated.state == expected


@pytest.mark.django_db
def test_state_counts_count_each_state_in_one_query(django_assert_num_queries):
    period = TaskReportFactory(deadline=DEADLINE).period
    TaskReportFactory(period=period, deadline=DEADLINE, status=S.ACCEPTED, completion=C.DONE, completed_on=ON)
    TaskReportFactory(
        period=period, deadline=DEADLINE, status=S.ACCEPTED, completion=C.DONE, completed_on=AFTER
    )
    TaskReportFactory(period=period, deadline=DEADLINE, completion=C.IN_PROGRESS)

    with django_assert_num_queries(1):
        counts = state_counts(TaskReport.objects.all(), BEFORE)

    assert counts == {
        TaskState.DONE_ON_TIME: 1,
        TaskState.DONE_LATE: 1,
        TaskState.IN_PROGRESS_ON_TIME: 1,
        TaskState.IN_PROGRESS_OVERDUE: 0,
        TaskState.NOT_STARTED: 1,
    }


@pytest.mark.django_db
def test_the_report_page_shows_the_state_as_the_clock_moves(client, world, time_machine):
    report = world.report("ttkhcn", 1)
    client.force_login(world.ttkhcn_staff)
    tz = datetime.timezone(datetime.timedelta(hours=7))

    time_machine.move_to(datetime.datetime(2026, 11, 15, 23, 59, tzinfo=tz), tick=False)
    assert "Chưa thực hiện" in client.get(f"/bao-cao/{report.pk}/").content.decode()

    time_machine.move_to(datetime.datetime(2026, 11, 16, 0, 1, tzinfo=tz), tick=False)
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Đang thực hiện quá hạn" in page
