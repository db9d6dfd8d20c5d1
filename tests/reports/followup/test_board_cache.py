"""The board's cache (reports.followup.board_cache): served again while nothing it shows changed,
drawn afresh after any change the board shows, whoever made it and however, never shared between
users shown different boards.

Transactional tests: the cache is only used outside a transaction, and PostgreSQL replaces a stamp
when the change is committed, as in production.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kehoach import stamps
from reports.models import IndicatorValue, Reminder, ReminderKind, ReportingPeriod, ReportStatus, TaskReport
from reports.workflow.services import report_accept, report_submit
from tasks.models import (
    Assignment,
    AssignmentRole,
    Indicator,
    IndicatorAccumulation,
    IndicatorAggregation,
    IndicatorTarget,
    Plan,
    PlanRole,
    Role,
    TargetScope,
    Task,
    Unit,
    UnitKind,
)
from tasks.services import tasks_saved
from tests.factories import PlanFactory, ReportingPeriodFactory, UserFactory
from tests.reports.followup.test_board import BOARD, _province

pytestmark = pytest.mark.django_db(transaction=True)

# A board served from the cache: what every page of a logged-in user reads (the session, the user,
# their parts in plans, for the navigation), then the stamps and the cache's entry; the plans
# followed with their periods come from memory while the global stamp is the same.
CACHED_BOARD_QUERIES = 7


def get(client, user, query=""):
    """The board as `user` sees it: (page, drawn afresh rather than served from the cache, queries)."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BOARD + query)
    assert response.status_code == 200
    return response.content.decode(), response.context.get("board") is not None, len(queries)


def without_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def cell(page: str, report: TaskReport) -> str:
    """The title of the report's cell in the matrix: its state and role in words."""
    url = reverse("reports:report_detail", args=[report.pk])
    return re.search(rf'href="{url}" title="([^"]*)"', page).group(1)


def test_a_board_asked_again_is_served_from_the_cache_for_fewer_queries_whatever_the_data(client, made):
    page, drawn, first = get(client, made.coordinator)
    again, drawn_again, served = get(client, made.coordinator)

    assert drawn and not drawn_again
    assert without_token(again) == without_token(page)
    assert served < first
    assert served <= CACHED_BOARD_QUERIES

    # At province scale the cached board costs the same queries, when drawn afresh and served again
    _province(made)
    page, drawn, large_first = get(client, made.coordinator)
    _, drawn_again, large_served = get(client, made.coordinator)
    assert drawn and not drawn_again
    assert "Đơn vị cấp tỉnh 000" in page
    assert large_served == served
    assert large_first == first


def test_a_board_served_again_reads_the_plans_and_their_periods_from_memory(client, made):
    get(client, made.coordinator)
    client.force_login(made.coordinator)
    with CaptureQueriesContext(connection) as queries:
        client.get(BOARD)

    # Only the query that reads them selects the plans' titles
    assert not [q["sql"] for q in queries if '"tasks_plan"."title"' in q["sql"]]
    # and a change to the plans is read again (test_a_change_shows_on_the_next_request)
    Plan.objects.filter(pk=made.plan.pk).update(code="kh-moi")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(BOARD).content.decode()
    assert [q["sql"] for q in queries if '"tasks_plan"."title"' in q["sql"]]
    assert "kh-moi —" in page


def test_each_filter_and_page_is_a_board_of_its_own(client, made):
    get(client, made.coordinator)
    page, drawn, _ = get(client, made.coordinator, "?state=not_started")

    assert drawn
    assert '<option value="not_started" selected>' in page


# ------------------------------------------------------------------------------
# Whatever changes what the board shows shows on the next request
# ------------------------------------------------------------------------------
def _submit(world):
    report = world.report("ttkhcn", 3)
    TaskReport.objects.filter(pk=report.pk).update(results="Đã triển khai.")
    report_submit(report=report, by=world.ttkhcn_head)


def _accept(world):
    report_accept(report=world.report("khtc", 1), by=world.coordinator)


def _assignment(world) -> TaskReport:
    """A partner of task 4 becomes its co-lead; returns the partner's report, whose role follows."""
    task = world.plan.tasks.get(number="4")
    assignment = Assignment.objects.filter(
        task=task, role=AssignmentRole.PARTNER, unit__reports__task=task, unit__reports__period=world.period
    ).first()
    Assignment.objects.filter(pk=assignment.pk).update(role=AssignmentRole.LEAD)
    tasks_saved(task_ids=[task.pk], by=world.admin)
    return TaskReport.objects.get(period=world.period, task=task, unit=assignment.unit_id)


def _rename(world):
    task = world.plan.tasks.get(number="1")
    task.title = "Nhiệm vụ một, tên mới"
    task.save()


def _unit_ended(world):
    successor = Unit.objects.create(code="lhh-moi", name="Liên hiệp hội mới", kind=UnitKind.ASSOCIATION)
    Unit.objects.filter(code="lhh").update(valid_to=datetime.date(2026, 10, 1), successor=successor)


