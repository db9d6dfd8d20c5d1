"""Every page costs a number of queries that does not grow with the data.

Each page is measured on the small world (Kế hoạch 463, one period) and again after a much larger
data set has been added; the same bound must hold for both.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLResolver, get_resolver, resolve

from reports.calendar.services import calendar_token_issue
from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_issue, consolidated_new_edition
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
from tests.helpers import page_query_counts


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


def _pages(world, token):
    report = world.report("ttkhcn", 1)
    busy_report = TaskReport.objects.filter(evidence__isnull=False).order_by("-pk").first() or report
    task = Task.objects.get(plan=world.plan, number=1)
    plan, period = world.plan.pk, world.period
    unit = world.ttkhcn_staff.unit_id
    consolidated = f"/tong-hop/{plan}/{period.key}"
    return [
        ("floor", world.ttkhcn_staff, "/ok/phien/"),
        ("home as staff", world.ttkhcn_staff, "/"),
        ("home as head", world.ttkhcn_head, "/"),
        ("home as coordinator", world.coordinator, "/"),
        ("home as leadership", world.leadership, "/"),
        ("home as finance", world.finance, "/"),
        ("home as head, page 2", world.ttkhcn_head, "/?page=2"),
        ("notifications", world.ttkhcn_staff, "/thong-bao/"),
        ("notifications, every one, page 2", world.ttkhcn_head, "/thong-bao/?tat_ca=1&page=2"),
        ("notifications as coordinator", world.coordinator, "/thong-bao/?tat_ca=1"),
        ("notification settings", world.ttkhcn_staff, "/thong-bao/cai-dat/"),
        ("password change", world.ttkhcn_staff, "/doi-mat-khau/"),
        ("plans", world.ttkhcn_staff, "/ke-hoach/"),
        ("plan", world.ttkhcn_staff, f"/ke-hoach/{plan}/"),
        ("plan, page 2", world.ttkhcn_staff, f"/ke-hoach/{plan}/?page=2"),
        ("task as coordinator", world.coordinator, f"/nhiem-vu/{task.pk}/"),
        ("task as staff", world.ttkhcn_staff, f"/nhiem-vu/{task.pk}/"),
        ("task, a period chosen", world.leadership, f"/nhiem-vu/{task.pk}/?ky={period.key}"),
        ("report", world.coordinator, f"/bao-cao/{busy_report.pk}/"),
        ("report as its unit", world.ttkhcn_head, f"/bao-cao/{report.pk}/"),
        ("report form", world.ttkhcn_staff, f"/bao-cao/{report.pk}/sua/"),
        ("review queue", world.coordinator, "/duyet/"),
        ("review queue as leadership", world.leadership, "/duyet/?page=2"),
        (
            "review queue filtered",
            world.coordinator,
            f"/duyet/?plan={plan}&period={period.pk}&unit={world.qlcn_staff.unit_id}",
        ),
        ("periods", world.coordinator, "/ky-bao-cao/"),
        ("periods of a plan, page 2", world.coordinator, f"/ky-bao-cao/?plan={plan}&page=2"),
        ("period form", world.coordinator, f"/ky-bao-cao/{period.pk}/sua/"),
        ("board as coordinator", world.coordinator, "/theo-doi/"),
        ("board as leadership", world.leadership, "/theo-doi/"),
        ("board filtered", world.coordinator, "/theo-doi/?state=in_progress_overdue"),
        ("board of indicators not met", world.coordinator, "/theo-doi/?chi_tieu=chua_dat"),
        ("plan indicators", world.ttkhcn_staff, f"/ke-hoach/{plan}/chi-tieu/"),
        ("plan indicators as coordinator", world.coordinator, f"/ke-hoach/{plan}/chi-tieu/"),
        ("plan indicators, a year, page 2", world.leadership, f"/ke-hoach/{plan}/chi-tieu/?nam=2026&page=2"),
        ("escalations", world.leadership, "/chi-dao/"),
        ("escalations waiting", world.coordinator, "/chi-dao/?cho=1&page=2"),
        ("reminder log", world.coordinator, "/don-doc/"),
        ("reminder log of a unit", world.leadership, f"/don-doc/?unit={unit}&page=2"),
        ("funds", world.finance, "/kinh-phi/"),
        ("funds of every year", world.finance, "/kinh-phi/?year="),
        ("funds, later pages", world.finance, "/kinh-phi/?year=&page=2&nhiem_vu=2&don_vi=2"),
        ("funds of a plan", world.coordinator, f"/kinh-phi/?plan={plan}&year=2026"),
        ("funds export", world.finance, "/kinh-phi/xlsx/?year="),
        ("consolidated list", world.coordinator, "/tong-hop/"),
        ("consolidated preview", world.coordinator, f"{consolidated}/"),
        ("consolidated form", world.coordinator, f"{consolidated}/sua/"),
        ("consolidated issue form", world.coordinator, f"{consolidated}/ban-hanh/"),
        ("consolidated docx", world.leadership, f"{consolidated}/tai-ve.docx"),
        ("consolidated xlsx", world.leadership, f"{consolidated}/tai-ve.xlsx"),
        ("consolidated issued edition", world.leadership, f"{consolidated}/lan/1/"),
        ("consolidated issued docx", world.leadership, f"{consolidated}/lan/1/tai-ve.docx"),
        ("consolidated issued xlsx", world.coordinator, f"{consolidated}/lan/1/tai-ve.xlsx"),
        ("calendar page", world.ttkhcn_staff, "/lich/"),
        ("calendar page as coordinator", world.coordinator, "/lich/"),
        ("calendar feed", world.ttkhcn_staff, f"/lich/{token}.ics"),
        ("search", world.ttkhcn_staff, "/tim-kiem/?q=thuc+hien"),
        ("search as coordinator", world.coordinator, "/tim-kiem/?q=nhiem+vu"),
        ("search of reports, page 2", world.leadership, "/tim-kiem/?q=thuc+hien&loai=bao-cao&trang=2"),
        ("admin list of reports", world.admin, "/admin/reports/taskreport/"),
        ("admin list of assignments", world.admin, "/admin/tasks/assignment/"),
    ]


# The most queries each page may cost, whatever the data size.
BUDGETS = {
    "floor": 4,  # the session, the user, the plans the user has a part in: every page pays these
    "home as staff": 9,  # the current periods, a page of reports, the reasons returned in one query
    "home as head": 9,
    "home as coordinator": 8,
    "home as leadership": 11,  # the reports left to the leadership to review: two more
    "home as finance": 9,
    "home as head, page 2": 9,
    "notifications": 9,  # a page of events and one more (no count), the last visit remembered
    "notifications, every one, page 2": 9,
    "notifications as coordinator": 10,
    "notification settings": 4,
    "password change": 4,
    "plans": 5,
    # Indicators (issue 13) cost two queries where they are judged (the indicators with their
    # targets, the values reported), one where they are only listed (the report form).
    # The plan and the task: the plan (the task) read for the page's title, then, when the body is
    # drawn rather than served from the cache (as here, inside a transaction), read again whole.
    "plan": 16,  # a page of tasks with their units, this year's periods and a count of the others
    "plan, page 2": 16,
    "task as coordinator": 13,  # with the plan's periods to choose from: one period's reports shown
    "task as staff": 12,
    "task, a period chosen": 12,
    "report": 13,
    "report as its unit": 13,
    "report form": 9,  # the report with its period and task, its evidence and events (not its directions)
    "review queue": 10,  # by plan and period, its units (their counts are the pager's), a page of
    "review queue as leadership": 10,  # reports and its indicators
    "review queue filtered": 10,
    "periods": 11,  # a page of periods, then their reports counted
    "periods of a plan, page 2": 11,
    "period form": 6,
    "board as coordinator": 17,
    "board as leadership": 17,
    "board filtered": 17,
    "board of indicators not met": 17,
    "plan indicators": 8,  # the plan's periods, its indicators, a page of them judged over one year
    "plan indicators as coordinator": 9,
    "plan indicators, a year, page 2": 9,
    "escalations": 7,
    "escalations waiting": 8,
    "reminder log": 10,
    "reminder log of a unit": 10,
    # Funds: the plans and periods to choose from, the sums by year, task and unit, a page of detail
    # (inside a test's transaction the cache is never read; served from it, the page costs the
    # stamps and the cache's entry instead: tests/reports/followup/test_funds_cache.py)
    "funds": 10,
    "funds of every year": 10,
    "funds, later pages": 10,
    "funds of a plan": 11,
    "funds export": 9,  # with the indicator values of the same reports (issue 13)
    "consolidated list": 7,
    # The consolidated report judges each task's indicators: two queries (the indicators with their
    # targets, the values sent); the form, which composes results only, does not, but reads the
    # texts of the results short enough to carry apart from the reports (one query). A correction in
    # preparation also reads the edition issued before it.
    # The preview and the files also read the numbers of the appendix's accepted reports.
    # The preview, the form and the files read each task and unit's latest report condensed in SQL,
    # the earlier completions apart, then the accepted results of the tasks they show (the preview's
    # page, the form's short results, every task in the files).
    "consolidated preview": 18,
    "consolidated form": 14,  # and counts the results of each task and unit
    "consolidated issue form": 8,
    "consolidated docx": 14,
    "consolidated xlsx": 16,  # and the evidence of its reports counted apart
    # The edition as issued: its stored snapshot, no composition; the snapshot is read apart, only
    # when the page is drawn rather than served from the cache (as here, inside a transaction).
    "consolidated issued edition": 10,
    "consolidated issued docx": 5,  # the stored file
    "consolidated issued xlsx": 7,
    "calendar page": 6,
    "calendar page as coordinator": 7,
    "calendar feed": 5,  # no session: the token's owner, then the same deadlines as the page
    "search": 10,  # a count and the first few of each kind
    "search as coordinator": 11,
    "search of reports, page 2": 6,  # one kind: a count and a page
    # The admin's long lists: one capped count (no second count of the whole table) and a page.
    "admin list of reports": 6,
    "admin list of assignments": 5,
}


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client, world):
    # One report waiting for review, so that the review queue's filters have something to choose
    TaskReport.objects.filter(pk=world.report("qlcn", 3).pk).update(
        status=ReportStatus.SUBMITTED,
        submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
        last_submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )
    # An issued consolidated report, and its correction in preparation: the edition's pages and files
    consolidated_issue(
        scope=scope(world.plan, world.period.key),
        by=world.coordinator,
        version=0,
        number="415",
        issued_on=datetime.date(2026, 11, 1),
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn An",
        today=datetime.date(2026, 11, 20),
    )
    consolidated_new_edition(scope=scope(world.plan, world.period.key), by=world.coordinator)
    token = calendar_token_issue(user=world.ttkhcn_staff)
    small = page_query_counts(client, _pages(world, token))
    added = _grow(world)
    large = page_query_counts(client, _pages(world, token))

    assert added > 1000
    assert set(BUDGETS) == set(small), "every page measured has a budget, every budget a page"
    for name, budget in BUDGETS.items():
        assert small[name] <= budget, f"{name}: {small[name]} queries on the small data set, budget {budget}"
        assert large[name] <= budget, f"{name}: {large[name]} queries on the large data set, budget {budget}"


# What no GET of a page reaches: the forms' targets (POST only), the login and logout, the health
# address without a session, the password changed (a redirect's target), the evidence files (a
# FileResponse of a stored file, measured by their report's page).
NOT_PAGES = {
    "alive",
    "login",
    "logout",
    "password_change_done",
    "reports:report_submit",
    "reports:report_return",
    "reports:report_accept",
    "reports:report_reopen",
    "reports:evidence_upload",
    "reports:evidence_download",
    "reports:evidence_delete",
    "reports:period_add",
    "reports:period_toggle",
    "reports:remind_unit",
    "reports:direction_add",
    "reports:consolidated_new_edition",
    "reports:calendar_renew",
}


def _url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.mark.django_db
def test_every_page_is_measured(world):
    measured = {resolve(url.split("?")[0]).view_name for _, _, url in _pages(world, "x" * 43)}

    missing = set(_url_names()) - NOT_PAGES - measured
    assert not missing, f"pages without a query budget: {sorted(missing)}"
    assert not NOT_PAGES - set(_url_names()), "a name of NOT_PAGES that is no longer a URL"
