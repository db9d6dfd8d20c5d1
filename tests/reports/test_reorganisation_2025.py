"""2025 replayed on Kế hoạch 463 and on the Nghị quyết 57 plan (issue: units that change).

- 01/03/2025: the Sở Thông tin và Truyền thông merges into the Sở Khoa học và Công nghệ;
- 01/07/2025: the district committees give way to the communes' group (the communes belong to it from
  that day); the Bình Phước Sở KH&CN merges into its Đồng Nai counterpart; the Trung tâm Khoa học và
  Công nghệ is replaced by a new centre.

Each reorganisation goes through `units_reorganise`, at the time it happened; then 2025 and 2026 are
checked: who owes what, who is reminded, the board and the consolidated report.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from reports.consolidated.generator import document_build
from reports.consolidated.selectors import scope as scope_of
from reports.followup.board import board_build
from reports.followup.reminders import reports_owed
from reports.models import ReportingPeriod, ReportStatus, TaskReport
from reports.workflow.services import period_open, period_set_open
from tasks.models import Assignment, GroupMembership, Plan, Reporting, Role, Task, Unit, UnitKind
from tasks.reorganisation import Mapping, units_reorganise
from tasks.services import plan_load_file, tasks_saved
from tests.factories import UserFactory
from tests.helpers import PLANS, fresh, report_save, report_take

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH, JULY = datetime.date(2025, 3, 1), datetime.date(2025, 7, 1)
TTTT_TEXT = "Sở TT&TT đã phối hợp đăng 12 tin, bài về đặt hàng nhiệm vụ."


def at(time_machine, day: datetime.date):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(9), tzinfo=ICT), tick=False)


def owed(plan: Plan, key: str) -> set[tuple[str, str]]:
    """(unit code, task number) of every report of the plan's period `key`."""
    return set(
        TaskReport.objects.filter(period__plan=plan, period__key=key).values_list(
            "unit__code", "task__number"
        )
    )


def codes_of(units) -> set[str]:
    return {unit.code for unit in units}


@pytest.fixture
def replay(plan_463, time_machine):
    """Both plans, the bodies of 2025, and the year 2025 opened on 10/01/2025."""
    at(time_machine, datetime.date(2025, 1, 10))
    plan_load_file(PLANS / "ke-hoach-nq57.json")
    nq57 = Plan.objects.get(code="kh-nq57")
    admin = UserFactory(username="quantri", role=Role.ADMIN, is_staff=True, is_superuser=True)
    tttt = Unit.objects.create(
        code="so-tttt", name="Sở Thông tin và Truyền thông tỉnh Đồng Nai", kind="department"
    )
    bp = Unit.objects.create(
        code="so-khcn-bp", name="Sở Khoa học và Công nghệ tỉnh Bình Phước", kind="department"
    )
    Unit.objects.create(
        code="tt-dmst", name="Trung tâm Đổi mới sáng tạo tỉnh Đồng Nai", kind=UnitKind.CENTRE, valid_from=JULY
    )
    communes = Unit.objects.get(code="nhom-ubnd-cap-xa")
    for code, name in (
        ("xa-an-phuoc", "Ủy ban nhân dân xã An Phước"),
        ("xa-long-hung", "Ủy ban nhân dân xã Long Hưng"),
    ):
        commune = Unit.objects.create(code=code, name=name, kind=UnitKind.COMMUNE, valid_from=JULY)
        GroupMembership.objects.create(member=commune, group=communes, valid_from=JULY)
    # Each district committee of task 3 reports; each commune of NQ57's task 9 reports.
    Assignment.objects.filter(task__plan=plan_463, task__number="3", unit__code="nhom-ubnd-cap-huyen").update(
        reporting=Reporting.MEMBERS
    )
    Assignment.objects.filter(task__plan=nq57, task__number="9", unit=communes).update(
        reporting=Reporting.MEMBERS
    )
    for plan, number, unit in (
        (plan_463, "4", tttt),
        (nq57, "2", tttt),
        (plan_463, "5", bp),
        (nq57, "9", bp),
    ):
        Assignment.objects.create(task=Task.objects.get(plan=plan, number=number), unit=unit, role="partner")
    tasks_saved(task_ids=Task.objects.values_list("pk", flat=True), by=admin)
    for plan in (plan_463, nq57):
        period_open(plan=plan, year=2025, by=admin)
    return plan_463, nq57, admin


