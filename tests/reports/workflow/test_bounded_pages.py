"""The home pages and the plan page show the present, a page at a time, whatever the years behind."""

import re

import pytest

from kehoach.text import number_text
from reports.models import ReportStatus, TaskReport
from reports.workflow import views
from reports.workflow.services import period_open, period_set_open

pytestmark = pytest.mark.django_db


def _report_links(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/bao-cao/(\d+)/"', html)}


@pytest.fixture
def last_year(before_deadline, world):
    """2025 opened as well, still open: ttkhcn's report on task 1 accepted, the others drafts."""
    period = period_open(plan=world.plan, year=2025, by=world.coordinator).period
    TaskReport.objects.filter(period=period, unit__code="ttkhcn", task__number=1).update(
        status=ReportStatus.ACCEPTED
    )
    return period


def test_a_unit_sees_the_current_period_and_what_it_still_owes_in_open_ones(client, world, last_year):
    mine = TaskReport.objects.filter(unit__code="ttkhcn")
    expected = set(mine.filter(period=world.period).values_list("pk", flat=True)) | set(
        mine.filter(period=last_year, status=ReportStatus.DRAFT).values_list("pk", flat=True)
    )
    accepted_last_year = mine.get(period=last_year, task__number=1).pk
    client.force_login(world.ttkhcn_staff)

    html = client.get("/").content.decode()

    assert _report_links(html) == expected
    assert accepted_last_year not in _report_links(html)


def test_a_closed_earlier_period_leaves_the_units_home_page(client, world, last_year):
    period_set_open(period=last_year, is_open=False, by=world.coordinator)
    client.force_login(world.ttkhcn_staff)

    html = client.get("/").content.decode()

    assert _report_links(html) == set(
        TaskReport.objects.filter(unit__code="ttkhcn", period=world.period).values_list("pk", flat=True)
    )


def test_the_units_home_page_is_shown_a_page_at_a_time(client, world, last_year, monkeypatch):
    monkeypatch.setattr(views, "HOME_REPORTS_PER_PAGE", 2)
    owed = TaskReport.objects.filter(unit__code="ttkhcn").exclude(period=last_year, task__number=1).count()
    pages = -(-owed // 2)
    client.force_login(world.ttkhcn_staff)

    first = client.get("/").content.decode()
    last = client.get("/", {"page": str(pages)}).content.decode()

    assert len(_report_links(first)) == 2 and f"Trang 1/{pages}" in first
    assert f"Trang {pages}/{pages}" in last and "Trang trước" in last
    # the earliest deadline first: the 2025 reports still owed come before this year's
    assert TaskReport.objects.get(pk=min(_report_links(first))).period_id == last_year.pk


def test_the_leadership_sees_the_figures_of_each_plans_current_period(client, world, last_year):
    client.force_login(world.leadership)

    html = client.get("/").content.decode()

    table = html.split("Tình hình các kỳ báo cáo hiện tại", 1)[1]
    assert world.period.name in table and last_year.name not in table
    total = TaskReport.objects.filter(period=world.period).count()
    assert f'<td data-label="Số báo cáo">{total}</td>' in table


def test_the_plan_page_shows_its_tasks_a_page_at_a_time_and_this_years_periods(
    client, world, last_year, monkeypatch
):
    monkeypatch.setattr(views, "PLAN_TASKS_PER_PAGE", 3)
    period_set_open(period=last_year, is_open=False, by=world.coordinator)
    tasks = list(world.plan.tasks.order_by("sort_key"))
    client.force_login(world.ttkhcn_staff)

    html = client.get(f"/ke-hoach/{world.plan.pk}/", {"page": "2"}).content.decode()

    shown = [int(pk) for pk in re.findall(r'href="/nhiem-vu/(\d+)/"', html)]
    assert shown == [task.pk for task in tasks[3:6]]
    assert f"Trang 2/{-(-len(tasks) // 3)}" in html
    periods = html.split("<h2>Kỳ báo cáo</h2>", 1)[1]
    assert world.period.name in periods and last_year.name not in periods
    assert "Và 1 kỳ đã đóng của các năm trước." in periods


def test_the_periods_page_counts_each_periods_reports_waiting_and_accepted(client, world):
    reports = TaskReport.objects.filter(period=world.period).order_by("pk")
    ids = list(reports.values_list("pk", flat=True))
    TaskReport.objects.filter(pk__in=ids[:3]).update(status=ReportStatus.SUBMITTED)
    TaskReport.objects.filter(pk__in=ids[3:4]).update(status=ReportStatus.ACCEPTED)
    client.force_login(world.coordinator)

    html = client.get("/ky-bao-cao/").content.decode()

    assert (
        f'<td data-label="Báo cáo">{number_text(len(ids))}</td><td data-label="Chờ duyệt">3</td>'
        '<td data-label="Đã chấp nhận">1</td>'
    ) in html
