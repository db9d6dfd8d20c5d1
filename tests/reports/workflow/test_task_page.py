"""The task page lists the reports of one period at a time, whatever the number of periods."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Completion, ReportingPeriod, ReportStatus, TaskReport
from tasks.models import AssignmentRole, Task, Unit


def add_period(world, year, *, reports=True) -> ReportingPeriod:
    period = ReportingPeriod.objects.create(
        plan=world.plan,
        key=str(year),
        name=f"Năm {year}",
        year=year,
        deadline=datetime.date(year, 11, 14),
        cutoff_from=datetime.date(year - 1, 11, 11),
        cutoff_to=datetime.date(year, 11, 9),
        is_open=False,
    )
    if reports:
        unit = Unit.objects.get(code="ttkhcn")
        TaskReport.objects.create(
            period=period,
            task=Task.objects.get(plan=world.plan, number="1"),
            unit=unit,
            unit_name=f"Trung tâm (tên năm {year})",
            role=AssignmentRole.LEAD,
            deadline=period.deadline,
            status=ReportStatus.ACCEPTED,
            completion=Completion.DONE,
            completed_on=datetime.date(year, 10, 1),
            progress=100,
        )
    return period


def report_links(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/bao-cao/(\d+)/"', html)}


@pytest.fixture
def task_1(world):
    return Task.objects.get(plan=world.plan, number="1")


def test_the_open_period_is_shown_first_and_another_on_demand(client, before_deadline, world, task_1):
    add_period(world, 2025)
    client.force_login(world.coordinator)

    default = client.get(f"/nhiem-vu/{task_1.pk}/").content.decode()
    earlier = client.get(f"/nhiem-vu/{task_1.pk}/?ky=2025").content.decode()

    this_year = set(TaskReport.objects.filter(period=world.period, task=task_1).values_list("pk", flat=True))
    last_year = set(TaskReport.objects.filter(period__key="2025", task=task_1).values_list("pk", flat=True))
    assert len(this_year) == 5 and len(last_year) == 1
    assert report_links(default) == this_year
    assert report_links(earlier) == last_year
    assert "Trung tâm (tên năm 2025)" in earlier
    assert '<option value="2025" selected>Năm 2025 (đã đóng)</option>' in earlier


def test_an_unknown_period_is_said_and_the_default_shown(client, before_deadline, world, task_1):
    client.force_login(world.coordinator)

    response = client.get(f"/nhiem-vu/{task_1.pk}/?ky=2019")

    assert response.status_code == 400
    assert "Kế hoạch kh-463 không có kỳ báo cáo “2019”." in response.content.decode()
    assert report_links(response.content.decode())


def test_the_page_costs_the_same_queries_with_many_periods(client, before_deadline, world, task_1):
    client.force_login(world.coordinator)
    client.get(f"/nhiem-vu/{task_1.pk}/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/nhiem-vu/{task_1.pk}/")
    for year in range(2010, 2026):
        add_period(world, year)
    with CaptureQueriesContext(connection) as large:
        html = client.get(f"/nhiem-vu/{task_1.pk}/").content.decode()

    assert len(large) == len(small)
    assert len(report_links(html)) == 5
