"""The follow-up board, compared cell by cell with a data set built by hand.

The world: Kế hoạch 463, 2026 period opened, 21 reports (the units of the department, members of a
group whose members report, owe one on tasks 1, 3, 4 and 5). On 20/10/2026 (before the 15/11
deadline):

    task unit     role     made                                  state
    1    ttkhcn   lead     accepted, done 01/10/2026             hoàn thành đúng hạn
    1    qlkh     partner  draft, not started                    chưa thực hiện
    1    qlcn     partner  draft, not started                    chưa thực hiện
    1    khtc     partner  submitted, in progress                đang thực hiện trong hạn
    1    lhh      partner  returned, in progress                 đang thực hiện trong hạn
    2    qlkh     lead     draft, in progress (due 31/03/2024)   đang thực hiện quá hạn
    2    lhh      partner  accepted, done 02/05/2024             hoàn thành quá hạn
    3    qlcn     lead     submitted, not started                chưa thực hiện
    3    qlkh, khtc, ttkhcn   partners, drafts, not started      chưa thực hiện
    4    qlkh     lead     draft, not started                    chưa thực hiện
    4    lhh      partner  draft, in progress                    đang thực hiện trong hạn
    4    qlcn, khtc, ttkhcn   partners, drafts, not started      chưa thực hiện
    5    qlkh     lead     draft, not started                    chưa thực hiện
    5    lhh, qlcn, khtc, ttkhcn  partners, drafts, not started  chưa thực hiện
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.followup.board import shares
from reports.models import Completion, Reminder, ReminderKind, ReportingPeriod, ReportStatus, TaskReport
from tasks.models import Assignment, AssignmentRole, Task, Unit, UnitKind
from tests.factories import PlanFactory, ReportingPeriodFactory

BOARD = "/theo-doi/"
DONE_ON_TIME, DONE_LATE = "done_on_time", "done_late"
ON_TIME, OVERDUE, NOT_STARTED = "in_progress_on_time", "in_progress_overdue", "not_started"

DRAFT = (ReportStatus.DRAFT, Completion.NOT_STARTED, None)
MADE = {
    # (unit, task): (status, completion, completed_on)
    ("ttkhcn", "1"): (ReportStatus.ACCEPTED, Completion.DONE, datetime.date(2026, 10, 1)),
    ("qlkh", "1"): DRAFT,
    ("qlcn", "1"): DRAFT,
    ("khtc", "1"): (ReportStatus.SUBMITTED, Completion.IN_PROGRESS, None),
    ("lhh", "1"): (ReportStatus.RETURNED, Completion.IN_PROGRESS, None),
    ("qlkh", "2"): (ReportStatus.DRAFT, Completion.IN_PROGRESS, None),
    ("lhh", "2"): (ReportStatus.ACCEPTED, Completion.DONE, datetime.date(2024, 5, 2)),
    ("qlcn", "3"): (ReportStatus.SUBMITTED, Completion.NOT_STARTED, None),
    ("qlkh", "3"): DRAFT,
    ("khtc", "3"): DRAFT,
    ("ttkhcn", "3"): DRAFT,
    ("qlkh", "4"): DRAFT,
    ("lhh", "4"): (ReportStatus.DRAFT, Completion.IN_PROGRESS, None),
    ("qlcn", "4"): DRAFT,
    ("khtc", "4"): DRAFT,
    ("ttkhcn", "4"): DRAFT,
    ("qlkh", "5"): DRAFT,
    ("lhh", "5"): DRAFT,
    ("qlcn", "5"): DRAFT,
    ("khtc", "5"): DRAFT,
    ("ttkhcn", "5"): DRAFT,
}
EXPECTED_CELLS = {
    **dict.fromkeys(MADE, NOT_STARTED),
    ("ttkhcn", "1"): DONE_ON_TIME,
    ("khtc", "1"): ON_TIME,
    ("lhh", "1"): ON_TIME,
    ("qlkh", "2"): OVERDUE,
    ("lhh", "2"): DONE_LATE,
    ("lhh", "4"): ON_TIME,
}


@pytest.fixture
def made(before_deadline, world):
    assert set(TaskReport.objects.filter(period=world.period).values_list("unit__code", "task__number")) == {
        (unit, task) for unit, task in MADE
    }
    for (unit, task), (status, completion, completed_on) in MADE.items():
        TaskReport.objects.filter(period=world.period, unit__code=unit, task__number=task).update(
            status=status,
            completion=completion,
            completed_on=completed_on,
            progress=100
            if completion == Completion.DONE
            else (40 if completion == Completion.IN_PROGRESS else 0),
            results="Đã thực hiện." if status != ReportStatus.DRAFT else "",
            submitted_at=None
            if status == ReportStatus.DRAFT
            else datetime.datetime(2026, 10, 10, 2, tzinfo=datetime.UTC),
            last_submitted_at=None
            if status == ReportStatus.DRAFT
            else datetime.datetime(2026, 10, 10, 2, tzinfo=datetime.UTC),
        )
    return world


def board_of(client, user, query=""):
    client.force_login(user)
    response = client.get(BOARD + query)
    return response, response.context["board"]


def cells(board) -> dict:
    """(unit code, task number) → state, read from the board's rows."""
    codes = dict(Unit.objects.values_list("pk", "code"))
    return {
        (codes[row.unit_id], task.number): cell.state
        for row in board.rows
        for task, cell in zip(board.tasks, row.cells, strict=True)
        if cell
    }


