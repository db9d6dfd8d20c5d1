"""A unit that no longer exists on a period's deadline is not asked; its successor answers for it.

The world: Kế hoạch 463 with 2026 open (deadline 15/11/2026). Task 2 is led by qlkh, lhh partners.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reports.followup.reminders import reports_owed
from reports.models import TaskReport
from reports.workflow.services import period_fill
from tasks.models import Assignment, AssignmentRole, Task, Unit, UnitKind
from tasks.services import tasks_saved

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def owed(world, number) -> dict[str, str]:
    """unit code → role of the 2026 reports on task `number`."""
    return dict(
        TaskReport.objects.filter(period=world.period, task__number=number).values_list("unit__code", "role")
    )


def department(code, name, *, valid_to=None, successor=None) -> Unit:
    return Unit.objects.create(
        code=code, name=name, kind=UnitKind.DEPARTMENT, valid_to=valid_to, successor=successor
    )


def assign(world, number, unit, role=AssignmentRole.PARTNER):
    task = Task.objects.get(plan=world.plan, number=number)
    Assignment.objects.create(task=task, unit=unit, role=role)
    tasks_saved(task_ids=[task.pk], by=world.admin)


def test_the_successor_answers_for_a_unit_ended_before_the_deadline(world):
    # Given the Sở TT&TT merged into the Sở KH&CN on 01/03/2025, and a plan naming it as partner
    khcn = department("so-khcn-moi", "Sở Khoa học và Công nghệ (sau hợp nhất)")
    tttt = department(
        "so-tttt", "Sở Thông tin và Truyền thông", valid_to=datetime.date(2025, 2, 28), successor=khcn
    )

    assign(world, "2", tttt)

    # Then the 2026 report on that part is the successor's, as a partner; the ended unit owes nothing
    assert owed(world, "2") == {"qlkh": "lead", "lhh": "partner", "so-khcn-moi": "partner"}
    assert TaskReport.objects.get(period=world.period, unit=khcn).unit_name == khcn.name


def test_successors_are_followed_to_one_that_exists(world):
    third = department("c", "Đơn vị C")
    second = department("b", "Đơn vị B", valid_to=datetime.date(2025, 6, 30), successor=third)
    first = department("a", "Đơn vị A", valid_to=datetime.date(2025, 2, 28), successor=second)

    assign(world, "2", first)

    assert owed(world, "2") == {"qlkh": "lead", "lhh": "partner", "c": "partner"}


def test_a_unit_ended_with_no_successor_leaves_its_part_unasked(world):
    gone = department("gone", "Ban đã giải thể", valid_to=datetime.date(2025, 6, 30))

    assign(world, "2", gone)

    assert owed(world, "2") == {"qlkh": "lead", "lhh": "partner"}


def test_a_successor_already_a_partner_leads_in_place_of_the_lead_it_follows(world):
    # Given lhh partners on task 2, and a former lead of the task that merged into lhh
    lhh = Unit.objects.get(code="lhh")
    former = department("hoi-cu", "Hội cũ", valid_to=datetime.date(2025, 6, 30), successor=lhh)

    assign(world, "2", former, AssignmentRole.LEAD)

    # Then lhh sends one report on task 2, as a lead
    assert owed(world, "2") == {"qlkh": "lead", "lhh": "lead"}


def test_a_unit_existing_on_the_deadline_reports_for_itself(world):
    # Given a unit ending after the deadline (on 31/12/2026), with a successor
    heir = department("heir", "Đơn vị kế thừa")
    ending = department("ending", "Đơn vị sắp sáp nhập", valid_to=datetime.date(2026, 12, 31), successor=heir)

    assign(world, "2", ending)

    assert owed(world, "2") == {"qlkh": "lead", "lhh": "partner", "ending": "partner"}


def test_opening_again_adds_nothing_more(world):
    khcn = department("so-khcn-moi", "Sở Khoa học và Công nghệ (sau hợp nhất)")
    assign(world, "2", department("so-tttt", "Sở TT&TT", valid_to=datetime.date(2025, 2, 28), successor=khcn))

    assert period_fill(period=world.period, by=world.coordinator) == 0


@pytest.mark.django_db
def test_a_unit_that_has_ended_is_never_reminded(world):
    # Given lhh owes reports in the open 2026 period, then ends on 30/11/2026
    assert Unit.objects.get(code="lhh") in reports_owed(today=datetime.date(2026, 11, 1))
    Unit.objects.filter(code="lhh").update(valid_to=datetime.date(2026, 11, 30))

    # Then it is reminded up to its last day, never after
    assert Unit.objects.get(code="lhh") in reports_owed(today=datetime.date(2026, 11, 30))
    assert Unit.objects.get(code="lhh") not in reports_owed(today=datetime.date(2026, 12, 1))


def test_the_report_and_the_board_say_what_an_ended_or_renamed_unit_is_now_called(client, world):
    # Given a 2026 report of a unit that ends on 30/11/2026, merged into a successor, and a report
    # of a unit renamed since its period opened
    heir = department("so-khcn-moi", "Sở Khoa học và Công nghệ (sau hợp nhất)")
    ending = department(
        "so-tttt", "Sở Thông tin và Truyền thông", valid_to=datetime.date(2026, 11, 30), successor=heir
    )
    assign(world, "2", ending)
    Unit.objects.filter(code="lhh").update(name="Liên hiệp các Hội KH&KT tỉnh Đồng Nai (tên mới)")
    report = TaskReport.objects.get(period=world.period, unit=ending)

    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=ICT), tick=False):
        client.force_login(world.coordinator)
        page = client.get(f"/bao-cao/{report.pk}/").content.decode()
        board = client.get("/theo-doi/").content.decode()

    # Then on 02/12/2026 both read the old name with today's
    assert "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ (sau hợp nhất))" in page
    assert (
        'Sở Thông tin và Truyền thông <small class="muted">(nay là Sở Khoa học và Công nghệ (sau hợp nhất))</small>'
        in board
    )
    assert (
        'Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Đồng Nai <small class="muted">'
        "(nay là Liên hiệp các Hội KH&amp;KT tỉnh Đồng Nai (tên mới))</small>" in board
    )
    # and a unit that kept its name is shown as it is
    assert "Phòng Quản lý Khoa học <small" not in board


def test_before_the_end_the_report_shows_only_the_name(client, world):
    heir = department("so-khcn-moi", "Sở Khoa học và Công nghệ (sau hợp nhất)")
    ending = department(
        "so-tttt", "Sở Thông tin và Truyền thông", valid_to=datetime.date(2026, 11, 30), successor=heir
    )
    assign(world, "2", ending)
    report = TaskReport.objects.get(period=world.period, unit=ending)

    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=ICT), tick=False):
        client.force_login(world.coordinator)
        page = client.get(f"/bao-cao/{report.pk}/").content.decode()

    assert "nay là" not in page