def _reminded(world):
    Reminder.objects.create(
        unit=Unit.objects.get(code="lhh"),
        kind=ReminderKind.MANUAL,
        sent_at=datetime.datetime(2026, 10, 19, 3, 5, tzinfo=datetime.UTC),
        recipients="lhh@dongnai.example",
        subject="Đôn đốc",
        body="…",
        report_count=4,
    )


def _plan_renamed(world):
    Plan.objects.filter(pk=world.plan.pk).update(title="Kế hoạch mang tên mới")


def _period_renamed(world):
    ReportingPeriod.objects.filter(pk=world.period.pk).update(name="Kỳ mang tên mới")


def _raw_update(world):
    # A bulk update sends no signal and skips `updated_at`: the database's triggers still see it.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_taskreport SET status = %s WHERE id = %s",
            [ReportStatus.SUBMITTED, world.report("lhh", 5).pk],
        )


CHANGES = {
    # change: (what the board shows before, after)
    "report sent": (
        _submit,
        'Chờ duyệt <small class="muted">(2)</small>',
        'Chờ duyệt <small class="muted">(3)</small>',
    ),
    "report accepted": (
        _accept,
        'Chờ duyệt <small class="muted">(2)</small>',
        'Chờ duyệt <small class="muted">(1)</small>',
    ),
    "task renamed": (_rename, None, "Nhiệm vụ một, tên mới"),
    "unit ended": (_unit_ended, None, "(nay là Liên hiệp hội mới)"),
    "reminder sent": (_reminded, None, "19/10/2026 10:05"),
    # What the plans and periods read from memory show (selectors.followed_plans)
    "plan renamed": (_plan_renamed, None, "Kế hoạch mang tên mới"),
    "period renamed": (_period_renamed, None, "Kỳ mang tên mới"),
    "bulk SQL update": (
        _raw_update,
        'Chờ duyệt <small class="muted">(2)</small>',
        'Chờ duyệt <small class="muted">(3)</small>',
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_shows_on_the_next_request(client, made, change):
    write, before, after = CHANGES[change]
    get(client, made.coordinator)
    page, drawn, _ = get(client, made.coordinator)
    assert not drawn  # served from the cache
    if before:
        assert before in page
    assert after not in page

    write(made)

    page, drawn, _ = get(client, made.coordinator)
    assert drawn
    assert after in page
    if before:
        assert before not in page


def test_a_role_followed_from_the_assignment_shows_in_its_cell(client, made):
    page, _, _ = get(client, made.coordinator)
    get(client, made.coordinator)

    report = _assignment(made)

    assert report.role == AssignmentRole.LEAD
    assert cell(page, report).endswith("— phối hợp")
    page, drawn, _ = get(client, made.coordinator)
    assert drawn
    assert cell(page, report).endswith("— chủ trì")


def test_an_indicator_value_shows_on_the_next_request(client, made):
    indicator = Indicator.objects.create(
        task=made.plan.tasks.get(number="1"),
        name="Số doanh nghiệp được hỗ trợ",
        unit_of_measure="doanh nghiệp",
        aggregation=IndicatorAggregation.SUM,
        accumulation=IndicatorAccumulation.CUMULATIVE,
    )
    target = IndicatorTarget.objects.create(indicator=indicator, scope=TargetScope.YEAR, year=2026, value=80)
    get(client, made.coordinator)
    page, drawn, _ = get(client, made.coordinator)
    assert not drawn
    assert "chưa có số liệu" in page

    # A unit's number, then the target changed
    value = IndicatorValue.objects.create(
        report=made.report("ttkhcn", 1), indicator=indicator, value=Decimal(83)
    )
    page, drawn, _ = get(client, made.coordinator)
    assert drawn
    assert '<td data-label="Thực hiện" class="number">83</td>' in page
    get(client, made.coordinator)

    IndicatorValue.objects.filter(pk=value.pk).update(value=Decimal(79))
    page, drawn, _ = get(client, made.coordinator)
    assert drawn
    assert '<td data-label="Thực hiện" class="number">79</td>' in page

    IndicatorTarget.objects.filter(pk=target.pk).update(value=75)
    page, drawn, _ = get(client, made.coordinator)
    assert drawn
    assert '<td data-label="Mức chỉ tiêu" class="number">75</td>' in page


def test_a_new_day_draws_the_board_again(client, made, time_machine):
    get(client, made.coordinator)
    page, drawn, _ = get(client, made.coordinator)
    assert not drawn
    assert "còn 26 ngày" in page

    time_machine.move_to(datetime.datetime(2026, 10, 21, 9, 0, tzinfo=datetime.UTC), tick=False)

    page, drawn, _ = get(client, made.coordinator)
    assert drawn
    assert "còn 25 ngày" in page


# ------------------------------------------------------------------------------
# Who asks
# ------------------------------------------------------------------------------
def test_users_shown_different_boards_never_share_a_cached_one(client, made):
    # The leadership may not remind; the coordinator may
    leadership_page, _, _ = get(client, made.leadership)
    coordinator_page, coordinator_drawn, _ = get(client, made.coordinator)
    leadership_again, leadership_drawn, _ = get(client, made.leadership)

    assert coordinator_drawn  # not the leadership's board
    assert "Nhắc ngay" in coordinator_page
    assert "Nhắc ngay" not in leadership_page
    assert not leadership_drawn and "Nhắc ngay" not in leadership_again


def test_users_following_other_plans_never_share_a_cached_board(client, made):
    # Both coordinate plan 463 and may remind its units; one also coordinates a second plan
    second = PlanFactory(code="kh-thu-hai", title="Kế hoạch thứ hai")
    also_second = UserFactory(username="dieuphoi.hai", unit=made.coordinator.unit, role=Role.COORDINATOR)
    PlanRole.objects.create(user=also_second, plan=second, kind=PlanRole.Kind.COORDINATOR)
    query = f"?plan={made.plan.pk}"

    get(client, made.coordinator, query)
    page, drawn, _ = get(client, also_second, query)

    # The board of plan 463 for each, with each one's plans to choose from
    assert drawn
    assert f'<option value="{second.pk}">kh-thu-hai — Kế hoạch thứ hai</option>' in page
    again, drawn, _ = get(client, made.coordinator, query)
    assert not drawn
    assert "kh-thu-hai" not in again


def test_the_same_board_is_shared_by_users_of_the_same_rights_each_with_their_own_token(client, made):
    second_coordinator = UserFactory(
        username="dieuphoi.ba", unit=made.coordinator.unit, role=Role.COORDINATOR
    )
    first, _, _ = get(client, made.coordinator)
    second, drawn, _ = get(client, second_coordinator)

    assert not drawn
    assert without_token(second) == without_token(first)
    # The form behind "Nhắc ngay" carries the token of the session asking, drawn for each request
    form = '<form method="post" id="nhac-ngay"><input type="hidden" name="csrfmiddlewaretoken" value="'
    assert form in first and form in second
    assert second.split(form)[1][:64] != first.split(form)[1][:64]


# ------------------------------------------------------------------------------
# The stamps
# ------------------------------------------------------------------------------
def test_a_stamp_changes_when_a_change_is_committed_never_when_it_is_rolled_back(made):
    period = made.period.pk
    before = stamps.read([period])

    with pytest.raises(RuntimeError), transaction.atomic():
        TaskReport.objects.filter(period=made.period).update(progress=10)
        raise RuntimeError
    assert stamps.read([period]) == before

    TaskReport.objects.filter(period=made.period).update(progress=10)
    after = stamps.read([period])
    assert after[period] != before.get(period)
    assert after[stamps.GLOBAL] == before[stamps.GLOBAL]

    Task.objects.filter(plan=made.plan, number="1").update(title="Tên khác")
    assert stamps.read([period])[stamps.GLOBAL] != after[stamps.GLOBAL]


def test_the_stamps_of_plans_are_the_global_one_and_those_of_their_periods(made):
    second = PlanFactory(code="kh-thu-hai")
    other = ReportingPeriodFactory(plan=second, year=2026)
    TaskReport.objects.filter(period=made.period).update(progress=10)
    ReportingPeriod.objects.filter(pk=other.pk).update(name="Năm 2026 (sửa)")

    found = stamps.read_plans({made.plan.pk})
    assert set(found) == {stamps.GLOBAL, made.period.pk}
    assert found == stamps.read([made.period.pk])
    assert stamps.read_plans(set()) == {stamps.GLOBAL: found[stamps.GLOBAL]}
    assert set(stamps.read_plans(None)) == set(stamps.read(None))
    with transaction.atomic():
        assert stamps.read_plans_committed({made.plan.pk}) is None


def test_without_all_its_triggers_the_board_is_always_drawn_afresh(client, made):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER board_stamp_tasks_task_update")
        else:
            cursor.execute("DROP TRIGGER board_stamp_tasks_task_row ON tasks_task")
    assert stamps.read([made.period.pk]) is None

    get(client, made.coordinator)
    Task.objects.filter(plan=made.plan, number="1").update(title="Đổi tên khi thiếu trigger")
    page, drawn, _ = get(client, made.coordinator)
    assert drawn
    assert "Đổi tên khi thiếu trigger" in page

    # The next migrate puts it back
    stamps.install()
    assert stamps.read([made.period.pk]) is not None


def test_a_cache_that_cannot_be_read_or_written_draws_the_board(client, made, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("bảng bộ nhớ đệm bị khóa")

    monkeypatch.setattr("kehoach.cache.cache.get", broken)
    monkeypatch.setattr("kehoach.cache.cache.set", broken)

    for _ in range(2):
        page, drawn, _ = get(client, made.coordinator)
        assert drawn
        assert "Tình trạng theo nhiệm vụ và đơn vị" in page