def test_every_cell_of_the_matrix_is_the_hand_computed_state(client, made):
    response, board = board_of(client, made.coordinator)

    assert response.status_code == 200
    assert cells(board) == EXPECTED_CELLS
    # a unit not assigned to a task has an empty cell, not a state
    row = next(row for row in board.rows if row.name.startswith("Liên hiệp các Hội"))
    assert [cell is not None for cell in row.cells] == [True, True, False, True, True]


def test_counts_by_state_for_the_plan_and_for_each_unit(client, made):
    _, board = board_of(client, made.coordinator)

    assert board.totals == {DONE_ON_TIME: 1, DONE_LATE: 1, ON_TIME: 3, OVERDUE: 1, NOT_STARTED: 15}
    assert board.total == 21
    by_unit = {
        Unit.objects.get(pk=row.unit_id).code: {k: v for k, v in row.counts.items() if v}
        for row in board.rows
    }
    assert by_unit == {
        "ttkhcn": {DONE_ON_TIME: 1, NOT_STARTED: 3},
        "khtc": {ON_TIME: 1, NOT_STARTED: 3},
        "lhh": {ON_TIME: 2, DONE_LATE: 1, NOT_STARTED: 1},
        "qlkh": {OVERDUE: 1, NOT_STARTED: 4},
        "qlcn": {NOT_STARTED: 4},
    }


def test_units_that_have_not_submitted_with_what_they_owe_and_the_days_left(client, made):
    response, board = board_of(client, made.coordinator)

    owed = {Unit.objects.get(pk=row.unit_id).code: (row.owed, row.returned) for row in board.not_submitted}
    assert owed == {"qlkh": (5, 0), "lhh": (3, 1), "qlcn": (3, 0), "khtc": (3, 0), "ttkhcn": (3, 0)}
    assert board.days_left == 26  # 20/10 → 15/11/2026
    assert "còn 26 ngày" in response.content.decode()


def test_units_owing_are_listed_a_page_at_a_time_most_owed_first_keeping_the_other_filters(
    client, made, monkeypatch
):
    monkeypatch.setattr("reports.followup.board.OWING_PER_PAGE", 2)
    unit = Unit.objects.get(code="lhh").pk

    first, board = board_of(client, made.coordinator, "?page=1")
    second, board_2 = board_of(client, made.coordinator, "?page=1&chua_gui=2")

    # the most owed first, then by name
    assert [row.name for row in board.owing_page] == [Unit.objects.get(code=c).name for c in ("qlkh", "lhh")]
    assert [Unit.objects.get(pk=row.unit_id).code for row in board_2.owing_page] == ["khtc", "qlcn"]
    page = first.content.decode()
    assert 'Đơn vị chưa gửi báo cáo <small class="muted">(5)</small>' in page
    assert 'href="?page=1&amp;chua_gui=2"' in page
    assert Unit.objects.get(code="khtc").name not in page.split("Chờ duyệt")[0].split("Đơn vị chưa gửi")[1]
    # One form for the page, one button per unit pointing at that unit's address.
    assert page.count('id="nhac-ngay"') == 1
    assert f'form="nhac-ngay" formaction="{reverse("reports:remind_unit", args=[unit])}"' in page
    response, _ = board_of(client, made.coordinator, "?chua_gui=0")
    assert response.status_code == 400


