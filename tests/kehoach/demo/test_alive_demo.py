"""The demo of `make run` is alive on the first login: Kế hoạch 463 with its past years sent and
accepted, the current period open with its deadline ahead and its reports in every state, every
unit with an address and every reporting unit with a head, so that "Nhắc ngay" works at once.

Made on 01/12/2026, after the schedule's deadline of 15/11/2026 (the case of the issue: every
report red on the first login).
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from reports.followup.board import board_build
from reports.followup.selectors import plan_tasks
from reports.followup.services import reminder_send_now
from reports.models import Direction, ReportEvent, ReportingPeriod, ReportStatus, TaskReport, TaskState
from reports.workflow.selectors import default_period, plan_periods
from tasks.models import Plan, Role, Unit, UnitKind, User

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def demo(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.UTC), tick=False)
    call_command("load_plan", verbosity=0)
    out = io.StringIO()
    call_command("create_demo_accounts", "--force", stdout=out)
    return out.getvalue()


def test_past_years_are_sent_accepted_and_closed(demo):
    plan = Plan.objects.get(code="kh-463")

    for year in (2024, 2025):
        period = ReportingPeriod.objects.get(plan=plan, year=year)
        reports = TaskReport.objects.filter(period=period)
        assert not period.is_open
        assert reports.exists()
        assert set(reports.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}
        # sent within their year, before the deadline, not "sau hạn"
        assert not ReportEvent.objects.filter(report__period=period, late=True).exists()
        assert {r.last_submitted_at.date() < period.deadline for r in reports} == {True}
    assert "kh-463 Năm 2025: 25 báo cáo đã gửi và được chấp nhận." in demo


def test_the_current_period_has_its_deadline_ahead_and_the_board_shows_every_state(demo):
    plan = Plan.objects.get(code="kh-463")
    period = default_period(plan_periods(plan), TODAY)

    assert period.year == 2026 and period.is_open
    assert period.deadline > TODAY

    board = board_build(period=period, today=TODAY, tasks=plan_tasks(plan))
    assert {state: n > 0 for state, n in board.totals.items()} == dict.fromkeys(TaskState.values, True)
    statuses = set(TaskReport.objects.filter(period=period).values_list("status", flat=True))
    assert statuses == set(ReportStatus.values)
    assert board.waiting and board.not_submitted
    assert Direction.objects.filter(report__period=period).exists()


def test_every_unit_has_an_address_and_every_reporting_unit_a_head(demo):
    assert not Unit.objects.exclude(kind=UnitKind.GROUP).filter(email="").exists()
    assert not User.objects.filter(email="").exists()
    # reserved domains only (RFC 2606): the demo's mail reaches nobody
    addresses = [
        *Unit.objects.exclude(email="").values_list("email", flat=True),
        *User.objects.values_list("email", flat=True),
    ]
    assert all(address.endswith(".example") for address in addresses)
    reporting = Unit.objects.filter(reports__period__plan__code="kh-463").distinct()
    for unit in reporting:
        assert User.objects.filter(unit=unit, role=Role.HEAD, is_active=True).exists(), unit.name


def test_remind_now_works_at_once(demo, django_capture_on_commit_callbacks):
    plan = Plan.objects.get(code="kh-463")
    period = default_period(plan_periods(plan), TODAY)
    owing = TaskReport.objects.filter(period=period, status=ReportStatus.DRAFT).first().unit
    mail.outbox.clear()

    reminder = reminder_send_now(unit=owing, period=period, by=User.objects.get(username="qlkh.dieuphoi"))

    assert reminder.report_count >= 1
    assert f"{owing.code}@donvi.example" in mail.outbox[-1].to


def test_running_again_changes_nothing(demo):
    before = (ReportEvent.objects.count(), TaskReport.objects.count(), User.objects.count())

    call_command("create_demo_accounts", "--force", stdout=io.StringIO())

    assert (ReportEvent.objects.count(), TaskReport.objects.count(), User.objects.count()) == before