def people(code):
    unit = Unit.objects.get(code=code)
    return (
        UserFactory(username=f"{code}.cb", unit=unit, role=Role.STAFF),
        UserFactory(username=f"{code}.ld", unit=unit, role=Role.HEAD),
    )


def test_2025_replayed_on_two_plans(replay, time_machine):
    kh463, nq57, admin = replay

    # 2025 as opened: the district committees owe nothing (they end 30/06/2025, before every deadline
    # but NQ57's first), the TT&TT and the Bình Phước Sở owe their parts
    assert {("so-tttt", "4"), ("so-khcn-bp", "5"), ("ttkhcn", "1")} <= owed(kh463, "2025")
    assert not {code for code, _ in owed(kh463, "2025")} & {"ubnd-bien-hoa", "xa-an-phuoc"}
    assert {("so-tttt", "2"), ("so-khcn-bp", "9")} <= owed(nq57, "2025-h1")

    # 20/02/2025: the TT&TT drafts its part of task 4, then merges into the Sở KH&CN from 01/03/2025
    at(time_machine, datetime.date(2025, 2, 20))
    staff, _ = people("so-tttt")
    report_save(
        TaskReport.objects.get(period__plan=kh463, unit__code="so-tttt", task__number="4"),
        staff,
        results=TTTT_TEXT,
    )
    units_reorganise(mappings=[Mapping("so-tttt", "so-khcn", MARCH)], by=admin, confirm=True)

    handed = TaskReport.objects.get(
        period__plan=kh463, period__key="2025", task__number="4", unit__code="so-khcn"
    )
    assert (handed.results, handed.unit_name) == (TTTT_TEXT, "Sở Khoa học và Công nghệ tỉnh Đồng Nai")
    assert not {code for code, _ in owed(kh463, "2025") | owed(nq57, "2025-h1")} & {"so-tttt"}
    assert ("so-khcn", "2") in owed(nq57, "2025-h1")

    # June: the Bình Phước Sở and the centre send reports; NQ57's first half is closed after its deadline
    at(time_machine, datetime.date(2025, 6, 2))
    bp_staff, bp_head = people("so-khcn-bp")
    tt_staff, tt_head = people("ttkhcn")
    bp_sent = report_take(
        TaskReport.objects.get(
            period__plan=nq57, period__key="2025-h1", unit__code="so-khcn-bp", task__number="9"
        ),
        "submitted",
        staff=bp_staff,
        head=bp_head,
        reviewer=None,
    )
    tt_sent = report_take(
        TaskReport.objects.get(period__plan=kh463, period__key="2025", unit__code="ttkhcn", task__number="3"),
        "submitted",
        staff=tt_staff,
        head=tt_head,
        reviewer=None,
    )
    at(time_machine, datetime.date(2025, 6, 20))
    period_set_open(period=ReportingPeriod.objects.get(plan=nq57, key="2025-h1"), is_open=False, by=admin)

    # 20/06/2025: the reorganisation of 01/07/2025, in one step
    result = units_reorganise(
        mappings=[
            Mapping("nhom-ubnd-cap-huyen", "nhom-ubnd-cap-xa", JULY),
            Mapping("so-khcn-bp", "so-khcn", JULY),
            Mapping("ttkhcn", "tt-dmst", JULY),
        ],
        by=admin,
        confirm=True,
    )
    assert len(result.units) == 3

    # --- 2025, after the deadlines ---------------------------------------------------------------
    at(time_machine, datetime.date(2025, 12, 20))
    new_centre = Unit.objects.get(code="tt-dmst")
    kh463_2025 = owed(kh463, "2025")
    # the successors answer: the Sở KH&CN for the TT&TT and Bình Phước, the new centre for the old one
    # (the lead of task 1, and its place in "các phòng, đơn vị thuộc Sở"), each commune for task 3
    assert {
        ("so-khcn", "4"),
        ("so-khcn", "5"),
        ("tt-dmst", "1"),
        ("tt-dmst", "4"),
        ("xa-an-phuoc", "3"),
    } <= kh463_2025
    assert ("xa-long-hung", "3") in kh463_2025
    # the old centre keeps only what it sent, under its name; the ended bodies owe nothing
    assert {(code, n) for code, n in kh463_2025 if code in {"ttkhcn", "so-tttt", "so-khcn-bp"}} == {
        ("ttkhcn", "3")
    }
    assert fresh(tt_sent).unit_name == "Trung tâm Khoa học và Công nghệ"
    assert fresh(tt_sent).status == ReportStatus.SUBMITTED
    # NQ57: the closed first half is as it was; the second half follows the new map
    assert fresh(bp_sent).unit.code == "so-khcn-bp" and fresh(bp_sent).status == ReportStatus.SUBMITTED
    nq57_h2 = owed(nq57, "2025-h2")
    assert {
        ("so-khcn", "2"),
        ("so-khcn", "9"),
        ("tt-dmst", "3"),
        ("tt-dmst", "6"),
        ("xa-an-phuoc", "9"),
    } <= nq57_h2
    assert not {code for code, _ in nq57_h2} & {"ttkhcn", "so-tttt", "so-khcn-bp"}

    # who is reminded: nobody that has ended
    reminded = codes_of(reports_owed(today=datetime.date(2025, 12, 20)))
    assert {"so-khcn", "tt-dmst", "xa-an-phuoc"} <= reminded
    assert not reminded & {"ttkhcn", "so-tttt", "so-khcn-bp", "ubnd-bien-hoa"}

    # the board: the old centre's row says what it is called now
    period_2025 = ReportingPeriod.objects.get(plan=kh463, key="2025")
    board = board_build(
        period=period_2025, today=datetime.date(2025, 12, 20), tasks=list(kh463.tasks.order_by("sort_key"))
    )
    names = {row.name: row.known_now_as for row in board.rows}
    assert names["Trung tâm Khoa học và Công nghệ"] == new_centre.name
    assert names[new_centre.name] == ""
    assert "Sở Thông tin và Truyền thông tỉnh Đồng Nai" not in names

    # the consolidated report: task 1 is led by the new centre, with the communes' group among the
    # partners; the old centre's sent report is in the appendix under its name
    document = document_build(scope_of(kh463, "2025"), datetime.date(2025, 12, 20))
    task_1 = next(part for part in document.tasks if part.number == "1")
    assert task_1.lead == [new_centre.name]
    assert "Ủy ban nhân dân các xã, phường" in task_1.partners
    assert "Ủy ban nhân dân các huyện, thành phố" not in task_1.partners
    appendix = {(row.task_number, row.unit) for row in document.appendix}
    assert ("3", "Trung tâm Khoa học và Công nghệ") in appendix
    assert ("4", "Sở Khoa học và Công nghệ tỉnh Đồng Nai") in appendix
    assert not {unit for _, unit in appendix} & {"Sở Thông tin và Truyền thông tỉnh Đồng Nai"}

    # --- 2026 --------------------------------------------------------------------------------------
    at(time_machine, datetime.date(2026, 1, 10))
    for plan in (kh463, nq57):
        period_open(plan=plan, year=2026, by=admin)
    ended = {"ttkhcn", "so-tttt", "so-khcn-bp", "ubnd-bien-hoa", "ubnd-xuan-loc", "nhom-ubnd-cap-huyen"}
    kh463_2026 = owed(kh463, "2026")
    assert {("tt-dmst", "1"), ("so-khcn", "4"), ("so-khcn", "5"), ("xa-long-hung", "3")} <= kh463_2026
    assert not {code for code, _ in kh463_2026} & ended
    nq57_2026 = owed(nq57, "2026-h1")
    assert {("tt-dmst", "4.1"), ("so-khcn", "2"), ("xa-an-phuoc", "9")} <= nq57_2026
    assert not {code for code, _ in nq57_2026} & ended
    reminded = codes_of(reports_owed(today=datetime.date(2026, 3, 1)))
    assert {"tt-dmst", "so-khcn", "xa-an-phuoc"} <= reminded
    assert not reminded & ended
    board = board_build(
        period=ReportingPeriod.objects.get(plan=kh463, key="2026"),
        today=datetime.date(2026, 3, 1),
        tasks=list(kh463.tasks.order_by("sort_key")),
    )
    assert "Trung tâm Khoa học và Công nghệ" not in {row.name for row in board.rows}
    document = document_build(scope_of(kh463, "2026"), datetime.date(2026, 3, 1))
    assert next(part for part in document.tasks if part.number == "1").lead == [new_centre.name]