def test_the_unit_selector_lists_every_reporting_unit_and_marks_the_chosen_one(client, made):
    lhh = Unit.objects.get(code="lhh")
    response, board = board_of(client, made.coordinator, f"?unit={lhh.pk}")

    select = response.content.decode().split('<select id="loc-unit" name="unit">')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)
    assert [name for _, _, name in options[1:]] == sorted(
        Unit.objects.get(code=c).name for c in {unit for unit, _ in MADE}
    )
    assert [pk for pk, selected, _ in options if selected] == [str(lhh.pk)]


def test_the_chart_draws_each_units_states_as_shares_of_its_reports(client, made):
    response, board = board_of(client, made.coordinator)

    lhh = Unit.objects.get(code="lhh")
    chart = response.content.decode().split("Biểu đồ tình trạng theo đơn vị")[1]
    row = chart.split(f'<span class="chart-label">{lhh.name}</span>')[1].split("</div>")[0]
    widths = re.findall(r'<span class="state-(\w+) w-(\d+)" title="[^"]+: (\d+)">\3</span>', row)
    assert widths == [(DONE_LATE, "25", "1"), (ON_TIME, "50", "2"), (NOT_STARTED, "25", "1")]
    assert 'aria-label="Hoàn thành quá hạn: 1; Đang thực hiện trong hạn: 2; Chưa thực hiện: 1"' in row
    qlkh = Unit.objects.get(code="qlkh")
    row = chart.split(f'<span class="chart-label">{qlkh.name}</span>')[1].split("</div>")[0]
    widths = re.findall(r'<span class="state-(\w+) w-(\d+)" title="[^"]+: (\d+)">\3</span>', row)
    assert widths == [(OVERDUE, "20", "1"), (NOT_STARTED, "80", "4")]
    # Drawn by classes, not by inline styles (the Content-Security-Policy allows none).
    assert "style=" not in chart
    for unit_row in board.rows:
        assert sum(percent for _, _, percent in unit_row.bars) == 100, unit_row.name


@pytest.mark.parametrize(
    "counts, percents",
    [
        ([1, 2, 1], [25, 50, 25]),
        ([1, 1, 1], [34, 33, 33]),
        ([1, 299], [0, 100]),
        ([2, 1, 1, 1, 1, 1], [29, 15, 14, 14, 14, 14]),
        ([7], [100]),
        ([], []),
    ],
)
def test_a_bars_parts_are_whole_percents_that_add_up_to_100(counts, percents):
    assert shares(counts) == percents


def test_reports_waiting_for_review_and_overdue_fixed_date_tasks(client, made):
    response, board = board_of(client, made.coordinator)

    assert sorted((r.unit.code, r.task.number) for r in board.waiting) == [("khtc", "1"), ("qlcn", "3")]
    assert [(r.unit.code, r.task.number) for r in board.overdue_fixed] == [("qlkh", "2")]
    page = response.content.decode()
    assert "Nhiệm vụ 2 (Trong quý I/2024)" in page
    # 31/03/2024 → 20/10/2026
    assert f"quá hạn {(datetime.date(2026, 10, 20) - datetime.date(2024, 3, 31)).days} ngày" in page


def test_every_state_is_written_in_text_not_only_in_colour(client, made):
    response, _ = board_of(client, made.coordinator)
    page = response.content.decode()

    # each cell links to its report and carries its state in words
    for (unit, task), state in EXPECTED_CELLS.items():
        report = made.report(unit, task)
        match = re.search(
            rf'<a class="state state-{state}" href="/bao-cao/{report.pk}/" title="([^"]+)">([^<]+)<', page
        )
        assert match, (unit, task, state)
        assert match.group(2).strip()


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            "?state=in_progress_on_time",
            {("lhh", n) for n in "1245"} | {("khtc", n) for n in "1345"},
        ),
        ("?task={task_2}", {("qlkh", "2"), ("lhh", "2")}),
        ("?unit={qlkh}", {("qlkh", n) for n in "12345"}),
        ("?unit={lhh}&task={task_1}", {("lhh", "1")}),
    ],
)
def test_filters_by_state_task_and_unit(client, made, query, expected):
    ids = {
        "task_1": Task.objects.get(plan=made.plan, number=1).pk,
        "task_2": Task.objects.get(plan=made.plan, number=2).pk,
        "qlkh": Unit.objects.get(code="qlkh").pk,
        "lhh": Unit.objects.get(code="lhh").pk,
    }
    response, board = board_of(client, made.coordinator, query.format(**ids))

    assert response.status_code == 200
    # a state filter keeps the units that have that state, and shows their whole row
    assert set(cells(board)) == expected


