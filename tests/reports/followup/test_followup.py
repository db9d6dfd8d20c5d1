"""Escalations to the Director with the leadership's directions, the funds page and its XLSX export,
the reminder log and the remind-now button: figures, permissions and bad input."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from reports.followup import views as followup_views
from reports.models import (
    Direction,
    EventKind,
    IndicatorValue,
    Reminder,
    ReminderKind,
    ReportEvent,
    ReportStatus,
    TaskReport,
)
from tasks.models import Indicator, Role, Unit
from tests.factories import ReportingPeriodFactory, TaskReportFactory, UserFactory
from tests.helpers import output_indicator

SENT_AT = datetime.datetime(2026, 10, 10, 2, 0, tzinfo=datetime.UTC)
ROLES = [
    "ttkhcn_staff",
    "ttkhcn_head",
    "qlcn_staff",
    "qlkh_head",
    "coordinator",
    "leadership",
    "finance",
    "admin",
]


def make(world, unit, task, **fields):
    """The report of `unit` on `task`, set to `fields` directly (the workflow is tested elsewhere)."""
    fields.setdefault("status", ReportStatus.SUBMITTED)
    if fields["status"] != ReportStatus.DRAFT:
        fields.setdefault("submitted_at", SENT_AT)
        fields.setdefault("last_submitted_at", SENT_AT)
    TaskReport.objects.filter(pk=world.report(unit, task).pk).update(**fields)
    return world.report(unit, task)


# ------------------------------------------------------------------------------
# Escalations and directions
# ------------------------------------------------------------------------------
@pytest.fixture
def escalated(before_deadline, world):
    return make(world, "ttkhcn", 1, difficulties="Thiếu kinh phí tổ chức hội thảo.", escalate=True)


def test_a_sent_escalation_is_on_the_leaderships_page_with_unit_task_and_year(client, world, escalated):
    make(world, "qlcn", 3, status=ReportStatus.DRAFT, difficulties="Nháp chưa gửi.", escalate=True)
    make(world, "lhh", 1, difficulties="Không cần Giám đốc.", escalate=False)
    client.force_login(world.leadership)

    response = client.get(reverse("reports:escalation_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [escalated]
    assert "Thiếu kinh phí tổ chức hội thảo." in page
    assert escalated.unit_name in page and "nhiệm vụ 1." in page and "năm 2026" in page
    assert "Nháp chưa gửi." not in page and "Không cần Giám đốc." not in page


def test_the_leadership_writes_a_direction_the_unit_and_the_coordinator_then_read(client, world, escalated):
    client.force_login(world.leadership)

    response = client.post(
        reverse("reports:direction_add", args=[escalated.pk]),
        {"text": "Giao Phòng Kế hoạch Tài chính bố trí kinh phí.", "next": "/chi-dao/"},
    )

    assert response.status_code == 302 and response["Location"] == "/chi-dao/"
    direction = Direction.objects.get()
    assert (direction.report, direction.author, direction.text) == (
        escalated,
        world.leadership,
        "Giao Phòng Kế hoạch Tài chính bố trí kinh phí.",
    )
    assert ReportEvent.objects.filter(
        report=escalated, kind=EventKind.DIRECTED, actor=world.leadership
    ).exists()
    for reader in (world.ttkhcn_staff, world.coordinator):
        client.force_login(reader)
        page = client.get(reverse("reports:report_detail", args=[escalated.pk])).content.decode()
        assert "Giao Phòng Kế hoạch Tài chính bố trí kinh phí." in page
        assert "Ý kiến chỉ đạo của" in page


def test_the_pending_filter_hides_what_already_has_a_direction(client, world, escalated):
    other = make(world, "qlcn", 3, difficulties="Chưa có hướng dẫn.", escalate=True)
    Direction.objects.create(
        report=escalated, text="Đã chỉ đạo.", author=world.leadership, author_name="Giám đốc"
    )
    client.force_login(world.coordinator)

    response = client.get(reverse("reports:escalation_list") + "?cho=1")

    assert list(response.context["page"].object_list) == [other]


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_direction_is_refused_and_nothing_recorded(client, world, escalated, text):
    client.force_login(world.leadership)

    response = client.post(reverse("reports:direction_add", args=[escalated.pk]), {"text": text}, follow=True)

    assert "Hãy ghi ý kiến chỉ đạo." in response.content.decode()
    assert not Direction.objects.exists()
    assert not ReportEvent.objects.filter(kind=EventKind.DIRECTED).exists()


def test_a_direction_on_a_report_not_raised_to_the_director_is_refused(client, world, before_deadline):
    report = make(world, "ttkhcn", 1, escalate=False)
    client.force_login(world.leadership)

    response = client.post(reverse("reports:direction_add", args=[report.pk]), {"text": "Chỉ đạo."})

    assert response.status_code == 403
    assert not Direction.objects.exists()


def test_a_coordinator_sees_only_the_escalations_of_the_plans_they_coordinate(client, world, escalated):
    """Another plan, coordinated by another unit: its difficulties go to the leadership and its own
    coordinator, not to the coordinator of plan 463, and theirs not to it."""
    other = TaskReportFactory(
        unit=Unit.objects.get(code="lhh"),
        status=ReportStatus.SUBMITTED,
        submitted_at=SENT_AT,
        last_submitted_at=SENT_AT + datetime.timedelta(days=1),
        difficulties="Khó khăn của kế hoạch khác.",
        escalate=True,
    )
    theirs = UserFactory(role=Role.COORDINATOR, unit=other.period.plan.coordinating_unit)

    def listed(user):
        client.force_login(user)
        response = client.get(reverse("reports:escalation_list"))
        assert response.status_code == 200
        return list(response.context["page"].object_list)

    assert listed(world.coordinator) == [escalated]
    assert listed(theirs) == [other]
    # Every plan for the leadership, the last sent first.
    assert listed(world.leadership) == [other, escalated]


def test_a_report_sent_again_comes_first_whatever_its_year(client, world, escalated):
    older = TaskReportFactory(
        period=ReportingPeriodFactory(plan=world.plan, year=2025),
        task=world.plan.tasks.get(number=2),
        unit=Unit.objects.get(code="lhh"),
        status=ReportStatus.SUBMITTED,
        submitted_at=SENT_AT - datetime.timedelta(days=400),
        last_submitted_at=SENT_AT + datetime.timedelta(hours=1),
        difficulties="Gửi lại sau khi bị trả.",
        escalate=True,
    )
    client.force_login(world.leadership)

    response = client.get(reverse("reports:escalation_list"))

    assert list(response.context["page"].object_list) == [older, escalated]


@pytest.mark.parametrize(
    "account, page, direct",
    [
        ("ttkhcn_staff", 403, 403),
        ("ttkhcn_head", 403, 403),
        ("qlcn_staff", 403, 404),
        ("qlkh_head", 403, 404),
        ("coordinator", 200, 403),
        ("leadership", 200, 302),
        ("finance", 403, 403),
        ("admin", 200, 403),
    ],
)
def test_who_sees_escalations_and_who_directs(client, world, escalated, account, page, direct):
    client.force_login(getattr(world, account))

    assert client.get(reverse("reports:escalation_list")).status_code == page
    assert client.get(reverse("reports:direction_add", args=[escalated.pk])).status_code == 405
    response = client.post(reverse("reports:direction_add", args=[escalated.pk]), {"text": "Ý kiến."})
    assert response.status_code == direct
    assert Direction.objects.count() == (1 if direct == 302 else 0)


def test_a_direction_on_a_report_that_does_not_exist_is_404(client, world):
    client.force_login(world.leadership)
    assert client.post(reverse("reports:direction_add", args=[999999]), {"text": "x"}).status_code == 404


# ------------------------------------------------------------------------------
# Funds
# ------------------------------------------------------------------------------
@pytest.fixture
def funded(before_deadline, world):
    """Hand-made: only sent reports count.

    ttkhcn task 1 accepted 50.000.000 / 20.000.000; lhh task 1 submitted 10.000.000 / 12.500.000;
    qlkh task 2 submitted 5.000.000 / (none); qlcn task 3 draft 99.000.000 / 99.000.000 (not counted);
    lhh task 4 returned 7.000.000 / 1.000.000 (not counted).
    """
    make(world, "ttkhcn", 1, status=ReportStatus.ACCEPTED, funds_planned=50_000_000, funds_spent=20_000_000)
    make(world, "lhh", 1, funds_planned=10_000_000, funds_spent=12_500_000)
    make(world, "qlkh", 2, funds_planned=5_000_000)
    make(world, "qlcn", 3, status=ReportStatus.DRAFT, funds_planned=99_000_000, funds_spent=99_000_000)
    make(world, "lhh", 4, status=ReportStatus.RETURNED, funds_planned=7_000_000, funds_spent=1_000_000)
    return world


def test_funds_by_task_unit_and_year_with_totals(client, funded):
    client.force_login(funded.finance)

    response = client.get(reverse("reports:funds"))

    funds = response.context["funds"]
    assert (funds.total["planned"], funds.total["spent"], funds.total["reports"]) == (
        65_000_000,
        32_500_000,
        3,
    )
    assert funds.total["rate"] == 50
    by_task = {row["task__number"]: (row["planned"], row["spent"]) for row in funds.by_task}
    assert by_task == {"1": (60_000_000, 32_500_000), "2": (5_000_000, None)}
    lhh = Unit.objects.get(code="lhh")
    by_unit = {row["unit_id"]: (row["planned"], row["spent"]) for row in funds.by_unit}
    assert by_unit[lhh.pk] == (10_000_000, 12_500_000)
    assert len(by_unit) == 3
    # the biggest spenders first, a unit that stated nothing last (on PostgreSQL as on SQLite)
    assert [row["spent"] for row in funds.by_unit] == [20_000_000, 12_500_000, None]
    assert [(row["period__year"], row["planned"]) for row in funds.by_year] == [(2026, 65_000_000)]
    page = response.content.decode()
    assert "65.000.000 đ" in page and "32.500.000 đ" in page
    assert "99.000.000" not in page


def test_the_funds_tables_are_shown_a_page_at_a_time(client, funded, monkeypatch):
    # Given pages of one row, and the two tasks and three units that stated funds
    monkeypatch.setattr(followup_views, "FUNDS_ROWS_PER_PAGE", 1)
    monkeypatch.setattr(followup_views, "FUNDS_DETAIL_PER_PAGE", 2)
    client.force_login(funded.finance)

    first = client.get(reverse("reports:funds"))
    second = client.get(reverse("reports:funds"), {"nhiem_vu": "2", "don_vi": "3", "page": "2"})

    assert [row["task__number"] for row in first.context["by_task"]] == ["1"]
    assert [row["task__number"] for row in second.context["by_task"]] == ["2"]
    assert [row["spent"] for row in second.context["by_unit"]] == [None]
    # the detail's pager counts the reports that state funds, without a query of its own
    assert second.context["detail"].paginator.count == 3 and len(second.context["detail"]) == 1
    html = first.content.decode()
    assert "Trang 1/2" in html and "Trang 1/3" in html and "nhiem_vu=2" in html and "don_vi=2" in html
    # the totals stay those of every row, not of the page
    assert "65.000.000 đ" in second.content.decode()


def test_the_funds_export_is_a_workbook_of_numbers_with_inert_text(client, funded):
    TaskReport.objects.filter(pk=funded.report("lhh", 1).pk).update(
        unit_name='=HYPERLINK("http://example.com")'
    )
    # Indicator values of a sent report (exported) and of a draft (not yet the unit's word)
    task_1 = funded.report("lhh", 1).task
    IndicatorValue.objects.create(
        report=funded.report("lhh", 1), indicator=output_indicator(task_1, "participants"), value=1250
    )
    share = Indicator.objects.create(
        task=task_1, name="Tỷ lệ hồ sơ trực tuyến", unit_of_measure="%", decimals=1, is_share=True, order=9
    )
    IndicatorValue.objects.create(report=funded.report("lhh", 1), indicator=share, value=Decimal("83.4"))
    draft = funded.report("qlcn", 3)
    of_task_3 = Indicator.objects.create(
        task=draft.task, name="Doanh nghiệp được hỗ trợ", unit_of_measure="doanh nghiệp"
    )
    IndicatorValue.objects.create(report=draft, indicator=of_task_3, value=Decimal("99"))
    client.force_login(funded.finance)

    response = client.get(reverse("reports:funds_export") + "?year=2026")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="kinh-phi-2026.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Theo năm", "Theo nhiệm vụ", "Theo đơn vị", "Chi tiết", "Chỉ tiêu"]
    detail = book["Chi tiết"]
    assert detail.freeze_panes == "A2"
    assert [cell.value for cell in detail[1]][:3] == ["Năm", "Kế hoạch", "Nhiệm vụ"]
    rows = {row[4].value: row for row in detail.iter_rows(min_row=2)}
    hostile = rows['=HYPERLINK("http://example.com")']
    assert hostile[4].data_type == "s"  # text, not a formula
    assert hostile[7].value == 10_000_000 and hostile[7].data_type == "n"
    assert hostile[7].number_format == "#,##0"
    by_unit = book["Theo đơn vị"]
    assert [cell.value for cell in list(by_unit.iter_rows())[-1]][:3] == ["Tổng cộng", 65_000_000, 32_500_000]
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)
    # and the indicators of the sent reports, their values as numbers
    indicators = [list(row) for row in book["Chỉ tiêu"].iter_rows(min_row=2)]
    assert [(row[6].value, row[8].value, row[8].data_type) for row in indicators] == [
        ("Lượt người tham dự", 1250, "n"),
        ("Tỷ lệ hồ sơ trực tuyến", 83.4, "n"),
    ]


def test_a_bad_funds_filter_is_explained(client, funded):
    client.force_login(funded.finance)

    response = client.get(reverse("reports:funds") + "?year=abc&plan=999")

    assert response.status_code == 400
    assert "Hãy chọn" in response.content.decode()
    export = client.get(reverse("reports:funds_export") + "?year=abc", follow=True)
    assert "Bộ lọc không hợp lệ" in export.content.decode()


@pytest.mark.parametrize(
    "account, expected",
    [
        ("ttkhcn_staff", 403),
        ("ttkhcn_head", 403),
        ("qlcn_staff", 403),
        ("qlkh_head", 403),
        ("coordinator", 200),
        ("leadership", 200),
        ("finance", 200),
        ("admin", 200),
    ],
)
def test_who_sees_the_funds(client, funded, account, expected):
    client.force_login(getattr(funded, account))

    assert client.get(reverse("reports:funds")).status_code == expected
    assert client.get(reverse("reports:funds_export")).status_code == expected
    assert client.post(reverse("reports:funds_export")).status_code == 405


# ------------------------------------------------------------------------------
# Reminders from the board
# ------------------------------------------------------------------------------
def test_remind_now_sends_one_mail_logs_it_and_shows_it(client, world, before_deadline):
    qlcn = Unit.objects.get(code="qlcn")
    world.qlcn_staff.email = "canbo.qlcn@example.vn"
    world.qlcn_staff.save()
    client.force_login(world.coordinator)

    response = client.post(
        reverse("reports:remind_unit", args=[qlcn.pk]),
        {"next": "/theo-doi/?ky=2026", "period": world.period.pk},
    )

    assert response.status_code == 302 and response["Location"] == "/theo-doi/?ky=2026"
    assert len(mail.outbox) == 1
    assert "canbo.qlcn@example.vn" in mail.outbox[0].to
    reminder = Reminder.objects.get()
    assert (reminder.unit, reminder.kind, reminder.sent_by) == (qlcn, ReminderKind.MANUAL, world.coordinator)
    log = client.get(reverse("reports:reminder_list")).content.decode()
    assert reminder.subject in log and "canbo.qlcn@example.vn" in log


def test_remind_now_refuses_a_unit_that_owes_nothing_and_sends_nothing(client, world, before_deadline):
    TaskReport.objects.filter(unit__code="qlcn").update(status=ReportStatus.SUBMITTED, submitted_at=SENT_AT)
    world.qlcn_staff.email = "canbo.qlcn@example.vn"
    world.qlcn_staff.save()
    client.force_login(world.coordinator)

    response = client.post(
        reverse("reports:remind_unit", args=[Unit.objects.get(code="qlcn").pk]),
        {"period": world.period.pk},
        follow=True,
    )

    assert response.status_code == 200
    assert not mail.outbox and not Reminder.objects.exists()
    assert any(message.level_tag == "error" for message in response.context["messages"])


def test_remind_now_does_not_follow_a_next_address_off_the_site(client, world, before_deadline):
    world.qlcn_staff.email = "canbo.qlcn@example.vn"
    world.qlcn_staff.save()
    client.force_login(world.coordinator)

    response = client.post(
        reverse("reports:remind_unit", args=[Unit.objects.get(code="qlcn").pk]),
        {"next": "https://evil.example.com/", "period": world.period.pk},
    )

    assert response["Location"] == reverse("reports:board")


@pytest.mark.parametrize("account", ["ttkhcn_staff", "ttkhcn_head", "qlkh_head", "leadership", "finance"])
def test_only_the_coordinator_reminds(client, world, before_deadline, account):
    world.qlcn_staff.email = "canbo.qlcn@example.vn"
    world.qlcn_staff.save()
    client.force_login(getattr(world, account))

    response = client.post(
        reverse("reports:remind_unit", args=[Unit.objects.get(code="qlcn").pk]), {"period": world.period.pk}
    )

    assert response.status_code == 403
    assert not mail.outbox and not Reminder.objects.exists()


def test_reminding_a_unit_that_does_not_exist_is_404(client, world):
    client.force_login(world.coordinator)
    assert (
        client.post(reverse("reports:remind_unit", args=[999999]), {"period": world.period.pk}).status_code
        == 404
    )
    # and a period that does not exist is not found either
    qlcn = Unit.objects.get(code="qlcn")
    assert (
        client.post(reverse("reports:remind_unit", args=[qlcn.pk]), {"period": "999999"}).status_code == 404
    )
    assert client.post(reverse("reports:remind_unit", args=[qlcn.pk]), {"period": "²"}).status_code == 404
    assert client.get(reverse("reports:remind_unit", args=[1])).status_code == 405


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
def test_who_reads_the_reminder_log(client, world, account, expected):
    client.force_login(getattr(world, account))
    assert client.get(reverse("reports:reminder_list")).status_code == expected


@pytest.mark.parametrize("query, expected", [("?unit=abc", 404), ("?unit=999999", 404), ("?page=abc", 200)])
def test_a_bad_reminder_log_filter(client, world, query, expected):
    client.force_login(world.coordinator)
    assert client.get(reverse("reports:reminder_list") + query).status_code == expected


def test_a_coordinator_sees_the_funds_of_the_plans_they_coordinate_only(client, funded):
    # Given another plan, coordinated by another unit, whose unit sent 777.000.000 planned
    other = TaskReportFactory(
        status=ReportStatus.SUBMITTED,
        submitted_at=SENT_AT,
        last_submitted_at=SENT_AT,
        funds_planned=777_000_000,
        funds_spent=1_000_000,
    )
    other_plan = other.period.plan

    client.force_login(funded.coordinator)
    mine = client.get(reverse("reports:funds"))
    asked = client.get(reverse("reports:funds"), {"plan": other_plan.pk})
    export = client.get(reverse("reports:funds_export") + "?year=")

    # Then their page sums plan 463 alone, offers no other plan, and refuses to be asked for one
    assert mine.context["funds"].total["planned"] == 65_000_000
    assert "777.000.000" not in mine.content.decode()
    assert other_plan.code not in mine.content.decode()
    assert asked.status_code == 400 and "777.000.000" not in asked.content.decode()
    book = load_workbook(io.BytesIO(export.content))
    assert 777_000_000 not in [cell.value for row in book["Chi tiết"].iter_rows() for cell in row]
    # while the leadership sees every plan's funds
    client.force_login(funded.leadership)
    every = client.get(reverse("reports:funds"))
    assert every.context["funds"].total["planned"] == 65_000_000 + 777_000_000


def test_the_funds_export_sums_the_year_asked(client, funded):
    # Given a sent report of 2025 besides those of 2026
    earlier = ReportingPeriodFactory(plan=funded.plan, year=2025, key="2025", name="Năm 2025")
    TaskReportFactory(
        period=earlier,
        task=funded.report("lhh", 1).task,
        status=ReportStatus.ACCEPTED,
        submitted_at=SENT_AT,
        last_submitted_at=SENT_AT,
        funds_planned=3_000_000,
    )
    client.force_login(funded.finance)

    def planned(query):
        """The funds planned of the export's detail, added up."""
        book = load_workbook(io.BytesIO(client.get(reverse("reports:funds_export") + query).content))
        return sum(row[7].value or 0 for row in book["Chi tiết"].iter_rows(min_row=2))

    # Then the file of a year holds that year's reports (this year's by default), every year's all
    assert planned("") == planned("?year=2026") == 65_000_000
    assert planned("?year=2025") == 3_000_000
    assert planned("?year=") == 68_000_000
