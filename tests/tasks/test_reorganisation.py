"""A reorganisation of units in one step, with its preview (tasks.reorganisation).

The world: Kế hoạch 463 with 2026 open (deadline 15/11/2026). Trung tâm KH&CN (ttkhcn) leads task 1
and reports on tasks 3, 4 and 5 as a member of "các phòng, đơn vị thuộc Sở"; lhh partners tasks 1,
2, 4 and 5; qlkh leads tasks 2, 4 and 5.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehoach.spreadsheets import Column, Sheet, workbook_bytes
from reports.models import EventKind, Evidence, ReportEvent, ReportStatus, TaskReport
from reports.workflow.services import HANDED_OVER_REASON, evidence_add, period_fill
from tasks.models import Assignment, AssignmentRole, GroupMembership, Task, Unit, UnitKind
from tasks.reorganisation import Mapping, mappings_from_sheet, units_reorganise
from tests.helpers import report_in, report_save, rows

JULY = datetime.date(2026, 7, 1)


def unit(code, name, kind=UnitKind.CENTRE, **extra) -> Unit:
    return Unit.objects.create(code=code, name=name, kind=kind, **extra)


def owed(world, number) -> dict[str, tuple[str, str]]:
    """unit code → (role, status) of the 2026 reports on task `number`."""
    return {
        code: (role, status)
        for code, role, status in TaskReport.objects.filter(
            period=world.period, task__number=number
        ).values_list("unit__code", "role", "status")
    }


def everything():
    return rows(Unit, GroupMembership, Assignment, TaskReport, Evidence, Unit.history.model)


@pytest.fixture
def new_centre(world):
    return unit("ttudkhcn", "Trung tâm Ứng dụng và Đổi mới sáng tạo")


def test_the_preview_says_what_would_change_and_changes_nothing(world, new_centre):
    before = everything()

    result = units_reorganise(mappings=[Mapping("ttkhcn", "ttudkhcn", JULY)], by=world.admin, confirm=False)

    assert not result.applied
    assert everything() == before
    assert result.units[0] == (
        "Trung tâm Khoa học và Công nghệ kết thúc hoạt động ngày 30/06/2026; đơn vị kế thừa: "
        "Trung tâm Ứng dụng và Đổi mới sáng tạo."
    )
    assert (
        "Nhiệm vụ 1 (kh-463): phân công chủ trì của Trung tâm Khoa học và Công nghệ chuyển sang "
        "Trung tâm Ứng dụng và Đổi mới sáng tạo." in result.assignments
    )
    assert any(line.startswith("Kỳ đang mở: chuyển 4 báo cáo chưa gửi") for line in result.reports)


def test_a_centre_replaced_hands_over_its_unsent_reports_with_their_files(
    world, new_centre, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # Given the centre drafted its task 1 report with a file, and sent its task 3 report
    draft = report_save(world.report("ttkhcn", 1), world.ttkhcn_staff, results="Nháp của Trung tâm.")
    evidence_add(
        report=draft, by=world.ttkhcn_staff, upload=SimpleUploadedFile("kq.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    sent = report_in(world, ReportStatus.SUBMITTED, "ttkhcn", 3)

    # When it is replaced by a new centre from 01/07/2026
    result = units_reorganise(mappings=[Mapping("ttkhcn", "ttudkhcn", JULY)], by=world.admin, confirm=True)

    # Then the old centre has ended with its successor named, in the history
    assert result.applied
    old = Unit.objects.get(code="ttkhcn")
    assert (old.valid_to, old.successor) == (datetime.date(2026, 6, 30), new_centre)
    assert old.history.latest().history_change_reason == "Tổ chức lại đơn vị"
    # the lead of task 1 moved, and the draft with its file is the new centre's, under its name
    assert (
        Assignment.objects.get(task__plan=world.plan, task__number="1", role=AssignmentRole.LEAD).unit
        == new_centre
    )
    handed = TaskReport.objects.get(pk=draft.pk)
    assert (handed.unit, handed.unit_name, handed.results) == (
        new_centre,
        new_centre.name,
        "Nháp của Trung tâm.",
    )
    assert handed.evidence.get().original_name == "kq.pdf"
    assert handed.history.latest().history_change_reason == HANDED_OVER_REASON
    # the sent report stays under the old name
    kept = TaskReport.objects.get(pk=sent.pk)
    assert (kept.unit, kept.unit_name, kept.status) == (old, old.name, ReportStatus.SUBMITTED)
    # the new centre takes the old one's place in "các phòng, đơn vị thuộc Sở" and owes tasks 4 and 5
    membership = GroupMembership.objects.get(member=new_centre, group__code="nhom-don-vi-thuoc-so")
    assert membership.valid_from == JULY
    assert (
        GroupMembership.objects.get(member=old, group__code="nhom-don-vi-thuoc-so").valid_to == old.valid_to
    )
    assert owed(world, 4)["ttudkhcn"] == (AssignmentRole.PARTNER, ReportStatus.DRAFT)
    assert "ttkhcn" not in owed(world, 4)
    assert owed(world, 3)["ttkhcn"] == (AssignmentRole.PARTNER, ReportStatus.SUBMITTED)


def test_many_to_one_merges_into_an_existing_assignment(world):
    # Given lhh and a second association both partner task 2, and both merge into a new union
    assoc = unit("hoi-tin-hoc", "Hội Tin học tỉnh", UnitKind.ASSOCIATION)
    Assignment.objects.create(
        task=Assignment.objects.get(task__plan=world.plan, task__number="2", unit__code="lhh").task,
        unit=assoc,
        role="partner",
    )
    union = unit("lien-hiep-moi", "Liên hiệp các Hội (mới)", UnitKind.ASSOCIATION)

    units_reorganise(
        mappings=[Mapping("lhh", "lien-hiep-moi", JULY), Mapping("hoi-tin-hoc", "lien-hiep-moi", JULY)],
        by=world.admin,
        confirm=True,
    )

    # Then task 2 has one partner assignment for the union, not two
    assert set(
        Assignment.objects.filter(task__plan=world.plan, task__number="2").values_list("unit__code", "role")
    ) == {("qlkh", "lead"), ("lien-hiep-moi", "partner")}
    assert Unit.objects.get(code="hoi-tin-hoc").successor == union


def test_one_to_many_chooses_the_successor_per_assignment(world):
    unit("lhh-a", "Liên hiệp A", UnitKind.ASSOCIATION)
    unit("lhh-b", "Liên hiệp B", UnitKind.ASSOCIATION)
    mappings = [
        Mapping("lhh", "lhh-a", JULY),
        Mapping("lhh", "lhh-b", JULY, plan="kh-463", task="2"),
    ]

    units_reorganise(mappings=mappings, by=world.admin, confirm=True)

    partners = dict(
        Assignment.objects.filter(
            task__plan=world.plan, role="partner", unit__code__startswith="lhh-"
        ).values_list("task__number", "unit__code")
    )
    assert partners == {"1": "lhh-a", "2": "lhh-b", "4": "lhh-a", "5": "lhh-a"}
    assert Unit.objects.get(code="lhh").successor.code == "lhh-a"


def test_one_to_many_without_a_choice_for_every_assignment_is_refused(world):
    unit("lhh-a", "Liên hiệp A", UnitKind.ASSOCIATION)
    unit("lhh-b", "Liên hiệp B", UnitKind.ASSOCIATION)
    before = everything()

    with pytest.raises(ValidationError) as refused:
        units_reorganise(
            mappings=[Mapping("lhh", "lhh-a", JULY, task="1"), Mapping("lhh", "lhh-b", JULY, task="2")],
            by=world.admin,
            confirm=True,
        )

    assert "hãy chọn đơn vị nhận phân công nhiệm vụ 4 của kế hoạch kh-463" in " ".join(refused.value.messages)
    assert everything() == before


@pytest.mark.parametrize(
    ("setup", "mappings", "reason"),
    [
        (
            lambda: None,
            [Mapping("ttkhcn", "", JULY)],
            "Nhiệm vụ 1 của kế hoạch kh-463 sẽ không còn đơn vị chủ trì đang hoạt động",
        ),
        (
            lambda: Unit.objects.filter(code="lhh").update(valid_to=datetime.date(2026, 3, 31)),
            [Mapping("lhh", "qlkh", JULY)],
            "đã có ngày kết thúc hoạt động 31/03/2026: không thể kết thúc lại ngày 30/06/2026",
        ),
        (
            lambda: unit("moi", "Đơn vị mới", valid_from=datetime.date(2026, 9, 1)),
            [Mapping("ttkhcn", "moi", JULY)],
            "Đơn vị mới chỉ hoạt động từ 01/09/2026, sau ngày tiếp nhận 01/07/2026",
        ),
        (
            lambda: Unit.objects.filter(code="qlcn").update(
                valid_to=datetime.date(2026, 12, 31), successor=Unit.objects.get(code="qlkh")
            ),
            [Mapping("qlkh", "qlcn", datetime.date(2027, 1, 1))],
            "Các đơn vị kế thừa tạo thành vòng lặp: Phòng Quản lý Khoa học → Phòng Quản lý Chuyên ngành → "
            "Phòng Quản lý Khoa học",
        ),
        (
            lambda: None,
            [Mapping("ttkhcn", "khong-co", JULY)],
            "Không có đơn vị mã “khong-co”.",
        ),
        (
            lambda: None,
            [Mapping("ttkhcn", "nhom-don-vi-thuoc-so", JULY)],
            "đơn vị kế thừa của một nhóm đơn vị phải là một nhóm",
        ),
    ],
    ids=["no-lead-left", "crosses-an-end-date", "successor-not-yet", "loop", "unknown", "unit-to-group"],
)
def test_a_reorganisation_that_breaks_a_rule_is_refused_and_changes_nothing(world, setup, mappings, reason):
    setup()
    before = everything()

    with pytest.raises(ValidationError) as refused:
        units_reorganise(mappings=mappings, by=world.admin, confirm=True)

    assert reason in " ".join(refused.value.messages)
    assert everything() == before


def test_an_unsent_report_of_a_period_the_old_unit_still_reaches_refuses(world):
    # The 2026 period (deadline 15/11/2026) still asks lhh if it ends on 31/12/2026.
    with pytest.raises(ValidationError) as refused:
        units_reorganise(
            mappings=[Mapping("lhh", "qlkh", datetime.date(2027, 1, 1))], by=world.admin, confirm=True
        )

    assert "Kỳ “Năm 2026” còn mở, hạn gửi 15/11/2026" in refused.value.messages[0]


def test_the_same_reorganisation_twice_changes_nothing_the_second_time(world, new_centre):
    units_reorganise(mappings=[Mapping("ttkhcn", "ttudkhcn", JULY)], by=world.admin, confirm=True)
    before = everything()

    result = units_reorganise(mappings=[Mapping("ttkhcn", "ttudkhcn", JULY)], by=world.admin, confirm=True)

    assert result.assignments == []
    assert rows(Assignment, TaskReport, GroupMembership) == {
        key: value for key, value in before.items() if key in rows(Assignment, TaskReport, GroupMembership)
    }


# ------------------------------------------------------------------------------
# The sheet of mappings and the command
# ------------------------------------------------------------------------------
def sheet(*lines, headers=("Mã đơn vị cũ", "Mã đơn vị kế thừa", "Từ ngày", "Kế hoạch", "Nhiệm vụ")) -> bytes:
    return workbook_bytes(
        [Sheet("Tổ chức lại", [Column(h, "text", 20) for h in headers], [list(x) for x in lines])]
    )


def test_a_sheet_of_mappings_reads_dates_and_choices():
    content = sheet(("lhh", "lhh-a", "01/07/2026", "", ""), ("lhh", "lhh-b", "2026-07-01", "kh-463", "2"))

    assert mappings_from_sheet(content, "to-chuc-lai.xlsx") == [
        Mapping("lhh", "lhh-a", JULY),
        Mapping("lhh", "lhh-b", JULY, "kh-463", "2"),
    ]


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (
            sheet(("lhh", "x", "31/02/2026", "", "")),
            "a.xlsx",
            "Dòng 2: “Từ ngày” phải là một ngày dạng dd/mm/yyyy",
        ),
        (sheet(("", "x", "01/07/2026", "", "")), "a.xlsx", "Dòng 2: thiếu “Mã đơn vị cũ”"),
        (
            sheet(("lhh", "x"), headers=("Mã đơn vị cũ", "Mã đơn vị kế thừa")),
            "a.xlsx",
            "Bảng tính thiếu cột: “Từ ngày”",
        ),
        (b"not a workbook", "a.xlsx", "tệp hỏng hoặc không phải bảng tính"),
        (b"\xff\xfeM\x00", "a.csv", "bảng mã UTF-8"),
        (b"x", "a.pdf", "chỉ nhận bảng tính .xlsx hoặc .csv"),
    ],
    ids=["bad-date", "no-old-unit", "missing-column", "broken-xlsx", "utf16-csv", "pdf"],
)
def test_a_bad_sheet_is_refused_with_the_reason(content, name, reason):
    with pytest.raises(ValidationError) as refused:
        mappings_from_sheet(content, name)

    assert reason in " ".join(refused.value.messages)


def test_the_command_previews_without_confirm_and_applies_with_it(world, new_centre, tmp_path, capsys):
    path = tmp_path / "to-chuc-lai.csv"
    path.write_text("Mã đơn vị cũ,Mã đơn vị kế thừa,Từ ngày\nttkhcn,ttudkhcn,01/07/2026\n", encoding="utf-8")

    call_command("reorganise", str(path))
    assert Unit.objects.get(code="ttkhcn").valid_to is None
    assert "Xem trước: 1 đơn vị sẽ được tổ chức lại" in capsys.readouterr().out

    call_command("reorganise", str(path), "--confirm", "--user", world.admin.username)
    assert Unit.objects.get(code="ttkhcn").valid_to == datetime.date(2026, 6, 30)
    assert Unit.objects.get(code="ttkhcn").history.latest().history_user == world.admin
    assert "Đã tổ chức lại 1 đơn vị." in capsys.readouterr().out


def test_the_command_refuses_in_vietnamese(world, tmp_path):
    path = tmp_path / "to-chuc-lai.csv"
    path.write_text("Mã đơn vị cũ,Mã đơn vị kế thừa,Từ ngày\nttkhcn,khong-co,01/07/2026\n", encoding="utf-8")

    with pytest.raises(
        CommandError, match="Không tổ chức lại, không thay đổi gì: Không có đơn vị mã “khong-co”."
    ):
        call_command("reorganise", str(path), "--confirm")


# ------------------------------------------------------------------------------
# Size: one transaction, queries that do not grow with the number of units
# ------------------------------------------------------------------------------
def _departments(world, count: int, prefix: str):
    """`count` departments that each partner a new task of the plan of their own, with their 2026
    draft report, and the merged departments they will fold into (ten old ones into each)."""
    olds = Unit.objects.bulk_create(
        Unit(code=f"{prefix}-{n}", name=f"Sở thử {prefix} {n}", kind=UnitKind.DEPARTMENT)
        for n in range(count)
    )
    news = Unit.objects.bulk_create(
        Unit(code=f"{prefix}-moi-{n}", name=f"Sở hợp nhất {prefix} {n}", kind=UnitKind.DEPARTMENT)
        for n in range(count)
    )
    first = 100 if prefix == "nho" else 1000  # task numbers of their own for each batch
    tasks = Task.objects.bulk_create(
        Task(
            plan=world.plan,
            number=str(first + n),
            sort_key=f"{first + n:04d}",
            title=f"Nhiệm vụ {prefix} {n}",
        )
        for n in range(count)
    )
    Assignment.objects.bulk_create(
        [Assignment(task=task, unit=world.ttkhcn_staff.unit, role=AssignmentRole.LEAD) for task in tasks]
        + [Assignment(task=tasks[n], unit=old, role=AssignmentRole.PARTNER) for n, old in enumerate(olds)]
    )
    period_fill(period=world.period, by=world.admin)
    return [Mapping(old.code, news[n // 10].code, JULY) for n, old in enumerate(olds)]


def _queries(world, mappings) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = units_reorganise(mappings=mappings, by=world.admin, confirm=True)
    assert len(result.units) == len(mappings)
    return len(queries)


def test_a_reorganisation_of_300_units_costs_about_as_many_queries_as_one_of_30(world):
    small = _queries(world, _departments(world, 30, "nho"))
    large_mappings = _departments(world, 300, "lon")

    large = _queries(world, large_mappings)

    # bulk writes go in batches (SQLite's limit on a statement's parameters): a few more statements
    # for ten times the units, never one per unit (300 more)
    assert large <= small + 30, (small, large)
    moved = TaskReport.objects.filter(period=world.period, unit__code__startswith="lon-moi-")
    assert moved.count() == 300  # each old unit's draft, handed to its merged department
    assert not TaskReport.objects.filter(period=world.period, unit__code__regex=r"^lon-[0-9]+$").exists()


def test_sent_reports_kept_and_new_ones_asked_cost_no_query_per_unit(world):
    # Given the old departments each sent their 2026 report (it stays theirs, and the merged
    # department is asked a report of its own on the task): the path that creates reports
    small_mappings = _departments(world, 30, "nho")
    large_mappings = _departments(world, 300, "lon")
    TaskReport.objects.filter(period=world.period, unit__code__regex=r"^(nho|lon)-[0-9]+$").update(
        status=ReportStatus.SUBMITTED
    )

    small = _queries(world, small_mappings)
    large = _queries(world, large_mappings)

    assert large <= small + 30, (small, large)
    kept = TaskReport.objects.filter(period=world.period, unit__code__regex=r"^lon-[0-9]+$")
    assert kept.count() == 300 and set(kept.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    asked = TaskReport.objects.filter(period=world.period, unit__code__startswith="lon-moi-")
    assert asked.count() == 300
    assert set(asked.values_list("status", flat=True)) == {ReportStatus.DRAFT}
    assert all(
        ReportEvent.objects.filter(report=report, kind=EventKind.OPENED).count() == 1 for report in asked[:5]
    )


def test_a_reorganisation_of_300_units_is_one_transaction(world):
    mappings = _departments(world, 300, "lon")
    # the last line ends the only lead of task 1 with no successor: the lead rule refuses it
    mappings.append(Mapping("ttkhcn", "", JULY))
    before = everything()

    with pytest.raises(ValidationError, match="không còn đơn vị chủ trì"):
        units_reorganise(mappings=mappings, by=world.admin, confirm=True)

    assert everything() == before