@pytest.mark.parametrize(
    "query, message",
    [
        ("?ky=2019", "không có kỳ báo cáo “2019”"),
        ("?ky=a%20b", "Mã kỳ báo cáo không hợp lệ"),
        ("?plan=99999", "Hãy chọn"),
        ("?state=bogus", "Hãy chọn"),
        ("?unit=99999", "không báo cáo trong kỳ"),
        ("?unit=-1", "lớn hơn"),
        ("?task={other_task}", "không thuộc kế hoạch"),
    ],
)
def test_a_bad_filter_is_explained_and_the_default_board_shown(client, made, query, message):
    from tests.factories import TaskFactory

    other_task = TaskFactory()
    response, board = board_of(client, made.coordinator, query.format(other_task=other_task.pk))

    assert response.status_code == 400
    page = response.content.decode()
    assert message.lower() in page.lower(), page[:3000]
    assert board.period == made.period


def test_the_period_selector_shows_another_period(client, made):
    # Given a 2025 period of the same plan, with one report
    period = ReportingPeriod.objects.create(
        plan=made.plan,
        key="2025",
        name="Năm 2025",
        year=2025,
        deadline=datetime.date(2025, 11, 14),
        cutoff_from=datetime.date(2024, 11, 11),
        cutoff_to=datetime.date(2025, 11, 10),
        is_open=False,
    )
    task = Task.objects.get(plan=made.plan, number=3)
    qlcn = Unit.objects.get(code="qlcn")
    TaskReport.objects.create(
        period=period,
        task=task,
        unit=qlcn,
        unit_name="Tên cũ của phòng",
        role=AssignmentRole.LEAD,
        deadline=period.deadline,
        status=ReportStatus.ACCEPTED,
        completion=Completion.DONE,
        completed_on=datetime.date(2025, 11, 1),
        progress=100,
    )

    response, board = board_of(client, made.coordinator, "?ky=2025")

    assert board.period == period
    assert cells(board) == {("qlcn", "3"): DONE_ON_TIME}
    assert [row.name for row in board.rows] == ["Tên cũ của phòng"]  # the name of that year
    assert board.not_submitted == []
    assert "Kỳ đã đóng" in response.content.decode()


def test_the_last_reminder_of_each_unit_is_shown(client, made):
    qlkh = Unit.objects.get(code="qlkh")
    sent = datetime.datetime(2026, 10, 18, 1, 30, tzinfo=datetime.UTC)
    Reminder.objects.create(
        unit=qlkh,
        kind=ReminderKind.SCHEDULED,
        sent_at=sent,
        recipients="a@b.vn",
        subject="x",
        body="x",
        report_count=3,
    )

    response, board = board_of(client, made.coordinator)

    row = next(row for row in board.not_submitted if row.unit_id == qlkh.pk)
    assert row.last_reminder == sent
    assert "18/10/2026 08:30" in response.content.decode()


def test_a_board_without_any_period_says_so(client, world):
    TaskReport.objects.all().delete()
    ReportingPeriod.objects.all().delete()
    client.force_login(world.coordinator)

    response = client.get(BOARD)

    assert response.status_code == 200
    assert "Chưa có kỳ báo cáo nào" in response.content.decode()


def test_the_plans_followed_and_their_periods_are_read_together(client, made):
    """A plan issued later comes first in the plan selector, but the board opens on the plan with a
    period open; the period selector lists that plan's periods only, the latest deadline first; a
    plan without a period chosen says so."""
    later = PlanFactory(code="kh-moi", issued_year=2027, title="Kế hoạch chưa mở kỳ")
    ReportingPeriodFactory(plan=made.plan, year=2025, is_open=False)
    ReportingPeriodFactory(plan=made.plan, year=2027)  # created last, due last: listed first

    response, board = board_of(client, made.leadership)

    page = response.content.decode()
    assert board.plan == made.plan and board.period == made.period
    plans = re.search(r'<select id="loc-plan" name="plan">(.*?)</select>', page).group(1)
    assert re.findall(r'<option value="(\d+)"', plans) == [str(later.pk), str(made.plan.pk)]
    periods = re.search(r'<select id="loc-ky" name="ky">(.*?)</select>', page).group(1)
    assert re.findall(r'<option value="([^"]+)"', periods) == ["2027", "2026", "2025"]
    assert "Năm 2025 (đã đóng)" in periods

    client.force_login(made.leadership)
    empty = client.get(BOARD, {"plan": later.pk}).content.decode()
    assert "Chưa có kỳ báo cáo nào của kế hoạch kh-moi." in empty


