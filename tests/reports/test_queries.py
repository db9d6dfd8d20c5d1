"""Every page costs a number of queries that does not grow with the data.

Each page is measured on the small world (Kế hoạch 463, one period) and again after a much larger
data set has been added; the same bound must hold for both.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import (
    Completion,
    Direction,
    EventKind,
    Evidence,
    IndicatorValue,
    Reminder,
    ReminderKind,
    ReminderStage,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    TaskReport,
)
from tasks.models import (
    Assignment,
    AssignmentRole,
    Indicator,
    IndicatorAggregation,
    IndicatorTarget,
    TargetScope,
    Task,
    Unit,
    UnitKind,
)


def _grow(world, *, units=80, tasks=40, years=(2023, 2024, 2025)):
    """Add many units, tasks, assignments, periods, reports, indicators with targets and values,
    events and files."""
    plan = world.plan
    new_units = Unit.objects.bulk_create(
        Unit(code=f"dv-{n}", name=f"Đơn vị thử tải {n}", kind=UnitKind.DEPARTMENT) for n in range(units)
    )
    every_unit = new_units + [world.ttkhcn_staff.unit, world.qlcn_staff.unit]
    new_tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            number=100 + n,
            title=f"Nhiệm vụ thử tải {n}",
            content="…",
        )
        for n in range(tasks)
    )
    counts = Indicator.objects.bulk_create(
        Indicator(task=task, name="Hội nghị tổ chức", unit_of_measure="hội nghị") for task in new_tasks
    )
    shares = Indicator.objects.bulk_create(
        Indicator(
            task=task,
            name="Tỷ lệ hồ sơ trực tuyến",
            unit_of_measure="%",
            decimals=1,
            is_share=True,
            aggregation=IndicatorAggregation.EACH_UNIT,
            order=2,
        )
        for task in new_tasks
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, scope=TargetScope.YEAR, year=year, value=Decimal("80.5"))
        for indicator in counts + shares
        for year in (*years, 2026)
    )
    Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, role=AssignmentRole.LEAD if i == 0 else AssignmentRole.PARTNER)
        for t, task in enumerate(new_tasks)
        for i, unit in enumerate(every_unit[t % 7 :: 7][:8])
    )
    periods = [world.period] + [
        ReportingPeriod.objects.create(
            plan=plan,
            key=str(year),
            name=f"Năm {year}",
            year=year,
            deadline=datetime.date(year, 11, 15),
            cutoff_from=datetime.date(year - 1, 11, 11),
            cutoff_to=datetime.date(year, 11, 10),
        )
        for year in years
    ]
    reports = TaskReport.objects.bulk_create(
        TaskReport(
            period=period,
            task=a.task,
            unit=a.unit,
            unit_name=a.unit.name,
            role=a.role,
            deadline=period.deadline,
            results="Đã thực hiện.",
            completion=Completion.IN_PROGRESS,
            progress=50,
            status=[ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED][i % 3],
            last_submitted_at=datetime.datetime(period.year, 11, 1, tzinfo=datetime.UTC),
        )
        for period in periods
        for i, a in enumerate(Assignment.objects.filter(task__in=new_tasks).select_related("task", "unit"))
    )
    indicators_of = {indicator.task_id: [] for indicator in counts}
    for indicator in counts + shares:
        indicators_of[indicator.task_id].append(indicator)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=r, indicator=indicator, value=Decimal(3 + i % 90))
        for i, r in enumerate(reports)
        for indicator in indicators_of[r.task_id]
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(report=r, kind=kind, actor=world.coordinator, actor_name="x")
        for r in reports
        for kind in (EventKind.OPENED, EventKind.SAVED, EventKind.SUBMITTED)
    )
    Evidence.objects.bulk_create(
        Evidence(
            report=r,
            file=f"minh-chung/x/{r.pk}",
            original_name="a.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=world.ttkhcn_staff,
        )
        for r in reports[:200]
    )
    # Difficulties raised to the Director, directions, funds and reminders.
    TaskReport.objects.filter(pk__in=[r.pk for r in reports[::5]]).update(
        escalate=True,
        difficulties="Vướng mắc.",
        submitted_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        funds_planned=10_000_000,
        funds_spent=5_000_000,
    )
    Direction.objects.bulk_create(
        Direction(report=r, text="Chỉ đạo.", author=world.leadership, author_name="Giám đốc")
        for r in reports[::10]
    )
    reminders = Reminder.objects.bulk_create(
        Reminder(
            unit=unit,
            kind=ReminderKind.SCHEDULED,
            sent_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
            recipients="a@b.vn\nc@d.vn",
            copy_to="dieuphoi@b.vn",
            subject="Đôn đốc",
            body="…",
            report_count=2,
        )
        for unit in every_unit
    )
    ReminderStage.objects.bulk_create(
        ReminderStage(reminder=reminder, period=period, unit=reminder.unit, stage=stage)
        for reminder in reminders
        for period in periods
        for stage in (14, 7)
    )
    # History: many edits of one task and its assignments.
    task = Task.objects.get(plan=plan, number=1)
    for n in range(40):
        task.title = f"Tên sửa lần {n}"
        task.save()
    return len(reports)


def _pages(world):
    report = world.report("ttkhcn", 1)
    busy_report = TaskReport.objects.filter(evidence__isnull=False).order_by("-pk").first() or report
    task = Task.objects.get(plan=world.plan, number=1)
    return [
        ("home as staff", world.ttkhcn_staff, "/"),
        ("home as coordinator", world.coordinator, "/"),
        ("home as leadership", world.leadership, "/"),
        ("home as finance", world.finance, "/"),
        ("home as head, page 2", world.ttkhcn_head, "/?page=2"),
        ("plan", world.ttkhcn_staff, f"/ke-hoach/{world.plan.pk}/"),
        ("plan, page 2", world.ttkhcn_staff, f"/ke-hoach/{world.plan.pk}/?page=2"),
        ("task as coordinator", world.coordinator, f"/nhiem-vu/{task.pk}/"),
        ("task as staff", world.ttkhcn_staff, f"/nhiem-vu/{task.pk}/"),
        ("report", world.coordinator, f"/bao-cao/{busy_report.pk}/"),
        ("report form", world.ttkhcn_staff, f"/bao-cao/{report.pk}/sua/"),
        ("review queue", world.coordinator, "/duyet/"),
        ("review queue as leadership", world.leadership, "/duyet/?page=2"),
        (
            "review queue filtered",
            world.coordinator,
            f"/duyet/?plan={world.plan.pk}&period={world.period.pk}&unit={world.qlcn_staff.unit_id}",
        ),
        ("periods", world.coordinator, "/ky-bao-cao/"),
        ("board as coordinator", world.coordinator, "/theo-doi/"),
        ("board as leadership", world.leadership, "/theo-doi/"),
        ("board filtered", world.coordinator, "/theo-doi/?state=in_progress_overdue"),
        ("board of indicators not met", world.coordinator, "/theo-doi/?chi_tieu=chua_dat"),
        ("plan indicators", world.ttkhcn_staff, f"/ke-hoach/{world.plan.pk}/chi-tieu/"),
        ("plan indicators as coordinator", world.coordinator, f"/ke-hoach/{world.plan.pk}/chi-tieu/"),
        ("escalations", world.leadership, "/chi-dao/"),
        ("reminder log", world.coordinator, "/don-doc/"),
        ("funds", world.finance, "/kinh-phi/"),
        ("funds of every year", world.finance, "/kinh-phi/?year="),
        ("funds, later pages", world.finance, "/kinh-phi/?year=&page=2&nhiem_vu=2&don_vi=2"),
        ("funds export", world.finance, "/kinh-phi/xlsx/?year="),
        ("consolidated preview", world.coordinator, f"/tong-hop/{world.plan.pk}/{world.period.key}/"),
        ("consolidated form", world.coordinator, f"/tong-hop/{world.plan.pk}/{world.period.key}/sua/"),
        ("consolidated docx", world.leadership, f"/tong-hop/{world.plan.pk}/{world.period.key}/tai-ve.docx"),
        ("consolidated xlsx", world.leadership, f"/tong-hop/{world.plan.pk}/{world.period.key}/tai-ve.xlsx"),
        ("calendar page", world.ttkhcn_staff, "/lich/"),
    ]


# The most queries each page may cost, whatever the data size.
BUDGETS = {
    "home as staff": 9,  # the current periods, a page of reports, the reasons returned in one query
    "home as coordinator": 8,
    "home as leadership": 9,
    "home as finance": 9,
    "home as head, page 2": 9,
    # Indicators (issue 13) cost two queries where they are judged (the indicators with their
    # targets, the values reported), one where they are only listed (the report form).
    "plan": 15,  # a page of tasks with their units, this year's periods and a count of the others
    "plan, page 2": 15,
    "task as coordinator": 13,  # with the plan's periods to choose from: one period's reports shown
    "task as staff": 12,
    "report": 13,
    "report form": 10,
    "review queue": 11,  # by plan and period, its units, a page of reports and its indicators
    "review queue as leadership": 11,
    "review queue filtered": 11,
    "periods": 11,  # a page of periods, then their reports counted
    "board as coordinator": 18,
    "board as leadership": 18,
    "board filtered": 18,
    "board of indicators not met": 18,
    "plan indicators": 8,
    "plan indicators as coordinator": 9,
    "escalations": 7,
    "reminder log": 10,
    "funds": 12,
    "funds of every year": 12,
    "funds, later pages": 12,
    "funds export": 10,  # with the indicator values of the same reports (issue 13)
    # The consolidated report judges each task's indicators: two queries (the indicators with their
    # targets, the values sent); the form, which composes results only, does not, but reads the
    # texts of the results short enough to carry apart from the reports (one query).
    "consolidated preview": 14,
    "consolidated form": 12,
    "consolidated docx": 11,
    "consolidated xlsx": 12,
    "calendar page": 6,
}


def _measure(client, world):
    counts = {}
    for name, user, url in _pages(world):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client, world):
    # One report waiting for review, so that the review queue's filters have something to choose
    TaskReport.objects.filter(pk=world.report("qlcn", 3).pk).update(
        status=ReportStatus.SUBMITTED,
        submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
        last_submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )
    small = _measure(client, world)
    added = _grow(world)
    large = _measure(client, world)

    assert added > 1000
    for name, budget in BUDGETS.items():
        assert small[name] <= budget, f"{name}: {small[name]} queries on the small data set, budget {budget}"
        assert large[name] <= budget, f"{name}: {large[name]} queries on the large data set, budget {budget}"
