"""One deadline rule (reports.states.deadline_for), and every change that moves a deadline re-judges
the reports of open periods: the stored deadline never drifts from the rule."""

import datetime

import pytest
from django.urls import reverse

from reports.models import ReportingPeriod, TaskReport, TaskState
from reports.states import deadline_for, report_state
from reports.workflow.services import period_open, period_update
from tasks.models import DeadlineKind, Task
from tests.tasks.test_admin import _inline_post, _rows

NEW_DEADLINE = datetime.date(2026, 12, 5)


def deadlines(period, task_number) -> set[datetime.date]:
    return set(
        TaskReport.objects.filter(period=period, task__number=task_number).values_list("deadline", flat=True)
    )


def admin_period_post(period, **changes):
    data = {
        "name": period.name,
        "deadline": period.deadline.strftime("%d/%m/%Y"),
        "cutoff_from": period.cutoff_from.strftime("%d/%m/%Y"),
        "cutoff_to": period.cutoff_to.strftime("%d/%m/%Y"),
        "is_open": "on" if period.is_open else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        (DeadlineKind.FIXED, {"due_date": datetime.date(2024, 3, 31)}, datetime.date(2024, 3, 31)),
        (DeadlineKind.YEARLY, {"due_day": 30, "due_month": 9}, datetime.date(2026, 9, 30)),
        (DeadlineKind.YEARLY, {"due_day": 29, "due_month": 2}, datetime.date(2026, 2, 28)),
        (DeadlineKind.ONGOING, {}, NEW_DEADLINE),
    ],
)
def test_the_rule_by_deadline_kind(kind, fields, expected):
    task = Task(deadline_kind=kind, **fields)
    period = ReportingPeriod(year=2026, deadline=NEW_DEADLINE)
    assert deadline_for(task, period) == expected


def test_a_corrected_period_deadline_rejudges_its_reports_through_the_admin(
    admin_client, world, time_machine
):
    # Given 2026 opened with the plan's 15/11, and a day after it: ongoing task 1 is overdue
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False)
    period = world.period
    report = world.report("ttkhcn", 1)
    assert report_state(report, datetime.date(2026, 11, 20)) == TaskState.IN_PROGRESS_OVERDUE

    # When the administrator corrects the period's deadline to 05/12 in the admin
    response = admin_client.post(
        reverse("admin:reports_reportingperiod_change", args=[period.pk]),
        admin_period_post(period, deadline=NEW_DEADLINE.strftime("%d/%m/%Y")),
    )

    # Then ongoing and yearly-on-the-period tasks are judged against 05/12, the fixed task keeps its date
    assert response.status_code == 302, response.content.decode()[:2000]
    period.refresh_from_db()
    assert period.deadline == NEW_DEADLINE
    assert deadlines(period, 1) == deadlines(period, 3) == deadlines(period, 5) == {NEW_DEADLINE}
    report.refresh_from_db()
    assert report_state(report, datetime.date(2026, 11, 20)) == TaskState.NOT_STARTED
    # and the change is in the period's history, by the administrator
    assert period.history.order_by("-history_id").first().history_user.username == "quantri"


def test_a_closed_period_keeps_the_deadlines_it_was_judged_by(world, time_machine):
    period = world.period
    period_update(period=period, by=world.coordinator, is_open=False)

    period_update(period=period, by=world.coordinator, deadline=NEW_DEADLINE)

    assert deadlines(period, 1) == {datetime.date(2026, 11, 15)}


def test_a_task_whose_deadline_changes_in_the_admin_is_rejudged_in_open_periods(admin_client, world):
    # Given ongoing task 5 of the open 2026 period, judged at 15/11
    task = world.plan.tasks.get(number=5)
    assert deadlines(world.period, 5) == {datetime.date(2026, 11, 15)}

    # When the administrator gives it a yearly deadline of 30/09
    response = admin_client.post(
        reverse("admin:tasks_task_change", args=[task.pk]),
        _inline_post(task, _rows(task), deadline_kind=DeadlineKind.YEARLY, due_day=30, due_month=9),
    )

    # Then its reports of the open period are judged at 30/09/2026
    assert response.status_code == 302, response.content.decode()[:2000]
    assert deadlines(world.period, 5) == {datetime.date(2026, 9, 30)}


def test_opening_a_period_and_the_rule_agree_for_every_report(world):
    opened = period_open(plan=world.plan, year=2027, by=world.coordinator).period
    for report in TaskReport.objects.filter(period=opened).select_related("task", "period"):
        assert report.deadline == deadline_for(report.task, report.period)