@pytest.mark.parametrize(
    "account, expected",
    [
        ("ttkhcn_staff", 403),
        ("ttkhcn_head", 403),
        ("qlkh_head", 403),
        ("finance", 403),
        ("coordinator", 200),
        ("leadership", 200),
        ("admin", 200),
    ],
)
def test_who_may_see_the_board(client, world, account, expected):
    client.force_login(getattr(world, account))
    assert client.get(BOARD).status_code == expected


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get(BOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_remind_button_is_offered_to_the_coordinator_only(client, made):
    coordinator_page = board_of(client, made.coordinator)[0].content.decode()
    leadership_page = board_of(client, made.leadership)[0].content.decode()

    assert "Nhắc ngay" in coordinator_page
    assert "Nhắc ngay" not in leadership_page


# ------------------------------------------------------------------------------
# Province scale: 300 units, 50 tasks
# ------------------------------------------------------------------------------
def _province(world, *, units=300, tasks=50):
    new_units = Unit.objects.bulk_create(
        Unit(code=f"tinh-{n}", name=f"Đơn vị cấp tỉnh {n:03d}", kind=UnitKind.DEPARTMENT)
        for n in range(units)
    )
    new_tasks = Task.objects.bulk_create(
        Task(plan=world.plan, number=10 + n, title=f"Nhiệm vụ {n}", content="…") for n in range(tasks)
    )
    Assignment.objects.bulk_create(
        Assignment(task=task, unit=unit, role=AssignmentRole.LEAD if i == 0 else AssignmentRole.PARTNER)
        for t, task in enumerate(new_tasks)
        for i, unit in enumerate(new_units[t * 6 : (t * 6) + 12])
    )
    statuses = list(ReportStatus)
    TaskReport.objects.bulk_create(
        TaskReport(
            period=world.period,
            task=a.task,
            unit=a.unit,
            unit_name=a.unit.name,
            role=a.role,
            deadline=world.period.deadline,
            status=statuses[i % 4],
            completion=[Completion.NOT_STARTED, Completion.IN_PROGRESS][i % 2],
        )
        for i, a in enumerate(Assignment.objects.filter(task__in=new_tasks).select_related("task", "unit"))
    )
    Reminder.objects.bulk_create(
        Reminder(
            unit=unit,
            kind=ReminderKind.SCHEDULED,
            sent_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
            recipients="x@y.vn",
            subject="s",
            body="b",
            report_count=1,
        )
        for unit in new_units
    )


# One query more than before for the names units bear today ("nay là"), fixed whatever the data;
# two more for the indicators (with their targets) and the values reported (issue 13).
BOARD_QUERY_BUDGET = 17


@pytest.mark.parametrize("query", ["", "?state=not_started", "?page=3"])
def test_the_board_costs_the_same_queries_with_300_units_and_50_tasks(client, made, query):
    client.force_login(made.coordinator)
    with CaptureQueriesContext(connection) as small:
        assert client.get(BOARD + query).status_code == 200

    _province(made)
    with CaptureQueriesContext(connection) as large:
        response = client.get(BOARD + query)

    assert response.status_code == 200
    assert (
        len(response.context["board"].unit_choices) == 305
    )  # the 5 units of the world that report, and 300 more
    assert len(small) <= BOARD_QUERY_BUDGET, [q["sql"] for q in small.captured_queries]
    assert len(large) <= BOARD_QUERY_BUDGET, [q["sql"] for q in large.captured_queries]


def test_a_plan_of_many_tasks_shows_its_columns_a_page_at_a_time(client, made, monkeypatch):
    # Given columns 2 at a time
    monkeypatch.setattr("reports.followup.board.TASKS_PER_PAGE", 2)

    first, board = board_of(client, made.coordinator, "?page=1")
    third, board_3 = board_of(client, made.coordinator, "?page=1&cot=3")

    # Then tasks 1 and 2 first, task 5 on the third page; the rows and counts stay the period's
    assert [task.number for task in board.tasks] == ["1", "2"]
    assert [task.number for task in board_3.tasks] == ["5"]
    assert board_3.total == board.total == 21
    assert {(code, task) for code, task in cells(board_3)} == {
        (unit, "5") for unit, task in MADE if task == "5"
    }
    page = first.content.decode()
    assert "Nhiệm vụ 1 đến 2 · cột 1–2 trong 5 nhiệm vụ" in page
    assert 'href="?page=1&amp;cot=2">Nhiệm vụ sau →</a>' in page
    # each cell names its task, for the phone's stacked rows
    assert '<td data-label="NV 5"><a class="state' in third.content.decode()
    response, _ = board_of(client, made.coordinator, "?cot=0")
    assert response.status_code == 400


def test_a_cell_names_its_own_task_when_one_task_is_chosen(client, made):
    task_4 = Task.objects.get(plan=made.plan, number="4").pk

    response, board = board_of(client, made.coordinator, f"?task={task_4}")

    assert [task.number for task in board.tasks] == ["4"]
    assert 'data-label="NV 4"' in response.content.decode()
    assert 'data-label="NV 1"' not in response.content.decode()


# ------------------------------------------------------------------------------
# The filters apply to the whole page, not only the matrix
# ------------------------------------------------------------------------------
def test_a_unit_filter_narrows_the_counts_the_units_owing_the_lists_and_the_chart(client, made):
    lhh = Unit.objects.get(code="lhh")

    response, board = board_of(client, made.coordinator, f"?unit={lhh.pk}")

    assert board.totals == {DONE_ON_TIME: 0, DONE_LATE: 1, ON_TIME: 2, OVERDUE: 0, NOT_STARTED: 1}
    assert board.total == 4
    assert [(row.name, row.owed, row.returned) for row in board.not_submitted] == [(lhh.name, 3, 1)]
    assert board.waiting == [] and board.waiting_total == 0
    assert board.overdue_fixed == [] and board.overdue_fixed_total == 0
    chart = response.content.decode().split("Biểu đồ tình trạng theo đơn vị")[1]
    assert chart.count('class="chart-label"') == 1 and lhh.name in chart
    # the selector still offers every unit
    assert len(board.unit_choices) == 5


def test_a_task_filter_counts_that_tasks_reports_only(client, made):
    task_1 = Task.objects.get(plan=made.plan, number=1)

    response, board = board_of(client, made.coordinator, f"?task={task_1.pk}")

    assert board.totals == {DONE_ON_TIME: 1, DONE_LATE: 0, ON_TIME: 2, OVERDUE: 0, NOT_STARTED: 2}
    owed = {Unit.objects.get(pk=row.unit_id).code: row.owed for row in board.not_submitted}
    assert owed == {"qlkh": 1, "qlcn": 1, "lhh": 1}
    assert [(r.unit.code, r.task.number) for r in board.waiting] == [("khtc", "1")]
    assert board.waiting_total == 1
    lhh_row = next(row for row in board.rows if row.unit_id == Unit.objects.get(code="lhh").pk)
    assert [(state, n) for state, n, _ in lhh_row.bars] == [(ON_TIME, 1)]


def test_a_state_filter_counts_the_reports_in_that_state_and_lists_their_units(client, made):
    response, board = board_of(client, made.coordinator, f"?state={OVERDUE}")

    assert board.total == 1 and board.totals[OVERDUE] == 1
    assert [Unit.objects.get(pk=row.unit_id).code for row in board.not_submitted] == ["qlkh"]
    assert [(r.unit.code, r.task.number) for r in board.overdue_fixed] == [("qlkh", "2")]
    assert board.waiting_total == 0
    # the matrix still shows the unit's whole row
    assert {task for unit, task in cells(board)} == {"1", "2", "3", "4", "5"}


def test_remind_now_covers_only_the_period_shown_and_its_count_matches_the_row(client, made, mailoutbox):
    from reports.workflow.services import period_open

    # Given 2027 open as well, where every unit owes its reports again
    period_open(plan=made.plan, year=2027, by=made.coordinator)
    ttkhcn = Unit.objects.get(code="ttkhcn")
    ttkhcn.email = "ttkhcn@donvi.example"
    ttkhcn.save(update_fields=["email"])
    _, board = board_of(client, made.coordinator, "?ky=2026")
    row = next(row for row in board.not_submitted if row.unit_id == ttkhcn.pk)

    response = client.post(
        reverse("reports:remind_unit", args=[ttkhcn.pk]), {"period": made.period.pk}, follow=True
    )

    assert f"({row.owed} báo cáo còn nợ trong kỳ Năm 2026)" in response.content.decode()
    (message,) = [m for m in mailoutbox if "ttkhcn@donvi.example" in m.to]
    assert "2027" not in message.body and "2027" not in message.subject
    assert "quá hạn" not in message.body
