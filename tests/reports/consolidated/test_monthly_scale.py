"""A year of a monthly plan: the yearly consolidated report composes twelve periods of every unit's
report. Its Word file holds every line; the preview shows a page of tasks at a time with each result
condensed, the form carries no long composed text, and every page and file costs the same number of
queries however many tasks, units and months there are."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports.consolidated.generator import compose, consolidated_for, document_build
from reports.consolidated.preview import SHOWN_LINES, SHOWN_ROWS, TASKS_PER_PAGE
from reports.consolidated.selectors import scope
from reports.consolidated.services import consolidated_save
from reports.models import Completion, ConsolidatedTaskResult, ReportingPeriod, ReportStatus, TaskReport
from reports.states import state_expression
from tasks.models import Assignment, AssignmentRole, Task, Unit, UnitKind
from tests.helpers import page_query_counts, posted_form

YEAR = 2025
LONG = "Tổ chức hội thảo, tập huấn và tuyên truyền về khoa học, công nghệ và đổi mới sáng tạo. " * 8


def _months(plan) -> list[ReportingPeriod]:
    return [
        ReportingPeriod.objects.create(
            plan=plan,
            key=f"{YEAR}-{month:02d}",
            name=f"Tháng {month}/{YEAR}",
            year=YEAR,
            deadline=datetime.date(YEAR, month, 25),
            cutoff_from=datetime.date(YEAR, month, 1),
            cutoff_to=datetime.date(YEAR, month, 20),
        )
        for month in range(1, 13)
    ]


def _reports(periods, assignments, text=LONG):
    """Every assignment reports every month; most accepted, with a result naming its month."""
    TaskReport.objects.bulk_create(
        TaskReport(
            period=period,
            task=a.task,
            unit=a.unit,
            unit_name=a.unit.name,
            role=a.role,
            deadline=period.deadline,
            results=f"Tháng {period.deadline.month}, {a.unit.code}: {text}",
            completion=Completion.IN_PROGRESS,
            progress=50,
            # By month, not by the period's id: ids differ with the tests run before on PostgreSQL.
            status=ReportStatus.ACCEPTED if (i + period.deadline.month) % 5 else ReportStatus.SUBMITTED,
        )
        for period in periods
        for i, a in enumerate(assignments)
    )


def _grow(plan, periods, *, tasks=30, units=12):
    """Many more tasks, each led and partnered by several units, reporting every month."""
    new_units = Unit.objects.bulk_create(
        Unit(code=f"dv-thang-{n}", name=f"Đơn vị hằng tháng {n}", kind=UnitKind.DEPARTMENT)
        for n in range(units)
    )
    new_tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            number=str(200 + n),
            sort_key=f"{200 + n:05d}",
            title=f"Nhiệm vụ tháng {n}",
            content="…",
        )
        for n in range(tasks)
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, role=AssignmentRole.LEAD if i == 0 else AssignmentRole.PARTNER)
        for t, task in enumerate(new_tasks)
        for i, unit in enumerate(new_units[t % 3 :: 2][:5])
    )
    _reports(
        periods, Assignment.objects.filter(pk__in=[a.pk for a in assignments]).select_related("task", "unit")
    )


@pytest.fixture
def monthly(world):
    """Kế hoạch 463 with a year of twelve monthly periods, every unit reporting each month."""
    periods = _months(world.plan)
    _reports(periods, Assignment.objects.filter(task__plan=world.plan).select_related("task", "unit"))
    world.periods = periods
    return world


def _pages(world):
    base = f"/tong-hop/{world.plan.pk}/{YEAR}/"
    return [
        ("preview", world.coordinator, base),
        ("preview, page 2", world.coordinator, f"{base}?page=2"),
        ("form", world.coordinator, f"{base}sua/"),
        ("docx", world.leadership, f"{base}tai-ve.docx"),
        ("xlsx", world.leadership, f"{base}tai-ve.xlsx"),
    ]


# The most queries each costs (those of tests/reports/test_queries.py for one period), whatever the
# data: a page of tasks whose tasks have no indicator costs one less (no values to read).
# The preview and the files read the numbers of the appendix's accepted reports (one query)
# The preview, the form and the files read each task and unit's latest report condensed in SQL, the
# earlier completions apart, then the accepted results of the tasks they show (the files: every task).
BUDGETS = {"preview": 17, "preview, page 2": 17, "form": 14, "docx": 14, "xlsx": 15}


@pytest.mark.django_db
def test_a_monthly_year_costs_the_same_queries_however_many_tasks_units_and_months(client, monthly):
    small = page_query_counts(client, _pages(monthly))
    _grow(monthly.plan, monthly.periods)
    assert TaskReport.objects.filter(period__year=YEAR).count() > 1500

    large = page_query_counts(client, _pages(monthly))

    for name, budget in BUDGETS.items():
        assert small[name] <= budget, f"{name}: {small[name]} queries on the small data set, budget {budget}"
        assert large[name] <= budget, f"{name}: {large[name]} queries on the large data set, budget {budget}"


@pytest.mark.django_db
def test_the_preview_shows_a_page_of_tasks_condensed_and_the_word_file_every_line(client, monthly):
    _grow(monthly.plan, monthly.periods)
    the_scope = scope(monthly.plan, str(YEAR))
    document = document_build(the_scope)
    longest = max(document.tasks, key=lambda part: len(part.result.splitlines()))
    lines = longest.result.splitlines()
    assert len(lines) > SHOWN_LINES + 10
    # The lead first, from its first accepted month on, each month in order
    lead_months = sorted(
        TaskReport.objects.filter(
            task__plan=monthly.plan,
            task__number=longest.number,
            role=AssignmentRole.LEAD,
            status=ReportStatus.ACCEPTED,
        ).values_list("period__deadline__month", flat=True)
    )
    first = lead_months[0]
    assert f"(chủ trì): [Tháng {first}/2025] Tháng {first}, " in lines[0]
    assert f"(chủ trì): [Tháng {lead_months[1]}/2025] Tháng {lead_months[1]}, " in lines[1]
    client.force_login(monthly.coordinator)

    pages = [
        client.get(reverse("reports:consolidated_detail", args=[monthly.plan.pk, str(YEAR)]), {"page": n})
        for n in (1, 2, 4)
    ]

    texts = [page.content.decode() for page in pages]
    assert all(page.status_code == 200 for page in pages)
    assert all(len(page.content) < 300_000 for page in pages)
    # The whole report is 35 tasks: ten to a page, and the counts of every task on each page
    assert "Trang 1/4" in texts[0] and "Trang 2/4" in texts[1] and "Trang 4/4" in texts[2]
    for text in texts:
        assert "dòng kết quả nữa: toàn văn trong tệp Word" in text
    total = sum(count for _, count in document.task_counts)
    assert total == Task.objects.filter(plan=monthly.plan).count() == 35
    assert len({text.count("<h3") for text in texts[:2]}) == 1 and texts[0].count("<h3") >= TASKS_PER_PAGE
    for text in texts:
        for label, count in document.task_counts:
            assert f"<li>{label}: <strong>{count}</strong></li>" in text
    page_of_longest = next(text for text in texts if f"{longest.number}. {longest.title}" in text)
    assert lines[SHOWN_LINES - 1][:60] in page_of_longest
    assert lines[-2][:80] not in page_of_longest
    # The Word file holds every line of it
    docx = client.get(reverse("reports:consolidated_export", args=[monthly.plan.pk, str(YEAR), "docx"]))
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert all(line in body for line in lines[-3:])


@pytest.mark.django_db
def test_the_form_leaves_a_long_composed_result_out_and_keeps_it_unless_the_office_writes_one(
    client, monthly
):
    _grow(monthly.plan, monthly.periods, tasks=3, units=4)
    the_scope = scope(monthly.plan, str(YEAR))
    task = Task.objects.filter(plan=monthly.plan, number="200").get()
    composed = next(p.result for p in document_build(the_scope).tasks if p.number == "200")
    client.force_login(monthly.coordinator)
    url = reverse("reports:consolidated_edit", args=[monthly.plan.pk, str(YEAR)])

    form = client.get(url)

    page = form.content.decode()
    assert form.status_code == 200
    assert composed.splitlines()[0] not in page
    assert "quá dài để sửa tại đây" in page
    # Saved as it came (the long result's box empty), the task keeps following the unit reports
    posted = posted_form(page)
    assert posted["version"] == "0"
    assert posted[f"result_{task.pk}"] == ""
    assert client.post(url, posted).status_code == 302
    assert not ConsolidatedTaskResult.objects.filter(task=task).exists()
    assert next(p.result for p in document_build(the_scope).tasks if p.number == "200") == composed
    # Written by the office, it replaces the composed result
    consolidated_save(
        scope=the_scope, by=monthly.coordinator, version=1, data={}, results={task.pk: "Phòng viết lại."}
    )
    assert next(p.result for p in document_build(the_scope).tasks if p.number == "200") == "Phòng viết lại."


@pytest.mark.django_db
def test_the_excel_file_lists_every_unit_report_of_the_year(client, monthly):
    client.force_login(monthly.coordinator)

    response = client.get(reverse("reports:consolidated_export", args=[monthly.plan.pk, str(YEAR), "xlsx"]))

    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Báo cáo đơn vị"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == TaskReport.objects.filter(period__year=YEAR).count()
    months = [row[0] for row in rows if row[2] == "1" and row[5] == "Chủ trì"]
    assert months == [f"Tháng {month}/{YEAR}" for month in range(1, 13)]


@pytest.mark.django_db
def test_the_preview_shows_a_dozen_appendix_rows_of_a_task_and_says_how_many_more_the_files_hold(
    client, monthly
):
    units = Unit.objects.bulk_create(
        Unit(code=f"dv-rong-{n}", name=f"Đơn vị rộng {n:02d}", kind=UnitKind.DEPARTMENT)
        for n in range(SHOWN_ROWS + 3)
    )
    task = Task.objects.create(plan=monthly.plan, number="300", sort_key="00300", title="Nhiệm vụ rộng")
    assignments = Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, role=AssignmentRole.LEAD if n == 0 else AssignmentRole.PARTNER)
        for n, unit in enumerate(units)
    )
    _reports(
        monthly.periods, Assignment.objects.filter(pk__in=[a.pk for a in assignments]).select_related("unit")
    )
    rows = [
        row for row in document_build(scope(monthly.plan, str(YEAR))).appendix if row.task_number == "300"
    ]
    assert len(rows) == SHOWN_ROWS + 3
    client.force_login(monthly.coordinator)
    url = reverse("reports:consolidated_detail", args=[monthly.plan.pk, str(YEAR)])
    last = client.get(url, {"page": 999})

    text = last.content.decode()
    assert last.status_code == 200 and "Nhiệm vụ rộng" in text
    assert text.count(">300. Nhiệm vụ rộng</td>") == SHOWN_ROWS
    assert "… và 3 dòng nữa của nhiệm vụ 300: phụ lục đầy đủ trong tệp Word và Excel." in text
    # The first rows of the appendix are shown, in its order, and the Excel file holds every row
    cell = '<td data-label="Đơn vị">{}</td>'.format
    assert cell(rows[0].unit) in text and cell(rows[-1].unit) not in text
    xlsx = client.get(reverse("reports:consolidated_export", args=[monthly.plan.pk, str(YEAR), "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["Phụ lục"]
    units_in_file = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {row.unit for row in rows} <= units_in_file


@pytest.mark.django_db
def test_the_reports_condensed_in_sql_judge_and_count_as_every_report_read_one_by_one(monthly):
    _grow(monthly.plan, monthly.periods, tasks=6, units=6)
    # A unit that stopped reporting after June, and a report sent but not yet reviewed in December
    gone = TaskReport.objects.filter(period__in=monthly.periods[6:], task__number="200").order_by("unit_id")
    stopped = gone.first().unit_id
    gone.filter(unit_id=stopped).delete()
    TaskReport.objects.filter(period=monthly.periods[-1], task__number="201").update(
        status=ReportStatus.SUBMITTED
    )
    the_scope = scope(monthly.plan, str(YEAR))
    consolidated = consolidated_for(the_scope)
    today = datetime.date(YEAR, 12, 31)

    every = compose(the_scope, consolidated, today)  # every task's results read
    condensed = compose(the_scope, consolidated, today, texts=False, line_counts=True)

    # Every report of the year read one by one: each task and unit's latest, as judged at `today`
    reports = list(
        TaskReport.objects.filter(period__in=monthly.periods)
        .annotate(state=state_expression(today))
        .select_related("period")
    )
    latest = {}
    for r in reports:
        key = (r.task_id, r.unit_id)
        if key not in latest or (r.period.deadline, r.pk) > (latest[key].period.deadline, latest[key].pk):
            latest[key] = r
    assert {(r.task_id, r.unit_id): (r.pk, r.period_id, r.status, r.state) for r in condensed.latest} == {
        key: (r.pk, r.period_id, r.status, r.state) for key, r in latest.items()
    }
    assert condensed.accepted_count == sum(r.status == ReportStatus.ACCEPTED for r in reports) > 0
    assert not condensed.statements
    assert {s.pk for s in every.statements} == {
        r.pk for r in reports if r.status == ReportStatus.ACCEPTED and r.results.strip()
    }
    assert [condensed.line_count(task) for task in every.tasks] == [
        len(every.result_lines(task)) for task in every.tasks
    ]
    task_200 = Task.objects.get(plan=monthly.plan, number="200").pk
    assert latest[task_200, stopped].period_id == monthly.periods[5].pk  # June, its last report
